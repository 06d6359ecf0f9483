# Strawberry's decorators are untyped for mypy and results pass through guarded() as Any.
# mypy: disable-error-code="untyped-decorator,no-any-return"
"""The ``Query`` root: thin resolvers over ``kg.reasoning``, the knowledge base and the twin."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from kg.api import engines
from kg.api import types as t
from kg.api.alerts import as_dict
from kg.api.audit import AuditTrail
from kg.api.context import patient_uid
from kg.api.guard import Info, guarded, patient_row
from kg.api.patient import PageInfo, Patient, PatientConnection, PatientEdge
from kg.errors import NotFound, ValidationError
from kg.types import epoch_of

__all__ = ["LabValueInput", "Query", "WhatIfInput", "build_report"]

GENOMIC_WITHHELD = (
    "pharmacogenomic alerts withheld: the patient has not consented to the use of genomic data"
)

PatientResult = Annotated[
    Patient | t.PatientNotFound | t.Forbidden, strawberry.union("PatientResult")
]
PatientsResult = Annotated[
    PatientConnection | t.InvalidInput | t.Forbidden, strawberry.union("PatientsResult")
]
DrugResult = Annotated[t.Drug | t.UnknownDrug | t.Forbidden, strawberry.union("DrugResult")]


@strawberry.type(description="Drugs matching a search.")
class DrugSearch:
    drugs: list[t.Drug]


DrugSearchResult = Annotated[
    DrugSearch | t.InvalidInput | t.Forbidden, strawberry.union("DrugSearchResult")
]
InteractionResult = Annotated[
    t.InteractionCheck | t.UnknownDrug | t.Forbidden, strawberry.union("InteractionResult")
]
SafetyReportResult = Annotated[
    t.SafetyReport | t.PatientNotFound | t.UnknownDrug | t.InvalidInput | t.Forbidden,
    strawberry.union("SafetyReportResult"),
]
PgxResultUnion = Annotated[
    t.PgxResult | t.PatientNotFound | t.UnknownDrug | t.ConsentWithheld | t.Forbidden,
    strawberry.union("PgxResultUnion"),
]
OntologyTermResult = Annotated[
    t.OntologyTerm | t.TermNotFound | t.Forbidden, strawberry.union("OntologyTermResult")
]
AuditResult = Annotated[
    t.AuditEventPage | t.InvalidInput | t.Forbidden, strawberry.union("AuditResult")
]


@strawberry.type(description="Every care pathway evaluated for a twin.")
class CarePathways:
    patient_id: str
    pathways: list[t.CarePathway]


CarePathwaysResult = Annotated[
    CarePathways | t.PatientNotFound | t.NotAvailable | t.Forbidden,
    strawberry.union("CarePathwaysResult"),
]
CarePathwayResult = Annotated[
    t.CarePathway | t.PatientNotFound | t.NotAvailable | t.InvalidInput | t.Forbidden,
    strawberry.union("CarePathwayResult"),
]


@strawberry.input(description="A lab value assumed by a what-if.")
class LabValueInput:
    code: str = strawberry.field(description="LOINC code, e.g. 33914-3 (eGFR)")
    value: float


@strawberry.input(description="A hypothetical change: nothing is written.")
class WhatIfInput:
    add: list[str] = strawberry.field(default_factory=list)
    stop: list[str] = strawberry.field(default_factory=list)
    labs: list[LabValueInput] = strawberry.field(default_factory=list)


def _alerts(items: Any) -> list[t.Alert]:
    return [t.Alert.from_dict(as_dict(a)) for a in items or []]


def _text_list(items: Any) -> list[str]:
    out = []
    for item in items or []:
        if isinstance(item, dict):
            out.append(str(item.get("name") or item.get("display") or item.get("reason") or item))
        else:
            out.append(str(item))
    return out


def build_report(
    uid: str,
    report: dict[str, Any],
    diff: dict[str, Any] | None,
    *,
    consent: bool,
    as_of: str | None,
) -> t.SafetyReport:
    """A ``SafetyReport`` from the engine's report dict, its diff and the consent flag."""
    notices = _text_list(report.get("notices") or report.get("withheld"))
    if not consent and not any("consent" in n for n in notices):
        notices.insert(0, GENOMIC_WITHHELD)
    return t.SafetyReport(
        patient_id=uid,
        as_of=as_of or report.get("as_of"),
        alerts=_alerts(report.get("alerts")),
        not_checked=_text_list(report.get("not_checked")),
        genomic_withheld=not consent,
        notices=notices,
        diff=(
            t.ReportDiff(
                new=_alerts(diff.get("new")),
                resolved=_alerts(diff.get("resolved")),
                changed=_alerts(
                    c.get("after", c) if isinstance(c, dict) else c
                    for c in diff.get("changed") or []
                ),
            )
            if diff is not None
            else None
        ),
        details=_plain(report),
    )


def _plain(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))


