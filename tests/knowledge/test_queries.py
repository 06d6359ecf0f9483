"""Every query of queries/kb passes Neo4j's Cypher 5 linter (runs on both engines)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from kg.store import QueryRegistry
from tests.conftest import ROOT

LINT = ROOT / "tools/cypherlint/lint.js"


def test_kb_queries_pass_the_neo4j_linter(registry: QueryRegistry) -> None:
    node = shutil.which("node")
    if node is None or not (ROOT / "tools/cypherlint/node_modules").is_dir():
        pytest.skip("node or tools/cypherlint/node_modules missing: run 'make setup'")
    items = [
        {"id": q.name, "text": q.text, "parameters": {p: "" for p in q.params}}
        for q in registry
        if q.area == "kb"
    ]
    assert len(items) > 20
    res = subprocess.run(
        [node, str(LINT)],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    errors = [
        (r["id"], d) for r in json.loads(res.stdout) for d in r["diagnostics"] if d["severity"] == 1
    ]
    assert errors == []
