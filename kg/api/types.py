# Strawberry's decorators are untyped for mypy and results pass through guarded() as Any.
# mypy: disable-error-code="untyped-decorator,no-any-return"
"""GraphQL output types, expected-failure types and result unions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import strawberry
from strawberry.scalars import JSON

__all__ = [
    "Alert",
    "AlertEvent",
    "AuditEvent",
    "ConsentWithheld",
    "Drug",
    "Evidence",
    "Forbidden",
    "GeneStatus",
    "InvalidBundle",
    "InvalidInput",
    "NotAvailable",
    "PatientNotFound",
    "ReportDiff",
    "SafetyReport",
    "TermNotFound",
    "UnknownDrug",
]


def _s(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("display") or value.get("uid") or "")
    return str(value)


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        value = [value]
    return [s for s in (_s(v) for v in value) if s]


# -- expected failures ---------------------------------------------------------------------
@strawberry.type(description="No twin has this id (or the caller may not know it exists).")
class PatientNotFound:
    patient_id: str
    message: str


@strawberry.type(description="A drug name or code the knowledge base does not know.")
class UnknownDrug:
    drug: str
    message: str
    suggestions: list[str]


@strawberry.type(description="A FHIR bundle was rejected; nothing of it was written.")
class InvalidBundle:
    message: str
    problems: list[str]


@strawberry.type(description="An argument is malformed; nothing was written.")
class InvalidInput:
    message: str
    problems: list[str]


@strawberry.type(description="The caller's token, role or patient scope does not allow this.")
class Forbidden:
    message: str


@strawberry.type(description="The twin's consent withholds this use of its data.")
class ConsentWithheld:
    patient_id: str
    message: str


@strawberry.type(description="An ontology term that does not exist.")
class TermNotFound:
    term: str
    message: str


@strawberry.type(description="A feature whose engine is not installed in this deployment.")
class NotAvailable:
    message: str


# -- knowledge ----------------------------------------------------------------------------
@strawberry.type(description="A drug ingredient (RxNorm) with its classes and synonyms.")
class Drug:
    id: strawberry.ID
    name: str
    rxcui: str | None
    synonyms: list[str]
    atc_codes: list[str]
    classes: list[str]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Drug:
        """From a lookup row or a drug dict."""
        return cls(
            id=strawberry.ID(str(row.get("uid") or row.get("id") or "")),
            name=str(row.get("name") or ""),
            rxcui=_s(row.get("rxcui")),
            synonyms=_list(row.get("synonyms")),
            atc_codes=_list(row.get("atc_codes")),
            classes=_list(row.get("classes")),
        )


@strawberry.type(description="One source behind an alert: which, which version, which citation.")
class Evidence:
    source: str | None
    source_version: str | None
    citation: str | None
    citation_url: str | None
    rule_id: str | None
    severity: str | None
    label: str | None

    @classmethod
    def from_dict(cls, d: Any) -> Evidence:
        """From an evidence dict (or a bare string)."""
        if not isinstance(d, Mapping):
            return cls(
                source=None,
                source_version=None,
                citation=_s(d),
                citation_url=None,
                rule_id=None,
                severity=None,
                label=None,
            )
        return cls(
            source=_s(d.get("source")),
            source_version=_s(d.get("source_version") or d.get("version")),
            citation=_s(d.get("citation")),
            citation_url=_s(d.get("citation_url") or d.get("url")),
            rule_id=_s(d.get("rule_id")),
            severity=_s(d.get("source_severity") or d.get("severity")),
            label=_s(d.get("label")),
        )


@strawberry.type(description="One finding of the safety engine, with its evidence and graph path.")
class Alert:
    key: str
    kind: str
    severity: str
    severity_rank: int
    drugs: list[str]
    gene: str | None
    condition: str | None
    allergy: str | None
    lab: str | None
    message: str
    management: str | None
    phenoconverted: bool
    evidence: list[Evidence]
    path: list[str]
    details: JSON = strawberry.field(description="Every field the safety engine returned.")

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Alert:
        """From ``Alert.to_dict()`` of the safety engine."""
        from kg.api.alerts import alert_key, severity_rank

        path = d.get("path") or []
        return cls(
            key=alert_key(d),
            kind=str(d.get("kind") or ""),
            severity=str(d.get("severity") or ""),
            severity_rank=severity_rank(d),
            drugs=_list(d.get("drugs")),
            gene=_s(d.get("gene")),
            condition=_s(d.get("condition")),
            allergy=_s(d.get("allergy")),
            lab=_s(d.get("lab")),
            message=str(d.get("message") or ""),
            management=_s(d.get("management")),
            phenoconverted=bool(d.get("phenoconverted") or d.get("phenoconversion")),
            evidence=[Evidence.from_dict(e) for e in d.get("evidence") or []],
            path=[p if isinstance(p, str) else json.dumps(p, default=str) for p in path],
            details=json.loads(json.dumps(dict(d), default=str)),
        )


@strawberry.type(description="How a what-if report differs from the current one.")
class ReportDiff:
    new: list[Alert]
    resolved: list[Alert]
    changed: list[Alert]


@strawberry.type(description="Every alert for a twin now, as of a date, or after a what-if.")
class SafetyReport:
    patient_id: str
    as_of: str | None
    alerts: list[Alert]
    not_checked: list[str]
    genomic_withheld: bool
    notices: list[str]
    diff: ReportDiff | None
    details: JSON


@strawberry.type(description="A gene's status: genotype phenotype and any phenoconversion.")
class GeneStatus:
    gene: str
    diplotype: str | None
    phenotype: str | None
    activity_score: str | None
    lookup_key: str | None
    phenoconverted: bool
    converted_phenotype: str | None
    converted_by: list[str]

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> GeneStatus:
        """From ``GeneStatus.to_dict()`` of the safety engine."""
        return cls(
            gene=str(d.get("gene") or ""),
            diplotype=_s(d.get("diplotype")),
            phenotype=_s(d.get("phenotype")),
            activity_score=_s(d.get("activity_score")),
            lookup_key=_s(d.get("lookup_key")),
            phenoconverted=bool(d.get("phenoconverted")),
            converted_phenotype=_s(d.get("converted_phenotype")),
            converted_by=[
                f"{p.get('name')} ({p.get('strength')} inhibitor)"
                if isinstance(p, Mapping)
                else str(p)
                for p in d.get("perpetrators") or []
            ],
        )


@strawberry.type(description="A pharmacogenomic recommendation and how it was reached.")
class PgxResult:
    patient_id: str
    drug: str
    genes: list[GeneStatus]
    alerts: list[Alert]
    recommendation: str | None
    classification: str | None
    phenoconverted: bool
    explanation: str | None
    withheld: list[str]


@strawberry.type(description="The ad-hoc interaction and allergy check of a bare drug list.")
class InteractionCheck:
    drugs: list[Drug]
    alerts: list[Alert]
    not_checked: list[str]


@strawberry.type(description="What an ontology class or graph name means.")
class OntologyTerm:
    iri: str
    graph_name: str | None
    label: str | None
    definition: str | None
    details: JSON


# -- audit and events ---------------------------------------------------------------------
@strawberry.type(description="One entry of the append-only audit trail.")
class AuditEvent:
    id: strawberry.ID
    who: str
    role: str
    patient_id: str | None
    operation: str
    action: str
    at: str
    outcome: str
    request_id: str | None


@strawberry.type(description="A page of audit entries.")
class AuditEventPage:
    items: list[AuditEvent]
    next_skip: int | None


@strawberry.type(description="A new or more severe alert on a twin, caused by a change to it.")
class AlertEvent:
    patient_id: str
    cause: str
    at: str
    alert: Alert


@strawberry.type(description="The result of a change to a twin: the alerts it raised.")
class TwinChange:
    patient_id: str
    operation: str
    new_alerts: list[Alert]
    details: JSON


@strawberry.type(description="A FHIR bundle written to the twin(s).")
class IngestResult:
    patient_ids: list[str]
    new_alerts: list[Alert]
    details: JSON


@strawberry.type(description="A twin's consent flags.")
class Consent:
    patient_id: str
    genomic: bool


@strawberry.type(description="A pathway step reachable from the current one.")
class PathwayStep:
    id: str
    title: str
    status: str
    data: list[str]
    blocked_by: list[Alert]
    note: str | None
    citation: str | None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> PathwayStep:
        """From ``StepResult.to_dict()`` of the pathway engine."""
        return cls(
            id=str(d.get("id") or ""),
            title=str(d.get("title") or d.get("id") or ""),
            status=str(d.get("status") or ""),
            data=_list(d.get("data")),
            blocked_by=[Alert.from_dict(a) for a in d.get("blocked_by") or []],
            note=_s(d.get("note")),
            citation=_s(d.get("citation")),
        )


@strawberry.type(description="A computed score (e.g. CHA2DS2-VASc) with its completeness.")
class PathwayScore:
    id: str
    name: str
    value: float | None
    max_value: float | None
    complete: bool


@strawberry.type(description="A lab trend forecast and the thresholds it will cross.")
class PathwayForecast:
    id: str
    label: str
    status: str
    message: str
    slope_per_year: float | None
    crossings: list[str]


@strawberry.type(description="A care pathway evaluated for a twin (from the pathway engine).")
class CarePathway:
    id: str
    name: str | None
    applicable: bool
    current_step: str | None
    next_steps: list[PathwayStep]
    blocked_steps: list[PathwayStep]
    scores: list[PathwayScore]
    forecasts: list[PathwayForecast]
    details: JSON

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> CarePathway:
        """From ``PathwayResult.to_dict()`` of the pathway engine."""
        current = d.get("current_step")
        if isinstance(current, Mapping):
            current = current.get("name") or current.get("id")
        return cls(
            id=str(d.get("id") or ""),
            name=_s(d.get("name")),
            applicable=bool(d.get("applicable", True)),
            current_step=_s(current),
            next_steps=[PathwayStep.from_dict(s) for s in d.get("next_steps") or []],
            blocked_steps=[PathwayStep.from_dict(s) for s in d.get("blocked_steps") or []],
            scores=[
                PathwayScore(
                    id=str(x.get("id") or ""),
                    name=str(x.get("name") or ""),
                    value=x.get("value"),
                    max_value=x.get("max_value"),
                    complete=bool(x.get("complete")),
                )
                for x in d.get("scores") or []
            ],
            forecasts=[
                PathwayForecast(
                    id=str(f.get("id") or ""),
                    label=str(f.get("label") or ""),
                    status=str(f.get("status") or ""),
                    message=str(f.get("message") or ""),
                    slope_per_year=f.get("slope_per_year"),
                    crossings=[
                        str(c.get("message") or "") if isinstance(c, Mapping) else str(c)
                        for c in f.get("crossings") or []
                    ],
                )
                for f in d.get("forecasts") or []
            ],
            details=json.loads(json.dumps(dict(d), default=str)),
        )
