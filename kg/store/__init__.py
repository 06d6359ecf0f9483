"""The graph store: one interface over the embedded engine and Neo4j.

Only this package imports a database driver. Everything above it runs named queries::

    with open_store() as store:
        rows = store.read("get_patient", {"uid": "Patient/123"})
"""

from __future__ import annotations

from kg.config import Settings, load_settings
from kg.store.base import GraphStore, Row, Statement
from kg.store.embedded import EmbeddedEngine
from kg.store.registry import Query, QueryRegistry

__all__ = [
    "EmbeddedEngine",
    "GraphStore",
    "Query",
    "QueryRegistry",
    "Row",
    "Statement",
    "open_store",
]


def open_store(
    settings: Settings | None = None,
    *,
    registry: QueryRegistry | None = None,
    graph_name: str | None = None,
    apply_schema: bool = True,
) -> GraphStore:
    """Open the configured store: Neo4j when ``KGTWIN_GRAPH_URI`` is set, else embedded.

    The embedded engine is started if no live one serves the data dir; it is stopped when
    the store is closed, unless it was started by ``kgtwin db start`` (shared).
    """
    settings = settings or load_settings()
    registry = registry or QueryRegistry.load()
    store: GraphStore
    engine: EmbeddedEngine | None = None
    if settings.graph_uri:
        from kg.store.neo4j import Neo4jStore

        store = Neo4jStore(
            registry,
            settings.graph_uri,
            user=settings.graph_user,
            password=settings.graph_password,
            database=settings.graph_database,
        )
    else:
        from kg.store.falkor import FalkorStore

        engine = EmbeddedEngine(settings)
        socket = engine.ensure()
        store = FalkorStore(
            registry, socket, graph_name=graph_name or settings.graph_name, engine=engine
        )
    try:
        if apply_schema and store.apply_schema() and engine is not None:
            engine.compact()  # new indexes go into the snapshot, so restarts replay fast
    except BaseException:
        store.close()
        raise
    return store
