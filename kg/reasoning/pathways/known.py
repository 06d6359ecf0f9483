"""What the knowledge base knows, read from its data files on disk (no store needed).

``kgtwin pathway check`` validates every code a pathway names against these sets: concepts
(``condition_concepts.csv``), drug classes (``drug_groups.csv``), drugs (RxNorm ingredient
codes of the vocabulary, CPIC and curated group files), genes and their phenotypes (CPIC
tables), and LOINC codes (curated lab rules plus the pathways' own ``lab_tests.csv``).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "KnownCodes",
    "concept_codes",
    "data_dir",
    "display_names",
    "known_codes",
    "lab_names",
]

SEXES = ("female", "male", "other", "unknown")


def data_dir() -> Path:
    """``kg/knowledge/data``: the knowledge base's data files."""
    return Path(__file__).resolve().parents[2] / "knowledge" / "data"


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class KnownCodes:
    """Sets of ids the knowledge base defines."""

    concepts: frozenset[str]
    classes: frozenset[str]
    drugs: frozenset[str]
    genes: frozenset[str]
    phenotypes: Mapping[str, frozenset[str]]
    loinc: frozenset[str]


@lru_cache(maxsize=4)
def known_codes(root: Path | None = None) -> KnownCodes:
    """Read the knowledge data files once (cached)."""
    d = root or data_dir()
    concepts = {
        f"concept:{r['concept_id']}" for r in _rows(d / "curated" / "condition_concepts.csv")
    }
    classes = {f"kgtwin:{r['group_id']}" for r in _rows(d / "curated" / "drug_groups.csv")}
    drugs: set[str] = set()
    for name in (
        "vocab/rxnorm_ingredients_ndfrt.csv",
        "vocab/cpic_drugs.csv",
        "curated/drug_group_members.csv",
    ):
        drugs.update(f"RxNorm:{r['rxcui']}" for r in _rows(d / name) if r.get("rxcui"))
    genes = {r["symbol"] for r in _rows(d / "cpic" / "genes.csv") if r.get("symbol")}
    phenos: dict[str, set[str]] = {}
    for r in _rows(d / "cpic" / "diplotype_phenotype.csv"):
        phenos.setdefault(r["gene"], set()).add(r["phenotype"])
    loinc = {
        f"LOINC:{r['loinc']}" for r in _rows(d / "curated" / "lab_rules.csv") if r.get("loinc")
    }
    loinc.update(f"LOINC:{r['loinc']}" for r in _rows(d / "pathways" / "lab_tests.csv"))
    return KnownCodes(
        concepts=frozenset(concepts),
        classes=frozenset(classes),
        drugs=frozenset(drugs),
        genes=frozenset(genes),
        phenotypes={g: frozenset(p) for g, p in phenos.items()},
        loinc=frozenset(loinc),
    )


@lru_cache(maxsize=1)
def concept_codes() -> Mapping[str, tuple[frozenset[str], tuple[str, ...]]]:
    """Each concept uid's SNOMED codes and ICD-10 codes (ICD-10 categories match by prefix)."""
    out: dict[str, tuple[frozenset[str], tuple[str, ...]]] = {}
    for r in _rows(data_dir() / "curated" / "condition_concepts.csv"):
        snomed = frozenset(c for c in (r.get("snomed_codes") or "").split(";") if c)
        icd = tuple(c for c in (r.get("icd10_codes") or "").split(";") if c)
        out[f"concept:{r['concept_id']}"] = (snomed, icd)
    return out


@lru_cache(maxsize=1)
def lab_names() -> Mapping[str, str]:
    """Short display names of the labs pathways use, by bare LOINC code (``33914-3``: eGFR)."""
    names = {r["loinc"]: r["short_name"] for r in _rows(data_dir() / "pathways" / "lab_tests.csv")}
    for r in _rows(data_dir() / "curated" / "lab_rules.csv"):
        names.setdefault(r["loinc"], r.get("lab_name") or r["loinc"])
    return names


@lru_cache(maxsize=1)
def display_names() -> Mapping[str, str]:
    """Readable names of concepts, drug classes and drugs by uid (for criterion texts)."""
    d = data_dir()
    names: dict[str, str] = {}
    for r in _rows(d / "vocab" / "rxnorm_ingredients_ndfrt.csv"):
        names[f"RxNorm:{r['rxcui']}"] = r["ingredient_name"].lower()
    for r in _rows(d / "curated" / "drug_group_members.csv"):
        if r.get("rxcui"):
            names[f"RxNorm:{r['rxcui']}"] = r["drug_name"]
    for r in _rows(d / "curated" / "drug_groups.csv"):
        names[f"kgtwin:{r['group_id']}"] = r["name"]
    for r in _rows(d / "curated" / "condition_concepts.csv"):
        names[f"concept:{r['concept_id']}"] = r["name"]
    return names
