"""Criteria, scores and current-step logic on twins built as facts (no store).

The warfarin flow's genotype branch is tested here on facts, and on a live twin with VKORC1
and CYP2C9 calls in ``test_care.py``.
"""

from __future__ import annotations

from typing import Any

import pytest

from kg.reasoning.pathways.criteria import ScoreValue, evaluate
from kg.reasoning.pathways.evaluate import _evaluate, _SafetyCache
from kg.reasoning.pathways.files import read_pathways
from kg.reasoning.pathways.model import Criterion, Pathway
from kg.reasoning.pathways.scores import compute_scores
from kg.reasoning.pathways.twin import LabPoint, TwinFacts, epoch_of

NOW = epoch_of("2026-09-30")


def facts(**kw: Any) -> TwinFacts:
    base: dict[str, Any] = {
        "uid": "Patient/f",
        "now_epoch": NOW,
        "birth_date": "1960-06-01",
        "sex": "male",
        "active_concepts": {},
        "history_concepts": {},
        "drugs": {},
        "classes": {},
        "genotypes": {},
        "labs": {},
    }
    base.update(kw)
    concepts = base["active_concepts"]
    base["history_concepts"] = {**concepts, **base["history_concepts"]}
    return TwinFacts(**base)


def pathway(pid: str) -> Pathway:
    pathways, _ = read_pathways(None)
    return next(p for p in pathways if p.id == pid)


def run(pid: str, f: TwinFacts) -> dict[str, Any]:
    return _evaluate(
        pathway(pid),
        f,
        _SafetyCache(None, f.uid, None, False),  # type: ignore[arg-type]
        "2026-09-30",
        f.uid,
    ).to_dict()


def test_lab_criterion_reports_value_date_and_staleness() -> None:
    c = Criterion(type="lab", loinc=("LOINC:33914-3",), op="<", value=45.0, max_age_days=365)
    fresh = facts(labs={"33914-3": (LabPoint("33914-3", 41.0, NOW - 86400, "2026-09-29"),)})
    res = evaluate(c, fresh)
    assert res is not None and res.holds is True and res.data == ("eGFR 41 on 2026-09-29",)
    stale = facts(labs={"33914-3": (LabPoint("33914-3", 41.0, NOW - 800 * 86400, "2024-07-22"),)})
    res = evaluate(c, stale)
    assert res is not None and res.holds is None and "older than 365 days" in res.data[0]
    res = evaluate(c, facts())
    assert res is not None and res.holds is None and res.data == ("no eGFR result on record",)


def test_phenotype_missing_is_unknown_unless_declared() -> None:
    pm = Criterion(type="phenotype", gene="CYP2C19", phenotypes=("Poor Metabolizer",))
    not_pm = Criterion(
        type="phenotype",
        gene="CYP2C19",
        phenotypes=("Poor Metabolizer",),
        present=False,
        missing="holds",
    )
    none = facts()
    assert evaluate(pm, none).holds is None  # type: ignore[union-attr]
    assert evaluate(not_pm, none).holds is True  # type: ignore[union-attr]
    g = facts(
        genotypes={
            "CYP2C19": {"gene": "CYP2C19", "diplotype": "*2/*2", "phenotype": "Poor Metabolizer"}
        }
    )
    res = evaluate(pm, g)
    assert (
        res is not None and res.holds is True and res.data == ("CYP2C19 *2/*2: Poor Metabolizer",)
    )
    assert evaluate(not_pm, g).holds is False  # type: ignore[union-attr]


def test_score_range_decides_only_when_unknowns_cannot_change_it() -> None:
    c = Criterion(type="score", score="s", op=">=", value=2.0)
    assert evaluate(c, facts(), {"s": ScoreValue(2, 3)}).holds is True  # type: ignore[union-attr]
    assert evaluate(c, facts(), {"s": ScoreValue(1, 2)}).holds is None  # type: ignore[union-attr]
    assert evaluate(c, facts(), {"s": ScoreValue(0, 1)}).holds is False  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("age_birth", "sex", "concepts", "expected", "items"),
    [
        ("1990-01-01", "male", [], 0, set()),
        ("1954-01-01", "female", ["concept:hypertension"], 3, {"H", "A", "Sc"}),
        (
            "1945-01-01",
            "male",
            [
                "concept:heart_failure",
                "concept:diabetes_any",
                "concept:stroke_tia_thromboembolism",
                "concept:vascular_disease",
            ],
            7,
            {"C", "A2", "D", "S2", "V"},
        ),
    ],
)
def test_cha2ds2_vasc(
    age_birth: str, sex: str, concepts: list[str], expected: int, items: set[str]
) -> None:
    f = facts(birth_date=age_birth, sex=sex, active_concepts={c: ("x",) for c in concepts})
    (score,) = compute_scores(pathway("atrial_fibrillation"), f)
    assert score.value == expected and score.complete
    assert {i.id for i in score.inputs if i.result.holds} == items
    assert sum(i.points for i in score.inputs if i.result.holds) == expected


