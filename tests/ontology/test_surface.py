"""The public surface other areas rely on (tests/conftest.py calls sync_ontology)."""

from __future__ import annotations

import inspect

import kg.ontology


def test_public_surface() -> None:
    assert sorted(kg.ontology.__all__) == [
        "InferredEdge",
        "OntologyModel",
        "SyncDiff",
        "load_model",
        "parse_ontology",
        "sync_ontology",
    ]
    sig = inspect.signature(kg.ontology.sync_ontology)
    assert list(sig.parameters)[:4] == ["store", "dry_run", "ontology_path", "reasoner"]
    assert sig.parameters["dry_run"].kind is inspect.Parameter.KEYWORD_ONLY
    assert sig.parameters["dry_run"].default is False
    assert sig.parameters["ontology_path"].default is None
    assert {f for f in kg.ontology.SyncDiff.__dataclass_fields__} >= {"added", "removed"}
