"""Bearer tokens, roles, permissions and patient scope.

Two kinds of token, both sent as ``Authorization: Bearer <token>``:

* **API keys**, stored hashed (SHA-256, hex) in ``KGTWIN_API_KEYS`` (JSON) or the JSON file
  named by ``KGTWIN_API_KEYS_FILE``::

      [{"id": "ward-7-app", "sha256": "9f86d0...", "roles": ["clinician"],
        "patients": ["Patient/123"]}]

  ``patients`` is optional (absent: every twin). ``kgtwin api-key`` makes a key and its line.
* **JWT** signed HS256 (``KGTWIN_JWT_SECRET``) or RS256 (``KGTWIN_JWT_PUBLIC_KEY``), with
  claims ``sub``, ``roles`` (list or space-separated) and optionally ``patients`` (list);
  ``aud``/``iss`` are checked when configured, ``exp`` always when present.

With no token configured, every request acts as the local ``admin`` (``serve`` then refuses
to bind anything but loopback).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

from kg.api.settings import ApiSettings
from kg.errors import ConfigError, Forbidden, choices

__all__ = [
    "PERMISSIONS",
    "ROLES",
    "Authenticator",
    "Principal",
    "hash_key",
]

ROLES = ("reader", "clinician", "pharmacist", "ingest", "ontology-editor", "admin")

# permission -> roles that hold it (admin holds every permission).
PERMISSIONS: dict[str, frozenset[str]] = {
    "knowledge:read": frozenset(ROLES),
    "twin:read": frozenset({"reader", "clinician", "pharmacist", "admin"}),
    "safety:read": frozenset({"clinician", "pharmacist", "admin"}),
    "twin:write": frozenset({"clinician", "pharmacist", "admin"}),
    "twin:ingest": frozenset({"ingest", "clinician", "admin"}),
    "consent:write": frozenset({"clinician", "admin"}),
    "ontology:read": frozenset({"ontology-editor", "reader", "clinician", "pharmacist", "admin"}),
    "audit:read": frozenset({"admin"}),
}


def hash_key(key: str) -> str:
    """The SHA-256 hex digest under which an API key is stored."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class Principal:
    """Who is calling: an id (never a person's name), roles and optional patient scope."""

    who: str
    roles: frozenset[str]
    patients: frozenset[str] | None = None  # None: every twin
    method: str = "local"

    @property
    def role(self) -> str:
        """The roles as one string, for the audit trail."""
        return ",".join(sorted(self.roles))

    def can(self, permission: str) -> bool:
        """True when one of the roles holds ``permission``."""
        return "admin" in self.roles or bool(self.roles & PERMISSIONS[permission])

    def may_see(self, patient_uid: str) -> bool:
        """True when the twin is inside this caller's scope."""
        return self.patients is None or patient_uid in self.patients

    def require(self, permission: str, patient_uid: str | None = None) -> None:
        """Raise ``Forbidden`` unless allowed.

        Raises:
            Forbidden: naming the missing permission or the out-of-scope twin.
        """
        if not self.can(permission):
            allowed = sorted(PERMISSIONS[permission] | {"admin"})
            raise Forbidden(
                f"role(s) {self.role or 'none'} may not use {permission!r} "
                f"(allowed roles: {choices(allowed)})"
            )
        if patient_uid is not None and not self.may_see(patient_uid):
            raise Forbidden(f"patient {patient_uid!r} is outside this token's patient scope")


LOCAL_ADMIN = Principal(who="local", roles=frozenset({"admin"}), method="local")


def _roles(value: Any, where: str) -> frozenset[str]:
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or not value:
        raise ConfigError(f"{where}: 'roles' must be a non-empty list (choices: {choices(ROLES)})")
    bad = [r for r in value if r not in ROLES]
    if bad:
        raise ConfigError(f"{where}: unknown role {bad[0]!r} (choices: {choices(ROLES)})")
    return frozenset(value)


