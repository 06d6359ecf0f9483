"""VKORC1 and CYP4F2: single-variant genotypes curated beside CPIC's tables, any usual spelling."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from kg.errors import ValidationError
from kg.ingest import get_twin, ingest_bundle, set_genotype
from kg.store.falkor import FalkorStore
from tests.conftest import kb_copy
from tests.twin.conftest import genotype_obs, patient_bundle

HETEROZYGOUS = "rs9923231 reference (C)/rs9923231 variant (T)"


@pytest.fixture(scope="module")
def kb_twins(kb_template: FalkorStore) -> Iterator[FalkorStore]:
    """One copy of the full knowledge base for this module (twins get distinct ids)."""
    with kb_copy(kb_template, "vg") as s:
        yield s


def _patient(store: FalkorStore) -> str:
    pid = f"vg-{uuid.uuid4().hex[:8]}"
    ingest_bundle(store, patient_bundle(pid))
    return pid


def test_the_knowledge_base_holds_cited_vkorc1_and_cyp4f2_diplotypes(
    kb_twins: FalkorStore,
) -> None:
    uids = [f"VKORC1:{HETEROZYGOUS}", "CYP4F2:*3/*3"]
    rows = {r["uid"]: r for r in kb_twins.read("get_diplotypes_for_calls", {"uids": uids})}
    assert rows[uids[0]]["phenotype"] == "Increased warfarin sensitivity (one -1639A allele)"
    assert rows[uids[0]]["gene_uid"] == "HGNC:23663"
    assert rows[uids[1]]["phenotype"].startswith("CYP4F2*3 carrier")
    spellings = {r["uid"]: r["synonyms"] for r in kb_twins.read(
        "list_diplotype_synonyms", {"gene": "VKORC1"})}  # fmt: skip
    assert len(spellings) == 3 and "-1639G/A" in spellings[uids[0]]


@pytest.mark.parametrize(
    "written",
    [HETEROZYGOUS, "C/T", "T/C", "rs9923231 C/T", "G/A", "A/G", "-1639G/A", "-1639 G/A",
     "-1639 AG", "-1639A/G", "VKORC1 C/T", "c/t"],
)  # fmt: skip
def test_every_usual_spelling_of_vkorc1_resolves_to_one_diplotype(
    kb_twins: FalkorStore, written: str
) -> None:
    pid = _patient(kb_twins)
    call = set_genotype(kb_twins, pid, "VKORC1", written, source="api")
    assert call.diplotype == HETEROZYGOUS
    assert call.phenotype == "Increased warfarin sensitivity (one -1639A allele)"
    stored = {g.gene: g for g in get_twin(kb_twins, pid).genotypes}
    assert stored["VKORC1"].diplotype == HETEROZYGOUS


def test_strands_are_not_mixed_up(kb_twins: FalkorStore) -> None:
    """-1639 G/G (gene strand) is rs9923231 C/C (forward strand): normal sensitivity."""
    pid = _patient(kb_twins)
    assert set_genotype(kb_twins, pid, "VKORC1", "G/G").phenotype == "Normal warfarin sensitivity"
    assert set_genotype(kb_twins, pid, "VKORC1", "A/A").diplotype == (
        "rs9923231 variant (T)/rs9923231 variant (T)"
    )
    cyp4f2 = set_genotype(kb_twins, pid, "CYP4F2", "rs2108622 T/C")  # PharmCAT names it *1/*3
    assert (cyp4f2.diplotype, cyp4f2.phenotype) == (
        "*1/*3",
        "CYP4F2*3 carrier (one rs2108622 T allele)",
    )


def test_an_impossible_vkorc1_genotype_names_valid_ones(kb_twins: FalkorStore) -> None:
    pid = _patient(kb_twins)
    with pytest.raises(ValidationError) as err:
        set_genotype(kb_twins, pid, "VKORC1", "G/T")  # mixes the two strands
    problem = err.value.problems[0]
    assert "found VKORC1 diplotype 'G/T'" in problem and HETEROZYGOUS in problem


def test_a_fhir_genotype_observation_for_vkorc1(kb_twins: FalkorStore) -> None:
    pid = f"vg-{uuid.uuid4().hex[:8]}"
    obs = genotype_obs("vk1", "VKORC1", "-1639G/A", pid=pid)
    ingest_bundle(kb_twins, patient_bundle(pid, [obs]))
    stored = {g.gene: g for g in get_twin(kb_twins, pid).genotypes}
    assert stored["VKORC1"].diplotype == HETEROZYGOUS
