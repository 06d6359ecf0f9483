"""CDS Hooks 2.0: discovery, the medication-safety service (order-select, order-sign), the
patient-view pathway service, and feedback on cards.

Medication safety: the draft ``MedicationRequest`` orders (for order-select, only the selected
ones) are resolved to drugs and checked as a what-if against the twin; every new or more
severe alert becomes a card with its evidence and suggestions to remove (or replace) the
order. Prefetched resources (patient, active medications, allergies, conditions, labs) are
upserted into the twin first, so the check sees what the EHR sees; prefetch keys that are
missing are simply read from the twin. A check that runs past ``KGTWIN_CDS_TIMEOUT`` answers
with a card saying it could not be completed, never with an empty success.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kg.api import engines
from kg.api.alerts import as_dict, severity_rank
from kg.api.auth import Principal
from kg.api.context import Services, patient_uid
from kg.errors import Forbidden, NotFound, ValidationError

__all__ = ["SERVICES", "cards_for_alerts", "routes"]

log = logging.getLogger("kgtwin.api")

SOURCE = {"label": "kgtwin medication safety", "topic": {"code": "medication-safety"}}
OVERRIDE_REASONS = [
    {"code": "benefit-outweighs-risk", "system": "urn:kgtwin:cds-override",
     "display": "Benefit outweighs the risk for this patient"},
    {"code": "monitoring-in-place", "system": "urn:kgtwin:cds-override",
     "display": "Already monitoring for this effect"},
    {"code": "not-applicable", "system": "urn:kgtwin:cds-override",
     "display": "Not applicable to this patient"},
    {"code": "tolerated-before", "system": "urn:kgtwin:cds-override",
     "display": "Patient has tolerated this combination before"},
]  # fmt: skip
_PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "medications": "MedicationRequest?patient={{context.patientId}}&status=active",
    "allergies": "AllergyIntolerance?patient={{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
    "labs": "Observation?patient={{context.patientId}}&category=laboratory&_sort=-date&_count=50",
}
SERVICES: dict[str, dict[str, Any]] = {
    "medication-safety-select": {
        "hook": "order-select",
        "title": "kgtwin medication safety (order select)",
        "description": "Checks the selected draft medication orders against the patient's "
        "twin: interactions, contraindications, allergies, pharmacogenomics and renal dosing.",
        "prefetch": _PREFETCH,
    },
    "medication-safety-sign": {
        "hook": "order-sign",
        "title": "kgtwin medication safety (order sign)",
        "description": "Checks every draft medication order before signing against the "
        "patient's twin: interactions, contraindications, allergies, pharmacogenomics and "
        "renal dosing.",
        "prefetch": _PREFETCH,
    },
    "care-pathways": {
        "hook": "patient-view",
        "title": "kgtwin care pathways",
        "description": "Where the patient is on guideline care pathways: the current step, "
        "open and blocked next steps, and forecasts from the twin's trends.",
        "prefetch": {"patient": "Patient/{{context.patientId}}"},
    },
}
_INDICATOR = {5: "critical", 4: "critical", 3: "warning"}


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _indicator(alert: Mapping[str, Any]) -> str:
    return _INDICATOR.get(severity_rank(alert), "info")


def _codings(resource: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    concept = resource.get("medicationCodeableConcept") or {}
    return [c for c in concept.get("coding") or [] if isinstance(c, Mapping)]


def draft_orders(context: Mapping[str, Any], *, hook: str) -> list[dict[str, Any]]:
    """The draft MedicationRequests to check: ``{id, code, display}`` each.

    Raises:
        ValidationError: ``draftOrders`` is missing or not a Bundle.
    """
    bundle = context.get("draftOrders")
    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise ValidationError("context.draftOrders must be a FHIR Bundle of draft orders")
    selected = set(context.get("selections") or []) if hook == "order-select" else None
    out = []
    for entry in bundle.get("entry") or []:
        r = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(r, Mapping) or r.get("resourceType") != "MedicationRequest":
            continue
        ref = f"MedicationRequest/{r.get('id')}"
        if selected is not None and ref not in selected:
            continue
        codings = _codings(r)
        rx = next((c for c in codings if "rxnorm" in str(c.get("system", "")).lower()), None)
        coding = rx or (codings[0] if codings else {})
        text = (r.get("medicationCodeableConcept") or {}).get("text")
        out.append(
            {"id": ref, "code": coding.get("code"), "display": coding.get("display") or text}
        )
    return out


def _prefetch_bundle(prefetch: Mapping[str, Any]) -> dict[str, Any] | None:
    resources: list[Mapping[str, Any]] = []
    for value in prefetch.values():
        if not isinstance(value, Mapping):
            continue
        if value.get("resourceType") == "Bundle":
            for e in value.get("entry") or []:
                r = e.get("resource") if isinstance(e, Mapping) else None
                if isinstance(r, Mapping) and r.get("resourceType") != "OperationOutcome":
                    resources.append(r)
        elif isinstance(value.get("resourceType"), str):
            resources.append(value)
    if not resources:
        return None
    resources.sort(key=lambda r: r.get("resourceType") != "Patient")  # the patient first
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def _detail(alert: Mapping[str, Any]) -> str:
    lines = [str(alert.get("message") or "")]
    if alert.get("management"):
        lines += ["", f"**Management:** {alert['management']}"]
    cites = []
    for e in alert.get("evidence") or []:
        if isinstance(e, Mapping):
            src = " ".join(str(x) for x in (e.get("source"), e.get("source_version")) if x)
            cite = e.get("citation")
            cites.append(f"- {src}" + (f": {cite}" if cite else ""))
    if cites:
        lines += ["", "**Evidence:**", *cites]
    return "\n".join(lines)


def _source(alert: Mapping[str, Any]) -> dict[str, Any]:
    src: dict[str, Any] = dict(SOURCE)
    for e in alert.get("evidence") or []:
        if isinstance(e, Mapping) and e.get("source"):
            src["label"] = f"{e['source']} via kgtwin"
            if e.get("citation_url"):
                src["url"] = e["citation_url"]
            break
    return src


def cards_for_alerts(
    alerts: list[dict[str, Any]], orders: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One card per alert: summary, indicator, detail, source and remove/replace suggestions."""
    cards = []
    for alert in alerts:
        names = {str(d).lower() for d in alert.get("drugs") or []}
        hit = [o for o in orders if o.get("drug_names", set()) & names] or orders
        suggestions = []
        for order in hit:
            label = order.get("display") or order["id"]
            suggestions.append(
                {
                    "label": f"Remove the order for {label}"[:140],
                    "uuid": str(uuid.uuid4()),
                    "isRecommended": severity_rank(alert) >= 4,
                    "actions": [
                        {
                            "type": "delete",
                            "description": f"Remove {label}",
                            "resourceId": [order["id"]],
                        }
                    ],
                }
            )
            for alt in (alert.get("details") or {}).get("alternatives") or []:
                suggestions.append(
                    {
                        "label": f"Replace {label} with {alt}"[:140],
                        "uuid": str(uuid.uuid4()),
                        "actions": [
                            {
                                "type": "delete",
                                "description": f"Remove {label}",
                                "resourceId": [order["id"]],
                            },
                            {
                                "type": "create",
                                "description": f"Order {alt} instead",
                                "resource": {
                                    "resourceType": "MedicationRequest",
                                    "status": "draft",
                                    "intent": "order",
                                    "medicationCodeableConcept": {"text": str(alt)},
                                },
                            },
                        ],
                    }
                )
        severity = str(alert.get("severity") or "")
        drugs = " + ".join(str(d) for d in alert.get("drugs") or [])
        summary = f"{severity.capitalize()}: {str(alert.get('kind', '')).replace('_', ' ')} {drugs}"
        card: dict[str, Any] = {
            "uuid": str(uuid.uuid4()),
            "summary": summary.strip()[:139],
            "indicator": _indicator(alert),
            "detail": _detail(alert),
            "source": _source(alert),
            "overrideReasons": OVERRIDE_REASONS,
        }
        if suggestions:
            card["suggestions"] = suggestions
            card["selectionBehavior"] = "at-most-one"
        card["_alert"] = alert
        cards.append(card)
    return cards


