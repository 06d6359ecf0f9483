"""The store contract: what every engine behind ``GraphStore`` must do the same way.

Runs on the embedded engine always, and on a real Neo4j when ``KGTWIN_NEO4J_URI`` is set.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from kg.errors import QueryError, UnknownQuery
from kg.store import GraphStore, QueryRegistry
from tests.store.conftest import MakeStore

STRINGS = [
    "",
    "plain",
    'it\'s "quoted"',
    "back\\slash \\n not a newline, ends with \\",
    "line one\nline two\r\nthree\ttab",
    "unicode: ü ß é 日本語 Ω, emoji 😀, line sep \u2028",
    "looks like cypher: $value }) RETURN 1 // -- /* */ `tick`",
    "\x01 control \x1f",
]
INTS = [0, 1, -1, 2**31, 2**53 + 1, 2**62, 2**63 - 1, -(2**63)]
FLOATS = [0.5, -2.25, 0.0, 1e-7, 1e300, -1.5e-300, 123456.789012345, 0.1]
OTHER: list[Any] = [
    True,
    False,
    None,
    [],
    [1, 2, 3],
    ["a", "b'c", "d\ne"],
    [1, "two", 3.5, None, True],
    [[1, 2], [], [["deep"]]],
    {},
    {"a": 1, "b": "two", "c": None, "d": [1, 2], "e": {"f": {"g": [True, {"h": 0.5}]}}},
    {"key with space": 1, "@type": "x", "ü": "unicode key"},
    [{"uid": "x", "n": 1}, {"uid": "y", "n": 2}],
]


def _same(a: Any, b: Any) -> bool:
    """Equal in value AND type (True is not 1, 1.0 is not 1)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


@pytest.mark.parametrize("value", STRINGS + INTS + FLOATS + OTHER, ids=repr)
def test_parameter_round_trip(contract_store: GraphStore, value: Any) -> None:
    rows = contract_store.read("echo_value", {"value": value})
    assert len(rows) == 1
    assert _same(rows[0]["value"], value), rows


def test_float_precision(contract_store: GraphStore) -> None:
    # Stored exactly on both engines; the embedded engine returns 15 significant digits.
    for value in (1 / 3, math.pi, 2**0.5 * 1e-200):
        got = contract_store.read("echo_value", {"value": value})[0]["value"]
        assert isinstance(got, float)
        assert math.isclose(got, value, rel_tol=1e-14), (got, value)


def test_dates_travel_as_iso_utc_strings(contract_store: GraphStore) -> None:
    when = dt.datetime(2026, 9, 30, 14, 5, 6, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    got = contract_store.read("echo_value", {"value": [when, dt.date(2026, 9, 30)]})
    assert got[0]["value"] == ["2026-09-30T12:05:06Z", "2026-09-30"]


@pytest.mark.parametrize(
    "value",
    ["tab\tok", "x", 7, -(2**63), 2.5, True, ["a", "b"], [1, 2], [0.5, 1.5], [True, False]],
    ids=repr,
)
def test_property_round_trip(contract_store: GraphStore, value: Any) -> None:
    contract_store.write("merge_probe", {"uid": "p", "value": value})
    got = contract_store.read("get_probe", {"uid": "p"})
    assert got == [{"uid": "p", "value": value}]
    assert _same(got[0]["value"], value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (float("nan"), "not finite"),
        (float("inf"), "not finite"),
        (2**63, "64 bits"),
        (-(2**63) - 1, "64 bits"),
        ("nul\x00byte", "NUL"),
        ({"": 1}, "map key"),
        ({"a`b": 1}, "map key"),
        ([1, {"k": object()}], "type object"),
        (b"bytes", "type bytes"),
    ],
    ids=repr,
)
def test_unsupported_values_are_refused(
    contract_store: GraphStore, value: Any, problem: str
) -> None:
    with pytest.raises(QueryError, match=problem) as err:
        contract_store.read("echo_value", {"value": value})
    assert "$value" in str(err.value)
    assert err.value.query == "echo_value"


