"""The facts of one twin that pathway criteria test, read in two round trips.

Conditions map to concepts through the graph (``CODED_AS``/``IN_VALUE_SET``) and, as a
fallback, through the concept code lists (ICD-10 categories match by prefix). Medications are
active by the same rule as the safety engine (status, start and end against ``now``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import NotFound
from kg.reasoning.pathways.known import concept_codes
from kg.store import GraphStore
from kg.types import age_at, condition_active, epoch_of, medication_active, patient_uid

__all__ = ["LabPoint", "TwinFacts", "epoch_of", "iso_date", "patient_uid", "read_twin"]


def iso_date(epoch: int) -> str:
    """``2026-09-30`` for an epoch."""
    return dt.datetime.fromtimestamp(epoch, dt.UTC).date().isoformat()


@dataclass(frozen=True)
class LabPoint:
    """One numeric result."""

    loinc: str
    value: float
    epoch: int
    effective: str
    unit: str | None = None


@dataclass(frozen=True)
class TwinFacts:
    """What pathway criteria may test about one twin at ``now_epoch``."""

    uid: str
    now_epoch: int
    birth_date: str | None
    sex: str | None
    active_concepts: Mapping[str, tuple[str, ...]]  # concept uid -> condition displays
    history_concepts: Mapping[str, tuple[str, ...]]
    drugs: Mapping[str, str]  # active drug uid -> name
    classes: Mapping[str, tuple[str, ...]]  # class uid -> names of active drugs in it
    genotypes: Mapping[str, Mapping[str, Any]]  # gene -> genotype row
    labs: Mapping[str, tuple[LabPoint, ...]] = field(default_factory=dict)  # bare LOINC -> points
    race_codes: tuple[str, ...] = ()  # self-identified (US Core race), CDC codes
    race_text: str | None = None

    @property
    def age(self) -> int | None:
        """Age in whole years at ``now``."""
        return age_at(self.birth_date, self.now_epoch)

    def lab_series(self, loincs: Iterable[str]) -> list[LabPoint]:
        """Every point of any of ``loincs`` (``LOINC:x`` or bare), oldest first."""
        pts: list[LabPoint] = []
        for code in loincs:
            pts.extend(self.labs.get(code.removeprefix("LOINC:"), ()))
        return sorted(pts, key=lambda p: (p.epoch, p.loinc))


def _concepts_by_code(system: str | None, code: str | None) -> set[str]:
    if not code:
        return set()
    sys = (system or "").lower()
    found = set()
    for uid, (snomed, icd) in concept_codes().items():
        if ("snomed" in sys or sys in ("", "sct")) and code in snomed:
            found.add(uid)
        if ("icd" in sys or sys == "") and any(code.startswith(c) for c in icd):
            found.add(uid)
    return found


def read_twin(
    store: GraphStore, patient_id: str, *, now_epoch: int, loincs: Iterable[str] = ()
) -> TwinFacts:
    """Read the twin's facts as of ``now_epoch`` (and its results for ``loincs``).

    Raises:
        NotFound: no twin has this id.
    """
    uid = patient_uid(patient_id)
    rows = store.read("get_pathway_twin", {"patient_uid": uid})
    if not rows:
        raise NotFound(f"Unknown patient {patient_id!r}: no twin with uid {uid!r}")
    row = rows[0]
    graph_concepts: dict[str, set[str]] = {}
    for c_uid, k_uid in row["condition_concepts"] or []:
        graph_concepts.setdefault(c_uid, set()).add(k_uid)
    active: dict[str, list[str]] = {}
    history: dict[str, list[str]] = {}
    for c in row["conditions"] or []:
        onset = c.get("onset_epoch")
        if onset is not None and onset > now_epoch:
            continue
        concepts = graph_concepts.get(c["uid"], set()) | _concepts_by_code(
            c.get("system"), c.get("code")
        )
        label = str(c.get("display") or c.get("code") or c["uid"])
        if c.get("onset"):
            label += f" (since {str(c['onset'])[:10]})"
        for k in concepts:
            history.setdefault(k, []).append(label)
            if condition_active(c, now_epoch):
                active.setdefault(k, []).append(label)
    meds_active = {m["uid"] for m in row["meds"] or [] if medication_active(m, now_epoch)}
    drugs: dict[str, str] = {}
    for m_uid, d_uid, d_name in row["med_drugs"] or []:
        if m_uid in meds_active:
            drugs[d_uid] = str(d_name or d_uid)
    classes: dict[str, set[str]] = {}
    for d_uid, k_uid in row["drug_classes"] or []:
        if d_uid in drugs:
            classes.setdefault(k_uid, set()).add(drugs[d_uid])
    genotypes = {str(g["gene"]): g for g in row["genotypes"] or [] if g.get("gene")}
    labs: dict[str, list[LabPoint]] = {}
    codes = sorted({c.removeprefix("LOINC:") for c in loincs})
    if codes:
        for r in store.read(
            "list_pathway_observations",
            {"patient_uid": uid, "loincs": codes, "until_epoch": now_epoch},
        ):
            labs.setdefault(r["loinc"], []).append(
                LabPoint(
                    loinc=r["loinc"],
                    value=float(r["value"]),
                    epoch=int(r["effective_epoch"]),
                    effective=str(r["effective"] or iso_date(int(r["effective_epoch"]))),
                    unit=r.get("unit"),
                )
            )
    sex = row.get("sex")
    return TwinFacts(
        uid=uid,
        now_epoch=now_epoch,
        birth_date=row.get("birth_date"),
        sex=str(sex).lower() if sex else None,
        active_concepts={k: tuple(sorted(v)) for k, v in active.items()},
        history_concepts={k: tuple(sorted(v)) for k, v in history.items()},
        drugs=drugs,
        classes={k: tuple(sorted(v)) for k, v in classes.items()},
        genotypes=genotypes,
        labs={k: tuple(v) for k, v in labs.items()},
        race_codes=tuple(str(c) for c in row.get("race_codes") or ()),
        race_text=row.get("race_text"),
    )
