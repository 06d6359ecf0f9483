"""Reading a twin: now or as of a date, with the latest lab values and their age."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from kg.errors import NotFound
from kg.ingest.genotype import GenotypeCall
from kg.ingest.times import instant_arg, now
from kg.store import GraphStore, Row
from kg.types import condition_active, medication_active

__all__ = [
    "LabValue",
    "Twin",
    "TwinAllergy",
    "TwinCondition",
    "TwinEvent",
    "TwinMedication",
    "get_twin",
    "latest_observation",
    "observations",
    "require_patient",
    "twin_history",
]

INACTIVE_ALLERGY_STATUSES = ("inactive", "resolved")
_DAY = 86400.0


@dataclass(frozen=True)
class TwinCondition:
    """A condition and the contraindication concepts its code belongs to."""

    uid: str
    code: str
    system: str | None
    display: str | None
    clinical_status: str | None
    onset: str | None
    abatement: str | None
    concepts: tuple[str, ...]
    mapped: bool


@dataclass(frozen=True)
class TwinMedication:
    """A medication with the ingredient Drugs it resolved to (``mapped`` false: not checked)."""

    uid: str
    code: str | None
    display: str | None
    status: str | None
    start: str | None
    end: str | None
    dose_text: str | None
    drug_uids: tuple[str, ...]
    drug_names: tuple[str, ...]
    mapped: bool


@dataclass(frozen=True)
class TwinAllergy:
    """An allergy with the Drugs or DrugClasses it resolved to."""

    uid: str
    code: str | None
    display: str | None
    category: str | None
    criticality: str | None
    substance_uids: tuple[str, ...]
    class_uids: tuple[str, ...]
    mapped: bool


@dataclass(frozen=True)
class LabValue:
    """The latest value of one LOINC code and how old it is (days before now or ``as_of``)."""

    loinc: str
    display: str | None
    value: float | None
    value_text: str | None
    unit: str | None
    effective: str
    age_days: float


@dataclass(frozen=True)
class TwinEvent:
    """One change in a twin's history."""

    kind: str
    at: str
    resource_uid: str | None
    detail: str | None


@dataclass(frozen=True)
class Twin:
    """A patient's digital twin at one moment (``as_of`` None: now)."""

    patient_id: str
    uid: str
    birth_date: str | None
    sex: str | None
    deceased: bool
    consent_genomic: bool
    as_of: str | None
    conditions: tuple[TwinCondition, ...]
    medications: tuple[TwinMedication, ...]
    allergies: tuple[TwinAllergy, ...]
    labs: tuple[LabValue, ...]
    genotypes: tuple[GenotypeCall, ...]
    race_codes: tuple[str, ...] = ()  # self-identified (US Core race), CDC codes
    race_text: str | None = None
    ethnicity_codes: tuple[str, ...] = ()

    def lab(self, loinc: str) -> LabValue | None:
        """The latest value of ``loinc``, if any."""
        return next((lab for lab in self.labs if lab.loinc == loinc), None)

    @property
    def unmapped_medications(self) -> tuple[TwinMedication, ...]:
        """Active medications no safety check can see."""
        return tuple(m for m in self.medications if not m.mapped)


def require_patient(store: GraphStore, patient_id: str) -> Row:
    """The Patient row of ``patient_id``.

    Raises:
        NotFound: no twin has this id.
    """
    rows = store.read("get_twin_patient", {"uid": f"Patient/{patient_id}"})
    if not rows:
        raise NotFound(f"Unknown patient {patient_id!r}: no twin Patient/{patient_id}")
    return rows[0]


