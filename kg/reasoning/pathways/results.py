"""What a pathway evaluation returns for one twin: where it stands, what is open, what is
blocked by which safety alert, its scores and its forecasts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.reasoning.model import Alert
from kg.reasoning.pathways.criteria import CriterionResult
from kg.reasoning.pathways.forecast import Forecast
from kg.reasoning.pathways.model import SourceRef
from kg.reasoning.pathways.scores import ScoreResult

__all__ = ["CurrentStep", "PathwayResult", "StepOption", "StepResult"]


@dataclass(frozen=True)
class StepOption:
    """One drug a step would start, with the safety alerts a what-if adding it raises.

    ``status``: ``open`` (no alert of moderate or higher), ``caution`` (moderate alerts),
    ``blocked`` (a major or contraindicated alert), ``unchecked`` (the safety engine could
    not check it; ``reason`` says why).
    """

    drug_uid: str
    drug_name: str
    status: str
    alerts: tuple[Alert, ...] = ()
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "drug_uid": self.drug_uid,
            "drug": self.drug_name,
            "status": self.status,
            "alerts": [a.to_dict() for a in self.alerts],
            "reason": self.reason,
        }


@dataclass(frozen=True)
class StepResult:
    """A step reachable from the current one, with the criteria of the transition.

    ``status``: ``eligible`` (criteria hold and some option is safe), ``blocked`` (criteria
    hold but every option raises a blocking alert), ``undetermined`` (data missing),
    ``not_met`` (a criterion fails).
    """

    id: str
    title: str
    kind: str
    status: str
    criteria: tuple[CriterionResult, ...]
    options: tuple[StepOption, ...] = ()
    note: str = ""
    label: str = ""
    citation: str | None = None
    sub_pathway: str | None = None

    @property
    def data(self) -> list[str]:
        """The twin's data the criteria rest on ("eGFR 41 on 2026-09-30")."""
        found: list[str] = []
        for c in self.criteria:
            found.extend(d for d in c.all_data() if d not in found)
        return found

    @property
    def blocking_alerts(self) -> list[Alert]:
        """The alerts that block this step's options (major or contraindicated)."""
        return [
            a
            for o in self.options
            if o.status == "blocked"
            for a in o.alerts
            if a.severity_rank >= 4
        ]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "status": self.status,
            "criteria": [c.to_dict() for c in self.criteria],
            "data": self.data,
            "options": [o.to_dict() for o in self.options],
            "blocked_by": [a.to_dict() for a in self.blocking_alerts],
            "note": self.note,
            "label": self.label,
            "citation": self.citation,
            "sub_pathway": self.sub_pathway,
        }


@dataclass(frozen=True)
class CurrentStep:
    """Where the twin stands: the step of its active therapy, or how far the flow's criteria
    lead from the start (``path``)."""

    id: str
    title: str
    kind: str
    basis: tuple[str, ...]
    path: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "name": self.title,
            "title": self.title,
            "kind": self.kind,
            "basis": list(self.basis),
            "path": list(self.path),
        }


@dataclass(frozen=True)
class PathwayResult:
    """One pathway evaluated for one twin."""

    pathway_id: str
    name: str
    version: str
    patient_id: str
    as_of: str
    applicable: bool
    applies: CriterionResult | None
    current_step: CurrentStep | None
    next_steps: tuple[StepResult, ...] = ()
    blocked_steps: tuple[StepResult, ...] = ()
    undetermined_steps: tuple[StepResult, ...] = ()
    not_met_steps: tuple[StepResult, ...] = ()
    scores: tuple[ScoreResult, ...] = ()
    forecasts: tuple[Forecast, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    safety_checked: bool = True
    notes: tuple[str, ...] = ()

    @property
    def uid(self) -> str:
        """The pathway's graph uid."""
        return f"pathway:{self.pathway_id}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``--json`` and API shape)."""
        return {
            "id": self.pathway_id,
            "uid": self.uid,
            "name": self.name,
            "version": self.version,
            "patient_id": self.patient_id,
            "as_of": self.as_of,
            "applicable": self.applicable,
            "applies": None if self.applies is None else self.applies.to_dict(),
            "current_step": None if self.current_step is None else self.current_step.to_dict(),
            "next_steps": [s.to_dict() for s in self.next_steps],
            "blocked_steps": [s.to_dict() for s in self.blocked_steps],
            "undetermined_steps": [s.to_dict() for s in self.undetermined_steps],
            "not_met_steps": [
                {
                    "id": s.id,
                    "title": s.title,
                    "failed": [c.description for c in s.criteria if c.holds is False],
                }
                for s in self.not_met_steps
            ],
            "scores": [s.to_dict() for s in self.scores],
            "forecasts": [f.to_dict() for f in self.forecasts],
            "sources": [s.to_dict() for s in self.sources],
            "safety_checked": self.safety_checked,
            "notes": list(self.notes),
        }
