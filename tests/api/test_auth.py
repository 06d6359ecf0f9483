"""Access control: tokens, roles, patient scope, and the audit of refused calls."""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kg.api import ApiSettings, Authenticator, Principal
from kg.api.auth import PERMISSIONS, ROLES, hash_key
from kg.errors import ConfigError, Forbidden
from tests.api.conftest import AUTH_SETTINGS, KEYS, SCOPED_KEY, SCOPED_PATIENT

PATIENT_Q = '{ patient(id: "p-1") { __typename ... on Forbidden { message } } }'


def _typename(body: dict[str, Any], field: str) -> str:
    assert "errors" not in body, body
    return str(body["data"][field]["__typename"])


def test_no_token_is_forbidden_and_audited(store: Any, make_api: Any) -> None:
    api = make_api(store, AUTH_SETTINGS)
    body = api.gql(PATIENT_Q)
    assert _typename(body, "patient") == "Forbidden"
    assert "bearer token is required" in body["data"]["patient"]["message"]
    audit = api.gql(
        "{ auditEvents { ... on AuditEventPage { items { who outcome patientId operation } } } }",
        role="admin",
    )
    items = audit["data"]["auditEvents"]["items"]
    assert {
        "who": "anonymous",
        "outcome": "forbidden",
        "patientId": "Patient/p-1",
        "operation": "patient",
    } in items


def test_unknown_key_and_malformed_header(store: Any, make_api: Any) -> None:
    api = make_api(store, AUTH_SETTINGS)
    for header in ("Bearer nope", "Basic abc", "Bearer "):
        body = api.gql(PATIENT_Q, headers={"Authorization": header})
        assert _typename(body, "patient") == "Forbidden"


@pytest.mark.parametrize(
    ("role", "query", "field"),
    [
        ("ingest", PATIENT_Q, "patient"),
        ("ontology-editor", PATIENT_Q, "patient"),
        ("reader", '{ safetyReport(patientId: "p-1") { __typename } }', "safetyReport"),
        ("clinician", "{ auditEvents { __typename } }", "auditEvents"),
        (
            "reader",
            'mutation { setConsent(patientId: "p-1", genomic: false) { __typename } }',
            "setConsent",
        ),
    ],
)
def test_wrong_role_is_forbidden(
    store: Any, make_api: Any, role: str, query: str, field: str
) -> None:
    api = make_api(store, AUTH_SETTINGS)
    assert _typename(api.gql(query, role=role), field) == "Forbidden"


def test_right_role_passes_the_gate(store: Any, make_api: Any) -> None:
    api = make_api(store, AUTH_SETTINGS)
    assert _typename(api.gql(PATIENT_Q, role="reader"), "patient") == "PatientNotFound"
    assert (
        _typename(api.gql("{ auditEvents { __typename } }", role="admin"), "auditEvents")
        == "AuditEventPage"
    )


def test_patient_scope(store: Any, make_api: Any) -> None:
    api = make_api(store, AUTH_SETTINGS)
    headers = {"Authorization": f"Bearer {SCOPED_KEY}"}
    out = api.gql(PATIENT_Q, headers=headers)
    assert _typename(out, "patient") == "Forbidden"
    assert "outside this token's patient scope" in out["data"]["patient"]["message"]
    inside = api.gql(
        '{{ patient(id: "{}") {{ __typename }} }}'.format(SCOPED_PATIENT.removeprefix("Patient/")),
        headers=headers,
    )
    assert _typename(inside, "patient") == "PatientNotFound"


def test_no_configured_tokens_means_local_admin(store: Any, make_api: Any) -> None:
    api = make_api(store, ApiSettings())
    assert _typename(api.gql(PATIENT_Q), "patient") == "PatientNotFound"


def _rsa_pair() -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def test_jwt_hs256_and_rs256() -> None:
    private, public = _rsa_pair()
    auth = Authenticator(
        ApiSettings(
            jwt_secret="s3cret-s3cret-s3cret-s3cret-s3cret",
            jwt_public_key=public,
            jwt_audience="kgtwin",
        )
    )
    claims = {
        "sub": "svc-1",
        "roles": ["pharmacist"],
        "aud": "kgtwin",
        "exp": int(time.time()) + 60,
    }
    hs = jwt.encode(claims, "s3cret-s3cret-s3cret-s3cret-s3cret", algorithm="HS256")
    p = auth.authenticate(f"Bearer {hs}")
    assert p == Principal(who="svc-1", roles=frozenset({"pharmacist"}), method="jwt")
    rs = jwt.encode(
        {**claims, "roles": "clinician reader", "patients": ["42"]}, private, algorithm="RS256"
    )
    p = auth.authenticate(f"Bearer {rs}")
    assert p.roles == frozenset({"clinician", "reader"})
    assert p.patients == frozenset({"Patient/42"})
    with pytest.raises(Forbidden, match="expired"):
        auth.authenticate(
            "Bearer "
            + jwt.encode(
                {**claims, "exp": 1}, "s3cret-s3cret-s3cret-s3cret-s3cret", algorithm="HS256"
            )
        )
    with pytest.raises(Forbidden, match="rejected"):
        auth.authenticate(
            "Bearer " + jwt.encode(claims, "another-secret-another-secret-xx", algorithm="HS256")
        )
    with pytest.raises(Forbidden, match="rejected"):
        auth.authenticate(
            "Bearer " + jwt.encode({**claims, "aud": "other"}, private, algorithm="RS256")
        )
    with pytest.raises(Forbidden, match="unknown role"):
        auth.authenticate(
            "Bearer " + jwt.encode({**claims, "roles": ["root"]}, private, algorithm="RS256")
        )


def test_jwt_algorithm_must_be_configured() -> None:
    auth = Authenticator(ApiSettings(jwt_secret="s3cret-s3cret-s3cret-s3cret-s3cret"))
    private, _ = _rsa_pair()
    token = jwt.encode({"sub": "x", "roles": ["reader"]}, private, algorithm="RS256")
    with pytest.raises(Forbidden, match="RS256"):
        auth.authenticate(f"Bearer {token}")


def test_key_file_and_config_errors(tmp_path: Any) -> None:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps([{"id": "a", "sha256": hash_key("k1"), "roles": ["reader"]}]))
    auth = Authenticator(ApiSettings(api_keys_file=path))
    assert auth.authenticate("Bearer k1").who == "a"
    with pytest.raises(ConfigError, match="unknown role 'root'"):
        Authenticator(
            ApiSettings(api_keys_json=json.dumps([{"sha256": hash_key("x"), "roles": ["root"]}]))
        )
    with pytest.raises(ConfigError, match="not valid JSON"):
        Authenticator(ApiSettings(api_keys_json="[{"))
    with pytest.raises(ConfigError, match="cannot read"):
        Authenticator(ApiSettings(api_keys_file=tmp_path / "missing.json"))


def test_every_role_has_knowledge_read_and_admin_everything() -> None:
    for role in ROLES:
        assert Principal(who="x", roles=frozenset({role})).can("knowledge:read")
    admin = Principal(who="x", roles=frozenset({"admin"}))
    assert all(admin.can(p) for p in PERMISSIONS)
    assert KEYS["admin"] != KEYS["reader"]
