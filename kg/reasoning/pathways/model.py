"""Care pathways as values: steps, transitions with entry criteria, scores and forecast rules.

A pathway file (``kg/knowledge/data/pathways/<id>.json``) parses into a :class:`Pathway`.
Criteria are a small tree of :class:`Criterion` values: leaves test one fact of the twin
(a condition, a lab, current therapy, a phenotype, age, sex, a score), ``all``/``any`` combine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "COMBINATORS",
    "CRITERION_TYPES",
    "OPS",
    "STEP_KINDS",
    "Criterion",
    "ForecastRule",
    "Pathway",
    "PathwayProblem",
    "ScoreItem",
    "ScoreRule",
    "SourceRef",
    "Step",
    "Threshold",
    "Transition",
]

STEP_KINDS = ("assessment", "decision", "therapy", "dosing", "test", "review", "referral", "target")
COMBINATORS = ("all", "any")
CRITERION_TYPES = (
    "all",
    "any",
    "condition",
    "lab",
    "therapy",
    "phenotype",
    "genotype",
    "age",
    "sex",
    "race",
    "score",
    "not_recorded",
)
OPS = ("<", "<=", ">", ">=", "==")
MISSING = ("unknown", "holds")


@dataclass(frozen=True)
class Criterion:
    """One entry condition of a transition (a leaf test or an ``all``/``any`` group).

    Example: ``Criterion(type="lab", loinc=("LOINC:33914-3",), op=">=", value=30.0)`` holds
    when the latest eGFR (within ``max_age_days``) is at least 30.
    """

    type: str
    present: bool = True
    concept: str | None = None
    history: bool = False
    drug: str | None = None
    drug_class: str | None = None
    loinc: tuple[str, ...] = ()
    op: str | None = None
    value: float | str | None = None
    unit: str | None = None
    max_age_days: int | None = None
    gene: str | None = None
    phenotypes: tuple[str, ...] = ()
    score: str | None = None
    name: str | None = None
    missing: str = "unknown"
    codes: tuple[str, ...] = ()
    criteria: tuple[Criterion, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (as in the pathway file, with references resolved)."""
        out: dict[str, Any] = {"type": self.type}
        if self.type in COMBINATORS:
            out["criteria"] = [c.to_dict() for c in self.criteria]
            return out
        for key, val in (
            ("concept", self.concept),
            ("drug", self.drug),
            ("class", self.drug_class),
            ("op", self.op),
            ("value", self.value),
            ("unit", self.unit),
            ("max_age_days", self.max_age_days),
            ("gene", self.gene),
            ("score", self.score),
            ("name", self.name),
        ):
            if val is not None:
                out[key] = val
        if self.loinc:
            out["loinc"] = list(self.loinc)
        if self.phenotypes:
            out["phenotypes"] = list(self.phenotypes)
        if self.codes:
            out["codes"] = list(self.codes)
        if not self.present:
            out["present"] = False
        if self.history:
            out["history"] = True
        if self.missing != "unknown":
            out["missing"] = self.missing
        return out

    def leaves(self) -> list[Criterion]:
        """Every leaf criterion below (or this one if it is a leaf)."""
        if self.type not in COMBINATORS:
            return [self]
        found: list[Criterion] = []
        for c in self.criteria:
            found.extend(c.leaves())
        return found


@dataclass(frozen=True)
class SourceRef:
    """A guideline a pathway cites (a key of the file's ``sources``)."""

    key: str
    citation: str
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "key": self.key,
            "citation": self.citation,
            "pmid": self.pmid,
            "doi": self.doi,
            "url": self.url,
        }


