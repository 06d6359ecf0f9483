"""``kgtwin serve`` and ``kgtwin api-key``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kg.api.auth import hash_key
from kg.cli import main
from kg.cli.serve import ensure_loaded, is_loopback


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_refuses_public_bind_without_tokens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in (
        "KGTWIN_API_KEYS",
        "KGTWIN_API_KEYS_FILE",
        "KGTWIN_JWT_SECRET",
        "KGTWIN_JWT_PUBLIC_KEY",
    ):
        monkeypatch.delenv(var, raising=False)
    assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    err = capsys.readouterr().err
    assert "not a loopback address and no tokens are configured" in err


def test_api_key_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["api-key", "--id", "ward-app", "--role", "clinician", "--patient", "p1"]) == 0
    out = capsys.readouterr().out.splitlines()
    key = out[0].split(": ", 1)[1]
    entry = json.loads(out[-1])
    assert entry == {
        "id": "ward-app",
        "sha256": hash_key(key),
        "roles": ["clinician"],
        "patients": ["p1"],
    }
    assert main(["api-key", "--id", "x", "--role", "root"]) == 2


def test_ensure_loaded_counts_and_skips_a_loaded_graph(kb_template: Any) -> None:
    before = kb_template.read("count_graph_contents")[0]
    counts = ensure_loaded(kb_template)
    assert counts["drugs"] == before["drugs"] > 0
    assert kb_template.read("count_graph_contents")[0] == before


def test_ensure_loaded_fills_an_empty_graph(store: Any) -> None:
    counts = ensure_loaded(store, demo=True, demo_patients=3)
    assert counts == {"drugs": 0, "ontology_classes": 0, "patients": 0}
    after = store.read("count_graph_contents")[0]
    assert after["drugs"] > 0 and after["ontology_classes"] > 0 and after["patients"] == 3


def test_a_knowledge_base_older_than_the_files_is_reported(
    kb_store: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from kg.cli.serve import stale_knowledge
    from kg.knowledge.sources import kb_version

    assert stale_knowledge(kb_store) is None  # just loaded from these files
    kb_store.write(
        "merge_kb_version",
        {
            "version": "2020.1+00000000",
            "loaded_at": "2020-01-01T00:00:00Z",
            "loaded_at_epoch": 1577836800,
            "sources": [],
        },
    )
    message = stale_knowledge(kb_store)
    assert message is not None and "2020.1+00000000" in message and kb_version() in message
    ensure_loaded(kb_store)
    assert "run 'kgtwin kb load'" in capsys.readouterr().err
