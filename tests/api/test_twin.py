"""GraphQL over real shared_twins: the patient, DataLoaders, reports, what-if, PGx, consent, mutations."""

# ruff: noqa: E501 - GraphQL documents and FHIR snippets read best on one line

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from kg.api import create_app
from kg.api.context import ApiContext
from kg.api.loaders import Loaders
from kg.reasoning import WhatIf, check_drugs, pgx_report, safety_report
from tests.api.conftest import bundle_patient_id, fixture_bundles

PATIENT_Q = """query($id: ID!) { patient(id: $id) { __typename ... on Patient {
  id birthDate sex consentGenomic name
  medications { id status display drugs { id name } }
  allMeds: medications(status: ALL) { id }
  conditions(activeOnly: false) { id code display }
  allergies { id display }
  latestObservations { loinc value effective }
  observations(first: 5) { totalCount edges { cursor node { loinc effective } }
                           pageInfo { hasNextPage endCursor } }
} } }"""


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _new_patient(api: Any, fhir_id: str, birth: str = "1950-05-01") -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": {"resourceType": "Patient", "id": fhir_id, "birthDate": birth,
                          "gender": "male"}}
        ],
    }  # fmt: skip
    body = api.gql(
        "mutation($b: JSON!) { ingestBundle(bundle: $b) { __typename "
        "... on IngestResult { patientIds } } }",
        {"b": bundle},
    )
    assert body["data"]["ingestBundle"] == {
        "__typename": "IngestResult",
        "patientIds": [f"Patient/{fhir_id}"],
    }


def test_patient_matches_its_bundle(shared_twins: Any, make_api: Any) -> None:
    api = make_api(shared_twins)
    bundle = fixture_bundles()[0]
    pid = bundle_patient_id(bundle)
    p = api.gql(PATIENT_Q, {"id": pid})["data"]["patient"]
    assert p["__typename"] == "Patient" and p["id"] == f"Patient/{pid}"
    patient = _resources(bundle, "Patient")[0]
    assert p["birthDate"] == patient["birthDate"]
    assert p["consentGenomic"] is True
    assert len(p["allMeds"]) == len(_resources(bundle, "MedicationRequest")) + len(
        _resources(bundle, "MedicationStatement")
    )
    assert {c["id"] for c in p["conditions"]} == {
        f"Condition/{c['id']}" for c in _resources(bundle, "Condition")
    }
    assert len(p["allergies"]) == len(_resources(bundle, "AllergyIntolerance"))
    assert all(m["status"] == "active" for m in p["medications"])
    obs = p["observations"]
    assert obs["totalCount"] >= len(_resources(bundle, "Observation")) > 0  # components split
    assert len(obs["edges"]) == min(5, obs["totalCount"])
    times = [e["node"]["effective"] for e in obs["edges"]]
    assert times == sorted(times, reverse=True)
    # the next page starts after the cursor and does not repeat
    nxt = api.gql(
        "query($id: ID!, $a: String) { patient(id: $id) { ... on Patient { "
        "observations(first: 5, after: $a) { edges { cursor } } } } }",
        {"id": pid, "a": obs["pageInfo"]["endCursor"]},
    )["data"]["patient"]["observations"]["edges"]
    assert obs["pageInfo"]["hasNextPage"] == (obs["totalCount"] > 5)
    assert not {e["cursor"] for e in nxt} & {e["cursor"] for e in obs["edges"]}
    latest_codes = [o["loinc"] for o in p["latestObservations"]]
    assert len(latest_codes) == len(set(latest_codes)) > 0
    # one code's history: the same values as the twin's own query, newest first
    from kg.ingest import observations

    code = latest_codes[0]
    history = api.gql(
        "query($id: ID!, $c: String) { patient(id: $id) { ... on Patient { "
        "observations(code: $c, first: 500) { totalCount edges { node { uid: id value } } } } } }",
        {"id": pid, "c": code},
    )["data"]["patient"]["observations"]
    direct = observations(shared_twins, pid, code)
    assert history["totalCount"] == len(direct)
    assert [e["node"]["uid"] for e in history["edges"]] == [o["uid"] for o in reversed(direct)]


