"""``kgtwin ontology check``, the generated vocabulary and the command line."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli import main
from kg.errors import ConfigError
from kg.ontology.check import check_ontology
from kg.store.base import GraphStore
from kg.vocab.generate import render

ROOT = Path(__file__).resolve().parents[2]


def test_shipped_ontology_passes_check(facts_store: GraphStore) -> None:
    report = check_ontology(store=facts_store)
    assert report.ok, report.lines()
    assert report.reasoning_seconds is not None and report.reasoning_seconds > 0
    assert report.drugs == 6 and report.patients == 3  # the no-consent patient is left out
    assert any("reasoning (hermit)" in line for line in report.lines())


def test_syntax_error_names_file_and_line(onto_copy: Path) -> None:
    lines = onto_copy.read_text(encoding="utf-8").splitlines()
    lines.insert(40, "kgtwin:Broken a owl:Class ;;; rdfs:label")
    onto_copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = check_ontology(onto_copy)
    assert not report.ok
    assert f"{onto_copy}:41" in report.errors[0] or f"{onto_copy}:42" in report.errors[0]


def test_conventions_and_unsatisfiable_class(onto_copy: Path) -> None:
    with onto_copy.open("a", encoding="utf-8") as fh:
        fh.write(
            "\nkgtwin:Undocumented a owl:Class .\n"
            "kgtwin:ImpossibleDrug a owl:Class ;\n"
            '    rdfs:label "impossible drug"@en ;\n'
            '    skos:definition "A drug that is also a gene (for the test)."@en ;\n'
            '    kgtwin:classKind "risk_group" ;\n'
            "    rdfs:subClassOf kgtwin:Drug, kgtwin:Gene .\n"
        )
    report = check_ontology(onto_copy)
    text = "\n".join(report.lines())
    assert "class kgtwin:Undocumented has no rdfs:label" in text
    assert "class kgtwin:Undocumented has no skos:definition" in text
    assert "class kgtwin:Undocumented is not mapped" in text
    assert any(u.startswith("kgtwin:ImpossibleDrug:") for u in report.unsatisfiable)
    unsat = next(u for u in report.unsatisfiable if u.startswith("kgtwin:ImpossibleDrug"))
    assert "rdfs:subClassOf kgtwin:Gene" in unsat and "AllDisjointClasses(" in unsat
    assert not report.ok


def test_missing_java_is_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    code = main(["ontology", "check", "--no-graph"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "default-jre-headless" in err[0]


def test_pellet_is_offered_only_where_it_runs() -> None:
    try:
        report = check_ontology(reasoner="pellet")
    except ConfigError as exc:  # Debian 12's Java 17 is too old for owlready2's Pellet
        assert "Pellet" in str(exc) and "HermiT" in str(exc)
    else:
        assert report.reasoning_seconds is not None


def test_generated_vocabulary_is_current() -> None:
    from kg.ontology.model import default_ontology_path, load_model

    files = render(
        load_model(), ROOT / "kg" / "vocab", default_ontology_path().parent / "graph_names.tsv"
    )
    stale = [str(p) for p, text in files.items() if p.read_text(encoding="utf-8") != text]
    assert not stale, f"regenerate with python -m kg.vocab.generate: {stale}"


def test_vocabulary_constants_and_misspelling() -> None:
    from kg.vocab import classes, labels, types

    assert labels.Drug == "Drug" and types.MEMBER_OF == "MEMBER_OF"
    assert classes.StrongCYP3A4Inhibitor == "kgtwin:StrongCYP3A4Inhibitor"
    assert classes.KIND[classes.CYP2C19PoorMetabolizerPatient] == "patient_phenotype"
    with pytest.raises(ImportError):
        importlib.import_module("kg.vocab.labels").__getattribute__  # noqa: B018 - module exists
        exec("from kg.vocab.labels import Durg", {})
    done = subprocess.run(
        [sys.executable, "-m", "kg.vocab.generate", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


def test_cli_sync_dry_run_and_export(
    facts_store: GraphStore,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    import kg.cli.ontology as cli
    from kg.ontology.rdf import import_twin, read_rdf

    class _Borrowed:
        def __enter__(self) -> GraphStore:
            return facts_store

        def __exit__(self, *exc: object) -> None:
            return None

    monkeypatch.setattr(cli, "store_from_args", lambda args=None: _Borrowed())
    assert main(["ontology", "sync", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "+ (RxNorm:28031)-[:MEMBER_OF]->(kgtwin:StrongCYP3A4Inhibitor)" in out
    assert "would add" in out
    assert main(["ontology", "sync"]) == 0
    assert "added" in capsys.readouterr().out
    assert main(["ontology", "sync"]) == 0
    assert "added 0, removed 0" in capsys.readouterr().out

    import_twin(facts_store, read_rdf(Path(__file__).parent / "data" / "twin.ttl"))
    target = tmp_path / "out.jsonld"
    assert main(["export", "--patient", "rt-1", "--format", "jsonld", "-o", str(target)]) == 0
    assert "Patient/rt-1" in target.read_text(encoding="utf-8")
    assert main(["import", str(target)]) == 0
    assert "imported Patient/rt-1 with 7 resources" in capsys.readouterr().out
    assert main(["export", "--patient", "Patient/none"]) == 2


def test_shape_file_syntax_error_is_reported(tmp_path: Path) -> None:
    import shutil

    from kg.ontology.model import default_ontology_path

    shutil.copy(default_ontology_path(), tmp_path / "kgtwin.ttl")
    (tmp_path / "shapes").mkdir()
    (tmp_path / "shapes" / "bad.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\nsh:x sh:y\n"
    )
    report = check_ontology(tmp_path / "kgtwin.ttl")
    assert any(f"{tmp_path / 'shapes' / 'bad.ttl'}:" in e for e in report.errors), report.errors
