"""Build small FHIR twins for pathway tests (ingested through the live-twin API)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kg.ingest import ingest_bundle, set_genotype
from kg.store import GraphStore

SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10-cm"


_RACE_SYSTEM = "urn:oid:2.16.840.1.113883.6.238"  # CDC Race and Ethnicity code set


def make_twin(
    store: GraphStore,
    pid: str,
    *,
    birth_date: str = "1960-01-15",
    sex: str = "male",
    conditions: Sequence[str] = (),
    meds: Sequence[str] = (),
    labs: Sequence[tuple[str, float, str, str]] = (),
    allergies: Sequence[str] = (),
    genotypes: Sequence[tuple[str, str]] = (),
    race: tuple[str, str] | None = None,
) -> str:
    """A twin with SNOMED (or ``ICD10:<code>``) conditions, RxNorm ingredient medications,
    LOINC labs ``(loinc, value, unit, date)``, RxNorm drug allergies and genotypes
    ``(gene, diplotype)``; ``race`` is a US Core race ``(OMB code, text)``."""
    ref = {"reference": f"Patient/{pid}"}
    patient: dict[str, Any] = {
        "resourceType": "Patient", "id": pid, "birthDate": birth_date, "gender": sex
    }  # fmt: skip
    if race:
        patient["extension"] = [
            {
                "url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
                "extension": [
                    {
                        "url": "ombCategory",
                        "valueCoding": {
                            "system": "urn:oid:2.16.840.1.113883.6.238",
                            "code": race[0],
                        },
                    },
                    {"url": "text", "valueString": race[1]},
                ],
            }
        ]
    entries: list[dict[str, Any]] = [{"resource": patient}]
    for i, code in enumerate(conditions):
        system = ICD10 if code.startswith("ICD10:") else SNOMED
        entries.append(
            {
                "resource": {
                    "resourceType": "Condition",
                    "id": f"{pid}-c{i}",
                    "subject": ref,
                    "clinicalStatus": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                "code": "active",
                            }
                        ]
                    },
                    "code": {"coding": [{"system": system, "code": code.removeprefix("ICD10:")}]},
                    "onsetDateTime": "2015-01-01T00:00:00Z",
                }
            }
        )
    for i, rxcui in enumerate(meds):
        entries.append(
            {
                "resource": {
                    "resourceType": "MedicationStatement",
                    "id": f"{pid}-m{i}",
                    "subject": ref,
                    "status": "active",
                    "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": rxcui}]},
                    "effectivePeriod": {"start": "2020-01-01T00:00:00Z"},
                }
            }
        )
    for i, (loinc, value, unit, date) in enumerate(labs):
        entries.append(
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": f"{pid}-o{i}",
                    "subject": ref,
                    "status": "final",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                    "code": "laboratory",
                                }
                            ]
                        }
                    ],
                    "code": {"coding": [{"system": LOINC, "code": loinc}]},
                    "valueQuantity": {"value": value, "unit": unit},
                    "effectiveDateTime": f"{date}T08:00:00Z",
                }
            }
        )
    for i, rxcui in enumerate(allergies):
        entries.append(
            {
                "resource": {
                    "resourceType": "AllergyIntolerance",
                    "id": f"{pid}-a{i}",
                    "patient": ref,
                    "clinicalStatus": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                                "code": "active",
                            }
                        ]
                    },
                    "category": ["medication"],
                    "criticality": "high",
                    "code": {"coding": [{"system": RXNORM, "code": rxcui}]},
                }
            }
        )
    ingest_bundle(store, {"resourceType": "Bundle", "type": "collection", "entry": entries})
    for gene, diplotype in genotypes:
        set_genotype(store, pid, gene, diplotype)
    return pid
