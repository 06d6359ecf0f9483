"""Fixtures for API tests: apps over the test graphs, tokens per role, a live uvicorn server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.testclient import TestClient

from kg.api import ApiSettings, create_app, hash_key
from kg.api.auth import ROLES
from tests.conftest import kb_copy

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fhir"

# One raw key per role, and a clinician limited to one patient.
KEYS = {role: f"test-key-{role}" for role in ROLES}
SCOPED_KEY = "test-key-scoped"
SCOPED_PATIENT = "Patient/in-scope"


def key_entries() -> list[dict[str, Any]]:
    """The hashed key file content for ``KEYS`` and ``SCOPED_KEY``."""
    entries: list[dict[str, Any]] = [
        {"id": f"app-{role}", "sha256": hash_key(key), "roles": [role]}
        for role, key in KEYS.items()
    ]
    entries.append(
        {
            "id": "app-scoped",
            "sha256": hash_key(SCOPED_KEY),
            "roles": ["clinician"],
            "patients": [SCOPED_PATIENT],
        }
    )
    return entries


AUTH_SETTINGS = ApiSettings(api_keys_json=json.dumps(key_entries()))


def bearer(role: str) -> dict[str, str]:
    """Headers carrying the test key of ``role``."""
    return {"Authorization": f"Bearer {KEYS[role]}"}


class Api:
    """A TestClient with a ``gql`` helper."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        h = dict(headers or {})
        if role:
            h.update(bearer(role))
        r = self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=h
        )
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body


@pytest.fixture
def make_api() -> Iterator[Callable[..., Api]]:
    """Build an ``Api`` over a store with the given settings; closed after the test."""
    clients: list[TestClient] = []

    def make(store: Any, settings: ApiSettings | None = None, **overrides: Any) -> Api:
        s = replace(settings or ApiSettings(), **overrides)
        client = TestClient(create_app(store, settings=s))
        client.__enter__()
        clients.append(client)
        return Api(client)

    yield make
    for c in clients:
        c.__exit__(None, None, None)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a thread (websockets included)."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", ws="websockets-sansio"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start within 15 s")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def live_servers() -> Iterator[Callable[[Any], LiveServer]]:
    """Start uvicorn servers for apps; all stopped after the test."""
    servers: list[LiveServer] = []

    def start(app: Any) -> LiveServer:
        srv = LiveServer(app).start()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.stop()


def fixture_bundles() -> list[dict[str, Any]]:
    """The Synthea bundles of tests/fixtures/fhir, parsed."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("*.json"))]


def bundle_patient_id(bundle: dict[str, Any]) -> str:
    """The FHIR id of a bundle's Patient."""
    return next(
        str(e["resource"]["id"])
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Patient"
    )


@pytest.fixture
def twins(kb_store: Any) -> Any:
    """The knowledge-base graph with every Synthea fixture twin ingested."""
    from kg.ingest import ingest_bundle

    for bundle in fixture_bundles():
        ingest_bundle(kb_store, bundle)
    return kb_store


@pytest.fixture(scope="module")
def shared_twins(kb_template: Any) -> Iterator[Any]:
    """One copy per module of the knowledge base with the fixture twins, for read-only tests
    (fewer graph copies: each copy forks the engine)."""
    from kg.ingest import ingest_bundle

    with kb_copy(kb_template) as s:
        for bundle in fixture_bundles():
            ingest_bundle(s, bundle)
        yield s
