# Strawberry's decorators are untyped for mypy and results pass through guarded() as Any.
# mypy: disable-error-code="untyped-decorator,no-any-return"
"""The ``Patient`` type: a twin's demographics and clinical lists, each batched by a DataLoader."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Mapping
from enum import Enum
from typing import Any

import strawberry

from kg.api.context import ApiContext
from kg.errors import ValidationError
from kg.types import condition_active, epoch_of, medication_active

__all__ = ["Patient", "phenoconversions"]

Info = strawberry.Info[ApiContext, None]
_FAR_FUTURE = 253402300799  # 9999-12-31T23:59:59Z


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if not text.startswith("o:"):
            raise ValueError(text)
        return int(text[2:]) + 1
    except ValueError:
        raise ValidationError(f"after={cursor!r} is not a cursor returned by this API") from None


@strawberry.enum(description="Which medications to list.")
class MedicationFilter(Enum):
    ACTIVE = "active"
    ALL = "all"


@strawberry.type(description="A coded condition on the twin.")
class Condition:
    id: strawberry.ID
    code: str | None
    system: str | None
    display: str | None
    clinical_status: str | None
    onset: str | None
    abatement: str | None
    mapped: bool


@strawberry.type(description="A drug a medication statement resolves to.")
class MedicationDrug:
    id: strawberry.ID
    name: str | None
    rxcui: str | None


@strawberry.type(description="A medication statement or request on the twin.")
class Medication:
    id: strawberry.ID
    code: str | None
    display: str | None
    status: str | None
    start: str | None
    end: str | None
    dose_text: str | None
    route: str | None
    mapped: bool
    drugs: list[MedicationDrug]


@strawberry.type(description="An allergy or intolerance on the twin.")
class Allergy:
    id: strawberry.ID
    code: str | None
    system: str | None
    display: str | None
    criticality: str | None
    category: str | None
    clinical_status: str | None
    mapped: bool
    substances: list[str]


@strawberry.type(description="A lab, vital or device measurement.")
class Observation:
    id: strawberry.ID
    loinc: str | None
    display: str | None
    value: float | None
    value_text: str | None
    unit: str | None
    effective: str | None
    category: str | None


@strawberry.type
class ObservationEdge:
    cursor: str
    node: Observation


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A page of observations, newest first.")
class ObservationConnection:
    edges: list[ObservationEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A phenotype changed by a co-medication (drug-drug-gene).")
class Phenoconversion:
    phenotype: str
    caused_by: list[str]


@strawberry.type(description="A pharmacogene result on the twin.")
class Genotype:
    gene: str
    diplotype: str | None
    phenotype: str | None
    activity_score: str | None
    source: str | None
    recorded_at: str | None
    phenoconversion: Phenoconversion | None


def _obs(row: Mapping[str, Any]) -> Observation:
    return Observation(
        id=strawberry.ID(row["uid"]),
        loinc=row.get("loinc"),
        display=row.get("display"),
        value=row.get("value"),
        value_text=row.get("value_text"),
        unit=row.get("unit"),
        effective=row.get("effective"),
        category=row.get("category"),
    )


def phenoconversions(store: Any, uid: str) -> dict[str, Phenoconversion]:
    """Gene -> phenoconversion caused by the twin's current medications (safety engine)."""
    from kg.api.engines import gene_statuses
    from kg.api.types import GeneStatus

    out: dict[str, Phenoconversion] = {}
    for d in gene_statuses(store, uid):
        status = GeneStatus.from_dict(d)
        if status.phenoconverted and status.converted_phenotype:
            out[status.gene] = Phenoconversion(
                phenotype=status.converted_phenotype, caused_by=status.converted_by
            )
    return out


