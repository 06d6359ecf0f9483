"""Shared twin-time semantics: ids, dates, age, and when a medication or condition is active."""

from __future__ import annotations

import pytest

from kg.errors import ValidationError
from kg.types import (
    ACTIVE_MED_STATUSES,
    age_at,
    condition_active,
    epoch_of,
    medication_active,
    patient_uid,
)

T = epoch_of("2026-06-15")
DAY = 86_400


def test_patient_uid_and_epoch_of() -> None:
    assert patient_uid(" 42 ") == "Patient/42" == patient_uid("Patient/42")
    assert epoch_of("2026-06-15") == epoch_of("2026-06-15T00:00:00Z") == 1_781_481_600
    assert epoch_of("2026-06-15T02:00:00+02:00") == T
    with pytest.raises(ValidationError, match=r"asOf='15/06/2026' is not an ISO-8601 date"):
        epoch_of("15/06/2026", field="asOf")


def test_age_at_counts_whole_years_to_the_birthday() -> None:
    assert age_at("1960-06-15", T) == 66
    assert age_at("1960-06-16", T) == 65  # the birthday is tomorrow
    assert age_at("1960-06-16T08:00:00Z", T) == 65
    assert age_at(None, T) is None
    assert age_at("not a date", T) is None


@pytest.mark.parametrize(
    ("row", "active"),
    [
        ({"status": "active"}, True),
        ({"status": "unknown"}, True),  # may be taken: checked for safety
        ({"status": None}, True),
        ({"status": "completed"}, False),
        ({"status": "stopped"}, False),
        ({"status": "entered-in-error", "end_epoch": T + DAY}, False),
        ({"status": "active", "start_epoch": T + DAY}, False),  # not started yet
        ({"status": "active", "end_epoch": T - DAY}, False),
        ({"status": "completed", "end_epoch": T + DAY}, True),  # was still running then
    ],
)
def test_medication_active(row: dict[str, object], active: bool) -> None:
    assert medication_active(row, T) is active


def test_every_open_status_is_active() -> None:
    assert all(medication_active({"status": s}, T) for s in ACTIVE_MED_STATUSES)


@pytest.mark.parametrize(
    ("row", "active"),
    [
        ({"clinical_status": "active"}, True),
        ({"clinical_status": "active", "onset_epoch": T + DAY}, False),
        ({"clinical_status": "resolved"}, False),
        ({"clinical_status": "resolved", "abatement_epoch": T + DAY}, True),
        # resolved since, but it had not begun yet then
        (
            {"clinical_status": "resolved", "onset_epoch": T + DAY, "abatement_epoch": T + 9 * DAY},
            False,
        ),
        ({"clinical_status": "active", "abatement_epoch": T - DAY}, False),
        ({"clinical_status": None}, True),
    ],
)
def test_condition_active(row: dict[str, object], active: bool) -> None:
    assert condition_active(row, T) is active