def test_medications_as_of_a_date(shared_twins: Any, make_api: Any) -> None:
    api = make_api(shared_twins)
    pid = bundle_patient_id(fixture_bundles()[0])
    q = "query($id: ID!, $d: String) { patient(id: $id) { ... on Patient { medications(asOf: $d) { id } } } }"
    before_birth = api.gql(q, {"id": pid, "d": "1900-01-01"})["data"]["patient"]["medications"]
    assert before_birth == []
    bad = api.gql(q, {"id": pid, "d": "yesterday"})
    assert "asOf='yesterday' is not an ISO-8601 date" in bad["errors"][0]["message"]


def test_dataloaders_batch_nested_fields(shared_twins: Any) -> None:
    app = create_app(shared_twins)
    services = app.state.services
    schema = app.routes[0].endpoint.schema  # the GraphQL app's schema
    loaders = Loaders()
    ctx = ApiContext(
        services=services, request=None, response=None, request_id="t", principal=None,
        auth_error=None, request_deadline=time.monotonic() + 30, request_loaders=loaders,
    )  # fmt: skip
    loaders.context = ctx
    from kg.api.auth import LOCAL_ADMIN

    ctx.principal = LOCAL_ADMIN
    q = """{ patients(first: 20) { ... on PatientConnection { edges { node {
        id medications { id drugs { name } } conditions { id } allergies { id }
        latestObservations { loinc } } } } } }"""
    result = asyncio.run(schema.execute(q, context_value=ctx))
    assert result.errors is None
    n = len(result.data["patients"]["edges"])
    on_graph = shared_twins.read("list_patients", {"scope": None, "after": "", "limit": 20})
    assert n == len(on_graph) >= len(fixture_bundles())
    # one query per kind of nested field, whatever the number of shared_twins
    assert sorted(loaders.batches) == sorted(
        ["get_patients", "list_patient_medications", "list_patient_conditions",
         "list_patient_allergies", "list_latest_observations"]
    )  # fmt: skip


def test_safety_report_is_the_engine_report(shared_twins: Any, make_api: Any) -> None:
    api = make_api(shared_twins)
    q = """query($id: ID!) { safetyReport(patientId: $id) { __typename ... on SafetyReport {
        alerts { key kind severity drugs evidence { source } path } notChecked genomicWithheld } } }"""
    for bundle in fixture_bundles():
        pid = bundle_patient_id(bundle)
        got = api.gql(q, {"id": pid})["data"]["safetyReport"]
        direct = safety_report(shared_twins, pid)
        assert [a["key"] for a in got["alerts"]] == [a.key for a in direct.alerts]
        assert len(got["notChecked"]) == len(direct.not_checked)
        assert got["genomicWithheld"] is False


def test_what_if_returns_the_diff(shared_twins: Any, make_api: Any) -> None:
    api = make_api(shared_twins)
    _new_patient(api, "wi-1")
    api.gql('mutation { prescribe(patientId: "wi-1", drug: "simvastatin") { __typename } }')
    q = """query($id: ID!, $w: WhatIfInput) { safetyReport(patientId: $id, whatIf: $w) {
        ... on SafetyReport { alerts { key } diff { new { key kind drugs } resolved { key } } } } }"""
    got = api.gql(q, {"id": "wi-1", "w": {"add": ["clarithromycin"]}})["data"]["safetyReport"]
    direct = safety_report(shared_twins, "wi-1", what_if=WhatIf(add=("clarithromycin",)))
    assert direct.diff is not None
    assert [a["key"] for a in got["diff"]["new"]] == [a.key for a in direct.diff.new]
    assert any(a["kind"] == "drug_interaction" for a in got["diff"]["new"])
    # nothing was written
    after = api.gql(q, {"id": "wi-1", "w": None})["data"]["safetyReport"]
    assert after["diff"] is None
    assert [a["key"] for a in after["alerts"]] == [
        a.key for a in safety_report(shared_twins, "wi-1").alerts
    ]
    unknown = api.gql(
        q.replace("diff {", "__typename diff {").replace(
            "... on SafetyReport",
            "__typename ... on UnknownDrug { suggestions } ... on SafetyReport",
        ),
        {"id": "wi-1", "w": {"add": ["clarithromycinn"]}},
    )["data"]["safetyReport"]
    assert unknown["__typename"] == "UnknownDrug"
    assert "clarithromycin" in unknown["suggestions"]


