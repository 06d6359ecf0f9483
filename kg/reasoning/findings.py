"""Building alerts from query rows: evidence, keys, and folding one finding seen several ways."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from kg.reasoning.model import Alert, Evidence, rank_of

__all__ = ["AlertBuilder", "evidence_from", "management_for"]

_MANAGEMENT = {
    "contraindicated": "Avoid the combination; choose an alternative.",
    "major": "Avoid if possible or use an alternative; if used together, monitor closely.",
    "moderate": "Assess the risk; monitor and adjust therapy as needed.",
    "minor": "Usually no action is needed; be aware of the interaction.",
    "info": "For information.",
}


def management_for(severity: str) -> str:
    """Default management advice for a severity, when the source gives none."""
    return _MANAGEMENT.get(severity, _MANAGEMENT["info"])


def evidence_from(row: Mapping[str, Any], *, rule_id: str | None = None) -> Evidence | None:
    """Evidence from a row or map carrying provenance keys; ``None`` without a source."""
    source = row.get("source")
    if not source:
        return None
    return Evidence(
        source=str(source),
        source_version=_str(row.get("source_version")),
        citation=_str(row.get("citation")),
        rule_id=_str(rule_id if rule_id is not None else row.get("rule_id")),
        citation_url=_str(row.get("citation_url")),
        licence=_str(row.get("licence")),
    )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


@dataclass
class AlertBuilder:
    """Collects the contributions to one alert (same key) and folds them into one ``Alert``.

    The highest-severity contribution (or a context-aware rule's branch, which grades the
    situation at hand) gives the severity, message, management and ``path``; every
    contribution's evidence and basis is kept (and every path in ``details['paths']``), so one
    finding seen by several sources is one alert.
    """

    kind: str
    key: str
    drugs: list[tuple[str, str]] = field(default_factory=list)  # (uid, name)
    contributions: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    paths: list[tuple[str, ...]] = field(default_factory=list)  # one per contribution
    basis: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def add(
        self,
        *,
        severity: str,
        message: str,
        management: str | None,
        basis: str,
        evidence: Iterable[Evidence | None] = (),
        path: Iterable[str] = (),
        drugs: Iterable[tuple[str, str]] = (),
        **extra: Any,
    ) -> None:
        """Add one contribution."""
        self.contributions.append(
            {
                "severity": severity,
                "message": message,
                "management": management or management_for(severity),
                "basis": basis,
                **extra,
            }
        )
        for e in evidence:
            if e is not None and e not in self.evidence:
                self.evidence.append(e)
        self.paths.append(tuple(path))
        if basis not in self.basis:
            self.basis.append(basis)
        for d in drugs:
            if d not in self.drugs:
                self.drugs.append(d)

    def build(self, **fields: Any) -> Alert:
        """The folded alert; ``fields`` set the optional Alert fields (gene, lab, ...)."""
        # A context-aware rule grades this very situation (HL7 PDDI-CDS): its branch decides the
        # severity; list severities stay as evidence. Otherwise the highest severity wins.
        graded = [c for c in self.contributions if c["basis"] == "context_rule"]
        top = max(graded or self.contributions, key=lambda c: rank_of(c["severity"]))
        path = self.paths[self.contributions.index(top)]
        details = dict(self.extra)
        if len(set(self.paths)) > 1:
            details["paths"] = [list(p) for p in dict.fromkeys(self.paths)]
        if len(self.contributions) > 1:
            details["findings"] = [
                {k: c[k] for k in ("basis", "severity", "message")} for c in self.contributions
            ]
        for k, v in top.items():
            if k not in ("severity", "message", "management", "basis"):
                details.setdefault(k, v)
        alert = Alert(
            kind=self.kind,
            severity=top["severity"],
            severity_rank=rank_of(top["severity"]),
            drugs=tuple(n for _, n in self.drugs),
            drug_uids=tuple(u for u, _ in self.drugs),
            message=top["message"],
            management=top["management"],
            evidence=tuple(self.evidence),
            path=path,
            key=self.key,
            basis=tuple(self.basis),
            details=tuple(sorted(details.items())),
        )
        return replace(alert, **fields) if fields else alert
