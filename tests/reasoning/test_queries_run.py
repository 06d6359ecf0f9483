"""Every safety read query runs on FalkorDB (on an empty graph: syntax and semantics only)."""

from __future__ import annotations

from kg.store import GraphStore

_SAMPLE = {"string": "x", "int": 0, "float": 30.0, "bool": False, "map": {}, "any": "x"}
_LISTS = {
    "list<string>": ["RxNorm:11289", "SNOMED:44054006", "ICD10:E11.9"],
    "list<map>": [
        {
            "loinc": "33914-3",
            "value": 25.0,
            "effective": "2026-01-01",
            "effective_epoch": 1767225600,
        }
    ],
}


def test_every_safety_read_query_runs_on_an_empty_graph(store: GraphStore) -> None:
    ran = []
    for q in store.registry:
        if q.area != "safety" or q.mode != "read":
            continue
        params = {k: _LISTS.get(t, _SAMPLE.get(t)) for k, t in q.params.items()}
        assert store.read(q.name, params) == []
        ran.append(q.name)
    assert "find_mechanism_interactions" in ran and len(ran) >= 15
