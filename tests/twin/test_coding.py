"""Coding normalisation: products to ingredients, conditions to concepts, allergens to classes."""

from __future__ import annotations

import pytest

from kg.ingest import get_twin, ingest_bundle, resolver_for
from kg.ingest.coding import CodeResolver, code_uid, load_products
from kg.store import GraphStore
from tests.twin.conftest import FHIR_DIR, condition, load_fixture, med_request, patient_bundle


def _resolver() -> CodeResolver:
    return CodeResolver(
        drugs=[
            ("RxNorm:161", "161", "acetaminophen", ["paracetamol"]),
            ("RxNorm:5489", "5489", "hydrocodone", []),
            ("RxNorm:5640", "5640", "ibuprofen", []),
            ("RxNorm:723", "723", "amoxicillin", []),
        ],
        classes=[("kgtwin:Penicillins", "Penicillins")],
        concepts=[("SNOMED:38341003", "concept:hypertension")],
        allergen_codes=[("SNOMED:91936005", "kgtwin:Penicillins")],
    )


def test_a_combination_product_resolves_to_both_ingredients() -> None:
    m = _resolver().resolve_medication(
        "857005", "Acetaminophen 325 MG / HYDROcodone Bitartrate 7.5 MG Oral Tablet"
    )
    assert m.drug_uids == ("RxNorm:161", "RxNorm:5489") and m.mapped


def test_a_partly_known_product_is_not_mapped_and_names_the_missing_ingredient() -> None:
    m = _resolver().resolve_medication("562251", "Amoxicillin 250 MG / Clavulanate 125 MG")
    assert m.drug_uids == ("RxNorm:723",)
    assert m.unresolved == ("clavulanate",) and not m.mapped


def test_an_unknown_product_code_resolves_through_its_display_text() -> None:
    m = _resolver().resolve_medication("999999001", "Ibuprofen 400 MG Oral Tablet")
    assert m.drug_uids == ("RxNorm:5640",) and m.mapped
    none = _resolver().resolve_medication("999999002", "Unobtainium 5 MG Oral Tablet")
    assert not none.mapped and none.unresolved == ("Unobtainium 5 MG Oral Tablet",)


def test_synonyms_and_ingredient_codes_resolve() -> None:
    r = _resolver()
    assert r.resolve_medication(None, "Paracetamol 500 mg tablets").drug_uids == ("RxNorm:161",)
    assert r.resolve_medication("5640", None).drug_uids == ("RxNorm:5640",)


def test_allergens_resolve_to_classes_by_code_or_name() -> None:
    r = _resolver()
    assert r.resolve_allergen("SNOMED:91936005", "Allergy to penicillin") == ("kgtwin:Penicillins",)
    assert r.resolve_allergen("SNOMED:0", "Penicillin allergy") == ("kgtwin:Penicillins",)
    assert r.resolve_allergen("SNOMED:91935009", "Allergy to peanuts") == ()


def test_code_uids() -> None:
    assert code_uid("http://snomed.info/sct", "38341003") == "SNOMED:38341003"
    assert code_uid("http://hl7.org/fhir/sid/icd-10-cm", "I10") == "ICD10:I10"
    assert code_uid("urn:local", "x") == "urn:local|x"


def test_every_fixture_product_code_is_in_the_curated_table() -> None:
    import json

    products = load_products()
    codes = set()
    for path in FHIR_DIR.glob("*.json"):
        for e in json.loads(path.read_text())["entry"]:
            r = e["resource"]
            if r["resourceType"] == "MedicationRequest":
                codes.add(r["medicationCodeableConcept"]["coding"][0]["code"])
    assert codes and codes <= set(products)
    for p in products.values():
        assert len(p.ingredient_rxcuis) == len(p.ingredient_names) and all(p.ingredient_rxcuis)


def test_unmapped_items_are_kept_flagged_and_reported(kb: GraphStore) -> None:
    bundle = load_fixture("Karena_Pfeffer")
    result = ingest_bundle(kb, bundle)
    pid = result.patients[0]
    rows = {r["uid"]: r for r in kb.read("list_twin_resources", {"uid": f"Patient/{pid}"})}
    reported = {u.resource_uid for u in result.unmapped}
    for uid, row in rows.items():
        if row["mapped"] is False:
            assert uid in reported, uid
    for u in result.unmapped:
        assert u.resource_uid in rows
        if u.resource_type == "MedicationRequest":
            assert rows[u.resource_uid]["mapped"] is False
    contraceptive = [u for u in result.unmapped if u.code == "1605257"]  # Liletta (levonorgestrel)
    assert contraceptive and "levonorgestrel" in contraceptive[0].reason
    food = [u for u in result.unmapped if u.resource_type == "AllergyIntolerance"]
    assert food and all("not a drug" in u.reason for u in food)


def test_conditions_map_to_value_set_concepts_and_medications_to_drugs(kb: GraphStore) -> None:
    bundle = patient_bundle(
        "p1",
        [
            condition("c1", "38341003", "Hypertension"),
            condition("c2", "44465007", "Sprain of ankle"),
            med_request(
                "m1", "857005", "Acetaminophen 325 MG / HYDROcodone Bitartrate 7.5 MG Oral Tablet"
            ),
            med_request("m2", "751905", "Trinessa 28 Day Pack"),
        ],
    )
    result = ingest_bundle(kb, bundle, resolver=resolver_for(kb))
    twin = get_twin(kb, "p1")
    by_code = {c.code: c for c in twin.conditions}
    assert by_code["38341003"].mapped and by_code["38341003"].concepts == ("concept:hypertension",)
    assert not by_code["44465007"].mapped
    meds = {m.code: m for m in twin.medications}
    assert set(meds["857005"].drug_uids) == {"RxNorm:161", "RxNorm:5489"} and meds["857005"].mapped
    assert meds["751905"].drug_uids == () and not meds["751905"].mapped
    assert {u.code for u in result.unmapped} == {"44465007", "751905"}
    assert [m.code for m in twin.unmapped_medications] == ["751905"]


@pytest.mark.parametrize(
    "system", ["http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10"]
)
def test_icd10_conditions_are_coded_as_icd10(kb: GraphStore, system: str) -> None:
    c = condition("c1", "I10", "Essential hypertension")
    c["code"]["coding"][0]["system"] = system
    ingest_bundle(kb, patient_bundle("p1", [c]))
    twin = get_twin(kb, "p1")
    assert [(x.code, x.system) for x in twin.conditions] == [("I10", "ICD10")]
