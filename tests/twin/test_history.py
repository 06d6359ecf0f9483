"""History: medication start/stop/dose changes, condition onset/abatement, twins as of a date."""

from __future__ import annotations

import pytest

from kg.errors import NotFound, ValidationError
from kg.ingest import (
    get_twin,
    ingest_bundle,
    observations,
    record_medication,
    stop_medication,
    twin_history,
)
from kg.store import GraphStore
from tests.twin.conftest import condition, lab, med_request, patient_bundle


@pytest.fixture
def twin(kb: GraphStore) -> GraphStore:
    ingest_bundle(
        kb,
        patient_bundle(
            "p1",
            [
                med_request(
                    "m1",
                    "314076",
                    "lisinopril 10 MG Oral Tablet",
                    start="2019-03-01",
                    dose="10 mg daily",
                ),
                med_request(
                    "m2",
                    "310965",
                    "Ibuprofen 200 MG Oral Tablet",
                    status="stopped",
                    start="2020-01-01",
                    end="2021-06-30",
                ),
                condition("c1", "38341003", "Hypertension", onset="2018-05-01"),
                condition(
                    "c2",
                    "44465007",
                    "Sprain of ankle",
                    onset="2020-02-01",
                    abatement="2020-03-01",
                    status="resolved",
                ),
                lab("o1", "33914-3", 72.0, "2019-01-10T08:00:00Z"),
                lab("o2", "33914-3", 58.0, "2021-01-10T08:00:00Z"),
                lab("o3", "33914-3", 44.0, "2023-01-10T08:00:00Z"),
            ],
        ),
    )
    return kb


def _codes(items: tuple[object, ...]) -> list[str]:
    return sorted(str(i.code) for i in items)


def test_twin_as_of_a_date(twin: GraphStore) -> None:
    then = get_twin(twin, "p1", as_of="2020-02-15")
    assert _codes(then.medications) == ["310965", "314076"]
    assert _codes(then.conditions) == ["38341003", "44465007"]
    assert then.lab("33914-3").value == 72.0  # type: ignore[union-attr]
    assert then.lab("33914-3").age_days == pytest.approx(401.0, abs=1)  # type: ignore[union-attr]
    later = get_twin(twin, "p1", as_of="2022-01-01")
    assert _codes(later.medications) == ["314076"]
    assert _codes(later.conditions) == ["38341003"]
    assert later.lab("33914-3").value == 58.0  # type: ignore[union-attr]
    before = get_twin(twin, "p1", as_of="2018-01-01")
    assert before.medications == () and before.conditions == () and before.labs == ()
    now = get_twin(twin, "p1")
    assert _codes(now.medications) == ["314076"] and now.lab("33914-3").value == 44.0  # type: ignore[union-attr]


def test_every_observation_is_kept_and_queryable_by_window(twin: GraphStore) -> None:
    values = [o["value"] for o in observations(twin, "p1", "33914-3")]
    assert values == [72.0, 58.0, 44.0]
    window = observations(twin, "p1", "33914-3", since="2020-01-01", until="2022-01-01")
    assert [o["value"] for o in window] == [58.0]
    with pytest.raises(ValidationError, match="since: found 'last week'"):
        observations(twin, "p1", "33914-3", since="last week")


def test_events_record_starts_stops_onsets_and_abatements(twin: GraphStore) -> None:
    kinds = [(e.kind, e.at[:10]) for e in twin_history(twin, "p1")]
    assert ("medication_started", "2019-03-01") in kinds
    assert ("medication_stopped", "2021-06-30") in kinds
    assert ("condition_onset", "2018-05-01") in kinds
    assert ("condition_abated", "2020-03-01") in kinds
    ats = [e.at for e in twin_history(twin, "p1")]
    assert ats == sorted(ats)


def test_a_changed_dose_and_a_stop_on_reingest_become_events(twin: GraphStore) -> None:
    ingest_bundle(
        twin,
        patient_bundle(
            "p1",
            [med_request("m1", "314076", "lisinopril", start="2019-03-01", dose="20 mg daily")],
        ),
    )
    changes = [e for e in twin_history(twin, "p1") if e.kind == "dose_changed"]
    assert [e.detail for e in changes] == ["10 mg daily -> 20 mg daily"]
    ingest_bundle(
        twin,
        patient_bundle(
            "p1",
            [
                med_request(
                    "m1",
                    "314076",
                    "lisinopril",
                    status="stopped",
                    start="2019-03-01",
                    dose="20 mg daily",
                )
            ],
        ),
    )
    stops = [e for e in twin_history(twin, "p1") if e.kind == "medication_stopped"]
    assert {e.resource_uid for e in stops} == {"MedicationStatement/m1", "MedicationStatement/m2"}
    assert get_twin(twin, "p1").medications == ()


def test_prescribe_and_discontinue(twin: GraphStore) -> None:
    uid = record_medication(twin, "p1", "clopidogrel", start="2024-01-01")
    assert record_medication(twin, "p1", "RxNorm:32968") == uid  # already active
    by_code = record_medication(twin, "p1", "855332", start="2024-02-01", dose="5 mg")
    meds = {m.uid: m for m in get_twin(twin, "p1").medications}
    assert meds[uid].drug_uids == ("RxNorm:32968",) and meds[uid].mapped
    assert meds[by_code].drug_uids == ("RxNorm:11289",) and meds[by_code].dose_text == "5 mg"
    assert stop_medication(twin, "p1", "warfarin", end="2024-06-01") == [by_code]
    assert by_code not in {m.uid for m in get_twin(twin, "p1").medications}
    assert by_code in {m.uid for m in get_twin(twin, "p1", as_of="2024-03-01").medications}
    kinds = [e.kind for e in twin_history(twin, "p1") if e.resource_uid == by_code]
    assert kinds == ["medication_started", "medication_stopped"]
    with pytest.raises(NotFound, match=r"No active medication 'warfarin'.*active: "):
        stop_medication(twin, "p1", "warfarin")
    with pytest.raises(NotFound, match=r"Unknown drug 'clopidogrle'.*close: clopidogrel"):
        record_medication(twin, "p1", "clopidogrle")


def test_a_new_dose_of_an_active_drug_is_a_dose_change(twin: GraphStore) -> None:
    uid = record_medication(twin, "p1", "314076", dose="20 mg daily")
    assert uid == "MedicationStatement/m1"
    changes = [e.detail for e in twin_history(twin, "p1") if e.kind == "dose_changed"]
    assert changes == ["10 mg daily -> 20 mg daily"]


def test_unknown_patient_and_bad_dates(twin: GraphStore) -> None:
    with pytest.raises(NotFound, match="Unknown patient 'zz'"):
        get_twin(twin, "zz")
    with pytest.raises(ValidationError, match="as_of: found 'soon'"):
        get_twin(twin, "p1", as_of="soon")
