"""Observation streams: append one measurement at a time, at a cost independent of history."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from kg.errors import NotFound, ValidationError
from kg.ingest.times import parse_instant
from kg.store import GraphStore

__all__ = ["append_observation", "parse_stream_line"]

_LOINC = re.compile(r"^\d{1,7}-\d$")


def append_observation(
    store: GraphStore,
    patient_id: str,
    loinc: str,
    value: float | str,
    unit: str | None,
    effective: str | float | dt.datetime | dt.date,
    *,
    display: str | None = None,
    category: str | None = None,
) -> str:
    """Append one observation (e.g. a wearable's heart rate, a daily eGFR) to a twin.

    The observation's uid is ``Observation/<patient>/<loinc>/<epoch>``: replaying a stream is
    idempotent, and two values of one code in the same second keep the last. The patient's
    LATEST_OBSERVATION edge for the code moves when the value is the newest.

    Returns:
        The uid of the stored observation.

    Raises:
        ValidationError: a malformed LOINC code, value or time.
        NotFound: no such patient.
    """
    problems = []
    if not isinstance(loinc, str) or not _LOINC.match(loinc):
        problems.append(f"loinc: found {loinc!r}, expected a LOINC code such as 33914-3")
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        problems.append(f"value: found {value!r}, expected a number or a text")
    try:
        when = parse_instant(effective)
    except (TypeError, ValueError, OverflowError, OSError):
        problems.append(f"effective: found {effective!r}, expected an ISO-8601 date-time")
    if problems:
        raise ValidationError("observation rejected", problems)
    numeric = isinstance(value, int | float)
    uid = f"Observation/{patient_id}/{loinc}/{when.epoch}"
    props: dict[str, Any] = {
        "loinc": loinc,
        "display": display,
        "value": float(value) if numeric else None,
        "value_text": None if numeric else str(value),
        "unit": unit,
        "effective": when.iso,
        "effective_epoch": when.epoch,
        "category": category,
    }
    rows = store.write(
        "append_twin_observation",
        {
            "patient_uid": f"Patient/{patient_id}",
            "uid": uid,
            "loinc": loinc,
            "epoch": when.epoch,
            "props": props,
        },
    )
    if not rows:
        raise NotFound(f"Unknown patient {patient_id!r}: no twin Patient/{patient_id}")
    return uid


def parse_stream_line(line: str, number: int) -> dict[str, Any]:
    """One JSON line of ``kgtwin ingest-stream``: patient, loinc, value, unit, effective."""
    try:
        obj = json.loads(line)
    except ValueError as exc:
        raise ValidationError(f"line {number}: not JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise ValidationError(f"line {number}: found {type(obj).__name__}, expected a JSON object")
    missing = [k for k in ("patient", "loinc", "value", "effective") if k not in obj]
    if missing:
        raise ValidationError(
            f"line {number}: missing {', '.join(missing)} "
            "(expected patient, loinc, value, unit, effective)"
        )
    return obj
