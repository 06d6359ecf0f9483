"""``kgtwin db``, ``kgtwin query`` and ``kgtwin doctor``."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from typing import Any

from kg import __version__
from kg.cli.common import audited, print_json, store_from_args
from kg.config import load_settings
from kg.errors import StoreUnavailable, UserError, ValidationError
from kg.store import EmbeddedEngine, QueryRegistry

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``db``, ``query`` and ``doctor``."""
    db = sub.add_parser("db", help="manage the embedded engine")
    dsub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    p = dsub.add_parser("start", help="start a shared embedded engine that outlives this command")
    p.add_argument(
        "--foreground",
        action="store_true",
        help="own the engine and keep it until SIGTERM/SIGINT (for a supervisor or container)",
    )
    p.set_defaults(func=_db_start)
    p = dsub.add_parser("stop", help="stop the embedded engine of the data dir")
    p.set_defaults(func=_db_stop)
    p = dsub.add_parser("status", help="show whether the embedded engine runs, and where")
    p.set_defaults(func=_db_status)
    p = dsub.add_parser("reset", help="delete every node of the graph (asks for --yes)")
    p.add_argument("--yes", action="store_true", help="really delete everything")
    p.set_defaults(func=_db_reset)

    q = sub.add_parser("query", help="run a named query and print its rows as JSON")
    q.add_argument("name", help="query name (see 'kgtwin query --list')", nargs="?")
    q.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter; VALUE is JSON when it parses as JSON for non-string params",
    )
    q.add_argument("--list", action="store_true", help="list every query with its purpose")
    q.set_defaults(func=_query)

    d = sub.add_parser("doctor", help="check engine, Java, Neo4j reachability and versions")
    d.add_argument("--json", action="store_true", help="print the report as JSON")
    d.set_defaults(func=_doctor)


def _engine() -> EmbeddedEngine:
    settings = load_settings()
    if not settings.embedded:
        raise UserError("KGTWIN_GRAPH_URI is set: 'kgtwin db' manages only the embedded engine")
    return EmbeddedEngine(settings)


def _db_start(args: argparse.Namespace) -> int:
    engine = _engine()
    if args.foreground:
        return _db_foreground(engine)
    st = engine.state()
    if st is not None and st.alive:
        print(f"engine already running (pid {st.engine_pid}) on {engine.socket}")
        return 0
    engine.ensure(shared=True)
    st = engine.state()
    print(f"engine started (pid {st.engine_pid if st else '?'}) on {engine.socket}")
    return 0


def _db_foreground(engine: EmbeddedEngine) -> int:
    # SIGTERM becomes SystemExit (kg.cli.main), so the finally clause stops the engine cleanly.
    engine.ensure()
    try:
        st = engine.state()
        pid = st.engine_pid if st else "?"
        print(f"engine running (pid {pid}) on {engine.socket}; stop with SIGTERM or Ctrl-C")
        sys.stdout.flush()
        while st is not None and st.alive:
            time.sleep(0.5)
            st = engine.state()
        raise StoreUnavailable(f"the embedded engine (pid {pid}) exited; see {engine.logfile}")
    finally:
        engine.stop()


def _db_stop(args: argparse.Namespace) -> int:
    engine = _engine()
    if engine.stop(force=True):
        print("engine stopped")
    else:
        print("no engine was running")
    return 0


def _db_status(args: argparse.Namespace) -> int:
    print_json(_engine().status())
    return 0


def _db_reset(args: argparse.Namespace) -> int:
    if not args.yes:
        raise UserError("'kgtwin db reset' deletes the whole graph; add --yes to confirm")
    with store_from_args() as store:
        store.clear()
    print("graph cleared")
    return 0


def _parse_params(registry: QueryRegistry, name: str, pairs: list[str]) -> dict[str, Any]:
    q = registry.get(name)
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep:
            raise ValidationError(f"--param {pair!r} is not KEY=VALUE")
        if key not in q.params:
            raise ValidationError(
                f"query {name!r} has no parameter {key!r} "
                f"(declared: {', '.join(sorted(q.params)) or 'none'})"
            )
        if q.params[key] == "string":
            out[key] = raw
        else:
            try:
                out[key] = json.loads(raw)
            except ValueError:
                out[key] = raw
    missing = sorted(set(q.params) - out.keys())
    if missing:
        raise ValidationError(
            f"query {name!r} needs {', '.join('--param ' + m + '=...' for m in missing)} "
            f"(declared: {', '.join(f'{k}: {t}' for k, t in sorted(q.params.items()))})"
        )
    return out


def _query(args: argparse.Namespace) -> int:
    registry = QueryRegistry.load()
    if args.list or not args.name:
        for q in registry:
            print(f"{q.name:40} {q.mode:5} {q.purpose}")
        return 0
    params = _parse_params(registry, args.name, args.param)
    twins = [
        v
        for value in params.values()
        for v in (value if isinstance(value, list) else [value])
        if isinstance(v, str) and v.startswith("Patient/")
    ]
    action = "R" if registry.get(args.name).mode == "read" else "U"
    with store_from_args() as store, audited(store, f"query {args.name}", twins, action=action):
        print_json(store.run(args.name, params))
    return 0


def _java() -> dict[str, Any]:
    java = shutil.which("java")
    if not java:
        return {
            "ok": False,
            "error": "no 'java' on PATH: install a Java runtime "
            "(Debian: apt-get install default-jre-headless) for the ontology reasoner",
        }
    res = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    first = (res.stderr or res.stdout).splitlines()[0] if (res.stderr or res.stdout) else "?"
    return {"ok": res.returncode == 0, "path": java, "version": first}


def doctor_report() -> dict[str, Any]:
    """Everything ``kgtwin doctor`` checks, as a dict."""
    settings = load_settings()
    report: dict[str, Any] = {"kgtwin": __version__, "python": sys.version.split()[0]}
    try:
        registry = QueryRegistry.load()
        report["queries"] = {"ok": True, "count": len(registry)}
    except Exception as exc:  # report every check, whatever fails
        report["queries"] = {"ok": False, "error": str(exc)}
    report["data_dir"] = str(settings.data_dir)
    if settings.embedded:
        report["engine"] = EmbeddedEngine(settings).status()
        if not report["engine"]["running"]:
            report["engine"]["note"] = "not running: started for this check, then stopped"
        report["neo4j"] = {"ok": True, "configured": False, "note": "KGTWIN_GRAPH_URI unset"}
    try:
        with store_from_args() as store:
            health = store.health()
    except Exception as exc:
        health = {"ok": False, "error": str(exc)}
    report["neo4j" if not settings.embedded else "store"] = health
    report["java"] = _java()
    try:
        import owlready2

        report["owlready2"] = {"ok": True, "version": getattr(owlready2, "VERSION", "?")}
    except ImportError as exc:
        report["owlready2"] = {"ok": False, "error": str(exc)}
    report["ok"] = all(v.get("ok", True) for v in report.values() if isinstance(v, dict))
    return report


def _doctor(args: argparse.Namespace) -> int:
    report = doctor_report()
    if args.json:
        print_json(report)
    else:
        for key, value in report.items():
            if isinstance(value, dict):
                mark = "ok " if value.get("ok", True) else "FAIL"
                detail = ", ".join(f"{k}={v}" for k, v in value.items() if k != "ok")
                print(f"[{mark}] {key}: {detail}")
            elif key != "ok":
                print(f"       {key}: {value}")
        print("healthy" if report["ok"] else "NOT healthy")
    return 0 if report["ok"] else 1
