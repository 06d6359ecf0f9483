"""Every safety query parses as Neo4j 5 Cypher (the FalkorDB side is run by the other tests)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kg.store import QueryRegistry

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "tools" / "cypherlint"
_SAMPLE = {"string": "", "int": 0, "float": 0.0, "bool": False, "map": {}, "any": ""}


def _sample(t: str) -> object:
    return [] if t.startswith("list<") else _SAMPLE[t]


@pytest.mark.skipif(
    shutil.which("node") is None or not (LINT / "node_modules").is_dir(),
    reason="node and tools/cypherlint/node_modules are needed (make setup)",
)
def test_safety_queries_pass_the_neo4j_linter(registry: QueryRegistry) -> None:
    queries = [q for q in registry if q.area == "safety"]
    assert len(queries) >= 15
    items = [
        {"id": q.name, "text": q.text, "parameters": {k: _sample(t) for k, t in q.params.items()}}
        for q in queries
    ]
    res = subprocess.run(
        ["node", str(LINT / "lint.js")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    errors = [
        f"{r['id']}:{d['line']}:{d['column']}: {d['message']}"
        for r in json.loads(res.stdout)
        for d in r["diagnostics"]
        if d["severity"] == 1
    ]
    assert errors == []