def _pathway(d: dict[str, Any]) -> t.CarePathway:
    return t.CarePathway.from_dict(d)


@strawberry.type
class Query:
    @strawberry.field(description="A patient's twin.")
    async def patient(self, info: Info, id: strawberry.ID) -> PatientResult:
        uid = patient_uid(id)

        def run() -> Any:
            row = patient_row(info.context, uid)
            if row is None:
                return t.PatientNotFound(patient_id=uid, message=f"no twin with id {uid!r}")
            return Patient.from_row(row)

        return await guarded(
            info, operation="patient", permission="twin:read", patient_uid=uid, fn=run
        )

    @strawberry.field(description="A page of twins in id order (within the caller's scope).")
    async def patients(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> PatientsResult:
        ctx = info.context

        def run() -> Any:
            if not 0 < first <= 200:
                raise ValidationError(f"first={first} is out of range 1-200")
            principal = ctx.principal
            scope = (
                sorted(principal.patients) if principal and principal.patients is not None else None
            )
            rows = ctx.services.store.read(
                "list_patients", {"scope": scope, "after": after or "", "limit": first + 1}
            )
            return [r["uid"] for r in rows]

        got = await guarded(info, operation="patients", permission="twin:read", fn=run)
        if not isinstance(got, list):
            return got
        page = got[:first]
        loader = ctx.loaders.patient()
        rows = await loader.load_many(page)
        edges = [PatientEdge(cursor=r["uid"], node=Patient.from_row(r)) for r in rows if r]
        return PatientConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(got) > first, end_cursor=page[-1] if page else None
            ),
        )

    @strawberry.field(description="A drug by id (RxNorm:NNN or RxCUI) or by name.")
    async def drug(
        self, info: Info, id: strawberry.ID | None = None, name: str | None = None
    ) -> DrugResult:
        store = info.context.services.store
        asked = str(id or name or "")

        def run() -> Any:
            if not asked:
                raise NotFound("give a drug id or name")
            return t.Drug.from_row(engines.find_drug(store, drug_id=id, name=name))

        return await guarded(
            info, operation="drug", permission="knowledge:read", fn=run, drug=asked
        )

    @strawberry.field(description="Drugs by name, synonym, RxCUI or ATC code.")
    async def search_drugs(self, info: Info, text: str, first: int = 10) -> DrugSearchResult:
        store = info.context.services.store

        def run() -> Any:
            if not 0 < first <= 100:
                raise ValidationError(f"first={first} is out of range 1-100")
            return DrugSearch(
                drugs=[t.Drug.from_row(d) for d in engines.search_drugs(store, text, first)]
            )

        return await guarded(info, operation="searchDrugs", permission="knowledge:read", fn=run)

    @strawberry.field(description="Interaction and allergy-class check of a bare drug list.")
    async def check_interactions(self, info: Info, drugs: list[str]) -> InteractionResult:
        store = info.context.services.store

        def run() -> Any:
            d = engines.check_drugs(store, drugs)
            return t.InteractionCheck(
                drugs=[
                    t.Drug.from_row(as_dict(x) if not isinstance(x, str) else {"name": x})
                    for x in d.get("drugs") or []
                ],
                alerts=_alerts(d.get("alerts")),
                not_checked=_text_list(d.get("not_checked")),
            )

        return await guarded(
            info,
            operation="checkInteractions",
            permission="knowledge:read",
            fn=run,
            drug=", ".join(drugs),
        )

    @strawberry.field(
        description="Every alert for a twin; with whatIf, the hypothetical report and its diff."
    )
    async def safety_report(
        self,
        info: Info,
        patient_id: strawberry.ID,
        what_if: WhatIfInput | None = None,
        as_of: str | None = None,
    ) -> SafetyReportResult:
        uid = patient_uid(patient_id)
        ctx = info.context

        def run() -> Any:
            row = patient_row(ctx, uid)
            if row is None:
                return t.PatientNotFound(patient_id=uid, message=f"no twin with id {uid!r}")
            if as_of:
                epoch_of(as_of, field="asOf")
            consent = bool(row.get("consent_genomic", True))
            report, diff = engines.safety(
                ctx.services.store,
                uid,
                as_of=as_of,
                add=what_if.add if what_if else (),
                stop=what_if.stop if what_if else (),
                labs={lab.code: lab.value for lab in what_if.labs} if what_if else None,
                allow_genomic=consent,
            )
            return build_report(uid, report, diff, consent=consent, as_of=as_of)

        drugs = ", ".join([*(what_if.add if what_if else []), *(what_if.stop if what_if else [])])
        return await guarded(
            info,
            operation="safetyReport",
            permission="safety:read",
            patient_uid=uid,
            fn=run,
            drug=drugs or uid,
        )

    @strawberry.field(
        description="The pharmacogenomic recommendation for one drug and how it was reached."
    )
    async def pgx(self, info: Info, patient_id: strawberry.ID, drug: str) -> PgxResultUnion:
        uid = patient_uid(patient_id)
        ctx = info.context

        def run() -> Any:
            row = patient_row(ctx, uid)
            if row is None:
                return t.PatientNotFound(patient_id=uid, message=f"no twin with id {uid!r}")
            if not row.get("consent_genomic", True):
                return t.ConsentWithheld(patient_id=uid, message=GENOMIC_WITHHELD)
            d = engines.pgx(ctx.services.store, uid, drug)
            alerts = [a for a in d.get("alerts") or [] if a.get("kind") == "pgx"]
            alerts = alerts or list(d.get("alerts") or [])
            first = alerts[0] if alerts else {}
            return t.PgxResult(
                patient_id=uid,
                drug=", ".join(first.get("drugs") or []) or drug,
                genes=[t.GeneStatus.from_dict(g) for g in d.get("genes") or []],
                alerts=_alerts(alerts),
                recommendation=first.get("management"),
                classification=(first.get("details") or {}).get("classification"),
                phenoconverted=bool(first.get("phenoconverted")),
                explanation=first.get("message"),
                withheld=_text_list(d.get("withheld")),
            )

        return await guarded(
            info, operation="pgx", permission="safety:read", patient_uid=uid, fn=run, drug=drug
        )

    @strawberry.field(description="What an ontology IRI (or CURIE) or a graph label/type means.")
    async def ontology_term(
        self, info: Info, iri: str | None = None, graph_name: str | None = None
    ) -> OntologyTermResult:
        store = info.context.services.store
        asked = iri or graph_name or ""

        def run() -> Any:
            d = engines.ontology_term(store, iri=iri, graph_name=graph_name) if asked else None
            if not d:
                return t.TermNotFound(term=asked, message=f"no ontology term {asked!r}")
            return t.OntologyTerm(
                iri=str(d.get("iri") or asked),
                graph_name=d.get("graph_name"),
                label=d.get("label"),
                definition=d.get("definition"),
                details=_plain(d),
            )

        return await guarded(info, operation="ontologyTerm", permission="ontology:read", fn=run)

    @strawberry.field(description="Audit entries, newest first (admin only).")
    async def audit_events(
        self,
        info: Info,
        patient_id: strawberry.ID | None = None,
        who: str | None = None,
        since: str | None = None,
        first: int = 50,
        skip: int = 0,
    ) -> AuditResult:
        trail: AuditTrail = info.context.services.audit

        def run() -> Any:
            if not 0 < first <= 1000 or skip < 0:
                raise ValidationError(f"first={first} must be 1-1000 and skip={skip} >= 0")
            entries = trail.list(
                patient_uid=patient_uid(patient_id) if patient_id else None,
                who=who,
                since_epoch=epoch_of(since, field="since") if since else 0,
                skip=skip,
                limit=first + 1,
            )
            return t.AuditEventPage(
                items=[
                    t.AuditEvent(
                        id=strawberry.ID(e.uid),
                        who=e.who,
                        role=e.role,
                        patient_id=e.patient_uid or None,
                        operation=e.operation,
                        action=e.action,
                        at=e.at,
                        outcome=e.outcome,
                        request_id=e.request_id or None,
                    )
                    for e in entries[:first]
                ],
                next_skip=skip + first if len(entries) > first else None,
            )

        return await guarded(info, operation="auditEvents", permission="audit:read", fn=run)

    @strawberry.field(description="Every care pathway evaluated for a twin.")
    async def care_pathways(self, info: Info, patient_id: strawberry.ID) -> CarePathwaysResult:
        uid = patient_uid(patient_id)
        ctx = info.context

        def run() -> Any:
            if not engines.pathways_available():
                return t.NotAvailable(message="the care-pathway engine is not installed")
            if patient_row(ctx, uid) is None:
                return t.PatientNotFound(patient_id=uid, message=f"no twin with id {uid!r}")
            items = engines.care_pathways(ctx.services.store, uid)
            return CarePathways(patient_id=uid, pathways=[_pathway(p) for p in items])

        return await guarded(
            info, operation="carePathways", permission="safety:read", patient_uid=uid, fn=run
        )

    @strawberry.field(description="One care pathway evaluated for a twin.")
    async def care_pathway(
        self,
        info: Info,
        patient_id: strawberry.ID,
        pathway: Annotated[str, strawberry.argument(description="pathway id")],
    ) -> CarePathwayResult:
        uid = patient_uid(patient_id)
        ctx = info.context

        def run() -> Any:
            if not engines.pathways_available():
                return t.NotAvailable(message="the care-pathway engine is not installed")
            if patient_row(ctx, uid) is None:
                return t.PatientNotFound(patient_id=uid, message=f"no twin with id {uid!r}")
            try:
                return _pathway(engines.care_pathway(ctx.services.store, uid, pathway))
            except NotFound as exc:
                return t.InvalidInput(message=str(exc), problems=[])

        return await guarded(
            info, operation="carePathway", permission="safety:read", patient_uid=uid, fn=run
        )
