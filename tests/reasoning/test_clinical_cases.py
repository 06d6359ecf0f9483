"""The clinical cases of the safety issue, each failing if its rule is missing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kg.reasoning import LabValue, WhatIf, check_drugs, resolve_drugs, safety_report
from kg.store import GraphStore
from tests.reasoning.conftest import NOW, alerts_of, allergen_codes, concept_codes

WARFARIN, IBUPROFEN, DICLOFENAC = "11289", "5640", "3355"
OMEPRAZOLE, PREDNISONE, SPIRONOLACTONE = "7646", "8640", "9997"


def _warfarin_nsaid(store: GraphStore, pid: str) -> Any:
    report = safety_report(store, pid, now=NOW)
    found = [
        a for a in alerts_of(report, "drug_interaction", "warfarin") if "context_rule" in a.basis
    ]
    assert len(found) == 1, [a.key for a in report.alerts]
    return found[0]


def _branch(alert: Any) -> str:
    rule_ids = [e.rule_id for e in alert.evidence if (e.rule_id or "").startswith("PDDI-WARFARIN")]
    assert rule_ids, alert.evidence
    return str(rule_ids[0].split("#", 1)[1])


# --- HL7 PDDI-CDS warfarin + NSAID -----------------------------------------------------------
def test_warfarin_nsaid_without_risk_factors_is_a_warning(kb_store: GraphStore, twin: Any) -> None:
    twin("wn-plain", age=50, meds=[WARFARIN, IBUPROFEN])
    alert = _warfarin_nsaid(kb_store, "wn-plain")
    assert _branch(alert) == "default"
    assert alert.severity == "moderate"
    assert "Assess risk" in alert.management


def test_warfarin_nsaid_with_ppi_is_mitigated(kb_store: GraphStore, twin: Any) -> None:
    twin("wn-ppi", age=70, meds=[WARFARIN, IBUPROFEN, OMEPRAZOLE])
    alert = _warfarin_nsaid(kb_store, "wn-ppi")
    assert _branch(alert) == "gastroprotection"  # before the age branch: order matters
    assert alert.severity == "moderate"
    assert "mitigated" in alert.message


def test_warfarin_nsaid_over_65_is_highest(kb_store: GraphStore, twin: Any) -> None:
    twin("wn-old", age=70, meds=[WARFARIN, IBUPROFEN])
    alert = _warfarin_nsaid(kb_store, "wn-old")
    assert _branch(alert) == "high-risk"
    assert alert.severity == "major"
    assert "benefit outweighs risk" in alert.management


def test_warfarin_nsaid_with_prior_gi_bleed_is_highest(kb_store: GraphStore, twin: Any) -> None:
    twin(
        "wn-gib",
        age=50,
        meds=[WARFARIN, IBUPROFEN],
        conditions=[concept_codes("peptic_ulcer_history")[0]],
    )
    alert = _warfarin_nsaid(kb_store, "wn-gib")
    assert _branch(alert) == "high-risk"
    assert alert.severity == "major"


@pytest.mark.parametrize("comed", [PREDNISONE, SPIRONOLACTONE])
def test_warfarin_nsaid_with_corticosteroid_or_aldosterone_antagonist_is_highest(
    kb_store: GraphStore, twin: Any, comed: str
) -> None:
    twin(f"wn-{comed}", age=50, meds=[WARFARIN, IBUPROFEN, comed])
    alert = _warfarin_nsaid(kb_store, f"wn-{comed}")
    assert _branch(alert) == "high-risk"
    assert alert.severity == "major"


def test_topical_diclofenac_is_minimal(kb_store: GraphStore, twin: Any) -> None:
    twin("wn-top", age=70, meds=[WARFARIN, (DICLOFENAC, "Topical route")])
    alert = _warfarin_nsaid(kb_store, "wn-top")
    assert _branch(alert) == "topical-diclofenac"
    assert alert.severity == "minor"


# --- pharmacogenomics ------------------------------------------------------------------------
def test_clopidogrel_cyp2c19_poor_metabolizer_strong_avoid(kb_store: GraphStore, twin: Any) -> None:
    twin("pgx-clop", meds=["32968"], genotypes=[("CYP2C19", "*2/*2")])
    report = safety_report(kb_store, "pgx-clop", now=NOW)
    [alert] = alerts_of(report, "pgx", "clopidogrel")
    assert alert.detail("classification") == "Strong"
    assert "Avoid clopidogrel" in alert.message
    assert alert.phenotype == "Poor Metabolizer"
    assert alert.severity == "major"
    assert not alert.phenoconverted
    assert any(e.rule_id and e.rule_id.startswith("PharmGKB:") for e in alert.evidence)


def test_codeine_normal_metabolizer_with_paroxetine_is_phenoconverted(
    kb_store: GraphStore, twin: Any
) -> None:
    twin("pgx-cod", meds=["2670", "32937"], genotypes=[("CYP2D6", "*1/*1")])
    report = safety_report(kb_store, "pgx-cod", now=NOW)
    [alert] = alerts_of(report, "pgx", "codeine")
    assert alert.phenoconverted
    assert alert.phenotype == "Poor Metabolizer"
    assert alert.detail("lookup") == ["CYP2D6=0.0"]
    assert "phenoconversion" in alert.message and "paroxetine" in alert.message
    assert "diminished analgesia" in alert.message
    assert alert.severity == "major"


def test_codeine_normal_metabolizer_alone_is_not_converted(kb_store: GraphStore, twin: Any) -> None:
    twin("pgx-cod-nm", meds=["2670"], genotypes=[("CYP2D6", "*1/*1")])
    report = safety_report(kb_store, "pgx-cod-nm", now=NOW)
    [alert] = alerts_of(report, "pgx", "codeine")
    assert not alert.phenoconverted
    assert alert.phenotype == "Normal Metabolizer"
    assert alert.severity == "info"


def test_missing_genotype_gives_a_notice(kb_store: GraphStore, twin: Any) -> None:
    twin("pgx-none", meds=["32968"])
    report = safety_report(kb_store, "pgx-none", now=NOW)
    [alert] = alerts_of(report, "pgx_no_genotype", "clopidogrel")
    assert "CYP2C19" in (alert.gene or "")
    assert alert.severity == "info"
    assert not alerts_of(report, "pgx", "clopidogrel")


def test_no_genomic_consent_withholds_pgx(kb_store: GraphStore, twin: Any) -> None:
    twin("pgx-consent", meds=["32968"], genotypes=[("CYP2C19", "*2/*2")])
    report = safety_report(kb_store, "pgx-consent", now=NOW, allow_genomic=False)
    assert not [a for a in report.alerts if a.kind.startswith("pgx")]
    assert any("clopidogrel" in w for w in report.withheld)


# --- mechanism-based interactions -------------------------------------------------------------
def test_simvastatin_clarithromycin_is_mechanism_based_without_list(
    kb_private: GraphStore,
) -> None:
    kb_store = kb_private
    [(_, simva, _), (_, clari, _)] = resolve_drugs(kb_store, ["simvastatin", "clarithromycin"])
    before = check_drugs(kb_store, ["simvastatin", "clarithromycin"])
    kb_store.write("delete_pair_interactions", {"a_uid": simva, "b_uid": clari})
    after = check_drugs(kb_store, ["simvastatin", "clarithromycin"])
    [alert] = alerts_of(after, "drug_interaction", "simvastatin", "clarithromycin")
    assert "listed" not in alert.basis
    assert "mechanism" in alert.basis
    assert "CYP3A4" in (alert.gene or "").split(", ")
    assert alert.severity == "major"
    paths = [list(alert.path), *alert.detail("paths", [])]
    assert [clari, "INHIBITS", "HGNC:2637", "SUBSTRATE_OF", simva] in paths
    assert alerts_of(before, "drug_interaction", "simvastatin", "clarithromycin")


# --- drug-lab ---------------------------------------------------------------------------------
def test_metformin_with_egfr_25_fires(kb_store: GraphStore, twin: Any) -> None:
    twin("lab-now", meds=["6809"], labs=[("33914-3", 25.0, "2026-10-01")])
    report = safety_report(kb_store, "lab-now", now=NOW)
    [alert] = alerts_of(report, "drug_lab", "metformin")
    assert alert.detail("stale") is False
    assert alert.detail("effective", "").startswith("2026-10-01")
    assert "stale" not in alert.message
    assert alert.severity == "contraindicated"


def test_metformin_with_egfr_25_three_years_ago_is_stale(kb_store: GraphStore, twin: Any) -> None:
    twin("lab-old", meds=["6809"], labs=[("33914-3", 25.0, "2023-10-01")])
    report = safety_report(kb_store, "lab-old", now=NOW)
    [alert] = alerts_of(report, "drug_lab", "metformin")
    assert alert.detail("stale") is True
    assert "stale" in alert.message
    assert alert.detail("age_days") > 365 * 3


def test_what_if_lab_value_replaces_the_latest(kb_store: GraphStore, twin: Any) -> None:
    twin("lab-wi", meds=["6809"], labs=[("33914-3", 70.0, "2026-10-01")])
    assert not alerts_of(safety_report(kb_store, "lab-wi", now=NOW), "drug_lab", "metformin")
    report = safety_report(
        kb_store, "lab-wi", now=NOW, what_if=WhatIf(labs=(LabValue("33914-3", 22.0),))
    )
    assert report.diff is not None
    assert [a.kind for a in report.diff.new if "metformin" in a.drugs].count("drug_lab") == 1


# --- allergies --------------------------------------------------------------------------------
def test_penicillin_allergy_amoxicillin_and_cefalexin(kb_store: GraphStore, twin: Any) -> None:
    twin(
        "allergy", meds=["723", "2231"], allergies=[(allergen_codes("penicillin_class")[0], "high")]
    )
    report = safety_report(kb_store, "allergy", now=NOW)
    [amox] = alerts_of(report, "allergy", "amoxicillin")
    [cef] = alerts_of(report, "allergy", "cephalexin")
    assert "allergen" in amox.basis
    assert amox.severity == "contraindicated"  # criticality high
    assert "cross_reactivity" in cef.basis and "allergen" not in cef.basis
    assert cef.severity_rank < amox.severity_rank
    assert "high" in cef.message  # the allergy's criticality is shown


# --- what-if ----------------------------------------------------------------------------------
def test_what_if_fluconazole_returns_exactly_the_new_alerts(
    kb_store: GraphStore, twin: Any
) -> None:
    from kg.ingest import record_medication

    twin("wi", meds=[WARFARIN, "6809"])
    current = safety_report(kb_store, "wi", now=NOW)
    counts = kb_store.read("count_twin_graph")
    hypo = safety_report(kb_store, "wi", now=NOW, what_if=WhatIf(add=("fluconazole",)))
    assert hypo.diff is not None
    assert {a.key for a in hypo.diff.new} == {a.key for a in hypo.alerts} - {
        a.key for a in current.alerts
    }
    assert hypo.diff.resolved == ()
    assert alerts_of(hypo, "drug_interaction", "warfarin", "fluconazole")
    assert all("fluconazole" in a.drugs for a in hypo.diff.new)
    # nothing was written: the twin still gives the current report
    assert safety_report(kb_store, "wi", now=NOW) == current
    assert kb_store.read("count_twin_graph") == counts
    # and really prescribing it gives the hypothetical alerts
    record_medication(kb_store, "wi", "fluconazole", start="2026-02-01")
    real = safety_report(kb_store, "wi", now=NOW)
    assert {a.key for a in real.alerts} == {a.key for a in hypo.alerts}


def test_what_if_stop_resolves(kb_store: GraphStore, twin: Any) -> None:
    twin("wi-stop", meds=[WARFARIN, IBUPROFEN])
    report = safety_report(kb_store, "wi-stop", now=NOW, what_if=WhatIf(stop=("ibuprofen",)))
    assert report.diff is not None
    assert any("ibuprofen" in a.drugs for a in report.diff.resolved)
    assert not any("ibuprofen" in a.drugs for a in report.alerts)


def test_report_to_dict_has_the_cli_json_shape(kb_store: GraphStore, twin: Any) -> None:
    twin("shape", meds=[WARFARIN, IBUPROFEN])
    data = json.loads(json.dumps(safety_report(kb_store, "shape", now=NOW).to_dict()))
    assert set(data) >= {"alerts", "not_checked"}
    for a in data["alerts"]:
        assert set(a) >= {"kind", "severity", "drugs", "message", "management", "evidence", "path"}
        assert all(isinstance(n, str) for n in a["drugs"])
