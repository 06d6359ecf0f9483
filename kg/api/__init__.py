"""The kgtwin API: GraphQL (strawberry on starlette), CDS Hooks, access control and audit.

from kg.api import create_app
app = create_app(store)          # an ASGI app for uvicorn
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "ROLES",
    "ApiSettings",
    "Authenticator",
    "Principal",
    "build_schema",
    "create_app",
    "hash_key",
    "load_api_settings",
]

_WHERE = {
    "ROLES": "kg.api.auth",
    "Authenticator": "kg.api.auth",
    "Principal": "kg.api.auth",
    "hash_key": "kg.api.auth",
    "ApiSettings": "kg.api.settings",
    "load_api_settings": "kg.api.settings",
    "build_schema": "kg.api.schema",
    "create_app": "kg.api.app",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that `python -m kg.api.schema` does not import the schema module twice.
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'kg.api' has no attribute {name!r}")