def test_mutations_return_the_alerts_they_raise(shared_twins: Any, make_api: Any) -> None:
    api = make_api(shared_twins)
    _new_patient(api, "mu-1")
    m = """mutation($d: String!) { prescribe(patientId: "mu-1", drug: $d) { __typename
        ... on TwinChange { newAlerts { key kind severity drugs } }
        ... on UnknownDrug { suggestions } } }"""
    api.gql(m, {"d": "simvastatin"})
    predicted = safety_report(shared_twins, "mu-1", what_if=WhatIf(add=("clarithromycin",))).diff
    assert predicted is not None and predicted.new
    got = api.gql(m, {"d": "clarithromycin"})["data"]["prescribe"]
    assert got["__typename"] == "TwinChange"
    assert {a["key"] for a in got["newAlerts"]} == {a.key for a in predicted.new}
    # stopping it raises nothing new
    stop = api.gql(
        'mutation { discontinue(patientId: "mu-1", drug: "clarithromycin") { __typename '
        "... on TwinChange { newAlerts { key } } } }"
    )["data"]["discontinue"]
    assert stop == {"__typename": "TwinChange", "newAlerts": []}
    assert api.gql(m, {"d": "simvastatinn"})["data"]["prescribe"]["__typename"] == "UnknownDrug"
    gone = api.gql(
        'mutation { prescribe(patientId: "nobody", drug: "simvastatin") { __typename } }'
    )
    assert gone["data"]["prescribe"]["__typename"] == "PatientNotFound"


def test_record_observation_and_set_genotype(shared_twins: Any, make_api: Any) -> None:
    api = make_api(shared_twins)
    _new_patient(api, "ob-1")
    got = api.gql(
        'mutation { recordObservation(patientId: "ob-1", code: "33914-3", value: 25, '
        'unit: "mL/min/{1.73_m2}", effective: "2026-10-01T08:00:00Z") { __typename } }'
    )["data"]["recordObservation"]
    assert got["__typename"] == "TwinChange"
    latest = api.gql(
        '{ patient(id: "ob-1") { ... on Patient { latestObservations(codes: ["33914-3"]) { value } } } }'
    )["data"]["patient"]["latestObservations"]
    assert latest == [{"value": 25.0}]
    g = api.gql(
        'mutation { setGenotype(patientId: "ob-1", gene: "CYP2C19", diplotype: "*2/*2") { __typename } }'
    )["data"]["setGenotype"]
    assert g["__typename"] == "TwinChange"
    bad = api.gql(
        'mutation { setGenotype(patientId: "ob-1", gene: "CYP2D7", diplotype: "*1/*1") { __typename '
        "... on InvalidInput { message } } }"
    )["data"]["setGenotype"]
    assert bad["__typename"] == "InvalidInput" and "CYP2D7" in bad["message"]


def test_pgx_and_consent(shared_twins: Any, make_api: Any) -> None:
    api = make_api(shared_twins)
    _new_patient(api, "px-1")
    api.gql(
        'mutation { setGenotype(patientId: "px-1", gene: "CYP2C19", diplotype: "*2/*2") { __typename } }'
    )
    q = """{ pgx(patientId: "px-1", drug: "clopidogrel") { __typename ... on PgxResult {
        recommendation classification genes { gene phenotype } alerts { key } } } }"""
    got = api.gql(q)["data"]["pgx"]
    direct = pgx_report(shared_twins, "px-1", "clopidogrel")
    assert got["__typename"] == "PgxResult"
    assert [a["key"] for a in got["alerts"]] == [a.key for a in direct.alerts]
    assert got["alerts"], "clopidogrel with CYP2C19 *2/*2 has a CPIC recommendation"
    assert got["recommendation"] == direct.alerts[0].management
    assert {g["gene"] for g in got["genes"]} >= {"CYP2C19"}
    genotypes = '{ patient(id: "px-1") { ... on Patient { genotypes { gene diplotype } } } }'
    assert api.gql(genotypes)["data"]["patient"]["genotypes"] == [
        {"gene": "CYP2C19", "diplotype": "*2/*2"}
    ]
    # consent withheld: PGx withheld and the report says why
    c = api.gql(
        'mutation { setConsent(patientId: "px-1", genomic: false) { __typename ... on Consent { genomic } } }'
    )
    assert c["data"]["setConsent"] == {"__typename": "Consent", "genomic": False}
    assert api.gql(q)["data"]["pgx"]["__typename"] == "ConsentWithheld"
    assert api.gql(genotypes)["data"]["patient"]["genotypes"] == []
    report = api.gql(
        """{ safetyReport(patientId: "px-1", whatIf: {add: ["clopidogrel"]}) { ... on SafetyReport {
           genomicWithheld notices alerts { kind } } } }"""
    )["data"]["safetyReport"]
    assert report["genomicWithheld"] is True
    assert any("consent" in n for n in report["notices"])
    assert not [a for a in report["alerts"] if a["kind"] == "pgx"]


