"""Shared fixtures: one embedded engine per test session, a fresh graph per test.

Tests run against the real engine (FalkorDB started by kgtwin), never a mock of the store.
"""

from __future__ import annotations

import contextlib
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


@contextlib.contextmanager
def kb_copy(kb_template: FalkorStore, prefix: str = "t") -> Iterator[FalkorStore]:
    """A copy of the knowledge-base graph under a new name, dropped afterwards."""
    s = kb_template.copy(f"{prefix}_{uuid.uuid4().hex[:12]}")
    try:
        yield s
    finally:
        s.clear()
        s.close()


@pytest.fixture
def kb_store(kb_template: FalkorStore) -> Iterator[FalkorStore]:
    """A fresh copy of the knowledge-base graph for one test (twins may be added to it)."""
    with kb_copy(kb_template) as s:
        yield s


# -- every .cypher file is executed by some test ----------------------------------------
# A session-wide recorder wraps each store class's execution methods; at the end of a run of
# the whole suite (default testpaths, nothing deselected, not stopped early) a registry query
# that no test executed fails the session. DDL counts as executed when apply_schema ran.

EXECUTED_QUERIES: set[str] = set()
_DESELECTED: list[int] = []


def _store_classes() -> list[type]:
    import kg.store.falkor
    import kg.store.neo4j  # noqa: F401  (imported so its class is wrapped too)
    from kg.store.base import GraphStore

    out: list[type] = []
    todo: list[type] = [GraphStore]
    while todo:
        cls = todo.pop()
        out.append(cls)
        todo.extend(cls.__subclasses__())
    return out


@pytest.fixture(scope="session", autouse=True)
def _record_executed_queries() -> Iterator[None]:
    """Record the name of every query a store executes (see pytest_sessionfinish)."""
    import functools
    from typing import Any

    def wrap_execute(fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(self: Any, q: Any, *args: Any, **kwargs: Any) -> Any:
            EXECUTED_QUERIES.add(q.name)
            return fn(self, q, *args, **kwargs)

        return wrapper

    def wrap_unit(fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(self: Any, prepared: Any, *args: Any, **kwargs: Any) -> Any:
            EXECUTED_QUERIES.update(q.name for q, _ in prepared)
            return fn(self, prepared, *args, **kwargs)

        return wrapper

    def wrap_schema(fn: Any) -> Any:
        @functools.wraps(fn)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            result = fn(self, *args, **kwargs)
            EXECUTED_QUERIES.update(q.name for q in self.registry if q.mode == "ddl")
            return result

        return wrapper

    wrappers = {"_execute": wrap_execute, "_execute_unit": wrap_unit, "apply_schema": wrap_schema}
    with pytest.MonkeyPatch.context() as mp:
        for cls in _store_classes():
            for attr, wrap in wrappers.items():
                fn = cls.__dict__.get(attr)
                if fn is not None and not getattr(fn, "__isabstractmethod__", False):
                    mp.setattr(cls, attr, wrap(fn))
        yield


def pytest_deselected(items: list[pytest.Item]) -> None:
    _DESELECTED.append(len(items))


def _whole_suite(session: pytest.Session) -> bool:
    config = session.config
    if _DESELECTED or config.option.keyword or config.option.markexpr:
        return False
    if getattr(config.option, "lf", False) or getattr(config.option, "deselect", None):
        return False
    if session.shouldstop or session.shouldfail:
        return False
    if config.option.maxfail and session.testsfailed >= config.option.maxfail:
        return False
    testpaths = {(config.rootpath / p).resolve() for p in config.getini("testpaths")}
    here = config.invocation_params.dir
    given = {(here / a.split("::")[0]).resolve() for a in config.args}
    return given <= testpaths or given == {config.rootpath.resolve()}


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a whole-suite run in which some registry query was never executed."""
    if exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        return
    if not session.testscollected or not _whole_suite(session):
        return
    names = QueryRegistry.load(ROOT / "queries").names()
    never = [n for n in names if n not in EXECUTED_QUERIES]
    if never:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [
            f"{len(never)} of {len(names)} registry queries were never executed by any test "
            "(every .cypher file must be):",
            *(f"  - {n}" for n in never),
        ]
        for line in lines:
            if reporter is not None:
                reporter.write_line(line, red=True)
            else:
                print(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
