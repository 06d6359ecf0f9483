"""CDS Hooks 2.0 built from the Synthea fixtures: discovery, order-select/order-sign cards,
prefetch and fetch-from-twin, the timeout card, feedback and patient-view."""

# ruff: noqa: E501 - GraphQL documents and FHIR snippets read best on one line

from __future__ import annotations

import uuid
from typing import Any

import pytest

from kg.reasoning import WhatIf, resolve_drugs, safety_report
from tests.api.conftest import AUTH_SETTINGS, bearer, bundle_patient_id, fixture_bundles

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SIGN = "/cds-services/medication-safety-sign"
SELECT = "/cds-services/medication-safety-select"


def _searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": r} for r in resources],
    }


def prefetch_of(bundle: dict[str, Any]) -> dict[str, Any]:
    """What an EHR would prefetch for the medication-safety service, from a Synthea bundle."""
    res = [e["resource"] for e in bundle["entry"]]

    def of(kind: str) -> list[dict[str, Any]]:
        return [r for r in res if r["resourceType"] == kind]

    labs = [
        o for o in of("Observation")
        if any(c.get("code") == "laboratory" for cat in o.get("category", []) for c in cat.get("coding", []))
    ]  # fmt: skip
    return {
        "patient": of("Patient")[0],
        "medications": _searchset(
            [m for m in of("MedicationRequest") if m.get("status") == "active"]
        ),
        "allergies": _searchset(of("AllergyIntolerance")),
        "conditions": _searchset(of("Condition")),
        "labs": _searchset(labs),
    }


def draft(store: Any, drug: str) -> dict[str, Any]:
    """A draft MedicationRequest coded with the drug's RxNorm ingredient code."""
    uid = resolve_drugs(store, [drug])[0][1]
    return {
        "resourceType": "MedicationRequest",
        "id": f"draft-{drug}",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": RXNORM, "code": uid.split(":", 1)[1], "display": drug}],
            "text": drug,
        },
    }


