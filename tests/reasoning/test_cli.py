"""``kgtwin check`` and ``kgtwin interactions`` end to end, on the test engine."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kg.cli import main
from kg.config import Settings
from kg.store.falkor import FalkorStore


@pytest.fixture
def cli_env(
    kb_store: FalkorStore, engine_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> FalkorStore:
    """Point the CLI at the session engine and this test's knowledge-base graph."""
    monkeypatch.setenv("KGTWIN_DATA_DIR", str(engine_settings.data_dir))
    monkeypatch.setenv("KGTWIN_GRAPH_NAME", kb_store.graph_name)
    monkeypatch.delenv("KGTWIN_GRAPH_URI", raising=False)
    return kb_store


def test_interactions_json(cli_env: FalkorStore, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["interactions", "simvastatin", "clarithromycin", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [alert] = [a for a in data["alerts"] if a["kind"] == "drug_interaction"]
    assert set(alert["drugs"]) == {"simvastatin", "clarithromycin"}
    assert alert["evidence"] and alert["path"] and alert["management"]
    assert data["not_checked"] == []


def test_interactions_readable_without_colour_when_piped(
    cli_env: FalkorStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["interactions", "warfarin", "fluconazole"]) == 0
    out = capsys.readouterr().out
    assert "drug interaction: warfarin + fluconazole" in out or "fluconazole + warfarin" in out
    assert "Management:" in out and "Evidence:" in out
    assert "\033[" not in out  # stdout is not a terminal


def test_unknown_drug_is_one_line_with_suggestions(
    cli_env: FalkorStore, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["interactions", "warfrin", "aspirin"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "closest: warfarin" in err


def test_check_what_if_json(
    cli_env: FalkorStore, twin: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    twin("cli-wi", meds=["11289"])
    assert (
        main(["check", "cli-wi", "--add", "fluconazole", "--set-lab", "6301-6=4.5", "--json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["what_if"]["add"] == ["fluconazole"]
    assert any("fluconazole" in a["drugs"] for a in data["diff"]["new"])
    assert main(["check", "cli-wi"]) == 0
    out = capsys.readouterr().out
    assert "Safety report for cli-wi" in out and "fluconazole" not in out
