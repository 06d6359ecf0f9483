"""FHIR R4 Bundle validation and mapping to twin rows (pure: no store access).

Every entry is checked before anything is written; each problem names its location
(``entry[3].resource.code``), the value found and what was expected. Resource types the twin
does not model (Encounter, Claim, ...) are skipped and reported; types kgtwin does not know at
all are an error unless the caller asked for lenient mode.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from kg.ingest.coding import SYSTEMS, CodeResolver, code_uid
from kg.ingest.events import event_row
from kg.ingest.fhir_fields import (
    category,
    code_props,
    dose_text,
    first,
    observation_value,
    route,
    sampled_values,
    short,
)
from kg.ingest.genotype import GenotypeRequest, genotype_from_observation
from kg.ingest.mapped import MappedBundle
from kg.ingest.result import SkippedItem, UnmappedItem
from kg.ingest.times import Instant, parse_instant

__all__ = [
    "BUNDLE_TYPES",
    "MAPPED_TYPES",
    "NOT_MODELLED_TYPES",
    "MappedBundle",
    "map_bundle",
]

BUNDLE_TYPES = ("batch", "collection", "searchset", "transaction")
MAPPED_TYPES = (
    "AllergyIntolerance",
    "Condition",
    "Medication",
    "MedicationRequest",
    "MedicationStatement",
    "Observation",
    "Patient",
)
# Real FHIR R4 resource types that carry nothing the twin models: skipped and reported.
NOT_MODELLED_TYPES = (
    "Appointment", "CarePlan", "CareTeam", "Claim", "ClaimResponse", "Composition",
    "Consent", "Coverage", "Device", "DeviceRequest", "DiagnosticReport", "DocumentReference",
    "Encounter", "EpisodeOfCare", "ExplanationOfBenefit", "FamilyMemberHistory", "Goal",
    "ImagingStudy", "Immunization", "ImmunizationRecommendation", "Location", "Media",
    "MedicationAdministration", "MedicationDispense", "Organization", "Practitioner",
    "PractitionerRole", "Procedure", "Provenance", "Questionnaire", "QuestionnaireResponse",
    "RelatedPerson", "RiskAssessment", "ServiceRequest", "Specimen", "SupplyDelivery",
    "SupplyRequest", "Task",
)  # fmt: skip
_GENDERS = ("female", "male", "other", "unknown")
_MED_STATUSES = (
    "active", "cancelled", "completed", "draft", "entered-in-error", "intended", "not-taken",
    "on-hold", "stopped", "unknown",
)  # fmt: skip
STOPPED_STATUSES = ("cancelled", "completed", "entered-in-error", "not-taken", "stopped")
_LOINC = "http://loinc.org"
_RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


class _Mapper:
    def __init__(
        self,
        resolver: CodeResolver,
        *,
        lenient: bool,
        patient_id: str | None,
        recorded: Instant,
    ) -> None:
        self.resolver = resolver
        self.lenient = lenient
        self.patient_id = patient_id
        self.recorded = recorded
        self.out = MappedBundle()
        self.urls: dict[str, tuple[str, str]] = {}  # fullUrl -> (type, id)
        self.medications: dict[str, dict[str, Any]] = {}  # Medication refs -> resource

    # -- problems -----------------------------------------------------------------------
    def problem(self, loc: str, found: Any, expected: str) -> None:
        self.out.problems.append(f"{loc}: found {short(found)}, expected {expected}")

    # -- small readers ------------------------------------------------------------------
    def coding(
        self, cc: Any, loc: str, *, prefer: Sequence[str] = ()
    ) -> tuple[str | None, str, str | None] | None:
        """(system, code, display) of a CodeableConcept, preferring the given systems."""
        codings = cc.get("coding") if isinstance(cc, Mapping) else None
        if not isinstance(codings, list) or not codings:
            self.problem(loc, cc, "a CodeableConcept with a coding that has system and code")
            return None
        usable = [c for c in codings if isinstance(c, Mapping) and isinstance(c.get("code"), str)]
        if not usable:
            self.problem(f"{loc}.coding", codings, "a coding with a string 'code'")
            return None
        chosen = next((c for s in prefer for c in usable if c.get("system") == s), usable[0])
        display = chosen.get("display") or cc.get("text")
        return chosen.get("system"), chosen["code"], display

    def instant(self, value: Any, loc: str) -> Instant | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem(loc, value, "an ISO-8601 date or dateTime string")
            return None
        try:
            return parse_instant(value)
        except ValueError:
            self.problem(loc, value, "an ISO-8601 date or dateTime (e.g. 2019-05-01T10:00:00Z)")
            return None

    def patient_of(self, resource: Mapping[str, Any], key: str, loc: str) -> str | None:
        """The Patient uid a resource refers to (``subject`` or ``patient``)."""
        ref = resource.get(key)
        if ref is None and self.patient_id is not None:
            uid = f"Patient/{self.patient_id}"
            self.out.referenced_patients.setdefault(uid, f"{loc}.{key}")
            return uid
        target = ref.get("reference") if isinstance(ref, Mapping) else None
        if not isinstance(target, str):
            self.problem(f"{loc}.{key}", ref, "a reference to the Patient ({'reference': ...})")
            return None
        if target in self.urls:
            rtype, rid = self.urls[target]
        elif "/" in target and not target.startswith("urn:"):
            rtype, rid = target.rstrip("/").split("/")[-2:]
        else:
            self.problem(
                f"{loc}.{key}.reference", target, "Patient/<id> or a fullUrl in the bundle"
            )
            return None
        if rtype != "Patient":
            self.problem(f"{loc}.{key}.reference", target, "a reference to a Patient")
            return None
        if self.patient_id is not None and rid != self.patient_id:
            self.problem(f"{loc}.{key}.reference", target, f"Patient/{self.patient_id}")
            return None
        uid = f"Patient/{rid}"
        self.out.referenced_patients.setdefault(uid, f"{loc}.{key}")
        return uid

    def event(
        self, patient_uid: str, kind: str, key: str, at: Instant | None, resource_uid: str
    ) -> None:
        pid = patient_uid.split("/", 1)[1]
        self.out.events.append(event_row(pid, kind, key, at or self.recorded, resource_uid))

    # -- the bundle ---------------------------------------------------------------------
    def bundle(self, bundle: Any) -> MappedBundle:
        if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
            found = bundle.get("resourceType") if isinstance(bundle, Mapping) else bundle
            self.problem("resourceType", found, "'Bundle'")
            return self.out
        if bundle.get("type") not in BUNDLE_TYPES:
            self.problem("type", bundle.get("type"), f"one of {', '.join(BUNDLE_TYPES)}")
        entries = bundle.get("entry") or []
        if not isinstance(entries, list):
            self.problem("entry", entries, "a list of entries")
            return self.out
        resources: list[tuple[str, dict[str, Any]]] = []
        seen: dict[tuple[str, str], str] = {}
        for i, entry in enumerate(entries):
            loc = f"entry[{i}]"
            resource = entry.get("resource") if isinstance(entry, Mapping) else None
            if not isinstance(resource, Mapping) or not isinstance(
                resource.get("resourceType"), str
            ):
                self.problem(f"{loc}.resource", resource, "a resource with a resourceType")
                continue
            request = entry.get("request")
            if isinstance(request, Mapping) and request.get("method") not in (None, "POST", "PUT"):
                self.problem(f"{loc}.request.method", request.get("method"), "POST or PUT")
                continue
            rtype = resource["resourceType"]
            rid = resource.get("id")
            full_url = entry.get("fullUrl")
            if rid is None and isinstance(full_url, str) and full_url.startswith("urn:uuid:"):
                rid = full_url.removeprefix("urn:uuid:")
            if not isinstance(rid, str) or not rid or "/" in rid:
                self.problem(f"{loc}.resource.id", rid, "a FHIR id (letters, digits, '-', '.')")
                continue
            if (rtype, rid) in seen:
                self.problem(
                    f"{loc}.resource.id", rid, f"an id not used before (also {seen[rtype, rid]})"
                )
                continue
            seen[rtype, rid] = loc
            resource = {**resource, "id": rid}
            if isinstance(full_url, str):
                self.urls[full_url] = (rtype, rid)
            self.urls[f"{rtype}/{rid}"] = (rtype, rid)
            # Synthea-style ids are the uuid of the fullUrl; entries copied out of a bundle
            # (CDS Hooks prefetch) lose their fullUrl but keep references to it.
            self.urls.setdefault(f"urn:uuid:{rid}", (rtype, rid))
            if rtype == "Medication":
                self.medications[f"{rtype}/{rid}"] = resource
                if isinstance(full_url, str):
                    self.medications[full_url] = resource
            resources.append((loc, resource))
        for loc, resource in resources:
            self.resource(loc, resource)
        return self.out

    def resource(self, loc: str, r: dict[str, Any]) -> None:
        rtype = r["resourceType"]
        rloc = f"{loc}.resource"
        handler = {
            "Patient": self.patient,
            "Condition": self.condition,
            "MedicationRequest": self.medication,
            "MedicationStatement": self.medication,
            "AllergyIntolerance": self.allergy,
            "Observation": self.observation,
        }.get(rtype)
        if handler is not None:
            handler(rloc, r)
        elif rtype == "Medication":
            pass  # read through the medicationReference of the requests that cite it
        elif rtype in NOT_MODELLED_TYPES:
            self.out.skipped.append(SkippedItem(loc, rtype, r["id"], "not part of the twin"))
        elif self.lenient:
            self.out.skipped.append(SkippedItem(loc, rtype, r["id"], "unknown resource type"))
        else:
            self.problem(
                f"{rloc}.resourceType",
                rtype,
                f"a resource type kgtwin reads ({', '.join(MAPPED_TYPES)}) or skips "
                "(Encounter, Claim, ...); use lenient mode to skip unknown types",
            )

    # -- resource types -----------------------------------------------------------------
    def patient(self, loc: str, r: dict[str, Any]) -> None:
        if self.patient_id is not None and r["id"] != self.patient_id:
            self.problem(f"{loc}.id", r["id"], self.patient_id)
            return
        gender = r.get("gender")
        if gender is not None and gender not in _GENDERS:
            self.problem(f"{loc}.gender", gender, f"one of {', '.join(_GENDERS)}")
        birth = self.instant(r.get("birthDate"), f"{loc}.birthDate")
        deceased = bool(r.get("deceasedBoolean")) or "deceasedDateTime" in r
        names = r.get("name") if isinstance(r.get("name"), list) else []
        race_codes, race_text = _us_core_category(r, "us-core-race")
        ethnicity_codes, _ = _us_core_category(r, "us-core-ethnicity")
        self.out.patients.append(
            {
                "uid": f"Patient/{r['id']}",
                "props": {
                    "fhir_id": r["id"],
                    "birth_date": birth.iso if birth else None,
                    "sex": gender,
                    "deceased": deceased,
                    "name_json": json.dumps(names[:1]) if names else None,
                    "race_codes": race_codes or None,
                    "race_text": race_text,
                    "ethnicity_codes": ethnicity_codes or None,
                },
            }
        )
        self.out.count("Patient")

    def condition(self, loc: str, r: dict[str, Any]) -> None:
        patient = self.patient_of(r, "subject", loc)
        coded = self.coding(r.get("code"), f"{loc}.code", prefer=tuple(SYSTEMS)[:3])
        status = r.get("clinicalStatus")
        status_code = None
        if status is not None:
            c = self.coding(status, f"{loc}.clinicalStatus")
            status_code = c[1] if c else None
        onset = self.instant(
            r.get("onsetDateTime") or (r.get("onsetPeriod") or {}).get("start"), f"{loc}.onset[x]"
        )
        abatement = self.instant(
            r.get("abatementDateTime") or (r.get("abatementPeriod") or {}).get("end"),
            f"{loc}.abatement[x]",
        )
        if patient is None or coded is None:
            return
        system, code, display = coded
        uid = f"Condition/{r['id']}"
        cuid = code_uid(system, code)
        mapped = bool(self.resolver.concepts_for(cuid))
        if not mapped:
            self.out.unmapped.append(
                UnmappedItem(uid, "Condition", system, code, display, "no contraindication concept")
            )
        self.out.conditions.append(
            {
                "uid": uid,
                "patient_uid": patient,
                "props": {
                    "code": code,
                    "system": SYSTEMS.get(system or "", system),
                    "display": display,
                    "clinical_status": status_code,
                    "onset": onset.iso if onset else None,
                    "onset_epoch": onset.epoch if onset else None,
                    "abatement": abatement.iso if abatement else None,
                    "abatement_epoch": abatement.epoch if abatement else None,
                    "mapped": mapped,
                },
                "code_uid": cuid,
                "code_props": code_props(system, code, display),
            }
        )
        self.out.count("Condition")
        if onset is not None:
            self.event(patient, "condition_onset", r["id"], onset, uid)
        if abatement is not None:
            self.event(patient, "condition_abated", r["id"], abatement, uid)

    def medication(self, loc: str, r: dict[str, Any]) -> None:
        rtype = r["resourceType"]
        patient = self.patient_of(r, "subject", loc)
        status = r.get("status")
        if status not in _MED_STATUSES:
            self.problem(f"{loc}.status", status, f"one of {', '.join(_MED_STATUSES)}")
        coded = self._medication_code(loc, r)
        dosage = first(
            r.get("dosageInstruction") if rtype == "MedicationRequest" else r.get("dosage")
        )
        bounds = ((dosage.get("timing") or {}).get("repeat") or {}).get("boundsPeriod") or {}
        if rtype == "MedicationRequest":
            start_raw, end_raw = bounds.get("start") or r.get("authoredOn"), bounds.get("end")
        else:
            period = r.get("effectivePeriod") or {}
            start_raw = period.get("start") or r.get("effectiveDateTime") or r.get("dateAsserted")
            end_raw = period.get("end")
        start = self.instant(start_raw, f"{loc}.start")
        end = self.instant(end_raw, f"{loc}.end")
        if patient is None or coded is None or status not in _MED_STATUSES:
            return
        system, code, display = coded
        uid = f"MedicationStatement/{r['id']}"
        mapping = self.resolver.resolve_medication(
            code if system in (_RXNORM, None) else None, display
        )
        if not mapping.mapped:
            why = "no knowledge-base drug for " + ", ".join(mapping.unresolved or ("?",))
            self.out.unmapped.append(UnmappedItem(uid, rtype, system, code, display, why))
        self.out.medications.append(
            {
                "uid": uid,
                "patient_uid": patient,
                "props": {
                    "resource_type": rtype,
                    "code": code,
                    "display": display,
                    "status": status,
                    "start": start.iso if start else None,
                    "start_epoch": start.epoch if start else None,
                    "end": end.iso if end else None,
                    "end_epoch": end.epoch if end else None,
                    "dose_text": dose_text(dosage),
                    "route": route(dosage),
                    "mapped": mapping.mapped,
                },
                "code_uid": code_uid(system, code),
                "code_props": code_props(system, code, display),
            }
        )
        for du in mapping.drug_uids:
            self.out.med_drugs.append({"med_uid": uid, "drug_uid": du})
        self.out.count(rtype)
        self.event(patient, "medication_started", r["id"], start, uid)
        if status in STOPPED_STATUSES and end is not None:
            self.event(patient, "medication_stopped", r["id"], end, uid)

    def _medication_code(
        self, loc: str, r: dict[str, Any]
    ) -> tuple[str | None, str, str | None] | None:
        if "medicationCodeableConcept" in r:
            return self.coding(
                r["medicationCodeableConcept"],
                f"{loc}.medicationCodeableConcept",
                prefer=(_RXNORM,),
            )
        ref = (r.get("medicationReference") or {}).get("reference")
        target: Any = None
        if isinstance(ref, str) and ref.startswith("#"):
            target = next((c for c in r.get("contained") or [] if c.get("id") == ref[1:]), None)
        elif isinstance(ref, str):
            target = self.medications.get(ref)
        if not isinstance(target, Mapping):
            self.problem(
                f"{loc}.medication[x]",
                r.get("medicationReference"),
                "medicationCodeableConcept, or medicationReference to a Medication in the bundle",
            )
            return None
        return self.coding(target.get("code"), f"{loc}.medicationReference.code", prefer=(_RXNORM,))

    def allergy(self, loc: str, r: dict[str, Any]) -> None:
        patient = self.patient_of(r, "patient", loc)
        coded = self.coding(r.get("code"), f"{loc}.code")
        status = r.get("clinicalStatus")
        status_code = None
        if status is not None:
            c = self.coding(status, f"{loc}.clinicalStatus")
            status_code = c[1] if c else None
        categories = r.get("category") or []
        if patient is None or coded is None:
            return
        system, code, display = coded
        uid = f"AllergyIntolerance/{r['id']}"
        cuid = code_uid(system, code)
        substances = self.resolver.resolve_allergen(cuid, display)
        if not substances:
            kinds = set(categories) - {"medication", "biologic"}
            why = (
                f"{'/'.join(sorted(kinds))} allergen, not a drug"
                if categories and kinds == set(categories)
                else "no knowledge-base drug or class"
            )
            self.out.unmapped.append(
                UnmappedItem(uid, "AllergyIntolerance", system, code, display, why)
            )
        self.out.allergies.append(
            {
                "uid": uid,
                "patient_uid": patient,
                "props": {
                    "code": code,
                    "system": SYSTEMS.get(system or "", system),
                    "display": display,
                    "criticality": r.get("criticality"),
                    "category": ",".join(str(c) for c in categories) or None,
                    "clinical_status": status_code,
                    "mapped": bool(substances),
                },
                "code_uid": cuid,
                "code_props": code_props(system, code, display),
            }
        )
        for s in substances:
            self.out.allergy_substances.append({"allergy_uid": uid, "substance_uid": s})
        self.out.count("AllergyIntolerance")

    def observation(self, loc: str, r: dict[str, Any]) -> None:
        patient = self.patient_of(r, "subject", loc)
        when_raw = (
            r.get("effectiveDateTime")
            or r.get("effectiveInstant")
            or (r.get("effectivePeriod") or {}).get("start")
            or r.get("issued")
        )
        if when_raw is None:
            self.problem(
                f"{loc}.effective[x]", None, "effectiveDateTime, effectivePeriod or issued"
            )
        when = self.instant(when_raw, f"{loc}.effective[x]")
        coded = self.coding(r.get("code"), f"{loc}.code", prefer=(_LOINC,))
        if patient is None or coded is None or when is None:
            return
        call = genotype_from_observation(r)
        if call is not None:
            gene, diplotype = call
            if not gene or not diplotype:
                self.problem(
                    f"{loc}.component",
                    {"gene": gene, "diplotype": diplotype},
                    "a gene studied (48018-6, HGNC coding) and a genotype display (84413-4)",
                )
                return
            self.out.genotype_requests.append(
                GenotypeRequest(
                    patient, gene, diplotype, "fhir", f"{loc}.value[x]", f"Observation/{r['id']}"
                )
            )
            return
        system, code, display = coded
        uid = f"Observation/{r['id']}"
        cat = category(r)
        if "valueSampledData" in r:
            self.series(loc, r, (system, code, display), patient, when, cat)
            return
        components = [c for c in r.get("component") or [] if isinstance(c, Mapping)]
        parts = []
        for j, comp in enumerate(components):
            ccoded = self.coding(comp.get("code"), f"{loc}.component[{j}].code", prefer=(_LOINC,))
            if ccoded is None:
                continue
            value, value_text, unit = self.value(comp, f"{loc}.component[{j}]")
            csys, ccode, cdisplay = ccoded
            parts.append(
                f"{cdisplay or ccode}: {value_text if value is None else value} {unit or ''}"
            )
            self.add_observation(
                f"{uid}/{ccode}", patient, csys, ccode, cdisplay, value, value_text, unit, when, cat
            )  # fmt: skip
        value, value_text, unit = self.value(r, loc)
        if parts and value is None and value_text is None:
            value_text = "; ".join(p.strip() for p in parts)
        self.add_observation(
            uid, patient, system, code, display, value, value_text, unit, when, cat
        )

    def series(
        self,
        loc: str,
        r: dict[str, Any],
        coded: tuple[str | None, str, str | None],
        patient: str,
        when: Instant,
        cat: str | None,
    ) -> None:
        """A wearable series: one Observation per sample, ``Observation/<id>/<index>``."""
        sd = r["valueSampledData"]
        samples = sampled_values(sd)
        if samples is None:
            self.problem(
                f"{loc}.valueSampledData",
                sd,
                "SampledData with period > 0 (ms), dimensions 1 and numeric data",
            )
            return
        system, code, display = coded
        unit = (sd.get("origin") or {}).get("unit") or (sd.get("origin") or {}).get("code")
        period = float(sd["period"]) / 1000.0
        for i, value in samples:
            at = parse_instant(when.epoch + i * period)
            self.add_observation(
                f"Observation/{r['id']}/{i}", patient, system, code, display, value, None, unit,
                at, cat,
            )  # fmt: skip

    def value(self, r: Mapping[str, Any], loc: str) -> tuple[float | None, str | None, str | None]:
        read = observation_value(r)
        if read is None:
            found = (r.get("valueQuantity") or {}).get("value")
            self.problem(f"{loc}.valueQuantity.value", found, "a number")
            return None, None, None
        return read

    def add_observation(
        self,
        uid: str,
        patient: str,
        system: str | None,
        code: str,
        display: str | None,
        value: float | None,
        value_text: str | None,
        unit: str | None,
        when: Instant,
        category: str | None,
    ) -> None:
        loinc = code if system == _LOINC else None
        if loinc is None:
            self.out.unmapped.append(
                UnmappedItem(uid, "Observation", system, code, display, "not coded in LOINC")
            )
        self.out.observations.append(
            {
                "uid": uid,
                "patient_uid": patient,
                "props": {
                    "loinc": loinc,
                    "code": None if loinc else code,
                    "display": display,
                    "value": value,
                    "value_text": value_text,
                    "unit": unit,
                    "effective": when.iso,
                    "effective_epoch": when.epoch,
                    "category": category,
                },
                "lab_uid": f"LOINC:{loinc}" if loinc else "",
            }
        )
        self.out.count("Observation")


def map_bundle(
    bundle: Any,
    resolver: CodeResolver,
    *,
    lenient: bool = False,
    patient_id: str | None = None,
    recorded: Instant,
) -> MappedBundle:
    """Validate ``bundle`` and map every entry to twin rows.

    Args:
        bundle: a FHIR R4 Bundle as parsed JSON.
        resolver: knowledge-base code lookups.
        lenient: skip (and report) resource types kgtwin does not know instead of failing.
        patient_id: every resource belongs to this patient (single-resource ingest).
        recorded: when kgtwin learns of the data (dates events whose source gives no time).

    Returns:
        The rows and reports; ``problems`` is non-empty when the bundle must be rejected.
    """
    mapper = _Mapper(resolver, lenient=lenient, patient_id=patient_id, recorded=recorded)
    return mapper.bundle(bundle)


def _us_core_category(r: Mapping[str, Any], name: str) -> tuple[list[str], str | None]:
    """Codes (``ombCategory`` and ``detailed``) and text of a US Core race/ethnicity extension.

    Example: Synthea's ``us-core-race`` with ombCategory 2106-3 gives (["2106-3"], "White").
    """
    for ext in r.get("extension") or []:
        if not isinstance(ext, dict) or not str(ext.get("url", "")).endswith(f"/{name}"):
            continue
        codes: list[str] = []
        text = None
        for sub in ext.get("extension") or []:
            if not isinstance(sub, dict):
                continue
            if sub.get("url") in ("ombCategory", "detailed"):
                code = (sub.get("valueCoding") or {}).get("code")
                if isinstance(code, str) and code and code not in codes:
                    codes.append(code)
            elif sub.get("url") == "text" and isinstance(sub.get("valueString"), str):
                text = sub["valueString"]
        return codes, text
    return [], None