@dataclass(frozen=True)
class Step:
    """A pathway step: a therapy (by drug or class), a test, a review, a referral or a target.

    ``therapy`` is a tuple of components, each a tuple of drug or class uids (any of them
    satisfies the component); the step is the patient's current therapy when at least
    ``therapy_min`` components are satisfied (default: all). ``options`` are the drugs a
    clinician would start for this step (each is safety-checked by a what-if).
    """

    id: str
    kind: str
    title: str
    source: str
    description: str = ""
    end: bool = False
    therapy: tuple[tuple[str, ...], ...] = ()
    therapy_min: int | None = None
    options: tuple[str, ...] = ()
    labs: tuple[str, ...] = ()
    sub_pathway: str | None = None

    @property
    def required_components(self) -> int:
        """How many therapy components must be satisfied for the step to be current."""
        return self.therapy_min if self.therapy_min is not None else len(self.therapy)


@dataclass(frozen=True)
class Transition:
    """A ``NEXT`` edge: from one step to another when every criterion holds."""

    source_step: str
    target_step: str
    source: str
    criteria: tuple[Criterion, ...] = ()
    note: str = ""
    label: str = ""


@dataclass(frozen=True)
class ScoreItem:
    """One input of a points score (e.g. CHA2DS2-VASc ``C``: heart failure, 1 point)."""

    id: str
    label: str
    points: int
    criterion: Criterion


@dataclass(frozen=True)
class ScoreRule:
    """A points score computed from the twin (sum of the points of the items that hold)."""

    id: str
    name: str
    source: str
    items: tuple[ScoreItem, ...]


@dataclass(frozen=True)
class Threshold:
    """A lab value whose crossing changes the pathway (e.g. eGFR below 45: metformin review)."""

    value: float
    direction: str  # "below" or "above"
    action: str
    source: str
    step: str | None = None
    when: Criterion | None = None


@dataclass(frozen=True)
class ForecastRule:
    """Which lab to trend, how many points are enough, and the thresholds that matter."""

    id: str
    label: str
    unit: str
    loinc: tuple[str, ...]
    thresholds: tuple[Threshold, ...]
    min_points: int = 3
    window_days: int = 1095
    min_span_days: int = 90


@dataclass(frozen=True)
class Pathway:
    """A guideline pathway: steps, transitions, scores and forecast rules, with its sources."""

    id: str
    name: str
    version: str
    description: str
    start: str
    steps: tuple[Step, ...]
    transitions: tuple[Transition, ...]
    sources: tuple[SourceRef, ...]
    applies_to: Criterion | None = None
    scores: tuple[ScoreRule, ...] = ()
    forecasts: tuple[ForecastRule, ...] = ()
    cycles_allowed: bool = False
    file: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def uid(self) -> str:
        """The graph uid, ``pathway:<id>``."""
        return f"pathway:{self.id}"

    def step(self, step_id: str) -> Step:
        """The step called ``step_id``.

        Raises:
            KeyError: no such step.
        """
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def source(self, key: str) -> SourceRef | None:
        """The cited source called ``key``, if declared."""
        for s in self.sources:
            if s.key == key:
                return s
        return None

    def outgoing(self, step_id: str) -> list[Transition]:
        """The transitions leaving ``step_id``, in file order."""
        return [t for t in self.transitions if t.source_step == step_id]

    def incoming(self, step_id: str) -> list[Transition]:
        """The transitions entering ``step_id``, in file order."""
        return [t for t in self.transitions if t.target_step == step_id]


@dataclass(frozen=True)
class PathwayProblem:
    """One thing wrong with a pathway file; names the pathway, step and criterion."""

    pathway: str
    message: str
    step: str | None = None
    transition: str | None = None
    criterion: str | None = None
    file: str | None = None

    def __str__(self) -> str:
        where = [f"pathway {self.pathway}"]
        if self.step:
            where.append(f"step {self.step}")
        if self.transition:
            where.append(f"transition {self.transition}")
        if self.criterion:
            where.append(f"criterion {self.criterion}")
        return f"{', '.join(where)}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "pathway": self.pathway,
            "step": self.step,
            "transition": self.transition,
            "criterion": self.criterion,
            "message": self.message,
            "file": self.file,
        }
