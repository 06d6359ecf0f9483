"""Prometheus metrics: latency per operation and errors, on a registry owned by one app."""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import FieldNode, OperationDefinitionNode
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from strawberry.extensions import SchemaExtension

__all__ = ["Metrics", "MetricsExtension", "operation_label"]

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The app's collectors (a registry per app, so several apps can live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "kgtwin_request_seconds",
            "Request latency by endpoint and GraphQL operation",
            ("endpoint", "operation"),
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "kgtwin_errors_total",
            "Errors by endpoint, operation and kind",
            ("endpoint", "operation", "kind"),
            registry=self.registry,
        )
        self.requests = Counter(
            "kgtwin_requests_total",
            "HTTP requests by endpoint and status code",
            ("endpoint", "status"),
            registry=self.registry,
        )

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


def operation_label(document: object, operation_name: str | None) -> str:
    """``query:safetyReport`` (root fields, sorted): bounded by the schema, not the client."""
    definitions = getattr(document, "definitions", None) or []
    for d in definitions:
        if not isinstance(d, OperationDefinitionNode):
            continue
        if operation_name and (d.name is None or d.name.value != operation_name):
            continue
        fields = sorted(
            {s.name.value for s in d.selection_set.selections if isinstance(s, FieldNode)}
        )
        return f"{d.operation.value}:{','.join(fields[:4]) or '?'}"
    return "invalid"


class MetricsExtension(SchemaExtension):
    """Observe each GraphQL operation's latency and count its errors."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        start = time.perf_counter()
        yield
        ec = self.execution_context
        label = operation_label(ec.graphql_document, ec.operation_name)
        self.metrics.latency.labels("graphql", label).observe(time.perf_counter() - start)
        result = ec.result
        errors = getattr(result, "errors", None) or ec.pre_execution_errors or []
        for err in errors:
            code = (getattr(err, "extensions", None) or {}).get("code")
            kind = str(code) if code else ("resolver" if err.original_error else "validation")
            self.metrics.errors.labels("graphql", label, kind).inc()
