# Strawberry's decorators are untyped for mypy and results pass through guarded() as Any.
# mypy: disable-error-code="untyped-decorator,no-any-return"
"""The ``Subscription`` root: ``alertRaised`` over graphql-transport-ws.

Events come from the shared pub/sub channel (``kg.store.pubsub``), so a change made through
any kgtwin process reaches subscribers connected to any other.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry

from kg.api import types as t
from kg.api.alerts import channel
from kg.api.context import patient_uid
from kg.api.guard import Info, guarded, patient_row

__all__ = ["Subscription"]

AlertRaisedResult = Annotated[
    t.AlertEvent | t.PatientNotFound | t.Forbidden, strawberry.union("AlertRaisedResult")
]


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Fires when a change to the twin produces a new or more severe alert."
    )
    async def alert_raised(
        self, info: Info, patient_id: strawberry.ID
    ) -> AsyncGenerator[AlertRaisedResult, None]:
        uid = patient_uid(patient_id)
        ctx = info.context  # its deadline is this operation's (OperationScopeExtension)

        def check() -> Any:
            if patient_row(ctx, uid) is None:
                return t.PatientNotFound(patient_id=uid, message=f"no twin with id {uid!r}")
            return None

        refused = await guarded(
            info, operation="alertRaised", permission="safety:read", patient_uid=uid, fn=check
        )
        if refused is not None:
            yield refused
            return
        events = ctx.services.pubsub.subscribe(channel(uid))
        try:
            async for message in events:
                data = json.loads(message)
                yield t.AlertEvent(
                    patient_id=str(data.get("patient_uid") or uid),
                    cause=str(data.get("cause") or ""),
                    at=str(data.get("at") or ""),
                    alert=t.Alert.from_dict(data.get("alert") or {}),
                )
        finally:
            await asyncio.shield(events.aclose())