def hook_request(
    hook: str, pid: str, drafts: list[dict[str, Any]], *, prefetch: dict[str, Any] | None = None,
    selections: list[str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    context: dict[str, Any] = {
        "userId": "Practitioner/1",
        "patientId": pid,
        "draftOrders": {"resourceType": "Bundle", "type": "collection",
                        "entry": [{"resource": d} for d in drafts]},
    }  # fmt: skip
    if selections is not None:
        context["selections"] = selections
    body: dict[str, Any] = {"hook": hook, "hookInstance": str(uuid.uuid4()), "context": context}
    if prefetch is not None:
        body["prefetch"] = prefetch
    return body


@pytest.fixture
def synthea() -> tuple[dict[str, Any], str]:
    bundle = fixture_bundles()[0]
    return bundle, bundle_patient_id(bundle)


def _expected_keys(store: Any, pid: str, drugs: tuple[str, ...]) -> list[str]:
    diff = safety_report(store, pid, what_if=WhatIf(add=drugs)).diff
    assert diff is not None
    return [a.key for a in diff.new] + [after.key for _, after in diff.changed]


def test_discovery(store: Any, make_api: Any) -> None:
    services = make_api(store).client.get("/cds-services").json()["services"]
    by_hook = {s["hook"]: s for s in services}
    assert set(by_hook) == {"order-select", "order-sign", "patient-view"}
    sign = by_hook["order-sign"]
    assert sign["id"] == "medication-safety-sign" and sign["title"] and sign["description"]
    assert set(sign["prefetch"]) == {"patient", "medications", "allergies", "conditions", "labs"}


def test_order_sign_with_prefetch_builds_the_twin_and_answers_cards(
    shared_twins: Any, make_api: Any, synthea: Any
) -> None:
    bundle, pid = synthea
    api = make_api(shared_twins, AUTH_SETTINGS)
    drafts = [draft(shared_twins, "simvastatin"), draft(shared_twins, "clarithromycin")]
    r = api.client.post(
        SIGN, json=hook_request("order-sign", pid, drafts, prefetch=prefetch_of(bundle)),
        headers=bearer("pharmacist"),
    )  # fmt: skip
    assert r.status_code == 200, r.text
    cards = r.json()["cards"]
    # the prefetch made the twin; the cards are exactly the what-if's new alerts
    expected = _expected_keys(shared_twins, pid, ("simvastatin", "clarithromycin"))
    assert expected and len(cards) == len(expected)
    for card in cards:
        assert card["indicator"] in ("info", "warning", "critical")
        assert len(card["summary"]) < 140 and card["detail"] and card["source"]["label"]
        assert card["suggestions"][0]["actions"][0]["type"] == "delete"
        assert card["suggestions"][0]["actions"][0]["resourceId"][0].startswith(
            "MedicationRequest/draft-"
        )
        assert card["selectionBehavior"] == "at-most-one" and card["overrideReasons"]
    ddi = [c for c in cards if "interaction" in c["summary"]]
    assert ddi and ddi[0]["indicator"] == "critical"  # simvastatin + clarithromycin: major
    removed = {a["resourceId"][0] for s in ddi[0]["suggestions"] for a in s["actions"]}
    assert removed == {
        "MedicationRequest/draft-simvastatin",
        "MedicationRequest/draft-clarithromycin",
    }


def test_order_select_checks_only_the_selection_and_reads_the_twin(
    shared_twins: Any, make_api: Any, synthea: Any
) -> None:
    _, pid = synthea
    api = make_api(shared_twins)
    drafts = [draft(shared_twins, "simvastatin"), draft(shared_twins, "clarithromycin")]
    body = hook_request(
        "order-select", pid, drafts, selections=["MedicationRequest/draft-clarithromycin"]
    )
    cards = api.client.post(SELECT, json=body).json()["cards"]  # no prefetch: read from the twin
    assert len(cards) == len(_expected_keys(shared_twins, pid, ("clarithromycin",)))
    assert not any("simvastatin" in c["summary"] for c in cards)


def test_unknown_patient_without_prefetch_says_nothing_was_checked(
    shared_twins: Any, make_api: Any
) -> None:
    api = make_api(shared_twins)
    body = hook_request("order-sign", "nobody", [draft(shared_twins, "simvastatin")])
    cards = api.client.post(SIGN, json=body).json()["cards"]
    assert len(cards) == 1 and "patient unknown" in cards[0]["summary"]


def test_timeout_answers_a_card_never_an_empty_success(
    shared_twins: Any, make_api: Any, synthea: Any
) -> None:
    _, pid = synthea
    api = make_api(shared_twins, cds_timeout=1e-6)
    body = hook_request("order-sign", pid, [draft(shared_twins, "simvastatin")])
    r = api.client.post(SIGN, json=body)
    assert r.status_code == 200
    cards = r.json()["cards"]
    assert (
        len(cards) == 1 and cards[0]["summary"] == "Medication safety check could not be completed"
    )
    assert cards[0]["indicator"] == "warning" and "NOT checked" in cards[0]["detail"]


def test_unmapped_draft_is_reported_not_checked(
    shared_twins: Any, make_api: Any, synthea: Any
) -> None:
    _, pid = synthea
    odd = {"resourceType": "MedicationRequest", "id": "odd", "status": "draft", "intent": "order",
           "medicationCodeableConcept": {"text": "Zzyzx herbal tea"}}  # fmt: skip
    cards = (
        make_api(shared_twins)
        .client.post(SIGN, json=hook_request("order-sign", pid, [odd]))
        .json()["cards"]
    )
    assert [c["summary"] for c in cards] == ["Not checked: Zzyzx herbal tea"]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (SIGN, {"hook": "order-select", "context": {"patientId": "x"}}, 400),
        (SIGN, {"hook": "order-sign", "context": {}}, 400),
        (SIGN, {"hook": "order-sign", "context": {"patientId": "x", "draftOrders": 1}}, 400),
        ("/cds-services/nope", {"hook": "order-sign"}, 404),
    ],
)
def test_malformed_requests(
    shared_twins: Any, make_api: Any, synthea: Any, path: str, body: Any, status: int
) -> None:
    _, pid = synthea
    if body.get("context", {}).get("patientId") == "x" and "draftOrders" in body["context"]:
        body["context"]["patientId"] = pid
    assert make_api(shared_twins).client.post(path, json=body).status_code == status


