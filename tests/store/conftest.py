"""Fixtures of the store tests: the contract store (embedded engine, and Neo4j when given)
and throwaway data dirs for engine lifecycle tests."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.config import Settings, load_settings
from kg.store import EmbeddedEngine, GraphStore, QueryRegistry
from kg.store.falkor import FalkorStore
from tests.conftest import ROOT, new_graph_store

MakeStore = Callable[[QueryRegistry], GraphStore]

NEO4J_ENV = ("KGTWIN_NEO4J_URI", "KGTWIN_NEO4J_USER", "KGTWIN_NEO4J_PASSWORD")
NEO4J_SKIP = (
    "no Neo4j given: set KGTWIN_NEO4J_URI (and KGTWIN_NEO4J_USER, KGTWIN_NEO4J_PASSWORD, "
    "optionally KGTWIN_NEO4J_DATABASE) to run the contract suite against a real Neo4j 5"
)


def _neo4j_store(registry: QueryRegistry) -> GraphStore:
    from kg.store.neo4j import Neo4jStore

    uri = os.environ.get("KGTWIN_NEO4J_URI")
    if not uri:
        pytest.skip(NEO4J_SKIP)
    return Neo4jStore(
        registry,
        uri,
        user=os.environ.get("KGTWIN_NEO4J_USER", "neo4j"),
        password=os.environ.get("KGTWIN_NEO4J_PASSWORD"),
        database=os.environ.get("KGTWIN_NEO4J_DATABASE", "neo4j"),
    )


@pytest.fixture(scope="session")
def store_registry() -> QueryRegistry:
    """The store's own queries and the schema: these tests do not depend on other areas'."""
    found = {}
    for folder in ("store", "schema"):
        found.update({q.name: q for q in QueryRegistry.load(ROOT / "queries" / folder)})
    return QueryRegistry(found)


@pytest.fixture(params=["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def make_store(request: pytest.FixtureRequest, engine: EmbeddedEngine) -> Iterator[MakeStore]:
    """Open stores on the engine under test; each starts and ends without probe nodes.

    On the embedded engine each store gets a fresh graph; on Neo4j (a database the caller
    provides) only ``Probe`` nodes are written and deleted, nothing else is touched.
    """
    opened: list[GraphStore] = []

    def make(registry: QueryRegistry) -> GraphStore:
        if request.param == "falkordb":
            s: GraphStore = new_graph_store(engine, registry, f"c_{uuid.uuid4().hex[:12]}")
        else:
            s = _neo4j_store(registry)
            s.apply_schema()
        opened.append(s)
        return s

    yield make
    for s in opened:
        with contextlib.suppress(Exception):
            if isinstance(s, FalkorStore):
                s.clear()
            elif "delete_probes" in s.registry:
                s.write("delete_probes")
        s.close()


@pytest.fixture
def contract_store(make_store: MakeStore, store_registry: QueryRegistry) -> GraphStore:
    """A store with the store's queries on the engine under test, free of probes."""
    s = make_store(store_registry)
    s.write("delete_probes")
    return s


@pytest.fixture
def engine_dir() -> Iterator[Callable[..., Settings]]:
    """Settings for fresh, short data dirs; every engine started in them is stopped after."""
    made: list[Settings] = []

    def settings(**env: str) -> Settings:
        data_dir = tempfile.mkdtemp(prefix="kgl-", dir="/tmp")
        s = load_settings({"KGTWIN_DATA_DIR": data_dir, "KGTWIN_GRAPH_NAME": "life", **env})
        made.append(s)
        return s

    yield settings
    for s in made:
        stop_engine_of(s)
        shutil.rmtree(s.data_dir, ignore_errors=True)


def stop_engine_of(settings: Settings) -> None:
    """Stop whatever engine the pid file of ``settings`` names (test clean-up)."""
    eng = EmbeddedEngine(settings)
    st = eng.state()
    with contextlib.suppress(Exception):
        eng.stop(force=True, timeout=10)
    if st is not None and st.alive:
        with contextlib.suppress(ProcessLookupError):
            os.kill(st.engine_pid, signal.SIGKILL)


def pidfile_data(settings: Settings) -> dict[str, object]:
    """The engine pid file of a data dir, parsed."""
    data: dict[str, object] = json.loads((settings.data_dir / "engine" / "engine.json").read_text())
    return data


def engine_socket(settings: Settings) -> Path:
    """Where the engine of ``settings`` listens."""
    return settings.data_dir / "engine" / "falkordb.sock"


@pytest.fixture(scope="session")
def registry(store_registry: QueryRegistry) -> QueryRegistry:
    """Inside tests/store, ``registry`` is the store's own queries (see store_registry)."""
    return store_registry
