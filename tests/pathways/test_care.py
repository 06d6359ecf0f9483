"""One test per pathway branch, on twins ingested through the live-twin API."""

from __future__ import annotations

from typing import Any

import pytest

from kg.errors import NotFound
from kg.reasoning.pathways import PathwayResult, care_pathway, care_pathways
from kg.store import GraphStore
from tests.pathways.twins import make_twin

NOW = "2026-10-01"
EGFR, HBA1C, SBP, DBP, LDL = "33914-3", "4548-4", "8480-6", "8462-4", "18262-6"
T2D, HTN, AF, HF, CKD3, MI, PAD, DEPR = (
    "44054006",
    "38341003",
    "49436004",
    "84114007",
    "433144002",
    "22298006",
    "399957001",
    "35489007",
)
METFORMIN, SEMAGLUTIDE, LISINOPRIL, AMLODIPINE, CHLORTHALIDONE = (
    "6809",
    "1991302",
    "29046",
    "17767",
    "2409",
)
APIXABAN, FLUVASTATIN = "1364430", "41127"


def egfr(value: float, date: str = "2026-09-30") -> tuple[str, float, str, str]:
    return (EGFR, value, "mL/min/{1.73_m2}", date)


def lab(code: str, value: float, date: str = "2026-09-15") -> tuple[str, float, str, str]:
    unit = {HBA1C: "%", SBP: "mm[Hg]", DBP: "mm[Hg]", LDL: "mg/dL"}[code]
    return (code, value, unit, date)


def show(store: GraphStore, pid: str, pathway: str, **twin: Any) -> dict[str, Any]:
    make_twin(store, pid, **twin)
    result = care_pathway(store, pid, pathway, now=NOW)
    assert isinstance(result, PathwayResult)
    d = result.to_dict()
    assert d["applicable"], d["applies"]
    return d


def steps(d: dict[str, Any], bucket: str = "next_steps") -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in d[bucket]}


# -- type 2 diabetes ----------------------------------------------------------------------
def test_t2d_metformin_first(pw_store: GraphStore) -> None:
    d = show(pw_store, "t2d-1", "type2_diabetes", conditions=[T2D], labs=[egfr(72)])
    assert d["current_step"]["id"] == "assess"
    metformin = steps(d)["metformin"]
    assert "eGFR 72 on 2026-09-30" in metformin["data"]
    assert [(o["drug"], o["status"]) for o in metformin["options"]] == [("metformin", "open")]
    assert "sglt2i_cardiorenal" in {s["id"] for s in d["not_met_steps"]}


def test_t2d_sglt2i_for_heart_failure(pw_store: GraphStore) -> None:
    d = show(
        pw_store, "t2d-2", "type2_diabetes", conditions=[T2D, HF], meds=[METFORMIN], labs=[egfr(62)]
    )
    assert d["current_step"]["id"] == "metformin"
    assert d["current_step"]["basis"] == ["on metformin"]
    sglt2 = steps(d)["sglt2i_cardiorenal"]
    assert any("since 2015-01-01" in x for x in sglt2["data"])
    assert {o["drug"] for o in sglt2["options"]} >= {"empagliflozin", "dapagliflozin"}


def test_t2d_glp1ra_for_ascvd(pw_store: GraphStore) -> None:
    d = show(
        pw_store, "t2d-3", "type2_diabetes", conditions=[T2D, MI], meds=[METFORMIN], labs=[egfr(80)]
    )
    assert {"glp1ra_cardiorenal", "sglt2i_cardiorenal"} <= set(steps(d))


def test_t2d_insulin_when_hba1c_stays_high_on_glp1ra(pw_store: GraphStore) -> None:
    d = show(
        pw_store,
        "t2d-4",
        "type2_diabetes",
        conditions=[T2D],
        meds=[SEMAGLUTIDE],
        labs=[egfr(80), lab(HBA1C, 8.6)],
    )
    assert d["current_step"]["id"] == "glp1ra_cardiorenal"
    assert "HbA1c 8.6 on 2026-09-15" in steps(d)["insulin"]["data"]


