"""Which CPIC population's recommendation applies: chosen from the twin (age, conditions,
time on the drug) by curated tests, then by strength when nothing on the twin decides."""

from __future__ import annotations

import csv
from typing import Any

from kg.knowledge.sources import DATA_DIR
from kg.reasoning import safety_report
from kg.store import GraphStore
from tests.reasoning.conftest import alerts_of, concept_codes

CLOPIDOGREL, VORICONAZOLE = "32968", "121243"


def _pgx(store: GraphStore, pid: str, drug: str) -> Any:
    [alert] = alerts_of(safety_report(store, pid), "pgx", drug)
    return alert


def test_clopidogrel_population_follows_the_indication(kb_store: GraphStore, twin: Any) -> None:
    pm = [("CYP2C19", "*2/*2")]
    twin("pop-nvi", meds=[CLOPIDOGREL], genotypes=pm, conditions=concept_codes("stroke_tia")[:1])
    twin("pop-acs", meds=[CLOPIDOGREL], genotypes=pm,
         conditions=concept_codes("myocardial_infarction")[:1])  # fmt: skip
    nvi, acs = _pgx(kb_store, "pop-nvi", "clopidogrel"), _pgx(kb_store, "pop-acs", "clopidogrel")
    assert nvi.detail("population") == "NVI"
    assert nvi.detail("population_basis") == "stroke or TIA on record"
    assert "population NVI, stroke or TIA on record" in nvi.message
    assert "35034351" in nvi.detail("population_citation")
    assert acs.detail("population") == "CVI ACS PCI"


def test_without_an_indication_the_strongest_recommendation_is_shown(
    kb_store: GraphStore, twin: Any
) -> None:
    twin("pop-none", meds=[CLOPIDOGREL], genotypes=[("CYP2C19", "*2/*2")])
    alert = _pgx(kb_store, "pop-none", "clopidogrel")
    assert alert.detail("population_basis") is None
    assert alert.detail("classification") == "Strong"
    assert alert.detail("other_populations")  # the others are listed for the reader


def test_age_picks_the_pediatric_or_the_adult_recommendation(
    kb_store: GraphStore, twin: Any
) -> None:
    pm = [("CYP2C19", "*2/*2")]
    twin("pop-child", age=10, meds=[VORICONAZOLE], genotypes=pm)
    twin("pop-adult", age=40, meds=[VORICONAZOLE], genotypes=pm)
    child = _pgx(kb_store, "pop-child", "voriconazole")
    adult = _pgx(kb_store, "pop-adult", "voriconazole")
    assert child.detail("population") == "pediatrics"
    assert child.detail("population_basis") == "age 10"
    assert adult.detail("population") == "adults"
    assert adult.detail("population_basis") == "age 40"


def test_every_curated_population_names_known_concepts() -> None:
    with (DATA_DIR / "curated/condition_concepts.csv").open(encoding="utf-8") as fh:
        concepts = {r["concept_id"] for r in csv.DictReader(fh)}
    with (DATA_DIR / "curated/pgx_populations.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["test"] == "concept_any":
                assert set(row["value"].split(";")) <= concepts, row["population"]
