"""``kgtwin kb load`` and ``kgtwin kb stats``."""

from __future__ import annotations

import argparse
from typing import Any

from kg.cli.common import print_json, store_from_args

__all__ = ["register"]


def register(sub: Any) -> None:
    """Add ``kb load`` and ``kb stats``."""
    from kg.knowledge import SOURCES

    kb = sub.add_parser("kb", help="load and inspect the default knowledge base")
    ksub = kb.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    p = ksub.add_parser("load", help="load every knowledge source (idempotent)")
    p.add_argument(
        "--only", metavar="SOURCE", choices=SOURCES, help=f"load one source: {', '.join(SOURCES)}"
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_load)
    s = ksub.add_parser("stats", help="print what is loaded, per source and version")
    s.add_argument("--json", action="store_true", help="print as JSON")
    s.set_defaults(func=_stats)


def _load(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from kg.knowledge import load_knowledge_base

    with store_from_args(args) as store:
        summary = load_knowledge_base(store, only=args.only, progress=not args.no_progress)
    if args.json:
        print_json(asdict(summary))
    else:
        print("\n".join(summary.lines()))
    return 0


def _stats(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from kg.knowledge.stats import kb_stats

    with store_from_args(args) as store:
        stats = kb_stats(store)
    if args.json:
        print_json(asdict(stats))
    else:
        print("\n".join(stats.lines()))
    return 0
