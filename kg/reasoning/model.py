"""The values a safety check returns: alerts with their evidence, reports and what-if diffs.

Every alert is explained (``message``, ``management``), cited (``evidence``: each source with
its version, citation and rule id) and traceable (``path``: the graph uids and edge types that
fired it). ``key`` identifies the finding across reports, so a what-if can say which alerts are
new, resolved or changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "KINDS",
    "SEVERITIES",
    "SEVERITY_RANK",
    "Alert",
    "Evidence",
    "LabValue",
    "NotChecked",
    "ReportDiff",
    "SafetyReport",
    "WhatIf",
    "rank_of",
    "sort_alerts",
]

# One ordered scale for every source (docs/graph-model.md, "Severity scale").
SEVERITIES = ("info", "minor", "moderate", "major", "contraindicated")
SEVERITY_RANK: Mapping[str, int] = {name: i + 1 for i, name in enumerate(SEVERITIES)}

# Alert kinds, in the order used to break severity ties.
KINDS = (
    "drug_interaction",
    "drug_condition",
    "drug_lab",
    "allergy",
    "pgx",
    "renal_dose",
    "additive_risk",
    "duplicate_therapy",
    "pgx_no_genotype",
)
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


def rank_of(severity: str) -> int:
    """The rank (1 = info ... 5 = contraindicated) of a severity name; unknown names are 1."""
    return SEVERITY_RANK.get(severity, 1)


@dataclass(frozen=True)
class Evidence:
    """One source behind an alert: which source, which version, what it says and where."""

    source: str
    source_version: str | None
    citation: str | None
    rule_id: str | None
    citation_url: str | None = None
    licence: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "source": self.source,
            "source_version": self.source_version,
            "citation": self.citation,
            "rule_id": self.rule_id,
            "citation_url": self.citation_url,
            "licence": self.licence,
        }


@dataclass(frozen=True)
class Alert:
    """One finding that makes a medication list unsafe (or needs a pharmacist's attention).

    Example: codeine in a CYP2D6 normal metabolizer who also takes paroxetine gives a ``pgx``
    alert with ``phenotype='Poor Metabolizer'``, ``phenoconverted=True`` and CPIC's advice.
    """

    kind: str
    severity: str
    severity_rank: int
    drugs: tuple[str, ...]
    drug_uids: tuple[str, ...]
    message: str
    management: str
    evidence: tuple[Evidence, ...]
    path: tuple[str, ...]
    gene: str | None = None
    phenotype: str | None = None
    condition: str | None = None
    allergy: str | None = None
    lab: str | None = None
    phenoconverted: bool = False
    key: str = ""
    basis: tuple[str, ...] = ()
    details: tuple[tuple[str, Any], ...] = field(default=())

    def detail(self, name: str, default: Any = None) -> Any:
        """One of the kind-specific ``details`` by name."""
        return dict(self.details).get(name, default)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``--json`` and API shape)."""
        return {
            "kind": self.kind,
            "severity": self.severity,
            "severity_rank": self.severity_rank,
            "drugs": list(self.drugs),
            "drug_uids": list(self.drug_uids),
            "message": self.message,
            "management": self.management,
            "evidence": [e.to_dict() for e in self.evidence],
            "path": list(self.path),
            "gene": self.gene,
            "phenotype": self.phenotype,
            "condition": self.condition,
            "allergy": self.allergy,
            "lab": self.lab,
            "phenoconverted": self.phenoconverted,
            "key": self.key,
            "basis": list(self.basis),
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class NotChecked:
    """A medication (or allergy) kgtwin could not map to its knowledge, so did not check."""

    uid: str
    code: str | None
    display: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"uid": self.uid, "code": self.code, "display": self.display, "reason": self.reason}


@dataclass(frozen=True)
class LabValue:
    """A lab result by LOINC code (a what-if sets one; the twin's latest value otherwise)."""

    loinc: str
    value: float
    effective: str | None = None
    effective_epoch: int | None = None
    unit: str | None = None


@dataclass(frozen=True)
class WhatIf:
    """A hypothetical change to a twin: drugs to add or stop (names, RxNorm codes or uids)
    and lab values to set."""

    add: tuple[str, ...] = ()
    stop: tuple[str, ...] = ()
    labs: tuple[LabValue, ...] = ()


@dataclass(frozen=True)
class ReportDiff:
    """How a hypothetical report differs from the current one, by alert ``key``."""

    new: tuple[Alert, ...]
    resolved: tuple[Alert, ...]
    changed: tuple[tuple[Alert, Alert], ...]  # (before, after)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "new": [a.to_dict() for a in self.new],
            "resolved": [a.to_dict() for a in self.resolved],
            "changed": [{"before": b.to_dict(), "after": a.to_dict()} for b, a in self.changed],
        }


@dataclass(frozen=True)
class SafetyReport:
    """Every alert for a medication list, ranked, plus what could not be checked."""

    patient_id: str | None
    as_of: str | None
    alerts: tuple[Alert, ...]
    not_checked: tuple[NotChecked, ...]
    diff: ReportDiff | None = None
    withheld: tuple[str, ...] = ()
    drugs: tuple[tuple[str, str], ...] = ()  # (uid, name) of every checked drug
    what_if: WhatIf | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``alerts`` and ``not_checked`` plus extra fields."""
        out: dict[str, Any] = {
            "patient_id": self.patient_id,
            "as_of": self.as_of,
            "alerts": [a.to_dict() for a in self.alerts],
            "not_checked": [n.to_dict() for n in self.not_checked],
            "withheld": list(self.withheld),
            "drugs": [{"uid": u, "name": n} for u, n in self.drugs],
        }
        if self.what_if is not None:
            out["what_if"] = {
                "add": list(self.what_if.add),
                "stop": list(self.what_if.stop),
                "labs": [{"loinc": lab.loinc, "value": lab.value} for lab in self.what_if.labs],
            }
        if self.diff is not None:
            out["diff"] = self.diff.to_dict()
        return out


def sort_alerts(alerts: list[Alert]) -> tuple[Alert, ...]:
    """Rank alerts: severity desc, then kind (``KINDS`` order), then key for stability."""
    return tuple(
        sorted(alerts, key=lambda a: (-a.severity_rank, _KIND_ORDER.get(a.kind, 99), a.key))
    )
