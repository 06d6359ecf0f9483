"""Times on the twin: ISO-8601 UTC text plus integer epoch seconds (the graph has no time type)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kg.errors import ValidationError

__all__ = ["Instant", "instant_arg", "now", "parse_instant"]

_DATE_LEN = 10  # "2026-09-30"


@dataclass(frozen=True)
class Instant:
    """An ISO-8601 UTC text and its epoch seconds: ``2026-09-30`` and ``1790726400``."""

    iso: str
    epoch: int


def now() -> Instant:
    """The current time, to the second."""
    t = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return Instant(t.isoformat().replace("+00:00", "Z"), int(t.timestamp()))


def parse_instant(value: str | float | dt.datetime | dt.date) -> Instant:
    """Parse a FHIR date, dateTime or instant (or a Python date/datetime).

    Dates keep their form (``2019-05-01``, epoch at midnight UTC); partial FHIR dates
    (``2019`` or ``2019-05``) take the first day. Datetimes become UTC with a ``Z``; naive
    ones are taken as UTC.

    Raises:
        ValueError: the text is not a date or date-time.
    """
    if isinstance(value, dt.datetime):
        t = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return _from_datetime(t)
    if isinstance(value, dt.date):
        return _from_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_datetime(dt.datetime.fromtimestamp(value, dt.UTC))
    if not isinstance(value, str):
        raise ValueError(f"not a date or date-time: {value!r}")
    text = value.strip()
    if len(text) == 4 and text.isdigit():
        return _from_date(dt.date(int(text), 1, 1))
    if len(text) == 7 and text[4] == "-":
        return _from_date(dt.date(int(text[:4]), int(text[5:]), 1))
    if len(text) == _DATE_LEN:
        return _from_date(dt.date.fromisoformat(text))
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return _from_datetime(t)


def _from_date(d: dt.date) -> Instant:
    midnight = dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
    return Instant(d.isoformat(), int(midnight.timestamp()))


def _from_datetime(t: dt.datetime) -> Instant:
    t = t.astimezone(dt.UTC).replace(microsecond=0)
    return Instant(t.isoformat().replace("+00:00", "Z"), int(t.timestamp()))


def instant_arg(value: str | float | dt.datetime | dt.date | None, name: str) -> Instant | None:
    """Parse an optional time argument of the API.

    Raises:
        ValidationError: naming the argument and the value.
    """
    if value is None:
        return None
    try:
        return parse_instant(value)
    except (TypeError, ValueError, OverflowError, OSError):
        raise ValidationError(
            f"{name}: found {value!r}, expected an ISO-8601 date or date-time"
        ) from None
