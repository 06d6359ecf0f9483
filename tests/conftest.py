"""Shared fixtures: one embedded engine per test session, a fresh graph per test.

Tests run against the real engine (FalkorDB started by kgtwin), never a mock of the store.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.config import Settings, load_settings
from kg.store import EmbeddedEngine, QueryRegistry
from kg.store.falkor import FalkorStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def registry() -> QueryRegistry:
    """Every query of the project, loaded once."""
    return QueryRegistry.load(ROOT / "queries")


@pytest.fixture(scope="session")
def engine_settings() -> Iterator[Settings]:
    """Settings for a throwaway data dir (short path: unix sockets have a length limit)."""
    data_dir = tempfile.mkdtemp(prefix="kgt-", dir="/tmp")
    yield load_settings({"KGTWIN_DATA_DIR": data_dir, "KGTWIN_GRAPH_NAME": "test"})
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def engine(engine_settings: Settings) -> Iterator[EmbeddedEngine]:
    """The embedded engine, started once for the whole session."""
    eng = EmbeddedEngine(engine_settings)
    eng.ensure()
    yield eng
    eng.stop()


def new_graph_store(engine: EmbeddedEngine, registry: QueryRegistry, name: str) -> FalkorStore:
    """A store on graph ``name`` of the session engine, with the schema applied."""
    store = FalkorStore(registry, str(engine.socket), graph_name=name)
    store.apply_schema()
    return store


@pytest.fixture
def store(engine: EmbeddedEngine, registry: QueryRegistry) -> Iterator[FalkorStore]:
    """A store on a fresh, empty graph of the session engine; deleted afterwards."""
    s = new_graph_store(engine, registry, f"t_{uuid.uuid4().hex[:12]}")
    yield s
    s.clear()
    s.close()


@pytest.fixture(scope="session")
def kb_template(engine: EmbeddedEngine, registry: QueryRegistry) -> Iterator[FalkorStore]:
    """A graph holding the whole default knowledge base (and ontology inferences), built once."""
    from kg.knowledge import load_knowledge_base

    s = new_graph_store(engine, registry, "kb_template")
    s.clear()
    s.apply_schema()
    load_knowledge_base(s)
    try:
        from kg.ontology import sync_ontology
    except ImportError:  # the ontology area may be absent in a partial checkout
        pass
    else:
        sync_ontology(s)
    yield s
    s.clear()
    s.close()


@pytest.fixture
def kb_store(kb_template: FalkorStore) -> Iterator[FalkorStore]:
    """A fresh copy of the knowledge-base graph for one test (twins may be added to it)."""
    s = kb_template.copy(f"t_{uuid.uuid4().hex[:12]}")
    yield s
    s.clear()
    s.close()