def test_merge_is_idempotent(contract_store: GraphStore) -> None:
    for value in (1, 2, 2):
        assert contract_store.write("merge_probe", {"uid": "m", "value": value}) == [
            {"uid": "m", "value": value}
        ]
    assert contract_store.read("count_probes") == [{"nodes": 1, "links": 0}]
    rows = [{"uid": f"m{i}", "value": i, "next": f"m{i - 1}" if i else None} for i in range(50)]
    for _ in range(3):
        contract_store.write("create_probes", {"rows": rows})
    assert contract_store.read("count_probes") == [{"nodes": 51, "links": 49}]


def test_ten_thousand_row_batches(contract_store: GraphStore) -> None:
    n = 10_000
    rows = [{"uid": f"b{i}", "value": i, "next": f"b{i - 1}" if i else None} for i in range(n)]
    t0 = time.perf_counter()
    assert contract_store.write_batches("create_probes", rows, batch_size=n) == n
    elapsed = time.perf_counter() - t0
    print(f"one 10k-row statement: {elapsed:.2f}s ({n / elapsed:,.0f} rows/s)")
    assert contract_store.read("count_probes") == [{"nodes": n, "links": n - 1}]
    # Again in batches of 3000 (the last one short): same graph, MERGE keeps it unique.
    rows2 = [{**r, "value": -r["value"]} for r in rows]
    assert contract_store.write_batches("create_probes", rows2, batch_size=3000) == n
    assert contract_store.read("count_probes") == [{"nodes": n, "links": n - 1}]
    assert contract_store.read("get_probe_neighbours", {"uid": "b9999"}) == [
        {"uid": "b9998", "value": -9998}
    ]


def test_failing_statement_writes_nothing(contract_store: GraphStore) -> None:
    rows = [{"uid": f"f{i}", "divisor": 1} for i in range(100)] + [{"uid": "bad", "divisor": 0}]
    with pytest.raises(QueryError) as err:
        contract_store.write("fail_probe", {"rows": rows})
    q = contract_store.registry.get("fail_probe")
    assert err.value.query == "fail_probe"
    assert err.value.path == str(q.path)
    assert f"{q.path}:" in str(err.value)
    assert not err.value.retryable
    assert contract_store.read("count_probes") == [{"nodes": 0, "links": 0}]
    # The same statement without the bad row writes every row.
    assert len(contract_store.write("fail_probe", {"rows": rows[:-1]})) == 100
    assert contract_store.read("count_probes") == [{"nodes": 100, "links": 0}]


def test_unit_of_work_commits_in_order(contract_store: GraphStore) -> None:
    out = contract_store.unit_of_work(
        [
            ("merge_probe", {"uid": "u1", "value": 1}),
            ("merge_probe", {"uid": "u2", "value": 2}),
            ("count_probes", {}),
            ("get_probe", {"uid": "u2"}),
        ]
    )
    assert out == [
        [{"uid": "u1", "value": 1}],
        [{"uid": "u2", "value": 2}],
        [{"nodes": 2, "links": 0}],  # later statements see earlier ones
        [{"uid": "u2", "value": 2}],
    ]
    assert contract_store.unit_of_work([]) == []


def test_unit_of_work_runtime_failure(contract_store: GraphStore) -> None:
    with pytest.raises(QueryError) as err:
        contract_store.unit_of_work(
            [
                ("merge_probe", {"uid": "before", "value": 1}),
                ("fail_probe", {"rows": [{"uid": "inside", "divisor": 0}]}),
                ("merge_probe", {"uid": "after", "value": 1}),
            ]
        )
    assert err.value.query == "fail_probe"
    kept = {
        uid
        for uid in ("before", "inside", "after")
        if contract_store.read("get_probe", {"uid": uid})
    }
    # As documented in kg.store.base: Neo4j rolls the whole unit back; FalkorDB's
    # MULTI/EXEC keeps every statement but the failing one, which itself leaves nothing.
    if contract_store.engine == "neo4j":
        assert kept == set()
    else:
        assert kept == {"before", "after"}


@pytest.mark.parametrize(
    "bad",
    [
        ("no_such_query", {}),
        ("merge_probe", {"uid": "x"}),
        ("merge_probe", {"uid": 5, "value": 1}),
        ("merge_probe", {"uid": "x", "value": 1, "extra": 2}),
        ("schema", {}),
    ],
    ids=["unknown", "missing", "mistyped", "extra", "ddl"],
)
def test_malformed_unit_writes_nothing(contract_store: GraphStore, bad: Any) -> None:
    with pytest.raises((QueryError, UnknownQuery)):
        contract_store.unit_of_work([("merge_probe", {"uid": "first", "value": 1}), bad])
    assert contract_store.read("count_probes") == [{"nodes": 0, "links": 0}]


