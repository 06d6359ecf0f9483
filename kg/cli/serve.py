"""``kgtwin serve`` (the API under uvicorn) and ``kgtwin api-key`` (make a hashed API key)."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import secrets
import sys
from typing import Any

from kg.errors import ConfigError, UserError

__all__ = ["ensure_loaded", "is_loopback", "register"]

log = logging.getLogger("kgtwin.serve")
_WS = "websockets-sansio"  # uvicorn's legacy websockets protocol is deprecated


def register(sub: Any) -> None:
    """Add ``serve`` and ``api-key``."""
    p = sub.add_parser("serve", help="serve the GraphQL API and CDS Hooks over HTTP")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--demo", action="store_true", help="also load demo twins if none exist")
    p.add_argument(
        "--demo-patients", type=int, default=50, metavar="N", help="demo twins to load (50)"
    )
    p.add_argument("--dev", action="store_true", help="development mode: GraphiQL at /graphql")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes sharing the engine (alert events reach every worker)",
    )
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    p.set_defaults(func=_serve)

    k = sub.add_parser("api-key", help="make an API key and the hashed entry to configure")
    k.add_argument("--id", required=True, help="a name for the key's holder (not a person's name)")
    k.add_argument("--role", action="append", required=True, help="a role (repeatable)")
    k.add_argument("--patient", action="append", help="restrict to a patient id (repeatable)")
    k.set_defaults(func=_api_key)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def stale_knowledge(store: Any) -> str | None:
    """Why the graph's knowledge base differs from the data files, or None when it does not."""
    from kg.knowledge.sources import kb_version

    rows = store.read("get_kb_version")
    loaded = rows[0]["version"] if rows else None
    current = kb_version()
    if loaded == current:
        return None
    return (
        f"the graph holds knowledge base {loaded or 'of unknown version'} but the data files are "
        f"{current}: run 'kgtwin kb load' (and 'kgtwin ontology sync') to update it"
    )


def ensure_loaded(store: Any, *, demo: bool = False, demo_patients: int = 50) -> dict[str, int]:
    """Load the knowledge base and ontology when the graph has none; demo twins with ``demo``.

    Returns the counts found before loading (``drugs``, ``ontology_classes``, ``patients``).
    """
    counts = store.read("count_graph_contents")[0]
    if not counts["drugs"]:
        from kg.knowledge import load_knowledge_base

        print("kgtwin: loading the knowledge base (first start)...", file=sys.stderr)
        load_knowledge_base(store)
    else:
        stale = stale_knowledge(store)
        if stale:
            print(f"kgtwin: warning: {stale}", file=sys.stderr)
    if not counts["ontology_classes"]:
        try:
            from kg.ontology import sync_ontology
        except ImportError:
            pass
        else:
            print("kgtwin: syncing the ontology...", file=sys.stderr)
            sync_ontology(store)
    if demo and not counts["patients"]:
        from kg.demo import load_demo

        print(f"kgtwin: loading {demo_patients} demo twins...", file=sys.stderr)
        load_demo(store, demo_patients, seed=7)
    return {k: int(v) for k, v in counts.items()}


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from kg.api import create_app, load_api_settings
    from kg.cli.common import store_from_args

    settings = load_api_settings(dev=args.dev)
    if not settings.auth_configured and not is_loopback(args.host):
        raise ConfigError(
            f"--host {args.host} is not a loopback address and no tokens are configured: set "
            "KGTWIN_API_KEYS(_FILE) or KGTWIN_JWT_SECRET/KGTWIN_JWT_PUBLIC_KEY, or bind 127.0.0.1"
        )
    if args.workers < 1:
        raise UserError(f"--workers={args.workers} must be at least 1")
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    # kgtwin.access logs requests without their query strings, so uvicorn's own log is off.
    server = {"host": args.host, "port": args.port, "log_level": args.log_level, "ws": _WS,
              "access_log": False}  # fmt: skip
    with store_from_args() as store:
        ensure_loaded(store, demo=args.demo, demo_patients=args.demo_patients)
        if args.workers > 1:
            if args.dev:
                os.environ["KGTWIN_DEV"] = "1"
            # Workers are separate processes: each opens the shared engine through the
            # factory; the engine (started above) lives as long as this process.
            uvicorn.run("kg.cli.serve:app_factory", factory=True, workers=args.workers, **server)
        else:
            app = create_app(store, settings=settings)
            print(
                f"kgtwin: serving on http://{args.host}:{args.port}/graphql"
                + (" (development mode: GraphiQL on)" if args.dev else ""),
                file=sys.stderr,
            )
            uvicorn.run(app, **server)
    return 0


def app_factory() -> Any:
    """An app on the configured store, for uvicorn worker processes."""
    from kg.api import create_app, load_api_settings
    from kg.config import load_settings
    from kg.store import QueryRegistry
    from kg.store.falkor import FalkorStore

    settings = load_settings()
    if settings.embedded:
        from kg.store import EmbeddedEngine

        # Attach to the engine the parent started; never own (stop) it.
        engine = EmbeddedEngine(settings)
        store: Any = FalkorStore(
            QueryRegistry.load(), str(engine.socket), graph_name=settings.graph_name
        )
    else:
        from kg.store import open_store

        store = open_store(settings)
    return create_app(store, settings=load_api_settings(dev=os.environ.get("KGTWIN_DEV") == "1"))


def _api_key(args: argparse.Namespace) -> int:
    from kg.api.auth import ROLES, hash_key

    bad = [r for r in args.role if r not in ROLES]
    if bad:
        raise UserError(f"unknown role {bad[0]!r} (choices: {', '.join(ROLES)})")
    key = "kgt_" + secrets.token_urlsafe(32)
    entry: dict[str, Any] = {"id": args.id, "sha256": hash_key(key), "roles": args.role}
    if args.patient:
        entry["patients"] = args.patient
    print(f"key (give it to the client; it is not stored): {key}")
    print("entry (add it to the JSON list in KGTWIN_API_KEYS_FILE):")
    print(json.dumps(entry))
    return 0