def test_ingest_bundle_rejects_a_bad_bundle(shared_twins: Any, make_api: Any) -> None:
    api = make_api(shared_twins)
    m = "mutation($b: JSON!) { ingestBundle(bundle: $b) { __typename ... on InvalidBundle { message problems } } }"
    bad = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "bb-1"}},
        {"resource": {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/bb-1"}}},
    ]}  # fmt: skip
    got = api.gql(m, {"b": bad})["data"]["ingestBundle"]
    assert got["__typename"] == "InvalidBundle" and got["problems"]
    assert (
        api.gql('{ patient(id: "bb-1") { __typename } }')["data"]["patient"]["__typename"]
        == "PatientNotFound"
    )
    not_fhir = api.gql(m, {"b": {"hello": 1}})["data"]["ingestBundle"]
    assert not_fhir["__typename"] == "InvalidBundle"
    ok = api.gql(m, {"b": fixture_bundles()[1]})["data"]["ingestBundle"]
    assert ok["__typename"] == "IngestResult"


def test_drug_lookups_and_adhoc_check(shared_twins: Any, make_api: Any) -> None:
    api = make_api(shared_twins)
    d = api.gql(
        '{ drug(name: "Simvastatin") { __typename ... on Drug { id name rxcui synonyms classes } } }'
    )["data"]["drug"]
    assert (
        d["__typename"] == "Drug"
        and d["name"] == "simvastatin"
        and d["id"] == f"RxNorm:{d['rxcui']}"
    )
    same = api.gql("query($id: ID) { drug(id: $id) { ... on Drug { name } } }", {"id": d["rxcui"]})
    assert same["data"]["drug"]["name"] == "simvastatin"
    miss = api.gql(
        '{ drug(name: "simvastatn") { __typename ... on UnknownDrug { suggestions } } }'
    )["data"]["drug"]
    assert miss["__typename"] == "UnknownDrug" and "simvastatin" in miss["suggestions"]
    found = api.gql('{ searchDrugs(text: "statin") { ... on DrugSearch { drugs { name } } } }')
    names = [x["name"] for x in found["data"]["searchDrugs"]["drugs"]]
    assert "simvastatin" in names and all("statin" in n for n in names[:3])
    pair = ["simvastatin", "clarithromycin"]
    check = api.gql(
        "query($d: [String!]!) { checkInteractions(drugs: $d) { __typename ... on InteractionCheck "
        "{ alerts { key } drugs { name } } } }",
        {"d": pair},
    )["data"]["checkInteractions"]
    assert [a["key"] for a in check["alerts"]] == [
        a.key for a in check_drugs(shared_twins, pair).alerts
    ]
    assert check["alerts"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [('graphName: "Drug"', "OntologyTerm"), ('iri: "kgtwin:NoSuchThing"', "TermNotFound")],
)
def test_ontology_term(store: Any, make_api: Any, args: str, expected: str) -> None:
    got = make_api(store).gql(
        f"{{ ontologyTerm({args}) {{ __typename ... on OntologyTerm {{ iri label graphName definition }} }} }}"
    )["data"]["ontologyTerm"]
    assert got["__typename"] == expected
    if expected == "OntologyTerm":
        assert got["graphName"] == "Drug" and got["label"] and got["iri"].startswith("http")
        again = make_api(store).gql(
            "query($i: String) { ontologyTerm(iri: $i) { ... on OntologyTerm { graphName } } }",
            {"i": got["iri"]},
        )
        assert again["data"]["ontologyTerm"]["graphName"] == "Drug"


