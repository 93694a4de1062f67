"""Repeated GET requests are answered from memory, with ETags, and never staler than the store allows."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from koppel.loaders.facts import parse_facts

from tests.api.test_http import assert_problem, make_client

SMALL = Path(__file__).resolve().parent.parent / "data" / "small.yaml"


@pytest.fixture
def client(seeded_store):
    with make_client(seeded_store) as test_client:
        yield test_client


def test_a_repeated_get_is_answered_from_memory_with_an_etag(client):
    first = client.get("/api/countries/IRQ/linkages")
    again = client.get("/api/countries/IRQ/linkages")
    assert (first.status_code, first.headers["x-cache"]) == (200, "miss")
    assert (again.status_code, again.headers["x-cache"]) == (200, "hit")
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == "application/json"
    # Another query string is another answer.
    other = client.get("/api/countries/IRQ/linkages", params={"as_of": "2013-01-01"})
    assert other.headers["x-cache"] == "miss" and other.headers["etag"] != first.headers["etag"]


def test_a_known_etag_gets_304_without_a_body(client):
    etag = client.get("/api/graph/neighbourhood", params={"key": "IRQ"}).headers["etag"]
    unchanged = client.get("/api/graph/neighbourhood", params={"key": "IRQ"}, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == etag
    changed = client.get("/api/graph/neighbourhood", params={"key": "IRQ"}, headers={"If-None-Match": '"stale"'})
    assert changed.status_code == 200 and changed.json()["nodes"]


def test_errors_and_posts_are_not_kept(client):
    for _ in range(2):
        missing = client.get("/api/countries/XYZ")
        assert_problem(missing, 404, "XYZ")
        assert "x-cache" not in missing.headers
    run = client.post("/api/queries/country-dossiers", json={"params": {"iso3": "IRQ"}})
    assert run.status_code == 200 and "x-cache" not in run.headers


def test_the_cache_can_be_switched_off(seeded_store):
    with make_client(seeded_store, KOPPEL_CACHE_MB=0) as client:
        for _ in range(2):
            answer = client.get("/api/countries/IRQ")
            assert answer.status_code == 200 and "x-cache" not in answer.headers


@pytest.mark.parametrize("store_kind", ["neo4j"])
def test_neo4j_answers_expire_after_the_ttl(empty_store):
    """Others may write a Neo4j database while it is served: a cached answer lives KOPPEL_CACHE_TTL seconds."""
    small = parse_facts([SMALL])
    empty_store.upsert(small.nodes, small.relationships)
    with make_client(empty_store, KOPPEL_CACHE_TTL=1) as client:
        before = client.get("/api/nodes/Country/IRQ").json()["node"]["name"]
        empty_store.run("MATCH (n:Country {key: 'IRQ'}) SET n.name = 'Irak (renamed)'", read_only=False)
        assert client.get("/api/nodes/Country/IRQ").json()["node"]["name"] == before  # still the cached answer
        time.sleep(1.2)
        assert client.get("/api/nodes/Country/IRQ").json()["node"]["name"] == "Irak (renamed)"
