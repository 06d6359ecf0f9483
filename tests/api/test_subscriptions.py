"""alertRaised over graphql-transport-ws on a real uvicorn, across two app instances."""

from __future__ import annotations

import json
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from kg.api import create_app
from kg.api.alerts import channel, publish_raised
from kg.store.falkor import FalkorStore
from kg.store.pubsub import PubSub
from tests.api.conftest import AUTH_SETTINGS, KEYS

SUB = """subscription($id: ID!) { alertRaised(patientId: $id) {
  __typename ... on AlertEvent { patientId cause alert { kind severity drugs } }
  ... on Forbidden { message } ... on PatientNotFound { message } } }"""


def _patient(store: Any, fhir_id: str) -> None:
    from kg.ingest import ingest_bundle

    ingest_bundle(
        store,
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {
                    "resource": {
                        "resourceType": "Patient",
                        "id": fhir_id,
                        "gender": "female",
                        "birthDate": "1950-01-01",
                    }
                }
            ],
        },
    )


class Subscriber:
    """A graphql-transport-ws client subscribed to one twin's alerts."""

    def __init__(self, url: str, patient_id: str, token: str | None) -> None:
        self._cm = connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10)  # type: ignore[list-item]
        self.ws = self._cm.__enter__()
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        self.ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        self.closed_code: int | None = None
        try:
            self.ack = json.loads(self.ws.recv(timeout=10))
        except ConnectionClosed as exc:
            self.ack = {}
            self.closed_code = exc.rcvd.code if exc.rcvd else None
        if self.ack.get("type") == "connection_ack":
            self.ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": SUB, "variables": {"id": patient_id}},
                    }
                )
            )

    def next(self, timeout: float = 15) -> dict[str, Any]:
        while True:
            msg = json.loads(self.ws.recv(timeout=timeout))
            if msg["type"] in ("ping", "pong"):
                continue
            return dict(msg)

    def close(self) -> None:
        self._cm.__exit__(None, None, None)


def _wait_subscribed(pubsub: PubSub, uid: str, n: int = 1) -> None:
    deadline = time.monotonic() + 10
    while pubsub.subscribers(channel(uid)) < n:
        assert time.monotonic() < deadline, "the subscription never reached the channel"
        time.sleep(0.02)


def test_event_published_by_one_instance_reaches_a_subscriber_of_another(
    store: FalkorStore, live_servers: Any
) -> None:
    _patient(store, "sub-1")
    other = FalkorStore(store.registry, store.socket_path, graph_name=store.graph_name)
    app_a, app_b = (
        create_app(store, settings=AUTH_SETTINGS),
        create_app(other, settings=AUTH_SETTINGS),
    )
    live_servers(app_a)
    srv_b = live_servers(app_b)
    sub = Subscriber(srv_b.ws_url, "sub-1", KEYS["pharmacist"])
    try:
        assert sub.ack["type"] == "connection_ack"
        pubsub_a = app_a.state.services.pubsub
        _wait_subscribed(pubsub_a, "Patient/sub-1")
        alert = {
            "kind": "drug_interaction",
            "severity": "major",
            "drugs": ["warfarin", "fluconazole"],
            "key": "ddi:x",
            "message": "m",
        }
        assert publish_raised(pubsub_a, "Patient/sub-1", [alert], cause="prescribe") == 1
        msg = sub.next()
        assert msg["type"] == "next"
        event = msg["payload"]["data"]["alertRaised"]
        assert event == {
            "__typename": "AlertEvent",
            "patientId": "Patient/sub-1",
            "cause": "prescribe",
            "alert": {
                "kind": "drug_interaction",
                "severity": "major",
                "drugs": ["warfarin", "fluconazole"],
            },
        }
    finally:
        sub.close()
        other.close()


def test_subscription_requires_a_token(store: FalkorStore, live_servers: Any) -> None:
    srv = live_servers(create_app(store, settings=AUTH_SETTINGS))
    sub = Subscriber(srv.ws_url, "x", None)
    try:
        assert sub.ack == {} and sub.closed_code == 4403
    finally:
        sub.close()
    sub = Subscriber(srv.ws_url, "x", "not-a-key")
    try:
        assert sub.closed_code == 4403
    finally:
        sub.close()


def test_subscription_refuses_wrong_role_and_unknown_patient(
    store: FalkorStore, live_servers: Any
) -> None:
    _patient(store, "sub-2")
    srv = live_servers(create_app(store, settings=AUTH_SETTINGS))
    sub = Subscriber(srv.ws_url, "sub-2", KEYS["reader"])
    try:
        assert sub.next()["payload"]["data"]["alertRaised"]["__typename"] == "Forbidden"
    finally:
        sub.close()
    sub = Subscriber(srv.ws_url, "nobody", KEYS["clinician"])
    try:
        assert sub.next()["payload"]["data"]["alertRaised"]["__typename"] == "PatientNotFound"
    finally:
        sub.close()


def test_local_pubsub_without_a_shared_channel() -> None:
    import asyncio

    async def run() -> list[str]:
        ps = PubSub()
        assert not ps.shared
        got: list[str] = []

        async def listen() -> None:
            async for m in ps.subscribe("c"):
                got.append(m)
                return

        task = asyncio.create_task(listen())
        while ps.subscribers("c") == 0:
            await asyncio.sleep(0.01)
        assert ps.publish("c", "hello") == 1
        await asyncio.wait_for(task, 5)
        return got

    assert asyncio.run(run()) == ["hello"]


def test_a_mutation_through_one_instance_reaches_a_subscriber_of_another(
    kb_store: FalkorStore, live_servers: Any
) -> None:
    import httpx

    _patient(kb_store, "sub-3")
    other = FalkorStore(kb_store.registry, kb_store.socket_path, graph_name=kb_store.graph_name)
    app_a = create_app(kb_store, settings=AUTH_SETTINGS)
    srv_a = live_servers(app_a)
    srv_b = live_servers(create_app(other, settings=AUTH_SETTINGS))
    sub = Subscriber(srv_b.ws_url, "sub-3", KEYS["clinician"])
    headers = {"Authorization": f"Bearer {KEYS['clinician']}"}
    m = """mutation($d: String!) { prescribe(patientId: "sub-3", drug: $d) {
        ... on TwinChange { newAlerts { key kind } } } }"""
    try:
        _wait_subscribed(app_a.state.services.pubsub, "Patient/sub-3")
        with httpx.Client(base_url=srv_a.url, headers=headers, timeout=30) as http:
            first = http.post("/graphql", json={"query": m, "variables": {"d": "simvastatin"}})
            raised_first = first.json()["data"]["prescribe"]["newAlerts"]
            second = http.post("/graphql", json={"query": m, "variables": {"d": "clarithromycin"}})
            raised = second.json()["data"]["prescribe"]["newAlerts"]
        assert any(a["kind"] == "drug_interaction" for a in raised)
        expected = [a["key"] for a in raised_first + raised]
        got = []
        for _ in expected:
            msg = sub.next()
            assert msg["type"] == "next"
            event = msg["payload"]["data"]["alertRaised"]
            assert event["patientId"] == "Patient/sub-3"
            got.append((event["cause"], event["alert"]["kind"]))
        assert got[-len(raised) :] == [("prescribe", a["kind"]) for a in raised]
    finally:
        sub.close()
        other.close()
