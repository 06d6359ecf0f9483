"""Helpers shared by the sub-command modules."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from kg.config import load_settings
from kg.store import GraphStore, open_store
from kg.types import patient_uid

__all__ = ["alert_watch", "audited", "print_json", "store_from_args"]


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


@contextlib.contextmanager
def audited(
    store: GraphStore, operation: str, patient_ids: Iterable[str], *, action: str = "R"
) -> Iterator[list[str]]:
    """Record one audit entry per twin a command reads or writes, with the outcome.

    The command line runs with the engine's or database's own credentials, so its caller is
    the operating-system account (``cli:<user>``, role ``admin``). Twins found only while the
    command runs (ingest) are appended to the yielded list.

    Example::

        with store_from_args() as store, audited(store, "check", [pid]):
            report = safety_report(store, pid)
    """
    from kg.api.audit import AuditTrail
    from kg.api.auth import Principal
    from kg.errors import NotFound, StoreError, UserError

    twins = list(patient_ids)
    outcome = "success"
    try:
        yield twins
    except NotFound:
        outcome = "not-found"
        raise
    except UserError:
        outcome = "invalid"
        raise
    except BaseException:
        outcome = "error"
        raise
    finally:
        who = Principal(who=f"cli:{_os_user()}", roles=frozenset({"admin"}), method="cli")
        trail = AuditTrail(store)
        for pid in dict.fromkeys(twins):
            try:
                trail.record(
                    who, f"cli:{operation}", patient_uid=patient_uid(pid), outcome=outcome,
                    action=action,
                )  # fmt: skip
            except StoreError as exc:
                print(f"kgtwin: warning: audit entry not written ({exc})", file=sys.stderr)
                break


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
