"""Constraints and indexes, declared once in ``queries/schema/*.cypher`` (Neo4j 5 DDL).

Only two statement forms are allowed, so each engine can apply them idempotently::

    CREATE CONSTRAINT name IF NOT EXISTS FOR (n:Label) REQUIRE n.prop IS UNIQUE;
    CREATE INDEX name IF NOT EXISTS FOR (n:Label) ON (n.prop);

Neo4j runs them as written; the embedded engine gets an exact-match index for each, plus a
unique constraint (``GRAPH.CONSTRAINT``) for the first form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.errors import RegistryError
from kg.store.registry import Query, QueryRegistry

__all__ = ["SchemaItem", "schema_items"]

_CONSTRAINT = re.compile(
    r"^CREATE CONSTRAINT (\w+) IF NOT EXISTS FOR \(n:(\w+)\) REQUIRE n\.(\w+) IS UNIQUE$"
)
_INDEX = re.compile(r"^CREATE INDEX (\w+) IF NOT EXISTS FOR \(n:(\w+)\) ON \(n\.(\w+)\)$")


@dataclass(frozen=True)
class SchemaItem:
    """One constraint or index."""

    kind: str  # "unique" | "index"
    name: str
    label: str
    prop: str
    statement: str


def _items(q: Query) -> list[SchemaItem]:
    out = []
    for n, raw in enumerate(q.text.split(";")):
        stmt = " ".join(raw.split())
        if not stmt:
            continue
        if m := _CONSTRAINT.match(stmt):
            out.append(SchemaItem("unique", m[1], m[2], m[3], stmt))
        elif m := _INDEX.match(stmt):
            out.append(SchemaItem("index", m[1], m[2], m[3], stmt))
        else:
            raise RegistryError(
                f"{q.path}: statement {n + 1} is not a supported constraint or index: {stmt!r}"
            )
    return out


def schema_items(registry: QueryRegistry) -> list[SchemaItem]:
    """Every constraint and index of every ``ddl`` query."""
    items: list[SchemaItem] = []
    for q in registry:
        if q.mode == "ddl":
            items.extend(_items(q))
    return items
