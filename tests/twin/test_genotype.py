"""Genotypes from FHIR, PharmCAT and the API; phenotypes from the knowledge base."""

from __future__ import annotations

import json

import pytest

from kg.errors import NotFound, ValidationError
from kg.ingest import (
    get_twin,
    ingest_bundle,
    load_pharmcat,
    parse_pharmcat_json,
    parse_pharmcat_tsv,
    set_genotype,
    set_genotypes,
    twin_history,
)
from kg.ingest.genotype import genotype_from_observation, normalise_diplotype
from kg.store import GraphStore
from tests.twin.conftest import genotype_obs, patient_bundle

PHARMCAT_REPORT = {
    "title": "PharmCAT report",
    "genes": {
        "CPIC": {
            "CYP2C19": {
                "geneSymbol": "CYP2C19",
                "sourceDiplotypes": [
                    {"allele1": {"name": "*1"}, "allele2": {"name": "*2"}, "label": "*1/*2"}
                ],
                "recommendationDiplotypes": [
                    {"allele1": {"name": "*2"}, "allele2": {"name": "*2"}, "label": "*2/*2"}
                ],
            },
            "CYP2D6": {
                "sourceDiplotypes": [
                    {"allele1": {"name": "Unknown"}, "allele2": {"name": "Unknown"}}
                ]
            },
        },
        "DPWG": {
            "CYP2C19": {
                "sourceDiplotypes": [{"allele1": {"name": "*1"}, "allele2": {"name": "*1"}}]
            }
        },
    },
}


@pytest.fixture
def twin(kb: GraphStore) -> GraphStore:
    ingest_bundle(kb, patient_bundle("p1"))
    return kb


def test_set_genotype_derives_phenotype_and_activity_score(twin: GraphStore) -> None:
    call = set_genotype(twin, "p1", "CYP2D6", "*1/*4", source="api")
    assert (call.phenotype, call.activity_score, call.lookup_key) == (
        "Intermediate Metabolizer",
        "1.0",
        "1.0",
    )
    stored = get_twin(twin, "p1").genotypes
    assert [(g.gene, g.diplotype, g.phenotype, g.source) for g in stored] == [
        ("CYP2D6", "*1/*4", "Intermediate Metabolizer", "api")
    ]


def test_allele_order_and_gene_prefixes_do_not_matter(twin: GraphStore) -> None:
    assert set_genotype(twin, "p1", "CYP2C19", "*2/*1").diplotype == "*1/*2"
    assert set_genotype(twin, "p1", "CYP2C19", "CYP2C19*17/CYP2C19*1").diplotype == "*1/*17"
    assert normalise_diplotype("CYP2C19", " *1 / *2 ") == "*1/*2"


def test_unknown_gene_and_diplotype_name_the_valid_choices(twin: GraphStore) -> None:
    with pytest.raises(NotFound, match=r"Unknown gene 'CYP2D7'.*CYP2C19, CYP2D6"):
        set_genotype(twin, "p1", "CYP2D7", "*1/*1")
    with pytest.raises(ValidationError, match=r"diplotype '\*9/\*9'.*such as \*1/\*1"):
        set_genotype(twin, "p1", "CYP2C19", "*9/*9")
    with pytest.raises(NotFound, match="Unknown patient 'nobody'"):
        set_genotype(twin, "nobody", "CYP2C19", "*1/*1")
    assert get_twin(twin, "p1").genotypes == ()


def test_a_new_call_replaces_the_old_and_history_keeps_both(twin: GraphStore) -> None:
    set_genotype(twin, "p1", "CYP2C19", "*1/*1")
    set_genotype(twin, "p1", "CYP2C19", "*1/*1")  # unchanged: no new event
    call = set_genotype(twin, "p1", "CYP2C19", "*2/*2")
    assert call.phenotype == "Poor Metabolizer"
    twin_now = get_twin(twin, "p1")
    assert [(g.diplotype, g.phenotype) for g in twin_now.genotypes] == [
        ("*2/*2", "Poor Metabolizer")
    ]
    events = [e for e in twin_history(twin, "p1") if e.kind == "genotype_set"]
    assert [e.detail for e in events] == ["none -> *1/*1", "*1/*1 -> *2/*2"]
    phen = twin.read("list_twin_resources", {"uid": "Patient/p1"})
    assert sum(1 for r in phen if r["label"] == "Genotype") == 1


