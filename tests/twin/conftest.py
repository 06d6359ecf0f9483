"""Fixtures of the live-twin tests: the Synthea bundles and a minimal knowledge base."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.ingest.coding import load_products
from kg.store import GraphStore

FHIR_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "fhir"
# Ingredients left out of the minimal knowledge base, so their products stay unmapped.
MISSING_INGREDIENTS = {"levonorgestrel", "norethindrone", "ethinyl estradiol", "norgestimate"}
DIPLOTYPES = [
    ("CYP2C19", "*1/*1", "Normal Metabolizer", None),
    ("CYP2C19", "*1/*2", "Intermediate Metabolizer", None),
    ("CYP2C19", "*2/*2", "Poor Metabolizer", None),
    ("CYP2C19", "*1/*17", "Rapid Metabolizer", None),
    ("CYP2D6", "*1/*4", "Intermediate Metabolizer", "1.0"),
    ("CYP2D6", "*4/*4", "Poor Metabolizer", "0.0"),
]
HGNC = {"CYP2C19": "HGNC:2621", "CYP2D6": "HGNC:2625"}


def load_fixture(name_prefix: str) -> dict[str, Any]:
    """The Synthea bundle whose file name starts with ``name_prefix``."""
    path = next(FHIR_DIR.glob(f"{name_prefix}*.json"))
    return json.loads(path.read_text(encoding="utf-8"))


def fixture_paths() -> list[Path]:
    """All Synthea fixture bundles."""
    return sorted(FHIR_DIR.glob("*.json"))


def seed_minimal_kb(store: GraphStore) -> None:
    """Drugs for the curated ingredients (but a few), a value set, an allergen class, diplotypes."""
    drugs: dict[str, dict[str, Any]] = {}
    for product in load_products().values():
        for rxcui, name in zip(product.ingredient_rxcuis, product.ingredient_names, strict=True):
            if name not in MISSING_INGREDIENTS:
                drugs[rxcui] = {
                    "uid": f"RxNorm:{rxcui}",
                    "rxcui": rxcui,
                    "name": name,
                    "synonyms": [],
                }
    store.write(
        "seed_twin_test_knowledge",
        {
            "drugs": list(drugs.values()),
            "concepts": [
                {
                    "uid": "concept:hypertension",
                    "name": "hypertension",
                    "code_uid": "SNOMED:38341003",
                    "code": "38341003",
                },
                {
                    "uid": "concept:heart_failure",
                    "name": "heart failure",
                    "code_uid": "SNOMED:88805009",
                    "code": "88805009",
                },
            ],
            "classes": [
                {
                    "uid": "kgtwin:Penicillins",
                    "name": "penicillins",
                    "code_uid": "SNOMED:91936005",
                    "code": "91936005",
                }
            ],
            "diplotypes": [
                {
                    "uid": f"{gene}:{name}",
                    "gene": gene,
                    "name": name,
                    "phenotype": phenotype,
                    "activity_score": score,
                    "lookup_key": score or phenotype,
                    "gene_uid": HGNC[gene],
                }
                for gene, name, phenotype, score in DIPLOTYPES
            ],
            "labs": [{"uid": "LOINC:33914-3", "loinc": "33914-3", "name": "eGFR"}],
        },
    )


@pytest.fixture
def kb(store: GraphStore) -> GraphStore:
    """A fresh graph holding the minimal knowledge base of these tests."""
    seed_minimal_kb(store)
    return store


def graph_size(store: GraphStore) -> tuple[int, int]:
    """(nodes, relationships) of the whole graph."""
    row = store.read("count_twin_graph")[0]
    return row["nodes"], row["relationships"]


def patient_bundle(pid: str = "p1", entries: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A small collection bundle: one Patient and the given resources."""
    patient = {"resourceType": "Patient", "id": pid, "gender": "female", "birthDate": "1950-03-04"}
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": patient}] + [{"resource": e} for e in entries or []],
    }


def med_request(
    rid: str,
    code: str,
    display: str,
    *,
    pid: str = "p1",
    status: str = "active",
    start: str = "2020-01-01",
    end: str | None = None,
    dose: str | None = None,
) -> dict[str, Any]:
    """A MedicationRequest coded in RxNorm."""
    bounds = {"start": start, **({"end": end} if end else {})}
    dosage: dict[str, Any] = {"timing": {"repeat": {"boundsPeriod": bounds}}}
    if dose:
        dosage["text"] = dose
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": code,
                    "display": display,
                }
            ]
        },
        "subject": {"reference": f"Patient/{pid}"},
        "authoredOn": start,
        "dosageInstruction": [dosage],
    }


def lab(
    rid: str, loinc: str, value: float, when: str, *, pid: str = "p1", unit: str = "mL/min"
) -> dict[str, Any]:
    """A LOINC-coded Observation with a quantity."""
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc, "display": loinc}]},
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit},
    }


def condition(
    rid: str,
    code: str,
    display: str,
    *,
    pid: str = "p1",
    onset: str = "2015-01-01",
    abatement: str | None = None,
    status: str = "active",
) -> dict[str, Any]:
    """A SNOMED-coded Condition."""
    out: dict[str, Any] = {
        "resourceType": "Condition",
        "id": rid,
        "clinicalStatus": {"coding": [{"code": status}]},
        "code": {
            "coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]
        },
        "subject": {"reference": f"Patient/{pid}"},
        "onsetDateTime": onset,
    }
    if abatement:
        out["abatementDateTime"] = abatement
    return out


def genotype_obs(rid: str, gene: str, diplotype: str, *, pid: str = "p1") -> dict[str, Any]:
    """An HL7 Genomics Reporting style genotype Observation."""
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": {
            "coding": [
                {
                    "system": "http://loinc.org",
                    "code": "84413-4",
                    "display": "Genotype display name",
                }
            ]
        },
        "subject": {"reference": f"Patient/{pid}"},
        "effectiveDateTime": "2024-05-01",
        "valueCodeableConcept": {"text": diplotype},
        "component": [
            {
                "code": {"coding": [{"system": "http://loinc.org", "code": "48018-6"}]},
                "valueCodeableConcept": {
                    "coding": [
                        {
                            "system": "http://www.genenames.org/geneId",
                            "code": HGNC.get(gene, "HGNC:0"),
                            "display": gene,
                        }
                    ]
                },
            }
        ],
    }
