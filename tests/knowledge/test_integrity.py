"""Cross-table integrity of the knowledge base (files and loaded graph)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from kg.errors import NotFound
from kg.knowledge import find_drugs, resolve_drug
from kg.knowledge.csvfile import Problems
from kg.knowledge.exceptions import load_exceptions
from kg.knowledge.sources import DATA_DIR
from kg.store import GraphStore

CURATED = DATA_DIR / "curated"
ID_COLUMNS = {
    "drug_groups.csv": "group_id",
    "condition_concepts.csv": "concept_id",
    "allergy_groups.csv": "allergen_id",
}


def _exceptions():  # type: ignore[no-untyped-def]
    p = Problems("test")
    exc = load_exceptions(DATA_DIR, p)
    assert p.items == []
    return exc


def test_every_recommendation_lookup_value_exists_among_diplotype_keys(
    kb_template: GraphStore,
) -> None:
    keys = {(r["gene"], r["lookup_key"]) for r in kb_template.read("list_kb_diplotype_lookup_keys")}
    exc = _exceptions()
    recs = kb_template.read("list_kb_recommendation_lookups")
    assert recs
    missing = Counter()
    for r in recs:
        assert len(r["lookup_genes"]) == len(r["lookup_values"]) > 0, r["uid"]
        for gene, value in zip(r["lookup_genes"], r["lookup_values"], strict=True):
            if (gene, value) not in keys and not exc.lookup_ok(gene, value):
                missing[(gene, value)] += 1
    assert not missing, f"lookup values absent from the diplotype table: {dict(missing)}"


def test_reviewed_lookup_exceptions_are_still_needed(kb_template: GraphStore) -> None:
    keys = {(r["gene"], r["lookup_key"]) for r in kb_template.read("list_kb_diplotype_lookup_keys")}
    used = {
        (g, v)
        for r in kb_template.read("list_kb_recommendation_lookups")
        for g, v in zip(r["lookup_genes"], r["lookup_values"], strict=True)
        if (g, v) not in keys
    }
    for gene, value in _exceptions().lookups:
        assert any((gene in ("*", g)) and (value in ("*", v)) for g, v in used), (gene, value)


def test_every_unresolved_drug_is_a_reviewed_exception(kb_template: GraphStore) -> None:
    exc = _exceptions()
    unresolved = kb_template.read("list_kb_unresolved_drugs")
    not_listed = sorted(r["name"] for r in unresolved if not exc.is_unresolved_ok(r["name"]))
    assert not_listed == [], f"unresolved drugs missing from reviewed_exceptions.csv: {not_listed}"
    for r in unresolved:
        assert r["uid"].startswith("kgtwin:drug/") and r["source"], r
    stale = sorted(exc.unresolved - {r["name"] for r in unresolved})
    assert stale == [], f"reviewed unresolved drugs that now resolve (remove them): {stale}"


def test_every_interaction_drug_resolves_or_is_reviewed(kb_template: GraphStore) -> None:
    exc = _exceptions()
    drugs = kb_template.read("list_kb_interaction_drugs")
    assert drugs
    for d in drugs:
        if d["unresolved"]:
            assert exc.is_unresolved_ok(d["name"]), d
        else:
            assert d["uid"] == f"RxNorm:{d['rxcui']}", d


def test_interaction_pairs_are_never_dropped() -> None:
    from kg.knowledge.loader import plan_sources

    for source in ("onc_high_priority", "onc_noninterruptive"):
        plan = plan_sources(only=source)[0]
        with (DATA_DIR / f"ddi/{source}_pairs.csv").open(encoding="utf-8") as fh:
            assert plan.counts()["Interaction"] == sum(1 for _ in csv.DictReader(fh))


def _curated_csvs() -> list[Path]:
    return sorted(CURATED.glob("*.csv")) if CURATED.is_dir() else []


@pytest.mark.parametrize("path", _curated_csvs(), ids=lambda p: p.name)
def test_every_curated_row_has_a_citation_and_unique_id(path: Path) -> None:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    if "citation" in rows[0]:
        bad = [i + 2 for i, r in enumerate(rows) if not (r["citation"] or "").strip()]
        assert bad == [], f"{path.name}: rows without citation on lines {bad}"
    else:
        # condition_concepts.csv is a value-set table: its codes cite the code systems.
        assert path.name == "condition_concepts.csv", f"{path.name} has no citation column"
    key = ID_COLUMNS.get(path.name, "rule_id")
    if key in rows[0]:
        dup = [k for k, n in Counter(r[key] for r in rows).items() if n > 1]
        assert dup == [], f"{path.name}: duplicate {key} {dup}"
    elif path.name == "drug_group_members.csv":
        pairs = Counter((r["group_id"], r["rxcui"] or r["drug_name"].lower()) for r in rows)
        assert [k for k, n in pairs.items() if n > 1] == []


def test_rule_ids_are_unique_across_files_and_every_rule_is_cited(kb_template: GraphStore) -> None:
    ids: Counter[str] = Counter()
    for path in _curated_csvs():
        with path.open(encoding="utf-8", newline="") as fh:
            ids.update(r["rule_id"] for r in csv.DictReader(fh) if "rule_id" in r)
    ctx = CURATED / "context_interaction_rules.json"
    if ctx.is_file():
        ids.update(r["rule_id"] for r in json.loads(ctx.read_text(encoding="utf-8"))["rules"])
    assert [k for k, n in ids.items() if n > 1] == []
    rules = kb_template.read("list_kb_rule_citations")
    assert rules
    for r in rules:
        assert r["citation"], r["uid"]
        assert len(r["labels"]) == 2 and "Rule" in r["labels"], r
        assert r["severity_rank"] >= 1, r


def test_drug_names_and_synonyms_resolve(kb_template: GraphStore) -> None:
    assert [d.uid for d in find_drugs(kb_template, "Paracetamol")] == ["RxNorm:161"]
    assert find_drugs(kb_template, "CEFALEXIN")[0].name == "cephalexin"
    assert resolve_drug(kb_template, "rifampicin").uid == "RxNorm:9384"
    assert resolve_drug(kb_template, "RxNorm:11289").name == "warfarin"
    assert resolve_drug(kb_template, "11289").name == "warfarin"
    prefix = find_drugs(kb_template, "warf")
    assert prefix and not prefix[0].exact and all(d.name.startswith("warf") for d in prefix)
    with pytest.raises(NotFound, match=r"Unknown drug 'warfarine' \(closest: warfarin"):
        resolve_drug(kb_template, "warfarine")


def test_interaction_in_several_sources_is_one_node_with_the_highest_severity(
    kb_template: GraphStore,
) -> None:
    from kg.knowledge.loader import plan_sources

    def pairs(source: str) -> dict[str, str]:
        plan = plan_sources(only=source)[0]
        step = next(s for s in plan.steps if s.query == "merge_kb_interactions")
        return {r["uid"]: r["edge"]["severity"] for r in step.rows}

    hp, va = pairs("onc_high_priority"), pairs("ndfrt_va")
    both = sorted(set(hp) & set(va))
    assert both, "expected pairs listed by both ONC high-priority and NDF-RT"
    for uid in both[:5]:
        row = kb_template.read("get_kb_interaction", {"uid": uid})[0]
        assert set(row["sources"]) >= {"source:onc_high_priority", "source:ndfrt_va"}
        assert len(row["sources"]) == len(row["source_severities"]) == len(row["supported_by"])
        assert row["severity"] == "major" and row["severity_rank"] == 4
        assert {e["source"]: e["severity"] for e in row["supported_by"]}["source:ndfrt_va"] == va[
            uid
        ]


def test_diplotypes_of_a_gene_match_the_cpic_table(kb_template: GraphStore) -> None:
    with (DATA_DIR / "cpic/diplotype_phenotype.csv").open(encoding="utf-8") as fh:
        table = {r["diplotype"]: r for r in csv.DictReader(fh) if r["gene"] == "CYP2C19"}
    rows = kb_template.read("list_kb_diplotypes", {"genes": ["CYP2C19"]})
    assert {r["name"]: r["phenotype"] for r in rows} == {
        k: v["phenotype"] for k, v in table.items()
    }
    assert {r["name"]: r["phenotype"] for r in rows}["*2/*2"] == "Poor Metabolizer"
