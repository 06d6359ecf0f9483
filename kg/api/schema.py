"""The strawberry schema, its extensions (limits, caches, masking, metrics) and its SDL snapshot.

``python -m kg.api.schema --write`` regenerates ``kg/api/schema.graphql``; a test compares it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from kg.api.context import ApiContext, RequestTimeout
from kg.api.limits import CostLimiter
from kg.api.metrics import Metrics, MetricsExtension
from kg.api.mutation import Mutation
from kg.api.query import Query
from kg.api.settings import ApiSettings
from kg.api.subscription import Subscription
from kg.errors import UserError

__all__ = ["SDL_PATH", "KgSchema", "build_schema", "sdl"]

SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"
log = logging.getLogger("kgtwin.api")

_PUBLIC = (RequestTimeout, UserError)


def _should_mask(error: GraphQLError) -> bool:
    """Mask errors raised by our code unless they are meant for the caller."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return False  # syntax, validation, limits: the caller's doing, safe to show
    return not isinstance(original, _PUBLIC)


class KgSchema(strawberry.Schema):
    """A schema that logs unexpected errors (type and request id only) before masking."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        ctx = execution_context.context if execution_context else None
        request_id = getattr(ctx, "request_id", "-")
        for error in errors:
            if not _should_mask(error):
                continue
            original = error.original_error
            log.error(
                "unexpected error request_id=%s path=%s type=%s",
                request_id,
                ".".join(str(p) for p in error.path or []),
                type(original).__name__,
                exc_info=original,
            )


class OperationScopeExtension(SchemaExtension):
    """Each operation sent over a websocket gets its own deadline and DataLoaders.

    strawberry keeps one context per websocket connection; without this a query sent long after
    connecting would find its deadline already past and its loaders full of older answers.
    """

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context.context
        if isinstance(ctx, ApiContext) and ctx.long_lived:
            with ctx.operation_scope():
                yield
        else:
            yield


def build_schema(settings: ApiSettings | None = None, metrics: Metrics | None = None) -> KgSchema:
    """The schema with its limits taken from ``settings``."""
    s = settings or ApiSettings()
    m = metrics or Metrics()
    # The depth and alias limiters are validation rules. Build their rule classes once: a
    # limiter made per request brings a new class each time, and the validation cache, keyed
    # by the rules, would then never hit.
    limit_rules = [
        *QueryDepthLimiter(max_depth=s.max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=s.max_aliases).validation_rules,
    ]
    extensions: list[Any] = [
        OperationScopeExtension,
        lambda: AddValidationRules(limit_rules),
        lambda: CostLimiter(max_cost=s.max_cost),
        lambda: ParserCache(maxsize=1024),
        lambda: ValidationCache(maxsize=1024),
        lambda: MaskErrors(should_mask_error=_should_mask, error_message="Internal error."),
        lambda: MetricsExtension(m),
    ]
    return KgSchema(
        query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions
    )


def sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql``."""
    return str(build_schema()) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m kg.api.schema [--write|--check]``."""
    parser = argparse.ArgumentParser(prog="python -m kg.api.schema")
    parser.add_argument("--write", action="store_true", help=f"write {SDL_PATH.name}")
    parser.add_argument("--check", action="store_true", help="exit 1 if the snapshot is stale")
    args = parser.parse_args(argv)
    text = sdl()
    if args.write:
        SDL_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {SDL_PATH}")
        return 0
    if args.check:
        same = SDL_PATH.exists() and SDL_PATH.read_text(encoding="utf-8") == text
        print("schema.graphql is up to date" if same else "schema.graphql is stale")
        return 0 if same else 1
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