def _notice(summary: str, detail: str, indicator: str = "warning") -> dict[str, Any]:
    return {
        "uuid": str(uuid.uuid4()),
        "summary": summary[:139],
        "indicator": indicator,
        "detail": detail,
        "source": dict(SOURCE),
    }


def pathway_card(p: Mapping[str, Any]) -> dict[str, Any]:
    """A patient-view card for one evaluated pathway: where the twin is and what is next."""
    name = p.get("name") or p.get("id") or "pathway"
    current = p.get("current_step")
    if isinstance(current, Mapping):
        current = current.get("name") or current.get("id")
    nxt = [str(s.get("title") or s.get("id")) for s in p.get("next_steps") or []
           if isinstance(s, Mapping) and s.get("status") == "eligible"]  # fmt: skip
    summary = f"{name}: {current or 'not started'}"
    if nxt:
        summary += f"; next: {', '.join(nxt[:2])}"
    lines = []
    for s in p.get("blocked_steps") or []:
        why = "; ".join(str(a.get("message") or "") for a in s.get("blocked_by") or [])
        lines.append(f"- **Blocked:** {s.get('title') or s.get('id')}: {why}".rstrip(": "))
    for f in p.get("forecasts") or []:
        if isinstance(f, Mapping) and f.get("message"):
            lines.append(f"- **Forecast:** {f['message']}")
    for sc in p.get("scores") or []:
        if isinstance(sc, Mapping):
            lines.append(f"- **{sc.get('name')}:** {sc.get('value')}")
    indicator = "warning" if p.get("blocked_steps") else "info"
    return _notice(summary, "\n".join(lines) or summary, indicator)


