"""Prescribe and discontinue on a twin (the API's prescribe/discontinue), with history events."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from kg.errors import NotFound, ValidationError
from kg.ingest.coding import CodeResolver, load_products, resolver_for
from kg.ingest.events import change_key, event_row
from kg.ingest.times import Instant, instant_arg, now
from kg.ingest.twin import require_patient
from kg.ingest.writer import write_twin
from kg.store import GraphStore, Row
from kg.types import ACTIVE_MED_STATUSES

__all__ = ["record_medication", "stop_medication"]

_RXNORM = "RxNorm"
_STATUSES = ("active", "intended", "on-hold")


def _when(value: str | dt.datetime | dt.date | None, name: str) -> Instant:
    return instant_arg(value, name) or now()


def _resolve(resolver: CodeResolver, ref: str) -> tuple[str, str, tuple[str, ...]]:
    """(code, display, drug uids) for an RxNorm code, a Drug uid or a drug name."""
    text = ref.strip()
    if text in resolver.drug_uids:
        code = text.split(":", 1)[1] if text.startswith("RxNorm:") else text
        return code, resolver.drug_names.get(text, text), (text,)
    code = text.removeprefix("RxNorm:")
    if code.isdigit():
        product = load_products().get(code)
        mapping = resolver.resolve_medication(code, product.name if product else None)
        return code, (product.name if product else f"RxNorm {code}"), mapping.drug_uids
    uid = resolver.drug_by_name.get(" ".join(text.lower().split()))
    if uid is None:
        close = difflib.get_close_matches(text.lower(), list(resolver.drug_by_name), n=5)
        hint = f" (close: {', '.join(close)})" if close else ""
        raise NotFound(
            f"Unknown drug {ref!r}: give an RxNorm code, a Drug uid (RxNorm:<rxcui>) or a "
            f"knowledge-base drug name{hint}"
        )
    code = uid.split(":", 1)[1] if uid.startswith("RxNorm:") else uid
    return code, text.lower(), (uid,)


def _active(store: GraphStore, patient_id: str) -> list[Row]:
    return [
        r
        for r in store.read("list_twin_medications", {"uid": f"Patient/{patient_id}"})
        if r["status"] in ACTIVE_MED_STATUSES
        and (r["end_epoch"] is None or r["end_epoch"] > now().epoch)
    ]


def _row(patient_id: str, uid: str, code: str, props: dict[str, Any]) -> dict[str, Any]:
    return {
        "uid": uid,
        "patient_uid": f"Patient/{patient_id}",
        "props": props,
        "code_uid": f"{_RXNORM}:{code}",
        "code_props": {"system": _RXNORM, "code": code, "display": props.get("display")},
    }


def record_medication(
    store: GraphStore,
    patient_id: str,
    rxnorm_or_drug_uid: str,
    *,
    start: str | dt.datetime | dt.date | None = None,
    status: str = "active",
    dose: str | None = None,
) -> str:
    """Put a medication on a twin (prescribe); return its MedicationStatement uid.

    ``rxnorm_or_drug_uid`` is an RxNorm product or ingredient code (``314076``), a Drug uid
    (``RxNorm:29046``) or a knowledge-base drug name (``lisinopril``). When the twin already
    has it active, that statement is returned (and a new ``dose`` is recorded as a change).

    Raises:
        NotFound: no such patient, or a drug name the knowledge base does not know.
        ValidationError: a bad status or start.
    """
    if status not in _STATUSES:
        raise ValidationError(f"status: found {status!r}, expected one of {', '.join(_STATUSES)}")
    require_patient(store, patient_id)
    resolver = resolver_for(store)
    code, display, drug_uids = _resolve(resolver, rxnorm_or_drug_uid)
    at = _when(start, "start")
    for r in _active(store, patient_id):
        same_drug = drug_uids and set(drug_uids) == {d["uid"] for d in r["drugs"]}
        if r["code"] == code or same_drug:
            if dose and dose != r["dose_text"]:
                row = _row(
                    patient_id, r["uid"], r["code"], {"dose_text": dose, "display": r["display"]}
                )
                at, detail = now(), f"{r['dose_text'] or 'none'} -> {dose}"
                key = change_key(r["uid"].split("/", 1)[1], at, detail)
                ev = event_row(patient_id, "dose_changed", key, at, r["uid"], detail)
                drugs = [{"med_uid": r["uid"], "drug_uid": d["uid"]} for d in r["drugs"]]
                write_twin(store, medications=[row], med_drugs=drugs, events=[ev])
            return str(r["uid"])
    fhir_id = f"kgtwin-{patient_id}-{code}-{at.epoch}".replace("/", "_")
    uid = f"MedicationStatement/{fhir_id}"
    props = {
        "resource_type": "MedicationStatement",
        "code": code,
        "display": display,
        "status": status,
        "start": at.iso,
        "start_epoch": at.epoch,
        "dose_text": dose,
        "mapped": bool(drug_uids),
    }
    write_twin(
        store,
        medications=[_row(patient_id, uid, code, props)],
        med_drugs=[{"med_uid": uid, "drug_uid": d} for d in drug_uids],
        events=[event_row(patient_id, "medication_started", fhir_id, at, uid)],
    )
    return uid


def stop_medication(
    store: GraphStore,
    patient_id: str,
    medication_uid_or_drug: str,
    *,
    end: str | dt.datetime | dt.date | None = None,
) -> list[str]:
    """Stop (discontinue) active medications: by MedicationStatement uid, code, Drug uid or name.

    Returns:
        The uids of the statements stopped.

    Raises:
        NotFound: no such patient, or no active medication matches (names the active ones).
    """
    require_patient(store, patient_id)
    at = _when(end, "end")
    ref = medication_uid_or_drug.strip()
    key = ref.lower()
    active = _active(store, patient_id)
    hits = [
        r
        for r in active
        if ref in (r["uid"], r["uid"].split("/", 1)[1], r["code"])
        or any(ref == d["uid"] or key == (d["name"] or "") for d in r["drugs"])
    ]
    if not hits:
        names = [f"{r['uid']} ({r['display']})" for r in active] or ["none"]
        raise NotFound(
            f"No active medication {ref!r} on Patient/{patient_id} (active: {', '.join(names)})"
        )
    rows, drugs, events = [], [], []
    for r in hits:
        props = {"status": "stopped", "end": at.iso, "end_epoch": at.epoch, "display": r["display"]}
        rows.append(_row(patient_id, r["uid"], r["code"], props))
        drugs += [{"med_uid": r["uid"], "drug_uid": d["uid"]} for d in r["drugs"]]
        events.append(
            event_row(patient_id, "medication_stopped", r["uid"].split("/", 1)[1], at, r["uid"])
        )
    write_twin(store, medications=rows, med_drugs=drugs, events=events)
    return [r["uid"] for r in hits]
