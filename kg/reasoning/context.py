"""What a safety report needs to know about one twin, read once, and the what-if applied to it.

The safety queries never read a twin's medication list themselves: they take it as a
parameter. So the orchestrator reads the twin once (:func:`read_context`), changes the lists
in Python for a what-if (:func:`apply_what_if`), and runs every check on the result. Nothing is
written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from kg.errors import NotFound
from kg.reasoning.model import LabValue, WhatIf
from kg.store import GraphStore
from kg.types import age_at, condition_active, epoch_of, medication_active, patient_uid

__all__ = [
    "EGFR_LOINCS",
    "CheckInput",
    "MedEntry",
    "TwinContext",
    "apply_what_if",
    "epoch_of",
    "patient_uid",
    "read_context",
]

# LOINC codes of an estimated GFR (per 1.73 m2): MDRD, CKD-EPI 2009 and 2021, by race.
EGFR_LOINCS = ("33914-3", "48642-3", "48643-1", "50044-7", "62238-1", "69405-9", "98979-8")


@dataclass(frozen=True)
class MedEntry:
    """One medication on the list being checked: a twin statement or a what-if addition."""

    uid: str
    code: str | None
    display: str | None
    drug_uids: tuple[str, ...]
    drug_names: tuple[str, ...]
    route: str | None = None
    hypothetical: bool = False
    start_epoch: int | None = None


@dataclass(frozen=True)
class TwinContext:
    """A twin's facts as of one time, as plain values."""

    patient_uid: str
    as_of: str | None
    as_of_epoch: int
    age: int | None
    sex: str | None
    consent_genomic: bool
    meds: tuple[MedEntry, ...]
    unmapped: tuple[Mapping[str, Any], ...]
    condition_codes: tuple[str, ...]
    conditions: Mapping[str, str]  # code uid -> display
    allergies: tuple[Mapping[str, Any], ...]  # {uid, display, criticality, substances}
    labs: tuple[LabValue, ...]
    genotypes: tuple[Mapping[str, Any], ...]

    def drug_uids(self) -> list[str]:
        """Distinct drug uids of every medication, in list order."""
        seen: dict[str, None] = {}
        for m in self.meds:
            for u in m.drug_uids:
                seen.setdefault(u, None)
        return list(seen)

    def drug_names(self) -> dict[str, str]:
        """Drug uid -> name."""
        out: dict[str, str] = {}
        for m in self.meds:
            out.update(zip(m.drug_uids, m.drug_names, strict=True))
        return out

    def started(self) -> dict[str, int]:
        """Drug uid -> when the twin started taking it (earliest start; what-ifs have none)."""
        out: dict[str, int] = {}
        for m in self.meds:
            if m.hypothetical or m.start_epoch is None:
                continue
            for u in m.drug_uids:
                out[u] = min(out.get(u, m.start_epoch), m.start_epoch)
        return out

    def route_of(self, drug_uid: str) -> str | None:
        """The route of the (first) medication giving this drug, lower case."""
        for m in self.meds:
            if drug_uid in m.drug_uids and m.route:
                return m.route.lower()
        return None


@dataclass(frozen=True)
class CheckInput:
    """The parameters every safety check runs with: a drug list and the context around it."""

    drug_uids: tuple[str, ...]
    names: Mapping[str, str]  # drug uid -> name
    now_epoch: int
    routes: Mapping[str, str] = field(default_factory=dict)  # drug uid -> route, lower case
    age: int | None = None
    condition_codes: tuple[str, ...] = ()
    conditions: Mapping[str, str] = field(default_factory=dict)  # code uid -> display
    concept_uids: frozenset[str] = frozenset()
    classes: Mapping[str, frozenset[str]] = field(default_factory=dict)  # drug -> class uids
    labs: tuple[LabValue, ...] = ()
    allergies: tuple[Mapping[str, Any], ...] = ()
    genotypes: tuple[Mapping[str, Any], ...] = ()
    started: Mapping[str, int] = field(default_factory=dict)  # drug uid -> start epoch

    def name(self, drug_uid: str) -> str:
        """The drug's name (its uid when unknown)."""
        return self.names.get(drug_uid, drug_uid)


