"""The HTTP API under bad requests (issue 17): body limits for every transfer encoding, honest 401s,
parameters the stores cannot hold, and error bodies that name the problem but not the machine.

In-process tests run the app on both stores; the transfer-encoding tests talk
raw HTTP/1.1 to a real ``koppel serve``.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
from pathlib import Path

import pytest

from tests.api.test_http import assert_problem, make_client
from tests.conftest import API_TOKEN, serve

CYPHER = {"cypher": "MATCH (c:Country) WHERE c.key = $k RETURN c.name AS name", "params": {"k": "IRQ"}}
AUTH = {"Authorization": f"Bearer {API_TOKEN}"}
# What an error body must never show: absolute paths, store URIs, host:port.
LEAKS = re.compile(r"(/tmp/|/work/|/home/|/root/|bolt://|neo4j://|embedded:|127\.0\.0\.1|localhost:\d)")


def no_leak(body: dict) -> None:
    text = json.dumps(body)
    assert not LEAKS.search(text), text


# -- authentication ---------------------------------------------------------------------------

def test_401_says_how_to_authenticate(seeded_store) -> None:
    with make_client(seeded_store) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
            response = client.post("/api/cypher", json=CYPHER, headers=headers)
            assert_problem(response, 401, "bearer token")
            assert response.headers["www-authenticate"] == 'Bearer realm="koppel"'


def test_a_non_ascii_token_is_a_401_not_a_500(seeded_store) -> None:
    with make_client(seeded_store) as client:
        for token in ("tökén", "键", "\u00ff" * 40):
            response = client.post("/api/cypher", json=CYPHER, headers={"Authorization": b"Bearer " + token.encode("utf-8")})
            assert_problem(response, 401)
            assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_configured_non_ascii_token_works(seeded_store) -> None:
    token = "sleutel-ß-ключ"
    with make_client(seeded_store, tokens=token) as client:
        ok = client.post("/api/cypher", json=CYPHER, headers={"Authorization": b"Bearer " + token.encode("utf-8")})
        assert ok.status_code == 200 and ok.json()["rows"] == [{"name": "Irak"}]
        assert_problem(client.post("/api/cypher", json=CYPHER, headers={"Authorization": "Bearer sleutel"}), 401)


# -- values the stores cannot hold ------------------------------------------------------------

@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"k": 12345678901234567890}, "the integer with 20 digits is outside the 64-bit range"),
        ({"k": [1, "a"]}, "a list holds one kind of value"),
        ({"k": []}, "an empty list has no type"),
        ({"k": {"a": None}}, "may not be null"),
        ({"k": [{"a": 1}, {"b": 2}]}, "maps with different keys"),
    ],
)
def test_parameters_the_stores_cannot_hold_are_refused_before_the_store(seeded_store, params: dict, fragment: str) -> None:
    with make_client(seeded_store) as client:
        response = client.post("/api/cypher", json={"cypher": "RETURN $k AS k", "params": params}, headers=AUTH)
        assert_problem(response, 422, "parameter 'k'", fragment)
        # The query worker is still there and answers.
        assert client.post("/api/cypher", json=CYPHER, headers=AUTH).json()["rows"] == [{"name": "Irak"}]


def test_catalogue_parameters_are_checked_too(seeded_store) -> None:
    with make_client(seeded_store) as client:
        response = client.post("/api/queries/country-dossiers", json={"params": {"iso3": "IRQ", "extra": 10**25}})
        assert_problem(response, 422, "parameter 'extra'", "64-bit")


# -- error bodies -----------------------------------------------------------------------------

def test_an_unreachable_neo4j_is_503_without_its_address(seeded_store) -> None:
    class Closed:
        location = "bolt://127.0.0.1:1"

    with make_client(Closed) as client:
        response = client.get("/api/countries/IRQ")
        body = assert_problem(response, 503)
        assert response.headers["retry-after"]
        no_leak(body)


def test_a_missing_embedded_store_is_reported_without_its_path(tmp_path: Path) -> None:
    class Missing:
        location = f"embedded:{tmp_path / 'no-such-store'}"

    with make_client(Missing) as client:
        response = client.get("/api/countries/IRQ")
        assert response.status_code in (503, 404, 422), response.text
        no_leak(response.json())


def test_an_unknown_locator_is_reported_without_the_sources_folder(seeded_store) -> None:
    with make_client(seeded_store) as client:
        for locator in ("no-such-document#L1-L2", "kamerbrief-2014-02-25-strategische-landenbenadering-migratie#L99999-L100000"):
            response = client.get("/api/evidence", params={"locator": locator})
            assert 400 <= response.status_code < 500, response.text
            no_leak(response.json())


def test_scrub_keeps_the_words_and_drops_the_machine() -> None:
    from koppel.api.problems import scrub

    assert scrub("cannot reach Neo4j at neo4j+s://db.internal:7687 (store /srv/koppel/store)") == "cannot reach Neo4j at <store> (store <path>)"
    assert scrub("Couldn't connect to 10.1.2.3:7687") == "Couldn't connect to <address>"
    assert scrub("no passage kamerbrief-x#L70-L75 in ~/sources/kamerbrief-x.txt") == "no passage kamerbrief-x#L70-L75 in <path>"
    assert scrub("RETURN 1/0 AS x: division by zero") == "RETURN 1/0 AS x: division by zero"


# -- request bodies on a real server ----------------------------------------------------------

@pytest.fixture(scope="module")
def small_limit_server(_embedded_seed: Path):
    with serve(f"embedded:{_embedded_seed}", {"KOPPEL_MAX_BODY_BYTES": "4096"}) as base:
        yield base


def _chunked_post(base: str, path: str, chunks, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.putrequest("POST", path)
        for name, value in {"Content-Type": "application/json", "Transfer-Encoding": "chunked", **headers}.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            for chunk in chunks:
                connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            connection.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_a_chunked_body_over_the_limit_is_413_without_a_token(small_limit_server: str) -> None:
    padding = json.dumps({"cypher": "RETURN 1 AS one", "params": {"pad": "x" * 1000}}).encode()
    status, headers, body = _chunked_post(small_limit_server, "/api/cypher", [padding] * 300, {})
    assert status == 413, body[:300]
    assert headers["content-type"].startswith("application/problem+json")
    assert json.loads(body)["detail"] == "request bodies are limited to 4096 bytes"


def test_a_chunked_body_over_the_limit_is_413_with_a_token(small_limit_server: str) -> None:
    status, _, body = _chunked_post(small_limit_server, "/api/queries/country-dossiers", [b" " * 1024] * 20 + [b"{}"], AUTH)
    assert status == 413, body[:300]


def test_a_chunked_body_under_the_limit_is_read(small_limit_server: str) -> None:
    payload = json.dumps(CYPHER).encode()
    status, _, body = _chunked_post(small_limit_server, "/api/cypher", [payload[:10], payload[10:]], AUTH)
    assert status == 200, body[:300]
    assert json.loads(body)["rows"] == [{"name": "Irak"}]


def test_a_declared_length_over_the_limit_is_413_before_the_body(small_limit_server: str) -> None:
    host, port = small_limit_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST /api/cypher HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 300000000\r\n\r\n")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_readyz_names_the_store_kind_but_not_its_path_or_address(seeded_store) -> None:
    """Unauthenticated clients learn that the store answers and its kind, never where it lives (issue 17)."""
    with make_client(seeded_store) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["store"] == seeded_store.kind
    text = json.dumps(body)
    location = str(seeded_store.location)
    assert location not in text and "127.0.0.1" not in text and "localhost" not in text and "bolt://" not in text
    assert not re.search(r'"/[^"]*/', text), body  # no absolute path
