"""Pin the public surface of the foundation packages: changing it is a deliberate act."""

from __future__ import annotations

import kg.errors
import kg.store


def test_store_exports() -> None:
    assert kg.store.__all__ == [
        "EmbeddedEngine",
        "GraphStore",
        "Query",
        "QueryRegistry",
        "Row",
        "Statement",
        "open_store",
    ]
    for name in kg.store.__all__:
        assert hasattr(kg.store, name), name


def test_error_exports() -> None:
    assert kg.errors.__all__ == [
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
    for name in kg.errors.__all__:
        assert hasattr(kg.errors, name), name
    # Every exported exception descends from the one root.
    for name in kg.errors.__all__:
        obj = getattr(kg.errors, name)
        if isinstance(obj, type):
            assert issubclass(obj, kg.errors.KgError), name
