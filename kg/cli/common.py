"""Helpers shared by the sub-command modules."""

from __future__ import annotations

import json
import sys
from typing import Any

from kg.config import load_settings
from kg.store import GraphStore, open_store

__all__ = ["print_json", "store_from_args"]


def store_from_args(args: Any = None) -> GraphStore:
    """Open the configured store (embedded engine unless KGTWIN_GRAPH_URI is set)."""
    return open_store(load_settings())


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON on stdout."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def alert_watch(store: GraphStore) -> Any:
    """An ``AlertWatch`` on the shared alert channel, so changes made from the command line
    reach API subscribers too (the engine's pub/sub, or ``KGTWIN_PUBSUB_URL``)."""
    import os

    from kg.api.alerts import AlertWatch
    from kg.store.pubsub import PubSub

    return AlertWatch(store, PubSub.for_store(store, url=os.environ.get("KGTWIN_PUBSUB_URL")))
