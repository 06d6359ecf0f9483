"""``kgtwin kb load`` and ``kgtwin kb stats`` end to end, on a throwaway embedded engine."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator

import pytest

from kg.cli import main


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the CLI at a fresh data dir (short path: unix socket length limit)."""
    data_dir = tempfile.mkdtemp(prefix="kgc-", dir="/tmp")
    monkeypatch.setenv("KGTWIN_DATA_DIR", data_dir)
    monkeypatch.setenv("KGTWIN_GRAPH_NAME", "cli")
    monkeypatch.delenv("KGTWIN_GRAPH_URI", raising=False)
    yield
    shutil.rmtree(data_dir, ignore_errors=True)


def test_kb_load_only_then_stats(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "load", "--only", "conditions", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "conditions" in out and "ClinicalConcept" in out
    assert main(["kb", "stats"]) == 0
    out = capsys.readouterr().out
    assert "sources loaded: conditions" in out
    assert "source:kgtwin_curated" in out and "ClinicalConcept" in out


def test_kb_load_rejects_an_unknown_source(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["kb", "load", "--only", "nope"])
    assert info.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


def test_kb_stats_on_an_empty_graph(cli_env: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kb", "stats"]) == 0
    assert "no knowledge base loaded" in capsys.readouterr().out
