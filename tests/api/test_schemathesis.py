"""Property-based tests of the HTTP API from its own OpenAPI document (schemathesis), on both stores.

For every operation of ``/openapi.json`` schemathesis sends the schema's
examples, the coverage phase's boundary, negative and undeclared-method
requests, and random (positive and negative) requests to the ASGI app
in-process, so a 5xx comes with its traceback in the captured log.

Two tests, so that a gap in the documentation cannot hide a crash (schemathesis
stops an operation at its first failure):

``test_no_request_gets_a_server_error``
    never a 5xx (``not_a_server_error``), and every error an RFC 9457 problem:
    ``application/problem+json`` whose ``status`` is the HTTP status, with a
    title and a detail and no stack trace.

``test_responses_match_the_documented_contract``
    a documented status code (``status_code_conformance``) and media type
    (``content_type_conformance``), a body valid against the documented schema
    (``response_schema_conformance``), a 4xx for schema-violating input
    (``negative_data_rejection``), and a 405 with an ``Allow`` header for an
    undeclared method (``unsupported_method``, RFC 9110).

The bearer token is sent to ``/api/cypher`` so that schemathesis' random text
reaches the Cypher sandbox (lexer guard, parser, planner, timeout), which must
answer it with 4xx, never 5xx. Requests that fuzzing found answered wrongly are
kept in ``test_cypher_syntax_errors_found_by_fuzzing_are_400`` so that every run
tries them, not only a run whose random draw meets them again.

Examples are bounded per operation and phase (``KOPPEL_SCHEMATHESIS_EXAMPLES``,
default 30, for the first test; half that for the second, whose findings come
mostly from the deterministic coverage phase), so the file runs in about two to
three minutes on two cores; ``/api/export`` (one enum parameter, the whole
graph per answer) gets a handful.

The OpenAPI document does not depend on the store, so the schema is read once,
at import, from an app that never opens one; each test sends its requests to
the app of its own ``seeded_store`` (embedded and Neo4j) through the ASGI
transport's ``app`` argument. (``schemathesis.pytest.from_fixture`` would be the
obvious way, but schemathesis 4.32 writes ``Function._nodeid``, which pytest 9.2
no longer has.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from koppel.api.app import create_app
from koppel.api.settings import ApiSettings

from tests.conftest import API_TOKEN, SHARED_SOURCES

MAX_EXAMPLES = int(os.environ.get("KOPPEL_SCHEMATHESIS_EXAMPLES", "30"))


def problem_details(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case) -> None:
    """Every error is an RFC 9457 problem whose ``status`` matches, never a stack trace."""
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/problem+json"), f"error {response.status_code} as {content_type!r}, not application/problem+json"
    body = response.json()
    assert body.get("status") == response.status_code, f"problem status {body.get('status')!r} != HTTP {response.status_code}"
    assert body.get("title") and body.get("detail"), f"problem without a title or a detail: {body}"
    assert "Traceback" not in response.text, "a stack trace reached the client"


def _schema(max_examples: int) -> schemathesis.BaseSchema:
    config = schemathesis.Config.from_dict(
        {
            "generation": {"max-examples": max_examples},
            "operations": [{"include-path": "/api/export", "generation": {"max-examples": min(max_examples, 5)}}],
        }
    )
    # Only for reading /openapi.json: the store is opened on first use, which never comes.
    app = create_app(ApiSettings(KOPPEL_STORE="embedded:/nonexistent/koppel-openapi-only"))
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


robustness = _schema(MAX_EXAMPLES)
contract = _schema(max(MAX_EXAMPLES // 2, 1))


@pytest.fixture
def api_app(seeded_store) -> Iterator[FastAPI]:
    app = create_app(ApiSettings(KOPPEL_STORE=seeded_store.location, KOPPEL_SOURCES=str(SHARED_SOURCES), KOPPEL_API_TOKENS=API_TOKEN))
    yield app
    # Schemathesis keeps an app's lifespan running until the process exits: release the store
    # and the Cypher worker process now.
    app.state.holder.close()


def _send(case: schemathesis.Case, app: FastAPI, checks: list) -> None:
    if case.operation.path == "/api/cypher":
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {API_TOKEN}"}
    case.call_and_validate(checks=checks, app=app)


@robustness.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_no_request_gets_a_server_error(case: schemathesis.Case, api_app: FastAPI) -> None:
    _send(case, api_app, [not_a_server_error, problem_details])


@contract.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_responses_match_the_documented_contract(case: schemathesis.Case, api_app: FastAPI) -> None:
    _send(case, api_app, [status_code_conformance, content_type_conformance, response_schema_conformance, negative_data_rejection, unsupported_method])


# Syntax errors that schemathesis found answered with something else than 400 on the embedded
# store: the engine's parser message quotes the query, and the store used to classify messages
# by words in them ("timeout", "interrupted", "read only"); and a long run of digits, which the
# parser takes seconds over, ended as 504 or as a late 400. Kept here so that every run tries
# them, not only a run whose random draw meets them again.
FOUND_BY_FUZZING = [
    pytest.param("KOPPEL_QUERY_TIMEOUT", id="names-timeout"),
    pytest.param("MATCH (n:Country {key: 'interrupted'} RETURN n", id="names-interrupted"),
    pytest.param("RETURN 'read only' +", id="names-read-only"),
    pytest.param("0" * 9_000, id="9000-digits"),
]


@pytest.mark.parametrize("cypher", FOUND_BY_FUZZING)
def test_cypher_syntax_errors_found_by_fuzzing_are_400(api_app: FastAPI, cypher: str) -> None:
    with TestClient(api_app, raise_server_exceptions=False) as client:
        response = client.post("/api/cypher", json={"cypher": cypher, "params": {}}, headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.status_code == 400, f"{response.status_code}: {response.text[:300]}"
