"""GraphStore over a real Neo4j 5 (or cluster) through the official ``neo4j`` driver."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from kg.errors import ConfigError, QueryError, StoreError, StoreUnavailable
from kg.store.base import GraphStore, Row
from kg.store.registry import Query, QueryRegistry
from kg.store.schema import schema_items
from kg.store.values import plain

__all__ = ["Neo4jStore", "redact_uri", "wrap_neo4j_error"]

_LINE = re.compile(r"line (\d+)")
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


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


def _scrub(text: str, uri: str, secret: str | None) -> str:
    """``text`` with the URI's password and ``secret`` replaced by ``***``."""
    for s in (urlsplit(uri).password, secret):
        if s:
            text = text.replace(s, "***")
    return text.replace(uri, redact_uri(uri))


def wrap_neo4j_error(
    exc: Exception, q: Query | None, uri: str, *, secret: str | None = None
) -> StoreError:
    """Map a driver exception to a kgtwin error, once, at the store boundary.

    Args:
        exc: what the driver raised.
        q: the query that ran, if any (its file and line go into the message).
        uri: the configured URI; only its redacted form appears in messages.
        secret: the password, scrubbed from any message that might echo it.
    """
    from neo4j import exceptions as nx

    where = redact_uri(uri)
    detail = _scrub(str(exc), uri, secret)
    if isinstance(exc, nx.ServiceUnavailable | nx.SessionExpired | OSError):
        return StoreUnavailable(f"Neo4j at {where} is unreachable: {detail}", retryable=True)
    if isinstance(exc, nx.AuthError):
        return StoreUnavailable(f"Neo4j at {where} refused the credentials: {detail}")
    retryable = isinstance(exc, nx.TransientError)
    server = exc if isinstance(exc, nx.Neo4jError) else None
    msg = _scrub((server.message if server else None) or str(exc), uri, secret)
    m = _LINE.search(msg)
    line = q.file_line(int(m.group(1))) if (q and m) else (q.body_line if q else None)
    code = server.code if server else type(exc).__name__
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
        self._secret = password
        scheme = urlsplit(uri).scheme
        if scheme not in SCHEMES:
            raise ConfigError(
                f"KGTWIN_GRAPH_URI={redact_uri(uri)!r} has scheme {scheme!r} "
                f"(choices: {', '.join(SCHEMES)})"
            )
        from neo4j import GraphDatabase

        if driver is None:
            from neo4j.exceptions import ConfigurationError

            try:
                driver = GraphDatabase.driver(uri, auth=(user, password or ""))
            except (ConfigurationError, ValueError) as exc:
                raise ConfigError(
                    f"KGTWIN_GRAPH_URI={redact_uri(uri)!r} is not usable: "
                    f"{_scrub(str(exc), uri, password)} "
                    "(credentials go in KGTWIN_GRAPH_USER and KGTWIN_GRAPH_PASSWORD)"
                ) from None
            except Exception as exc:
                raise wrap_neo4j_error(exc, None, uri, secret=password) from exc
        self._driver = driver
        # Shared by every session: a read sees the writes this store made before it, also
        # on a cluster where reads go to another member (causal consistency).
        self._bookmarks = GraphDatabase.bookmark_manager()

    def _session(self) -> Any:
        return self._driver.session(database=self.database, bookmark_manager=self._bookmarks)

    def _execute(self, q: Query, params: dict[str, Any], *, write: bool) -> list[Row]:
        def work(tx: Any) -> list[Row]:
            result = tx.run(q.text, params)
            return [{k: plain(v) for k, v in rec.items()} for rec in result]

        try:
            with self._session() as session:
                if write:
                    return session.execute_write(work)  # type: ignore[no-any-return]
                return session.execute_read(work)  # type: ignore[no-any-return]
        except Exception as exc:
            raise wrap_neo4j_error(exc, q, self.uri, secret=self._secret) from exc

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
            with self._session() as session:
                return session.execute_write(work)  # type: ignore[no-any-return]
        except Exception as exc:
            raise wrap_neo4j_error(exc, current[0], self.uri, secret=self._secret) from exc

    def apply_schema(self) -> list[str]:
        applied = []
        with self._session() as session:
            for item in schema_items(self.registry):
                try:
                    session.run(item.statement).consume()
                except Exception as exc:
                    raise wrap_neo4j_error(exc, None, self.uri, secret=self._secret) from exc
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
            info.update(
                ok=False, error=str(wrap_neo4j_error(exc, None, self.uri, secret=self._secret))
            )
        return info

    def clear(self) -> None:
        try:
            with self._session() as session:
                # CALL IN TRANSACTIONS needs an implicit (auto-commit) transaction.
                session.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS").consume()
        except Exception as exc:
            raise wrap_neo4j_error(exc, None, self.uri, secret=self._secret) from exc

    def close(self) -> None:
        self._driver.close()
