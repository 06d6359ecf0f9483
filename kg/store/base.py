"""The one interface every part of kgtwin uses to reach the graph.

Guarantees, per engine:

* ``read``/``write``/``run``: one statement. Atomic on both engines: a statement that fails
  at run time leaves nothing behind (Neo4j: an auto-committed managed transaction; FalkorDB:
  one ``GRAPH.QUERY``, undone on error).
* ``unit_of_work``: several statements; every name and parameter is checked before the first
  one runs, so a malformed unit writes nothing on either engine. Neo4j: one managed write
  transaction, committed or rolled back as a whole (and retried on transient errors).
  FalkorDB: one ``MULTI``/``EXEC`` batch: no other client's command runs in between and each
  statement is atomic on its own, but a statement that fails at run time undoes neither the
  statements before it nor those after it (all of them run; the first error is raised).
  kgtwin therefore validates input fully in Python before it writes, and writes every change
  that must be all-or-nothing (a FHIR bundle, a knowledge source batch) as one statement.
* ``write_batches``: an ``UNWIND $rows`` statement run once per batch; each batch atomic,
  earlier batches stay written when a later one fails.

Parameters are plain values (see ``kg.store.values``); results are plain values too, the
same on both engines, except that the embedded engine returns floats rounded to 15
significant digits (it stores them exactly).
"""

from __future__ import annotations

import abc
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from kg.errors import QueryError
from kg.store.registry import Query, QueryRegistry
from kg.store.values import ParamValueError, plain_params

__all__ = ["GraphStore", "Row", "Statement"]

Row = dict[str, Any]
Statement = tuple[str, Mapping[str, Any]]

_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "map": (dict,),
    "any": (object,),
}


def _check_type(q: Query, name: str, declared: str, value: Any) -> None:
    if value is None or declared == "any":
        return
    if declared.startswith("list<"):
        if not isinstance(value, list):
            raise QueryError(
                f"parameter ${name} must be a {declared}, got {type(value).__name__}",
                query=q.name,
                path=str(q.path),
            )
        inner = declared[5:-1]
        for item in value[:50]:  # a sample: full checks on 10k-row batches cost too much
            _check_type(q, name, inner, item)
        return
    ok = _PY_TYPES[declared]
    if isinstance(value, bool) and declared in ("int", "float"):
        ok = ()
    if not isinstance(value, ok):
        raise QueryError(
            f"parameter ${name} must be a {declared}, got {type(value).__name__} {value!r:.60}",
            query=q.name,
            path=str(q.path),
        )


class GraphStore(abc.ABC):
    """A graph engine reached through named queries only."""

    engine: str = "?"

    def __init__(self, registry: QueryRegistry) -> None:
        self.registry = registry
        self._lock = threading.Lock()

    # -- the public surface -------------------------------------------------------------
    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a ``read`` query and return its rows as plain dicts."""
        q = self._prepare(name, params, want="read")
        return self._execute(q, self._params(q, params), write=False)

    def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a ``write`` query (one atomic statement)."""
        q = self._prepare(name, params, want="write")
        return self._execute(q, self._params(q, params), write=True)

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read or write query by its declared mode."""
        q = self._prepare(name, params, want="any")
        return self._execute(q, self._params(q, params), write=q.mode != "read")

    def unit_of_work(self, statements: Sequence[Statement]) -> list[list[Row]]:
        """Run several statements as one unit (see the module docstring for guarantees)."""
        prepared = []
        for name, params in statements:
            q = self._prepare(name, params, want="any")
            prepared.append((q, self._params(q, params)))
        if not prepared:
            return []
        return self._execute_unit(prepared)

    def write_batches(
        self,
        name: str,
        rows: Iterable[Mapping[str, Any]],
        *,
        param: str = "rows",
        batch_size: int = 5000,
        extra: Mapping[str, Any] | None = None,
    ) -> int:
        """Run ``name`` once per batch of ``rows`` (passed as ``$param``); return rows sent."""
        total = 0
        for batch in _chunks(rows, batch_size):
            params = dict(extra or {})
            params[param] = batch
            self.write(name, params)
            total += len(batch)
        return total

    # -- engine-specific ----------------------------------------------------------------
    @abc.abstractmethod
    def _execute(self, q: Query, params: dict[str, Any], *, write: bool) -> list[Row]: ...

    @abc.abstractmethod
    def _execute_unit(self, prepared: list[tuple[Query, dict[str, Any]]]) -> list[list[Row]]: ...

    @abc.abstractmethod
    def apply_schema(self) -> list[str]:
        """Create the constraints and indexes of ``queries/schema`` if missing."""

    @abc.abstractmethod
    def health(self) -> dict[str, Any]:
        """Engine name, version, location and whether it answers."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship of this graph (tests, ``kgtwin db reset``)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections (and stop an engine this store started)."""

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers ------------------------------------------------------------------------
    def _prepare(self, name: str, params: Mapping[str, Any] | None, *, want: str) -> Query:
        q = self.registry.get(name)
        if q.mode == "ddl":
            raise QueryError(
                "is a ddl query; the store applies it with apply_schema()",
                query=name,
                path=str(q.path),
            )
        if want == "read" and q.mode != "read":
            raise QueryError(f"is a {q.mode} query; use write()", query=name, path=str(q.path))
        if want == "write" and q.mode == "read":
            raise QueryError("is a read query; use read()", query=name, path=str(q.path))
        return q

    def _params(self, q: Query, params: Mapping[str, Any] | None) -> dict[str, Any]:
        try:
            given = plain_params(params or {})
        except ParamValueError as exc:
            raise QueryError(f"parameter {exc}", query=q.name, path=str(q.path)) from None
        missing = sorted(set(q.params) - given.keys())
        if missing:
            raise QueryError(
                f"missing parameter(s) {', '.join('$' + m for m in missing)} "
                f"(declared: {', '.join(sorted(q.params)) or 'none'})",
                query=q.name,
                path=str(q.path),
            )
        extra = sorted(given.keys() - set(q.params))
        if extra:
            raise QueryError(
                f"unexpected parameter(s) {', '.join(extra)} "
                f"(declared: {', '.join(sorted(q.params)) or 'none'})",
                query=q.name,
                path=str(q.path),
            )
        for key, declared in q.params.items():
            _check_type(q, key, declared, given[key])
        return given


def _chunks(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(rows)
    while batch := [dict(r) for r in islice(it, size)]:
        yield batch
