"""The audit trail: an entry for every twin operation, admin queries, FHIR AuditEvent export."""

from __future__ import annotations

from typing import Any

from kg.api.audit import AuditTrail, to_fhir_bundle
from kg.api.auth import Principal
from tests.api.conftest import AUTH_SETTINGS, bearer

AUDIT_Q = """query($p: ID) { auditEvents(patientId: $p, first: 100) { ... on AuditEventPage {
  items { who role patientId operation action outcome requestId at } nextSkip } } }"""


def test_entries_are_appended_and_filtered(store: Any) -> None:
    trail = AuditTrail(store)
    p = Principal(who="svc", roles=frozenset({"clinician"}))
    for i in range(3):
        trail.record(
            p, "patient", patient_uid=f"Patient/{i % 2}", outcome="success", request_id=f"r{i}"
        )
    assert sorted(e.request_id for e in trail.list(patient_uid="Patient/0")) == ["r0", "r2"]
    assert len(trail.list()) == 3
    assert trail.list(who="nobody") == []
    assert len(trail.list(skip=1, limit=1)) == 1


def test_each_graphql_twin_operation_is_audited(store: Any, make_api: Any) -> None:
    api = make_api(store, AUTH_SETTINGS)
    api.gql('{ patient(id: "a1") { __typename } }', role="reader")
    api.gql('{ safetyReport(patientId: "a1") { __typename } }', role="clinician")
    api.gql('{ pgx(patientId: "a1", drug: "codeine") { __typename } }', role="ingest")
    api.gql(
        'mutation { setConsent(patientId: "a1", genomic: false) { __typename } }', role="clinician"
    )
    body = api.gql(AUDIT_Q, {"p": "a1"}, role="admin")
    items = body["data"]["auditEvents"]["items"]
    got = {(i["operation"], i["who"], i["outcome"], i["action"]) for i in items}
    assert got == {
        ("patient", "app-reader", "not-found", "R"),
        ("safetyReport", "app-clinician", "not-found", "R"),
        ("pgx", "app-ingest", "forbidden", "R"),
        ("setConsent", "app-clinician", "not-found", "U"),
    }
    assert all(
        i["patientId"] == "Patient/a1" and i["requestId"] and i["at"].endswith("Z") for i in items
    )
    # knowledge lookups name no twin and leave no entry
    api.gql('{ searchDrugs(text: "war") { __typename } }', role="reader")
    again = api.gql(AUDIT_Q, {"p": None}, role="admin")["data"]["auditEvents"]["items"]
    assert len(again) == len(items)


def test_fhir_export(store: Any, make_api: Any) -> None:
    api = make_api(store, AUTH_SETTINGS)
    api.gql('{ patient(id: "f1") { __typename } }', role="reader")
    api.gql('{ patient(id: "f2") { __typename } }', role="reader")
    assert api.client.get("/audit/fhir", headers=bearer("clinician")).status_code == 403
    assert api.client.get("/audit/fhir").status_code == 403
    r = api.client.get("/audit/fhir?patient=f1", headers=bearer("admin"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/fhir+json")
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle" and bundle["total"] == 1
    ev = bundle["entry"][0]["resource"]
    assert ev["resourceType"] == "AuditEvent"
    assert ev["action"] == "R" and ev["outcome"] == "4" and ev["outcomeDesc"] == "not-found"
    assert ev["entity"][0]["what"]["reference"] == "Patient/f1"
    assert ev["agent"][0]["who"]["identifier"]["value"] == "app-reader"
    assert ev["agent"][0]["role"] == [{"text": "reader"}]
    assert ev["subtype"][0]["code"] == "patient"
    assert api.client.get("/audit/fhir?_count=x", headers=bearer("admin")).status_code == 400


def test_fhir_event_without_patient_has_no_entity() -> None:
    from kg.api.audit import AuditEntry

    entry = AuditEntry(
        "audit:1", "w", "admin", "", "auditEvents", "R", "2026-01-01T00:00:00Z", 0, "error", ""
    )
    ev = to_fhir_bundle([entry])["entry"][0]["resource"]
    assert "entity" not in ev and ev["outcome"] == "12"