def test_t2d_metformin_dose_review_with_forecast(pw_store: GraphStore) -> None:
    history = [egfr(58, "2025-09-30"), egfr(53, "2026-01-30"), egfr(47, "2026-05-30"), egfr(41)]
    d = show(pw_store, "t2d-5", "type2_diabetes", conditions=[T2D], meds=[METFORMIN], labs=history)
    assert d["current_step"]["id"] == "metformin"
    assert "eGFR 41 on 2026-09-30" in steps(d)["metformin_dose_review"]["data"]
    fc = next(f for f in d["forecasts"] if f["id"] == "egfr")
    assert fc["status"] == "ok" and fc["n_points"] == 4 and fc["slope_per_year"] < -10
    crossing = {c["threshold"]: c for c in fc["crossings"]}
    assert crossing[45.0]["status"] == "already_crossed"
    assert crossing[30.0]["status"] == "expected" and 6 < crossing[30.0]["months"] < 14
    assert "stop metformin due in about" in crossing[30.0]["message"]


def test_t2d_metformin_stop_and_too_few_points(pw_store: GraphStore) -> None:
    d = show(
        pw_store, "t2d-6", "type2_diabetes", conditions=[T2D], meds=[METFORMIN], labs=[egfr(27)]
    )
    assert "eGFR 27 on 2026-09-30" in steps(d)["metformin_stop"]["data"]
    fc = next(f for f in d["forecasts"] if f["id"] == "egfr")
    assert fc["status"] == "insufficient_data" and "1 eGFR result" in fc["message"]


def test_t2d_without_egfr_is_undetermined(pw_store: GraphStore) -> None:
    d = show(pw_store, "t2d-7", "type2_diabetes", conditions=[T2D])
    und = steps(d, "undetermined_steps")
    assert "no eGFR result on record" in und["metformin"]["data"]


# -- hypertension -------------------------------------------------------------------------
def test_htn_acei_or_arb_with_diabetes(pw_store: GraphStore) -> None:
    d = show(pw_store, "htn-1", "hypertension", conditions=[HTN, T2D])
    assert {"acei_or_arb", "ccb", "thiazide"} <= set(steps(d))
    assert steps(d)["acei_or_arb"]["data"]


def test_htn_two_drugs_at_start_when_far_above_goal(pw_store: GraphStore) -> None:
    d = show(
        pw_store, "htn-2", "hypertension", conditions=[HTN], labs=[lab(SBP, 158), lab(DBP, 92)]
    )
    assert "systolic BP 158 on 2026-09-15" in steps(d)["dual_therapy"]["data"]


def test_htn_step_up_to_triple_adds_only_the_missing_class(pw_store: GraphStore) -> None:
    d = show(
        pw_store,
        "htn-3",
        "hypertension",
        conditions=[HTN],
        meds=[LISINOPRIL, AMLODIPINE],
        labs=[lab(SBP, 142), lab(DBP, 84)],
    )
    assert d["current_step"]["id"] == "dual_therapy"
    triple = steps(d)["triple_therapy"]
    assert {o["drug"] for o in triple["options"]} == {"chlorthalidone", "hydrochlorothiazide"}


def test_htn_resistant_after_triple(pw_store: GraphStore) -> None:
    d = show(
        pw_store,
        "htn-4",
        "hypertension",
        conditions=[HTN],
        meds=[LISINOPRIL, AMLODIPINE, CHLORTHALIDONE],
        labs=[lab(SBP, 141), lab(DBP, 79)],
    )
    assert d["current_step"]["id"] == "triple_therapy"
    assert "resistant_add_mra" in steps(d)


def test_htn_at_goal(pw_store: GraphStore) -> None:
    d = show(
        pw_store,
        "htn-5",
        "hypertension",
        conditions=[HTN],
        meds=[LISINOPRIL],
        labs=[lab(SBP, 122), lab(DBP, 76)],
    )
    assert d["current_step"]["id"] == "acei_or_arb"
    assert set(steps(d)) == {"bp_at_goal"}


# -- atrial fibrillation -------------------------------------------------------------------
def test_af_low_risk_no_anticoagulation(pw_store: GraphStore) -> None:
    d = show(pw_store, "af-1", "atrial_fibrillation", conditions=[AF], birth_date="1980-02-01")
    assert d["scores"][0]["value"] == 0
    assert d["current_step"]["path"] == ["assess", "no_anticoagulation"]
    assert d["next_steps"] == [] and d["blocked_steps"] == []


