"""Small domain values shared by every layer: twin identifiers, times, and what "active" means.

The safety engine, the care pathways, the twin reads and the API all decide whether a
medication or condition is active at a moment, and how old a patient is, with these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from kg.errors import ValidationError

__all__ = [
    "ACTIVE_MED_STATUSES",
    "age_at",
    "condition_active",
    "epoch_of",
    "medication_active",
    "patient_uid",
]

# FHIR MedicationRequest/Statement statuses. "unknown" counts as active: for drug safety a
# medication that may be taken is checked. Other statuses end at ``end_epoch`` if one is known.
ACTIVE_MED_STATUSES = ("active", "intended", "on-hold", "unknown")
NEVER_ACTIVE_MED_STATUSES = ("cancelled", "draft", "entered-in-error", "not-taken")
CLOSED_CONDITION_STATUSES = ("inactive", "resolved", "remission", "refuted")


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


def age_at(birth_date: str | None, at_epoch: int) -> int | None:
    """Age in whole years at ``at_epoch`` (None when the birth date is missing or unreadable)."""
    if not birth_date:
        return None
    try:
        born = dt.date.fromisoformat(birth_date[:10])
    except ValueError:
        return None
    at = dt.datetime.fromtimestamp(at_epoch, dt.UTC).date()
    return at.year - born.year - ((at.month, at.day) < (born.month, born.day))


def medication_active(med: Mapping[str, Any], at_epoch: int) -> bool:
    """Whether a medication row (``status``, ``start_epoch``, ``end_epoch``) is active then."""
    status = med.get("status")
    if status in NEVER_ACTIVE_MED_STATUSES:
        return False
    start = med.get("start_epoch")
    if start is not None and start > at_epoch:
        return False
    end = med.get("end_epoch")
    if end is not None:
        return bool(end > at_epoch)
    return status in ACTIVE_MED_STATUSES or status is None


def condition_active(cond: Mapping[str, Any], at_epoch: int) -> bool:
    """Whether a condition row (``clinical_status``, onset, abatement) is active then.

    A resolved condition with an abatement date was active before that date.
    """
    onset = cond.get("onset_epoch")
    if onset is not None and onset > at_epoch:
        return False  # not yet begun, whatever its status now
    abated = cond.get("abatement_epoch")
    if cond.get("clinical_status") in CLOSED_CONDITION_STATUSES:
        return abated is not None and abated > at_epoch
    return abated is None or abated > at_epoch
