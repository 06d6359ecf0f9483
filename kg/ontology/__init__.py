"""The kgtwin ontology: OWL model, reasoning (owlready2 HermiT), sync into the graph.

::

    from kg.ontology import sync_ontology
    diff = sync_ontology(store)            # classes + inferred MEMBER_OF / IN_CLASS edges
    diff = sync_ontology(store, dry_run=True)
"""

from __future__ import annotations

from kg.ontology.model import OntologyModel, load_model, parse_ontology
from kg.ontology.sync import InferredEdge, SyncDiff, sync_ontology

__all__ = [
    "InferredEdge",
    "OntologyModel",
    "SyncDiff",
    "load_model",
    "parse_ontology",
    "sync_ontology",
]
