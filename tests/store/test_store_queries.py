"""Every query of queries/store runs on the embedded engine with sample parameters."""

from __future__ import annotations

from typing import Any

import pytest

from kg.store import GraphStore, QueryRegistry
from tests.conftest import ROOT

STORE_QUERIES = sorted(p.stem for p in (ROOT / "queries" / "store").glob("*.cypher"))
ROWS = [{"uid": "a", "value": 1, "next": None}, {"uid": "b", "value": [1, 2], "next": "a"}]
SAMPLES: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
    "count_probes": ({}, [{"nodes": 2, "links": 1}]),
    "create_probes": ({"rows": ROWS}, [{"written": 2}]),
    "delete_probes": ({}, [{"deleted": 2}]),
    "echo_value": ({"value": {"k": [1, "x"]}}, [{"value": {"k": [1, "x"]}}]),
    "fail_probe": (
        {"rows": [{"uid": "c", "divisor": 4}]},
        [{"uid": "c", "ratio": 25}],
    ),
    "get_probe": ({"uid": "b"}, [{"uid": "b", "value": [1, 2]}]),
    "get_probe_neighbours": ({"uid": "b"}, [{"uid": "a", "value": 1}]),
    "merge_probe": ({"uid": "a", "value": "x"}, [{"uid": "a", "value": "x"}]),
}


@pytest.mark.parametrize("name", STORE_QUERIES)
def test_store_query_runs(store: GraphStore, registry: QueryRegistry, name: str) -> None:
    assert name in SAMPLES, f"add sample parameters and expected rows for {name} here"
    store.write("create_probes", {"rows": ROWS})
    params, expected = SAMPLES[name]
    assert store.run(name, params) == expected
