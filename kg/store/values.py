"""Turn engine results and parameters into the plain values both engines share.

Results: str, int, float, bool, None, list and dict only. Times travel as ISO-8601 UTC
strings, since the embedded engine has no temporal type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

__all__ = ["iso_utc", "plain", "plain_params"]


def iso_utc(value: dt.datetime | dt.date) -> str:
    """ISO-8601 text; datetimes in UTC with a ``Z`` suffix, naive ones taken as UTC."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def plain(value: Any) -> Any:
    """Convert one result value (any engine) to plain Python."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return iso_utc(value)
    # neo4j.time types expose to_native(); graph objects expose their properties.
    to_native = getattr(value, "to_native", None)
    if callable(to_native):
        native = to_native()
        if isinstance(native, dt.datetime | dt.date):
            return iso_utc(native)
        return str(native)
    props = getattr(value, "properties", None)
    if isinstance(props, Mapping):
        return plain(props)
    if hasattr(value, "items") and callable(value.items):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as plain values: dates become ISO strings, tuples lists."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        out[key] = _param(value)
    return out


def _param(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return iso_utc(value)
    if isinstance(value, Mapping):
        return {str(k): _param(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_param(v) for v in value]
    return value
