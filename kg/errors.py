"""One error tree for kgtwin.

::

    KgError
    ├── UserError                 the caller's input is wrong; shown as one line, never a traceback
    │   ├── ConfigError           an environment variable or setting has a bad value
    │   ├── ValidationError       input data (a row, a bundle, a parameter) is malformed
    │   ├── NotFound              a named thing (patient, drug, gene, query) does not exist
    │   │   └── UnknownQuery
    │   ├── Forbidden             the caller may not do this
    │   └── EngineInUse           the data directory is used by another live process
    ├── StoreError                the graph store failed
    │   ├── StoreUnavailable      cannot reach the engine (names the URI, never the password)
    │   └── QueryError            a statement failed (names the query file and line)
    └── RegistryError             a query file is malformed (our bug: fails at start-up)

Messages name the thing, the value and the valid choices.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ConfigError",
    "EngineInUse",
    "Forbidden",
    "KgError",
    "NotFound",
    "QueryError",
    "RegistryError",
    "StoreError",
    "StoreUnavailable",
    "UnknownQuery",
    "UserError",
    "ValidationError",
    "choices",
]


def choices(values: Iterable[str], *, limit: int = 8) -> str:
    """Format valid choices for an error message: ``a, b, c, ... (12 in all)``."""
    items = sorted(set(values))
    shown = ", ".join(items[:limit])
    if len(items) > limit:
        shown += f", ... ({len(items)} in all)"
    return shown


class KgError(Exception):
    """Root of every error kgtwin raises on purpose."""


class UserError(KgError):
    """Something the caller can fix."""


class ConfigError(UserError):
    """A setting has a value kgtwin cannot use."""


class ValidationError(UserError):
    """Input is malformed. ``problems`` lists each problem with its location."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    def __str__(self) -> str:
        base = super().__str__()
        if not self.problems:
            return base
        return base + "\n" + "\n".join(f"  - {p}" for p in self.problems)


class NotFound(UserError):
    """A named thing does not exist."""


class UnknownQuery(NotFound):
    """No query file carries this name."""


class Forbidden(UserError):
    """The caller is not allowed to do this."""


class EngineInUse(UserError):
    """The embedded engine's data directory belongs to another live process."""


class StoreError(KgError):
    """The graph store failed."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class StoreUnavailable(StoreError):
    """The engine cannot be reached."""


class QueryError(StoreError):
    """A statement failed; ``query`` is the registry name, ``path`` and ``line`` locate it."""

    def __init__(
        self,
        message: str,
        *,
        query: str | None = None,
        path: str | None = None,
        line: int | None = None,
        retryable: bool = False,
    ) -> None:
        where = ""
        if path:
            where = f"{path}:{line}" if line else path
        elif query:
            where = query
        super().__init__(f"{where}: {message}" if where else message, retryable=retryable)
        self.query = query
        self.path = path
        self.line = line


class RegistryError(KgError):
    """A query file is malformed; raised at start-up."""
