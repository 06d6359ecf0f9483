"""The committed SDL snapshot, the public surface, and settings parsing."""

from __future__ import annotations

import pytest

import kg.api
from kg.api import build_schema, load_api_settings
from kg.api.schema import SDL_PATH, main, sdl
from kg.errors import ConfigError


def test_sdl_snapshot_matches_schema() -> None:
    committed = SDL_PATH.read_text(encoding="utf-8")
    assert str(build_schema()) + "\n" == committed, (
        "kg/api/schema.graphql is stale: run `python -m kg.api.schema --write` and review the diff"
    )


def test_schema_check_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert sdl().startswith('"""')


def test_expected_failures_are_typed_results() -> None:
    text = SDL_PATH.read_text(encoding="utf-8")
    for union in (
        "union PatientResult = Patient | PatientNotFound | Forbidden",
        "union IngestBundleResult = IngestResult | InvalidBundle | Forbidden",
    ):
        assert union in text
    for name in ("PatientNotFound", "UnknownDrug", "InvalidBundle", "Forbidden"):
        assert f"type {name} {{" in text


def test_public_surface() -> None:
    assert sorted(kg.api.__all__) == sorted(
        [
            "ROLES",
            "ApiSettings",
            "Authenticator",
            "Principal",
            "build_schema",
            "create_app",
            "hash_key",
            "load_api_settings",
        ]
    )
    for name in kg.api.__all__:
        assert getattr(kg.api, name) is not None
    with pytest.raises(AttributeError):
        _ = kg.api.nothing_here


def test_settings_from_environment() -> None:
    s = load_api_settings({"KGTWIN_API_MAX_COST": "50", "KGTWIN_API_TIMEOUT": "2.5"}, dev=True)
    assert (s.max_cost, s.timeout, s.dev, s.auth_configured) == (50, 2.5, True, False)
    assert load_api_settings({"KGTWIN_JWT_SECRET": "x"}).auth_configured
    with pytest.raises(ConfigError, match="KGTWIN_API_MAX_DEPTH='deep' is not a whole number"):
        load_api_settings({"KGTWIN_API_MAX_DEPTH": "deep"})
    with pytest.raises(ConfigError, match="must be positive"):
        load_api_settings({"KGTWIN_API_TIMEOUT": "0"})
