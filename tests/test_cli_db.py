"""``kgtwin db``, ``kgtwin query`` and ``kgtwin doctor``, run as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

KGTWIN = str(Path(sys.executable).parent / "kgtwin")
Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def kgtwin() -> Iterator[Run]:
    """Run ``kgtwin`` on a fresh data dir; any engine left running is stopped after."""
    data_dir = tempfile.mkdtemp(prefix="kgc-", dir="/tmp")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KGTWIN_")}
    env["KGTWIN_DATA_DIR"] = data_dir

    def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KGTWIN, *args],
            env={**env, **extra_env},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    yield run
    run("db", "stop")
    shutil.rmtree(data_dir, ignore_errors=True)


def _one_line_error(res: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert res.returncode == code, (res.returncode, res.stdout, res.stderr)
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kgtwin: error: "), res.stderr
    assert text in lines[0]


def test_help_everywhere(kgtwin: Run) -> None:
    for args in ([], ["db"], ["db", "start"], ["db", "stop"], ["db", "status"], ["query"],
                 ["doctor"], ["db", "reset"]):  # fmt: skip
        res = kgtwin(*args, "--help")
        assert res.returncode == 0, (args, res.stderr)
        assert "usage: kgtwin" in res.stdout


def test_shared_engine_lifecycle(kgtwin: Run) -> None:
    assert json.loads(kgtwin("db", "status").stdout)["running"] is False
    res = kgtwin("db", "start")
    assert res.returncode == 0 and "engine started (pid" in res.stdout, res.stderr
    status = json.loads(kgtwin("db", "status").stdout)
    assert status["running"] and status["shared"] and status["owner_pid"] is None
    assert "already running" in kgtwin("db", "start").stdout

    # Other commands use the shared engine and leave it running.
    res = kgtwin("query", "merge_probe", "--param", "uid=cli-1", "--param", 'value=[1, "x"]')
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == [{"uid": "cli-1", "value": [1, "x"]}]
    res = kgtwin("query", "get_probe", "--param", "uid=cli-1")
    assert json.loads(res.stdout) == [{"uid": "cli-1", "value": [1, "x"]}]
    assert json.loads(kgtwin("db", "status").stdout)["engine_pid"] == status["engine_pid"]

    res = kgtwin("doctor", "--json")
    report = json.loads(res.stdout)
    assert report["store"]["ok"] and report["engine"]["running"], report
    assert report["store"]["falkordb_version"]
    assert res.returncode == (0 if report["ok"] else 1)

    _one_line_error(kgtwin("db", "reset"), 2, "add --yes to confirm")
    assert kgtwin("db", "reset", "--yes").returncode == 0
    assert json.loads(kgtwin("query", "count_probes").stdout) == [{"nodes": 0, "links": 0}]

    assert kgtwin("db", "stop").stdout.strip() == "engine stopped"
    assert json.loads(kgtwin("db", "status").stdout)["running"] is False
    assert kgtwin("db", "stop").stdout.strip() == "no engine was running"


def test_query_without_a_shared_engine_starts_and_stops_one(kgtwin: Run) -> None:
    res = kgtwin("query", "echo_value", "--param", 'value={"a": [1, 2.5, null]}')
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == [{"value": {"a": [1, 2.5, None]}}]
    assert json.loads(kgtwin("db", "status").stdout)["running"] is False


def test_query_list(kgtwin: Run) -> None:
    res = kgtwin("query", "--list")
    assert res.returncode == 0
    assert any(line.split()[:2] == ["get_probe", "read"] for line in res.stdout.splitlines())


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["query", "get_prob", "--param", "uid=x"], 2, "Unknown query 'get_prob' (did you mean"),
        (["query", "get_probe"], 2, "needs --param uid=..."),
        (["query", "get_probe", "--param", "uid"], 2, "--param 'uid' is not KEY=VALUE"),
        (["query", "get_probe", "--param", "id=x"], 2, "has no parameter 'id' (declared: uid)"),
        (["query", "merge_probe", "--param", "uid=x", "--param", "value=NaN"], 3, "not finite"),
        (["query", "schema"], 3, "is a ddl query"),
    ],
)
def test_user_errors_are_one_line(kgtwin: Run, args: list[str], code: int, text: str) -> None:
    _one_line_error(kgtwin(*args), code, text)


def test_bad_settings_are_one_line(kgtwin: Run) -> None:
    _one_line_error(kgtwin("db", "status", KGTWIN_FSYNC="never"), 2, "KGTWIN_FSYNC='never'")
    _one_line_error(
        kgtwin("db", "start", KGTWIN_GRAPH_URI="bolt://localhost:7687"),
        2,
        "'kgtwin db' manages only the embedded engine",
    )


def test_unreachable_neo4j_is_reported_without_the_password(kgtwin: Run) -> None:
    res = kgtwin(
        "doctor", "--json", KGTWIN_GRAPH_URI="bolt://127.0.0.1:9", KGTWIN_GRAPH_PASSWORD="hunter2x"
    )
    assert res.returncode == 1
    report = json.loads(res.stdout)
    assert report["neo4j"]["ok"] is False and "unreachable" in report["neo4j"]["error"]
    assert "hunter2x" not in res.stdout + res.stderr


def test_a_query_naming_a_twin_is_audited(kgtwin: Run) -> None:
    import getpass

    res = kgtwin("query", "get_twin_patient", "--param", "uid=Patient/q1")
    assert res.returncode == 0, res.stderr
    res = kgtwin(
        "query", "list_audit_events", "--param", "patient_uid=Patient/q1",
        "--param", f"who=cli:{getpass.getuser()}",
        "--param", "since_epoch=0", "--param", "skip=0", "--param", "limit=10",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    ops = [row["operation"] for row in json.loads(res.stdout)]
    assert ops == ["cli:query get_twin_patient"]
