"""GraphStore over a real Neo4j 5 (or cluster) through the official ``neo4j`` driver."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kg.errors import QueryError, StoreError, StoreUnavailable
from kg.store.base import GraphStore, Row
from kg.store.registry import Query, QueryRegistry
from kg.store.schema import schema_items
from kg.store.values import plain

__all__ = ["Neo4jStore", "redact_uri", "wrap_neo4j_error"]

_LINE = re.compile(r"line (\d+)")


def redact_uri(uri: str) -> str:
    """The URI without any password (``neo4j://user:***@host``)."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else "***@"
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def wrap_neo4j_error(exc: Exception, q: Query | None, uri: str) -> StoreError:
    """Map a driver exception to a kgtwin error, once, at the store boundary."""
    from neo4j import exceptions as nx

    if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired | OSError):
        return StoreUnavailable(f"Neo4j at {redact_uri(uri)} is unreachable: {exc}", retryable=True)
    if isinstance(exc, nx.AuthError):
        return StoreUnavailable(f"Neo4j at {redact_uri(uri)} refused the credentials: {exc}")
    retryable = isinstance(exc, nx.TransientError)
    msg = getattr(exc, "message", None) or str(exc)
    m = _LINE.search(msg)
    line = q.file_line(int(m.group(1))) if (q and m) else (q.body_line if q else None)
    code = getattr(exc, "code", None)
    text = f"{code}: {msg}" if code else msg
    return QueryError(
        text,
        query=q.name if q else None,
        path=str(q.path) if q else None,
        line=line,
        retryable=retryable,
    )


class Neo4jStore(GraphStore):
    """A Neo4j 5 database reached over Bolt (``bolt://``, ``neo4j://`` routing, ``+s`` TLS)."""

    engine = "neo4j"

    def __init__(
        self,
        registry: QueryRegistry,
        uri: str,
        *,
        user: str = "neo4j",
        password: str | None = None,
        database: str = "neo4j",
        driver: Any = None,
    ) -> None:
        super().__init__(registry)
        self.uri = uri
        self.database = database
        if driver is None:
            from neo4j import GraphDatabase

            try:
                driver = GraphDatabase.driver(uri, auth=(user, password or ""))
            except Exception as exc:
                raise wrap_neo4j_error(exc, None, uri) from exc
        self._driver = driver

    def _execute(self, q: Query, params: dict[str, Any], *, write: bool) -> list[Row]:
        def work(tx: Any) -> list[Row]:
            result = tx.run(q.text, params)
            return [{k: plain(v) for k, v in rec.items()} for rec in result]

        try:
            with self._driver.session(database=self.database) as session:
                if write:
                    return session.execute_write(work)  # type: ignore[no-any-return]
                return session.execute_read(work)  # type: ignore[no-any-return]
        except Exception as exc:
            raise wrap_neo4j_error(exc, q, self.uri) from exc

    def _execute_unit(self, prepared: list[tuple[Query, dict[str, Any]]]) -> list[list[Row]]:
        current: list[Query | None] = [None]

        def work(tx: Any) -> list[list[Row]]:
            out = []
            for q, params in prepared:
                current[0] = q
                result = tx.run(q.text, params)
                out.append([{k: plain(v) for k, v in rec.items()} for rec in result])
            return out

        try:
            with self._driver.session(database=self.database) as session:
                return session.execute_write(work)  # type: ignore[no-any-return]
        except Exception as exc:
            raise wrap_neo4j_error(exc, current[0], self.uri) from exc

    def apply_schema(self) -> list[str]:
        applied = []
        with self._driver.session(database=self.database) as session:
            for item in schema_items(self.registry):
                try:
                    session.run(item.statement).consume()
                except Exception as exc:
                    raise wrap_neo4j_error(exc, None, self.uri) from exc
                applied.append(f"{item.kind} {item.label}.{item.prop}")
        return applied

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "engine": self.engine,
            "location": redact_uri(self.uri),
            "database": self.database,
        }
        try:
            self._driver.verify_connectivity()
            sinfo = self._driver.get_server_info()
            info.update(ok=True, server_agent=sinfo.agent, protocol=str(sinfo.protocol_version))
        except Exception as exc:
            info.update(ok=False, error=str(wrap_neo4j_error(exc, None, self.uri)))
        return info

    def clear(self) -> None:
        try:
            with self._driver.session(database=self.database) as session:
                # CALL IN TRANSACTIONS needs an implicit (auto-commit) transaction.
                session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS").consume()
        except Exception as exc:
            raise wrap_neo4j_error(exc, None, self.uri) from exc

    def close(self) -> None:
        self._driver.close()