def get_twin(store: GraphStore, patient_id: str, *, as_of: str | None = None) -> Twin:
    """A patient's twin now, or as it was at ``as_of`` (a date or date-time).

    Which conditions and medications are active (now or as of a date) is decided as the safety
    report decides it (``kg.types.condition_active``, ``medication_active``): started by then,
    not ended or abated by then, and of an active status (a stopped medication without an end
    date counts as inactive); each lab's latest value at or before it, with its age then.

    Raises:
        NotFound: no such patient.
        ValidationError: ``as_of`` is not a date.
    """
    patient = require_patient(store, patient_id)
    uid = patient["uid"]
    at = instant_arg(as_of, "as_of")
    ref = at.epoch if at else now().epoch
    conditions = tuple(
        TwinCondition(
            uid=r["uid"],
            code=r["code"],
            system=r["system"],
            display=r["display"],
            clinical_status=r["clinical_status"],
            onset=r["onset"],
            abatement=r["abatement"],
            concepts=tuple(r["concepts"] or ()),
            mapped=bool(r["mapped"]),
        )
        for r in store.read("list_twin_conditions", {"uid": uid})
        if condition_active(r, ref)
    )
    medications = tuple(
        TwinMedication(
            uid=r["uid"],
            code=r["code"],
            display=r["display"],
            status=r["status"],
            start=r["start"],
            end=r["end"],
            dose_text=r["dose_text"],
            drug_uids=tuple(d["uid"] for d in r["drugs"]),
            drug_names=tuple(d["name"] or d["uid"] for d in r["drugs"]),
            mapped=bool(r["mapped"]),
        )
        for r in store.read("list_twin_medications", {"uid": uid})
        if medication_active(r, ref)
    )
    allergies = tuple(
        TwinAllergy(
            uid=r["uid"],
            code=r["code"],
            display=r["display"],
            category=r["category"],
            criticality=r["criticality"],
            substance_uids=tuple(s["uid"] for s in r["substances"] if s["kind"] == "Drug"),
            class_uids=tuple(s["uid"] for s in r["substances"] if s["kind"] != "Drug"),
            mapped=bool(r["mapped"]),
        )
        for r in store.read("list_twin_allergies", {"uid": uid})
        if r["clinical_status"] not in INACTIVE_ALLERGY_STATUSES
    )
    lab_rows = (
        store.read("list_twin_labs_as_of", {"uid": uid, "until": at.epoch})
        if at
        else store.read("list_twin_latest_labs", {"uid": uid})
    )
    labs = tuple(
        LabValue(
            loinc=r["loinc"],
            display=r["display"],
            value=r["value"],
            value_text=r["value_text"],
            unit=r["unit"],
            effective=r["effective"],
            age_days=round((ref - r["effective_epoch"]) / _DAY, 2),
        )
        for r in lab_rows
    )
    return Twin(
        patient_id=patient["fhir_id"] or patient_id,
        uid=uid,
        birth_date=patient["birth_date"],
        sex=patient["sex"],
        deceased=bool(patient["deceased"]),
        consent_genomic=patient["consent_genomic"] is not False,
        as_of=at.iso if at else None,
        conditions=conditions,
        medications=medications,
        allergies=allergies,
        labs=labs,
        genotypes=tuple(_genotypes(store, uid, patient_id)),
        race_codes=tuple(patient["race_codes"] or ()),
        race_text=patient["race_text"],
        ethnicity_codes=tuple(patient["ethnicity_codes"] or ()),
    )


def _genotypes(store: GraphStore, uid: str, patient_id: str) -> list[GenotypeCall]:
    return [
        GenotypeCall(
            patient_id=patient_id,
            gene=r["gene"],
            diplotype=r["diplotype"],
            phenotype=r["phenotype"],
            activity_score=r["activity_score"],
            lookup_key=r["lookup_key"],
            source=r["source"],
            recorded_at=r["recorded_at"],
        )
        for r in store.read("list_twin_genotypes", {"uid": uid})
    ]


def latest_observation(
    store: GraphStore, patient_id: str, loinc: str
) -> tuple[float | str | None, str | None, str, float] | None:
    """(value, unit, effective, age_days) of the latest ``loinc`` value, or None.

    One edge hop (LATEST_OBSERVATION): the cost does not grow with the history.
    """
    rows = store.read(
        "get_twin_latest_observation", {"uid": f"Patient/{patient_id}", "loinc": loinc}
    )
    if not rows:
        return None
    r = rows[0]
    value = r["value"] if r["value"] is not None else r["value_text"]
    age = round((now().epoch - r["effective_epoch"]) / _DAY, 2)
    return value, r["unit"], r["effective"], age


def observations(
    store: GraphStore,
    patient_id: str,
    loinc: str,
    *,
    since: str | dt.datetime | dt.date | None = None,
    until: str | dt.datetime | dt.date | None = None,
) -> list[dict[str, Any]]:
    """Every value of ``loinc`` on a twin, oldest first, optionally within [since, until].

    Each item: ``uid``, ``value`` (number or None), ``value_text``, ``unit``, ``effective``.
    """
    s, u = instant_arg(since, "since"), instant_arg(until, "until")
    rows = store.read(
        "list_twin_observations",
        {
            "uid": f"Patient/{patient_id}",
            "loinc": loinc,
            "since": s.epoch if s else None,
            "until": u.epoch if u else None,
        },
    )
    return [{k: v for k, v in r.items() if k != "effective_epoch"} for r in rows]


def twin_history(store: GraphStore, patient_id: str) -> list[TwinEvent]:
    """Every recorded change of a twin, oldest first."""
    require_patient(store, patient_id)
    return [
        TwinEvent(kind=r["kind"], at=r["at"], resource_uid=r["resource_uid"], detail=r["detail"])
        for r in store.read("list_twin_events", {"uid": f"Patient/{patient_id}"})
    ]
