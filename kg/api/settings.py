"""API settings, read once from the environment.

=============================  ==========================================  ============
variable                       meaning                                     default
=============================  ==========================================  ============
KGTWIN_API_KEYS                API keys as JSON (see kg.api.auth)          (none)
KGTWIN_API_KEYS_FILE           a JSON file of API keys (hashed)            (none)
KGTWIN_JWT_SECRET              HS256 shared secret for JWT bearer tokens   (none)
KGTWIN_JWT_PUBLIC_KEY          RS256 public key (PEM text or a file path)  (none)
KGTWIN_JWT_AUDIENCE            required ``aud`` claim                      (not checked)
KGTWIN_JWT_ISSUER              required ``iss`` claim                      (not checked)
KGTWIN_PUBSUB_URL              Redis URL for alert events (Neo4j setups)   engine's own
KGTWIN_API_MAX_DEPTH           maximum query depth                         10
KGTWIN_API_MAX_COST            maximum estimated query cost                2000
KGTWIN_API_MAX_ALIASES         maximum aliases per document                30
KGTWIN_API_MAX_BODY            maximum request body in bytes               1048576
KGTWIN_API_TIMEOUT             seconds one request may take                10
KGTWIN_CDS_TIMEOUT             seconds a CDS Hooks call may take           5
=============================  ==========================================  ============
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ConfigError

__all__ = ["ApiSettings", "load_api_settings"]


@dataclass(frozen=True)
class ApiSettings:
    """Everything the API reads from its environment (plus ``--dev``)."""

    dev: bool = False
    api_keys_json: str | None = field(default=None, repr=False)
    api_keys_file: Path | None = None
    jwt_secret: str | None = field(default=None, repr=False)
    jwt_public_key: str | None = field(default=None, repr=False)
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    pubsub_url: str | None = None
    max_depth: int = 10
    max_cost: int = 2000
    max_aliases: int = 30
    max_body: int = 1_048_576
    timeout: float = 10.0
    cds_timeout: float = 5.0

    @property
    def auth_configured(self) -> bool:
        """True when any kind of bearer token is configured."""
        return bool(
            self.api_keys_json or self.api_keys_file or self.jwt_secret or self.jwt_public_key
        )


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if value <= 0:
        raise ConfigError(f"{name}={value} must be positive")
    return value


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{name}={value} must be positive")
    return value


def load_api_settings(env: dict[str, str] | None = None, *, dev: bool = False) -> ApiSettings:
    """Read API settings from ``env`` (default: the process environment).

    Raises:
        ConfigError: a variable holds a value kgtwin cannot use.
    """
    e = dict(os.environ if env is None else env)
    keys_file = e.get("KGTWIN_API_KEYS_FILE") or None
    return ApiSettings(
        dev=dev,
        api_keys_json=e.get("KGTWIN_API_KEYS") or None,
        api_keys_file=Path(keys_file).expanduser() if keys_file else None,
        jwt_secret=e.get("KGTWIN_JWT_SECRET") or None,
        jwt_public_key=e.get("KGTWIN_JWT_PUBLIC_KEY") or None,
        jwt_audience=e.get("KGTWIN_JWT_AUDIENCE") or None,
        jwt_issuer=e.get("KGTWIN_JWT_ISSUER") or None,
        pubsub_url=e.get("KGTWIN_PUBSUB_URL") or None,
        max_depth=_int(e, "KGTWIN_API_MAX_DEPTH", 10),
        max_cost=_int(e, "KGTWIN_API_MAX_COST", 2000),
        max_aliases=_int(e, "KGTWIN_API_MAX_ALIASES", 30),
        max_body=_int(e, "KGTWIN_API_MAX_BODY", 1_048_576),
        timeout=_float(e, "KGTWIN_API_TIMEOUT", 10.0),
        cds_timeout=_float(e, "KGTWIN_CDS_TIMEOUT", 5.0),
    )
