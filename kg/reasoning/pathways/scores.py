"""Points scores computed from the twin (CHA2DS2-VASc), with every input and its data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.reasoning.pathways.criteria import CriterionResult, ScoreValue, evaluate
from kg.reasoning.pathways.model import Pathway, ScoreRule
from kg.reasoning.pathways.twin import TwinFacts

__all__ = ["ScoreInput", "ScoreResult", "compute_score", "compute_scores"]


@dataclass(frozen=True)
class ScoreInput:
    """One item of a score: its points, whether it holds, and the twin's data behind it."""

    id: str
    label: str
    points: int
    result: CriterionResult

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "label": self.label,
            "points": self.points,
            "status": self.result.status,
            "counted": self.points if self.result.holds else 0,
            "data": list(dict.fromkeys(self.result.all_data())),
        }


@dataclass(frozen=True)
class ScoreResult:
    """A score's value with its inputs; ``complete`` is False when some input is unknown
    (then ``value`` counts only what is known and ``max_value`` adds the unknown items)."""

    id: str
    name: str
    value: int
    max_value: int
    inputs: tuple[ScoreInput, ...]
    citation: str | None = None

    @property
    def complete(self) -> bool:
        """True when every input is known."""
        return self.value == self.max_value

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "name": self.name,
            "value": self.value,
            "max_value": self.max_value,
            "complete": self.complete,
            "inputs": [i.to_dict() for i in self.inputs],
            "citation": self.citation,
        }

    @property
    def range(self) -> ScoreValue:
        """The value range criteria compare against."""
        return ScoreValue(self.value, self.max_value)


def compute_score(rule: ScoreRule, facts: TwinFacts, citation: str | None = None) -> ScoreResult:
    """Sum the points of the items that hold.

    Example: a 72-year-old woman with hypertension scores CHA2DS2-VASc 3 (H 1, A 1, Sc 1).
    """
    inputs = []
    low = high = 0
    for item in rule.items:
        res = evaluate(item.criterion, facts)
        assert res is not None  # nothing is skipped here
        inputs.append(ScoreInput(item.id, item.label, item.points, res))
        if res.holds:
            low += item.points
            high += item.points
        elif res.holds is None:
            high += item.points
    return ScoreResult(rule.id, rule.name, low, high, tuple(inputs), citation)


def compute_scores(pw: Pathway, facts: TwinFacts) -> list[ScoreResult]:
    """Every score a pathway defines, for one twin."""
    out = []
    for rule in pw.scores:
        src = pw.source(rule.source)
        cite = None
        if src is not None:
            cite = src.citation + (f", PMID {src.pmid}" if src.pmid else "")
        out.append(compute_score(rule, facts, cite))
    return out
