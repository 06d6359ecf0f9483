"""Fixtures for the care-pathway tests: the knowledge base with the pathways loaded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kg.reasoning.pathways import load_pathways
from kg.store import GraphStore


@pytest.fixture
def pw_store(kb_store: GraphStore) -> Iterator[GraphStore]:
    """A fresh knowledge-base graph with every project pathway loaded (as
    ``load_knowledge_base`` will do once it calls ``load_pathways``)."""
    load_pathways(kb_store)
    yield kb_store
