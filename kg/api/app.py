"""The starlette application: GraphQL (HTTP and graphql-transport-ws), CDS Hooks, audit export,
health, readiness and metrics, behind request-id and request-size middleware."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError

from kg.api.audit import AuditTrail, to_fhir_bundle
from kg.api.auth import Authenticator
from kg.api.context import ApiContext, Services
from kg.api.loaders import Loaders
from kg.api.metrics import Metrics
from kg.api.schema import build_schema
from kg.api.settings import ApiSettings, load_api_settings
from kg.errors import Forbidden
from kg.store import GraphStore
from kg.store.pubsub import PubSub

__all__ = ["Guardrails", "KgGraphQL", "create_app"]

log = logging.getLogger("kgtwin.api")
# One line per HTTP request: method, path without its query string, status, time, request id.
# It replaces uvicorn's access log, whose request line carries query strings (patient ids).
access_log = logging.getLogger("kgtwin.access")


class _TooLarge(Exception):
    pass


class Guardrails:
    """ASGI middleware: request id, body size limit, access log, HTTP metrics."""

    def __init__(self, app: ASGIApp, *, max_body: int, metrics: Metrics) -> None:
        self.app = app
        self.max_body = max_body
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        rid = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        endpoint = _endpoint(scope["path"])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await self._too_large(scope, receive, send, rid, endpoint)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _TooLarge
            return message

        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, limited_receive, send_with_id)
        except _TooLarge:
            if not started:
                await self._too_large(scope, receive, send, rid, endpoint)
            return
        finally:
            elapsed = time.perf_counter() - start
            if endpoint != "graphql":  # GraphQL is timed per operation by its extension
                self.metrics.latency.labels(endpoint, "-").observe(elapsed)
            self.metrics.requests.labels(endpoint, str(status)).inc()
            if access_log.isEnabledFor(logging.INFO):
                method = scope.get("method", "-")
                access_log.info(
                    "%s %s %s %.1fms request_id=%s",
                    method, scope["path"], status, elapsed * 1000, rid,
                )  # fmt: skip

    async def _too_large(
        self, scope: Scope, receive: Receive, send: Send, rid: str, endpoint: str
    ) -> None:
        self.metrics.errors.labels(endpoint, "-", "REQUEST_TOO_LARGE").inc()
        self.metrics.requests.labels(endpoint, "413").inc()
        resp = JSONResponse(
            {
                "errors": [
                    {
                        "message": f"request body exceeds the limit of {self.max_body} bytes",
                        "extensions": {"code": "REQUEST_TOO_LARGE"},
                    }
                ]
            },
            status_code=413,
            headers={"x-request-id": rid},
        )
        await resp(scope, receive, send)


def _endpoint(path: str) -> str:
    if path.startswith("/graphql"):
        return "graphql"
    if path.startswith("/cds-services"):
        return "cds-hooks"
    head = path.strip("/").split("/", 1)[0]
    return head if head in ("healthz", "readyz", "metrics", "audit") else "other"


class KgGraphQL(GraphQL):
    """strawberry's ASGI app with kgtwin's context, auth and websocket authentication."""

    def __init__(self, services: Services) -> None:
        s = services.settings
        super().__init__(
            build_schema(s, services.metrics),
            graphql_ide="graphiql" if s.dev else None,
            allow_queries_via_get=s.dev,
            keep_alive=True,
            keep_alive_interval=15,
        )
        self.services = services

    async def get_context(self, request: Any, response: Any) -> ApiContext:  # type: ignore[override]
        principal = None
        error = None
        if isinstance(request, WebSocket):
            error = "send an Authorization value in connection_init"
        else:
            try:
                principal = self.services.auth.authenticate(request.headers.get("authorization"))
            except Forbidden as exc:
                error = str(exc)
        loaders = Loaders()
        ctx = ApiContext(
            services=self.services,
            request=request,
            response=response,
            request_id=request.scope.get("state", {}).get("request_id") or uuid.uuid4().hex,
            principal=principal,
            auth_error=error,
            request_deadline=time.monotonic() + self.services.settings.timeout,
            request_loaders=loaders,
        )
        loaders.context = ctx
        return ctx

    async def on_ws_connect(self, context: ApiContext) -> Any:  # type: ignore[override]
        params = context.connection_params or {}
        header = None
        if isinstance(params, dict):
            header = params.get("Authorization") or params.get("authorization")
            if not header and params.get("token"):
                header = f"Bearer {params['token']}"
        if not header:
            header = context.request.headers.get("authorization")
        try:
            context.principal = self.services.auth.authenticate(header)
            context.auth_error = None
        except Forbidden as exc:
            raise ConnectionRejectionError({"message": str(exc)}) from None
        return None


def create_app(
    store: GraphStore,
    *,
    settings: ApiSettings | None = None,
    pubsub: PubSub | None = None,
) -> Starlette:
    """The kgtwin API over ``store``.

    Args:
        store: the graph store (shared by all requests; its clients are thread-safe).
        settings: API settings (default: from the environment).
        pubsub: the alert channel (default: the store's engine, or ``KGTWIN_PUBSUB_URL``).
    """
    from kg.api import cds

    s = settings or load_api_settings()
    metrics = Metrics()
    services = Services(
        store=store,
        settings=s,
        auth=Authenticator(s),
        audit=AuditTrail(store),
        pubsub=pubsub or PubSub.for_store(store, url=s.pubsub_url),
        metrics=metrics,
    )
    graphql = KgGraphQL(services)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            health = await asyncio.wait_for(asyncio.to_thread(store.health), 5)
        except Exception as exc:  # any failure means not ready
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, 503)
        ok = bool(health.get("ok"))
        body = {"status": "ready" if ok else "unavailable", "engine": health.get("engine")}
        return JSONResponse(body, status_code=200 if ok else 503)

    async def metrics_endpoint(request: Request) -> Response:
        return PlainTextResponse(metrics.render().decode(), media_type="text/plain; version=0.0.4")

    async def audit_fhir(request: Request) -> Response:
        try:
            principal = services.auth.authenticate(request.headers.get("authorization"))
            principal.require("audit:read")
            q = request.query_params
            limit = int(q.get("_count", "1000"))
            patient = q.get("patient")
            if patient and not patient.startswith("Patient/"):
                patient = f"Patient/{patient}"
        except Forbidden as exc:
            return JSONResponse({"error": str(exc)}, 403)
        except ValueError:
            return JSONResponse({"error": "_count must be a whole number"}, 400)
        entries = await asyncio.to_thread(
            services.audit.list, patient_uid=patient, who=q.get("who"), limit=min(limit, 10000)
        )
        return Response(json.dumps(to_fhir_bundle(entries)), media_type="application/fhir+json")

    routes = [
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
        Route("/audit/fhir", audit_fhir),
        *cds.routes(services),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        services.pubsub.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.services = services
    app.add_middleware(Guardrails, max_body=s.max_body, metrics=metrics)
    return app
