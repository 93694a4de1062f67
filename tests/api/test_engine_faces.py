"""One engine, two faces: every operation of koppel.queries.engine.Koppel in the CLI and over HTTP, answering the same JSON.

Real stores (embedded and Neo4j), real `koppel` processes, the real app.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path as FilePath

import pytest
from fastapi.testclient import TestClient

from koppel.api.app import create_app
from koppel.api.cli import app as cli_app
from koppel.api.settings import ApiSettings
from koppel.queries.engine import OPERATIONS, Koppel

from tests.api.test_cli import SMALL, koppel, one_clear_line
from tests.conftest import API_TOKEN, SHARED_SOURCES

# Not questions: the engine's lifetime and helpers (timeline builds the as-of/known-by rule the operations take).
LIFECYCLE = {"store", "graph", "answers_lifetime", "on_close", "close", "search_index", "ready", "settings", "config", "read_only", "cache_ttl", "timeline"}


def _cli_commands() -> dict[str, set[str]]:
    """Every CLI command path ("analyse brokers") with its option names."""
    import typer.main

    found: dict[str, set[str]] = {}

    def walk(command, prefix: str) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            path = f"{prefix} {name}".strip()
            found[path] = {opt for param in sub.params for opt in getattr(param, "opts", [])}
            walk(sub, path)

    walk(typer.main.get_command(cli_app), "")
    return found


def _http_routes() -> set[str]:
    """Every documented route as "METHOD /path" (from the OpenAPI document: a route must be documented to count)."""
    spec = create_app(ApiSettings(KOPPEL_STORE="embedded:/nonexistent/koppel")).openapi()
    return {f"{method.upper()} {path}" for path, methods in spec["paths"].items() for method in methods}


def test_every_engine_operation_is_in_both_faces():
    public = {name for name, _ in inspect.getmembers(Koppel) if not name.startswith("_")} - LIFECYCLE
    listed = {op.method for op in OPERATIONS}
    assert public == listed, "every public method of the engine is an operation listed in OPERATIONS"
    commands, routes = _cli_commands(), _http_routes()
    for op in OPERATIONS:
        command, *option = op.cli.split(" --") if op.cli else [None]
        assert command in commands, f"{op.method}: no CLI command {command!r}"
        if option:
            assert f"--{option[0]}" in commands[command], f"{op.method}: `koppel {command}` has no --{option[0]}"
        if op.http is None:
            assert op.why_not and op.method in {"check", "load", "clear"}, f"{op.method} is missing over HTTP without a reason"
        else:
            assert op.http in routes, f"{op.method}: no route {op.http}"
    for command in ("neighbourhood", "path", "node"):
        assert command in commands
    for route in ("GET /api/analyse/brokers/{iso3}", "GET /api/analyse/similar/{iso3}", "GET /api/analyse/centrality", "POST /api/countries/{iso3}/linkages"):
        assert route in routes


def test_importing_the_cli_leaves_the_heavy_libraries_alone():
    code = "import sys, koppel.api.cli; print(sorted(m for m in ('fastapi', 'uvicorn', 'networkx', 'pyarrow', 'neo4j', 'ladybug', 'pydantic_settings') if m in sys.modules))"
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert imported == "[]"
    # --help and --version also import none of them, nor rich's tables.
    code = "import sys, runpy; sys.argv = ['koppel', '--version']\ntry:\n    runpy.run_module('koppel.api.cli', run_name='__main__')\nexcept SystemExit:\n    pass\nprint(sorted(m for m in ('fastapi', 'uvicorn', 'networkx', 'pyarrow', 'neo4j', 'ladybug') if m in sys.modules))"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert shown[0].startswith("koppel ") and shown[-1] == "[]"


def test_usage_errors_are_one_line_with_exit_code_2():
    for args, fragment in (
        (("country",), "Missing argument"),
        (("stats", "--bogus"), "No such option: --bogus"),
        (("frobnicate",), "No such command"),
        (("neighbourhood", "IRQ", "--depth", "9"), "--depth"),
    ):
        result = koppel(*args, check=False)
        assert result.returncode == 2, (args, result.stderr)
        message = one_clear_line(result)
        assert len(message.strip().splitlines()) == 1 and fragment in message, message
    version = koppel("--version").stdout
    assert version.startswith("koppel ") and version.split()[1][0].isdigit()
    checked = json.loads(koppel("check", str(SMALL), "--json").stdout)
    assert checked == {"files": [str(SMALL)], "nodes": 8, "relationships": 10}


@pytest.fixture
def served(store_kind, request):
    """The app over the seeded store, and the `--store` spec the CLI needs for the same store."""
    if store_kind == "neo4j":
        _forget_neo4j_seed()  # other tests load their own facts into the shared database: seed it afresh
    seeded_store = request.getfixturevalue("seeded_store")
    settings = ApiSettings(KOPPEL_STORE=seeded_store.location, KOPPEL_SOURCES=str(SHARED_SOURCES), KOPPEL_API_TOKENS=API_TOKEN)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client, seeded_store.location


def test_cli_json_and_http_answer_the_same(served):
    client, spec = served
    pairs = [
        (("stats",), "/api/stats"),
        (("countries",), "/api/countries"),
        (("country", "IRQ"), "/api/countries/IRQ"),
        (("linkages", "AFG"), "/api/countries/AFG/linkages"),
        (("search", "irak", "--limit", "5"), "/api/search?q=irak&limit=5"),
        (("node", "Country", "IRQ"), "/api/nodes/Country/IRQ"),
        (("neighbourhood", "IRQ", "--depth", "2", "--limit", "40"), "/api/graph/neighbourhood?key=IRQ&depth=2&limit=40"),
        (("path", "NLD", "IRQ"), "/api/graph/path?from=NLD&to=IRQ"),
        (("analyse", "brokers", "IRQ"), "/api/analyse/brokers/IRQ"),
        (("analyse", "similar", "GHA", "--top", "5"), "/api/analyse/similar/GHA?top=5"),
        (("analyse", "centrality", "--label", "Forum", "--top", "5"), "/api/analyse/centrality?label=Forum&top=5"),
        (("query", "--list"), "/api/queries"),
        (("returns", "IRQ"), "/api/countries/IRQ/returns"),
        (("returns", "IRQ", "--as-of", "2016-01-01", "--known-by", "2017-01-01"), "/api/countries/IRQ/returns?as_of=2016-01-01&known_by=2017-01-01"),
    ]
    for args, url in pairs:
        from_cli = json.loads(koppel(*args, "--json", *(() if args[0] == "query" else ("--store", spec))).stdout)
        response = client.get(url)
        assert response.status_code == 200, (url, response.text)
        answer = response.json()
        if args == ("stats",):  # over HTTP (no login) the store's kind, never its path or address; the CLI keeps it for the local user
            assert from_cli["location"] == spec and answer["location"] in {"<store>", "embedded:<path>"}, answer["location"]
            assert spec not in response.text and spec.split(":", 1)[1] not in response.text
            from_cli["location"] = answer["location"]
        assert from_cli == answer, f"koppel {' '.join(args)} --json differs from GET {url}"
    path = client.get("/api/graph/path", params={"from": "NLD", "to": "IRQ"}).json()
    assert set(path) == {"nodes", "edges"} and path["nodes"][0]["data"]["id"] == "NLD" and path["nodes"][-1]["data"]["id"] == "IRQ"


def test_linkages_take_weights_on_both_faces(served, tmp_path):
    client, spec = served
    default = client.post("/api/countries/AFG/linkages", json={}).json()
    assert default == client.get("/api/countries/AFG/linkages").json()
    heavy_risk = {"weights": {"risk": 1.0, "positive": 0.9}}
    weighted = client.post("/api/countries/AFG/linkages", json={"weights": heavy_risk})
    assert weighted.status_code == 200, weighted.text
    assert [c["score"] for c in weighted.json()["candidates"]] != [c["score"] for c in default["candidates"]]
    file = tmp_path / "weights.yaml"
    file.write_text(json.dumps(heavy_risk))  # JSON is YAML
    from_cli = json.loads(koppel("linkages", "AFG", "--weights", str(file), "--json", "--store", spec).stdout)
    assert from_cli == weighted.json()
    bad = client.post("/api/countries/AFG/linkages", json={"weights": {"weights": {"demand": 7}}})
    assert 400 <= bad.status_code < 500 and bad.headers["content-type"].startswith("application/problem+json")
    assert "demand" in bad.json()["detail"] and "Traceback" not in bad.text
    # A key given twice is refused, naming it (a JSON parser would keep the last silently), as a weights file refuses it.
    twice = client.post("/api/countries/AFG/linkages", content='{"weights": {"weights": {"demand": 0.3, "demand": 0.9}}}', headers={"Content-Type": "application/json"})
    assert 400 <= twice.status_code < 500 and "'demand' twice" in twice.json()["detail"], twice.text
    # A body nested too deeply to read says so (not "There was an error parsing the body").
    deep = client.post("/api/countries/AFG/linkages", content='{"weights": ' + "[" * 20000 + "]" * 20000 + "}", headers={"Content-Type": "application/json"})
    assert deep.status_code == 400 and "nested too deeply" in deep.json()["detail"], deep.text


def test_openapi_documents_every_response_body(served):
    client, _ = served
    spec = client.get("/openapi.json").json()
    for op in OPERATIONS:
        if op.http is None or op.method == "export":
            continue  # export: text in three formats, declared by media type
        method, path = op.http.split(" ")
        schema = spec["paths"][path][method.lower()]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema.get("$ref", "").startswith("#/components/schemas/"), f"{op.http} documents no response body: {schema}"
    assert client.head("/healthz").status_code == 200


def test_the_linkage_answer_has_the_documented_shape():
    from pydantic import ValidationError as Invalid

    from koppel.queries.answers import Candidate, ExistingLinkage, LinkageAnswer

    assert list(LinkageAnswer.model_fields)[0] == "warnings"
    assert set(Candidate.model_fields) == {
        "key", "kind", "country_specific", "dossier", "direction", "action", "channel", "score", "why", "sources", "precedents", "factors", "reasons", "robustness",
        "inferred",
    }
    assert {"targets", "date", "date_basis", "date_sources", "returns"} <= set(ExistingLinkage.model_fields)
    with pytest.raises(Invalid, match="surprise"):
        LinkageAnswer(country="AFG", surprise=1)
    schema = LinkageAnswer.model_json_schema()
    assert schema["additionalProperties"] is False and schema["$defs"]["Candidate"]["additionalProperties"] is False


def test_a_country_is_found_by_one_rule_on_both_faces(served):
    client, spec = served
    by_code = client.get("/api/countries/IRQ").json()
    for text in ("irq", "Iraq", "irak"):
        assert client.get(f"/api/countries/{text}").json() == by_code, text
    assert json.loads(koppel("country", "Iraq", "--json", "--store", spec).stdout) == by_code
    linkages = json.loads(koppel("linkages", "afghanistan", "--json", "--store", spec).stdout)
    assert linkages == client.post("/api/countries/AFG/linkages", json={}).json()
    assert client.get("/api/analyse/similar/ghana", params={"top": 5}).json() == client.get("/api/analyse/similar/GHA", params={"top": 5}).json()
    missing = client.get("/api/countries/Irakk")
    assert missing.status_code == 404 and "no country 'Irakk' in the graph" in missing.json()["detail"]
    typo = koppel("country", "Irakk", "--store", spec, check=False)
    assert typo.returncode == 6 and one_clear_line(typo).strip() == "koppel: error: no country 'Irakk' in the graph"


def test_a_cleared_store_answers_zero_counts_and_not_found(store_kind, tmp_path, request):
    if store_kind == "embedded":
        spec, env = f"embedded:{tmp_path / 'store'}", {}
    else:
        neo4j = request.getfixturevalue("neo4j_env")
        spec, env = neo4j["NEO4J_URI"], {}
        request.addfinalizer(lambda: _forget_neo4j_seed())
    koppel("load", str(SMALL), "--store", spec, env=env)
    koppel("clear", "--yes", "--schema", "--store", spec, env=env)
    stats = json.loads(koppel("stats", "--json", "--store", spec, env=env).stdout)
    assert stats["nodes"] == 0 and stats["relationships"] == 0 and set(stats["labels"].values()) == {0}
    missing = koppel("country", "IRQ", "--store", spec, env=env, check=False)
    assert missing.returncode == 6 and "no country 'IRQ'" in one_clear_line(missing)
    assert json.loads(koppel("search", "irak", "--json", "--store", spec, env=env).stdout)["results"] == []
    assert koppel("linkages", "IRQ", "--store", spec, env=env, check=False).returncode == 6
    assert json.loads(koppel("export", "--store", spec, env=env).stdout) == {"nodes": [], "relationships": []}
    # Every reading operation answers as Neo4j does after the same clear: no rows, zero counts, or not found; never "Table ... does not exist".
    settings = ApiSettings(KOPPEL_STORE=spec, KOPPEL_SOURCES=str(SHARED_SOURCES), KOPPEL_API_TOKENS=API_TOKEN)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        for args, method, url, body in (
            (("analyse", "centrality"), "GET", "/api/analyse/centrality", None),
            (("analyse", "centrality", "--label", "Forum"), "GET", "/api/analyse/centrality?label=Forum", None),
            (("query", "country-dossiers", "--param", "iso3=IRQ"), "POST", "/api/queries/country-dossiers", {"params": {"iso3": "IRQ"}}),
            (("query", "country-dossiers", "--param", "iso3=IRQ", "--known-by", "2016-01-01"), "POST", "/api/queries/country-dossiers", {"params": {"iso3": "IRQ"}, "known_by": "2016-01-01"}),
            (("countries", "--as-of", "2016-01-01"), "GET", "/api/countries?as_of=2016-01-01", None),
        ):
            from_cli = koppel(*args, "--json", "--store", spec, env=env, check=False)
            assert from_cli.returncode == 0, (args, from_cli.stderr)
            answer = client.request(method, url, json=body)
            assert answer.status_code == 200, (url, answer.text)
            shown = json.loads(from_cli.stdout)
            assert shown.get("rows", []) == [] and shown.get("ranking", []) == [] and shown.get("countries", []) == [] and shown.get("nodes", 0) == 0, shown
            assert "does not exist" not in answer.text
        for args, url in ((("returns", "IRQ"), "/api/countries/IRQ/returns"), (("analyse", "brokers", "IRQ"), "/api/analyse/brokers/IRQ"),
                          (("analyse", "similar", "IRQ"), "/api/analyse/similar/IRQ"), (("node", "Country", "IRQ"), "/api/nodes/Country/IRQ"),
                          (("neighbourhood", "IRQ"), "/api/graph/neighbourhood?key=IRQ"), (("path", "NLD", "IRQ"), "/api/graph/path?from=NLD&to=IRQ")):
            from_cli = koppel(*args, "--store", spec, env=env, check=False)
            assert from_cli.returncode == 6 and "does not exist" not in from_cli.stderr, (args, from_cli.stderr)
            assert client.get(url).status_code == 404, url
        sources = koppel("check", "--sources", "--json", "--store", spec, env=env, check=False)
        assert sources.returncode == 0 and json.loads(sources.stdout) == {"ok": True, "checked": 0, "documents": []}, sources.stderr
        count = "MATCH (c:Country) RETURN count(c) AS n"
        from_cli = koppel("query", "--cypher", count, "--json", "--store", spec, env=env, check=False)
        over_http = client.post("/api/cypher", headers={"Authorization": f"Bearer {API_TOKEN}"}, json={"cypher": count})
        if store_kind == "neo4j":
            assert json.loads(from_cli.stdout)["rows"] == [{"n": 0}] and over_http.json()["rows"] == [{"n": 0}]
        else:  # no tables to run it on: one clear line, the same on both faces
            message = one_clear_line(from_cli)
            assert from_cli.returncode == 6 and "holds no graph" in message and "koppel load" in message, message
            assert over_http.status_code == 404 and "holds no graph" in over_http.json()["detail"], over_http.text


def test_the_app_is_built_from_base_settings_given_in_code(store_kind, seeded_store, monkeypatch, request):
    # Nothing in the environment: koppel's base Settings, given in code, are all the app gets.
    from koppel.graph.settings import Settings

    neo4j = request.getfixturevalue("neo4j_env") if store_kind == "neo4j" else {}
    for name in [n for n in os.environ if n.startswith(("NEO4J_", "KOPPEL_"))]:
        monkeypatch.delenv(name)
    login = {"neo4j_user": neo4j.get("NEO4J_USER", "neo4j"), "neo4j_password": neo4j["NEO4J_PASSWORD"]} if neo4j else {}
    settings = Settings(store=seeded_store.location, sources=SHARED_SOURCES, **login)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        stats = client.get("/api/stats")
        assert stats.status_code == 200, stats.text
        assert stats.json()["nodes"] > 0 and stats.json()["store"] == seeded_store.kind
        assert client.get("/api/countries/IRQ").json()["country"]["key"] == "IRQ"


def _forget_neo4j_seed() -> None:
    from tests.conftest import _Neo4jState

    _Neo4jState.seeded = False


@pytest.mark.neo4j
def test_cypher_runs_on_neo4j_with_credentials_given_in_code(neo4j_env, monkeypatch):
    # Nothing in the environment: the worker process must get the credentials from the settings object.
    for name in [n for n in os.environ if n.startswith(("NEO4J_", "KOPPEL_"))]:
        monkeypatch.delenv(name)
    settings = ApiSettings(store=neo4j_env["NEO4J_URI"], neo4j_user=neo4j_env.get("NEO4J_USER", "neo4j"), neo4j_password=neo4j_env["NEO4J_PASSWORD"], api_tokens=API_TOKEN)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.post(
            "/api/cypher",
            headers={"Authorization": f"Bearer {API_TOKEN}"},
            json={"cypher": "UNWIND [$a, $b] AS x RETURN x * 2 AS twice", "params": {"a": 1, "b": 20}},
        )
        assert response.status_code == 200, response.text
        assert response.json()["rows"] == [{"twice": 2}, {"twice": 40}]
        assert client.get("/readyz").json()["store"] == "neo4j"
        refused = client.post("/api/cypher", headers={"Authorization": f"Bearer {API_TOKEN}"}, json={"cypher": "CREATE (n:Country {key: 'X'})"})
        assert refused.status_code == 403


# -- ingest and review: engine operations with both faces (writes behind the token) -------------

TREATY = SHARED_SOURCES / "treaties" / "BWBV0004487.md"  # read at run time, sent as an upload


def _review_client(store_location: str, workspace, tokens: str = API_TOKEN) -> TestClient:
    # The workspace is given in code: the routes must take it from the settings, not the environment.
    settings = ApiSettings(KOPPEL_STORE=store_location, KOPPEL_SOURCES=str(SHARED_SOURCES), KOPPEL_API_TOKENS=tokens, ingest_dir=workspace)
    return TestClient(create_app(settings), raise_server_exceptions=False)


def test_ingest_and_review_over_http_match_the_cli_and_decisions_load_with_the_cli(store_kind, seeded_store, tmp_path, request, monkeypatch):
    workspace = tmp_path / "workspace"
    monkeypatch.setenv("KOPPEL_INGEST_DIR", str(tmp_path / "not-this-one"))
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    with _review_client(seeded_store.location, workspace) as client:
        upload = {"documents": [{"name": TREATY.name, "text": TREATY.read_text(encoding="utf-8")}]}
        assert client.post("/api/ingest", json=upload).status_code == 401  # writes need the token
        first = client.post("/api/ingest", json=upload, headers=auth)
        assert first.status_code == 200, first.text
        assert first.json()["new"] == ["BWBV0004487"] and first.json()["candidates"] > 3
        assert (workspace / "uploads" / TREATY.name).is_file() and not (tmp_path / "not-this-one").exists()
        again = client.post("/api/ingest", json=upload, headers=auth).json()
        assert again["unchanged"] == ["BWBV0004487"] and again["new"] == [] and again["candidates"] == 0

        listed = client.get("/api/review", params={"document": "BWBV0004487"}, headers=auth)
        assert listed.status_code == 200 and listed.headers["cache-control"] == "no-store"
        assert client.get("/api/review", params={"document": "BWBV0004487"}).status_code == 401  # not served from the response cache
        from_cli = json.loads(koppel("review", "--document", "BWBV0004487", "--workspace", str(workspace), "--sources", str(SHARED_SOURCES), "--json").stdout)
        assert from_cli == {"pending": listed.json()["pending"], "candidates": listed.json()["candidates"]}
        rows = {row["field"]: row for row in listed.json()["candidates"]}
        assert rows["signed_on"]["value"] == {"date": "1969-05-14", "precision": "day"} and "14 mei 1969" in rows["signed_on"]["passage"]

        rejected = rows["signed_place"]["id"]
        decided = client.post("/api/review", json={"by": "http-reviewer", "reject": [rejected], "accept_all_above": 0.9}, headers=auth)
        assert decided.status_code == 200, decided.text
        body = decided.json()
        assert body["decided"] > 1 and body["load"] is None  # the served store stays read-only
        assert body["decisions"] == [{**body["decisions"][0], "candidate": rejected, "decision": "reject", "by": "http-reviewer"}]
        unknown = client.post("/api/review", json={"by": "x", "accept": ["000000000000"]}, headers=auth)
        assert unknown.status_code == 404 and "no candidate '000000000000'" in unknown.json()["detail"]
        bad = client.post("/api/ingest", json={"documents": [{"name": "scan.pdf", "text": "%PDF"}]}, headers=auth)
        assert bad.status_code in (400, 422) and bad.headers["content-type"].startswith("application/problem+json")
        assert not (workspace / "uploads" / "scan.pdf").exists()
    decisions = json.loads((workspace / "decisions.json").read_text(encoding="utf-8"))
    assert decisions[rejected]["decision"] == "reject" and {d["by"] for d in decisions.values()} == {"http-reviewer"}

    # Loading the decisions made over HTTP is the CLI's: `koppel review --load` into a writable store.
    if store_kind == "embedded":
        target = f"embedded:{tmp_path / 'store'}"
    else:
        target = request.getfixturevalue("neo4j_env")["NEO4J_URI"]
        request.addfinalizer(_forget_neo4j_seed)
        koppel("clear", "--yes", "--store", target)
    loaded = json.loads(koppel("review", "--load", "--workspace", str(workspace), "--store", target, "--json").stdout)
    assert loaded["decided"] == 0 and loaded["load"]["nodes_created"] > 0
    assert json.loads(koppel("stats", "--store", target, "--json").stdout)["labels"]["Agreement"] == 1


def test_ingest_and_review_are_off_without_tokens(seeded_store, tmp_path):
    with _review_client(seeded_store.location, tmp_path / "workspace", tokens="") as client:
        response = client.get("/api/review", headers={"Authorization": f"Bearer {API_TOKEN}"})
        assert response.status_code == 403 and response.json()["detail"].startswith("ingest and review are disabled on this server")
    assert not (tmp_path / "workspace").exists()


def test_cli_cypher_goes_through_the_engine_and_is_refused_before_the_store_opens(tmp_path):
    from koppel.graph.errors import ReadOnlyViolation
    from koppel.graph.settings import Settings

    missing = f"embedded:{tmp_path / 'no-store'}"
    with Koppel(Settings(), store=missing) as engine, pytest.raises(ReadOnlyViolation):
        engine.cypher("MATCH (n) DETACH DELETE n")
    refused = koppel("query", "--cypher", "MATCH (n) DETACH DELETE n", "--store", missing, check=False)
    assert refused.returncode != 0 and one_clear_line(refused).startswith("koppel: error: refused")
    assert not (tmp_path / "no-store").exists()


def test_cli_cypher_answers_as_post_api_cypher(served):
    client, spec = served
    cypher = "MATCH (c:Country)<-[:CONCERNS]-(l:Linkage) RETURN c.key AS country, count(l) AS linkages ORDER BY country"
    over_http = client.post("/api/cypher", json={"cypher": cypher}, headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert over_http.status_code == 200, over_http.text
    from_cli = json.loads(koppel("query", "--cypher", cypher, "--store", spec, "--json").stdout)
    assert from_cli == over_http.json() and from_cli["rows"]  # the whole Rows answer: truncated and elements too


def test_the_saved_views_file_comes_from_the_settings(seeded_store, tmp_path, monkeypatch):
    monkeypatch.setenv("KOPPEL_VIEWS_FILE", str(tmp_path / "from-the-environment.json"))
    given = tmp_path / "given-in-code.json"
    settings = ApiSettings(KOPPEL_STORE=seeded_store.location, views_file=given)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        saved = client.post("/api/views", json={"name": "Irak", "hash": "#/country/IRQ"})
        assert saved.status_code == 201, saved.text
    assert json.loads(given.read_text(encoding="utf-8"))["views"][0]["name"] == "Irak"
    assert not (tmp_path / "from-the-environment.json").exists()
    assert ApiSettings(KOPPEL_STORE=seeded_store.location).saved_views == tmp_path / "from-the-environment.json"  # the variable still works


def test_a_views_file_or_workspace_that_cannot_be_written_is_one_clear_error_on_both_faces(seeded_store, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder\n")
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    for where in (tmp_path / "a-file" / "views.json", FilePath("/proc/koppel-none/views.json"), tmp_path):
        settings = ApiSettings(KOPPEL_STORE=seeded_store.location, views_file=where)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            saved = client.post("/api/views", json={"name": "Irak", "hash": "#/country/IRQ"})
            assert saved.status_code == 503 and saved.headers["content-type"].startswith("application/problem+json"), (where, saved.text)
            assert "KOPPEL_VIEWS_FILE" in saved.json()["detail"] and "Traceback" not in saved.text
    for workspace in (a_file, FilePath("/proc/koppel-none/ingest")):
        with _review_client(seeded_store.location, workspace) as client:
            upload = client.post("/api/ingest", headers=auth, json={"documents": [{"name": "BWBV0004487.md", "text": TREATY.read_text(encoding="utf-8")}]})
            listed = client.get("/api/review", headers=auth)
            decided = client.post("/api/review", headers=auth, json={"by": "tester", "accept": ["abc"]})
            for answer in (upload, decided) + ((listed,) if workspace == a_file else ()):
                assert answer.status_code == 503 and "KOPPEL_INGEST_DIR" in answer.json()["detail"], (workspace, answer.text)
        env = {"KOPPEL_INGEST_DIR": str(workspace)}
        for args in (("ingest", str(TREATY)), ("review", "--accept", "abc", "--by", "tester")):
            result = koppel(*args, env=env, check=False)
            message = one_clear_line(result)
            assert result.returncode == 2 and "KOPPEL_INGEST_DIR" in message, (args, result.stderr)
    assert a_file.read_text() == "not a folder\n"


# Fields whose JSON is free-form by nature, so /openapi.json documents them as open objects.
FREE_FORM = {
    ("NodeData", "properties"): "a node's properties: whatever its label's schema holds",
    ("EdgeData", "properties"): "a relationship's properties: whatever its type's schema holds",
    ("NodeAnswer", "node"): "a node's properties",
    ("Profile", "country"): "the Country node's properties",
    ("Rows", "rows"): "query rows: a catalogue query's or ad-hoc Cypher's own columns",
    ("CypherRun", "params"): "ad-hoc Cypher parameters (request)",
    ("NamedQueryRun", "params"): "a catalogue query's parameters, checked against its header (request)",
    ("LinkageRun", "weights"): "the body of a weights file, checked by the weights reader (request)",
    ("DecisionsRequest", "edit"): "candidate id to a corrected value of any field's type (request)",
}
# Fixed shapes not yet given a model (listed so the gap is visible; see the report of issue 14).
NOT_YET_TYPED = {
    ("ExistingLinkage", "returns"), ("DecisionsAnswer", "load"), ("LabelInfo", "style"), ("RelTypeInfo", "style"),
}


def _free_form_fields(spec: dict) -> set[tuple[str, str]]:
    def free(schema: dict) -> bool:
        return schema == {} or (schema.get("type") == "object" and "properties" not in schema and schema.get("additionalProperties") in (True, None, {}))

    found = set()
    for name, model in spec["components"]["schemas"].items():
        for field, schema in (model.get("properties") or {}).items():
            shapes = [schema, *schema.get("anyOf", [])]
            for shape in list(shapes):
                if shape.get("type") == "array":
                    shapes.append(shape.get("items", {}))
                if shape.get("type") == "object" and isinstance(shape.get("additionalProperties"), dict):
                    shapes.append(shape["additionalProperties"])
            if any(free(s) for s in shapes):
                found.add((name, field))
    return found


def test_every_json_answer_in_openapi_is_a_named_model():
    spec = create_app(ApiSettings(KOPPEL_STORE="embedded:/nonexistent/koppel")).openapi()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            body = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json")
            if body is None or path == "/api/export":  # export: koppel's own graph format among GraphML and GEXF, declared by media type
                continue
            assert body["schema"].get("$ref", "").startswith("#/components/schemas/"), f"{method.upper()} {path}: {body['schema']}"
    returns = spec["paths"]["/api/countries/{iso3}/returns"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert returns == {"$ref": "#/components/schemas/ReturnSeries"}
    profile = spec["components"]["schemas"]["Profile"]["properties"]
    assert {"treaties", "returns", "visa"} <= set(profile)
    assert profile["treaties"]["items"] == {"$ref": "#/components/schemas/TreatyGroup"} and profile["visa"]["items"] == {"$ref": "#/components/schemas/VisaRequirement"}
    free = _free_form_fields(spec)
    assert free == set(FREE_FORM) | NOT_YET_TYPED, f"untyped now: {sorted(free - set(FREE_FORM) - NOT_YET_TYPED)}; typed since: {sorted(set(FREE_FORM) | NOT_YET_TYPED - free)}"
