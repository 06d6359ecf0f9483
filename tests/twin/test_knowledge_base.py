"""The twin against the real default knowledge base (``kb_store``)."""

from __future__ import annotations

import json

import pytest

from kg.demo import load_demo
from kg.ingest import get_twin, ingest_bundle, set_genotype
from kg.store import GraphStore
from tests.twin.conftest import fixture_paths, patient_bundle


def test_synthea_medications_resolve_to_knowledge_base_ingredients(kb_store: GraphStore) -> None:
    total = unmapped = 0
    for path in fixture_paths():
        result = ingest_bundle(kb_store, json.loads(path.read_text(encoding="utf-8")))
        total += result.counts.get("MedicationRequest", 0)
        unmapped += sum(1 for u in result.unmapped if u.resource_type == "MedicationRequest")
        twin = get_twin(kb_store, result.patients[0])
        for m in twin.medications:
            assert m.mapped == bool(m.drug_uids)
            assert all(uid.startswith("RxNorm:") for uid in m.drug_uids)
    assert total == 50
    assert unmapped == 0


def test_genotypes_come_from_the_cpic_diplotype_table(kb_store: GraphStore) -> None:
    ingest_bundle(kb_store, patient_bundle("p1"))
    pm = set_genotype(kb_store, "p1", "CYP2C19", "*2/*2")
    assert (pm.phenotype, pm.lookup_key) == ("Poor Metabolizer", "Poor Metabolizer")
    um = set_genotype(kb_store, "p1", "CYP2D6", "*1x2/*1")
    assert (um.diplotype, um.activity_score, um.phenotype) == (
        "*1/*1x2",
        "3.0",
        "Ultrarapid Metabolizer",
    )


def test_demo_twins_get_every_genotype_interpreted(kb_store: GraphStore) -> None:
    from kg.demo import patient_bundle as demo_bundle

    for i in range(20):
        result = ingest_bundle(kb_store, demo_bundle(11, i))
        assert result.counts["Genotype"] == 10, result.skipped
        assert not [u for u in result.unmapped if u.resource_type == "MedicationRequest"]
    assert load_demo(kb_store, 20, seed=11) == 20
    twin = get_twin(kb_store, "demo-11-000004")
    assert {g.gene for g in twin.genotypes} == {
        "CYP2C19",
        "CYP2C9",
        "CYP2D6",
        "SLCO1B1",
        "TPMT",
        "DPYD",
        "NUDT15",
        "CYP3A5",
        "VKORC1",
        "CYP4F2",
    }
    assert all(g.phenotype for g in twin.genotypes)


def test_condition_codes_resolve_through_value_sets(kb_store: GraphStore) -> None:
    concepts = kb_store.read("list_concept_codes_for_coding")
    if not concepts:
        pytest.skip("this knowledge base has no ClinicalConcept value sets yet")
    code = next(c for row in concepts for c in (row["snomed_codes"] or []))
    bundle = patient_bundle(
        "p1",
        [{
            "resourceType": "Condition", "id": "c1",
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": code}]},
            "subject": {"reference": "Patient/p1"}, "onsetDateTime": "2020-01-01",
        }],
    )  # fmt: skip
    ingest_bundle(kb_store, bundle)
    (condition,) = get_twin(kb_store, "p1").conditions
    assert condition.mapped
