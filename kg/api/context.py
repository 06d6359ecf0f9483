"""Per-process services and per-request context shared by resolvers and HTTP endpoints."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from kg.api.audit import AuditTrail
from kg.api.auth import Authenticator, Principal
from kg.api.settings import ApiSettings
from kg.store import GraphStore
from kg.store.pubsub import PubSub
from kg.types import patient_uid

if TYPE_CHECKING:
    from kg.api.loaders import Loaders
    from kg.api.metrics import Metrics

__all__ = ["ApiContext", "RequestTimeout", "Services", "patient_uid"]

T = TypeVar("T")


class RequestTimeout(Exception):
    """A request ran past its deadline (shown to the caller; not masked)."""


@dataclass
class Services:
    """What one API process holds for its whole life."""

    store: GraphStore
    settings: ApiSettings
    auth: Authenticator
    audit: AuditTrail
    pubsub: PubSub
    metrics: Metrics

    async def run(self, deadline: float, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking ``fn`` (store calls) in a worker thread, within ``deadline``.

        Raises:
            RequestTimeout: the deadline passed first (the thread finishes in the background).
        """
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RequestTimeout("the request ran out of time before this step started")
        try:
            return await asyncio.wait_for(asyncio.to_thread(fn, *args, **kwargs), remaining)
        except TimeoutError:
            raise RequestTimeout(
                f"the request took longer than its {self.settings.timeout:g}s limit"
            ) from None


@dataclass
class ApiContext:
    """What a resolver sees as ``info.context``."""

    services: Services
    request: Any
    response: Any
    request_id: str
    principal: Principal | None
    auth_error: str | None
    deadline: float
    loaders: Loaders
    connection_params: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking ``fn`` in a worker thread within this request's deadline."""
        return await self.services.run(self.deadline, fn, *args, **kwargs)
