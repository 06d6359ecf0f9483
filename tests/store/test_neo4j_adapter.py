"""The Neo4j adapter's own logic, without a server: value conversion, error mapping, DDL.

A tiny fake *driver* stands in for the network so the adapter's routing can be checked;
the store contract itself runs against a real Neo4j in test_contract.py when one is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import exceptions as nx
from neo4j import time as nt

from kg.errors import ConfigError, QueryError, StoreUnavailable
from kg.store import QueryRegistry
from kg.store.neo4j import Neo4jStore, redact_uri, wrap_neo4j_error
from kg.store.schema import schema_items
from kg.store.values import plain

URI = "neo4j://kg:s3cr3t-pw@db.example.org:7687"


def _neo4j_error(code: str, message: str) -> nx.Neo4jError:
    err = nx.Neo4jError._hydrate_neo4j(code=code, message=message)
    assert isinstance(err, nx.Neo4jError)
    return err


# -- result conversion ---------------------------------------------------------------
class NodeLike:
    """Quacks like neo4j.graph.Node: labels, element id and a mapping of properties."""

    labels = frozenset({"Drug"})
    element_id = "4:abc:1"

    def __init__(self, props: dict[str, Any]) -> None:
        self._props = props

    def items(self) -> Iterator[tuple[str, Any]]:
        return iter(self._props.items())


def test_plain_converts_neo4j_temporal_values() -> None:
    berlin = dt.timezone(dt.timedelta(hours=2))
    assert plain(nt.DateTime(2026, 9, 30, 14, 5, 6, tzinfo=berlin)) == "2026-09-30T12:05:06Z"
    assert plain(nt.DateTime(2026, 9, 30, 14, 5, 6)) == "2026-09-30T14:05:06Z"  # naive: UTC
    assert plain(nt.Date(2026, 9, 30)) == "2026-09-30"
    assert plain(nt.Time(1, 2, 3)) == "01:02:03"
    assert plain({"at": [nt.Date(2026, 1, 2)]}) == {"at": ["2026-01-02"]}


def test_plain_converts_graph_objects_and_containers() -> None:
    node = NodeLike({"uid": "RxNorm:5640", "name": "ibuprofen", "atc": ["M01AE01"]})
    assert plain(node) == {"uid": "RxNorm:5640", "name": "ibuprofen", "atc": ["M01AE01"]}
    assert plain([node, None, (1, 2.5, True)]) == [plain(node), None, [1, 2.5, True]]
    value = plain({"n": {"deep": (1, {"x": "y"})}})
    assert value == {"n": {"deep": [1, {"x": "y"}]}}
    assert isinstance(value["n"]["deep"], list)


def test_plain_converts_a_real_driver_node() -> None:
    from neo4j.graph import Graph, Node

    node = Node(Graph(), "4:x:7", 7, {"Drug"}, {"uid": "RxNorm:1", "name": "x"})
    assert plain(node) == {"uid": "RxNorm:1", "name": "x"}


# -- error mapping -------------------------------------------------------------------
def test_redact_uri() -> None:
    assert redact_uri(URI) == "neo4j://kg:***@db.example.org:7687"
    assert redact_uri("bolt://localhost:7687") == "bolt://localhost:7687"
    assert redact_uri("neo4j+s://:pw@h") == "neo4j+s://***@h"


def test_service_unavailable_is_retryable_and_hides_the_password() -> None:
    exc = nx.ServiceUnavailable(f"Couldn't connect to {URI}: connection refused (s3cr3t-pw)")
    err = wrap_neo4j_error(exc, None, URI, secret="s3cr3t-pw")
    assert isinstance(err, StoreUnavailable)
    assert err.retryable
    assert "s3cr3t-pw" not in str(err)
    assert "neo4j://kg:***@db.example.org:7687" in str(err)


def test_auth_error_is_unavailable_not_retryable() -> None:
    exc = _neo4j_error("Neo.ClientError.Security.Unauthorized", "bad credentials")
    err = wrap_neo4j_error(exc, None, "bolt://h:7687", secret="pw")
    assert isinstance(err, StoreUnavailable) and not err.retryable
    assert "refused the credentials" in str(err)


def test_transient_error_is_a_retryable_query_error(registry: QueryRegistry) -> None:
    q = registry.get("merge_probe")
    exc = _neo4j_error("Neo.TransientError.Transaction.DeadlockDetected", "deadlock")
    err = wrap_neo4j_error(exc, q, "bolt://h:7687")
    assert isinstance(err, QueryError)
    assert err.retryable
    assert err.query == "merge_probe" and err.line == q.body_line
    assert "Neo.TransientError.Transaction.DeadlockDetected: deadlock" in str(err)


def test_syntax_error_names_the_file_line(registry: QueryRegistry) -> None:
    q = registry.get("create_probes")
    exc = _neo4j_error(
        "Neo.ClientError.Statement.SyntaxError",
        "Invalid input 'X': expected an expression (line 3, column 5 (offset: 40))",
    )
    err = wrap_neo4j_error(exc, q, "bolt://h:7687")
    assert isinstance(err, QueryError) and not err.retryable
    assert err.line == q.body_line + 2
    assert str(err).startswith(f"{q.path}:{q.body_line + 2}: Neo.ClientError.Statement.SyntaxError")


def test_driver_side_errors_keep_their_type_name(registry: QueryRegistry) -> None:
    err = wrap_neo4j_error(TypeError("Values of type X are not supported"), None, "bolt://h")
    assert isinstance(err, QueryError)
    assert "TypeError: Values of type X are not supported" in str(err)


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("http://db:7474", "has scheme 'http'"),
        ("bolt://user:pw123@db:7687", "not usable"),
    ],
)
def test_bad_uri_is_a_config_error(registry: QueryRegistry, uri: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as err:
        Neo4jStore(registry, uri, password="pw123")
    assert "pw123" not in str(err.value)


# -- routing through the driver ------------------------------------------------------
class FakeRecord(dict[str, Any]):
    pass


class FakeTx:
    def __init__(self, log: list[tuple[str, dict[str, Any]]], fail_on: str | None) -> None:
        self.log = log
        self.fail_on = fail_on

    def run(self, text: str, params: dict[str, Any] | None = None) -> list[FakeRecord]:
        self.log.append((text, dict(params or {})))
        if self.fail_on and self.fail_on in text:
            raise _neo4j_error("Neo.ClientError.Statement.ArithmeticError", "/ by zero")
        return [FakeRecord(value=nt.Date(2026, 1, 2), n=NodeLike({"uid": "x"}))]


class FakeSession:
    def __init__(self, driver: FakeDriver) -> None:
        self.driver = driver

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute_read(self, work: Any) -> Any:
        self.driver.calls.append("read")
        return work(FakeTx(self.driver.log, self.driver.fail_on))

    def execute_write(self, work: Any) -> Any:
        self.driver.calls.append("write")
        return work(FakeTx(self.driver.log, self.driver.fail_on))

    def run(self, text: str) -> Any:
        self.driver.calls.append("auto")
        self.driver.log.append((text, {}))
        return self

    def consume(self) -> None:
        return None


class FakeDriver:
    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[str] = []
        self.log: list[tuple[str, dict[str, Any]]] = []
        self.fail_on = fail_on
        self.databases: list[str] = []
        self.closed = False

    def session(self, database: str, bookmark_manager: Any = None) -> FakeSession:
        assert bookmark_manager is not None  # read-your-writes across sessions
        self.databases.append(database)
        return FakeSession(self)

    def close(self) -> None:
        self.closed = True


def test_reads_and_writes_use_managed_transactions(registry: QueryRegistry) -> None:
    drv = FakeDriver()
    store = Neo4jStore(registry, "bolt://h:7687", database="twin", driver=drv)
    rows = store.read("get_probe", {"uid": "x"})
    store.write("merge_probe", {"uid": "x", "value": 1})
    assert drv.calls == ["read", "write"]
    assert drv.databases == ["twin", "twin"]
    assert drv.log[0] == (registry.get("get_probe").text, {"uid": "x"})
    assert rows == [{"value": "2026-01-02", "n": {"uid": "x"}}]
    store.close()
    assert drv.closed


def test_unit_of_work_is_one_write_transaction(registry: QueryRegistry) -> None:
    drv = FakeDriver(fail_on="100 / row.divisor")
    store = Neo4jStore(registry, "bolt://h:7687", driver=drv)
    assert len(store.unit_of_work([("get_probe", {"uid": "a"}), ("count_probes", {})])) == 2
    assert drv.calls == ["write"]
    with pytest.raises(QueryError, match="ArithmeticError") as err:
        store.unit_of_work(
            [
                ("merge_probe", {"uid": "a", "value": 1}),
                ("fail_probe", {"rows": [{"uid": "b", "divisor": 0}]}),
            ]
        )
    assert err.value.query == "fail_probe"
    assert drv.calls == ["write", "write"]


def test_schema_statements_run_as_written(registry: QueryRegistry) -> None:
    drv = FakeDriver()
    store = Neo4jStore(registry, "bolt://h:7687", driver=drv)
    applied = store.apply_schema()
    items = schema_items(registry)
    assert [text for text, _ in drv.log] == [i.statement for i in items]
    assert set(drv.calls) == {"auto"}
    assert applied == [f"{i.kind} {i.label}.{i.prop}" for i in items]
    first = items[0]
    assert first.statement.startswith(f"CREATE CONSTRAINT {first.name} IF NOT EXISTS FOR (n:")


def test_schema_translation_rejects_other_ddl(tmp_path: Path) -> None:
    from kg.errors import RegistryError

    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "bad_schema.cypher").write_text(
        "// name: bad_schema\n// purpose: x\n// mode: ddl\n// returns: nothing\n"
        "CREATE INDEX a IF NOT EXISTS FOR (n:A) ON (n.x);\nDROP INDEX a;\n"
    )
    reg = QueryRegistry.load(tmp_path)
    with pytest.raises(RegistryError, match=r"bad_schema.cypher: statement 2 is not a supported"):
        schema_items(reg)
