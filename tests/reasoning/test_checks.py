"""The other checks: additive risks, duplicates, conditions, renal dosing, not-checked, as-of."""

from __future__ import annotations

from typing import Any

import pytest

from kg.errors import NotFound
from kg.reasoning import check_drugs, pgx_report, resolve_drugs, safety_report
from kg.store import GraphStore
from tests.reasoning.conftest import NOW, alerts_of, concept_codes, group_members


def test_resolve_drugs_by_name_code_and_uid(kb_store: GraphStore) -> None:
    got = resolve_drugs(kb_store, ["Warfarin", "11289", "RxNorm:11289"])
    assert [(u, n) for _, u, n in got] == [("RxNorm:11289", "warfarin")] * 3


def test_unknown_drug_suggests_the_closest_names(kb_store: GraphStore) -> None:
    with pytest.raises(NotFound, match=r"Unknown drug 'warfrin' \(closest: warfarin"):
        resolve_drugs(kb_store, ["warfrin"])


def test_additive_qt_risk_counts_the_drugs(kb_store: GraphStore) -> None:
    qt = group_members("QTProlongingDrug")
    known = {n for _, _, n in resolve_drugs(kb_store, qt[:6])}
    picked = sorted(known)[:3]
    report = check_drugs(kb_store, picked)
    [alert] = [a for a in report.alerts if a.key == "additive_risk:kgtwin:QTProlongingDrug"]
    assert alert.detail("count") == 3
    assert set(alert.drugs) == set(picked)
    assert alert.severity == "major"
    assert "kgtwin:QTProlongingDrug" in alert.path


def test_anticholinergic_burden_sums_weights(kb_store: GraphStore) -> None:
    # warfarin and prednisone score 1 each on the ACB scale: below the threshold of 3
    low = check_drugs(kb_store, ["warfarin", "prednisone"])
    assert not [a for a in low.alerts if a.key == "additive_risk:kgtwin:AnticholinergicDrug"]
    high = check_drugs(kb_store, ["warfarin", "prednisone", "paroxetine"])
    [alert] = [a for a in high.alerts if a.key == "additive_risk:kgtwin:AnticholinergicDrug"]
    assert alert.detail("score") == 5.0


def test_duplicate_class(kb_store: GraphStore) -> None:
    report = check_drugs(kb_store, ["ibuprofen", "naproxen"])
    [alert] = [a for a in report.alerts if a.key == "duplicate_therapy:kgtwin:NSAID"]
    assert set(alert.drugs) == {"ibuprofen", "naproxen"}


def test_duplicate_ingredient_in_two_medications(kb_store: GraphStore, twin: Any) -> None:
    # a hydrocodone/acetaminophen product plus plain acetaminophen
    twin("dup", meds=["857005", "161"])
    report = safety_report(kb_store, "dup", now=NOW)
    [alert] = alerts_of(report, "duplicate_therapy", "acetaminophen")
    assert "same_ingredient" in alert.basis


def test_nsaid_in_heart_failure(kb_store: GraphStore, twin: Any) -> None:
    twin("hf", meds=["5640"], conditions=[concept_codes("heart_failure")[0]])
    report = safety_report(kb_store, "hf", now=NOW)
    found = alerts_of(report, "drug_condition", "ibuprofen")
    assert any("Heart failure" in (a.condition or "") for a in found)
    assert all(a.evidence and a.evidence[0].citation for a in found)


def test_renal_dose_band(kb_store: GraphStore, twin: Any) -> None:
    twin("renal", meds=["25480"], labs=[("33914-3", 40.0, "2026-10-01")])
    report = safety_report(kb_store, "renal", now=NOW)
    [alert] = alerts_of(report, "renal_dose", "gabapentin")
    assert alert.detail("egfr") == 40.0 and alert.detail("action") == "reduce_dose"
    assert "30-60" in alert.message


def test_unmapped_medication_is_not_checked(kb_store: GraphStore, twin: Any) -> None:
    twin("unmapped", meds=["11289", "999999999"])
    report = safety_report(kb_store, "unmapped", now=NOW)
    assert [n.code for n in report.not_checked] == ["999999999"]
    assert ("RxNorm:11289", "warfarin") in report.drugs


def test_as_of_uses_the_medications_active_then(kb_store: GraphStore, twin: Any) -> None:
    from kg.ingest import record_medication

    twin("asof", meds=["11289"], start="2025-01-01")
    record_medication(kb_store, "asof", "fluconazole", start="2026-06-01")
    before = safety_report(kb_store, "asof", as_of="2026-01-01", now=NOW)
    after = safety_report(kb_store, "asof", now=NOW)
    assert not alerts_of(before, "drug_interaction", "warfarin", "fluconazole")
    assert alerts_of(after, "drug_interaction", "warfarin", "fluconazole")
    assert before.as_of == "2026-01-01"


def test_pgx_report_lists_converted_genes(kb_store: GraphStore, twin: Any) -> None:
    twin("pgxr", meds=["32937"], genotypes=[("CYP2D6", "*1/*1")])
    report = pgx_report(kb_store, "pgxr", "codeine")
    [gene] = [g for g in report.genes if g.gene == "CYP2D6"]
    assert gene.phenoconverted and gene.converted_key == "0.0"
    assert [a.drugs for a in report.alerts] == [("codeine",)]


def test_unknown_patient(kb_store: GraphStore) -> None:
    with pytest.raises(NotFound, match="nobody"):
        safety_report(kb_store, "nobody")


def test_inhibited_prodrug_loses_effect(kb_store: GraphStore) -> None:
    report = check_drugs(kb_store, ["codeine", "paroxetine"])
    [alert] = alerts_of(report, "drug_interaction", "codeine", "paroxetine")
    assert "mechanism" in alert.basis
    assert "loss of codeine effect" in alert.message
    assert "rise" not in alert.message


def test_resolve_a_product_code_to_its_ingredients(kb_store: GraphStore) -> None:
    got = resolve_drugs(kb_store, ["857005"])  # acetaminophen / hydrocodone oral tablet
    assert {n for _, _, n in got} == {"acetaminophen", "hydrocodone"}
    assert {i for i, _, _ in got} == {"857005"}


def test_class_rule_reaches_a_subclass_member(kb_store: GraphStore) -> None:
    # a COX-2 selective NSAID is a member of the NSAID class only through its subclass
    coxib = group_members("COX2SelectiveNSAID")[0]
    assert coxib not in group_members("NSAID")
    report = check_drugs(kb_store, ["warfarin", coxib])
    [alert] = alerts_of(report, "drug_interaction", "warfarin", coxib)
    assert "context_rule" in alert.basis
    assert any(e.rule_id == "PDDI-WARFARIN-NSAID#default" for e in alert.evidence)
