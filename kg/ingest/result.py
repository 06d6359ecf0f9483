"""What an ingest reports back: what was written, what could not be mapped, what was skipped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["IngestResult", "SkippedItem", "UnmappedItem"]


@dataclass(frozen=True)
class UnmappedItem:
    """A coded item kept on the twin with ``mapped = false``: safety checks cannot see it."""

    resource_uid: str
    resource_type: str
    system: str | None
    code: str | None
    display: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class SkippedItem:
    """A bundle entry not written to the twin, and why."""

    location: str
    resource_type: str
    resource_id: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class IngestResult:
    """The outcome of one bundle or resource ingest.

    ``counts`` holds resources written per FHIR resource type (``Observation`` counts every
    stored observation, components included; genotype results count under ``Genotype``).
    """

    patients: tuple[str, ...]
    counts: Mapping[str, int]
    unmapped: tuple[UnmappedItem, ...] = ()
    skipped: tuple[SkippedItem, ...] = ()
    events: int = 0

    @property
    def resources(self) -> int:
        """Resources written, all types together."""
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output (the ``--report`` of ``kgtwin ingest``)."""
        return {
            "patients": list(self.patients),
            "counts": dict(self.counts),
            "events": self.events,
            "unmapped": [u.as_dict() for u in self.unmapped],
            "skipped": [s.as_dict() for s in self.skipped],
        }