def test_cha2ds2_vasc_without_sex_is_a_range() -> None:
    f = facts(sex=None, birth_date="1990-01-01", active_concepts={"concept:hypertension": ("x",)})
    (score,) = compute_scores(pathway("atrial_fibrillation"), f)
    assert (score.value, score.max_value, score.complete) == (1, 2, False)


def test_warfarin_flow_without_genotype_doses_clinically() -> None:
    f = facts(
        drugs={"RxNorm:11289": "warfarin"}, classes={"kgtwin:VitaminKAntagonist": ("warfarin",)}
    )
    d = run("warfarin_dosing", f)
    assert d["current_step"]["path"] == ["n0", "n3"]
    assert d["current_step"]["title"].startswith("Dose clinically")


WARFARIN_GENOTYPED = {
    "drugs": {"RxNorm:11289": "warfarin"},
    "classes": {"kgtwin:VitaminKAntagonist": ("warfarin",)},
    "genotypes": {
        "VKORC1": {"gene": "VKORC1", "diplotype": "rs9923231 reference (C)/rs9923231 variant (T)"},
        "CYP2C9": {"gene": "CYP2C9", "diplotype": "*1/*3", "phenotype": "Intermediate Metabolizer"},
    },
}


def test_warfarin_flow_with_genotype_but_no_race_stops_at_ancestry() -> None:
    for race in ((), ("UNK",), ("ASKU",)):
        d = run("warfarin_dosing", facts(**WARFARIN_GENOTYPED, race_codes=race))
        assert d["current_step"]["path"] == ["n0", "n4"]
        undetermined = {s["id"]: s["data"] for s in d["undetermined_steps"]}
        assert set(undetermined) == {"n5", "n8"}
        assert undetermined["n5"] == ["self-identified race is not recorded"]


def test_warfarin_flow_non_african_ancestry_reaches_the_dose_algorithm() -> None:
    d = run(
        "warfarin_dosing", facts(**WARFARIN_GENOTYPED, race_codes=("2106-3",), race_text="White")
    )
    path = d["current_step"]["path"]
    assert path[:4] == ["n0", "n4", "n5", "n1"], path
    assert "n8" not in {s["id"] for s in d["undetermined_steps"]}


def test_warfarin_flow_african_ancestry_asks_which_cyp2c9_alleles_were_tested() -> None:
    f = facts(**WARFARIN_GENOTYPED, race_codes=("2054-5",), race_text="Black or African American")
    d = run("warfarin_dosing", f)
    assert d["current_step"]["path"] == ["n0", "n4", "n8", "n9"]
    undetermined = {s["id"]: s["data"] for s in d["undetermined_steps"]}
    assert "CYP2C9*5, *6, *8 and *11 tested is not recorded on the twin" in undetermined["n11"]
    # several races: African ancestry when any of them is Black or African American
    both = facts(**WARFARIN_GENOTYPED, race_codes=("2106-3", "2054-5"))
    assert run("warfarin_dosing", both)["current_step"]["path"][:3] == ["n0", "n4", "n8"]


def test_current_step_prefers_stable_entry_then_depth() -> None:
    # sertraline without genotype: standard SSRI step, not the genotype-guided ones
    f = facts(
        active_concepts={"concept:depression": ("MDD",)},
        drugs={"RxNorm:36437": "sertraline"},
        classes={"kgtwin:SSRI": ("sertraline",), "kgtwin:Antidepressant": ("sertraline",)},
    )
    assert run("antidepressant_selection", f)["current_step"]["id"] == "ssri_standard"
    g = facts(
        active_concepts={"concept:depression": ("MDD",)},
        drugs={"RxNorm:36437": "sertraline"},
        classes={"kgtwin:SSRI": ("sertraline",), "kgtwin:Antidepressant": ("sertraline",)},
        genotypes={"CYP2C19": {"gene": "CYP2C19", "phenotype": "Poor Metabolizer"}},
    )
    assert run("antidepressant_selection", g)["current_step"]["id"] == "cyp2c19_guided"
    # three antihypertensive classes: triple therapy whatever the BP now
    h = facts(
        active_concepts={"concept:hypertension": ("HTN",)},
        drugs={
            "RxNorm:29046": "lisinopril",
            "RxNorm:17767": "amlodipine",
            "RxNorm:2409": "chlorthalidone",
        },
        classes={
            "kgtwin:ACEInhibitor": ("lisinopril",),
            "kgtwin:RAASInhibitor": ("lisinopril",),
            "kgtwin:CalciumChannelBlocker": ("amlodipine",),
            "kgtwin:ThiazideDiuretic": ("chlorthalidone",),
        },
    )
    assert run("hypertension", h)["current_step"]["id"] == "triple_therapy"


def test_pathway_does_not_apply_without_its_condition() -> None:
    d = run("atrial_fibrillation", facts())
    assert d["applicable"] is False and d["current_step"] is None
