"""RDF export/import of a twin: lossless round trip and SHACL validation."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic

from kg.errors import NotFound, ValidationError
from kg.ontology.model import KG, uid_to_iri
from kg.ontology.rdf import export_twin, import_twin, read_rdf, serialize, validate_shapes
from kg.store.base import GraphStore

TWIN = Path(__file__).parent / "data" / "twin.ttl"
PATIENT = "Patient/rt-1"


def _diff(a: rdflib.Graph, b: rdflib.Graph) -> str:
    _, only_a, only_b = graph_diff(a, b)
    return f"only first: {sorted(only_a)[:5]}\nonly second: {sorted(only_b)[:5]}"


@pytest.mark.parametrize("fmt", ["turtle", "jsonld"])
def test_round_trip_is_lossless(
    store: GraphStore, registry, engine, fmt: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import new_graph_store

    source = read_rdf(TWIN)
    import_twin(store, source)
    first = export_twin(store, PATIENT)
    assert isomorphic(first, source), _diff(first, source)
    out = tmp_path / ("twin.ttl" if fmt == "turtle" else "twin.jsonld")
    out.write_text(serialize(first, fmt), encoding="utf-8")
    fresh = new_graph_store(engine, registry, f"t_rt_{fmt}")
    try:
        import_twin(fresh, read_rdf(out))
        second = export_twin(fresh, PATIENT)
    finally:
        fresh.clear()
        fresh.close()
    assert isomorphic(first, second), _diff(first, second)


def test_exported_twin_conforms(store: GraphStore) -> None:
    import_twin(store, read_rdf(TWIN))
    report = validate_shapes(export_twin(store, PATIENT))
    assert report.conforms, report.violations


def test_shape_violation_is_reported(store: GraphStore) -> None:
    g = read_rdf(TWIN)
    obs = uid_to_iri("Observation/rt-o1")
    g.remove((obs, KG.effective, None))
    med = uid_to_iri("MedicationStatement/rt-m1")
    g.set((med, KG.status, rdflib.Literal("taking")))
    import_twin(store, g)
    report = validate_shapes(export_twin(store, PATIENT))
    assert not report.conforms
    text = "\n".join(report.violations)
    assert "Observation/rt-o1 effective" in text
    assert "MedicationStatement/rt-m1 status" in text
    assert len(report.violations) == 2


def test_knowledge_shape_interaction_needs_a_source() -> None:
    g = rdflib.Graph()
    ddi = uid_to_iri("ddi:1-2")
    g.add((ddi, rdflib.RDF.type, KG.Interaction))
    g.add((ddi, KG.severity, rdflib.Literal("major")))
    for p, uid in ((KG.hasObject, "RxNorm:1"), (KG.hasPrecipitant, "RxNorm:2")):
        g.add((ddi, p, uid_to_iri(uid)))
        g.add((uid_to_iri(uid), rdflib.RDF.type, KG.Drug))
        g.add((uid_to_iri(uid), KG.uid, rdflib.Literal(uid)))
    report = validate_shapes(g)
    assert not report.conforms
    assert any("at least one source" in v for v in report.violations)
    g.add((ddi, KG.supportedBy, uid_to_iri("source:fda")))
    assert validate_shapes(g).conforms


def test_unknown_patient_and_bad_rdf(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        export_twin(store, "Patient/none")
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kgtwin: <https://w3id.org/kgtwin/ontology#> .\nkgtwin:a kgtwin:b\n")
    with pytest.raises(ValidationError, match=r"bad\.ttl:"):
        read_rdf(bad)
    stray = tmp_path / "stray.ttl"
    stray.write_text(
        "@prefix kgtwin: <https://w3id.org/kgtwin/ontology#> .\n"
        '<https://w3id.org/kgtwin/id/Patient/x> a kgtwin:Patient ; kgtwin:colour "red" .\n'
    )
    with pytest.raises(ValidationError, match="not a kgtwin twin") as err:
        import_twin(store, read_rdf(stray))
    assert "colour" in str(err.value)
