"""Fixtures of the ontology tests: a small knowledge graph of drugs, roles and genotypes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from kg.ontology.model import default_ontology_path
from kg.store.base import GraphStore

CYP3A4 = ("HGNC:2637", "CYP3A4")
CYP2C19 = ("HGNC:2621", "CYP2C19")

# Real drugs, facts as in kg/knowledge/data/curated (FDA CYP table, curated groups).
FIXTURE_DRUGS: list[dict[str, Any]] = [
    {
        "uid": "RxNorm:28031",
        "name": "itraconazole",
        "inhibits": [[*CYP3A4, "strong"]],
        "induces": [],
        "substrate_of": [],
        "classes": ["kgtwin:AzoleAntifungal"],
    },
    {
        "uid": "RxNorm:8183",
        "name": "rifampin",
        "inhibits": [],
        "induces": [[*CYP3A4, "strong"]],
        "substrate_of": [],
        "classes": [],
    },
    {
        "uid": "RxNorm:6960",
        "name": "midazolam",
        "inhibits": [],
        "induces": [],
        "substrate_of": [[*CYP3A4, "sensitive"]],
        "classes": ["kgtwin:Benzodiazepine"],
    },
    {
        "uid": "RxNorm:21212",
        "name": "clarithromycin",
        "inhibits": [],
        "induces": [],
        "substrate_of": [],
        "classes": ["kgtwin:Macrolide"],
    },
    {
        "uid": "RxNorm:140587",
        "name": "celecoxib",
        "inhibits": [],
        "induces": [],
        "substrate_of": [],
        "classes": ["kgtwin:COX2SelectiveNSAID"],
    },
    {
        "uid": "RxNorm:4493",
        "name": "fluconazole",
        "inhibits": [[*CYP3A4, "moderate"], [*CYP2C19, "strong"]],
        "induces": [],
        "substrate_of": [],
        "classes": [],
    },
]

FIXTURE_GENOTYPES: list[dict[str, Any]] = [
    {
        "patient": "Patient/pm",
        "consent": True,
        "genotype": "Genotype/pm/CYP2C19",
        "gene": "CYP2C19",
        "phenotype": "Poor Metabolizer",
        "phenotype_uid": "CYP2C19:Poor Metabolizer",
    },
    {
        "patient": "Patient/nm",
        "consent": True,
        "genotype": "Genotype/nm/CYP2C19",
        "gene": "CYP2C19",
        "phenotype": "Normal Metabolizer",
        "phenotype_uid": "CYP2C19:Normal Metabolizer",
    },
    {
        "patient": "Patient/lpm",
        "consent": True,
        "genotype": "Genotype/lpm/CYP2C19",
        "gene": "CYP2C19",
        "phenotype": "Likely Poor Metabolizer",
        "phenotype_uid": "CYP2C19:Likely Poor Metabolizer",
    },
    {
        "patient": "Patient/lpm",
        "consent": True,
        "genotype": "Genotype/lpm/G6PD",
        "gene": "G6PD",
        "phenotype": "Deficient with CNSHA",
        "phenotype_uid": "G6PD:Deficient with CNSHA",
    },
    {
        "patient": "Patient/noconsent",
        "consent": False,
        "genotype": "Genotype/noconsent/CYP2C19",
        "gene": "CYP2C19",
        "phenotype": "Poor Metabolizer",
        "phenotype_uid": "CYP2C19:Poor Metabolizer",
    },
]


@pytest.fixture
def facts_store(store: GraphStore) -> GraphStore:
    """A fresh graph holding the fixture drugs, roles and genotypes."""
    store.write("create_fixture_drugs", {"rows": FIXTURE_DRUGS})
    store.write("create_fixture_genotypes", {"rows": FIXTURE_GENOTYPES})
    return store


@pytest.fixture
def onto_copy(tmp_path: Path) -> Path:
    """A private copy of ontology/kgtwin.ttl a test may edit."""
    path = tmp_path / "kgtwin.ttl"
    shutil.copy(default_ontology_path(), path)
    return path


def without_clarithromycin_statement(path: Path) -> None:
    """Remove the shipped ontology-level statement about clarithromycin from ``path``."""
    text = path.read_text(encoding="utf-8")
    start = text.index("kgid:RxNorm:21212 a owl:NamedIndividual")
    end = text.index(" .\n", start) + 3
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def edges(store: GraphStore) -> set[tuple[str, str, str, bool]]:
    """Every class edge as (type, from, to, inferred)."""
    return {
        (r["type"], r["from_uid"], r["to_uid"], r["inferred"])
        for r in store.read("list_class_edges")
    }
