"""``check_pathways``: the project's pathways are valid; broken copies give named errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.reasoning.pathways import PathwayProblem, check_pathways
from kg.reasoning.pathways.files import default_pathway_dir, read_pathways

PATHWAYS = default_pathway_dir()
EXPECTED = {
    "type2_diabetes",
    "hypertension",
    "atrial_fibrillation",
    "warfarin_dosing",
    "statin_therapy",
    "antidepressant_selection",
}


def test_project_pathways_are_valid() -> None:
    pathways, _ = read_pathways(None)
    assert {p.id for p in pathways} == EXPECTED
    assert check_pathways() == []


def test_every_step_and_transition_cites_a_declared_source() -> None:
    pathways, _ = read_pathways(None)
    for pw in pathways:
        keys = {s.key for s in pw.sources}
        assert keys, pw.id
        assert all(s.source in keys for s in pw.steps), pw.id
        assert all(t.source in keys for t in pw.transitions), pw.id
        assert all(s.citation and (s.pmid or s.doi or s.url) for s in pw.sources), pw.id


def _broken(tmp_path: Path, name: str, change: Any) -> list[PathwayProblem]:
    data = json.loads((PATHWAYS / f"{name}.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return check_pathways([path])


def _transition(data: dict[str, Any], src: str, dst: str) -> dict[str, Any]:
    return next(t for t in data["transitions"] if t["from"] == src and t["to"] == dst)


def test_cycle_is_reported_unless_declared(tmp_path: Path) -> None:
    def add_cycle(d: dict[str, Any]) -> None:
        d["transitions"].append(
            {"from": "dual_therapy", "to": "assess", "source": "acc_aha_2017", "criteria": []}
        )

    problems = _broken(tmp_path, "hypertension", add_cycle)
    cycles = [p for p in problems if "cycle" in p.message]
    assert cycles and all(p.pathway == "hypertension" for p in cycles)
    assert any("dual_therapy" in p.message and "assess" in p.message for p in cycles)

    def declare(d: dict[str, Any]) -> None:
        add_cycle(d)
        d["cycles_allowed"] = True

    assert not [p for p in _broken(tmp_path, "hypertension", declare) if "cycle" in p.message]


def test_unreachable_step_and_dead_end_are_named(tmp_path: Path) -> None:
    def orphan(d: dict[str, Any]) -> None:
        d["steps"].append(
            {"id": "orphan", "kind": "review", "title": "x", "source": "acc_aha_2017"}
        )

    problems = _broken(tmp_path, "hypertension", orphan)
    by_msg = {(p.step, p.message.split(":")[0]) for p in problems}
    assert ("orphan", "not reachable from the start step 'assess'") in by_msg
    assert ("orphan", "dead end") in by_msg


def test_removing_an_end_flag_makes_a_dead_end(tmp_path: Path) -> None:
    def unend(d: dict[str, Any]) -> None:
        next(s for s in d["steps"] if s["id"] == "insulin")["end"] = False

    problems = _broken(tmp_path, "type2_diabetes", unend)
    assert [(p.pathway, p.step) for p in problems if "dead end" in p.message] == [
        ("type2_diabetes", "insulin")
    ]


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("concept", "concept:heart_failur", "concept 'concept:heart_failur' is not in"),
        ("class", "kgtwin:SGLT2Inhibitors", "drug class 'kgtwin:SGLT2Inhibitors'"),
    ],
)
def test_unknown_code_names_pathway_step_and_criterion(
    tmp_path: Path, field: str, value: str, fragment: str
) -> None:
    def break_it(d: dict[str, Any]) -> None:
        t = _transition(d, "assess", "sglt2i_cardiorenal")
        if field == "concept":
            t["criteria"][0]["criteria"][0]["concept"] = value
        else:
            t["criteria"][1]["class"] = value

    problems = _broken(tmp_path, "type2_diabetes", break_it)
    assert len(problems) == 1, problems
    p = problems[0]
    assert (p.pathway, p.step, p.transition) == (
        "type2_diabetes",
        "assess",
        "assess->sglt2i_cardiorenal",
    )
    assert fragment in p.message
    assert p.criterion and p.criterion.startswith("criteria[")
    assert "pathway type2_diabetes, step assess" in str(p)


def test_unknown_loinc_gene_phenotype_drug_and_score(tmp_path: Path) -> None:
    def break_it(d: dict[str, Any]) -> None:
        t = _transition(d, "assess", "cyp2c19_guided")
        t["criteria"][0]["phenotypes"] = ["Slow Metabolizer"]
        t["criteria"][1]["gene"] = "CYP2D7"
        d["steps"][1]["options"].append("RxNorm:999999999")

    messages = [p.message for p in _broken(tmp_path, "antidepressant_selection", break_it)]
    assert any(
        "phenotype 'Slow Metabolizer' is not a CPIC phenotype of CYP2C19" in m for m in messages
    )
    assert any("gene 'CYP2D7'" in m for m in messages)
    assert any("'RxNorm:999999999'" in m for m in messages)

    def break_af(d: dict[str, Any]) -> None:
        d["definitions"]["warfarin_preferred"]["criteria"][1]["loinc"] = ["LOINC:0000-0"]
        d["definitions"]["high_risk"]["criteria"][0]["criteria"][1]["score"] = "chads2"

    messages = [p.message for p in _broken(tmp_path, "atrial_fibrillation", break_af)]
    assert any("LOINC code 'LOINC:0000-0' is not known" in m for m in messages)
    assert any("score 'chads2' is not defined" in m for m in messages)


def test_shape_errors_are_collected(tmp_path: Path) -> None:
    def break_it(d: dict[str, Any]) -> None:
        _transition(d, "assess", "metformin")["criteria"].append({"type": "weather"})
        _transition(d, "metformin", "metformin_stop")["criteria"][0]["op"] = "=<"
        _transition(d, "assess", "insulin")["criteria"].append({"$ref": "nowhere"})
        d["steps"][0]["source"] = "ada2099"

    messages = [str(p) for p in _broken(tmp_path, "type2_diabetes", break_it)]
    assert any("unknown criterion type 'weather'" in m for m in messages)
    assert any("op '=<' is not valid" in m for m in messages)
    assert any("$ref 'nowhere' names no definition" in m for m in messages)
    assert any("step assess: cites source 'ada2099'" in m for m in messages)


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    problems = check_pathways([path])
    assert len(problems) == 1 and "cannot read" in problems[0].message


def test_warfarin_dosing_keeps_the_cpic_flow() -> None:
    """Every box and arrow of CPIC's adult figure is in the sub-pathway, with its text."""
    flow = json.loads((PATHWAYS / "cpic_warfarin_dosing_flow.json").read_text(encoding="utf-8"))
    adult = flow["flows"]["adult"]
    pathways, _ = read_pathways([PATHWAYS / "warfarin_dosing.json"])
    pw = pathways[0]
    edges = {(e["source"], e["target"], e["label"]) for e in adult["edges"]}
    assert {(t.source_step, t.target_step, t.label) for t in pw.transitions} == edges
    boxes = {
        n["id"]: n["text"]
        for n in adult["nodes"]
        if n["text"] not in ("STRONG", "MODERATE", "OPTIONAL")
        and not n["text"].startswith(("FIGURE", "(a)"))
    }
    assert {s.id: s.title for s in pw.steps} == boxes


def test_cli_check_reports_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kg.cli import main

    assert main(["pathway", "check"]) == 0
    data = json.loads((PATHWAYS / "statin_therapy.json").read_text(encoding="utf-8"))
    data["start"] = "nowhere"
    bad = tmp_path / "statin_therapy.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main(["pathway", "check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "pathway statin_therapy: start step 'nowhere' is not a step" in out


def test_public_surface() -> None:
    import kg.reasoning.pathways as pathways

    assert set(pathways.__all__) == {
        "Forecast",
        "PathwayProblem",
        "PathwayResult",
        "care_pathway",
        "care_pathways",
        "check_pathways",
        "fit_trend",
        "load_pathways",
    }
    assert all(hasattr(pathways, name) for name in pathways.__all__)
