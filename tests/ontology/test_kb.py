"""The ontology over the full default knowledge base (the session's ``kb_store``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from kg.ontology import sync_ontology
from kg.ontology.model import KG
from kg.ontology.rdf import export_twin, import_twin, read_rdf, validate_shapes
from kg.store.base import GraphStore
from tests.ontology.conftest import edges

ROOT = Path(__file__).resolve().parents[2]


def test_kb_is_synced_and_stays_so(kb_store: GraphStore) -> None:
    got = edges(kb_store)
    inferred = {e for e in got if e[3]}
    assert inferred, "kb_template runs sync_ontology: inferred edges expected"
    strong = {e[1] for e in inferred if e[2] == "kgtwin:StrongCYP3A4Inhibitor"}
    assert "RxNorm:28031" in strong  # itraconazole, from the curated FDA table
    assert "RxNorm:21212" in strong  # clarithromycin: the graph and the ontology agree
    diff = sync_ontology(kb_store, dry_run=True)
    assert not diff.changed, diff.lines()[:5]


def test_imported_twin_gets_its_phenotype_class(kb_store: GraphStore) -> None:
    import_twin(kb_store, read_rdf(Path(__file__).parent / "data" / "twin.ttl"))
    diff = sync_ontology(kb_store)
    pm = "kgtwin:CYP2C19PoorMetabolizerPatient"
    assert any(e.from_uid == "Patient/rt-1" and e.to_uid == pm for e in diff.added)
    assert ("IN_CLASS", "Patient/rt-1", pm, True) in edges(kb_store)


def test_ingested_fhir_twin_conforms_and_round_trips(
    kb_store: GraphStore, store: GraphStore
) -> None:
    ingest = pytest.importorskip("kg.ingest.bundle")
    path = sorted((ROOT / "tests" / "fixtures" / "fhir").glob("*.json"))[0]
    bundle = json.loads(path.read_text(encoding="utf-8"))
    ingest.ingest_bundle(kb_store, bundle, lenient=True)
    pid = next(
        e["resource"]["id"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    exported = export_twin(kb_store, f"Patient/{pid}")
    report = validate_shapes(exported)
    assert report.conforms, report.violations[:10]
    import_twin(store, exported)  # an empty graph: knowledge nodes come from the RDF
    assert isomorphic(exported, export_twin(store, f"Patient/{pid}"))


def test_knowledge_conforms_to_the_shapes(kb_store: GraphStore) -> None:
    from kg.ontology.rdf import export_knowledge

    graph = export_knowledge(kb_store)
    statements = {s for c in (KG.Interaction, KG.Rule) for s in graph.subjects(RDF.type, c)}
    assert len(statements) > 100
    report = validate_shapes(graph)
    assert report.conforms, report.violations[:10]
