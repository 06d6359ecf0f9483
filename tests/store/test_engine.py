"""Lifecycle of the embedded engine: start, stop, restart, crash, sharing, refusal, signals.

Each test uses its own short data dir under /tmp, never the session engine.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from kg.config import Settings
from kg.errors import EngineInUse, StoreUnavailable
from kg.store import EmbeddedEngine, QueryRegistry, open_store
from kg.store.falkor import FalkorStore
from tests.store.conftest import engine_socket, pidfile_data

Dirs = Callable[..., Settings]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


def _wait_gone(pid: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(pid), f"process {pid} still alive"


def _store(settings: Settings, registry: QueryRegistry, sock: str) -> FalkorStore:
    s = FalkorStore(registry, sock, graph_name=settings.graph_name)
    s.apply_schema()
    return s


def _count(settings: Settings, registry: QueryRegistry) -> dict[str, int]:
    s = FalkorStore(registry, str(engine_socket(settings)), graph_name=settings.graph_name)
    try:
        return s.read("count_probes")[0]
    finally:
        s.close()


def test_start_status_stop(engine_dir: Dirs) -> None:
    settings = engine_dir()
    eng = EmbeddedEngine(settings)
    assert eng.status()["running"] is False
    t0 = time.perf_counter()
    sock = eng.ensure()
    took = time.perf_counter() - t0
    print(f"embedded engine start-up: {took * 1000:.0f} ms")
    assert took < 5.0
    st = eng.status()
    assert st["running"] is True and st["shared"] is False
    assert st["owner_pid"] == os.getpid()
    assert Path(sock).is_socket()
    assert oct(Path(sock).stat().st_mode & 0o777) == "0o700"
    pid = st["engine_pid"]
    conn = redis.Redis(unix_socket_path=sock)
    try:  # no TCP listener unless asked for; persistence on
        assert conn.config_get("port") == {"port": "0"}
        assert conn.config_get("appendonly") == {"appendonly": "yes"}
        assert conn.config_get("appendfsync") == {"appendfsync": "everysec"}
    finally:
        conn.close()
    assert eng.stop() is True
    _wait_gone(pid)
    assert not Path(sock).exists()
    assert not eng.pidfile.exists()
    assert eng.stop() is False


def test_restart_keeps_data(engine_dir: Dirs, store_registry: QueryRegistry) -> None:
    settings = engine_dir()
    eng = EmbeddedEngine(settings)
    store = _store(settings, store_registry, eng.ensure())
    rows = [{"uid": f"r{i}", "value": i, "next": f"r{i - 1}" if i else None} for i in range(2000)]
    store.write_batches("create_probes", rows, batch_size=500)
    store.write("merge_probe", {"uid": "single", "value": "it's kept"})
    store.close()
    first_pid = pidfile_data(settings)["engine_pid"]
    assert isinstance(first_pid, int)
    assert eng.stop() is True
    _wait_gone(first_pid)

    eng2 = EmbeddedEngine(settings)
    store2 = _store(settings, store_registry, eng2.ensure())
    try:
        assert pidfile_data(settings)["engine_pid"] != first_pid
        assert store2.read("count_probes") == [{"nodes": 2001, "links": 1999}]
        assert store2.read("get_probe", {"uid": "single"}) == [
            {"uid": "single", "value": "it's kept"}
        ]
    finally:
        store2.close()
        eng2.stop()


@pytest.mark.parametrize("fsync", ["everysec", "always"])
def test_kill_9_keeps_every_acknowledged_write(
    engine_dir: Dirs, store_registry: QueryRegistry, fsync: str
) -> None:
    settings = engine_dir(KGTWIN_FSYNC=fsync)
    store = open_store(settings, registry=store_registry)  # starts and owns the engine
    acked: list[str] = []
    rows = [{"uid": f"k{i}", "value": i, "next": f"k{i - 1}" if i else None} for i in range(10000)]
    store.write_batches("create_probes", rows, batch_size=2500)
    acked.extend(r["uid"] for r in rows)
    for i in range(300):
        store.write("merge_probe", {"uid": f"s{i}", "value": i})
        acked.append(f"s{i}")
    pid = pidfile_data(settings)["engine_pid"]
    assert isinstance(pid, int)
    os.kill(pid, signal.SIGKILL)  # right after the last acknowledgement
    _wait_gone(pid)

    eng = EmbeddedEngine(settings)
    assert eng.status()["stale_pidfile"] is True
    t0 = time.perf_counter()
    eng.ensure()  # clears the stale pid file and socket, replays the append-only file
    took = time.perf_counter() - t0
    print(f"restart after kill -9 ({len(acked)} probes): {took:.2f}s")
    assert took < 5.0  # replay uses the indexes (open_store compacted after the schema)
    store.close()  # the old owner's handle must not stop the new engine
    try:
        new = pidfile_data(settings)
        assert new["engine_pid"] != pid and new["owner_pid"] == os.getpid()
        assert eng.status()["running"]
        assert _count(settings, store_registry) == {"nodes": len(acked), "links": 9999}
        check = FalkorStore(store_registry, str(eng.socket), graph_name=settings.graph_name)
        for uid in (acked[0], acked[9999], acked[10000], acked[-1]):
            assert check.read("get_probe", {"uid": uid}), uid
        check.close()
    finally:
        eng.stop()


def test_stale_pidfile_and_socket_are_cleared(engine_dir: Dirs) -> None:
    settings = engine_dir()
    eng = EmbeddedEngine(settings)
    eng.dir.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    eng.pidfile.write_text(
        json.dumps({"engine_pid": dead.pid, "owner_pid": dead.pid, "socket": str(eng.socket)})
    )
    leftover = socket.socket(socket.AF_UNIX)
    leftover.bind(str(eng.socket))  # a socket file nobody listens on
    leftover.close()
    assert eng.status()["stale_pidfile"] is True
    eng.ensure()
    try:
        st = eng.status()
        assert st["running"] and st["engine_pid"] != dead.pid
        assert st["owner_pid"] == os.getpid()
    finally:
        eng.stop()


def test_pidfile_naming_a_live_non_engine_process_is_stale(engine_dir: Dirs) -> None:
    settings = engine_dir()
    eng = EmbeddedEngine(settings)
    eng.dir.mkdir(parents=True)
    # Our own pid is alive but is not an engine (a reused pid after a reboot, say).
    eng.pidfile.write_text(json.dumps({"engine_pid": os.getpid(), "owner_pid": None}))
    assert eng.status()["running"] is False
    eng.ensure()
    try:
        assert eng.status()["engine_pid"] != os.getpid()
    finally:
        eng.stop()


def test_socket_path_too_long(tmp_path: Path) -> None:
    from kg.config import load_settings

    long_dir = tmp_path / ("d" * 120)
    eng = EmbeddedEngine(load_settings({"KGTWIN_DATA_DIR": str(long_dir)}))
    with pytest.raises(StoreUnavailable, match=r"too long for a unix socket.*KGTWIN_DATA_DIR"):
        eng.ensure()


_OWNER = textwrap.dedent(
    """
    import sys
    from kg.config import load_settings
    from kg.store import EmbeddedEngine
    eng = EmbeddedEngine(load_settings({"KGTWIN_DATA_DIR": sys.argv[1]}))
    eng.ensure()
    print("ready", flush=True)
    sys.stdin.read()  # until the test closes our stdin
    eng.stop()
    """
)


@pytest.fixture
def owner(engine_dir: Dirs) -> Iterator[tuple[Settings, subprocess.Popen[str]]]:
    """A helper python process that owns the engine of a fresh data dir."""
    settings = engine_dir()
    proc = subprocess.Popen(
        [sys.executable, "-c", _OWNER, str(settings.data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield settings, proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if proc.stdin:
        proc.stdin.close()
    if proc.stdout:
        proc.stdout.close()


def test_data_dir_of_another_live_process_is_refused(
    owner: tuple[Settings, subprocess.Popen[str]], store_registry: QueryRegistry
) -> None:
    settings, proc = owner
    engine_pid = pidfile_data(settings)["engine_pid"]
    with pytest.raises(EngineInUse, match=rf"in use by kgtwin process {proc.pid} ") as err:
        EmbeddedEngine(settings).ensure()
    assert str(settings.data_dir) in str(err.value)
    assert "kgtwin db start" in str(err.value)
    # The owner stops its engine on exit; then the data dir is free.
    assert proc.stdin is not None
    proc.stdin.close()
    assert proc.wait(timeout=30) == 0
    assert isinstance(engine_pid, int)
    _wait_gone(engine_pid)
    eng = EmbeddedEngine(settings)
    eng.ensure()
    assert eng.status()["owner_pid"] == os.getpid()
    eng.stop()


def test_engine_of_a_dead_owner_is_adopted(
    owner: tuple[Settings, subprocess.Popen[str]],
) -> None:
    settings, proc = owner
    engine_pid = pidfile_data(settings)["engine_pid"]
    proc.kill()  # kill -9 of kgtwin: its engine keeps running
    proc.wait()
    assert isinstance(engine_pid, int) and _alive(engine_pid)
    eng = EmbeddedEngine(settings)
    eng.ensure()
    st = eng.status()
    assert st["engine_pid"] == engine_pid and st["owner_pid"] == os.getpid()
    assert eng.stop() is True
    _wait_gone(engine_pid)


def test_store_unavailable_when_engine_is_gone(
    engine_dir: Dirs, store_registry: QueryRegistry
) -> None:
    settings = engine_dir()
    eng = EmbeddedEngine(settings)
    store = _store(settings, store_registry, eng.ensure())
    store.write("merge_probe", {"uid": "x", "value": 1})
    eng.stop()
    with pytest.raises(StoreUnavailable, match=f"unix:{eng.socket}") as err:
        store.read("get_probe", {"uid": "x"})
    assert err.value.retryable
    with pytest.raises(StoreUnavailable):
        store.unit_of_work([("get_probe", {"uid": "x"})])
    assert store.health()["ok"] is False
    store.close()
    with pytest.raises(StoreUnavailable, match="cannot reach the embedded engine"):
        FalkorStore(store_registry, str(eng.socket)).apply_schema()


def _kgtwin() -> str:
    return str(Path(sys.executable).parent / "kgtwin")


def test_sigterm_stops_the_owned_engine(engine_dir: Dirs, store_registry: QueryRegistry) -> None:
    settings = engine_dir()
    env = {**os.environ, "KGTWIN_DATA_DIR": str(settings.data_dir), "KGTWIN_GRAPH_NAME": "life"}
    env.pop("KGTWIN_GRAPH_URI", None)
    proc = subprocess.Popen(
        [_kgtwin(), "db", "start", "--foreground"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "engine running" in line, line + (proc.stderr.read() if proc.stderr else "")
        info = pidfile_data(settings)
        assert info["owner_pid"] == proc.pid
        engine_pid = info["engine_pid"]
        assert isinstance(engine_pid, int)
        store = FalkorStore(store_registry, str(engine_socket(settings)), graph_name="life")
        store.write("merge_probe", {"uid": "before-term", "value": 1})
        store.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM
        assert "Traceback" not in (proc.stderr.read() if proc.stderr else "")
        _wait_gone(engine_pid)
        assert not engine_socket(settings).exists()
        assert not (settings.data_dir / "engine" / "engine.json").exists()
        log = (settings.data_dir / "engine" / "engine.log").read_text()
        assert "ready to exit, bye bye" in log.lower()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for f in (proc.stdout, proc.stderr):
            if f:
                f.close()
    eng = EmbeddedEngine(settings)
    eng.ensure()
    try:
        assert _count(settings, store_registry) == {"nodes": 1, "links": 0}
    finally:
        eng.stop()


def test_open_store_compacts_only_when_the_schema_changes(
    engine_dir: Dirs, store_registry: QueryRegistry
) -> None:
    settings = engine_dir()
    shared = EmbeddedEngine(settings)
    shared.ensure(shared=True)  # so both stores below talk to the same engine
    conn = redis.Redis(unix_socket_path=str(shared.socket))
    try:
        before = conn.info("persistence")["aof_rewrites"]
        open_store(settings, registry=store_registry).close()  # creates every index
        after_first = conn.info("persistence")["aof_rewrites"]
        open_store(settings, registry=store_registry).close()  # nothing new
        assert after_first == before + 1
        assert conn.info("persistence")["aof_rewrites"] == after_first
    finally:
        conn.close()
        shared.stop(force=True)


def test_copy_turns_automatic_rewrites_off(engine_dir: Dirs, store_registry: QueryRegistry) -> None:
    settings = engine_dir()
    eng = EmbeddedEngine(settings)
    store = _store(settings, store_registry, eng.ensure())
    try:
        store.write("merge_probe", {"uid": "orig", "value": 1})
        copy = store.copy("life_copy")
        copy.write("merge_probe", {"uid": "only-in-copy", "value": 2})
        assert copy.read("count_probes") == [{"nodes": 2, "links": 0}]
        assert store.read("count_probes") == [{"nodes": 1, "links": 0}]
        conn = redis.Redis(unix_socket_path=str(eng.socket))
        assert conn.config_get("auto-aof-rewrite-percentage") == {
            "auto-aof-rewrite-percentage": "0"
        }
        conn.close()
        copy.close()
    finally:
        store.close()
        eng.stop()
