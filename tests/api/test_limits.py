"""Abuse limits: depth, cost (estimated before execution), aliases, body size, timeouts, masking."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from graphql import parse

from kg.api import build_schema
from kg.api.limits import FIELD_COSTS, LIST_FACTOR, estimate_cost

NESTED = """
query($n: Int!) { patients(first: $n) { ... on PatientConnection {
  edges { node { id ...Meds conditions { id } } } } } }
fragment Meds on Patient { medications { id drugs { name } } }
"""


def _cost(query: str, variables: dict[str, Any] | None = None) -> int:
    schema = build_schema()._schema
    return estimate_cost(schema, parse(query), variables=variables)


def test_cost_grows_with_page_size_and_counts_fragments() -> None:
    small, large = _cost(NESTED, {"n": 2}), _cost(NESTED, {"n": 100})
    # node: itself (1) + medications (1 + LIST_FACTOR * drugs (1)) + conditions (1)
    node = 1 + (1 + LIST_FACTOR * 1) + 1
    edges = 1 + node  # a page's edges count once: `first` on patients multiplied already
    assert small == FIELD_COSTS["Query.patients"] + 2 * edges
    assert large == FIELD_COSTS["Query.patients"] + 100 * edges
    without_fragment = NESTED.replace("...Meds", "")
    assert _cost(without_fragment, {"n": 2}) < small


def test_reasoning_fields_weigh_more_than_lookups() -> None:
    report = _cost('{ safetyReport(patientId: "1") { __typename } }')
    lookup = _cost('{ drug(name: "x") { __typename } }')
    assert report > lookup


def test_over_budget_is_rejected_before_execution(store: Any, make_api: Any) -> None:
    api = make_api(store, max_cost=300)
    body = api.gql(NESTED, {"n": 100})
    assert body["data"] is None
    err = body["errors"][0]
    assert err["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert "exceeds the budget of 300" in err["message"]
    assert err["extensions"]["cost"] > 300
    # nothing ran: no batch query was issued, so no audit either
    ok = api.gql(NESTED, {"n": 2})
    assert "errors" not in ok and ok["extensions"]["cost"]["estimated"] <= 300


def test_depth_limit(store: Any, make_api: Any) -> None:
    api = make_api(store, max_depth=2)
    body = api.gql('{ patient(id: "1") { ... on Patient { medications { drugs { name } } } } }')
    assert "exceeds maximum operation depth of 2" in body["errors"][0]["message"]
    assert "errors" not in api.gql('{ patient(id: "1") { __typename } }')


def test_repeated_queries_hit_the_parser_and_validation_caches(store: Any, make_api: Any) -> None:
    """The limits must not defeat the caches: a repeat is neither parsed nor validated again."""
    from strawberry.extensions.parser_cache import _get_parse_cache
    from strawberry.extensions.validation_cache import _get_validate_cache

    api = make_api(store, max_depth=7)
    q = '{ patient(id: "cache-probe") { __typename } }'
    api.gql(q)
    parsed, validated = _get_parse_cache(1024).cache_info(), _get_validate_cache(1024).cache_info()
    for _ in range(3):
        assert "errors" not in api.gql(q)
    parsed2, validated2 = (
        _get_parse_cache(1024).cache_info(),
        _get_validate_cache(1024).cache_info(),
    )
    assert parsed2.hits - parsed.hits == 3 and parsed2.misses == parsed.misses
    assert validated2.hits - validated.hits == 3 and validated2.misses == validated.misses


def test_alias_limit(store: Any, make_api: Any) -> None:
    api = make_api(store, max_aliases=3)
    aliases = " ".join(f'a{i}: patient(id: "{i}") {{ __typename }}' for i in range(4))
    body = api.gql(f"{{ {aliases} }}")
    assert "aliases found" in body["errors"][0]["message"]


def test_request_size_limit(store: Any, make_api: Any) -> None:
    api = make_api(store, max_body=2000)
    padding = " " * 3000
    r = api.client.post("/graphql", json={"query": "{ __typename }" + padding})
    assert r.status_code == 413
    assert "exceeds the limit of 2000 bytes" in r.json()["errors"][0]["message"]
    r = api.client.post("/graphql", json={"query": "{ __typename }"})
    assert r.status_code == 200


def test_request_size_limit_without_content_length(store: Any, make_api: Any) -> None:
    api = make_api(store, max_body=2000)

    def chunks() -> Any:
        yield b'{"query": "{ __typename }", "x": "'
        yield b"y" * 5000
        yield b'"}'

    r = api.client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_timeout_is_reported_not_masked(store: Any, make_api: Any) -> None:
    api = make_api(store, timeout=1e-9)
    body = api.gql('{ patient(id: "1") { __typename } }')
    assert "ran out of time" in body["errors"][0]["message"]


def test_unexpected_errors_are_masked_and_logged_without_phi(
    store: Any, make_api: Any, monkeypatch: Any, caplog: Any
) -> None:
    import kg.api.guard as guard

    def boom(ctx: Any, uid: str) -> None:
        raise RuntimeError("John Doe born 1950-01-01")

    monkeypatch.setattr("kg.api.query.patient_row", boom)
    api = make_api(store)
    with caplog.at_level(logging.ERROR, logger="kgtwin.api"):
        r = api.client.post("/graphql", json={"query": '{ patient(id: "1") { __typename } }'})
    body = r.json()
    assert body["errors"][0]["message"] == "Internal error."
    assert "John" not in r.text
    rid = r.headers["x-request-id"]
    logged = [rec for rec in caplog.records if "unexpected error" in rec.getMessage()]
    assert logged and rid in logged[0].getMessage()
    assert "RuntimeError" in logged[0].getMessage()
    assert "John Doe" not in logged[0].getMessage()
    assert guard.log.name == "kgtwin.api"


def test_syntax_errors_are_shown(store: Any, make_api: Any) -> None:
    body = make_api(store).gql("{ patient(id: ")
    assert "Syntax Error" in body["errors"][0]["message"]


@pytest.mark.parametrize("first", [0, 501])
def test_page_size_bounds(store: Any, make_api: Any, first: int) -> None:
    body = make_api(store).gql(f"{{ patients(first: {first}) {{ __typename }} }}")
    assert body["data"]["patients"]["__typename"] == "InvalidInput"