def test_eight_threads(contract_store: GraphStore) -> None:
    per_thread = 40
    start = threading.Barrier(8)

    def work(t: int) -> list[str]:
        start.wait()
        problems = []
        for i in range(per_thread):
            uid = f"t{t}-{i}"
            contract_store.write("merge_probe", {"uid": uid, "value": i})
            got = contract_store.read("get_probe", {"uid": uid})
            if got != [{"uid": uid, "value": i}]:
                problems.append(f"{uid}: {got}")
            # Every thread also upserts the same shared nodes: MERGE must not duplicate them.
            contract_store.write("merge_probe", {"uid": f"shared-{i % 5}", "value": t})
        contract_store.unit_of_work([("count_probes", {}), ("get_probe", {"uid": f"t{t}-0"})])
        return problems

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(8)))
    assert [p for r in results for p in r] == []
    assert contract_store.read("count_probes") == [{"nodes": 8 * per_thread + 5, "links": 0}]


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("get_probe", {}, r"missing parameter\(s\) \$uid \(declared: uid\)"),
        ("get_probe", {"uid": "x", "other": 1}, r"unexpected parameter\(s\) other"),
        ("get_probe", {"uid": 3}, r"\$uid must be a string, got int"),
        ("create_probes", {"rows": "x"}, r"\$rows must be a list<map>, got str"),
        ("create_probes", {"rows": [1]}, r"\$rows must be a map, got int"),
        ("echo_value", {"value": 1, "uid": 1}, r"unexpected parameter\(s\) uid"),
    ],
)
def test_parameter_errors(
    contract_store: GraphStore, name: str, params: dict[str, Any], message: str
) -> None:
    q = contract_store.registry.get(name)
    with pytest.raises(QueryError, match=message) as err:
        contract_store.run(name, params)
    assert err.value.path == str(q.path)


def test_mode_and_name_errors(contract_store: GraphStore) -> None:
    with pytest.raises(QueryError, match="is a write query; use write"):
        contract_store.read("merge_probe", {"uid": "x", "value": 1})
    with pytest.raises(QueryError, match="is a read query; use read"):
        contract_store.write("get_probe", {"uid": "x"})
    with pytest.raises(UnknownQuery, match=r"Unknown query 'get_prob'.*did you mean: get_probe"):
        contract_store.read("get_prob", {"uid": "x"})


def test_syntax_error_names_file_and_line(make_store: MakeStore, tmp_path: Path) -> None:
    path = tmp_path / "t" / "get_broken.cypher"
    path.parent.mkdir()
    path.write_text(
        "// name: get_broken\n// purpose: A statement with an error on its third line.\n"
        "// mode: read\n// param uid: string\n// returns: uid: string\n"
        "MATCH (n:Probe {uid: $uid})\nWITH n\nRETURN n.uid AS uid,, 1\n",
        encoding="utf-8",
    )
    store = make_store(QueryRegistry.load(tmp_path))
    with pytest.raises(QueryError) as err:
        store.read("get_broken", {"uid": "line\none\ntwo"})  # newlines must not shift lines
    assert err.value.line == 8, err.value
    assert str(err.value).startswith(f"{path}:8: ")


def test_health(contract_store: GraphStore) -> None:
    info = contract_store.health()
    assert info["ok"] is True, info
    assert info["engine"] == contract_store.engine
    version = info.get("falkordb_version") or info.get("server_agent")
    assert version, info


def test_reads_after_clear(contract_store: GraphStore) -> None:
    if contract_store.engine != "falkordb":
        pytest.skip("clear() would empty the whole Neo4j database the caller lent us")
    contract_store.write("merge_probe", {"uid": "c", "value": 1})
    contract_store.clear()
    # The graph no longer exists: reads answer as on an empty graph, writes recreate it.
    assert contract_store.read("count_probes") == [{"nodes": 0, "links": 0}]
    assert contract_store.read("echo_value", {"value": 1}) == [{"value": 1}]
    contract_store.write("merge_probe", {"uid": "c", "value": 2})
    assert contract_store.read("get_probe", {"uid": "c"}) == [{"uid": "c", "value": 2}]
