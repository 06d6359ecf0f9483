"""Health, readiness, metrics, GraphiQL in development mode only, request ids."""

from __future__ import annotations

from typing import Any


def test_health_and_readiness(store: Any, make_api: Any) -> None:
    api = make_api(store)
    assert api.client.get("/healthz").json() == {"status": "ok"}
    r = api.client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ready"


def test_readiness_fails_when_the_engine_is_gone(registry: Any, make_api: Any) -> None:
    import tempfile

    from kg.config import load_settings
    from kg.store import EmbeddedEngine
    from kg.store.falkor import FalkorStore

    data_dir = tempfile.mkdtemp(prefix="kgr-", dir="/tmp")
    own = EmbeddedEngine(load_settings({"KGTWIN_DATA_DIR": data_dir}))
    store = FalkorStore(registry, own.ensure(), graph_name="x")
    api = make_api(store)
    assert api.client.get("/readyz").status_code == 200
    own.stop()
    r = api.client.get("/readyz")
    assert r.status_code == 503 and r.json()["status"] == "unavailable"


def test_metrics_per_operation_and_errors(store: Any, make_api: Any) -> None:
    api = make_api(store)
    api.gql('{ patient(id: "1") { __typename } }')
    api.gql("{ nope }")
    api.client.get("/healthz")
    text = api.client.get("/metrics").text
    assert 'kgtwin_request_seconds_count{endpoint="graphql",operation="query:patient"} 1.0' in text
    assert (
        'kgtwin_errors_total{endpoint="graphql",kind="validation",operation="query:nope"} 1.0'
        in text
    )
    assert 'kgtwin_requests_total{endpoint="healthz",status="200"} 1.0' in text


def test_graphiql_only_in_development(store: Any, make_api: Any) -> None:
    html = {"Accept": "text/html"}
    prod = make_api(store).client.get("/graphql", headers=html)
    assert prod.status_code in (404, 405) or "graphiql" not in prod.text.lower()
    dev = make_api(store, dev=True).client.get("/graphql", headers=html)
    assert dev.status_code == 200 and "graphiql" in dev.text.lower()


def test_request_id_is_returned_and_kept(store: Any, make_api: Any) -> None:
    api = make_api(store)
    r = api.client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-ID": "abc123"}
    )
    assert r.headers["x-request-id"] == "abc123"
    assert len(api.client.get("/healthz").headers["x-request-id"]) == 32


def test_access_log_has_no_query_strings(store: Any, make_api: Any, caplog: Any) -> None:
    """Each request is logged once, by path only: ids in query strings never reach the log."""
    import logging

    from tests.api.conftest import AUTH_SETTINGS, bearer

    api = make_api(store, settings=AUTH_SETTINGS)
    with caplog.at_level(logging.INFO, logger="kgtwin.access"):
        r = api.client.get("/audit/fhir?patient=Patient/secret-4711", headers=bearer("admin"))
        api.gql('{ patient(id: "secret-4712") { __typename } }')
    assert r.status_code == 200
    lines = [rec.getMessage() for rec in caplog.records if rec.name == "kgtwin.access"]
    assert len(lines) == 2
    assert lines[0].startswith("GET /audit/fhir 200 ") and "request_id=" in lines[0]
    assert lines[1].startswith("POST /graphql 200 ")
    assert not any("secret-47" in line for line in caplog.text.splitlines())
