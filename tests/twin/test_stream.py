"""Observation streams: appends move the latest value and cost the same at any history length."""

from __future__ import annotations

import statistics
import time

import pytest

from kg.errors import NotFound, ValidationError
from kg.ingest import append_observation, get_twin, ingest_bundle, latest_observation, observations
from kg.ingest.writer import write_twin
from kg.store import GraphStore
from tests.twin.conftest import patient_bundle

HR = "8867-4"


@pytest.fixture
def twin(kb: GraphStore) -> GraphStore:
    ingest_bundle(kb, patient_bundle("p1"))
    ingest_bundle(kb, patient_bundle("p2"))
    return kb


def test_append_moves_the_latest_value_only_forward(twin: GraphStore) -> None:
    append_observation(twin, "p1", "33914-3", 60.0, "mL/min", "2026-01-01T08:00:00Z")
    append_observation(twin, "p1", "33914-3", 52.5, "mL/min", "2026-03-01T08:00:00Z")
    append_observation(
        twin, "p1", "33914-3", 70.0, "mL/min", "2025-06-01T08:00:00Z"
    )  # late arrival
    value, unit, effective, age = latest_observation(twin, "p1", "33914-3")  # type: ignore[misc]
    assert (value, unit, effective) == (52.5, "mL/min", "2026-03-01T08:00:00Z")
    assert age > 0
    assert [o["value"] for o in observations(twin, "p1", "33914-3")] == [70.0, 60.0, 52.5]
    assert latest_observation(twin, "p1", HR) is None
    assert latest_observation(twin, "p2", "33914-3") is None


def test_replaying_a_stream_is_idempotent(twin: GraphStore) -> None:
    for _ in range(2):
        uid = append_observation(twin, "p1", HR, 71, "/min", "2026-05-05T10:00:00Z")
    assert uid == "Observation/p1/8867-4/1777975200"
    assert len(observations(twin, "p1", HR)) == 1
    assert get_twin(twin, "p1").lab(HR).value == 71.0  # type: ignore[union-attr]


def test_text_values_and_the_lab_test_link(twin: GraphStore) -> None:
    append_observation(twin, "p1", "72166-2", "Never smoker", None, "2026-05-05")
    assert latest_observation(twin, "p1", "72166-2")[0] == "Never smoker"  # type: ignore[index]


def test_bad_appends_are_rejected(twin: GraphStore) -> None:
    with pytest.raises(ValidationError) as err:
        append_observation(twin, "p1", "eGFR", True, None, "tomorrow")  # type: ignore[arg-type]
    assert [p.split(":")[0] for p in err.value.problems] == ["loinc", "value", "effective"]
    with pytest.raises(NotFound, match="Unknown patient 'ghost'"):
        append_observation(twin, "ghost", HR, 70, "/min", "2026-05-05T10:00:00Z")


def _history(store: GraphStore, pid: str, n: int) -> None:
    rows = [
        {
            "uid": f"Observation/{pid}/{HR}/{1_600_000_000 + i}",
            "patient_uid": f"Patient/{pid}",
            "props": {
                "loinc": HR,
                "value": 70.0,
                "unit": "/min",
                "effective": "x",
                "effective_epoch": 1_600_000_000 + i,
            },
            "lab_uid": f"LOINC:{HR}",
        }
        for i in range(n)
    ]
    for start in range(0, n, 2000):
        write_twin(store, observations=rows[start : start + 2000])


def _median_append(store: GraphStore, pid: str, rounds: int) -> float:
    times = []
    for i in range(rounds):
        t = time.perf_counter()
        append_observation(store, pid, HR, 60.0 + i % 20, "/min", 1_700_000_000 + i * 5)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def test_append_cost_does_not_grow_with_history(twin: GraphStore) -> None:
    """Median append on a twin with 10,000 prior observations within 3x of one with 10."""
    _history(twin, "p1", 10)
    _history(twin, "p2", 10_000)
    assert len(observations(twin, "p2", HR)) == 10_000
    _median_append(twin, "p1", 20)  # warm up both paths
    _median_append(twin, "p2", 20)
    small = min(_median_append(twin, "p1", 120) for _ in range(2))
    large = min(_median_append(twin, "p2", 120) for _ in range(2))
    assert large < 3 * small, f"append: {small * 1e3:.2f} ms at 10, {large * 1e3:.2f} ms at 10,000"
