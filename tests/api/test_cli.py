"""The CLI end to end, as a person or script runs it: real processes, real stores."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SMALL = Path(__file__).resolve().parent.parent / "data" / "small.yaml"


def koppel(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    result = subprocess.run([sys.executable, "-m", "koppel.api.cli", *args], capture_output=True, text=True, env=full_env, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def store_spec(store_kind, tmp_path, request):
    if store_kind == "embedded":
        return f"embedded:{tmp_path / 'store'}"
    from tests.conftest import _Neo4jState

    env = request.getfixturevalue("neo4j_env")
    koppel("clear", "--yes", "--store", env["NEO4J_URI"])
    _Neo4jState.seeded = False  # the shared database no longer holds the seed: the next seeded_store loads it again
    return env["NEO4J_URI"]


def test_load_stats_query_export_clear(store_spec):
    loaded = json.loads(koppel("load", str(SMALL), "--store", store_spec, "--json").stdout)
    assert loaded["nodes_created"] == 8 and loaded["relationships_created"] == 10
    again = json.loads(koppel("load", str(SMALL), "--store", store_spec, "--json").stdout)
    assert again["nodes_created"] == 0 and again["nodes_updated"] == 0 and again["nodes_unchanged"] == 8  # a reload changes nothing

    stats = json.loads(koppel("stats", "--json", "--store", store_spec).stdout)
    assert stats["nodes"] == 8 and stats["labels"]["Country"] == 2 and stats["location"]

    rows = json.loads(koppel("query", "--cypher", "MATCH (c:Country) WHERE c.key = $k RETURN c.name AS name", "--param", "k=IRQ", "--json", "--store", store_spec).stdout)
    assert rows == {"columns": ["name"], "rows": [{"name": "Irak"}], "truncated": False, "elements": None}  # POST /api/cypher's Rows
    as_csv = koppel("query", "-c", "MATCH (c:Country) RETURN c.key AS key ORDER BY key", "--csv", "--store", store_spec).stdout
    assert as_csv.splitlines() == ["key", "IRQ", "NLD"]

    exported = json.loads(koppel("export", "--format", "json", "--store", store_spec).stdout)
    assert len(exported["nodes"]) == 8 and len(exported["relationships"]) == 10
    graphml = koppel("export", "--format", "graphml", "--store", store_spec).stdout
    assert graphml.startswith("<?xml") and 'id="silk-route-capacity"' in graphml

    koppel("clear", "--yes", "--store", store_spec)
    assert json.loads(koppel("stats", "--json", "--store", store_spec).stdout)["nodes"] == 0


def test_query_is_read_only_unless_write_is_given(store_spec):
    koppel("load", str(SMALL), "--store", store_spec)
    refused = koppel("query", "-c", "MATCH (c:Country {key: 'IRQ'}) SET c.name = 'x'", "--store", store_spec, check=False)
    assert refused.returncode != 0 and "refused" in refused.stderr
    koppel("query", "-c", "MATCH (c:Country {key: 'IRQ'}) SET c.name = 'x'", "--write", "--store", store_spec)
    name = koppel("query", "-c", "MATCH (c:Country {key: 'IRQ'}) RETURN c.name AS n", "--json", "--store", store_spec).stdout
    assert json.loads(name)["rows"] == [{"n": "x"}]


def one_clear_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("koppel: error: ")
    return result.stderr


def test_unknown_store_scheme(tmp_path):
    message = one_clear_line(koppel("stats", "--store", "mysql://localhost/x", check=False))
    assert "unknown store 'mysql://localhost/x'" in message and "bolt://" in message


def test_unreachable_neo4j():
    message = one_clear_line(koppel("stats", "--store", "bolt://127.0.0.1:9", env={"NEO4J_PASSWORD": "x"}, check=False))
    assert "cannot reach Neo4j at bolt://127.0.0.1:9" in message


def test_wrong_neo4j_password(neo4j_env):
    message = one_clear_line(koppel("stats", "--store", neo4j_env["NEO4J_URI"], env={"NEO4J_PASSWORD": "wrong-password"}, check=False))
    assert "refused the credentials" in message


def test_invalid_facts_file_writes_nothing(store_spec, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("document: d\nnodes:\n  - {label: Country, key: NLD, sources: [L1]}\n  - {label: Forum, key: f, name: F, kind: party, sources: [L1]}\n")
    message = one_clear_line(koppel("load", str(bad), "--store", store_spec, check=False))
    assert f"{bad}:4: nodes[1] (key f) field 'kind'" in message
    if store_spec.startswith("embedded:") and not Path(store_spec[9:]).exists():
        return
    assert json.loads(koppel("stats", "--json", "--store", store_spec).stdout)["nodes"] == 0


def test_invalid_cypher_gives_the_engines_message_with_position(store_spec):
    koppel("load", str(SMALL), "--store", store_spec)
    message = one_clear_line(koppel("query", "-c", "MATCH (n:Country RETURN n", "--store", store_spec, check=False))
    assert "line" in message.lower() or "position" in message.lower() or "offset" in message.lower()


def test_bad_param_and_missing_confirmation(store_spec):
    one_clear_line(koppel("query", "-c", "RETURN 1", "--param", "novalue", "--store", store_spec, check=False))
    message = one_clear_line(koppel("clear", "--store", store_spec, check=False))
    assert "--yes" in message


def test_neo4j_routing_uri_works_unchanged(neo4j_env):
    """neo4j:// (routing: a cluster or Aura) reaches the same server as bolt://."""
    routing = neo4j_env["NEO4J_URI"].replace("bolt://", "neo4j://")
    stats = json.loads(koppel("stats", "--json", "--store", routing).stdout)
    assert stats["store"] == "neo4j" and stats["location"] == routing


def test_a_reading_command_runs_each_query_on_one_thread_unless_told_otherwise(tmp_path, monkeypatch):
    """The CLI asks one question per process: its read-only engine opens the embedded store with one worker thread per query
    (ladybug's own setting says so); KOPPEL_QUERY_THREADS overrides it, and loads keep the engine's default (one per core)."""
    from koppel.api import cli

    spec = f"embedded:{tmp_path / 'store'}"
    koppel("load", str(SMALL), "--store", spec)

    def threads(**engine_args) -> str:
        cli._settings.cache_clear()
        with cli._engine(spec, **engine_args) as engine:
            return engine.store.run("CALL current_setting('threads') RETURN *").rows[0][0]

    monkeypatch.delenv("KOPPEL_QUERY_THREADS", raising=False)
    assert threads() == "1"
    assert threads(read_only=False) == str(os.cpu_count())
    monkeypatch.setenv("KOPPEL_QUERY_THREADS", "2")
    assert threads() == "2"
    cli._settings.cache_clear()


@pytest.mark.parametrize(("value", "problem"), [("many", "valid integer"), ("-1", "greater than or equal to 0"), ("1000", "less than or equal to 256")])
def test_a_bad_query_threads_setting_is_one_line_naming_the_variable(tmp_path, value, problem):
    message = one_clear_line(koppel("linkages", "AFG", "--store", f"embedded:{tmp_path / 'store'}", env={"KOPPEL_QUERY_THREADS": value}, check=False))
    assert "setting KOPPEL_QUERY_THREADS" in message and problem in message