class _Hooks:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def store(self) -> Any:
        return self.services.store

    # -- medication safety ----------------------------------------------------------------
    def _medication_safety(
        self, principal: Principal, service: str, body: Mapping[str, Any], request_id: str
    ) -> list[dict[str, Any]]:
        context = body["context"]
        uid = patient_uid(str(context["patientId"]))
        orders = draft_orders(context, hook=body["hook"])
        prefetch = body.get("prefetch") or {}
        fetched = _prefetch_bundle(prefetch) if isinstance(prefetch, Mapping) else None
        if fetched is not None:
            engines.ingest(self.store, fetched, lenient=True)
        rows = self.store.read("get_patients", {"uids": [uid]})
        if not rows:
            return [
                _notice(
                    "Medication safety check not done: patient unknown to kgtwin",
                    f"No twin for {uid} and no patient in the prefetch; nothing was checked.",
                )
            ]
        if not orders:
            return []
        add: list[str] = []
        unresolved: list[str] = []
        for order in orders:
            names = self._resolve(order)
            order["drug_names"] = {n.lower() for n in names}
            if names:
                add += names
            else:
                unresolved.append(order.get("display") or order["id"])
        cards: list[dict[str, Any]] = []
        if add:
            consent = bool(rows[0].get("consent_genomic", True))
            _, diff = engines.safety(self.store, uid, add=add, allow_genomic=consent)
            diff = diff or {}
            raised = [as_dict(a) for a in diff.get("new") or []]
            raised += [
                as_dict(c.get("after", c)) if isinstance(c, Mapping) else as_dict(c)
                for c in diff.get("changed") or []
            ]
            raised.sort(key=lambda a: -severity_rank(a))
            cards = cards_for_alerts(raised, orders)
        for name in unresolved:
            cards.append(
                _notice(
                    f"Not checked: {name}"[:139],
                    "kgtwin could not map this order's medication code to a known drug, so it "
                    "was not checked for interactions, allergies or pharmacogenomics.",
                    "info",
                )
            )
        self._record_cards(service, body["hook"], uid, cards)
        return cards

    def _resolve(self, order: Mapping[str, Any]) -> list[str]:
        from kg.reasoning.drugs import resolve_drugs

        for term in (order.get("code"), order.get("display")):
            if not term:
                continue
            try:
                return [name for _, _, name in resolve_drugs(self.store, [str(term)])]
            except NotFound:
                continue
        return []

    def _record_cards(self, service: str, hook: str, uid: str, cards: list[dict[str, Any]]) -> None:
        now = time.time()
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))
        rows = []
        for card in cards:
            alert = card.get("_alert") or {}
            rows.append(
                {
                    "uid": f"cds-card:{card['uuid']}",
                    "service": service,
                    "hook": hook,
                    "patient_uid": uid,
                    "kind": str(alert.get("kind") or "notice"),
                    "severity": str(alert.get("severity") or card["indicator"]),
                    "drugs": [str(d) for d in alert.get("drugs") or []],
                    "summary": card["summary"],
                    "issued_at": at,
                    "issued_at_epoch": int(now),
                }
            )
        if rows:
            self.store.write("create_cds_cards", {"rows": rows})

    # -- patient view ---------------------------------------------------------------------
    def _patient_view(self, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        uid = patient_uid(str(body["context"]["patientId"]))
        if not engines.pathways_available():
            return []
        if not self.store.read("get_patients", {"uids": [uid]}):
            return [_notice("Care pathways not shown: patient unknown to kgtwin", uid, "info")]
        cards = []
        for p in engines.care_pathways(self.store, uid):
            cards.append(pathway_card(p))
        return cards

    # -- HTTP endpoints -------------------------------------------------------------------
    async def discovery(self, request: Request) -> Response:
        services = [
            {"id": sid, **{k: v for k, v in spec.items()}}
            for sid, spec in SERVICES.items()
            if spec["hook"] != "patient-view" or engines.pathways_available()
        ]
        return JSONResponse({"services": services})

    async def call(self, request: Request) -> Response:
        service = request.path_params["service"]
        spec = SERVICES.get(service)
        if spec is None:
            return _error(404, f"unknown CDS service {service!r} (services: {', '.join(SERVICES)})")
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "the request body is not JSON")
        if not isinstance(body, Mapping) or body.get("hook") != spec["hook"]:
            return _error(400, f"service {service!r} answers hook {spec['hook']!r} only")
        context = body.get("context")
        if not isinstance(context, Mapping) or not context.get("patientId"):
            return _error(400, "context.patientId is required")
        uid = patient_uid(str(context["patientId"]))
        rid = request.scope.get("state", {}).get("request_id", "")
        principal: Principal | None = None
        try:
            principal = self.services.auth.authenticate(request.headers.get("authorization"))
            principal.require("safety:read", uid)
        except Forbidden as exc:
            await self._audit(principal, f"cds:{service}", uid, "forbidden", rid)
            status = 401 if principal is None else 403
            return _error(status, str(exc))
        timeout = self.services.settings.cds_timeout
        outcome = "success"
        try:
            if spec["hook"] == "patient-view":
                cards = await asyncio.wait_for(asyncio.to_thread(self._patient_view, body), timeout)
            else:
                cards = await asyncio.wait_for(
                    asyncio.to_thread(self._medication_safety, principal, service, body, rid),
                    timeout,
                )
        except TimeoutError:
            outcome = "error"
            cards = [
                _notice(
                    "Medication safety check could not be completed",
                    f"kgtwin did not finish the check within {timeout:g} s. The draft orders "
                    "were NOT checked: review interactions, allergies and dosing manually.",
                )
            ]
        except ValidationError as exc:
            await self._audit(principal, f"cds:{service}", uid, "invalid", rid)
            return _error(400, str(exc))
        except Exception as exc:  # an EHR must still learn that nothing was checked
            outcome = "error"
            log.error(
                "CDS service failed request_id=%s service=%s type=%s",
                rid, service, type(exc).__name__, exc_info=exc,
            )  # fmt: skip
            cards = [
                _notice(
                    "Medication safety check could not be completed",
                    f"kgtwin hit an internal error (request id {rid}). The draft orders were "
                    "NOT checked: review interactions, allergies and dosing manually.",
                )
            ]
        await self._audit(principal, f"cds:{service}", uid, outcome, rid, action="E")
        for card in cards:
            card.pop("_alert", None)
        return JSONResponse({"cards": cards})

    async def feedback(self, request: Request) -> Response:
        service = request.path_params["service"]
        if service not in SERVICES:
            return _error(404, f"unknown CDS service {service!r}")
        rid = request.scope.get("state", {}).get("request_id", "")
        try:
            principal = self.services.auth.authenticate(request.headers.get("authorization"))
            principal.require("safety:read")
        except Forbidden as exc:
            return _error(403, str(exc))
        try:
            body = await request.json()
            items = body["feedback"]
            if not isinstance(items, list) or not items:
                raise ValueError("empty")
            rows = [self._feedback_row(i, item, principal) for i, item in enumerate(items)]
        except (ValueError, KeyError, TypeError) as exc:
            return _error(400, f"feedback must be {{'feedback': [{{card, outcome, ...}}]}}: {exc}")
        card_uids = sorted({r["card_uid"] for r in rows})
        found = await asyncio.to_thread(self.store.read, "get_cds_cards", {"uids": card_uids})
        known = {c["uid"]: c for c in found}
        missing = [u.removeprefix("cds-card:") for u in card_uids if u not in known]
        if missing:
            return _error(404, f"unknown card(s): {', '.join(missing)}; nothing was stored")
        for uid in {c["patient_uid"] for c in found}:
            if not principal.may_see(uid):
                await self._audit(principal, f"cds-feedback:{service}", uid, "forbidden", rid)
                return _error(403, f"patient {uid!r} is outside this token's patient scope")
        await asyncio.to_thread(self.store.write, "create_cds_feedback", {"rows": rows})
        for uid in sorted({c["patient_uid"] for c in found}):
            await self._audit(principal, f"cds-feedback:{service}", uid, "success", rid, action="C")
        return JSONResponse({"stored": len(rows)})

    @staticmethod
    def _feedback_row(i: int, item: Any, principal: Principal) -> dict[str, Any]:
        if not isinstance(item, Mapping) or not item.get("card"):
            raise ValueError(f"feedback[{i}].card is required")
        outcome = item.get("outcome")
        if outcome not in ("accepted", "overridden"):
            raise ValueError(f"feedback[{i}].outcome={outcome!r} (choices: accepted, overridden)")
        reason = item.get("overrideReason") or {}
        coding = reason.get("reason") or {} if isinstance(reason, Mapping) else {}
        ts = str(item.get("outcomeTimestamp") or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        from kg.types import epoch_of

        try:
            epoch = epoch_of(ts, field=f"feedback[{i}].outcomeTimestamp")
        except ValidationError as exc:
            raise ValueError(str(exc)) from None
        return {
            "uid": f"cds-feedback:{uuid.uuid4()}",
            "card_uid": f"cds-card:{item['card']}",
            "outcome": outcome,
            "outcome_at": ts,
            "outcome_at_epoch": epoch,
            "accepted_suggestions": [
                str(s.get("id"))
                for s in item.get("acceptedSuggestions") or []
                if isinstance(s, Mapping)
            ],
            "override_code": coding.get("code"),
            "override_system": coding.get("system"),
            "override_display": coding.get("display"),
            "user_comment": reason.get("userComment") if isinstance(reason, Mapping) else None,
            "who": principal.who,
        }

    async def _audit(
        self,
        principal: Principal | None,
        operation: str,
        uid: str,
        outcome: str,
        rid: str,
        *,
        action: str = "E",
    ) -> None:
        who = principal or Principal(who="anonymous", roles=frozenset(), method="none")
        try:
            await asyncio.to_thread(
                self.services.audit.record,
                who,
                operation,
                patient_uid=uid,
                outcome=outcome,
                action=action,
                request_id=rid,
            )
        except Exception as exc:  # the answer matters more than its audit line; log it
            log.error("audit entry not written request_id=%s (%s)", rid, type(exc).__name__)


def routes(services: Services) -> list[Route]:
    """The CDS Hooks routes."""
    hooks = _Hooks(services)
    return [
        Route("/cds-services", hooks.discovery, methods=["GET"]),
        Route("/cds-services/{service}", hooks.call, methods=["POST"]),
        Route("/cds-services/{service}/feedback", hooks.feedback, methods=["POST"]),
    ]
