"""The CLI face's errors and options (tester report on issue 14: items 1, 4, 5, 7, 8, 9, 12, 14).

Every case runs the real ``koppel`` executable (``python -m koppel.api.cli``);
store-dependent cases run on both stores (the seeded store fixtures), and
``koppel serve`` runs for real (the ``serve`` helper of tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import API_TOKEN, SHARED_SOURCES, serve

KOPPEL = [sys.executable, "-m", "koppel.api.cli"]


def koppel(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*KOPPEL, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "KOPPEL_SOURCES": str(SHARED_SOURCES), **(env or {})})


def one_line(done: subprocess.CompletedProcess, code: int) -> str:
    """The single stderr line of a failed command, after checking its exit code and that nothing else was printed."""
    assert done.returncode == code, (done.returncode, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("koppel: error: ") and "Traceback" not in done.stderr
    return lines[0]


@pytest.fixture
def spec(seeded_store) -> str:
    """The ``--store`` spec of the seeded store of each kind."""
    return seeded_store.location


# -- item 1: bad KOPPEL_* numbers for koppel serve --------------------------------------------------

@pytest.mark.parametrize("variable, value", [
    ("KOPPEL_QUERY_TIMEOUT", "x"), ("KOPPEL_QUERY_TIMEOUT", "-1"), ("KOPPEL_CACHE_MB", "-1"), ("KOPPEL_CACHE_MB", "abc"),
    ("KOPPEL_ROW_LIMIT", "0"), ("KOPPEL_MAX_BODY_BYTES", "x"), ("KOPPEL_CACHE_TTL", "x"), ("KOPPEL_QUERY_THREADS", "abc"),
])
def test_serve_refuses_a_bad_number_setting_in_one_line(variable, value, tmp_path):
    done = koppel("serve", "--store", f"embedded:{tmp_path / 'none'}", "--port", "1", env={variable: value})
    assert variable in one_line(done, 2)


# -- item 5: serve checks it can listen before it says "serving" -----------------------------------

def test_serve_on_a_taken_port_or_a_bad_host_is_one_line_exit_2(spec):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = koppel("serve", "--store", spec, "--port", str(port))
    line = one_line(done, 2)
    assert f"--port {port}" in line and "serving" not in done.stderr
    done = koppel("serve", "--store", spec, "--host", "999.1.1.1", "--port", "8799")
    assert "--host 999.1.1.1" in one_line(done, 2) and "serving" not in done.stderr


# -- item 12: serve's settings reach its workers in a private file, not in their environment --------

def _children(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").iterdir():
            kids = (task / "children").read_text().split()
            found += [int(k) for k in kids]
            todo += [int(k) for k in kids]
    return found


def _serve_pid(port: str) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in argv and port.encode() in argv and b"koppel.api.cli" in argv:
                return int(entry.name)
    raise AssertionError(f"no koppel serve on port {port}")


def test_serve_hands_settings_to_workers_in_a_private_file(spec):
    import urllib.request

    password = os.environ.get("NEO4J_PASSWORD", "a-password-0123") if spec.startswith(("bolt", "neo4j")) else "a-password-0123"
    with serve(spec, {"NEO4J_PASSWORD": password}, workers=2) as base:
        # the ad-hoc query worker too (a child of a worker): /api/cypher starts it
        request = urllib.request.Request(f"{base}/api/cypher", data=json.dumps({"cypher": "MATCH (c:Country) RETURN count(c) AS n"}).encode(),
                                         headers={"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.status == 200
        workers = _children(_serve_pid(base.rsplit(":", 1)[1]))
        assert len(workers) >= 2
        handed = set()
        for pid in workers:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            assert password.encode() not in environ and API_TOKEN.encode() not in environ, pid
            variables = dict(v.split(b"=", 1) for v in environ.split(b"\0") if b"=" in v)
            assert b"KOPPEL_SERVE_SETTINGS" not in variables  # the old JSON hand-over
            handed.add(variables[b"KOPPEL_SERVE_SETTINGS_FILE"].decode())
        (file,) = handed
        assert stat.S_IMODE(os.stat(file).st_mode) == 0o600 and stat.S_IMODE(os.stat(Path(file).parent).st_mode) == 0o700
        assert json.loads(Path(file).read_text())["api_tokens"] == API_TOKEN
    assert not Path(file).exists() and not Path(file).parent.exists()  # removed when serve ends


# -- item 4: export -o to a place it cannot write -----------------------------------------------------

def test_export_to_an_unusable_path_is_one_line_and_writes_nothing(spec, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for target, words in [("/proc/nope/x.json", "does not exist"), (str(tmp_path), "is a folder"), (f"{a_file}/x.json", "is not a folder")]:
        line = one_line(koppel("export", "--store", spec, "-o", target), 2)
        assert target in line and words in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.geteuid() != 0:  # root writes anywhere
        assert "cannot write there" in one_line(koppel("export", "--store", spec, "-o", str(locked / "x.json")), 2)
        assert not list(locked.iterdir())


def test_export_json_is_format_json(spec, tmp_path):
    as_json = koppel("export", "--store", spec, "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert as_json.stdout == koppel("export", "--store", spec, "--format", "json").stdout and json.loads(as_json.stdout)["nodes"]
    assert "exclude each other" in one_line(koppel("export", "--store", spec, "--json", "--format", "gexf"), 2)
    written = tmp_path / "out.json"
    assert koppel("export", "--store", spec, "--json", "-o", str(written)).returncode == 0
    assert written.read_text() == as_json.stdout and [p.name for p in tmp_path.iterdir()] == ["out.json"]


# -- item 5: every message on one line; the driver's own log line stays out ----------------------------

def test_a_multi_line_yaml_message_is_one_line(spec, tmp_path):
    weights = tmp_path / "w.yaml"
    weights.write_text("weights: [\n  demand: 0.3\n")
    line = one_line(koppel("linkages", "AFG", "--weights", str(weights), "--store", spec), 4)
    assert str(weights) in line and "line 3" in line


def test_weights_with_a_key_given_twice_are_refused_naming_key_and_line(spec, tmp_path):
    weights = tmp_path / "w.yaml"
    weights.write_text("demand:\n  prior: 0.5\n  prior: 0.7\n")
    line = one_line(koppel("linkages", "AFG", "--weights", str(weights), "--store", spec), 4)
    assert "duplicate key 'prior'" in line and "line 3" in line and "line 2" in line


def test_unreachable_neo4j_is_one_line_without_the_drivers_log(neo4j_env):
    port = neo4j_env["NEO4J_URI"].rsplit(":", 1)[1]
    for uri in ["bolt://127.0.0.1:1", "bolt://", f"neo4j+s://127.0.0.1:{port}"]:
        assert "cannot reach Neo4j" in one_line(koppel("stats", "--store", uri), 3)  # one line: no driver log line before it


# -- item 7: query --json is the route's answer ------------------------------------------------------

def test_query_json_is_the_routes_rows(spec):
    from koppel.api.app import create_app
    from koppel.api.settings import ApiSettings

    settings = ApiSettings(KOPPEL_STORE=spec, KOPPEL_SOURCES=str(SHARED_SOURCES), KOPPEL_API_TOKENS=API_TOKEN)
    with TestClient(create_app(settings)) as client:
        over_http = client.post("/api/queries/country-dossiers", json={"params": {"iso3": "IRQ"}})
        assert over_http.status_code == 200, over_http.text
        from_cli = json.loads(koppel("query", "country-dossiers", "--param", "iso3=IRQ", "--json", "--store", spec).stdout)
        assert from_cli == over_http.json() and {"truncated", "elements"} <= from_cli.keys() and from_cli["rows"]


# -- item 8: returns takes --as-of and --known-by, as GET /api/countries/{iso3}/returns --------------------

def test_returns_as_of_and_known_by_answer_as_the_route(spec):
    from koppel.api.app import create_app
    from koppel.api.settings import ApiSettings

    settings = ApiSettings(KOPPEL_STORE=spec, KOPPEL_SOURCES=str(SHARED_SOURCES))
    with TestClient(create_app(settings)) as client:
        for options, query in [((), ""), (("--as-of", "2016-01-01"), "?as_of=2016-01-01"),
                               (("--known-by", "2015-06-30"), "?known_by=2015-06-30"),
                               (("--as-of", "2016-01-01", "--known-by", "2015-06-30"), "?as_of=2016-01-01&known_by=2015-06-30")]:
            done = koppel("returns", "IRQ", *options, "--json", "--store", spec)
            assert done.returncode == 0, done.stderr
            over_http = client.get(f"/api/countries/IRQ/returns{query}")
            assert json.loads(done.stdout) == over_http.json(), options
    assert "--as-of" in one_line(koppel("returns", "IRQ", "--as-of", "soon", "--store", spec), 4)


# -- item 9 and 14: usage errors, exit 2, naming the subcommand's help ----------------------------------

@pytest.mark.parametrize("args, command", [
    (("check", "--json"), "koppel check"),
    (("query",), "koppel query"),
    (("query", "x", "--csv", "--json"), "koppel query"),
    (("analyse",), "koppel analyse"),
    (("review", "--accept"), "koppel review"),
    (("analyse", "brokers"), "koppel analyse brokers"),
    (("clear",), "koppel clear"),
])
def test_usage_errors_are_exit_2_and_name_the_subcommands_help(args, command):
    line = one_line(koppel(*args), 2)
    assert line.endswith(f"(see `{command} --help`)"), line


def test_check_cypher_parser_json_answers_on_stdout():
    done = koppel("check", "--cypher-parser", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"cypher_parser": "runs", "ok": True} and not done.stderr


def test_a_closed_stdout_ends_quietly_with_exit_0(spec):
    for args in (("country", "IRQ"), ("export",), ("query", "country-dossiers", "--param", "iso3=IRQ", "--json")):
        process = subprocess.Popen([*KOPPEL, *args, "--store", spec], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env={**os.environ, "KOPPEL_SOURCES": str(SHARED_SOURCES)})
        process.stdout.close()  # the reader left before the first line (as `| head -0` would)
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=120) == 0 and stderr == "", (args, stderr)


# -- item 14: settings that name the wrong kind of thing --------------------------------------------

def test_an_empty_store_setting_is_the_default_store_either_way(tmp_path):
    home = {"XDG_DATA_HOME": str(tmp_path)}  # the default embedded store lives in the user data folder
    by_variable = koppel("stats", env={**home, "KOPPEL_STORE": ""})
    by_option = koppel("stats", "--store", "", env=home)
    assert one_line(by_variable, 6) == one_line(by_option, 6) and str(tmp_path) in by_option.stderr


def test_a_file_where_a_folder_belongs_is_named_so(spec, tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    assert "is a file, not a store folder" in one_line(koppel("stats", "--store", f"embedded:{a_file}"), 2)
    line = one_line(koppel("check", "--sources", "--store", spec, env={"KOPPEL_SOURCES": str(a_file)}), 2)
    assert str(a_file) in line and "is a file, not a folder" in line


def test_an_unknown_neo4j_database_names_the_setting(neo4j_env):
    line = one_line(koppel("stats", "--store", neo4j_env["NEO4J_URI"], env={**neo4j_env, "NEO4J_DATABASE": "nope"}), 2)
    assert "NEO4J_DATABASE" in line and "nope" in line


# -- item 4: a file where the ingest workspace belongs; review's output files -------------------------

def test_ingest_and_review_with_a_file_as_workspace_are_one_line(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    document = tmp_path / "doc.md"
    document.write_text("# Een brief\n")
    for args in (("ingest", str(document)), ("review", "--accept", "abc"), ("review",)):
        line = one_line(koppel(*args, env={"KOPPEL_INGEST_DIR": str(a_file)}), 2)
        assert "KOPPEL_INGEST_DIR" in line and str(a_file) in line
    for option in ("--export", "--export-decisions"):
        line = one_line(koppel("review", option, "/proc/nope/x.yaml", env={"KOPPEL_INGEST_DIR": str(tmp_path / "space")}), 2)
        assert line.startswith(f"koppel: error: {option} /proc/nope/x.yaml") and "does not exist" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "doc.md"]
