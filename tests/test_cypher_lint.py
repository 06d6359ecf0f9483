"""Every .cypher file under queries/ passes Neo4j's own Cypher 5 front end, and parses on
the embedded engine, so a query one engine accepts and the other rejects fails the build.

The Neo4j side runs ``tools/cypherlint/lint.js`` (``@neo4j-cypher/language-support``) once
for all files, with each declared parameter bound to a dummy value of its declared type.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.store import EmbeddedEngine, QueryRegistry
from kg.store.falkor import FalkorStore
from kg.store.registry import Query, parse_query
from tests.conftest import ROOT, new_graph_store

LINT_DIR = ROOT / "tools" / "cypherlint"
FILES = sorted((ROOT / "queries").rglob("*.cypher"))
DUMMY: dict[str, Any] = {
    "string": "",
    "int": 0,
    "float": 0.5,
    "bool": False,
    "map": {},
    "any": None,
}


def dummy(declared: str) -> Any:
    """A value of the declared parameter type (lists are empty)."""
    return [] if declared.startswith("list<") else DUMMY[declared]


def statements(q: Query) -> list[tuple[int, str]]:
    """(file line, text) of each statement: DDL files hold several, others one."""
    if q.mode != "ddl":
        return [(q.body_line, q.text)]
    out: list[tuple[int, str]] = []
    line = q.body_line
    for raw in q.text.split(";"):
        lead = len(raw) - len(raw.lstrip("\n"))
        if raw.strip():
            out.append((line + lead, raw.strip()))
        line += raw.count("\n")
    return out


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.fixture(scope="module")
def lint_results() -> dict[str, list[dict[str, Any]]]:
    """Diagnostics per ``file:line`` of each statement, from ONE node process."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: run 'make setup-test' (CI installs it)")
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.skip(f"{_rel(LINT_DIR)}/node_modules missing: run 'npm ci' there (make setup-test)")
    items = []
    for path in FILES:
        try:
            q = parse_query(path)
        except Exception:
            continue  # test_file_lints reports the registry error for this file
        params = {k: dummy(t) for k, t in q.params.items()}
        for line, text in statements(q):
            items.append({"id": f"{_rel(path)}:{line}", "text": text, "parameters": params})
    res = subprocess.run(
        [node, str(LINT_DIR / "lint.js")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    out = {r["id"]: r["diagnostics"] for r in json.loads(res.stdout)}
    assert set(out) == {i["id"] for i in items}
    return out


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_file_lints(path: Path, lint_results: dict[str, list[dict[str, Any]]]) -> None:
    q = parse_query(path)
    errors = []
    for start, _ in statements(q):
        for d in lint_results[f"{_rel(path)}:{start}"]:
            if d["severity"] == 1:
                line = start + (d["line"] or 1) - 1
                errors.append(f"{_rel(path)}:{line}:{d['column']}: {d['message']}")
    assert not errors, "Neo4j's Cypher 5 linter rejects:\n" + "\n".join(errors)


def test_linter_catches_errors() -> None:
    """The harness itself reports what it should (undefined parameter, bad syntax)."""
    node = shutil.which("node")
    if node is None or not (LINT_DIR / "node_modules").is_dir():
        pytest.skip("node or tools/cypherlint/node_modules missing (make setup-test)")
    items = [
        {"id": "ok", "text": "MATCH (n:Drug {uid: $uid}) RETURN n.uid AS uid",
         "parameters": {"uid": ""}},
        {"id": "param", "text": "RETURN $nope AS x", "parameters": {}},
        {"id": "syntax", "text": "MATCH (n RETURN n", "parameters": {}},
    ]  # fmt: skip
    res = subprocess.run(
        [node, str(LINT_DIR / "lint.js")],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    got = {
        r["id"]: [d for d in r["diagnostics"] if d["severity"] == 1] for r in json.loads(res.stdout)
    }
    assert got["ok"] == []
    assert any("$nope" in d["message"] for d in got["param"])
    assert got["syntax"]


@pytest.fixture(scope="module")
def explain_store(engine: EmbeddedEngine, registry: QueryRegistry) -> Iterator[FalkorStore]:
    """One empty graph (with the schema) for every EXPLAIN of this module."""
    s = new_graph_store(engine, registry, f"lint_{uuid.uuid4().hex[:12]}")
    yield s
    s.clear()
    s.close()


@pytest.mark.parametrize(
    "path", [p for p in FILES if "// mode: ddl" not in p.read_text()], ids=_rel
)
def test_file_parses_on_the_embedded_engine(path: Path, explain_store: FalkorStore) -> None:
    """GRAPH.EXPLAIN compiles the statement without running it (DDL: see tests/store)."""
    q = parse_query(path)
    params = {k: dummy(t) for k, t in q.params.items()}
    try:
        explain_store._graph.explain(q.text, params)  # the engine's own compiler
    except Exception as exc:
        pytest.fail(f"{_rel(path)}:{q.body_line}: FalkorDB rejects it: {exc}")


README = ROOT / "queries" / "README.md"


def readme_examples() -> list[tuple[int, str]]:
    """(line, text) of each ```cypher block of queries/README.md."""
    out: list[tuple[int, str]] = []
    lines = README.read_text(encoding="utf-8").splitlines()
    start: int | None = None
    for i, line in enumerate(lines, 1):
        if line.strip() == "```cypher":
            start = i + 1
        elif line.strip() == "```" and start is not None:
            out.append((start, "\n".join(lines[start - 1 : i - 1])))
            start = None
    return out


def example_params(text: str) -> dict[str, Any]:
    """Dummy parameters by name: $rows/$meds are lists, *_epoch ints, the rest strings."""
    import re

    names = set(re.findall(r"\$([A-Za-z_]\w*)", text))
    return {
        n: [] if n in ("rows", "meds", "codes") else 0 if n.endswith("epoch") else "" for n in names
    }


def test_readme_examples_pass_both_engines(explain_store: FalkorStore) -> None:
    examples = readme_examples()
    assert len(examples) >= 9
    problems = []
    for line, text in examples:
        try:
            explain_store._graph.explain(text, example_params(text))
        except Exception as exc:
            problems.append(f"queries/README.md:{line}: FalkorDB: {exc}")
    node = shutil.which("node")
    if node is not None and (LINT_DIR / "node_modules").is_dir():
        items = [
            {"id": str(line), "text": text, "parameters": example_params(text)}
            for line, text in examples
        ]
        res = subprocess.run(
            [node, str(LINT_DIR / "lint.js")],
            input=json.dumps(items),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        for r in json.loads(res.stdout):
            for d in r["diagnostics"]:
                if d["severity"] == 1:
                    problems.append(f"queries/README.md:{r['id']}: Neo4j: {d['message']}")
    assert not problems, "\n".join(problems)
