"""What a knowledge-base load did, per source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["LoadSummary", "SourceSummary"]


@dataclass(frozen=True)
class SourceSummary:
    """One source: rows written per label or relationship type, or why it was skipped."""

    name: str
    version: str
    counts: Mapping[str, int]
    seconds: float
    note: str | None = None

    @property
    def skipped(self) -> bool:
        """True when the source was not loaded (its note says why)."""
        return self.note is not None and not self.counts


@dataclass(frozen=True)
class LoadSummary:
    """The whole load: the KB version, each source's summary and the wall time."""

    kb_version: str
    sources: tuple[SourceSummary, ...]
    seconds: float

    def source(self, name: str) -> SourceSummary:
        """The summary of source ``name`` (KeyError if it was not part of the load)."""
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)

    def totals(self) -> dict[str, int]:
        """Rows written per label or relationship type over all sources."""
        out: dict[str, int] = {}
        for s in self.sources:
            for k, v in s.counts.items():
                out[k] = out.get(k, 0) + v
        return dict(sorted(out.items()))

    def lines(self) -> list[str]:
        """A human-readable summary, one line per source."""
        out = [
            f"knowledge base {self.kb_version}: "
            f"{len(self.sources)} source(s) in {self.seconds:.1f}s"
        ]
        for s in self.sources:
            if s.skipped:
                out.append(f"  {s.name:22} SKIPPED: {s.note}")
                continue
            counts = ", ".join(f"{k} {v}" for k, v in s.counts.items())
            out.append(f"  {s.name:22} {s.version}: {counts} ({s.seconds:.1f}s)")
            if s.note:
                out.append(f"  {'':22} note: {s.note}")
        return out