def test_fhir_genotype_observations_become_genotypes(twin: GraphStore) -> None:
    bundle = patient_bundle(
        "p1", [genotype_obs("g1", "CYP2C19", "*1/*2"), genotype_obs("g2", "CYP2D6", "*4/*4")]
    )
    result = ingest_bundle(twin, bundle)
    assert result.counts["Genotype"] == 2
    calls = {g.gene: g for g in get_twin(twin, "p1").genotypes}
    assert (
        calls["CYP2C19"].phenotype == "Intermediate Metabolizer"
        and calls["CYP2C19"].source == "fhir"
    )
    assert calls["CYP2D6"].activity_score == "0.0"


def test_an_unknown_fhir_genotype_rejects_the_bundle_unless_lenient(twin: GraphStore) -> None:
    bundle = patient_bundle("p1", [genotype_obs("g1", "CYP2C19", "*99/*99")])
    with pytest.raises(
        ValidationError,
        match=r"entry\[1\]\.resource\.value\[x\]: found CYP2C19 diplotype '\*99/\*99'",
    ):
        ingest_bundle(twin, bundle)
    result = ingest_bundle(twin, bundle, lenient=True)
    assert [s.location for s in result.skipped] == ["entry[1]"]
    assert get_twin(twin, "p1").genotypes == ()


def test_genotype_observation_shapes() -> None:
    obs = genotype_obs("g", "CYP2C19", "*1/*2")
    assert genotype_from_observation(obs) == ("CYP2C19", "*1/*2")
    as_component = dict(obs)
    as_component["valueCodeableConcept"] = None
    as_component["component"] = [
        *obs["component"],
        {"code": {"coding": [{"code": "84413-4"}]}, "valueString": "*2/*17"},
    ]
    assert genotype_from_observation(as_component) == ("CYP2C19", "*2/*17")
    lab = {"code": {"coding": [{"code": "33914-3"}]}, "valueQuantity": {"value": 1}}
    assert genotype_from_observation(lab) is None


def test_pharmcat_outside_call_tsv(twin: GraphStore) -> None:
    text = "# PharmCAT outside calls\nCYP2C19\t*1/*17\nCYP2D6\t*1/*4\tIntermediate Metabolizer\n"
    calls = parse_pharmcat_tsv(text)
    assert [(g, d) for g, d, _ in calls] == [("CYP2C19", "*1/*17"), ("CYP2D6", "*1/*4")]
    stored = set_genotypes(twin, "p1", calls, source="pharmcat")
    assert [c.phenotype for c in stored] == ["Rapid Metabolizer", "Intermediate Metabolizer"]
    with pytest.raises(
        ValidationError, match=r"line 2: found 'CYP2C19 \*1/\*2', expected GENE<TAB>DIPLOTYPE"
    ):
        parse_pharmcat_tsv("CYP2D6\t*1/*4\nCYP2C19 *1/*2\n")


def test_pharmcat_report_json_takes_recommendation_diplotypes(twin: GraphStore) -> None:
    calls = parse_pharmcat_json(PHARMCAT_REPORT)
    assert [(g, d) for g, d, _ in calls] == [("CYP2C19", "*2/*2")]
    assert load_pharmcat(json.dumps(PHARMCAT_REPORT)) == calls
    stored = set_genotypes(twin, "p1", calls, source="pharmcat")
    assert stored[0].phenotype == "Poor Metabolizer"
    with pytest.raises(ValidationError, match="not a PharmCAT report"):
        parse_pharmcat_json({"results": []})


def test_a_batch_with_one_bad_call_writes_none(twin: GraphStore) -> None:
    with pytest.raises(ValidationError) as err:
        set_genotypes(twin, "p1", [("CYP2C19", "*1/*2", "line 1"), ("CYP2C19", "*7/*7", "line 2")])
    assert [p.split(":")[0] for p in err.value.problems] == ["line 2"]
    assert get_twin(twin, "p1").genotypes == ()
