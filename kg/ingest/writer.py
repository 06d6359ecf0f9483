"""The one write path of the twin: every change goes through the ``write_twin`` statement."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kg.store import GraphStore

__all__ = ["write_twin"]

_LISTS = (
    "patients", "conditions", "medications", "med_drugs", "allergies", "allergy_substances",
    "observations", "latest", "genotypes", "events",
)  # fmt: skip


def write_twin(store: GraphStore, **rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Write the given row lists (others empty) in one atomic statement; return its counts."""
    unknown = set(rows) - set(_LISTS)
    if unknown:
        raise TypeError(f"unknown row list(s) {sorted(unknown)} (known: {', '.join(_LISTS)})")
    params = {name: list(rows.get(name, ())) for name in _LISTS}
    result = store.write("write_twin", params)
    return {k: int(v) for k, v in result[0].items()} if result else {}
