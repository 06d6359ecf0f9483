"""Loading the knowledge base into the real embedded engine."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from kg.errors import ValidationError
from kg.knowledge import SOURCES, kb_stats, load_knowledge_base
from kg.knowledge.loader import load_sources
from kg.knowledge.loaders.curated import CURATED_FILES
from kg.knowledge.sources import DATA_DIR, SOURCE_INFO, kb_version
from kg.store import GraphStore
from tests.knowledge.conftest import read_rows

KNOWLEDGE_LABELS = [
    "Drug", "DrugClass", "Gene", "Allele", "Diplotype", "Phenotype", "Guideline",
    "Recommendation", "Interaction", "Rule", "ClinicalConcept", "Code", "LabTest",
]  # fmt: skip


def _labels(store: GraphStore) -> dict[str, int]:
    return {r["label"]: r["count"] for r in store.read("count_kb_labels")}


def _types(store: GraphStore) -> dict[str, int]:
    return {r["type"]: r["count"] for r in store.read("count_kb_relationship_types")}


def test_full_load_matches_the_files(kb_template: GraphStore) -> None:
    labels = _labels(kb_template)
    diplos = read_rows(DATA_DIR / "cpic/diplotype_phenotype.csv")
    diplos += read_rows(DATA_DIR / "curated/variant_genotypes.csv")  # VKORC1, CYP4F2
    assert labels["Diplotype"] == len(diplos)
    assert labels["Allele"] == len(read_rows(DATA_DIR / "cpic/allele_function.csv"))
    assert labels["Guideline"] == len(read_rows(DATA_DIR / "cpic/guidelines.csv"))
    recs = json.loads((DATA_DIR / "cpic/recommendations.json").read_text(encoding="utf-8"))
    assert labels["Recommendation"] == len(recs)
    assert labels["Drug"] >= len(read_rows(DATA_DIR / "vocab/rxnorm_ingredients_ndfrt.csv"))
    # One Source per knowledge source, plus one for the care pathways (loaded with the KB).
    assert labels["Source"] == len(SOURCE_INFO) + 1
    assert labels["KnowledgeBase"] == 1
    for name, files in CURATED_FILES.items():
        if not all((DATA_DIR / "curated" / f).is_file() for f in files):
            continue
        if name == "contraindications":
            assert labels["ContraindicationRule"] == len(read_rows(DATA_DIR / "curated" / files[0]))
        if name == "renal_dosing":
            assert labels["RenalDoseRule"] == len(read_rows(DATA_DIR / "curated" / files[0]))
        if name == "lab_rules":
            assert labels["LabRule"] == len(read_rows(DATA_DIR / "curated" / files[0]))
    types = _types(kb_template)
    assert types["HAS_PHENOTYPE"] == len(diplos)
    for t in ("MEMBER_OF", "SUBCLASS_OF", "SUPPORTED_BY", "FOR_DRUG", "FOR_GENE", "HAS_OBJECT"):
        assert types.get(t, 0) > 0, t


def test_second_load_changes_no_counts(kb_template: GraphStore) -> None:
    before = (_labels(kb_template), _types(kb_template))
    summary = load_knowledge_base(kb_template)
    assert (_labels(kb_template), _types(kb_template)) == before
    assert summary.kb_version == kb_version()
    assert [s.name for s in summary.sources] == list(SOURCES)


def test_kb_version_and_sources_are_recorded(kb_template: GraphStore) -> None:
    stats = kb_stats(kb_template)
    assert stats.version == kb_version()
    assert set(stats.loaded_sources) <= set(SOURCES) and "cpic" in stats.loaded_sources
    by_uid = {s.uid: s for s in stats.sources}
    assert by_uid["source:cpic"].counts["Diplotype"] > 0
    assert by_uid["source:cpic"].licence == "CC0-1.0"
    assert "CC BY-SA 4.0" in by_uid["source:pharmgkb"].licence
    assert any("source:rxnorm" in line for line in stats.lines())


def test_every_knowledge_node_has_provenance(kb_template: GraphStore) -> None:
    rows = kb_template.read("list_kb_unprovenanced", {"labels": KNOWLEDGE_LABELS, "limit": 20})
    assert rows == []


def test_only_loads_one_source_into_an_empty_graph(store: GraphStore) -> None:
    summary = load_knowledge_base(store, only="ndfrt_classes")
    labels = _labels(store)
    assert [s.name for s in summary.sources] == ["ndfrt_classes"]
    assert labels.get("DrugClass", 0) == summary.source("ndfrt_classes").counts["DrugClass"]
    assert "Diplotype" not in labels and "Interaction" not in labels
    assert store.read("get_kb_version")[0]["sources"] == ["ndfrt_classes"]


def test_unknown_source_lists_the_choices(store: GraphStore) -> None:
    with pytest.raises(ValidationError, match=r"Unknown source 'cpicc' \(choices: .*cpic"):
        load_knowledge_base(store, only="cpicc")


def test_malformed_row_stops_the_source_with_nothing_written(
    store: GraphStore, data_copy: Path, corrupt: Callable[[Path, int, str, str], None]
) -> None:
    corrupt(data_copy / "ddi/ndfrt_va_interactions.csv", 5, "severity", "Severe")
    with pytest.raises(ValidationError) as info:
        load_sources(store, data_copy, only="ndfrt_va")
    msg = str(info.value)
    assert "ddi/ndfrt_va_interactions.csv: line 5, column 'severity'" in msg
    assert "'Severe' is not valid (choices: Critical, Significant)" in msg
    assert _labels(store) == {}


def test_a_malformed_source_stops_the_whole_load_before_any_write(
    store: GraphStore, data_copy: Path, corrupt: Callable[[Path, int, str, str], None]
) -> None:
    corrupt(data_copy / "cpic/diplotype_phenotype.csv", 40000, "gene", "")
    with pytest.raises(
        ValidationError, match=r"cpic/diplotype_phenotype.csv: line 40000, column 'gene'"
    ):
        load_sources(store, data_copy)
    assert _labels(store) == {}


def test_duplicate_curated_id_is_rejected(store: GraphStore, data_copy: Path) -> None:
    path = data_copy / "curated/renal_dosing.csv"
    if not path.is_file():
        pytest.skip("curated/renal_dosing.csv is not present")
    rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*rows, rows[1]]) + "\n", encoding="utf-8")
    with pytest.raises(
        ValidationError, match=rf"line {len(rows) + 1}, column 'rule_id': duplicate id"
    ):
        load_sources(store, data_copy, only="renal_dosing")


def test_missing_curated_file_is_skipped_with_a_note(store: GraphStore, data_copy: Path) -> None:
    (data_copy / "curated/lab_rules.csv").unlink(missing_ok=True)
    summary = load_sources(store, data_copy, only="lab_rules")
    s = summary.source("lab_rules")
    assert s.skipped and "lab_rules.csv not present" in (s.note or "")
    assert "SKIPPED" in "\n".join(summary.lines())
    assert "LabRule" not in _labels(store)


def test_progress_bar_and_summary_lines(
    store: GraphStore, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = load_knowledge_base(store, only="conditions", progress=True)
    assert "kb load" in capsys.readouterr().err
    lines = summary.lines()
    assert lines[0].startswith(f"knowledge base {kb_version()}: 1 source(s)")
    assert "ClinicalConcept" in lines[1] and summary.totals()["ClinicalConcept"] > 0
