"""A validated bundle as rows for the ``write_twin`` statement, plus what to report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kg.ingest.genotype import GenotypeRequest
from kg.ingest.result import SkippedItem, UnmappedItem

__all__ = ["MappedBundle"]


@dataclass
class MappedBundle:
    """A validated bundle as rows for the ``write_twin`` statement, plus what to report."""

    problems: list[str] = field(default_factory=list)
    patients: list[dict[str, Any]] = field(default_factory=list)
    conditions: list[dict[str, Any]] = field(default_factory=list)
    medications: list[dict[str, Any]] = field(default_factory=list)
    med_drugs: list[dict[str, Any]] = field(default_factory=list)
    allergies: list[dict[str, Any]] = field(default_factory=list)
    allergy_substances: list[dict[str, Any]] = field(default_factory=list)
    observations: list[dict[str, Any]] = field(default_factory=list)
    genotype_requests: list[GenotypeRequest] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    referenced_patients: dict[str, str] = field(default_factory=dict)  # uid -> location
    counts: dict[str, int] = field(default_factory=dict)
    unmapped: list[UnmappedItem] = field(default_factory=list)
    skipped: list[SkippedItem] = field(default_factory=list)

    def count(self, resource_type: str, n: int = 1) -> None:
        """Add ``n`` written resources of ``resource_type``."""
        self.counts[resource_type] = self.counts.get(resource_type, 0) + n

    def latest_rows(self) -> list[dict[str, Any]]:
        """One LATEST_OBSERVATION candidate per patient and LOINC: the newest in the bundle."""
        best: dict[tuple[str, str], dict[str, Any]] = {}
        for o in self.observations:
            loinc, epoch = o["props"].get("loinc"), o["props"].get("effective_epoch")
            if loinc is None or epoch is None:
                continue
            key = (o["patient_uid"], loinc)
            if key not in best or best[key]["epoch"] <= epoch:
                best[key] = {
                    "patient_uid": o["patient_uid"],
                    "loinc": loinc,
                    "obs_uid": o["uid"],
                    "epoch": epoch,
                }
        return list(best.values())
