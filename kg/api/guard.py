"""One path for every resolver that touches a twin: authorise, run, map failures, audit.

Expected failures become typed results (``Forbidden``, ``PatientNotFound``, ``UnknownDrug``,
``InvalidInput``); anything else propagates to be masked and logged with the request id.
Every call naming a twin leaves one audit entry, whatever its outcome.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

import strawberry

from kg.api import types as t
from kg.api.context import ApiContext
from kg.errors import Forbidden, NotFound, UnknownQuery, ValidationError

__all__ = ["Info", "guarded", "patient_row", "suggestions"]

log = logging.getLogger("kgtwin.api")
Info = strawberry.Info[ApiContext, None]
_SUGGEST = re.compile(r"\((?:did you mean|known|closest)[^:]*:\s*([^)]*)\)", re.IGNORECASE)

_OUTCOME = {
    t.Forbidden: "forbidden",
    t.PatientNotFound: "not-found",
    t.UnknownDrug: "invalid",
    t.InvalidInput: "invalid",
    t.InvalidBundle: "invalid",
    t.ConsentWithheld: "forbidden",
    t.TermNotFound: "not-found",
    t.NotAvailable: "error",
}


def suggestions(message: str) -> list[str]:
    """Names offered in an error message's ``(did you mean: a, b)`` part."""
    m = _SUGGEST.search(message)
    if not m:
        return []
    return [s.strip().strip("'\"") for s in m.group(1).split(",") if s.strip() and "..." not in s]


def patient_row(ctx: ApiContext, uid: str) -> dict[str, Any] | None:
    """The twin's demographics and consent row, or None (blocking)."""
    rows = ctx.services.store.read("get_patients", {"uids": [uid]})
    return rows[0] if rows else None


async def guarded(
    info: Info,
    *,
    operation: str,
    permission: str,
    fn: Callable[[], Any],
    patient_uid: str | None = None,
    action: str = "R",
    drug: str | None = None,
    invalid: type = t.InvalidInput,
    not_found: Callable[[NotFound], Any] | None = None,
) -> Any:
    """Authorise ``operation``, run blocking ``fn`` in a worker thread, audit the outcome.

    Args:
        info: the resolver's info (its context carries principal, services, deadline).
        operation: the GraphQL field name, recorded in the audit trail and metrics.
        permission: what the caller's roles must hold (see ``kg.api.auth.PERMISSIONS``).
        fn: the work; returns the typed result (or a typed failure).
        patient_uid: the twin touched, checked against the caller's scope and audited.
        action: FHIR AuditEvent action code (C, R, U, D, E).
        drug: the drug argument, named in an ``UnknownDrug`` result.
        invalid: the type for a ``ValidationError`` (``InvalidInput`` or ``InvalidBundle``).
        not_found: turns a ``NotFound`` into a typed result (default with ``drug``:
            ``UnknownDrug``; without either, ``NotFound`` is unexpected and propagates).
    """
    ctx = info.context
    principal = ctx.principal
    result: Any
    outcome = "error"
    try:
        if principal is None:
            result = t.Forbidden(message=ctx.auth_error or "a bearer token is required")
        else:
            try:
                principal.require(permission, patient_uid)
            except Forbidden as exc:
                result = t.Forbidden(message=str(exc))
            else:
                try:
                    result = await ctx.run(fn)
                except UnknownQuery:
                    raise  # our bug (a missing query file), not the caller's unknown drug
                except NotFound as exc:
                    if not_found is not None:
                        result = not_found(exc)
                    elif drug is None:
                        raise
                    else:
                        result = t.UnknownDrug(
                            drug=drug, message=str(exc), suggestions=suggestions(str(exc))
                        )
                except ValidationError as exc:
                    result = invalid(message=str(exc).splitlines()[0], problems=exc.problems)
        outcome = _OUTCOME.get(type(result), "success")
        return result
    finally:
        if patient_uid is not None:
            who = principal if principal is not None else _anonymous()
            try:
                await asyncio.to_thread(  # not bound by the deadline: a timeout is audited too
                    ctx.services.audit.record,
                    who,
                    operation,
                    patient_uid=patient_uid,
                    outcome=outcome,
                    action=action,
                    request_id=ctx.request_id,
                )
            except Exception as exc:  # never hide the operation's own result or error
                log.error(
                    "audit entry not written request_id=%s operation=%s (%s)",
                    ctx.request_id,
                    operation,
                    type(exc).__name__,
                )


def _anonymous() -> Any:
    from kg.api.auth import Principal

    return Principal(who="anonymous", roles=frozenset(), method="none")
