"""Loading pathways into the graph: Pathway/PathwayStep nodes, NEXT with criteria_json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import NotFound, ValidationError
from kg.reasoning.pathways import care_pathways, load_pathways
from kg.reasoning.pathways.evaluate import loaded_pathways
from kg.reasoning.pathways.files import default_pathway_dir, read_pathways
from kg.store import GraphStore


def test_load_twice_gives_the_same_graph(store: GraphStore) -> None:
    assert load_pathways(store) == 6
    first = store.read("list_pathways")
    assert load_pathways(store) == 6
    assert store.read("list_pathways") == first
    by_uid = {r["uid"]: r for r in first}
    pathways, _ = read_pathways(None)
    for pw in pathways:
        row = by_uid[pw.uid]
        assert row["steps"] == len(pw.steps) and row["transitions"] == len(pw.transitions)
        assert row["start"] == pw.start
    assert by_uid["pathway:atrial_fibrillation"]["sub_pathways"] == ["pathway:warfarin_dosing"]


def test_next_edges_carry_the_criteria(store: GraphStore) -> None:
    load_pathways(store)
    rows = store.read("get_pathway_transitions", {"uid": "pathway:type2_diabetes"})
    edge = next(
        r for r in rows if (r["from_step"], r["to_step"]) == ("metformin", "metformin_stop")
    )
    (criterion,) = json.loads(edge["criteria_json"])
    assert criterion["type"] == "lab" and criterion["op"] == "<" and criterion["value"] == 30
    assert "LOINC:33914-3" in criterion["loinc"]
    assert "FDA" in edge["citation"]
    labels = {
        (r["from_step"], r["to_step"]): r["label"]
        for r in store.read("get_pathway_transitions", {"uid": "pathway:warfarin_dosing"})
    }
    assert labels[("n0", "n3")] == "NO" and labels[("n0", "n4")] == "YES"


def test_steps_link_to_knowledge_base_drugs_and_classes(pw_store: GraphStore) -> None:
    rows = {r["uid"]: r for r in pw_store.read("list_pathways")}
    assert rows["pathway:type2_diabetes"]["drugs"] >= 7
    assert rows["pathway:hypertension"]["classes"] >= 4


def test_invalid_files_load_nothing(store: GraphStore, tmp_path: Path) -> None:
    data = json.loads((default_pathway_dir() / "hypertension.json").read_text(encoding="utf-8"))
    data["transitions"][0]["to"] = "nowhere"
    bad = tmp_path / "hypertension.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        load_pathways(store, [bad])
    assert any("step 'nowhere' is not declared" in p for p in err.value.problems)
    assert store.read("list_pathways") == []


def test_evaluation_reads_the_loaded_definitions(store: GraphStore, tmp_path: Path) -> None:
    """What the graph holds is what gets evaluated (the files only when nothing is loaded)."""
    assert {p.id for p in loaded_pathways(store)} == {p.id for p in read_pathways(None)[0]}
    data = json.loads((default_pathway_dir() / "hypertension.json").read_text(encoding="utf-8"))
    data["id"] = "hypertension_local"
    path = tmp_path / "hypertension_local.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    load_pathways(store, [path])
    (only,) = loaded_pathways(store)
    assert only.id == "hypertension_local" and len(only.steps) == len(data["steps"])
    with pytest.raises(NotFound, match="no twin"):
        care_pathways(store, "nobody")