def _scope(value: Any, where: str) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: 'patients' must be a list of patient ids")
    return frozenset(v if v.startswith("Patient/") else f"Patient/{v}" for v in value)


def _load_keys(settings: ApiSettings) -> dict[str, Principal]:
    entries: list[Any] = []
    if settings.api_keys_json:
        try:
            entries += json.loads(settings.api_keys_json)
        except ValueError as exc:
            raise ConfigError(f"KGTWIN_API_KEYS is not valid JSON: {exc}") from None
    if settings.api_keys_file:
        path = Path(settings.api_keys_file)
        try:
            entries += json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"KGTWIN_API_KEYS_FILE={path}: cannot read: {exc}") from None
        except ValueError as exc:
            raise ConfigError(f"KGTWIN_API_KEYS_FILE={path}: not valid JSON: {exc}") from None
    keys: dict[str, Principal] = {}
    for i, entry in enumerate(entries):
        where = f"API key entry {i}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("sha256"), str):
            raise ConfigError(f"{where}: needs 'id', 'sha256' (hex digest) and 'roles'")
        digest = entry["sha256"].lower()
        if len(digest) != 64:
            raise ConfigError(f"{where}: 'sha256' must be 64 hex characters")
        keys[digest] = Principal(
            who=str(entry.get("id") or f"key-{digest[:8]}"),
            roles=_roles(entry.get("roles"), where),
            patients=_scope(entry.get("patients"), where),
            method="api-key",
        )
    return keys


def _public_key(value: str) -> str:
    if "-----BEGIN" in value:
        return value
    try:
        return Path(value).expanduser().read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"KGTWIN_JWT_PUBLIC_KEY={value}: cannot read: {exc}") from None


class Authenticator:
    """Turns an ``Authorization`` header into a ``Principal``."""

    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self._keys = _load_keys(settings)
        self._rsa = _public_key(settings.jwt_public_key) if settings.jwt_public_key else None
        self.enabled = settings.auth_configured

    def authenticate(self, header: str | None) -> Principal:
        """The caller behind ``header`` (``Bearer <token>``).

        Raises:
            Forbidden: a token is required and missing, malformed, unknown or expired.
        """
        if not self.enabled:
            return LOCAL_ADMIN
        if not header:
            raise Forbidden("a bearer token is required (Authorization: Bearer <token>)")
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Forbidden("the Authorization header must be 'Bearer <token>'")
        if token.count(".") == 2 and (self.settings.jwt_secret or self._rsa):
            return self._jwt(token)
        digest = hash_key(token)
        for stored, principal in self._keys.items():
            if hmac.compare_digest(stored, digest):
                return principal
        raise Forbidden("the bearer token is not a known API key or valid JWT")

    def _jwt(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Forbidden("the bearer token is not a well-formed JWT") from None
        alg = header.get("alg")
        if alg == "HS256" and self.settings.jwt_secret:
            key: str = self.settings.jwt_secret
        elif alg == "RS256" and self._rsa:
            key = self._rsa
        else:
            configured = [
                a for a, k in (("HS256", self.settings.jwt_secret), ("RS256", self._rsa)) if k
            ]
            raise Forbidden(
                f"JWT algorithm {alg!r} is not accepted (accepted: {choices(configured)})"
            )
        options = {"require": ["sub"], "verify_aud": bool(self.settings.jwt_audience)}
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[alg],
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                options=options,  # type: ignore[arg-type]
            )
        except jwt.ExpiredSignatureError:
            raise Forbidden("the JWT has expired") from None
        except jwt.PyJWTError as exc:
            raise Forbidden(f"the JWT was rejected: {exc}") from None
        try:
            roles = _roles(claims.get("roles"), "JWT claim")
            patients = _scope(claims.get("patients"), "JWT claim")
        except ConfigError as exc:
            raise Forbidden(str(exc)) from None
        return Principal(who=str(claims["sub"]), roles=roles, patients=patients, method="jwt")
