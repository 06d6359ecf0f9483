"""GraphStore over the embedded FalkorDB engine, spoken to with the ``falkordb`` client."""

from __future__ import annotations

import contextlib
import re
import time
from typing import Any

import redis
from falkordb import FalkorDB
from redis.backoff import NoBackoff
from redis.retry import Retry

from kg.errors import QueryError, StoreUnavailable
from kg.store.base import GraphStore, Row
from kg.store.embedded import EmbeddedEngine
from kg.store.registry import Query, QueryRegistry
from kg.store.schema import schema_items
from kg.store.values import plain

__all__ = ["FalkorStore"]

_LINE = re.compile(r"line:\s*(\d+)")
_EMPTY_KEY = "empty key"
_RETRYABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class FalkorStore(GraphStore):
    """One named graph inside an embedded engine reached on its unix socket."""

    engine = "falkordb"

    def __init__(
        self,
        registry: QueryRegistry,
        socket_path: str,
        *,
        graph_name: str = "kgtwin",
        engine: EmbeddedEngine | None = None,
    ) -> None:
        super().__init__(registry)
        self.socket_path = socket_path
        self.graph_name = graph_name
        self._engine = engine
        try:
            # One quick retry on a dropped connection (the engine restarted under a pooled
            # connection); none on timeouts, which could run a write twice.
            retry = Retry(NoBackoff(), 1, supported_errors=(redis.exceptions.ConnectionError,))
            self._db = FalkorDB(unix_socket_path=socket_path, max_connections=64, retry=retry)
            self._conn = self._db.connection
        except redis.exceptions.RedisError as exc:
            raise StoreUnavailable(
                f"cannot reach the embedded engine at unix:{socket_path}: {exc}"
            ) from exc
        self._graph = self._db.select_graph(graph_name)

    def _wrap(self, q: Query | None, exc: Exception) -> Exception:
        if isinstance(exc, _RETRYABLE):
            return StoreUnavailable(
                f"embedded engine at unix:{self.socket_path} is unreachable: {exc}", retryable=True
            )
        msg = str(exc).replace("errMsg: ", "")
        m = _LINE.search(msg)
        line = q.file_line(int(m.group(1))) if (q and m) else (q.body_line if q else None)
        return QueryError(
            msg.split(" errCtx:")[0],
            query=q.name if q else None,
            path=str(q.path) if q else None,
            line=line,
        )

    def _execute(self, q: Query, params: dict[str, Any], *, write: bool) -> list[Row]:
        try:
            if write:
                res = self._graph.query(q.text, params)
            else:
                try:
                    res = self._graph.ro_query(q.text, params)
                except redis.exceptions.ResponseError as exc:
                    if _EMPTY_KEY not in str(exc):
                        raise
                    # The graph does not exist yet (never written, or just cleared): a
                    # read-write call of the same read-only statement creates it empty.
                    res = self._graph.query(q.text, params)
        except (redis.exceptions.RedisError, OSError, ValueError) as exc:
            raise self._wrap(q, exc) from exc
        return _rows(res)

    def _execute_unit(self, prepared: list[tuple[Query, dict[str, Any]]]) -> list[list[Row]]:
        # One MULTI/EXEC: isolated, each statement atomic, no rollback across statements.
        from falkordb.query_result import QueryResult

        try:
            pipe = self._conn.pipeline(transaction=True)
            for q, params in prepared:
                text = _header(self._graph, params) + q.text
                pipe.execute_command("GRAPH.QUERY", self.graph_name, text, "--compact")
            raw = pipe.execute(raise_on_error=False)
        except (redis.exceptions.RedisError, OSError, ValueError) as exc:
            raise self._wrap(None, exc) from exc
        out: list[list[Row]] = []
        for (q, _), res in zip(prepared, raw, strict=True):
            if isinstance(res, Exception):
                raise self._wrap(q, res) from res
            out.append(_rows(QueryResult(self._graph, res)))
        return out

    def apply_schema(self) -> list[str]:
        applied = []
        existing = self._existing_indexes()
        unique = self._existing_constraints()
        for item in schema_items(self.registry):
            if (item.label, item.prop) not in existing:
                try:
                    self._graph.create_node_range_index(item.label, item.prop)
                except redis.exceptions.ResponseError as exc:
                    if "already indexed" not in str(exc):
                        raise self._wrap(None, exc) from exc
                existing.add((item.label, item.prop))
                applied.append(f"index {item.label}.{item.prop}")
            if item.kind == "unique" and (item.label, item.prop) not in unique:
                try:
                    self._conn.execute_command(
                        "GRAPH.CONSTRAINT", "CREATE", self.graph_name, "UNIQUE", "NODE",
                        item.label, "PROPERTIES", 1, item.prop,
                    )  # fmt: skip
                    applied.append(f"unique {item.label}.{item.prop}")
                except redis.exceptions.ResponseError as exc:
                    if "already exists" not in str(exc).lower():
                        raise self._wrap(None, exc) from exc
        return applied

    def _existing_constraints(self) -> set[tuple[str, str]]:
        # Engine administration, not a registry query: the schema translation lives here.
        try:
            res = self._graph.ro_query("CALL db.constraints()")
        except redis.exceptions.ResponseError:
            return set()  # no graph yet
        return {(row[1], p) for row in res.result_set if row[0] == "UNIQUE" for p in row[2]}

    def _existing_indexes(self) -> set[tuple[str, str]]:
        try:
            res = self._graph.ro_query("CALL db.indexes() YIELD label, properties")
        except redis.exceptions.ResponseError:
            return set()
        out = set()
        for label, props in res.result_set:
            for p in props:
                out.add((label, p))
        return out

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "engine": self.engine,
            "location": f"unix:{self.socket_path}",
            "graph": self.graph_name,
        }
        try:
            self._conn.ping()
            mods = self._conn.execute_command("MODULE", "LIST")
            ver = next((m[3] for m in mods if m[1] in (b"graph", "graph")), None)
            srv = self._conn.info("server")
            info.update(
                ok=True,
                falkordb_version=_module_version(ver),
                redis_version=srv.get("redis_version"),
                persistence=_persistence(self._conn.config_get("append*")),
            )
        except (redis.exceptions.RedisError, OSError) as exc:
            info.update(ok=False, error=str(exc))
        return info

    def copy(self, graph_name: str) -> FalkorStore:
        """A store on a copy of this graph (``GRAPH.COPY``): fast fresh fixtures for tests.

        ``GRAPH.COPY`` forks; when another fork (an append-only-file rewrite, or the child of
        the previous copy, which the engine reaps only after answering) is still alive,
        FalkorDB 4.16 fails the copy and hangs. So the first copy turns automatic rewrites off
        on this engine, and every copy waits until no fork is in progress, before and after.
        """
        try:
            self._conn.config_set("auto-aof-rewrite-percentage", 0)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if not _fork_busy(self._conn.info("persistence")):
                    break
                time.sleep(0.01)
            self._conn.execute_command("GRAPH.COPY", self.graph_name, graph_name)
            # GRAPH.COPY answers before its forked child is reaped; a second fork started
            # meanwhile fails ("Can't fork for module: File exists") and hangs the engine.
            while time.monotonic() < deadline:
                if not _fork_busy(self._conn.info("persistence")):
                    break
                time.sleep(0.005)
        except redis.exceptions.RedisError as exc:
            raise self._wrap(None, exc) from exc
        return FalkorStore(self.registry, self.socket_path, graph_name=graph_name)

    def clear(self) -> None:
        with contextlib.suppress(redis.exceptions.ResponseError):  # no graph yet: nothing to do
            self._graph.delete()
        self._graph = self._db.select_graph(self.graph_name)

    def close(self) -> None:
        try:
            self._conn.close()
        finally:
            if self._engine is not None and self._engine.owned:
                self._engine.stop()


def _fork_busy(info: dict[str, Any]) -> bool:
    return bool(
        info.get("aof_rewrite_in_progress")
        or info.get("aof_rewrite_scheduled")
        or info.get("module_fork_in_progress")
        or info.get("rdb_bgsave_in_progress")
    )


def _header(graph: Any, params: dict[str, Any]) -> str:
    """The ``CYPHER name=value ...`` prefix through which the client sends parameters."""
    return str(graph._build_params_header(params))


def _persistence(cfg: dict[str, str]) -> str:
    if cfg.get("appendonly") != "yes":
        return "off"
    return f"append-only file, fsync {cfg.get('appendfsync', '?')}"


def _module_version(v: Any) -> str | None:
    if not isinstance(v, int):
        return None
    return f"{v // 10000}.{(v // 100) % 100}.{v % 100}"


def _rows(res: Any) -> list[Row]:
    header = [h[1] if isinstance(h, list | tuple) else h for h in (res.header or [])]
    names = [h.decode() if isinstance(h, bytes) else str(h) for h in header]
    return [dict(zip(names, (plain(v) for v in row), strict=True)) for row in res.result_set]
