"""The synthetic population: deterministic, realistic, and loadable as twins."""

from __future__ import annotations

import csv
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kg.demo import generate_population, load_demo
from kg.demo.population import FILLER_DRUGS, load_allele_frequencies, load_conditions
from kg.ingest import get_twin, observations
from kg.ingest.coding import load_products
from kg.store import GraphStore

CPIC = (
    Path(__file__).resolve().parents[2]
    / "kg"
    / "knowledge"
    / "data"
    / "cpic"
    / "diplotype_phenotype.csv"
)


def _resources(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


@pytest.fixture(scope="module")
def population() -> list[dict[str, Any]]:
    return generate_population(150, seed=7)


def test_the_same_seed_gives_the_same_population(population: list[dict[str, Any]]) -> None:
    assert generate_population(5, seed=7) == population[:5]
    assert generate_population(5, seed=8) != population[:5]


def test_polypharmacy_age_and_sex_mix(population: list[dict[str, Any]]) -> None:
    active = [
        len([m for m in _resources(b, "MedicationRequest") if m["status"] == "active"])
        for b in population
    ]
    assert min(active) >= 5 and max(active) <= 12
    assert len(set(active)) >= 5
    sexes = Counter(_resources(b, "Patient")[0]["gender"] for b in population)
    assert set(sexes) == {"female", "male"} and min(sexes.values()) > 40
    years = [int(_resources(b, "Patient")[0]["birthDate"][:4]) for b in population]
    assert min(years) >= 1930 and max(years) <= 1997 and statistics.pstdev(years) > 8
    for b in population:
        codes = [
            m["medicationCodeableConcept"]["coding"][0]["code"]
            for m in _resources(b, "MedicationRequest")
        ]
        ingredients = [
            i for c in codes if c in load_products() for i in load_products()[c].ingredient_rxcuis
        ]
        active_codes = [
            m["medicationCodeableConcept"]["coding"][0]["code"]
            for m in _resources(b, "MedicationRequest")
            if m["status"] == "active"
        ]
        assert len(set(active_codes)) == len(active_codes)
        assert set(codes) <= set(load_products()) and ingredients


def _series(bundle: dict[str, Any], loinc: str) -> list[float]:
    obs = [o for o in _resources(bundle, "Observation") if o["code"]["coding"][0]["code"] == loinc]
    return [o["valueQuantity"]["value"] for o in sorted(obs, key=lambda o: o["effectiveDateTime"])]


def test_labs_over_time(population: list[dict[str, Any]]) -> None:
    declining = 0
    for b in population:
        egfr = _series(b, "33914-3")
        assert len(egfr) == 9 and len(_series(b, "2823-3")) == 9 and len(_series(b, "1742-6")) == 9
        if egfr[-1] < egfr[0] - 10:
            declining += 1
        on_warfarin = any(
            m["medicationCodeableConcept"]["coding"][0]["code"] == "855332"
            and m["status"] == "active"
            for m in _resources(b, "MedicationRequest")
        )
        assert bool(_series(b, "6301-6")) == on_warfarin
    assert 0.1 * len(population) < declining < 0.6 * len(population)
    assert sum(1 for b in population if _series(b, "8636-3")) > 10


def test_genotypes_follow_the_allele_frequencies(population: list[dict[str, Any]]) -> None:
    calls: dict[str, Counter[str]] = {}
    for b in population:
        pgx = [
            o for o in _resources(b, "Observation") if o["code"]["coding"][0]["code"] == "84413-4"
        ]
        assert len(pgx) == len(load_allele_frequencies())
        for o in pgx:
            gene = o["component"][0]["valueCodeableConcept"]["coding"][0]["display"]
            for allele in o["valueCodeableConcept"]["text"].split("/"):
                calls.setdefault(gene, Counter())[allele] += 1
    total = 2 * len(population)
    assert calls["CYP3A5"]["*3"] / total > 0.8
    assert 0.05 < calls["CYP2C19"]["*2"] / total < 0.3
    assert 0.08 < calls["CYP2D6"]["*4"] / total < 0.3


def test_frequency_tables_are_consistent_with_the_cpic_tables() -> None:
    for gene, alleles in load_allele_frequencies().items():
        assert sum(a.frequency for a in alleles) == pytest.approx(1.0, abs=1e-6), gene
    if not CPIC.exists():
        pytest.skip("CPIC tables of the knowledge base are not present")
    known: set[tuple[str, str]] = set()
    for table in (CPIC, CPIC.parent.parent / "curated" / "variant_genotypes.csv"):
        with table.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                known.add((row["gene"], row["diplotype"]))
    for gene, alleles in load_allele_frequencies().items():
        for a in alleles:
            for b in alleles:
                pair = {(gene, f"{a.allele}/{b.allele}"), (gene, f"{b.allele}/{a.allele}")}
                assert pair & known, (gene, a.allele, b.allele)


def test_every_demo_drug_is_a_curated_product() -> None:
    codes = {d for c in load_conditions() for d in c.drugs} | set(FILLER_DRUGS)
    assert codes <= set(load_products())


def test_load_demo_makes_twins(kb: GraphStore) -> None:
    assert load_demo(kb, 4, seed=3) == 4
    twin = get_twin(kb, "demo-3-000002")
    assert 5 <= len(twin.medications) <= 12
    assert twin.lab("33914-3") is not None
    assert len(observations(kb, "demo-3-000002", "33914-3")) == 9
    assert load_demo(kb, 4, seed=3) == 4  # idempotent reload
    assert len(observations(kb, "demo-3-000002", "33914-3")) == 9
