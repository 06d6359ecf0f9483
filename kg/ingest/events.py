"""History rows: every change of a twin is a TwinEvent, written once and never updated."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from kg.ingest.times import Instant

__all__ = ["change_key", "event_row"]


def change_key(base: str, at: Instant, detail: str) -> str:
    """A key for a repeatable change (dose, genotype): distinct per time and content."""
    digest = hashlib.sha1(detail.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{base}/{at.epoch}-{digest}"


def event_row(
    patient_id: str,
    kind: str,
    key: str,
    at: Instant,
    resource_uid: str,
    detail: str | None = None,
) -> dict[str, Any]:
    """A ``write_twin`` event row; its uid ``TwinEvent/<patient>/<kind>/<key>`` is idempotent."""
    return {
        "uid": f"TwinEvent/{patient_id}/{kind}/{key}",
        "patient_uid": f"Patient/{patient_id}",
        "props": {
            "kind": kind,
            "at": at.iso,
            "at_epoch": at.epoch,
            "resource_uid": resource_uid,
            "detail": detail,
            "seq": time.time_ns(),  # orders events of the same second by when they were written
        },
    }