def read_context(
    store: GraphStore, patient_id: str, *, as_of_epoch: int, as_of: str | None = None
) -> TwinContext:
    """Read one twin as of a time (medications active then, conditions, allergies, labs).

    Raises:
        NotFound: no twin has this id.
    """
    uid = patient_uid(patient_id)
    rows = store.read("get_safety_context", {"patient_uid": uid})
    if not rows:
        raise NotFound(f"Unknown patient {patient_id!r}: no twin with uid {uid!r}")
    row = rows[0]
    drugs_of: dict[str, list[tuple[str, str]]] = {}
    for med_uid, drug_uid, drug_name in row["med_drugs"] or []:
        drugs_of.setdefault(med_uid, []).append((drug_uid, drug_name))
    meds: list[MedEntry] = []
    unmapped: list[Mapping[str, Any]] = []
    for m in sorted(row["meds"] or [], key=lambda m: (m.get("start_epoch") or 0, m["uid"])):
        if not medication_active(m, as_of_epoch):
            continue
        found = sorted(set(drugs_of.get(m["uid"], [])))
        if not found:
            unmapped.append(m)
            continue
        meds.append(
            MedEntry(
                uid=m["uid"],
                code=m.get("code"),
                display=m.get("display"),
                drug_uids=tuple(u for u, _ in found),
                drug_names=tuple(n for _, n in found),
                route=m.get("route"),
                start_epoch=m.get("start_epoch"),
            )
        )
        if m.get("mapped") is False:  # some ingredients resolved, others did not
            unmapped.append(m)
    active_conditions = {
        c["uid"]: c for c in row["conditions"] or [] if condition_active(c, as_of_epoch)
    }
    codes: dict[str, str] = {}
    for cond_uid, code in row["condition_codes"] or []:
        if cond_uid in active_conditions:
            codes[code] = active_conditions[cond_uid].get("display") or code
    substances: dict[str, list[tuple[str, str | None]]] = {}
    for allergy_uid, sub_uid, sub_name in row["allergy_substances"] or []:
        substances.setdefault(allergy_uid, []).append((sub_uid, sub_name))
    allergies = tuple(
        {**a, "substances": tuple(sorted(set(substances.get(a["uid"], []))))}
        for a in row["allergies"] or []
        if a.get("clinical_status") not in ("inactive", "resolved", "refuted")
    )
    if as_of is None:
        lab_rows = row["labs"] or []
    else:
        lab_rows = store.read("get_labs_as_of", {"patient_uid": uid, "as_of_epoch": as_of_epoch})
    labs = tuple(
        LabValue(
            loinc=r["loinc"],
            value=float(r["value"]),
            effective=r.get("effective"),
            effective_epoch=r.get("effective_epoch"),
            unit=r.get("unit"),
        )
        for r in lab_rows
        if r.get("value") is not None and r.get("loinc")
    )
    return TwinContext(
        patient_uid=uid,
        as_of=as_of,
        as_of_epoch=as_of_epoch,
        age=age_at(row.get("birth_date"), as_of_epoch),
        sex=row.get("sex"),
        consent_genomic=row.get("consent_genomic") is not False,
        meds=tuple(meds),
        unmapped=tuple(unmapped),
        condition_codes=tuple(sorted(codes)),
        conditions=codes,
        allergies=allergies,
        labs=labs,
        genotypes=tuple(row["genotypes"] or []),
    )


def apply_what_if(
    ctx: TwinContext,
    what_if: WhatIf,
    *,
    added: Sequence[tuple[str, str, str]],
    stopped: Iterable[str],
    now_epoch: int,
) -> TwinContext:
    """The context after a hypothetical change (pure: nothing is read or written).

    Args:
        ctx: the current context.
        what_if: the change (its labs are applied here).
        added: resolved additions as ``(input, drug_uid, name)``.
        stopped: drug uids to stop: every medication giving one of them is removed.
        now_epoch: the time a what-if lab value is taken at when it carries none.
    """
    stop = set(stopped)
    meds = [m for m in ctx.meds if not stop.intersection(m.drug_uids)]
    for text, drug_uid, name in added:
        meds.append(
            MedEntry(
                uid=f"what-if/{drug_uid}",
                code=None,
                display=text,
                drug_uids=(drug_uid,),
                drug_names=(name,),
                hypothetical=True,
            )
        )
    labs = {lab.loinc: lab for lab in ctx.labs}
    for lab in what_if.labs:
        if lab.effective_epoch is None:
            iso = dt.datetime.fromtimestamp(now_epoch, dt.UTC).isoformat().replace("+00:00", "Z")
            lab = replace(lab, effective=iso, effective_epoch=now_epoch)
        labs[lab.loinc] = lab
    return replace(ctx, meds=tuple(meds), labs=tuple(labs.values()))
