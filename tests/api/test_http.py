"""The HTTP API on both stores, through FastAPI's TestClient and against a real `koppel serve`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from fastapi.testclient import TestClient

from koppel.api.app import create_app
from koppel.api.settings import ApiSettings

from tests.conftest import API_TOKEN, SHARED_SOURCES

LOCATOR = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie#L70-L75"


def make_client(store, **overrides) -> TestClient:
    settings = ApiSettings(
        KOPPEL_STORE=store.location,
        KOPPEL_SOURCES=str(SHARED_SOURCES),
        KOPPEL_API_TOKENS=overrides.pop("tokens", API_TOKEN),
        **overrides,
    )
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def client(seeded_store):
    with make_client(seeded_store) as test_client:
        yield test_client


def assert_problem(response, status: int, *fragments: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    for fragment in fragments:
        assert fragment in body["detail"], body
    return body


def test_health_and_readiness(client, seeded_store):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["store"] == seeded_store.kind


def test_countries_list_carries_return_cooperation_and_counts(client):
    countries = {c["key"]: c for c in client.get("/api/countries").json()["countries"]}
    assert countries["IRQ"]["name"] == "Irak" and countries["IRQ"]["name_en"] == "Iraq"
    assert countries["IRQ"]["return_cooperation"]["level"] == "difficult"
    assert countries["AFG"]["return_cooperation"]["level"] == "refuses"
    assert countries["IRQ"]["counts"]["dossiers"] >= 2
    assert countries["somaliland"]["has_iso_code"] is False


def test_country_profile_and_as_of(client):
    profile = client.get("/api/countries/irq").json()
    assert profile["country"]["key"] == "IRQ"
    assert [a["level"] for a in profile["return_cooperation"]] == ["difficult"]
    events = profile["events"]
    dates = [e.get("date") for e in events]
    dated = [d for d in dates if d]
    assert dated == sorted(dated) and dates[: len(dated)] == dated  # date order, undated last
    assert all(item["sources"] for section in ("dossiers", "events", "linkages") for item in profile[section])
    earlier = client.get("/api/countries/IRQ", params={"as_of": "2013-01-01"}).json()
    assert len(earlier["events"]) < len(events)
    earlier_dated = [e["date"] for e in earlier["events"] if e.get("date")]
    assert earlier_dated and all(d <= "2013-01-01" for d in earlier_dated)


def test_bad_country_requests_are_4xx_problems(client):
    assert_problem(client.get("/api/countries/XYZ"), 404, "XYZ")
    assert_problem(client.get("/api/countries/IRQ", params={"as_of": "yesterday"}), 422, "as_of")
    for not_a_date in ("0", "1356998400", "2013-02-30", "20130101"):  # no timestamps, no impossible days
        assert_problem(client.get("/api/countries/IRQ", params={"as_of": not_a_date}), 422, "as_of")
        assert_problem(client.get("/api/countries/IRQ/linkages", params={"as_of": not_a_date}), 422, "as_of")
    assert_problem(client.get("/api/countries/I%20Q"), 422)


def test_node_neighbourhood_and_path_are_cytoscape_elements(client):
    node = client.get("/api/nodes/Country/IRQ").json()
    assert node["node"]["label"] == "Country"
    ids = {n["data"]["id"] for n in node["elements"]["nodes"]}
    assert "IRQ" in ids and len(ids) > 5
    for edge in node["elements"]["edges"]:
        data = edge["data"]
        assert data["id"] == f"{data['source']}|{data['type']}|{data['target']}"
        assert {data["source"], data["target"]} <= ids and data["sources"]

    one = client.get("/api/graph/neighbourhood", params={"key": "IRQ", "depth": 1}).json()
    two = client.get("/api/graph/neighbourhood", params={"key": "IRQ", "depth": 2}).json()
    assert len(two["nodes"]) > len(one["nodes"])
    for element in one["nodes"]:
        assert {"id", "label", "type", "name", "properties", "sources"} <= element["data"].keys()
    only = client.get("/api/graph/neighbourhood", params={"key": "IRQ", "labels": "Dossier"}).json()
    assert {n["data"]["type"] for n in only["nodes"]} == {"Country", "Dossier"}
    limited = client.get("/api/graph/neighbourhood", params={"key": "IRQ", "depth": 3, "limit": 10}).json()
    assert len(limited["nodes"]) == 10

    path = client.get("/api/graph/path", params={"from": "NLD", "to": "IRQ"}).json()
    # The same elements shape as every graph payload: nodes in path order, one edge per step.
    assert set(path) == {"nodes", "edges"}
    keys = [n["data"]["id"] for n in path["nodes"]]
    assert keys[0] == "NLD" and keys[-1] == "IRQ" and len(path["edges"]) == len(keys) - 1
    steps = {frozenset((e["data"]["source"], e["data"]["target"])) for e in path["edges"]}
    assert steps == {frozenset(pair) for pair in zip(keys, keys[1:])}
    assert client.get("/api/graph/path", params={"from": "IRQ", "to": "IRQ"}).json()["nodes"][0]["data"]["id"] == "IRQ"


def test_graph_input_errors(client):
    assert_problem(client.get("/api/graph/neighbourhood", params={"key": "IRQ", "depth": 9}), 422, "depth")
    assert_problem(client.get("/api/graph/neighbourhood", params={"key": "nothing-here"}), 404)
    assert_problem(client.get("/api/graph/neighbourhood", params={"key": "IRQ", "labels": "Planet"}), 422, "Planet")
    assert_problem(client.get("/api/nodes/Planet/IRQ"), 422, "Planet")
    assert_problem(client.get("/api/nodes/Forum/IRQ"), 404)


def test_search_tolerates_accents_and_typos(client):
    assert client.get("/api/search", params={"q": "somalie"}).json()["results"][0]["key"] == "SOM"
    assert client.get("/api/search", params={"q": "Iraq"}).json()["results"][0]["key"] == "IRQ"
    assert client.get("/api/search", params={"q": "Afganistan"}).json()["results"][0]["key"] == "AFG"
    assert_problem(client.get("/api/search", params={"q": ""}), 422)


def test_catalogue_lists_and_runs_queries(client):
    catalogue = client.get("/api/queries").json()["queries"]
    assert len(catalogue) >= 15
    assert all(q["question"] and q["columns"] for q in catalogue)
    result = client.post("/api/queries/country-dossiers", json={"params": {"iso3": "IRQ"}}).json()
    assert result["rows"] and result["columns"][0] == "key"
    assert_problem(client.post("/api/queries/no-such-query", json={"params": {}}), 404)
    assert_problem(client.post("/api/queries/country-dossiers", json={"params": {}}), 422, "iso3")


def test_evidence_and_export(client):
    passage = client.get("/api/evidence", params={"locator": LOCATOR}).json()
    assert passage["from_line"] == 70 and passage["to_line"] == 75 and "UNHCR" in passage["text"]
    assert_problem(client.get("/api/evidence", params={"locator": "not a locator"}), 422)
    assert_problem(client.get("/api/evidence", params={"locator": "kamerbrief-2014-02-25-strategische-landenbenadering-migratie#L999"}), 404)
    exported = client.get("/api/export", params={"format": "json"}).json()
    assert len(exported["nodes"]) == 179
    assert client.get("/api/export", params={"format": "graphml"}).text.startswith("<?xml")
    gexf = client.get("/api/export", params={"format": "gexf"})
    assert gexf.headers["content-type"].startswith("application/gexf+xml")
    assert gexf.text.count("<node ") == len(exported["nodes"]) and "<gexf" in gexf.text
    assert_problem(client.get("/api/export", params={"format": "pdf"}), 422)


def test_cypher_needs_a_token_and_is_read_only(client):
    query = {"cypher": "MATCH (c:Country {key: $k}) RETURN c.name AS name", "params": {"k": "IRQ"}}
    assert_problem(client.post("/api/cypher", json=query), 401, "bearer")
    assert_problem(client.post("/api/cypher", json=query, headers={"Authorization": "Bearer wrong"}), 401)
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    assert client.post("/api/cypher", json=query, headers=auth).json()["rows"] == [{"name": "Irak"}]
    assert_problem(client.post("/api/cypher", json={"cypher": "CREATE (n:Forum {key: 'x'})"}, headers=auth), 403, "refused")
    assert_problem(client.post("/api/cypher", json={"cypher": "MATCH (n:Country RETURN n"}, headers=auth), 400)
    # An engine message quoting a long query is cut short, not echoed whole.
    long_invalid = "MATCH (n:Country) WHERE n.name IN [" + ", ".join(f"'{i}'" for i in range(900)) + "] RETURN n.key AS key +"
    detail = assert_problem(client.post("/api/cypher", json={"cypher": long_invalid}, headers=auth), 400)["detail"]
    assert 100 < len(detail) <= 500 and detail.endswith("…")


def test_cypher_paths_come_back_as_nodes_and_directed_edges(client):
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    cypher = "MATCH p = (c:Country {key: 'IRQ'})<-[:CONCERNS]-(l:Linkage) RETURN p ORDER BY l.key LIMIT 2"
    body = client.post("/api/cypher", json={"cypher": cypher}, headers=auth).json()
    elements = body["elements"]
    assert len(body["rows"]) == 2 and len(elements["edges"]) == 2
    for edge in elements["edges"]:
        data = edge["data"]
        assert data["type"] == "CONCERNS" and data["target"] == "IRQ" and data["sources"]
        assert data["id"] == f"{data['source']}|CONCERNS|IRQ" and not any(k.startswith("_") for k in data["properties"])
    assert {e["data"]["source"] for e in elements["edges"]} <= {n["data"]["id"] for n in elements["nodes"]}


def test_cypher_is_disabled_without_configured_tokens(seeded_store):
    with make_client(seeded_store, tokens="") as client:
        assert_problem(client.post("/api/cypher", json={"cypher": "RETURN 1"}), 403, "KOPPEL_API_TOKENS")


def test_row_limit_and_timeout_keep_the_api_responsive(seeded_store, monkeypatch):
    monkeypatch.setenv("KOPPEL_QUERY_MEMORY", "0")  # under the worker's memory cap the runaway query is a 400 first
    with make_client(seeded_store, KOPPEL_ROW_LIMIT=3, KOPPEL_QUERY_TIMEOUT=1) as client:
        auth = {"Authorization": f"Bearer {API_TOKEN}"}
        limited = client.post("/api/cypher", json={"cypher": "MATCH (c:Country) RETURN c.key AS k"}, headers=auth).json()
        assert len(limited["rows"]) == 3 and limited["truncated"] is True
        runaway = "MATCH p = (a)-[*1..6]-(b) RETURN count(*) AS n"
        assert_problem(client.post("/api/cypher", json={"cypher": runaway}, headers=auth), 504)
        assert client.get("/healthz").status_code == 200
        after = client.post("/api/cypher", json={"cypher": "RETURN 1 AS one"}, headers=auth).json()
        assert after["rows"] == [{"one": 1}]


def test_openapi_documents_every_endpoint_with_examples(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in [
        "/api/countries", "/api/countries/{iso3}", "/api/countries/{iso3}/linkages", "/api/nodes/{label}/{key}",
        "/api/graph/neighbourhood", "/api/graph/path", "/api/search", "/api/queries", "/api/queries/{name}",
        "/api/cypher", "/api/evidence", "/api/export", "/healthz", "/readyz",
    ]:
        assert path in paths, path
        for operation in paths[path].values():
            assert operation.get("summary"), path
    assert "examples" in json.dumps(paths["/api/countries/{iso3}"])
    exported = paths["/api/export"]["get"]["responses"]["200"]["content"]
    assert {"application/json", "application/graphml+xml", "application/gexf+xml"} <= set(exported)


# -- a real server process ---------------------------------------------------------------------

def fetch(url: str, *, data: dict | None = None, headers: dict | None = None) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=json.dumps(data).encode() if data is not None else None, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_live_server_answers_the_frontend(live_server):
    status, _, profile = fetch(f"{live_server}/api/countries/AFG")
    assert status == 200 and profile["country"]["name"] == "Afghanistan"
    status, _, body = fetch(f"{live_server}/api/cypher", data={"cypher": "MATCH (n) DETACH DELETE n"}, headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert status == 403 and "refused" in body["detail"]
    status, _, body = fetch(f"{live_server}/api/cypher", data={"cypher": "RETURN 1 AS one", "pad": "x" * 100_000})
    assert status == 413
    status, _, stats = fetch(f"{live_server}/api/countries")
    assert status == 200 and len(stats["countries"]) == 28
    # A second request comes from memory, and a client holding the ETag gets 304.
    status, headers, _ = fetch(f"{live_server}/api/countries")
    assert status == 200 and headers["x-cache"] == "hit"
    request = urllib.request.Request(f"{live_server}/api/countries", headers={"If-None-Match": headers["etag"]})
    with pytest.raises(urllib.error.HTTPError) as not_modified:  # urllib reports a 304 as an error
        urllib.request.urlopen(request, timeout=30)
    assert not_modified.value.code == 304 and not_modified.value.read() == b""


@pytest.mark.parametrize("store_kind", ["neo4j"])
def test_live_server_on_neo4j(seeded_store):
    from tests.conftest import serve

    with serve(seeded_store.location) as base:
        status, _, body = fetch(f"{base}/api/countries/IRQ")
        assert status == 200 and body["return_cooperation"][0]["level"] == "difficult"
        status, _, body = fetch(f"{base}/api/cypher", data={"cypher": "MATCH (c:Country) RETURN count(c) AS n"}, headers={"Authorization": f"Bearer {API_TOKEN}"})
        assert status == 200 and body["rows"] == [{"n": 28}]


def test_linkages_endpoint_explains_each_candidate(client):
    result = client.get("/api/countries/AFG/linkages").json()
    assert result["country"] == "AFG"
    linked = {item["dossier"]["key"] for item in result["existing"] if item.get("dossier")}
    assert "afg-luchtvaartverdrag" in linked
    assert result["candidates"], result["missing"]
    for candidate in result["candidates"]:
        assert 0.0 <= candidate["score"] <= 1.0
        assert candidate["dossier"]["key"] not in linked
        assert candidate["reasons"] and any(r["path"]["nodes"] and r["sources"] for r in candidate["reasons"])
    scores = [c["score"] for c in result["candidates"]]
    assert scores == sorted(scores, reverse=True)
    earlier = client.get("/api/countries/AFG/linkages", params={"as_of": "2001-01-01"}).json()
    assert earlier["as_of"] == "2001-01-01"
    assert sum(len(e["targets"]) for e in earlier["existing"]) < sum(len(e["targets"]) for e in result["existing"])  # one row per linkage; later targets drop
    assert_problem(client.get("/api/countries/XYZ/linkages"), 404)
