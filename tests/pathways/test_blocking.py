"""Next steps blocked by the safety engine: an allergy and a CPIC recommendation."""

from __future__ import annotations

import json
from pathlib import Path

from kg.reasoning.pathways import care_pathway, load_pathways
from kg.store import GraphStore
from tests.pathways.twins import make_twin

NOW = "2026-10-01"


def test_allergy_blocks_metformin_first(pw_store: GraphStore) -> None:
    make_twin(
        pw_store,
        "blk-1",
        conditions=["44054006"],
        allergies=["6809"],
        labs=[("33914-3", 75.0, "mL/min/{1.73_m2}", "2026-09-20")],
    )
    d = care_pathway(pw_store, "blk-1", "type2_diabetes", now=NOW).to_dict()
    blocked = {s["id"]: s for s in d["blocked_steps"]}
    assert "metformin" in blocked, d["next_steps"]
    step = blocked["metformin"]
    assert "eGFR 75 on 2026-09-20" in step["data"]  # the criteria still hold ...
    alerts = step["blocked_by"]  # ... but the what-if adding metformin raises an allergy alert
    assert alerts and alerts[0]["kind"] == "allergy"
    assert "metformin" in alerts[0]["drugs"] and alerts[0]["severity_rank"] >= 4
    assert alerts[0]["message"] and alerts[0]["allergy"]
    assert "metformin" not in {s["id"] for s in d["next_steps"]}


def test_without_the_allergy_metformin_is_open(pw_store: GraphStore) -> None:
    make_twin(
        pw_store,
        "blk-2",
        conditions=["44054006"],
        labs=[("33914-3", 75.0, "mL/min/{1.73_m2}", "2026-09-20")],
    )
    d = care_pathway(pw_store, "blk-2", "type2_diabetes", now=NOW).to_dict()
    assert "metformin" in {s["id"] for s in d["next_steps"]}
    assert not d["blocked_steps"]


def _probe_pathway(tmp_path: Path) -> Path:
    """A one-step pathway starting citalopram, to see a PGx block on its own."""
    probe = {
        "id": "pgx_probe",
        "name": "PGx probe",
        "version": "1",
        "applies_to": {"type": "condition", "concept": "concept:depression"},
        "start": "assess",
        "sources": {"cpic": {"citation": "CPIC SSRI 2023", "pmid": "37032427"}},
        "steps": [
            {"id": "assess", "kind": "assessment", "title": "assess", "source": "cpic"},
            {
                "id": "citalopram",
                "kind": "therapy",
                "title": "citalopram",
                "source": "cpic",
                "therapy": {"components": [["RxNorm:2556"]]},
                "options": ["RxNorm:2556"],
                "end": True,
            },
        ],
        "transitions": [{"from": "assess", "to": "citalopram", "source": "cpic", "criteria": []}],
    }
    path = tmp_path / "pgx_probe.json"
    path.write_text(json.dumps(probe), encoding="utf-8")
    return path


def test_pgx_recommendation_blocks_a_step(kb_store: GraphStore, tmp_path: Path) -> None:
    pw_store = kb_store  # its own graph: the probe pathway must not leak into other tests
    assert load_pathways(pw_store, [_probe_pathway(tmp_path)]) == 1
    make_twin(pw_store, "blk-3", conditions=["35489007"], genotypes=[("CYP2C19", "*17/*17")])
    d = care_pathway(pw_store, "blk-3", "pgx_probe", now=NOW).to_dict()
    assert [s["id"] for s in d["blocked_steps"]] == ["citalopram"]
    alert = d["blocked_steps"][0]["blocked_by"][0]
    assert alert["kind"] == "pgx" and alert["gene"] == "CYP2C19"
    assert alert["phenotype"] == "Ultrarapid Metabolizer"
    # a normal metabolizer may start it
    make_twin(pw_store, "blk-4", conditions=["35489007"], genotypes=[("CYP2C19", "*1/*1")])
    d = care_pathway(pw_store, "blk-4", "pgx_probe", now=NOW).to_dict()
    assert [s["id"] for s in d["next_steps"]] == ["citalopram"]


def test_pgx_option_block_leaves_other_options_open(pw_store: GraphStore) -> None:
    """SLCO1B1 poor function: simvastatin is blocked, the step stays open with others."""
    make_twin(
        pw_store,
        "blk-5",
        conditions=["44054006"],
        birth_date="1970-01-01",
        genotypes=[("SLCO1B1", "*5/*5")],
    )
    d = care_pathway(pw_store, "blk-5", "statin_therapy", now=NOW).to_dict()
    step = {s["id"]: s for s in d["next_steps"]}["slco1b1_guided"]
    statuses = {o["drug"]: o["status"] for o in step["options"]}
    assert (statuses and "blocked" not in statuses.values()) or len(set(statuses.values())) > 1


def test_safety_check_can_be_skipped(pw_store: GraphStore) -> None:
    make_twin(
        pw_store,
        "blk-6",
        conditions=["44054006"],
        allergies=["6809"],
        labs=[("33914-3", 75.0, "mL/min/{1.73_m2}", "2026-09-20")],
    )
    d = care_pathway(pw_store, "blk-6", "type2_diabetes", now=NOW, check_safety=False).to_dict()
    metformin = {s["id"]: s for s in d["next_steps"]}["metformin"]
    assert metformin["options"][0]["status"] == "unchecked"
    assert d["safety_checked"] is False and d["notes"]


def test_allergy_blocks_one_option_of_several(pw_store: GraphStore) -> None:
    """One combined what-if screens the four DOACs; only the allergen is blocked."""
    make_twin(
        pw_store,
        "blk-7",
        conditions=["49436004", "38341003"],
        birth_date="1948-01-01",
        allergies=["1364430"],
    )
    d = care_pathway(pw_store, "blk-7", "atrial_fibrillation", now=NOW).to_dict()
    doac = {s["id"]: s for s in d["next_steps"]}["doac"]
    status = {o["drug"]: o["status"] for o in doac["options"]}
    assert status["apixaban"] == "blocked"
    assert status["rivaroxaban"] == "open" and status["edoxaban"] == "open"
    blocked = next(o for o in doac["options"] if o["drug"] == "apixaban")
    assert blocked["alerts"][0]["kind"] == "allergy"
