# Strawberry's decorators are untyped for mypy and results pass through guarded() as Any.
# mypy: disable-error-code="untyped-decorator,no-any-return"
"""The ``Mutation`` root: changes to twins, each returning the new alerts it caused.

A change's alerts are the difference between the safety report before and after it; each new
or more severe alert is also published to ``alertRaised`` subscribers of every process.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from kg.api import engines
from kg.api import types as t
from kg.api.alerts import publish_raised, raised_alerts
from kg.api.context import patient_uid
from kg.api.guard import Info, guarded, patient_row
from kg.api.query import _plain
from kg.errors import ValidationError

__all__ = ["Mutation", "bundle_patient_uids"]

IngestBundleResult = Annotated[
    t.IngestResult | t.InvalidBundle | t.Forbidden, strawberry.union("IngestBundleResult")
]
TwinChangeResult = Annotated[
    t.TwinChange | t.PatientNotFound | t.UnknownDrug | t.InvalidInput | t.Forbidden,
    strawberry.union("TwinChangeResult"),
]
ConsentResult = Annotated[
    t.Consent | t.PatientNotFound | t.Forbidden, strawberry.union("ConsentResult")
]


def bundle_patient_uids(bundle: Mapping[str, Any]) -> list[str]:
    """The uids of the Patient resources a bundle holds (or its single Patient resource).

    Raises:
        ValidationError: the value is not a FHIR Bundle or resource.
    """
    if not isinstance(bundle, Mapping) or not isinstance(bundle.get("resourceType"), str):
        raise ValidationError(
            "bundle must be a FHIR R4 Bundle (or resource) object with a resourceType",
            problems=["bundle.resourceType: missing"],
        )
    resources = [bundle]
    if bundle["resourceType"] == "Bundle":
        entries = bundle.get("entry") or []
        if not isinstance(entries, list):
            raise ValidationError("bundle.entry must be a list", problems=["bundle.entry"])
        resources = [e.get("resource") or {} for e in entries if isinstance(e, Mapping)]
    out = []
    for r in resources:
        if isinstance(r, Mapping) and r.get("resourceType") == "Patient" and r.get("id"):
            out.append(patient_uid(str(r["id"])))
    return out


def _change(info: Info, uid: str, operation: str, args: dict[str, Any]) -> Any:
    ctx = info.context

    def run() -> Any:
        row = patient_row(ctx, uid)
        if row is None:
            return t.PatientNotFound(patient_id=uid, message=f"no twin with id {uid!r}")
        out, raised = engines.change_twin(
            ctx.services.store,
            uid,
            operation,
            args,
            allow_genomic=bool(row.get("consent_genomic", True)),
        )
        publish_raised(ctx.services.pubsub, uid, raised, cause=operation)
        return t.TwinChange(
            patient_id=uid,
            operation=operation,
            new_alerts=[t.Alert.from_dict(a) for a in raised],
            details=_plain(out),
        )

    return run


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Write a FHIR R4 bundle (all or nothing) to the twin(s).")
    async def ingest_bundle(
        self, info: Info, bundle: JSON, lenient: bool = False
    ) -> IngestBundleResult:
        ctx = info.context
        store = ctx.services.store
        try:
            uids = bundle_patient_uids(bundle)  # type: ignore[arg-type]
        except ValidationError as exc:
            uids = []
            early: Any = t.InvalidBundle(message=str(exc).splitlines()[0], problems=exc.problems)
        else:
            early = None
        principal = ctx.principal
        for uid in uids:  # every twin the bundle names must be inside the caller's scope
            if principal is not None and not principal.may_see(uid):
                return await guarded(
                    info,
                    operation="ingestBundle",
                    permission="twin:ingest",
                    patient_uid=uid,
                    action="U",
                    fn=lambda: None,
                )

        def run() -> Any:
            if early is not None:
                return early
            consent = {}
            before = {}
            for uid in uids:
                row = patient_row(ctx, uid)
                consent[uid] = bool(row.get("consent_genomic", True)) if row else True
                before[uid] = engines.alerts_now(store, uid, allow_genomic=consent[uid])
            out = engines.ingest(store, bundle, lenient=lenient)  # type: ignore[arg-type]
            new: list[dict[str, Any]] = []
            for uid in uids:
                after = engines.alerts_now(store, uid, allow_genomic=consent[uid])
                raised = raised_alerts(before[uid], after)
                publish_raised(ctx.services.pubsub, uid, raised, cause="ingestBundle")
                new += raised
            return t.IngestResult(
                patient_ids=uids,
                new_alerts=[t.Alert.from_dict(a) for a in new],
                details=_plain(out),
            )

        return await guarded(
            info,
            operation="ingestBundle",
            permission="twin:ingest",
            patient_uid=uids[0] if len(uids) == 1 else None,
            action="U",
            fn=run,
            invalid=t.InvalidBundle,
        )

    @strawberry.mutation(description="Append one observation (a lab or vital by LOINC).")
    async def record_observation(
        self,
        info: Info,
        patient_id: strawberry.ID,
        code: str,
        value: float,
        unit: str | None = None,
        effective: str | None = None,
    ) -> TwinChangeResult:
        uid = patient_uid(patient_id)
        args = {"loinc": code, "value": value, "unit": unit, "effective": effective}
        return await guarded(
            info,
            operation="recordObservation",
            permission="twin:ingest",
            patient_uid=uid,
            action="C",
            fn=_change(info, uid, "recordObservation", args),
        )

    @strawberry.mutation(description="Start a medication (drug name, RxNorm:NNN or RxCUI).")
    async def prescribe(
        self,
        info: Info,
        patient_id: strawberry.ID,
        drug: str,
        dose_text: str | None = None,
        start: str | None = None,
    ) -> TwinChangeResult:
        uid = patient_uid(patient_id)
        args = {"drug": drug, "dose_text": dose_text, "start": start}
        return await guarded(
            info,
            operation="prescribe",
            permission="twin:write",
            patient_uid=uid,
            action="C",
            fn=_change(info, uid, "prescribe", args),
            drug=drug,
        )

    @strawberry.mutation(description="Stop a medication the twin takes.")
    async def discontinue(
        self, info: Info, patient_id: strawberry.ID, drug: str, end: str | None = None
    ) -> TwinChangeResult:
        uid = patient_uid(patient_id)
        return await guarded(
            info,
            operation="discontinue",
            permission="twin:write",
            patient_uid=uid,
            action="U",
            fn=_change(info, uid, "discontinue", {"drug": drug, "end": end}),
            drug=drug,
        )

    @strawberry.mutation(description="Record a pharmacogene diplotype; phenotype is derived.")
    async def set_genotype(
        self, info: Info, patient_id: strawberry.ID, gene: str, diplotype: str
    ) -> TwinChangeResult:
        uid = patient_uid(patient_id)
        return await guarded(
            info,
            operation="setGenotype",
            permission="twin:ingest",
            patient_uid=uid,
            action="U",
            fn=_change(info, uid, "setGenotype", {"gene": gene, "diplotype": diplotype}),
            not_found=lambda exc: t.InvalidInput(message=str(exc), problems=[f"gene: {gene!r}"]),
        )

    @strawberry.mutation(description="Set whether the twin's genomic data may be used.")
    async def set_consent(
        self, info: Info, patient_id: strawberry.ID, genomic: bool
    ) -> ConsentResult:
        uid = patient_uid(patient_id)
        store = info.context.services.store

        def run() -> Any:
            rows = store.write("set_patient_consent", {"uid": uid, "genomic": genomic})
            if not rows:
                return t.PatientNotFound(patient_id=uid, message=f"no twin with id {uid!r}")
            return t.Consent(patient_id=uid, genomic=bool(rows[0]["consent_genomic"]))

        return await guarded(
            info,
            operation="setConsent",
            permission="consent:write",
            patient_uid=uid,
            action="U",
            fn=run,
        )
