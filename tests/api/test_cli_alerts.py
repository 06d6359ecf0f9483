"""Writes made from the command line (observation streams, bundle ingest) reach subscribers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from kg.api.alerts import bundle_twins, channel
from kg.cli import main
from kg.config import Settings
from kg.ingest import ingest_bundle
from kg.store.falkor import FalkorStore
from tests.conftest import kb_copy

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


@pytest.fixture
def cli_kb(
    kb_template: FalkorStore, engine_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FalkorStore]:
    """A copy of the knowledge base that the command line writes to."""
    with kb_copy(kb_template, "clikb") as store:
        monkeypatch.setenv("KGTWIN_DATA_DIR", str(engine_settings.data_dir))
        monkeypatch.setenv("KGTWIN_GRAPH_NAME", store.graph_name)
        for var in ("KGTWIN_GRAPH_URI", "KGTWIN_PUBSUB_URL"):
            monkeypatch.delenv(var, raising=False)
        yield store


def _on_metformin(store: FalkorStore, pid: str) -> None:
    med = {
        "resourceType": "MedicationStatement",
        "id": f"{pid}-m1",
        "status": "active",
        "subject": {"reference": f"Patient/{pid}"},
        "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": "6809"}]},
        "effectiveDateTime": "2024-01-01",
    }
    patient = {"resourceType": "Patient", "id": pid, "gender": "male", "birthDate": "1955-05-05"}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": patient}, {"resource": med}]}  # fmt: skip
    ingest_bundle(store, bundle)


class Listener:
    """A plain Redis subscriber on the engine's pub/sub (as a second kgtwin process would be)."""

    def __init__(self, store: FalkorStore, uid: str) -> None:
        assert store.socket_path is not None
        self.client = redis.Redis(unix_socket_path=store.socket_path)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(channel(uid))

    def events(self, wait: float = 2.0) -> list[dict[str, Any]]:
        out, deadline = [], time.monotonic() + wait
        while time.monotonic() < deadline:
            msg = self.pubsub.get_message(timeout=0.2)
            if msg is not None:
                out.append(json.loads(msg["data"]))
        return out

    def close(self) -> None:
        self.pubsub.close()
        self.client.close()


def test_an_observation_stream_raises_alerts_for_subscribers(
    cli_kb: FalkorStore, tmp_path: Path
) -> None:
    _on_metformin(cli_kb, "st-1")
    listener = Listener(cli_kb, "Patient/st-1")
    try:
        lines = tmp_path / "egfr.jsonl"
        line = {"patient": "st-1", "loinc": "33914-3", "value": 22.0,
                "unit": "mL/min/{1.73_m2}", "effective": "2026-12-01T08:00:00Z"}  # fmt: skip
        lines.write_text(json.dumps(line) + "\n", encoding="utf-8")
        assert main(["ingest-stream", str(lines)]) == 0
        events = listener.events()
        assert events, "no alert event reached the subscriber"
        assert {e["cause"] for e in events} == {"observationStream"}
        assert any(
            e["alert"]["kind"] == "drug_lab" and "metformin" in e["alert"]["drugs"] for e in events
        )
        # the same value again raises nothing new
        line["effective"] = "2026-12-02T08:00:00Z"
        lines.write_text(json.dumps(line) + "\n", encoding="utf-8")
        assert main(["ingest-stream", str(lines)]) == 0
        assert listener.events(wait=1.0) == []
    finally:
        listener.close()


def test_ingesting_a_bundle_from_the_command_line_raises_alerts(
    cli_kb: FalkorStore, tmp_path: Path
) -> None:
    _on_metformin(cli_kb, "st-2")
    listener = Listener(cli_kb, "Patient/st-2")
    obs = {
        "resourceType": "Observation",
        "id": "st-2-egfr",
        "status": "final",
        "subject": {"reference": "Patient/st-2"},
        "code": {"coding": [{"system": "http://loinc.org", "code": "33914-3"}]},
        "valueQuantity": {"value": 21.0, "unit": "mL/min/{1.73_m2}"},
        "effectiveDateTime": "2026-12-01T08:00:00Z",
    }
    path = tmp_path / "obs.json"
    path.write_text(json.dumps(obs), encoding="utf-8")
    try:
        assert main(["ingest", str(path)]) == 0
        events = listener.events()
        assert any(e["cause"] == "ingest" and e["alert"]["kind"] == "drug_lab" for e in events)
    finally:
        listener.close()


def test_bundle_twins_finds_patients_and_subjects() -> None:
    doc = {"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "Patient", "id": "a"}},
        {"resource": {"resourceType": "Observation", "subject": {"reference": "Patient/b"}}},
        {"resource": {"resourceType": "AllergyIntolerance", "patient": {"reference": "Patient/a"}}},
        {"resource": {"resourceType": "Observation", "subject": {"reference": "Group/x"}}},
    ]}  # fmt: skip
    assert bundle_twins(doc) == ["Patient/a", "Patient/b"]
    assert bundle_twins("not a bundle") == []