def test_authorization_and_audit(shared_twins: Any, make_api: Any) -> None:
    pid = bundle_patient_id(fixture_bundles()[2])
    api = make_api(shared_twins, AUTH_SETTINGS)
    body = hook_request("order-sign", pid, [draft(shared_twins, "simvastatin")])
    assert api.client.post(SIGN, json=body).status_code == 401
    assert api.client.post(SIGN, json=body, headers=bearer("reader")).status_code == 403
    assert api.client.post(SIGN, json=body, headers=bearer("clinician")).status_code == 200
    items = api.gql(
        'query($p: ID) { auditEvents(patientId: $p) { ... on AuditEventPage { items { operation outcome who } } } }',
        {"p": pid}, role="admin",
    )["data"]["auditEvents"]["items"]  # fmt: skip
    ops = sorted((i["operation"], i["outcome"], i["who"]) for i in items if i["who"] != "local")
    assert ops == sorted([
        ("cds:medication-safety-sign", "forbidden", "anonymous"),
        ("cds:medication-safety-sign", "forbidden", "app-reader"),
        ("cds:medication-safety-sign", "success", "app-clinician"),
    ])  # fmt: skip


def test_feedback_is_stored_with_override_reasons(
    shared_twins: Any, make_api: Any, synthea: Any
) -> None:
    bundle, pid = synthea
    api = make_api(shared_twins)
    drafts = [draft(shared_twins, "simvastatin"), draft(shared_twins, "clarithromycin")]
    body = hook_request("order-sign", pid, drafts, prefetch=prefetch_of(bundle))
    cards = api.client.post(SIGN, json=body).json()["cards"]
    assert len(cards) >= 1
    first = cards[0]
    reason = first["overrideReasons"][0]
    fb = {"feedback": [
        {"card": first["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-11-01T10:00:00Z",
         "overrideReason": {"reason": reason, "userComment": "monitoring CK weekly"}},
    ] + [
        {"card": c["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-11-01T10:01:00Z",
         "acceptedSuggestions": [{"id": c["suggestions"][0]["uuid"]}]} for c in cards[1:]
    ]}  # fmt: skip
    r = api.client.post(f"{SIGN}/feedback", json=fb)
    assert r.status_code == 200 and r.json() == {"stored": len(cards)}
    rows = shared_twins.read("list_cds_feedback", {"patient_uid": f"Patient/{pid}", "limit": 100})
    assert len(rows) == len(cards)
    over = next(x for x in rows if x["outcome"] == "overridden")
    assert over["card_uid"] == f"cds-card:{first['uuid']}"
    assert (over["override_code"], over["override_display"]) == (reason["code"], reason["display"])
    assert over["user_comment"] == "monitoring CK weekly"
    unknown = {"feedback": [{"card": "no-such-card", "outcome": "accepted"}]}
    assert api.client.post(f"{SIGN}/feedback", json=unknown).status_code == 404
    bad = {"feedback": [{"card": first["uuid"], "outcome": "ignored"}]}
    r = api.client.post(f"{SIGN}/feedback", json=bad)
    assert r.status_code == 400 and "accepted, overridden" in r.json()["error"]
    assert len(shared_twins.read("list_cds_feedback", {"patient_uid": None, "limit": 100})) == len(
        cards
    )


def test_patient_view_returns_pathway_cards(shared_twins: Any, make_api: Any) -> None:
    from kg.reasoning.pathways import care_pathways

    api = make_api(shared_twins)
    for bundle in fixture_bundles()[:3]:
        pid = bundle_patient_id(bundle)
        body = {
            "hook": "patient-view",
            "hookInstance": str(uuid.uuid4()),
            "context": {"patientId": pid},
        }
        cards = api.client.post("/cds-services/care-pathways", json=body).json()["cards"]
        results = care_pathways(shared_twins, pid)
        assert len(cards) == len(results)
        for card, result in zip(cards, results, strict=True):
            assert card["summary"].startswith(result.name)


def test_without_the_pathway_engine(shared_twins: Any, make_api: Any, monkeypatch: Any) -> None:
    import kg.api.engines as engines

    monkeypatch.setattr(engines, "pathways_available", lambda: False)
    api = make_api(shared_twins)
    assert "patient-view" not in {
        s["hook"] for s in api.client.get("/cds-services").json()["services"]
    }
    body = {"hook": "patient-view", "context": {"patientId": "x"}}
    assert api.client.post("/cds-services/care-pathways", json=body).json() == {"cards": []}
    got = api.gql('{ carePathways(patientId: "x") { __typename } }')["data"]["carePathways"]
    assert got["__typename"] == "NotAvailable"