@strawberry.type(description="A patient's digital twin.")
class Patient:
    id: strawberry.ID
    fhir_id: str | None
    birth_date: str | None
    sex: str | None
    deceased: bool | None
    consent_genomic: bool
    race_codes: list[str] = strawberry.field(
        description="Self-identified race: CDC Race and Ethnicity codes (US Core race)."
    )
    race_text: str | None = strawberry.field(description="Self-identified race as text.")
    ethnicity_codes: list[str] = strawberry.field(
        description="Self-identified ethnicity: CDC Race and Ethnicity codes (US Core)."
    )
    _name_json: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Patient:
        """From a ``get_patients`` row."""
        return cls(
            id=strawberry.ID(row["uid"]),
            fhir_id=row.get("fhir_id"),
            birth_date=row.get("birth_date"),
            sex=row.get("sex"),
            deceased=row.get("deceased"),
            consent_genomic=bool(row.get("consent_genomic", True)),
            race_codes=list(row.get("race_codes") or []),
            race_text=row.get("race_text"),
            ethnicity_codes=list(row.get("ethnicity_codes") or []),
            _name_json=row.get("name_json"),
        )

    @strawberry.field(description="Display name (never logged).")
    def name(self) -> str | None:
        if not self._name_json:
            return None
        try:
            names = json.loads(self._name_json)
        except ValueError:
            return None
        first = names[0] if isinstance(names, list) and names else names
        if not isinstance(first, Mapping):
            return None
        if first.get("text"):
            return str(first["text"])
        given = " ".join(str(g) for g in first.get("given") or [])
        return " ".join(p for p in (given, str(first.get("family") or "")) if p) or None

    @strawberry.field(description="Conditions; active ones only unless activeOnly is false.")
    async def conditions(self, info: Info, active_only: bool = True) -> list[Condition]:
        rows = await info.context.loaders.conditions().load(str(self.id))
        if active_only:
            now = int(time.time())
            rows = [r for r in rows if condition_active(r, now)]
        return [
            Condition(
                id=strawberry.ID(r["uid"]),
                code=r.get("code"),
                system=r.get("system"),
                display=r.get("display"),
                clinical_status=r.get("clinical_status"),
                onset=r.get("onset"),
                abatement=r.get("abatement"),
                mapped=bool(r.get("mapped")),
            )
            for r in rows
        ]

    @strawberry.field(description="Medications: active now (default), all, or active at asOf.")
    async def medications(
        self,
        info: Info,
        status: MedicationFilter = MedicationFilter.ACTIVE,
        as_of: str | None = None,
    ) -> list[Medication]:
        at = epoch_of(as_of, field="asOf") if as_of else None
        rows = await info.context.loaders.medications().load(str(self.id))
        if at is not None or status is MedicationFilter.ACTIVE:
            when = int(time.time()) if at is None else at
            rows = [r for r in rows if medication_active(r, when)]
        return [
            Medication(
                id=strawberry.ID(r["uid"]),
                code=r.get("code"),
                display=r.get("display"),
                status=r.get("status"),
                start=r.get("start"),
                end=r.get("end"),
                dose_text=r.get("dose_text"),
                route=r.get("route"),
                mapped=bool(r.get("mapped")),
                drugs=[
                    MedicationDrug(
                        id=strawberry.ID(d["uid"]), name=d.get("name"), rxcui=d.get("rxcui")
                    )
                    for d in r.get("drugs") or []
                ],
            )
            for r in rows
        ]

    @strawberry.field(description="Allergies and intolerances.")
    async def allergies(self, info: Info) -> list[Allergy]:
        rows = await info.context.loaders.allergies().load(str(self.id))
        return [
            Allergy(
                id=strawberry.ID(r["uid"]),
                code=r.get("code"),
                system=r.get("system"),
                display=r.get("display"),
                criticality=r.get("criticality"),
                category=r.get("category"),
                clinical_status=r.get("clinical_status"),
                mapped=bool(r.get("mapped")),
                substances=[s for s in r.get("substances") or [] if s],
            )
            for r in rows
        ]

    @strawberry.field(description="Observations newest first, by LOINC code and time window.")
    async def observations(
        self,
        info: Info,
        code: str | None = None,
        since: str | None = None,
        until: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> ObservationConnection:
        if not 0 < first <= 500:
            raise ValidationError(f"first={first} is out of range 1-500")
        params = {
            "uid": str(self.id),
            "loinc": code,
            "since_epoch": epoch_of(since, field="since") if since else 0,
            "until_epoch": epoch_of(until, field="until") if until else _FAR_FUTURE,
        }
        skip = _offset(after)
        store = info.context.services.store

        def fetch() -> tuple[list[dict[str, Any]], int]:
            rows = store.read(
                "list_patient_observations", {**params, "skip": skip, "limit": first + 1}
            )
            total = store.read("count_patient_observations", params)[0]["total"]
            return rows, int(total)

        rows, total = await info.context.run(fetch)
        page = rows[:first]
        edges = [
            ObservationEdge(cursor=_cursor(skip + i), node=_obs(r)) for i, r in enumerate(page)
        ]
        return ObservationConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None
            ),
            total_count=total,
        )

    @strawberry.field(description="The latest value of each LOINC code (or of the given codes).")
    async def latest_observations(
        self, info: Info, codes: list[str] | None = None
    ) -> list[Observation]:
        rows = await info.context.loaders.latest_observations().load(str(self.id))
        wanted = set(codes) if codes else None
        return [_obs(r) for r in rows if wanted is None or r.get("loinc") in wanted]

    @strawberry.field(
        description="Pharmacogene results, with any phenoconversion shown; empty when the "
        "twin's consent withholds the use of genomic data."
    )
    async def genotypes(self, info: Info, phenoconversion: bool = True) -> list[Genotype]:
        if not self.consent_genomic:
            return []
        rows = await info.context.loaders.genotypes().load(str(self.id))
        converted: dict[str, Phenoconversion] = {}
        if phenoconversion and rows:
            converted = await info.context.run(
                phenoconversions, info.context.services.store, str(self.id)
            )
        return [
            Genotype(
                gene=r["gene"],
                diplotype=r.get("diplotype"),
                phenotype=r.get("phenotype"),
                activity_score=r.get("activity_score"),
                source=r.get("source"),
                recorded_at=r.get("recorded_at"),
                phenoconversion=converted.get(r["gene"]),
            )
            for r in rows
        ]


@strawberry.type
class PatientEdge:
    cursor: str
    node: Patient


@strawberry.type(description="A page of twins in id order.")
class PatientConnection:
    edges: list[PatientEdge]
    page_info: PageInfo
