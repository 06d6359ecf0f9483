"""Alignment guard: the graph names queries use and the ontology declares must agree.

A name is *used* when a ``.cypher`` file uses it (see kg.ontology.cypher_names for the
heuristic) or, for properties written through map parameters (``SET n += row.props``), when
a loader under kg/knowledge or kg/ingest spells it as a string literal. A declared name
that nothing uses must be listed in ontology/reserved.tsv with a reason.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kg.ontology.cypher_names import scan_cypher, scan_query_dir
from kg.ontology.model import load_model

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("label", "type", "property")


def _used() -> dict[str, dict[str, set[str]]]:
    names = scan_query_dir(ROOT / "queries")
    return {"label": names.labels, "type": names.types, "property": names.properties}


def _loader_strings() -> set[str]:
    found: set[str] = set()
    for area in ("knowledge", "ingest"):
        for path in (ROOT / "kg" / area).rglob("*.py"):
            found |= set(re.findall(r"[\"']([a-z_][a-z0-9_]*)[\"']", path.read_text("utf-8")))
    return found


def _reserved() -> dict[tuple[str, str], str]:
    with (ROOT / "ontology" / "reserved.tsv").open(encoding="utf-8") as fh:
        return {
            (r["kind"], r["graph_name"]): r["reason"] for r in csv.DictReader(fh, delimiter="\t")
        }


@pytest.mark.parametrize("kind", KINDS)
def test_every_used_name_is_declared(kind: str) -> None:
    declared = load_model().names(kind)
    used = _used()[kind]
    missing = {name: sorted(where)[:3] for name, where in used.items() if name not in declared}
    assert not missing, (
        f"{kind}s used by queries but not declared in ontology/kgtwin.ttl: {missing}"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_every_declared_name_is_used_or_reserved(kind: str) -> None:
    used = set(_used()[kind])
    if kind == "property":
        used |= _loader_strings()
    reserved = {name for k, name in _reserved() if k == kind}
    unused = sorted(set(load_model().names(kind)) - used - reserved)
    assert not unused, (
        f"{kind}s declared in the ontology that no query or loader uses: {unused} "
        "(use them, remove them, or list them in ontology/reserved.tsv)"
    )


def test_reserved_names_are_declared_and_explained() -> None:
    model = load_model()
    for (kind, name), reason in _reserved().items():
        assert kind in KINDS and name in model.names(kind), (kind, name)
        assert reason.strip(), f"reserved {kind} {name} needs a reason"


def test_every_curated_drug_group_is_a_class() -> None:
    path = ROOT / "kg" / "knowledge" / "data" / "curated" / "drug_groups.csv"
    if not path.is_file():
        pytest.skip("no curated drug groups in this checkout")
    classes = {c.uid: c for c in load_model().classes}
    with path.open(encoding="utf-8") as fh:
        groups = list(csv.DictReader(fh))
    missing = [g["group_id"] for g in groups if f"kgtwin:{g['group_id']}" not in classes]
    assert not missing, f"curated drug groups without an ontology class: {missing}"
    wrong_kind = [
        g["group_id"] for g in groups if classes[f"kgtwin:{g['group_id']}"].kind != g["kind"]
    ]
    assert not wrong_kind, f"kind differs from drug_groups.csv: {wrong_kind}"


def test_scanner_heuristic() -> None:
    text = """
    // a comment's apostrophe, (:Ignored) and -[:IGNORED]->
    UNWIND $rows AS row
    MATCH (d:Drug {uid: row.uid})-[m:MEMBER_OF|IN_CLASS]->(c:DrugClass:OntologyClass)
    WHERE d:Drug AND d.name <> 'x:Y (:Quoted) // not a comment' AND row.extra = 1
    RETURN {shown: d.rxcui} AS projection, c {.kind, .label} AS cls, m.inferred AS inferred
    """
    names = scan_cypher(text)
    assert set(names.labels) == {"Drug", "DrugClass", "OntologyClass"}
    assert set(names.types) == {"MEMBER_OF", "IN_CLASS"}
    assert set(names.properties) == {"uid", "name", "rxcui", "kind", "label", "inferred"}
