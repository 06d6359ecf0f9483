"""Small domain values shared by every layer: twin identifiers and times."""

from __future__ import annotations

import datetime as dt

from kg.errors import ValidationError

__all__ = ["epoch_of", "patient_uid"]


def patient_uid(patient_id: str) -> str:
    """``123`` or ``Patient/123`` -> ``Patient/123``."""
    patient_id = patient_id.strip()
    return patient_id if patient_id.startswith("Patient/") else f"Patient/{patient_id}"


def epoch_of(value: str, *, field: str = "date") -> int:
    """Epoch seconds of an ISO-8601 date or date-time (UTC when no zone is given).

    Args:
        value: ``2026-09-30`` or ``2026-09-30T12:00:00Z``.
        field: the name of the input, for the error message.

    Raises:
        ValidationError: the text is not an ISO-8601 date or date-time.
    """
    text = value.strip()
    try:
        if len(text) == 10:
            d = dt.date.fromisoformat(text)
            return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp())
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(
            f"{field}={value!r} is not an ISO-8601 date or date-time "
            "(expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"
        ) from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return int(t.timestamp())