def test_care_pathways(shared_twins: Any, make_api: Any) -> None:
    from kg.reasoning.pathways import care_pathways

    api = make_api(shared_twins)
    q = """query($id: ID!) { carePathways(patientId: $id) { __typename ... on CarePathways {
        pathways { id name applicable currentStep nextSteps { id status } } } } }"""
    for bundle in fixture_bundles()[:3]:
        pid = bundle_patient_id(bundle)
        got = api.gql(q, {"id": pid})["data"]["carePathways"]
        assert got["__typename"] == "CarePathways"
        assert [p["id"] for p in got["pathways"]] == [
            p.pathway_id for p in care_pathways(shared_twins, pid)
        ]
    assert api.gql(q, {"id": "nobody"})["data"]["carePathways"]["__typename"] == "PatientNotFound"


def test_active_medications_and_conditions_follow_the_safety_engine(
    kb_store: Any, make_api: Any
) -> None:
    """The API's "active" lists use the same rule as the safety report: a course that ends
    next month is active, an on-hold one too, a cancelled or finished one is not."""
    import datetime as dt

    from kg.ingest import ingest_bundle
    from kg.reasoning.context import read_context

    today = dt.date.today()
    soon, past = (today + dt.timedelta(days=30)).isoformat(), "2020-01-01"

    def med(mid: str, code: str, status: str, end: str | None) -> dict[str, Any]:
        bounds = {"start": "2019-01-01", **({"end": end} if end else {})}
        return {
            "resourceType": "MedicationStatement",
            "id": mid,
            "status": status,
            "subject": {"reference": "Patient/act-1"},
            "medicationCodeableConcept": {
                "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": code}]
            },
            "effectivePeriod": bounds,
        }

    def cond(cid: str, status: str, abated: str | None) -> dict[str, Any]:
        r: dict[str, Any] = {
            "resourceType": "Condition",
            "id": cid,
            "clinicalStatus": {"coding": [{"code": status}]},
            "subject": {"reference": "Patient/act-1"},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "38341003"}]},
            "onsetDateTime": "2010-01-01",
        }
        if abated:
            r["abatementDateTime"] = abated
        return r

    resources = [
        {"resourceType": "Patient", "id": "act-1", "gender": "male", "birthDate": "1950-01-01"},
        med("m-course", "29046", "active", soon),  # lisinopril, ends next month
        med("m-hold", "36567", "on-hold", None),  # simvastatin
        med("m-done", "11289", "completed", past),  # warfarin, finished
        med("m-cancel", "8640", "cancelled", None),  # prednisone, never taken
        cond("c-now", "active", None),
        cond("c-gone", "resolved", past),
    ]
    ingest_bundle(
        kb_store,
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": r} for r in resources],
        },
    )
    api = make_api(kb_store)
    q = """{ patient(id: "act-1") { ... on Patient {
        medications { id } all: medications(status: ALL) { id }
        conditions { id } everything: conditions(activeOnly: false) { id } } } }"""
    twin = api.gql(q, role=None)["data"]["patient"]
    active = sorted(m["id"] for m in twin["medications"])
    assert active == ["MedicationStatement/m-course", "MedicationStatement/m-hold"]
    assert len(twin["all"]) == 4
    assert [c["id"] for c in twin["conditions"]] == ["Condition/c-now"]
    assert len(twin["everything"]) == 2
    context = read_context(kb_store, "act-1", as_of_epoch=int(dt.datetime.now(dt.UTC).timestamp()))
    engine_active = {m.uid for m in context.meds}
    assert engine_active == set(active)


def test_patient_shows_self_identified_race_and_ethnicity(shared_twins: Any, make_api: Any) -> None:
    bundle = fixture_bundles()[0]
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    race = next(x for x in patient["extension"] if x["url"].endswith("/us-core-race"))
    api = make_api(shared_twins)
    q = """query($id: ID!) { patient(id: $id) { ... on Patient { raceCodes raceText ethnicityCodes } } }"""
    got = api.gql(q, {"id": patient["id"]})["data"]["patient"]
    assert got["raceCodes"] == [
        x["valueCoding"]["code"] for x in race["extension"] if x["url"] == "ombCategory"
    ]
    assert got["raceText"] == next(
        x["valueString"] for x in race["extension"] if x["url"] == "text"
    )
    assert len(got["ethnicityCodes"]) == 1
