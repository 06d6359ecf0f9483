"""Reasoning tests: these fail if the reasoner is skipped or its results are not written."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ValidationError
from kg.ontology import InferredEdge, sync_ontology
from kg.store.base import GraphStore
from tests.ontology.conftest import edges, without_clarithromycin_statement

STRONG = "kgtwin:StrongCYP3A4Inhibitor"


def test_enzyme_role_classes_are_inferred(facts_store: GraphStore, onto_copy: Path) -> None:
    diff = sync_ontology(facts_store, ontology_path=onto_copy)
    got = edges(facts_store)
    assert ("MEMBER_OF", "RxNorm:28031", STRONG, True) in got
    # the sub-property axiom: a strong inhibitor is an inhibitor of any strength
    assert ("MEMBER_OF", "RxNorm:28031", "kgtwin:CYP3A4Inhibitor", True) in got
    assert ("MEMBER_OF", "RxNorm:4493", "kgtwin:ModerateCYP3A4Inhibitor", True) in got
    assert ("MEMBER_OF", "RxNorm:4493", STRONG, True) not in got
    assert ("MEMBER_OF", "RxNorm:8183", "kgtwin:StrongCYP3A4Inducer", True) in got
    assert ("MEMBER_OF", "RxNorm:6960", "kgtwin:SensitiveCYP3A4Substrate", True) in got
    # told hierarchy: coxib -> NSAID -> bleeding-risk drug
    assert ("MEMBER_OF", "RxNorm:140587", "kgtwin:NSAID", True) in got
    assert ("MEMBER_OF", "RxNorm:140587", "kgtwin:BleedingRiskDrug", True) in got
    # asserted memberships stay asserted and are not duplicated as inferred
    assert ("MEMBER_OF", "RxNorm:6960", "kgtwin:Benzodiazepine", False) in got
    assert ("MEMBER_OF", "RxNorm:6960", "kgtwin:Benzodiazepine", True) not in got
    assert ("SUBCLASS_OF", STRONG, "kgtwin:CYP3A4Inhibitor", True) in got
    assert diff.reasoning_seconds > 0
    assert len(diff.added) == len([e for e in got if e[3]])


def test_patient_phenotype_classes(facts_store: GraphStore) -> None:
    sync_ontology(facts_store)
    got = edges(facts_store)
    pm = "kgtwin:CYP2C19PoorMetabolizerPatient"
    assert ("IN_CLASS", "Patient/pm", pm, True) in got
    assert ("IN_CLASS", "Patient/pm", "kgtwin:ActionablePhenotypePatient", True) in got
    assert not any(e[1] == "Patient/nm" for e in got if e[0] == "IN_CLASS")
    # CPIC treats a likely poor metabolizer as a poor metabolizer
    assert ("IN_CLASS", "Patient/lpm", pm, True) in got
    assert ("IN_CLASS", "Patient/lpm", "kgtwin:G6PDDeficientPatient", True) in got
    assert ("IN_CLASS", "Patient/pm", "kgtwin:G6PDDeficientPatient", True) not in got
    assert not any(e[1] == "Patient/noconsent" for e in got if e[0] == "IN_CLASS")
    assert ("SUBCLASS_OF", pm, "kgtwin:ActionablePhenotypePatient", True) in got


def test_sync_is_idempotent_and_dry_run_writes_nothing(facts_store: GraphStore) -> None:
    dry = sync_ontology(facts_store, dry_run=True)
    assert dry.added and not dry.removed
    assert not any(e[3] for e in edges(facts_store))
    first = sync_ontology(facts_store)
    assert first.added == dry.added
    second = sync_ontology(facts_store)
    assert not second.changed


def test_ontology_edit_reaches_class_level_rule(facts_store: GraphStore, onto_copy: Path) -> None:
    facts_store.write(
        "create_class_rule",
        {
            "uid": "rule:test-cyp3a4",
            "precipitant_class": STRONG,
            "object_class": "kgtwin:SensitiveCYP3A4Substrate",
            "severity": "major",
        },
    )
    pair = {"precipitant": "RxNorm:21212", "object": "RxNorm:6960"}
    without_clarithromycin_statement(onto_copy)
    sync_ontology(facts_store, ontology_path=onto_copy)
    assert facts_store.read("find_class_rules_for_drugs", pair) == []

    # the ontology editor declares clarithromycin a strong CYP3A4 inhibitor
    with onto_copy.open("a", encoding="utf-8") as fh:
        fh.write("\nkgid:RxNorm:21212 kgtwin:stronglyInhibits kgtwin:CYP3A4 .\n")
    diff = sync_ontology(facts_store, ontology_path=onto_copy)
    assert any(e.from_uid == "RxNorm:21212" and e.to_uid == STRONG for e in diff.added)
    rules = facts_store.read("find_class_rules_for_drugs", pair)
    assert rules == [
        {
            "rule": "rule:test-cyp3a4",
            "precipitant_class": STRONG,
            "object_class": "kgtwin:SensitiveCYP3A4Substrate",
            "inferred": True,
        }
    ]

    # and withdrawing the statement removes the inferred membership again
    text = onto_copy.read_text(encoding="utf-8").replace(
        "kgid:RxNorm:21212 kgtwin:stronglyInhibits kgtwin:CYP3A4 .", ""
    )
    onto_copy.write_text(text, encoding="utf-8")
    diff = sync_ontology(facts_store, ontology_path=onto_copy)
    assert any(e.from_uid == "RxNorm:21212" and e.to_uid == STRONG for e in diff.removed)
    assert facts_store.read("find_class_rules_for_drugs", pair) == []


@pytest.mark.slow  # re-runs HermiT about a dozen times to find the offending axioms
def test_inconsistent_edit_is_reported_with_axioms(
    facts_store: GraphStore, onto_copy: Path
) -> None:
    # itraconazole strongly inhibits CYP3A4 (graph); the edit also makes it a strong inducer
    with onto_copy.open("a", encoding="utf-8") as fh:
        fh.write(
            "\nkgid:RxNorm:28031 a owl:NamedIndividual ;\n"
            "    kgtwin:stronglyInduces kgtwin:CYP3A4 .\n"
        )
    with pytest.raises(ValidationError) as err:
        sync_ontology(facts_store, ontology_path=onto_copy)
    problems = "\n".join(err.value.problems)
    assert "kgid:RxNorm:28031 kgtwin:stronglyInduces kgtwin:CYP3A4" in problems
    assert "kgid:RxNorm:28031 kgtwin:stronglyInhibits kgtwin:CYP3A4" in problems
    assert "kgtwin:StrongCYP3A4Inhibitor owl:disjointWith kgtwin:StrongCYP3A4Inducer" in problems
    assert f"{onto_copy.name}:" in problems  # names the line of the edit
    assert not any(e[3] for e in edges(facts_store))  # nothing written


def test_ontology_drug_missing_from_graph_is_a_warning(store: GraphStore) -> None:
    diff = sync_ontology(store)  # the shipped ontology states facts about clarithromycin
    assert any("RxNorm:21212" in w and "not in the graph" in w for w in diff.warnings)
    assert not any(e.from_uid == "RxNorm:21212" for e in diff.added)
    store.write("create_fixture_drugs", {"rows": [
        {"uid": "RxNorm:21212", "name": "clarithromycin", "inhibits": [], "induces": [],
         "substrate_of": [], "classes": []},
    ]})  # fmt: skip
    diff = sync_ontology(store)
    assert not diff.warnings
    assert InferredEdge("MEMBER_OF", "RxNorm:21212", STRONG) in diff.added
