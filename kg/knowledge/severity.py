"""The one ordered severity scale of kgtwin, and how each source maps onto it.

``contraindicated`` (5) > ``major`` (4) > ``moderate`` (3) > ``minor`` (2) > ``info`` (1).

Example: an ONC high-priority pair (simvastatin + clarithromycin) is ``major``; the same
pair listed by VA NDF-RT as "Significant" would add a ``moderate`` source, and the pair keeps
the highest: ``major``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kg.errors import ValidationError, choices

__all__ = [
    "SEVERITIES",
    "SOURCE_SEVERITY",
    "highest",
    "map_source_severity",
    "severity_rank",
]

# Highest first.
SEVERITIES: tuple[str, ...] = ("contraindicated", "major", "moderate", "minor", "info")
_RANK: Mapping[str, int] = MappingProxyType(
    {name: len(SEVERITIES) - i for i, name in enumerate(SEVERITIES)}
)

# (source key, the source's own severity label) -> kgtwin severity.
SOURCE_SEVERITY: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("onc_high_priority", "high priority"): "major",
        ("onc_noninterruptive", "non-interruptive"): "minor",
        ("ndfrt_va", "Critical"): "major",
        ("ndfrt_va", "Significant"): "moderate",
    }
)


def severity_rank(severity: str) -> int:
    """Rank of ``severity`` on the scale: contraindicated 5 ... info 1.

    Raises:
        ValidationError: ``severity`` is not on the scale (the message lists the scale).
    """
    try:
        return _RANK[severity]
    except (KeyError, TypeError):
        raise ValidationError(
            f"severity {severity!r} is not on the scale (choices: {', '.join(SEVERITIES)})"
        ) from None


def highest(severities: list[str]) -> str:
    """The highest of ``severities`` (which must not be empty)."""
    return max(severities, key=severity_rank)


def map_source_severity(source: str, label: str) -> str:
    """kgtwin severity for a source's own label (``ndfrt_va``, ``Critical`` -> ``major``).

    Raises:
        ValidationError: the pair is not in :data:`SOURCE_SEVERITY`.
    """
    try:
        return SOURCE_SEVERITY[(source, label)]
    except KeyError:
        known = [f"{s}/{lab}" for s, lab in SOURCE_SEVERITY]
        raise ValidationError(
            f"no severity mapping for source {source!r} label {label!r} (known: {choices(known)})"
        ) from None