def test_af_intermediate_risk_considers_anticoagulation(pw_store: GraphStore) -> None:
    d = show(pw_store, "af-2", "atrial_fibrillation", conditions=[AF, HTN], birth_date="1980-02-01")
    assert d["scores"][0]["value"] == 1
    assert d["current_step"]["path"] == ["assess", "consider_anticoagulation"]
    assert "doac" in steps(d)


def test_af_high_risk_doac_with_score_inputs(pw_store: GraphStore) -> None:
    d = show(
        pw_store,
        "af-3",
        "atrial_fibrillation",
        conditions=[AF],
        birth_date="1949-05-01",
        sex="female",
    )
    score = d["scores"][0]
    assert score["name"] == "CHA2DS2-VASc" and score["value"] == 3 and score["complete"]
    counted = {i["id"]: i["counted"] for i in score["inputs"] if i["counted"]}
    assert counted == {"A2": 2, "Sc": 1}
    assert "age 77" in next(i for i in score["inputs"] if i["id"] == "A2")["data"]
    doac = steps(d)["doac"]
    assert "cha2ds2_vasc 3" in doac["data"] and "sex female" in doac["data"]
    assert {o["drug"] for o in doac["options"]} >= {"apixaban", "rivaroxaban"}


def test_af_mechanical_valve_warfarin_with_dosing_subpathway(pw_store: GraphStore) -> None:
    make_twin(pw_store, "af-4", conditions=[AF, HTN, "ICD10:Z95.2"], birth_date="1950-01-01")
    results = {r.pathway_id: r.to_dict() for r in care_pathways(pw_store, "af-4", now=NOW)}
    af = results["atrial_fibrillation"]
    assert set(steps(af)) == {"warfarin"}
    assert steps(af)["warfarin"]["sub_pathway"] == "warfarin_dosing"
    assert "doac" in {s["id"] for s in af["not_met_steps"]}
    flow = results["warfarin_dosing"]
    assert flow["current_step"]["path"] == [
        "n0",
        "n3",
    ]  # no VKORC1/CYP2C9 genotype: dose clinically


def test_warfarin_flow_takes_the_genotype_branch_for_a_genotyped_twin(pw_store: GraphStore) -> None:
    """VKORC1 (written on the gene strand) and CYP2C9 calls on a live twin: the CPIC flow
    leaves "dose clinically"; without a recorded race it stops at ancestry, with the US Core
    race of the FHIR Patient it goes on to the dose algorithm."""
    genotypes = [("VKORC1", "-1639G/A"), ("CYP2C9", "*1/*3")]
    conditions = [AF, HTN, "ICD10:Z95.2"]
    make_twin(pw_store, "af-7", conditions=conditions, birth_date="1950-01-01", genotypes=genotypes)
    make_twin(
        pw_store, "af-8", conditions=conditions, birth_date="1950-01-01", genotypes=genotypes,
        race=("2106-3", "White"),
    )  # fmt: skip
    flow = {r.pathway_id: r.to_dict() for r in care_pathways(pw_store, "af-7", now=NOW)}[
        "warfarin_dosing"
    ]
    assert flow["current_step"]["path"] == ["n0", "n4"]
    undetermined = {s["id"] for s in flow["undetermined_steps"]}
    assert undetermined == {"n5", "n8"}
    flow = {r.pathway_id: r.to_dict() for r in care_pathways(pw_store, "af-8", now=NOW)}[
        "warfarin_dosing"
    ]
    assert flow["current_step"]["path"][:4] == ["n0", "n4", "n5", "n1"]


def test_af_on_doac_reviews_kidney_function(pw_store: GraphStore) -> None:
    d = show(
        pw_store,
        "af-5",
        "atrial_fibrillation",
        conditions=[AF, HTN],
        meds=[APIXABAN],
        birth_date="1950-01-01",
    )
    assert d["current_step"]["id"] == "doac"
    assert "doac_renal_review" in steps(d)


