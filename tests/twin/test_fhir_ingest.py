"""FHIR bundles on the twin: round trip of the Synthea fixtures, idempotence, all-or-nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from kg.errors import QueryError, ValidationError
from kg.ingest import get_twin, ingest_bundle, ingest_bundles, ingest_resource, observations
from kg.ingest.coding import SYSTEMS
from kg.ingest.fhir import NOT_MODELLED_TYPES
from kg.ingest.writer import write_twin
from kg.store import GraphStore
from tests.twin.conftest import (
    condition,
    fixture_paths,
    graph_size,
    lab,
    load_fixture,
    med_request,
    patient_bundle,
)

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
_LABEL = {
    "Condition": "Condition",
    "MedicationRequest": "MedicationStatement",
    "MedicationStatement": "MedicationStatement",
    "AllergyIntolerance": "Allergy",
    "Observation": "Observation",
}


@pytest.mark.parametrize("path", fixture_paths(), ids=lambda p: p.name.split("_")[0])
def test_every_resource_of_a_synthea_bundle_is_on_the_twin_with_its_code(
    kb: GraphStore, path: Path
) -> None:
    bundle = json.loads(path.read_text(encoding="utf-8"))
    result = ingest_bundle(kb, bundle)
    patient = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    assert result.patients == (patient["id"],)
    on_twin = {
        r["uid"]: r for r in kb.read("list_twin_resources", {"uid": f"Patient/{patient['id']}"})
    }
    expected = 0
    for entry in bundle["entry"]:
        r = entry["resource"]
        if r["resourceType"] not in _LABEL:
            continue
        prefix = (
            "AllergyIntolerance"
            if r["resourceType"] == "AllergyIntolerance"
            else _LABEL[r["resourceType"]]
        )
        uid = f"{prefix}/{r['id']}"
        assert uid in on_twin, uid
        assert on_twin[uid]["label"] == _LABEL[r["resourceType"]]
        cc = r.get("code") or r.get("medicationCodeableConcept")
        assert on_twin[uid]["code"] == cc["coding"][0]["code"]
        expected += 1
        for comp in r.get("component") or []:
            code = comp["code"]["coding"][0]["code"]
            assert on_twin[f"{uid}/{code}"]["code"] == code
    assert sum(1 for x in on_twin.values() if x["label"] != "TwinEvent") >= expected
    skipped_types = {s.resource_type for s in result.skipped}
    assert skipped_types <= set(NOT_MODELLED_TYPES)
    modelled = sum(
        1 for e in bundle["entry"] if e["resource"]["resourceType"] in _LABEL | {"Patient": 1}
    )
    assert len(result.skipped) == len(bundle["entry"]) - modelled


def test_demographics_and_latest_labs_come_through(kb: GraphStore) -> None:
    bundle = load_fixture("Dennis_Durgan")
    ingest_bundle(kb, bundle)
    patient = bundle["entry"][0]["resource"]
    twin = get_twin(kb, patient["id"])
    assert twin.birth_date == patient["birthDate"]
    assert twin.sex == patient["gender"]
    race = next(x for x in patient["extension"] if x["url"].endswith("/us-core-race"))
    omb = [x["valueCoding"]["code"] for x in race["extension"] if x["url"] == "ombCategory"]
    assert twin.race_codes == tuple(omb) and omb
    assert twin.race_text == next(x["valueString"] for x in race["extension"] if x["url"] == "text")
    assert len(twin.ethnicity_codes) == 1
    egfrs = sorted(
        (e["resource"]["effectiveDateTime"], e["resource"]["valueQuantity"]["value"])
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"]["coding"][0]["code"] == "33914-3"
    )
    latest = twin.lab("33914-3")
    assert latest is not None and egfrs
    assert latest.value == pytest.approx(egfrs[-1][1])
    assert latest.age_days > 0


def test_reingesting_a_bundle_changes_nothing(kb: GraphStore) -> None:
    bundle = load_fixture("Karena_Pfeffer")
    first = ingest_bundle(kb, bundle)
    size = graph_size(kb)
    second = ingest_bundle(kb, copy.deepcopy(bundle))
    assert graph_size(kb) == size
    assert second.counts == first.counts
    assert size[0] > 100


def test_a_bundle_with_one_bad_entry_writes_nothing_and_names_the_entry(kb: GraphStore) -> None:
    bundle = load_fixture("Tony_Douglas")
    bad = copy.deepcopy(bundle)
    idx = next(
        i for i, e in enumerate(bad["entry"]) if e["resource"]["resourceType"] == "Condition"
    )
    bad["entry"][idx]["resource"]["code"] = {"text": "no coding"}
    before = graph_size(kb)
    with pytest.raises(ValidationError) as err:
        ingest_bundle(kb, bad)
    assert graph_size(kb) == before
    assert any(p.startswith(f"entry[{idx}].resource.code:") for p in err.value.problems)
    assert '"text": "no coding"' in str(err.value)
    assert "expected a CodeableConcept" in str(err.value)


def test_every_problem_is_listed_with_location_found_and_expected(kb: GraphStore) -> None:
    bundle = patient_bundle(
        "p1",
        [
            lab("o1", "33914-3", 50.0, "yesterday"),
            {**med_request("m1", "314076", "lisinopril 10 MG Oral Tablet"), "status": "taken"},
            condition("c1", "38341003", "Hypertension", pid="nobody"),
        ],
    )
    with pytest.raises(ValidationError) as err:
        ingest_bundle(kb, bundle)
    problems = err.value.problems
    assert any(p.startswith('entry[1].resource.effective[x]: found "yesterday"') for p in problems)
    assert any(
        p.startswith('entry[2].resource.status: found "taken", expected one of') for p in problems
    )
    assert any(p.startswith("entry[3].resource.subject: found 'Patient/nobody'") for p in problems)
    assert graph_size(kb) == graph_size(kb) and not kb.read(
        "list_known_patients", {"uids": ["Patient/p1"]}
    )


def test_a_failure_inside_the_write_statement_leaves_nothing(kb: GraphStore) -> None:
    before = graph_size(kb)
    with pytest.raises(QueryError):
        write_twin(
            kb,
            patients=[{"uid": "Patient/x", "props": {"fhir_id": "x"}}],
            conditions=[
                {
                    "uid": "Condition/bad",
                    "patient_uid": "Patient/x",
                    "props": {"code": [{"nested": "map"}]},  # no maps in properties: fails
                    "code_uid": "SNOMED:1",
                    "code_props": {},
                }
            ],
        )
    assert graph_size(kb) == before


def test_unknown_resource_types_fail_unless_lenient(kb: GraphStore) -> None:
    bundle = patient_bundle("p1", [{"resourceType": "Spaceship", "id": "s1"}])
    with pytest.raises(
        ValidationError, match=r"entry\[1\]\.resource\.resourceType: found \"Spaceship\""
    ):
        ingest_bundle(kb, bundle)
    result = ingest_bundle(kb, bundle, lenient=True)
    assert [(s.location, s.resource_type, s.reason) for s in result.skipped] == [
        ("entry[1]", "Spaceship", "unknown resource type")
    ]
    assert result.counts == {"Patient": 1}


def test_not_a_bundle_is_rejected(kb: GraphStore) -> None:
    with pytest.raises(ValidationError, match="resourceType: found \"Patient\", expected 'Bundle'"):
        ingest_bundle(kb, {"resourceType": "Patient", "id": "x"})


def test_single_resource_ingest_needs_an_existing_patient(kb: GraphStore) -> None:
    obs = lab("o1", "33914-3", 61.0, "2024-01-01T00:00:00Z")
    del obs["subject"]
    with pytest.raises(ValidationError, match="Patient/p9"):
        ingest_resource(kb, obs, patient_id="p9")
    ingest_bundle(kb, patient_bundle("p9"))
    result = ingest_resource(kb, obs, patient_id="p9")
    assert result.counts == {"Observation": 1}
    assert get_twin(kb, "p9").lab("33914-3").value == 61.0  # type: ignore[union-attr]


def test_transaction_bundles_with_urn_references_resolve(kb: GraphStore) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": "urn:uuid:aaa",
                "resource": {"resourceType": "Patient", "id": "aaa"},
                "request": {"method": "POST", "url": "Patient"},
            },
            {
                "fullUrl": "urn:uuid:bbb",
                "resource": {
                    **condition("bbb", "38341003", "Hypertension"),
                    "subject": {"reference": "urn:uuid:aaa"},
                },
                "request": {"method": "POST", "url": "Condition"},
            },
            {
                "resource": {"resourceType": "Encounter", "id": "e1"},
                "request": {"method": "DELETE"},
            },
        ],
    }
    with pytest.raises(ValidationError, match=r"entry\[2\]\.request\.method: found \"DELETE\""):
        ingest_bundle(kb, bundle)
    bundle["entry"].pop()
    result = ingest_bundle(kb, bundle)
    assert result.counts == {"Patient": 1, "Condition": 1}
    assert [c.code for c in get_twin(kb, "aaa").conditions] == ["38341003"]


def test_code_systems_known_to_the_mapper_are_the_fhir_uris() -> None:
    assert SYSTEMS["http://snomed.info/sct"] == "SNOMED"
    assert SYSTEMS["http://hl7.org/fhir/sid/icd-10-cm"] == "ICD10"


def test_bulk_ingest_writes_valid_bundles_in_groups_and_reports_bad_ones(kb: GraphStore) -> None:
    bundles = [
        patient_bundle(f"b{i}", [lab(f"o{i}", "33914-3", 50.0 + i, "2024-01-01", pid=f"b{i}")])
        for i in range(7)
    ]
    bundles[3]["entry"][1]["resource"]["effectiveDateTime"] = "not a date"
    bundles.append(patient_bundle("b1", [lab("o1b", "33914-3", 99.0, "2025-01-01", pid="b1")]))
    outcomes = list(ingest_bundles(kb, bundles, group=2))
    assert [type(o).__name__ for o in outcomes] == ["IngestResult"] * 3 + ["ValidationError"] + [
        "IngestResult"
    ] * 4
    assert "entry[1].resource.effective[x]" in str(outcomes[3])
    known = kb.read("list_known_patients", {"uids": [f"Patient/b{i}" for i in range(7)]})
    assert sorted(r["uid"] for r in known) == [f"Patient/b{i}" for i in (0, 1, 2, 4, 5, 6)]
    assert get_twin(kb, "b1").lab("33914-3").value == 99.0  # type: ignore[union-attr]


def test_medication_statements_and_medication_references(kb: GraphStore) -> None:
    statement = {
        "resourceType": "MedicationStatement",
        "id": "ms1",
        "status": "active",
        "medicationReference": {"reference": "#med"},
        "contained": [
            {
                "resourceType": "Medication",
                "id": "med",
                "code": {"coding": [{"system": RXNORM, "code": "855332", "display": "Warfarin"}]},
            }
        ],
        "subject": {"reference": "Patient/p1"},
        "effectivePeriod": {"start": "2024-01-01"},
        "dosage": [{"text": "5 mg daily", "route": {"text": "oral"}}],
    }  # fmt: skip
    bundled = {
        "resourceType": "MedicationRequest",
        "id": "mr1",
        "status": "active",
        "intent": "order",
        "medicationReference": {"reference": "Medication/m2"},
        "subject": {"reference": "Patient/p1"},
        "authoredOn": "2024-02-01",
    }
    medication = {
        "resourceType": "Medication",
        "id": "m2",
        "code": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "309362"}]
        },
    }
    result = ingest_bundle(kb, patient_bundle("p1", [statement, bundled, medication]))
    assert result.counts == {"Patient": 1, "MedicationStatement": 1, "MedicationRequest": 1}
    meds = {m.uid: m for m in get_twin(kb, "p1").medications}
    ms = meds["MedicationStatement/ms1"]
    assert (ms.code, ms.dose_text, ms.drug_uids) == ("855332", "5 mg daily", ("RxNorm:11289",))
    assert meds["MedicationStatement/mr1"].drug_uids == ("RxNorm:32968",)
    broken = dict(bundled, medicationReference={"reference": "Medication/nowhere"})
    with pytest.raises(ValidationError, match=r"entry\[1\]\.resource\.medication\[x\]"):
        ingest_bundle(kb, patient_bundle("p1", [broken]))


def test_a_wearable_series_becomes_one_observation_per_sample(kb: GraphStore) -> None:
    series = {
        "resourceType": "Observation",
        "id": "hr1",
        "status": "final",
        "code": {
            "coding": [{"system": "http://loinc.org", "code": "8867-4", "display": "Heart rate"}]
        },
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2026-05-05T10:00:00Z",
        "valueSampledData": {
            "origin": {"value": 0, "unit": "/min"},
            "period": 5000,
            "dimensions": 1,
            "data": "71 72 E 75",
        },
    }
    result = ingest_bundle(kb, patient_bundle("p1", [series]))
    assert result.counts["Observation"] == 3
    points = observations(kb, "p1", "8867-4")
    assert [(o["value"], o["effective"]) for o in points] == [
        (71.0, "2026-05-05T10:00:00Z"),
        (72.0, "2026-05-05T10:00:05Z"),
        (75.0, "2026-05-05T10:00:15Z"),
    ]
    assert get_twin(kb, "p1").lab("8867-4").value == 75.0  # type: ignore[union-attr]
    series["valueSampledData"] = {"period": 0, "data": "1 2"}
    with pytest.raises(ValidationError, match=r"entry\[1\]\.resource\.valueSampledData"):
        ingest_bundle(kb, patient_bundle("p1", [series]))


def test_urn_references_resolve_to_ids_when_full_urls_are_missing(kb: GraphStore) -> None:
    bundle = load_fixture("Asa_Hermiston")
    searchset = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": e["resource"]} for e in bundle["entry"]],
    }
    result = ingest_bundle(kb, searchset)
    assert result.counts == ingest_bundle(kb, bundle).counts
