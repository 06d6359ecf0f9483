"""A validated source, ready to write: named queries and their rows, in order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from kg.knowledge.csvfile import Problems
from kg.knowledge.vocabulary import DrugVocabulary, build_vocabulary

__all__ = ["Context", "SourcePlan", "Step"]


@dataclass(frozen=True)
class Step:
    """Rows for one ``UNWIND $rows`` query; ``counts`` names what each row writes."""

    query: str
    rows: list[dict[str, Any]]
    counts: str
    params: Mapping[str, Any] = field(default_factory=dict)  # shared by every batch


@dataclass
class SourcePlan:
    """Everything one loadable source writes, after full validation."""

    name: str
    version: str
    steps: list[Step] = field(default_factory=list)
    note: str | None = None  # e.g. why the source was skipped

    def add(
        self,
        query: str,
        rows: list[dict[str, Any]],
        counts: str,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        """Append a step (empty row lists are kept so counts show 0)."""
        self.steps.append(Step(query, rows, counts, dict(params or {})))

    @property
    def total_rows(self) -> int:
        """Rows over all steps (progress bar total)."""
        return sum(len(s.rows) for s in self.steps)

    def counts(self) -> Mapping[str, int]:
        """Rows written per label or relationship type."""
        out: dict[str, int] = {}
        for s in self.steps:
            out[s.counts] = out.get(s.counts, 0) + len(s.rows)
        return out


@dataclass
class Context:
    """What every source loader needs: data dir, KB version and the drug vocabulary."""

    data_dir: Path
    kb_version: str

    @cached_property
    def vocabulary(self) -> DrugVocabulary:
        """The drug vocabulary (validated; a problem raises ValidationError)."""
        problems = Problems("vocab")
        voc = build_vocabulary(self.data_dir, problems)
        problems.raise_if_any()
        return voc

    def path(self, rel: str) -> Path:
        """A data file below the data dir."""
        return self.data_dir / rel
