"""The append-only audit trail: who read or changed which twin, when, and with what outcome.

Each entry is one ``AuditEvent`` node written by ``create_audit_event``; no query updates or
deletes them. ``admin`` can list them (GraphQL ``auditEvents``) and export them as FHIR R4
``AuditEvent`` resources (``GET /audit/fhir``).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from kg.api.auth import Principal
from kg.store import GraphStore
from kg.store.values import iso_utc

__all__ = ["OUTCOMES", "AuditEntry", "AuditTrail", "to_fhir_bundle", "to_fhir_event"]

# outcome -> FHIR AuditEvent.outcome code (0 success, 4 minor, 8 serious, 12 major failure)
OUTCOMES = {"success": "0", "not-found": "4", "invalid": "4", "forbidden": "8", "error": "12"}
_ACTION_TEXT = {"C": "create", "R": "read", "U": "update", "D": "delete", "E": "execute"}


@dataclass(frozen=True)
class AuditEntry:
    """One audit entry as stored."""

    uid: str
    who: str
    role: str
    patient_uid: str
    operation: str
    action: str
    at: str
    at_epoch: int
    outcome: str
    request_id: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


class AuditTrail:
    """Append and read audit entries."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def record(
        self,
        principal: Principal,
        operation: str,
        *,
        patient_uid: str | None,
        outcome: str,
        action: str = "R",
        request_id: str = "",
    ) -> str:
        """Append one entry and return its uid (blocking: call from a worker thread)."""
        now = time.time()
        uid = f"audit:{uuid.uuid4()}"
        self.store.write(
            "create_audit_event",
            {
                "uid": uid,
                "who": principal.who,
                "role": principal.role,
                "patient_uid": patient_uid or "",
                "operation": operation,
                "action": action,
                "at": iso_utc(dt.datetime.fromtimestamp(now, dt.UTC).replace(microsecond=0)),
                "at_epoch": int(now),
                "outcome": outcome,
                "request_id": request_id,
            },
        )
        return uid

    def list(
        self,
        *,
        patient_uid: str | None = None,
        who: str | None = None,
        since_epoch: int = 0,
        skip: int = 0,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Entries newest first, filtered by twin, caller and time."""
        rows = self.store.read(
            "list_audit_events",
            {
                "patient_uid": patient_uid,
                "who": who,
                "since_epoch": since_epoch,
                "skip": skip,
                "limit": limit,
            },
        )
        return [
            AuditEntry(
                uid=r["uid"],
                who=r["who"] or "",
                role=r["role"] or "",
                patient_uid=r["patient_uid"] or "",
                operation=r["operation"] or "",
                action=r["action"] or "",
                at=r["at"] or "",
                at_epoch=int(r["at_epoch"] or 0),
                outcome=r["outcome"] or "",
                request_id=r["request_id"] or "",
            )
            for r in rows
        ]


def to_fhir_event(entry: AuditEntry) -> dict[str, Any]:
    """One entry as a FHIR R4 ``AuditEvent`` resource."""
    resource: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": entry.uid.removeprefix("audit:"),
        "type": {
            "system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
            "code": "rest",
            "display": "RESTful Operation",
        },
        "subtype": [{"system": "urn:kgtwin:operation", "code": entry.operation}],
        "action": entry.action,
        "recorded": entry.at,
        "outcome": OUTCOMES.get(entry.outcome, "12"),
        "outcomeDesc": entry.outcome,
        "agent": [
            {
                "who": {"identifier": {"system": "urn:kgtwin:principal", "value": entry.who}},
                "role": [{"text": r} for r in entry.role.split(",") if r],
                "requestor": True,
            }
        ],
        "source": {"observer": {"display": "kgtwin"}},
    }
    if entry.request_id:
        resource["source"]["site"] = entry.request_id
    if entry.patient_uid:
        resource["entity"] = [
            {
                "what": {"reference": entry.patient_uid},
                "type": {
                    "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                    "code": "1",
                    "display": "Person",
                },
                "description": _ACTION_TEXT.get(entry.action, entry.action),
            }
        ]
    return resource


def to_fhir_bundle(entries: list[AuditEntry]) -> dict[str, Any]:
    """Entries as a FHIR ``Bundle`` of type ``collection``."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "total": len(entries),
        "entry": [
            {"fullUrl": f"urn:uuid:{e.uid.removeprefix('audit:')}", "resource": to_fhir_event(e)}
            for e in entries
        ],
    }
