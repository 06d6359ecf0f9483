"""Helpers to build twins for the clinical safety cases, through the twin area's own ingest.

Codes come from the curated knowledge files (not typed here), so a test follows the data.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from kg.store import GraphStore
from kg.store.falkor import FalkorStore
from tests.conftest import kb_copy

CURATED = Path(__file__).resolve().parents[2] / "kg" / "knowledge" / "data" / "curated"
NOW = "2026-11-01T00:00:00Z"
_SNOMED = "http://snomed.info/sct"
_RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def concept_codes(concept_id: str) -> list[str]:
    """The SNOMED codes of a curated clinical concept (condition_concepts.csv)."""
    with (CURATED / "condition_concepts.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["concept_id"] == concept_id:
                return row["snomed_codes"].split(";")
    raise KeyError(concept_id)


def allergen_codes(allergen_id: str) -> list[str]:
    """The SNOMED codes of a curated allergen (allergy_groups.csv)."""
    with (CURATED / "allergy_groups.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["allergen_id"] == allergen_id:
                return row["snomed_codes"].split(";")
    raise KeyError(allergen_id)


def group_members(group_id: str) -> list[str]:
    """Drug names of a curated group (drug_group_members.csv), in file order."""
    with (CURATED / "drug_group_members.csv").open(encoding="utf-8") as f:
        return [r["drug_name"] for r in csv.DictReader(f) if r["group_id"] == group_id]


def _birth_date(age: int) -> str:
    today = dt.date.fromisoformat(NOW[:10])
    return today.replace(year=today.year - age).isoformat()


def make_twin(
    store: GraphStore,
    pid: str,
    *,
    age: int = 50,
    meds: Iterable[str | tuple[str, str]] = (),
    conditions: Iterable[str] = (),
    allergies: Iterable[tuple[str, str]] = (),
    genotypes: Iterable[tuple[str, str]] = (),
    labs: Iterable[tuple[str, float, str]] = (),
    start: str = "2026-01-01",
) -> str:
    """Ingest a twin: meds are RxNorm codes (or ``(code, route)``), conditions and allergies
    SNOMED codes (allergies with a criticality), labs ``(loinc, value, date)``."""
    from kg.ingest import append_observation, ingest_bundle, set_genotype

    entries: list[dict[str, Any]] = [
        {
            "resource": {
                "resourceType": "Patient",
                "id": pid,
                "birthDate": _birth_date(age),
                "gender": "female",
            }
        }
    ]
    subject = {"reference": f"Patient/{pid}"}
    for i, med in enumerate(meds):
        code, route = (med, None) if isinstance(med, str) else med
        res: dict[str, Any] = {
            "resourceType": "MedicationStatement",
            "id": f"{pid}-med-{i}",
            "status": "active",
            "subject": subject,
            "medicationCodeableConcept": {"coding": [{"system": _RXNORM, "code": code}]},
            "effectivePeriod": {"start": start},
        }
        if route:
            res["dosage"] = [{"route": {"text": route}}]
        entries.append({"resource": res})
    for i, code in enumerate(conditions):
        entries.append(
            {
                "resource": {
                    "resourceType": "Condition",
                    "id": f"{pid}-cond-{i}",
                    "subject": subject,
                    "clinicalStatus": {"coding": [{"code": "active"}]},
                    "code": {"coding": [{"system": _SNOMED, "code": code}]},
                    "onsetDateTime": "2020-01-01",
                }
            }
        )
    for i, (code, criticality) in enumerate(allergies):
        entries.append(
            {
                "resource": {
                    "resourceType": "AllergyIntolerance",
                    "id": f"{pid}-allergy-{i}",
                    "patient": subject,
                    "clinicalStatus": {"coding": [{"code": "active"}]},
                    "category": ["medication"],
                    "criticality": criticality,
                    "code": {"coding": [{"system": _SNOMED, "code": code}]},
                }
            }
        )
    ingest_bundle(store, {"resourceType": "Bundle", "type": "collection", "entry": entries})
    for gene, diplotype in genotypes:
        set_genotype(store, pid, gene, diplotype)
    for loinc, value, when in labs:
        append_observation(store, pid, loinc, value, "mL/min/{1.73_m2}", when)
    return pid


def alerts_of(report: Any, kind: str, *drug_names: str) -> list[Any]:
    """The report's alerts of ``kind`` involving every one of ``drug_names``."""
    return [a for a in report.alerts if a.kind == kind and all(n in a.drugs for n in drug_names)]


@pytest.fixture(scope="session")
def _reasoning_kb(kb_template: FalkorStore) -> Iterator[FalkorStore]:
    with kb_copy(kb_template, "t_reasoning") as s:
        yield s


@pytest.fixture
def kb_store(_reasoning_kb: FalkorStore) -> FalkorStore:
    """One knowledge-base copy shared by the reasoning tests (overrides the per-test copy).

    Each test builds its twins under its own patient ids and only reads knowledge, so sharing
    is safe; a test that changes knowledge uses ``kb_private``. Why: dozens of ``GRAPH.COPY``
    in one session hang FalkorDB 4.16 (a forked child left defunct), and one copy is faster.
    """
    return _reasoning_kb


@pytest.fixture
def kb_private(kb_template: FalkorStore) -> Iterator[FalkorStore]:
    """A private knowledge-base copy for a test that edits knowledge."""
    with kb_copy(kb_template) as s:
        yield s


@pytest.fixture
def twin(kb_store: GraphStore) -> Any:
    """``twin(pid, **kwargs)`` builds a twin on the knowledge-base graph (see make_twin)."""

    def build(pid: str, **kwargs: Any) -> str:
        return make_twin(kb_store, pid, **kwargs)

    return build


def names(items: Sequence[Any]) -> set[str]:
    """Keys of alerts, for diff comparisons."""
    return {a.key for a in items}
