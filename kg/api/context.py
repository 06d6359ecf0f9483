"""Per-process services and per-request context shared by resolvers and HTTP endpoints."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from kg.api.audit import AuditTrail
from kg.api.auth import Authenticator, Principal
from kg.api.loaders import Loaders
from kg.api.settings import ApiSettings
from kg.store import GraphStore
from kg.store.pubsub import PubSub
from kg.types import patient_uid

if TYPE_CHECKING:
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
class _Scope:
    deadline: float
    loaders: Loaders


# The deadline and DataLoaders of the GraphQL operation running in this asyncio task. Set only
# for operations sent over a websocket, whose context lives as long as the connection.
_operation: contextvars.ContextVar[_Scope | None] = contextvars.ContextVar(
    "kgtwin_operation", default=None
)


@dataclass
class ApiContext:
    """What a resolver sees as ``info.context``.

    Over HTTP there is one context per request. Over a websocket strawberry keeps one context
    for the whole connection, so each operation on it gets its own deadline and DataLoaders
    (see ``operation_scope``): a query sent an hour after connecting is neither timed out by
    the connection's age nor answered from another operation's cache.
    """

    services: Services
    request: Any
    response: Any
    request_id: str
    principal: Principal | None
    auth_error: str | None
    request_deadline: float
    request_loaders: Loaders
    connection_params: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def deadline(self) -> float:
        """When the running operation must finish (``time.monotonic()`` seconds)."""
        scope = _operation.get()
        return scope.deadline if scope is not None else self.request_deadline

    @property
    def loaders(self) -> Loaders:
        """The running operation's DataLoaders."""
        scope = _operation.get()
        return scope.loaders if scope is not None else self.request_loaders

    @property
    def long_lived(self) -> bool:
        """True for a websocket connection's context (shared by its operations)."""
        return self.connection_params is not None or _is_websocket(self.request)

    @contextlib.contextmanager
    def operation_scope(self) -> Iterator[None]:
        """Give the operation running in this task a fresh deadline and DataLoaders."""
        loaders = Loaders()
        loaders.context = self
        token = _operation.set(_Scope(time.monotonic() + self.services.settings.timeout, loaders))
        try:
            yield
        finally:
            try:
                _operation.reset(token)
            except ValueError:  # closed from another context (a cancelled subscription)
                _operation.set(None)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking ``fn`` in a worker thread within this request's deadline."""
        return await self.services.run(self.deadline, fn, *args, **kwargs)


def _is_websocket(request: Any) -> bool:
    scope = getattr(request, "scope", None)
    return isinstance(scope, dict) and scope.get("type") == "websocket"
