"""Fixtures for the care-pathway tests: the knowledge base with the pathways loaded.

Twins get distinct ids per test, so one copy of the knowledge-base graph serves a whole test
module (copying the graph per test costs a fork of the engine each time).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kg.reasoning.pathways import load_pathways
from kg.store.falkor import FalkorStore
from tests.conftest import kb_copy


@pytest.fixture(scope="module")
def pw_module_store(kb_template: FalkorStore) -> Iterator[FalkorStore]:
    """One copy of the knowledge-base graph per module, with every project pathway loaded
    (as ``load_knowledge_base`` will do once it calls ``load_pathways``)."""
    with kb_copy(kb_template, "pw") as s:
        load_pathways(s)
        yield s


@pytest.fixture
def pw_store(pw_module_store: FalkorStore) -> FalkorStore:
    """The module's pathway graph (give each twin a distinct id)."""
    return pw_module_store
