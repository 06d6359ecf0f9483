"""Alerts as plain dicts: keys, severity order, "raised" diffs and publishing to subscribers.

The reasoning layer returns dataclasses with ``to_dict()``; the API works on those dicts so
that it needs nothing but the documented field names (``kind``, ``severity``, ``drugs``,
``message``, ``management``, ``evidence``, ``path``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from kg.store.pubsub import PubSub

__all__ = [
    "SEVERITY_RANK",
    "AlertWatch",
    "alert_dicts",
    "alert_key",
    "as_dict",
    "bundle_twins",
    "channel",
    "publish_raised",
    "raised_alerts",
    "severity_rank",
]

log = logging.getLogger("kgtwin.api")

SEVERITY_RANK = {"contraindicated": 5, "major": 4, "moderate": 3, "minor": 2, "info": 1}
_IDENTITY = ("gene", "condition", "allergy", "lab", "group", "concept")


def as_dict(value: Any) -> dict[str, Any]:
    """A reasoning result (dataclass with ``to_dict()``, or a mapping) as a plain dict."""
    if value is None:
        return {}
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        out = to_dict()
        return dict(out) if isinstance(out, Mapping) else {}
    if isinstance(value, Mapping):
        return dict(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return {}


def _name(d: Any) -> str:
    if isinstance(d, Mapping):
        return str(d.get("name") or d.get("uid") or d.get("id") or "")
    return str(d)


def severity_rank(alert: Mapping[str, Any]) -> int:
    """The alert's rank on the one severity scale (0 when unknown)."""
    rank = alert.get("severity_rank")
    if isinstance(rank, int):
        return rank
    return SEVERITY_RANK.get(str(alert.get("severity", "")).lower(), 0)


def alert_key(alert: Mapping[str, Any]) -> str:
    """What makes two alerts the same finding (kind, drugs and the other thing involved)."""
    if alert.get("key"):
        return str(alert["key"])
    drugs = sorted(_name(d) for d in alert.get("drugs") or [])
    parts = [str(alert.get("kind", "")), "+".join(drugs)]
    for field in _IDENTITY:
        value = alert.get(field)
        if value:
            parts.append(f"{field}={_name(value)}")
    return "|".join(parts)


def alert_dicts(report: Any) -> list[dict[str, Any]]:
    """The alerts of a safety report (object or dict) as dicts."""
    d = as_dict(report)
    return [as_dict(a) for a in d.get("alerts") or []]


def raised_alerts(
    before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Alerts of ``after`` that are new, or more severe than the same finding ``before``."""
    old = {alert_key(a): severity_rank(a) for a in before}
    out = []
    for a in after:
        key = alert_key(a)
        if key not in old or severity_rank(a) > old[key]:
            out.append(dict(a))
    return out


def channel(patient_uid: str) -> str:
    """The pub/sub channel of one twin's alert events."""
    return f"kgtwin:alerts:{patient_uid}"


def publish_raised(
    pubsub: PubSub, patient_uid: str, alerts: list[dict[str, Any]], *, cause: str
) -> int:
    """Publish each raised alert to the twin's channel; returns the number of messages sent.

    A broken channel is logged, not raised: the change to the twin has already happened.
    """
    sent = 0
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    for alert in alerts:
        message = json.dumps(
            {"patient_uid": patient_uid, "cause": cause, "at": at, "alert": alert}, default=str
        )
        try:
            pubsub.publish(channel(patient_uid), message)
            sent += 1
        except Exception as exc:  # the mutation succeeded; a lost event is logged only
            log.warning("alert event not published (%s)", type(exc).__name__)
            break
    return sent


class AlertWatch:
    """Publishes the alerts that writes made outside the API raise (CLI ingest, streams).

    Only twins someone is subscribed to are checked, so a stream nobody listens to costs one
    ``PUBSUB NUMSUB`` per write, not two safety reports.

    Example::

        watch = AlertWatch(store, PubSub.for_store(store, url=os.environ.get("KGTWIN_PUBSUB_URL")))
        before = watch.before(["Patient/p1"])
        append_observation(store, "p1", "33914-3", 24.0, "mL/min/1.73m2", "2026-12-04")
        watch.publish(before, cause="observationStream")
    """

    def __init__(self, store: Any, pubsub: PubSub) -> None:
        self.store = store
        self.pubsub = pubsub

    def before(self, patient_uids: Iterable[str]) -> dict[str, tuple[bool, list[dict[str, Any]]]]:
        """The current alerts of each listened-to twin (with its genomic consent)."""
        from kg.api import engines

        try:
            watched = [
                u for u in dict.fromkeys(patient_uids) if self.pubsub.subscribers(channel(u))
            ]
        except Exception as exc:  # no channel: the write goes on, unwatched
            log.warning("alert channel unreachable (%s)", type(exc).__name__)
            return {}
        if not watched:
            return {}
        rows = self.store.read("get_patients", {"uids": watched})
        consent = {r["uid"]: bool(r.get("consent_genomic", True)) for r in rows}
        return {
            u: (
                consent.get(u, True),
                engines.alerts_now(self.store, u, allow_genomic=consent.get(u, True)),
            )
            for u in watched
        }

    def publish(
        self, before: Mapping[str, tuple[bool, list[dict[str, Any]]]], *, cause: str
    ) -> int:
        """Publish what each watched twin raised since ``before``; returns messages sent."""
        from kg.api import engines

        sent = 0
        for uid, (consent, old) in before.items():
            new = engines.alerts_now(self.store, uid, allow_genomic=consent)
            sent += publish_raised(self.pubsub, uid, raised_alerts(old, new), cause=cause)
        return sent


def bundle_twins(doc: Any) -> list[str]:
    """Patient uids a FHIR bundle or resource writes to: its Patients and the references of
    its resources' ``subject``/``patient`` (best effort: a malformed document gives [])."""
    if not isinstance(doc, Mapping):
        return []
    resources: list[Any] = [doc]
    if doc.get("resourceType") == "Bundle" and isinstance(doc.get("entry"), list):
        resources = [e.get("resource") for e in doc["entry"] if isinstance(e, Mapping)]
    out: list[str] = []
    for r in resources:
        if not isinstance(r, Mapping):
            continue
        if r.get("resourceType") == "Patient" and isinstance(r.get("id"), str):
            out.append(f"Patient/{r['id']}")
        for key in ("subject", "patient"):
            ref = r.get(key)
            if isinstance(ref, Mapping) and str(ref.get("reference", "")).startswith("Patient/"):
                out.append(str(ref["reference"]))
    return list(dict.fromkeys(out))
