"""The live twin: FHIR R4 ingest, coding normalisation, genotypes, observation streams, history.

::

    result = ingest_bundle(store, bundle)            # all or nothing, idempotent
    set_genotype(store, "p1", "CYP2C19", "*2/*2")    # phenotype from the knowledge base
    append_observation(store, "p1", "33914-3", 41.0, "mL/min/{1.73_m2}", "2026-09-30T08:00:00Z")
    twin = get_twin(store, "p1", as_of="2025-01-01")
"""

from __future__ import annotations

from kg.ingest.bundle import ingest_bundle, ingest_bundles, ingest_resource
from kg.ingest.coding import CodeResolver, resolver_for
from kg.ingest.genotype import (
    GenotypeCall,
    load_pharmcat,
    parse_pharmcat_json,
    parse_pharmcat_tsv,
    set_genotype,
    set_genotypes,
)
from kg.ingest.medication import record_medication, stop_medication
from kg.ingest.result import IngestResult, SkippedItem, UnmappedItem
from kg.ingest.stream import append_observation
from kg.ingest.twin import (
    LabValue,
    Twin,
    TwinAllergy,
    TwinCondition,
    TwinEvent,
    TwinMedication,
    get_twin,
    latest_observation,
    observations,
    twin_history,
)

__all__ = [
    "CodeResolver",
    "GenotypeCall",
    "IngestResult",
    "LabValue",
    "SkippedItem",
    "Twin",
    "TwinAllergy",
    "TwinCondition",
    "TwinEvent",
    "TwinMedication",
    "UnmappedItem",
    "append_observation",
    "get_twin",
    "ingest_bundle",
    "ingest_bundles",
    "ingest_resource",
    "latest_observation",
    "load_pharmcat",
    "observations",
    "parse_pharmcat_json",
    "parse_pharmcat_tsv",
    "record_medication",
    "resolver_for",
    "set_genotype",
    "set_genotypes",
    "stop_medication",
    "twin_history",
]