# -- statins ------------------------------------------------------------------------------
def test_statin_high_intensity_for_ascvd(pw_store: GraphStore) -> None:
    d = show(pw_store, "st-1", "statin_therapy", conditions=[MI])
    assert "high_intensity" in steps(d)
    assert "slco1b1_guided" in {s["id"] for s in d["undetermined_steps"]}


def test_statin_moderate_intensity_for_diabetes(pw_store: GraphStore) -> None:
    d = show(pw_store, "st-2", "statin_therapy", conditions=[T2D], birth_date="1970-01-01")
    assert "moderate_intensity" in steps(d)
    assert "age 56" in steps(d)["moderate_intensity"]["data"]


def test_statin_slco1b1_poor_function_guides_the_agent(pw_store: GraphStore) -> None:
    d = show(pw_store, "st-3", "statin_therapy", conditions=[MI], genotypes=[("SLCO1B1", "*5/*5")])
    assert "slco1b1_guided" in steps(d)
    assert "high_intensity" in {s["id"] for s in d["not_met_steps"]}
    assert any("SLCO1B1" in x and "Poor Function" in x for x in steps(d)["slco1b1_guided"]["data"])


def test_statin_cyp2c9_poor_metabolizer_on_fluvastatin(pw_store: GraphStore) -> None:
    d = show(
        pw_store,
        "st-4",
        "statin_therapy",
        conditions=[T2D],
        meds=[FLUVASTATIN],
        birth_date="1965-01-01",
        genotypes=[("CYP2C9", "*3/*3")],
    )
    assert d["current_step"]["id"] == "moderate_intensity"
    assert "cyp2c9_guided" in steps(d)


# -- antidepressants ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("genotypes", "expected", "absent"),
    [
        ([], "ssri_standard", "cyp2c19_guided"),
        ([("CYP2C19", "*2/*2")], "cyp2c19_guided", "ssri_standard"),
        ([("CYP2D6", "*4/*4")], "cyp2d6_guided", "ssri_standard"),
        ([("CYP2C19", "*2/*2"), ("CYP2D6", "*4/*4")], "non_ssri_alternative", "cyp2d6_guided"),
    ],
)
def test_antidepressant_branches(
    pw_store: GraphStore, genotypes: list[tuple[str, str]], expected: str, absent: str
) -> None:
    d = show(
        pw_store,
        f"ad-{expected}",
        "antidepressant_selection",
        conditions=[DEPR],
        genotypes=genotypes,
    )
    assert expected in steps(d)
    assert absent not in steps(d)
    if not genotypes:
        assert "CYP2C19 genotype not available" in steps(d)[expected]["data"]


# -- the API surface ----------------------------------------------------------------------
def test_care_pathways_lists_only_applicable_pathways(pw_store: GraphStore) -> None:
    make_twin(pw_store, "api-1", conditions=[T2D, HTN])
    ids = [r.pathway_id for r in care_pathways(pw_store, "Patient/api-1", now=NOW)]
    assert ids == ["hypertension", "statin_therapy", "type2_diabetes"]
    with pytest.raises(NotFound, match="Unknown pathway 'asthma'"):
        care_pathway(pw_store, "api-1", "asthma")
    with pytest.raises(NotFound, match="no twin"):
        care_pathways(pw_store, "nobody")


class _Borrowed:
    """The test store for the CLI, which closes what it opens."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def __enter__(self) -> GraphStore:
        return self.store

    def __exit__(self, *exc: object) -> None:
        return None


def test_cli_show(
    pw_store: GraphStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    import kg.cli.pathways as cli
    from kg.cli import main

    make_twin(pw_store, "cli-1", conditions=[T2D], meds=[METFORMIN], labs=[egfr(41)])
    monkeypatch.setattr(cli, "store_from_args", lambda args: _Borrowed(pw_store))
    assert main(["pathway", "show", "cli-1", "--now", NOW]) == 0
    out = capsys.readouterr().out
    assert "current: Metformin (first-line) [on metformin]" in out
    assert "next: Metformin dose review (eGFR below 45)  <- eGFR 41 on 2026-09-30" in out
    assert (
        main(["pathway", "show", "cli-1", "--pathway", "type2_diabetes", "--json", "--now", NOW])
        == 0
    )
    (result,) = json.loads(capsys.readouterr().out)["pathways"]
    assert result["current_step"]["id"] == "metformin"
