"""A synthetic, deterministic population of FHIR R4 bundles for demos and benchmarks.

Each patient is drawn from its own random stream (seed and index), so patient 7 of seed 1 is
the same whatever the population size. Patients are adults (30-90), half of each sex, with
common chronic conditions (``data/conditions.csv``), 5 to 12 active drugs coded as RxNorm
products, labs over two years (eGFR declining in some, creatinine, potassium, ALT; INR for
warfarin users; HbA1c for diabetics; QTc for some), an occasional drug allergy, and genotypes
for CYP2C19, CYP2C9, CYP2D6, SLCO1B1, TPMT, DPYD, NUDT15, CYP3A5, VKORC1 and CYP4F2 drawn
from European allele frequencies (``data/allele_frequencies.csv``) as HL7 Genomics Reporting
Observations; every patient's US Core race is White, to match those frequencies.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kg.ingest.coding import load_products

__all__ = [
    "ANCHOR",
    "AlleleFrequency",
    "ConditionTemplate",
    "generate_population",
    "iter_population",
    "load_allele_frequencies",
    "load_conditions",
    "patient_bundle",
]

DATA = Path(__file__).resolve().parent / "data"
ANCHOR = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)  # "today" of the population
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
HGNC = "http://www.genenames.org/geneId"
FILLER_DRUGS = ("243670", "313782", "314200", "312940", "966222", "197319", "310965")
_GIVEN = {
    "female": ("Ada", "Bea", "Cora", "Dina", "Edda", "Fay", "Gia", "Hana", "Ines", "Jo"),
    "male": ("Abe", "Ben", "Cai", "Dov", "Eli", "Finn", "Gus", "Hal", "Ivo", "Jon"),
}


@dataclass(frozen=True)
class ConditionTemplate:
    """A chronic condition and the drugs typically given for it."""

    snomed: str
    display: str
    min_age: int
    share: float
    sexes: tuple[str, ...]
    drugs: tuple[str, ...]


@dataclass(frozen=True)
class AlleleFrequency:
    """One allele of a gene and its population frequency."""

    gene: str
    hgnc_id: str
    allele: str
    frequency: float


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@cache
def load_conditions() -> tuple[ConditionTemplate, ...]:
    """The curated chronic conditions."""
    return tuple(
        ConditionTemplate(
            snomed=r["snomed"],
            display=r["display"],
            min_age=int(r["min_age"]),
            share=float(r["share"]),
            sexes=tuple(r["sexes"].split(";")),
            drugs=tuple(d for d in r["drugs"].split(";") if d),
        )
        for r in _rows("conditions.csv")
    )


_US_CORE_WHITE = {
    "url": "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
    "extension": [
        {
            "url": "ombCategory",
            "valueCoding": {
                "system": "urn:oid:2.16.840.1.113883.6.238",
                "code": "2106-3",
                "display": "White",
            },
        },
        {"url": "text", "valueString": "White"},
    ],
}


@cache
def load_allele_frequencies() -> dict[str, tuple[AlleleFrequency, ...]]:
    """Allele frequencies by gene, in file order."""
    out: dict[str, list[AlleleFrequency]] = {}
    for r in _rows("allele_frequencies.csv"):
        out.setdefault(r["gene"], []).append(
            AlleleFrequency(r["gene"], r["hgnc_id"], r["allele"], float(r["frequency"]))
        )
    return {g: tuple(v) for g, v in out.items()}


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _cc(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


class _Patient:
    """Builds one patient's bundle from its own random stream."""

    def __init__(self, seed: int, index: int) -> None:
        self.rng = random.Random(f"kgtwin-demo:{seed}:{index}")
        self.pid = f"demo-{seed}-{index:06d}"
        self.ref = {"reference": f"Patient/{self.pid}"}
        self.entries: list[dict[str, Any]] = []
        self.n = 0

    def add(self, resource: dict[str, Any]) -> None:
        self.entries.append(
            {"fullUrl": f"{resource['resourceType']}/{resource['id']}", "resource": resource}
        )

    def rid(self, kind: str) -> str:
        self.n += 1
        return f"{self.pid}-{kind}-{self.n}"

    def days_ago(self, days: float) -> dt.datetime:
        return ANCHOR - dt.timedelta(days=days)

    # -- parts --------------------------------------------------------------------------
    def build(self) -> dict[str, Any]:
        rng = self.rng
        self.sex = rng.choice(("female", "male"))
        self.age = int(rng.triangular(30, 90, 70))
        birth = (ANCHOR - dt.timedelta(days=365.25 * self.age + rng.randint(0, 364))).date()
        self.add(
            {
                "resourceType": "Patient",
                "id": self.pid,
                "gender": self.sex,
                "birthDate": birth.isoformat(),
                "name": [{"family": "Demo", "given": [rng.choice(_GIVEN[self.sex])]}],
                # The genotypes are drawn from European allele frequencies; the race matches.
                "extension": [_US_CORE_WHITE],
            }
        )
        conditions = self.conditions()
        drugs = self.drugs(conditions)
        for c in conditions:
            self.condition(c)
        for code in drugs:
            self.medication(code, active=True)
        spare = [d for d in FILLER_DRUGS if d not in drugs]
        if spare and rng.random() < 0.3:  # a short course in the past: history, not active
            self.medication(rng.choice(spare), active=False)
        self.allergies()
        self.labs({c.snomed for c in conditions}, drugs)
        self.genotypes()
        return {"resourceType": "Bundle", "type": "collection", "entry": self.entries}

    def conditions(self) -> list[ConditionTemplate]:
        eligible = [c for c in load_conditions() if self.age >= c.min_age and self.sex in c.sexes]
        chosen = [c for c in eligible if self.rng.random() < min(1.0, c.share * 1.5)]
        return chosen or [self.rng.choice(eligible)]

    def drugs(self, conditions: list[ConditionTemplate]) -> list[str]:
        products = load_products()
        target = self.rng.randint(5, 12)
        picked: list[str] = []
        ingredients: set[str] = set()

        def take(code: str) -> None:
            ing = set(products[code].ingredient_rxcuis)
            if code not in picked and not ing & ingredients and len(picked) < target:
                picked.append(code)
                ingredients.update(ing)

        for c in conditions:
            options = list(c.drugs)
            self.rng.shuffle(options)
            for code in options[: self.rng.randint(1, 2)]:
                take(code)
        pool = [d for c in conditions for d in c.drugs] + list(FILLER_DRUGS)
        self.rng.shuffle(pool)
        for code in pool:
            take(code)
        others = sorted({d for c in load_conditions() for d in c.drugs})
        self.rng.shuffle(others)
        for code in others:
            take(code)
        return picked

    def condition(self, c: ConditionTemplate) -> None:
        onset = self.days_ago(self.rng.uniform(200, 365 * min(20, self.age - 18)))
        self.add(
            {
                "resourceType": "Condition",
                "id": self.rid("cond"),
                "clinicalStatus": _cc(
                    "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"
                ),
                "code": _cc(SNOMED, c.snomed, c.display),
                "subject": self.ref,
                "onsetDateTime": _iso(onset),
            }
        )

    def medication(self, code: str, *, active: bool) -> None:
        product = load_products()[code]
        start = self.days_ago(self.rng.uniform(30, 3000))
        repeat: dict[str, Any] = {"boundsPeriod": {"start": _iso(start)}}
        if not active:
            repeat["boundsPeriod"]["end"] = _iso(start + dt.timedelta(days=self.rng.uniform(7, 25)))
        self.add(
            {
                "resourceType": "MedicationRequest",
                "id": self.rid("med"),
                "status": "active" if active else "stopped",
                "intent": "order",
                "medicationCodeableConcept": _cc(RXNORM, code, product.name),
                "subject": self.ref,
                "authoredOn": _iso(start),
                "dosageInstruction": [{"text": "1 tablet daily", "timing": {"repeat": repeat}}],
            }
        )

    def allergies(self) -> None:
        options = (
            (0.10, "91936005", "Allergy to penicillin", "medication"),
            (0.05, "300913006", "Shellfish allergy", "food"),
        )
        for share, code, display, category in options:
            if self.rng.random() < share:
                self.add(
                    {
                        "resourceType": "AllergyIntolerance",
                        "id": self.rid("allergy"),
                        "clinicalStatus": _cc(
                            "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                            "active",
                            "Active",
                        ),
                        "category": [category],
                        "criticality": self.rng.choice(("low", "high")),
                        "code": _cc(SNOMED, code, display),
                        "patient": self.ref,
                    }
                )

    def lab(self, loinc: str, display: str, value: float, unit: str, when: dt.datetime) -> None:
        category = "vital-signs" if loinc in ("8867-4", "8480-6") else "laboratory"
        self.add(
            {
                "resourceType": "Observation",
                "id": self.rid("obs"),
                "status": "final",
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                "code": category,
                            }
                        ]
                    }
                ],
                "code": _cc(LOINC, loinc, display),
                "subject": self.ref,
                "effectiveDateTime": _iso(when),
                "valueQuantity": {
                    "value": round(value, 2),
                    "unit": unit,
                    "system": "http://unitsofmeasure.org",
                },
            }
        )

    def labs(self, conditions: set[str], drugs: list[str]) -> None:
        rng = self.rng
        ckd = "433144002" in conditions
        declining = ckd or rng.random() < 0.25
        egfr0 = (
            rng.uniform(35, 55) if ckd else max(45.0, 105 - 0.7 * (self.age - 30) + rng.gauss(0, 8))
        )
        slope = rng.uniform(3, 10) if declining else rng.uniform(-0.5, 1.0)  # mL/min per year lost
        k_shift = 0.3 if ckd or "314076" in drugs else 0.0
        for visit in range(9):  # quarterly for two years, oldest first
            days = 720 - 90 * visit + rng.uniform(-10, 10)
            when = self.days_ago(max(days, 1))
            years = (720 - days) / 365.25
            egfr = max(8.0, egfr0 - slope * years + rng.gauss(0, 2.5))
            self.lab(
                "33914-3",
                "Glomerular filtration rate/1.73 sq M.predicted",
                egfr,
                "mL/min/{1.73_m2}",
                when,
            )
            self.lab(
                "2160-0",
                "Creatinine [Mass/volume] in Serum or Plasma",
                0.9 * (90 / egfr) ** 0.85,
                "mg/dL",
                when,
            )
            self.lab(
                "2823-3",
                "Potassium [Moles/volume] in Serum or Plasma",
                rng.gauss(4.3 + k_shift, 0.35),
                "mmol/L",
                when,
            )
            alt = rng.uniform(10, 40) if rng.random() > 0.05 else rng.uniform(80, 200)
            self.lab(
                "1742-6",
                "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma",
                alt,
                "U/L",
                when,
            )
            if "44054006" in conditions:
                self.lab(
                    "4548-4",
                    "Hemoglobin A1c/Hemoglobin.total in Blood",
                    rng.gauss(7.2, 0.8),
                    "%",
                    when,
                )
        if "855332" in drugs:  # warfarin: monthly INR for a year
            for month in range(12, -1, -1):
                when = self.days_ago(30 * month + rng.uniform(0, 5) + 1)
                self.lab(
                    "6301-6",
                    "INR in Platelet poor plasma by Coagulation assay",
                    rng.gauss(2.5, 0.45),
                    "{INR}",
                    when,
                )
        if rng.random() < 0.25:
            prolonged = rng.random() < 0.15
            for days in (400, 30):
                qtc = rng.uniform(485, 520) if prolonged and days == 30 else rng.gauss(425, 18)
                self.lab("8636-3", "Q-T interval corrected", qtc, "ms", self.days_ago(days))
        for days in (60, 2):
            self.lab("8867-4", "Heart rate", rng.gauss(74, 9), "/min", self.days_ago(days))

    def genotypes(self) -> None:
        when = self.days_ago(self.rng.uniform(100, 1500))
        for gene, alleles in load_allele_frequencies().items():
            weights = [a.frequency for a in alleles]
            a1, a2 = self.rng.choices(alleles, weights=weights, k=2)
            self.add(
                {
                    "resourceType": "Observation",
                    "id": self.rid("pgx"),
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
                    "code": _cc(LOINC, "84413-4", "Genotype display name"),
                    "subject": self.ref,
                    "effectiveDateTime": _iso(when),
                    "valueCodeableConcept": {"text": f"{a1.allele}/{a2.allele}"},
                    "component": [
                        {
                            "code": _cc(LOINC, "48018-6", "Gene studied [ID]"),
                            "valueCodeableConcept": _cc(HGNC, a1.hgnc_id, gene),
                        }
                    ],
                }
            )


def patient_bundle(seed: int, index: int) -> dict[str, Any]:
    """The FHIR collection Bundle of patient ``index`` of population ``seed``."""
    return _Patient(seed, index).build()


def iter_population(n: int, seed: int) -> Iterator[dict[str, Any]]:
    """Yield ``n`` patient bundles one at a time (for loading without holding them all)."""
    for i in range(n):
        yield patient_bundle(seed, i)


def generate_population(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` FHIR R4 Bundles, one per patient; the same seed gives the same population."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return list(iter_population(n, seed))
