"""Turn engine results and parameters into the plain values both engines share.

Results: str, int, float, bool, None, list and dict only. Times travel as ISO-8601 UTC
strings, since the embedded engine has no temporal type.

Parameters are checked here, once, so that both engines accept exactly the same values:
str (no NUL character), int (64-bit), float (finite), bool, None, lists and maps of those
(map keys non-empty, without a backtick), plus ``datetime``/``date`` (sent as ISO strings)
and tuples/sets (sent as lists). Anything else is refused rather than turned into text: the
embedded client would otherwise splice ``str(value)`` into the statement.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["ParamValueError", "iso_utc", "plain", "plain_params"]

_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1


class ParamValueError(ValueError):
    """A parameter value neither engine can take unchanged; ``where`` locates it."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


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
    """Parameters as plain values: dates become ISO strings, tuples lists.

    Raises:
        ParamValueError: a value (or a nested one) is of a type or range neither engine
            stores unchanged; ``where`` names it, e.g. ``$rows[3].uid``.
    """
    return {key: _param(value, f"${key}") for key, value in params.items()}


def _param(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise ParamValueError(where, f"integer {value} does not fit in 64 bits")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParamValueError(where, f"float {value} is not finite (NaN and ±inf unsupported)")
        return value
    if isinstance(value, str):
        if "\x00" in value:
            raise ParamValueError(where, "string contains a NUL character")
        return value
    if isinstance(value, dt.datetime | dt.date):
        return iso_utc(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str) or not k or "`" in k:
                raise ParamValueError(
                    where, f"map key {k!r} is not allowed (keys are non-empty strings without `)"
                )
            out[k] = _param(v, f"{where}.{k}")
        return out
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [_param(v, f"{where}[{i}]") for i, v in enumerate(items)]
    raise ParamValueError(
        where,
        f"type {type(value).__name__} is not supported "
        "(use str, int, float, bool, None, list, dict, date or datetime)",
    )
