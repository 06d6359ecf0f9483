"""``kgtwin ingest``, ``ingest-stream``, ``genotype`` and ``demo`` through the real command."""

from __future__ import annotations

import io
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.cli import main
from kg.config import Settings
from kg.ingest import get_twin, observations
from kg.store import EmbeddedEngine, QueryRegistry
from kg.store.falkor import FalkorStore
from tests.twin.conftest import FHIR_DIR, patient_bundle, seed_minimal_kb


@pytest.fixture
def cli_store(
    engine: EmbeddedEngine,
    engine_settings: Settings,
    registry: QueryRegistry,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[FalkorStore]:
    """The graph the CLI writes to (the session engine, a fresh graph name)."""
    name = f"cli_{uuid.uuid4().hex[:10]}"
    monkeypatch.setenv("KGTWIN_DATA_DIR", str(engine_settings.data_dir))
    monkeypatch.setenv("KGTWIN_GRAPH_NAME", name)
    monkeypatch.delenv("KGTWIN_GRAPH_URI", raising=False)
    store = FalkorStore(registry, str(engine.socket), graph_name=name)
    store.apply_schema()
    seed_minimal_kb(store)
    yield store
    store.clear()
    store.close()


def test_ingest_files_and_directories_with_report(
    cli_store: FalkorStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one = next(FHIR_DIR.glob("Karena*.json"))
    shutil.copy(one, tmp_path / one.name)
    assert main(["ingest", str(tmp_path), "--report"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report[0]["source"].endswith(one.name)
    assert any(u["code"] == "751905" for u in report[0]["unmapped"])
    pid = report[0]["patients"][0]
    assert get_twin(cli_store, pid).medications


def test_a_rejected_bundle_exits_non_zero_with_its_errors(
    cli_store: FalkorStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(patient_bundle("ok")))
    bad_bundle = patient_bundle(
        "bad", [{"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/bad"}}]
    )
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(bad_bundle))
    assert main(["ingest", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.json: rejected" in err and "entry[1].resource.code: found null" in err
    assert "1 of 2 file(s) ingested" in err
    assert cli_store.read("list_known_patients", {"uids": ["Patient/ok", "Patient/bad"]}) == [
        {"uid": "Patient/ok"}
    ]
    assert main(["ingest", str(tmp_path / "missing.json")]) == 2


def test_ingest_stream_from_a_file(
    cli_store: FalkorStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    main(["ingest", str(_write(tmp_path, patient_bundle("w1")))])
    lines = [
        {
            "patient": "w1",
            "loinc": "8867-4",
            "value": 70 + i,
            "unit": "/min",
            "effective": f"2026-05-05T10:00:0{i}Z",
        }
        for i in range(5)
    ]
    stream = tmp_path / "hr.jsonl"
    stream.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    assert main(["ingest-stream", str(stream)]) == 0
    assert [o["value"] for o in observations(cli_store, "w1", "8867-4")] == [70, 71, 72, 73, 74]
    monkeypatch.setattr(
        "sys.stdin", io.StringIO('{"patient": "w1", "loinc": "8867-4"}\nnot json\n')
    )
    assert main(["ingest-stream"]) == 1
    err = capsys.readouterr().err
    assert "line 1: missing value, effective" in err and "line 2: not JSON" in err


def test_genotype_command_and_pharmcat_file(
    cli_store: FalkorStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["ingest", str(_write(tmp_path, patient_bundle("g1")))])
    capsys.readouterr()
    assert main(["genotype", "g1", "CYP2C19", "*2/*2"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["phenotype"] == "Poor Metabolizer"
    tsv = tmp_path / "calls.tsv"
    tsv.write_text("CYP2D6\t*1/*4\n")
    assert main(["genotype", "g1", "--pharmcat", str(tsv)]) == 0
    genes = {g.gene: g.source for g in get_twin(cli_store, "g1").genotypes}
    assert genes == {"CYP2C19": "manual", "CYP2D6": "pharmcat"}
    assert main(["genotype", "g1", "CYP2D7", "*1/*1"]) == 2
    assert "Unknown gene 'CYP2D7'" in capsys.readouterr().err


def test_demo_generate_and_load(
    cli_store: FalkorStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["demo", "generate", "--patients", "3", "--seed", "5", "--out", str(tmp_path / "pop")])
        == 0
    )
    files = sorted((tmp_path / "pop").glob("*.json"))
    assert [f.name for f in files] == [f"demo-5-00000{i}.json" for i in range(3)]
    assert main(["demo", "load", "--patients", "2", "--seed", "5"]) == 0
    assert "2 synthetic twin(s) loaded" in capsys.readouterr().out
    assert get_twin(cli_store, "demo-5-000001").medications


def _write(tmp_path: Path, bundle: dict[str, object]) -> Path:
    path = tmp_path / f"b_{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(bundle))
    return path


def test_a_directory_of_single_resources_is_ingested_in_order(
    cli_store: FalkorStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patient = {"resourceType": "Patient", "id": "solo", "gender": "male"}
    (tmp_path / "a_patient.json").write_text(json.dumps(patient))
    obs = {
        "resourceType": "Observation",
        "id": "solo-egfr",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "33914-3"}]},
        "subject": {"reference": "Patient/solo"},
        "effectiveDateTime": "2026-01-01T00:00:00Z",
        "valueQuantity": {"value": 48, "unit": "mL/min"},
    }
    (tmp_path / "b_obs.json").write_text(json.dumps(obs))
    (tmp_path / "c_broken.json").write_text("{not json")
    assert main(["ingest", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "c_broken.json: rejected: not JSON" in err and "2 of 3 file(s) ingested" in err
    assert get_twin(cli_store, "solo").lab("33914-3").value == 48.0  # type: ignore[union-attr]


def test_a_diplotype_may_start_with_a_dash() -> None:
    """VKORC1 is often written -1639G/A: it is read as the diplotype, before or after options."""
    from kg.cli import build_parser

    parser = build_parser()
    for argv in (
        ["genotype", "p1", "VKORC1", "-1639G/A"],
        ["genotype", "p1", "VKORC1", "-1639G/A", "--source", "api"],
        ["genotype", "p1", "VKORC1", "--", "-1639G/A"],
    ):
        args = parser.parse_args(argv)
        assert (args.gene, args.diplotype) == ("VKORC1", "-1639G/A")
    with pytest.raises(SystemExit):
        parser.parse_args(["genotype", "p1", "VKORC1", "G/A", "--bogus"])


def test_every_command_that_touches_a_twin_is_audited(
    cli_store: FalkorStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line's reads and writes land in the same audit trail as the API's, under
    the operating-system account, with their outcome."""
    from kg.api.audit import AuditTrail

    trail = AuditTrail(cli_store)
    assert main(["ingest", str(_write(tmp_path, patient_bundle("au1")))]) == 0
    assert main(["genotype", "au1", "CYP2C19", "*2/*2"]) == 0
    assert main(["genotype", "au1", "CYP2C19", "*99/*99"]) == 2  # refused: audited as invalid
    assert main(["check", "nobody"]) == 2
    capsys.readouterr()
    entries = trail.list(patient_uid="Patient/au1")
    seen = sorted((e.operation, e.action, e.outcome) for e in entries)
    assert seen == [
        ("cli:genotype", "U", "invalid"),
        ("cli:genotype", "U", "success"),
        ("cli:ingest", "U", "success"),
    ]
    assert all(e.who.startswith("cli:") and e.role == "admin" for e in entries)
    [missing] = trail.list(patient_uid="Patient/nobody")
    assert (missing.operation, missing.outcome) == ("cli:check", "not-found")
