"""Write, admin, file and network attempts sent to /api/cypher: all refused, the graph unchanged."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import threading
import time

import neo4j
import pytest

from koppel.graph.errors import QueryError, ReadOnlyViolation
from koppel.graph.guard import MAX_NESTING, MAX_NUMBER_LENGTH, check_read_only

from tests.api.test_cli import SMALL, koppel, one_clear_line, store_spec  # noqa: F401 - store_spec is a fixture
from tests.api.test_http import assert_problem, make_client
from tests.conftest import API_TOKEN

ATTACKS = [
    # writes
    "CREATE (n:Country {key: 'XXX', name: 'x', has_iso_code: false, sources: ['d#L1']})",
    "MERGE (n:Forum {key: 'evil'})",
    "MATCH (n:Country {key: 'IRQ'}) SET n.name = 'pwned'",
    "MATCH (n:Country {key: 'IRQ'}) SET n += {name: 'pwned'}",
    "MATCH (n:Country {key: 'IRQ'}) REMOVE n.name",
    "MATCH (n) DELETE n",
    "MATCH (n) DETACH DELETE n",
    "MATCH ()-[r]->() DELETE r",
    "MATCH (n:Country) WITH n LIMIT 1 CREATE (n)-[:MEMBER_OF]->(:CountryGroup {key: 'g'})",
    "UNWIND range(1, 10) AS i CREATE (:Event {key: toString(i)})",
    "MATCH (n) FOREACH (x IN [1] | SET n.name = 'x')",
    "MATCH (a:Country), (b:Country) MERGE (a)-[:SHARES_PROBLEM_WITH]->(b)",
    "MATCH (n:Country) RETURN n UNION MATCH (m) DETACH DELETE m RETURN m AS n",
    "MATCH (n) CALL { WITH n DETACH DELETE n } RETURN count(*)",
    "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS RETURN 1",
    "RETURN 1; MATCH (n) DETACH DELETE n",
    "MATCH (n) RETURN n // comment\n; CREATE (x:Forum {key: 'y'})",
    "OPTIONAL MATCH (n) WITH n SET n.x = 1 RETURN n",
    # schema and admin
    "CREATE NODE TABLE Evil(key STRING PRIMARY KEY)",
    "CREATE REL TABLE EVIL(FROM Country TO Country)",
    "DROP TABLE Country",
    "ALTER TABLE Country ADD evil STRING",
    "ALTER TABLE Country RENAME TO Land",
    "CREATE INDEX evil FOR (n:Country) ON (n.name)",
    "CREATE CONSTRAINT evil FOR (n:Country) REQUIRE n.name IS UNIQUE",
    "DROP CONSTRAINT country_key",
    "DROP INDEX country_name",
    "CREATE DATABASE evil",
    "DROP DATABASE neo4j",
    "STOP DATABASE neo4j",
    "CREATE USER evil SET PASSWORD 'evil-password'",
    "ALTER USER neo4j SET PASSWORD 'evil-password'",
    "GRANT ROLE admin TO evil",
    "SHOW USERS",
    "SHOW TRANSACTIONS",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "CHECKPOINT",
    "BEGIN TRANSACTION",
    "COMMIT",
    "ROLLBACK",
    "CALL db.clearQueryCaches()",
    "CALL dbms.killQueries(['x'])",
    "CALL dbms.setConfigValue('db.logs.query.enabled', 'off')",
    "CALL show_tables() RETURN *",
    "CALL table_info('Country') RETURN *",
    "CALL db.labels() YIELD label RETURN label",
    "USE system SHOW DATABASES",
    "EXPLAIN CREATE (n:Forum {key: 'z'})",
    "PROFILE MATCH (n) DETACH DELETE n",
    # files and network
    "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
    "LOAD CSV WITH HEADERS FROM 'http://127.0.0.1:1/x.csv' AS row RETURN row",
    "LOAD FROM '/etc/passwd' RETURN *",
    "LOAD FROM '/etc/passwd' (header=false) RETURN count(*)",
    "COPY (MATCH (n) RETURN n.key) TO '/tmp/koppel-exfiltrated.csv'",
    "COPY Country FROM '/tmp/koppel-injected.csv'",
    "EXPORT DATABASE '/tmp/koppel-export'",
    "IMPORT DATABASE '/tmp/koppel-export'",
    "INSTALL httpfs",
    "LOAD EXTENSION httpfs",
    "ATTACH '/tmp/other.lbdb' AS other (dbtype lbug)",
    "RETURN apoc.load.json('http://127.0.0.1:1/x')",
    "CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value",
    "CALL apoc.export.csv.all('/tmp/x.csv', {})",
    "RETURN gds.version()",
    "CALL { LOAD CSV FROM 'file:///etc/hosts' AS l RETURN l } RETURN l",
]


def test_there_are_at_least_fifty_attempts():
    assert len(ATTACKS) >= 50


@pytest.mark.parametrize("cypher", ATTACKS)
def test_the_guard_refuses_each_attempt(cypher):
    with pytest.raises(ReadOnlyViolation):
        check_read_only(cypher)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n:Country {key: $k}) RETURN n.name AS name",
        "MATCH (a)-[r:FUNDS|BENEFITS]->(b) WHERE a.key STARTS WITH 'donor' RETURN a.key, b.key ORDER BY a.key",
        "MATCH (c:Country) WHERE EXISTS { MATCH (c)<-[:CONCERNS]-(:Linkage) } RETURN c.key",
        "MATCH (c:Country) OPTIONAL MATCH (c)<-[:CONCERNS]-(a:Assessment) RETURN c.key, collect(DISTINCT a.level) AS levels",
        "UNWIND [1, 2, 3] AS x WITH x WHERE x > 1 RETURN [y IN range(1, 3) | y * x] AS multiples",
        "MATCH (e:Event) WHERE e.date >= date('2013-01-01') RETURN e.name ORDER BY e.date DESC SKIP 1 LIMIT 3",
        "MATCH (n) WHERE n.name CONTAINS 'Irak' RETURN count(*) AS n",
        "MATCH (c:Country) RETURN c.key AS key, c.name AS type, 1 AS from LIMIT 5",
    ],
)
def test_the_guard_lets_reading_queries_through(cypher):
    check_read_only(cypher)


def content_hash(store) -> str:
    payload = json.dumps([store.all_nodes(), store.all_relationships()], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def test_every_attempt_is_refused_over_http_and_the_graph_is_unchanged(seeded_store):
    before = (seeded_store.counts(), content_hash(seeded_store))
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    accepted = []
    with make_client(seeded_store) as client:
        for cypher in ATTACKS:
            response = client.post("/api/cypher", json={"cypher": cypher}, headers=auth)
            if response.status_code != 403 or "refused" not in response.json().get("detail", ""):
                accepted.append((cypher, response.status_code, response.text[:200]))
        assert client.get("/healthz").status_code == 200
    assert not accepted, accepted
    assert (seeded_store.counts(), content_hash(seeded_store)) == before


@pytest.mark.parametrize("opening, closing", [("(", ")"), ("[", "]"), ("{x: ", "}")])
def test_the_guard_refuses_deep_nesting_as_an_invalid_query(opening, closing):
    """Deeply nested brackets stall or crash the embedded parser; they are refused before it sees them."""
    deep = MAX_NESTING + 1
    with pytest.raises(QueryError, match=f"more than {MAX_NESTING} deep") as caught:
        check_read_only("RETURN " + opening * deep + "1" + closing * deep + " AS x")
    assert not isinstance(caught.value, ReadOnlyViolation)
    check_read_only("RETURN " + opening * MAX_NESTING + "1" + closing * MAX_NESTING + " AS x")


def test_deep_nesting_is_a_400_over_http(seeded_store):
    cypher = "RETURN " + "[" * 1000 + "1" + "]" * 1000 + " AS x"
    with make_client(seeded_store) as client:
        response = client.post("/api/cypher", json={"cypher": cypher}, headers={"Authorization": f"Bearer {API_TOKEN}"})
    assert response.status_code == 400 and "deep" in response.json()["detail"]


def test_the_guard_refuses_overlong_numbers_as_an_invalid_query():
    """The embedded parser's time grows with the square of a number's length; no number needs 40 digits."""
    check_read_only("RETURN " + "9" * 19 + " AS big, 1.5e-300 AS small")
    with pytest.raises(QueryError, match=f"at most {MAX_NUMBER_LENGTH}") as caught:
        check_read_only("RETURN " + "0" * 5000)
    assert not isinstance(caught.value, ReadOnlyViolation)


# -- bypasses found against Neo4j 5.26 (issue 18), written in Neo4j syntax ---------------------------------
# {port} is a local HTTP listener started by the test: no request may reach it.
BYPASSES = [
    # a carriage return alone ends a // comment for Neo4j's lexer
    "//\rSHOW SETTINGS",
    "// x\rSHOW TRANSACTIONS",
    "//\rTERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "MATCH (n:Country {key: 'IRQ'}) //\rSET n.name = 'pwned' RETURN n.key AS k",
    "//\rLOAD CSV FROM 'http://127.0.0.1:{port}/cr' AS line RETURN line",
    "//\rCALL dbms.components() YIELD name RETURN name",
    # \\uXXXX escapes are decoded before lexing, inside and outside strings
    "\\u0053HOW SETTINGS",
    "S\\u0048OW SETTINGS",
    'MATCH (c:Country {key: "IRQ"}) WHERE c.key <> "\\u0022 SET c.name = \\u0022pwned" RETURN c.key AS k',
    "\\uuu0053HOW TRANSACTIONS",
    "\\u004cOAD CSV FROM 'http://127.0.0.1:{port}/escaped' AS line RETURN line",
    "MATCH (n:Country {key: 'IRQ'}) WHERE n.key <> '\\u0027 SET n.name = \\u0027pwned' RETURN n.key AS k",
    "MATCH (n:Country) //\\u000a SET n.name = 'pwned' RETURN n.key AS k",
    "RETURN 1 AS x /* \\u002a/ CREATE (m:Forum {key: 'esc'}) RETURN 2 AS y /* */",
    # other line terminators and white space
    "MATCH (n:Country)\r\nSET n.name = 'pwned' RETURN n.key AS k",
    "\u2028SHOW SETTINGS",
    "\u00a0TERMINATE\u00a0TRANSACTIONS 'neo4j-transaction-1'",
    # administration commands, procedures, files and URLs
    "SHOW SETTINGS YIELD name, value RETURN name, value",
    "SHOW PROCEDURES",
    "SHOW FUNCTIONS",
    "SHOW CURRENT USER",
    "SHOW SERVERS",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "CALL dbms.listConfig() YIELD name RETURN name",
    "CALL db.labels() YIELD label RETURN label",
    "CALL dbms.components()",
    "LOAD CSV FROM 'http://127.0.0.1:{port}/plain' AS line RETURN line",
    "LOAD CSV WITH HEADERS FROM 'file:///etc/passwd' AS row RETURN row",
    "MATCH (c:Country) CALL { LOAD CSV FROM 'http://127.0.0.1:{port}/sub' AS l RETURN l } RETURN c.key, l",
    # functions where an expression stands: map values, list comprehensions, CASE, subqueries
    "RETURN {a: apoc.version()} AS m",
    "RETURN [x IN [1] | apoc.load.json('http://127.0.0.1:{port}/comprehension')] AS l",
    "RETURN [x IN [1] WHERE gds.version() IS NOT NULL] AS l",
    "RETURN CASE WHEN true THEN apoc.load.json('http://127.0.0.1:{port}/case') END AS c",
    "MATCH (c:Country) WHERE EXISTS { MATCH (c) WHERE apoc.meta.type(c) = 'NODE' } RETURN c.key",
    "RETURN {a: {b: apoc.load.json('http://127.0.0.1:{port}/nested')}} AS m",
    # the embedded engine's file and command statements
    "CHECKPOINT",
    "COPY (MATCH (n) RETURN n.key) TO '/tmp/koppel-guard-copy.csv'",
    "LOAD FROM '/etc/passwd' RETURN *",
    "EXPORT DATABASE '/tmp/koppel-guard-export'",
    "INSTALL httpfs",
]

# Constructs whose cost can explode on one row: refused (400) before they run.
COSTLY = [
    ("RETURN size([x IN range(1, 100000000) | x]) AS n", {}),
    ("RETURN size([x IN range(1, $n) | x]) AS n", {"n": 100000000}),
    ("RETURN size(range(1, toInteger('100000000'))) AS n", {}),
    ("RETURN [x IN range(1, 1000) | [y IN range(1, 1000) | y]] AS grid", {}),
    ("RETURN size(reduce(s = 'x', i IN range(1, 40) | s + s)) AS n", {}),
    ("MATCH (c:Country) WHERE c.name =~ '(a+)+$' RETURN c.key AS k", {}),
    ("MATCH (c:Country) WHERE c.name =~ '(x|x)*y' RETURN c.key AS k", {}),
    ("MATCH (c:Country) WHERE c.name =~ $re RETURN c.key AS k", {"re": "(.*a){20}"}),
    ("MATCH (c:Country) WHERE c.name =~ c.key + '.*' RETURN c.key AS k", {}),
    ("MATCH p = SHORTEST 1 (a:Country)-[]-+(b:Forum) RETURN length(p) AS n", {}),
    ("MATCH p = shortestPath((a:Country)-[*]-(b:Forum)) RETURN length(p) AS n", {}),
    ("MATCH (a)-[*]-(b) RETURN count(*) AS n", {}),
    ("MATCH (a)-[*2..]-(b) RETURN count(*) AS n", {}),
    ("MATCH (a)-[*1..50]-(b) RETURN count(*) AS n", {}),
    ("MATCH ((a)-[]-(b)){1,} RETURN count(*) AS n", {}),
]


class _Listener:
    """A local HTTP server that records every request path it receives."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                listener.requests.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"a,b\n1,2\n")

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize("cypher", BYPASSES)
def test_the_guard_refuses_each_bypass(cypher):
    with pytest.raises(ReadOnlyViolation, match="refused"):
        check_read_only(cypher.replace("{port}", "1"))


@pytest.mark.parametrize("cypher, params", COSTLY)
def test_the_guard_refuses_each_costly_construct(cypher, params):
    with pytest.raises(QueryError, match="refused") as caught:
        check_read_only(cypher, params)
    assert not isinstance(caught.value, ReadOnlyViolation)


def test_bypasses_and_costly_queries_are_refused_over_http_on_both_stores(seeded_store):
    """Each one is refused (403 or 400), nothing reaches the listener, the graph is unchanged, the server answers."""
    before = (seeded_store.counts(), content_hash(seeded_store))
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    wrong = []
    with _Listener() as listener, make_client(seeded_store) as client:
        for cypher in BYPASSES:
            response = client.post("/api/cypher", json={"cypher": cypher.replace("{port}", str(listener.port))}, headers=auth)
            if response.status_code != 403 or "refused" not in response.json().get("detail", "") or "rows" in response.json():
                wrong.append((cypher, response.status_code, response.text[:200]))
        for cypher, params in COSTLY:
            response = client.post("/api/cypher", json={"cypher": cypher, "params": params}, headers=auth)
            if response.status_code != 400 or "refused" not in response.json().get("detail", ""):
                wrong.append((cypher, response.status_code, response.text[:200]))
        after = client.post("/api/cypher", json={"cypher": "MATCH (c:Country {key: 'IRQ'}) RETURN c.name AS name"}, headers=auth)
        assert after.status_code == 200 and after.json()["rows"] == [{"name": "Irak"}]
    assert not wrong, wrong
    assert listener.requests == []
    assert (seeded_store.counts(), content_hash(seeded_store)) == before


@pytest.mark.parametrize(
    "cypher",
    ["CHECKPOINT", "COPY (MATCH (n) RETURN n.key) TO '{tmp}/copied.csv'", "LOAD FROM '/etc/passwd' RETURN *", "//\rSHOW SETTINGS", "\\u0053HOW TRANSACTIONS"],
)
def test_the_cli_without_write_goes_through_the_guard(store_spec, tmp_path, cypher):
    """`koppel query -c` without --write refuses what the API refuses: one line, exit 5, nothing written."""
    from tests.conftest import _Neo4jState

    _Neo4jState.seeded = False  # store_spec cleared the shared Neo4j database: seeded_store must load the seed again
    koppel("load", str(SMALL), "--store", store_spec)
    before = koppel("stats", "--json", "--store", store_spec).stdout
    result = koppel("query", "-c", cypher.replace("{tmp}", str(tmp_path)), "--store", store_spec, check=False)
    message = one_clear_line(result)
    assert result.returncode == 5 and "refused" in message
    assert not (tmp_path / "copied.csv").exists()
    assert koppel("stats", "--json", "--store", store_spec).stdout == before


def _running_transactions(env: dict[str, str]) -> list[str]:
    """Queries Neo4j is still running, seen from a separate (admin) connection, this one's SHOW left out."""
    with neo4j.GraphDatabase.driver(env["NEO4J_URI"], auth=(env.get("NEO4J_USER", "neo4j"), env["NEO4J_PASSWORD"])) as driver:
        records, _, _ = driver.execute_query("SHOW TRANSACTIONS YIELD currentQuery, status RETURN currentQuery, status")
    return [r["currentQuery"] for r in records if "SHOW TRANSACTIONS" not in (r["currentQuery"] or "")]


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a process so far (0 when it no longer exists)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_after_a_504_the_server_stops_working_on_the_query(seeded_store, request, monkeypatch):
    """A timed-out query leaves nothing running: on Neo4j no transaction is left (SHOW TRANSACTIONS from another
    connection), on the embedded store the worker process that ran it uses no more CPU (or is gone).

    The worker's memory cap is off here: under the default cap ladybug runs out of its buffer pool on this
    query within the second (a 400, see test_a_memory_heavy_query_fails_cleanly_...), and this test is
    about the timeout."""
    monkeypatch.setenv("KOPPEL_QUERY_MEMORY", "0")
    runaway = "MATCH p = (a)-[*1..6]-(b) RETURN count(*) AS n"
    with make_client(seeded_store, KOPPEL_QUERY_TIMEOUT=1) as client:
        auth = {"Authorization": f"Bearer {API_TOKEN}"}
        assert client.post("/api/cypher", json={"cypher": "RETURN 1 AS one"}, headers=auth).status_code == 200
        worker = client.app.state.holder.sandbox._process.pid
        response = client.post("/api/cypher", json={"cypher": runaway}, headers=auth)
        assert response.status_code == 504, response.text
        if seeded_store.kind == "neo4j":
            env = request.getfixturevalue("neo4j_env")
            deadline = time.monotonic() + 5
            while (left := [q for q in _running_transactions(env) if "*1..6" in q]) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert left == [], left
        else:
            # The engine's own timeout interrupts the query (the worker stays, idle) or the worker is killed.
            first = _cpu_seconds(worker)
            time.sleep(1.5)
            second = _cpu_seconds(worker)
            assert second - first < 0.3, f"the worker used {second - first:.2f} s of CPU in the 1.5 s after the 504"
        after = client.post("/api/cypher", json={"cypher": "RETURN 1 AS one"}, headers=auth)
        assert after.status_code == 200 and after.json()["rows"] == [{"one": 1}]


# -- values and rows that explode on one row (issue 18): the guard's static size bound -------------------------
# Neo4j's transaction memory limit does not count lists and strings built inside an expression, so each of these
# could exhaust the heap; the guard refuses them (400), naming the construct and where it stands.
_HUNDRED = "[" + ", ".join(str(i) for i in range(1, 101)) + "]"
EXPLOSIONS = [
    # (class, query, the construct the refusal names)
    ("list doubled through WITH", f"WITH {_HUNDRED} AS a " + " ".join(["WITH a + a AS a"] * 12) + " RETURN size(a) AS n", "'+'"),
    ("list doubled through renaming WITHs", f"WITH {_HUNDRED} AS a WITH a + a AS b WITH b + b AS c WITH c + c AS d WITH d + d AS e"
     " WITH e + e AS f WITH f + f AS g WITH g + g AS h WITH h + h AS i WITH i + i AS j WITH j + j AS k RETURN size(k) AS n", "'+'"),
    ("string doubled", "WITH 'xxxxxxxxxx' AS s " + " ".join(["WITH s + s AS s"] * 14) + " RETURN size(s) AS n", "'+'"),
    ("collected list doubled", "MATCH (n) WITH collect(n) AS a " + " ".join(["WITH a + a AS a"] * 7) + " RETURN size(a) AS n", "'+'"),
    ("stored string doubled", "MATCH (n) WITH n.name AS s " + " ".join(["WITH s + s AS s"] * 7) + " RETURN size(s) AS n", "'+'"),
    ("reduce doubling its accumulator", "RETURN size(reduce(s = 'x', i IN range(1, 40) | s + s)) AS n", "reduce()"),
    ("reduce copying its accumulator in a comprehension", "RETURN size(reduce(s = [1], i IN range(1, 40) | [y IN range(1, 2) | s])) AS n", "reduce()"),
    ("reduce growing past the budget", "RETURN size(reduce(s = [], i IN range(1, 100000) | s + range(1, 100))) AS n", "reduce()"),
    ("comprehension over collect() of collect()", "MATCH (n) WITH collect(n) AS a MATCH (m) WITH collect(a) AS b RETURN size([x IN b | [y IN x | y]]) AS n", "collect()"),
    ("comprehension copying a collected list per element", "MATCH (n) WITH collect(n) AS a RETURN size([x IN a | a]) AS n", "list comprehension"),
    ("comprehension copying a stored list per element", "MATCH (c:Country) RETURN size([a IN c.aliases | c.aliases]) AS n", "list comprehension"),
    ("nested comprehensions", "RETURN size([x IN range(1, 100000) | [y IN range(1, 100000) | y]]) AS n", "list comprehension"),
    ("comprehension copying a list per element", "WITH range(1, 1000) AS r RETURN size([x IN r | r]) AS n", "list comprehension"),
    ("UNWIND chain", "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*) AS n", "UNWIND"),
    ("three UNWINDs", "UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b UNWIND range(1, 1000) AS c RETURN count(*) AS n", "UNWIND"),
    ("collect() over an UNWIND", "UNWIND range(1, 100000) AS i RETURN size(collect(range(1, 100))) AS n", "collect()"),
    ("range() of a computed bound", "MATCH (c:Country) RETURN size([x IN range(1, size(c.name) * 1000000) | x]) AS n", "range()"),
]
# At the edge of the budget: accepted, and both stores answer (and keep answering) without running out of memory.
WITHIN_BUDGET = [
    f"WITH {_HUNDRED} AS a " + " ".join(["WITH a + a AS a"] * 9) + " RETURN size(a) AS n",  # 51,200 elements
    "RETURN size([x IN range(1, 1000) | [y IN range(1, 100) | y]]) AS n",  # 100,000
    "UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b RETURN count(*) AS n",  # 1,000,000 rows
    "MATCH (n) WITH collect(n) AS a " + " ".join(["WITH a + a AS a"] * 6) + " RETURN size(a) AS n",  # 64 copies
    "MATCH (c:Country) RETURN c.key AS key, size([x IN c.aliases | toUpper(x) + '/' + toLower(x)]) AS n ORDER BY key",
]


def test_there_is_an_explosion_of_each_class():
    assert len(EXPLOSIONS) >= 15 and len({name for name, _, _ in EXPLOSIONS}) == len(EXPLOSIONS)


@pytest.mark.parametrize("name, cypher, construct", EXPLOSIONS, ids=[name for name, _, _ in EXPLOSIONS])
def test_the_guard_refuses_each_explosion_naming_the_construct(name, cypher, construct):
    with pytest.raises(QueryError, match="refused") as caught:
        check_read_only(cypher)
    message = str(caught.value)
    assert not isinstance(caught.value, ReadOnlyViolation)
    assert construct in message and "line 1, column" in message, message


@pytest.mark.parametrize("cypher", WITHIN_BUDGET)
def test_the_guard_accepts_queries_at_the_edge_of_the_budget(cypher):
    check_read_only(cypher)


def test_the_size_bound_follows_variables_and_positions():
    """The bound follows a value through WITH and UNWIND, and the refusal points at the construct that breaks it."""
    check_read_only("WITH range(1, 50000) AS a WITH a + a AS b RETURN size(b) AS n")  # 100,000: at the budget
    with pytest.raises(QueryError, match=r"the '\+' at line 2, column 15 would hold up to 150,000 elements") as caught:
        check_read_only("WITH range(1, 50000) AS a WITH a, a + a AS b\nRETURN size(b + a) AS n")
    assert "at most 100,000" in str(caught.value)
    check_read_only("UNWIND [range(1, 60000)] AS r RETURN size(r) AS n")
    with pytest.raises(QueryError, match=r"the '\+' at line 1, column 45 would hold up to 120,000 elements"):
        check_read_only("UNWIND [range(1, 60000)] AS r RETURN size(r + r) AS n")  # UNWIND binds an element's bound
    with pytest.raises(QueryError, match="UNWIND at line 1, column 28 multiplies each row into up to 2,000,000 rows"):
        check_read_only("UNWIND range(1, 2000) AS a UNWIND range(1, $n) AS b RETURN count(*) AS n", {"n": 1000})


def test_explosions_are_refused_and_the_edge_of_the_budget_runs_on_both_stores(seeded_store):
    """Over HTTP on the real store: every explosion is a 400 naming its construct; the queries at the edge of the
    budget answer 200, and the server answers a plain query afterwards (Neo4j's heap was not exhausted)."""
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    wrong = []
    with make_client(seeded_store, KOPPEL_QUERY_TIMEOUT=60) as client:
        for name, cypher, construct in EXPLOSIONS:
            response = client.post("/api/cypher", json={"cypher": cypher}, headers=auth)
            detail = response.json().get("detail", "")
            if response.status_code != 400 or "refused" not in detail or construct not in detail:
                wrong.append((name, response.status_code, response.text[:200]))
        for cypher in WITHIN_BUDGET:
            response = client.post("/api/cypher", json={"cypher": cypher}, headers=auth)
            if response.status_code != 200:
                wrong.append((cypher[:60], response.status_code, response.text[:200]))
        after = client.post("/api/cypher", json={"cypher": "MATCH (c:Country {key: 'IRQ'}) RETURN c.name AS name"}, headers=auth)
        assert after.status_code == 200 and after.json()["rows"] == [{"name": "Irak"}]
    assert not wrong, wrong


# A query within the guard's budget (1,000,000 rows of 100-element lists, kept apart by DISTINCT) that is heavy for
# the engine: without a cap, ladybug's worker grew past 540 MB and took 25 s on it.
HEAVY = "UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b WITH DISTINCT a, b, [x IN range(1, 100) | toString(x + a)] AS r RETURN count(r) AS n"


def test_the_query_memory_setting_is_read_in_bytes():
    from koppel.api.sandbox import DEFAULT_QUERY_MEMORY, query_memory
    from koppel.graph.embedded_store import EmbeddedStore
    from koppel.graph.errors import ConfigError
    from koppel.graph.neo4j_store import Neo4jStore

    assert query_memory("64m") == 64 << 20 and query_memory("2g") == 2 << 30 and query_memory("0") == 0
    assert query_memory("") == DEFAULT_QUERY_MEMORY
    # What the store holds of the bound once open: the embedded store's buffer pool (a quarter, at least 64 MiB); Neo4j nothing.
    assert EmbeddedStore.memory_held(64 << 20) == 64 << 20 and EmbeddedStore.memory_held(2 << 30) == 512 << 20
    assert EmbeddedStore.memory_held(0) == 0 and Neo4jStore.memory_held(2 << 30) == 0
    with pytest.raises(ConfigError, match="KOPPEL_QUERY_MEMORY='lots' is not a size"):
        query_memory("lots")


def test_a_memory_heavy_query_fails_cleanly_within_the_worker_cap_and_the_server_answers(seeded_store, monkeypatch):
    """With KOPPEL_QUERY_MEMORY=64m the embedded store's worker runs out of its own memory on HEAVY: a 400 problem
    saying so, and the next query is answered by a fresh worker. On Neo4j the server's own limits apply: the
    answer is 200 or a clean 4xx/503, and the server answers afterwards."""
    check_read_only(HEAVY)  # the guard lets it through: the cap, not the guard, must contain it
    monkeypatch.setenv("KOPPEL_QUERY_MEMORY", "64m")
    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    with make_client(seeded_store, KOPPEL_QUERY_TIMEOUT=120) as client:
        assert client.post("/api/cypher", json={"cypher": "RETURN 1 AS one"}, headers=auth).status_code == 200
        worker = client.app.state.holder.sandbox._process
        response = client.post("/api/cypher", json={"cypher": HEAVY}, headers=auth)
        if seeded_store.kind == "embedded":
            assert_problem(response, 400, "needed more memory than the 64 MiB", "KOPPEL_QUERY_MEMORY")
            worker.join(10)
            assert not worker.is_alive()  # the worker that ran out of memory is gone
        else:
            assert response.status_code in (200, 400, 503), response.text
            if response.status_code != 200:
                assert_problem(response, response.status_code)
        after = client.post("/api/cypher", json={"cypher": "MATCH (c:Country {key: 'IRQ'}) RETURN c.name AS name"}, headers=auth)
        assert after.status_code == 200 and after.json()["rows"] == [{"name": "Irak"}]


def test_koppel_serve_refuses_a_query_memory_that_is_not_a_size(seeded_store):
    """KOPPEL_QUERY_MEMORY is read before the server starts: one clear line and exit 2 (a configuration error)."""
    result = koppel("serve", "--store", seeded_store.location, "--port", "1", env={"KOPPEL_QUERY_MEMORY": "lots"}, check=False)
    message = one_clear_line(result)
    assert result.returncode == 2 and "KOPPEL_QUERY_MEMORY='lots' is not a size" in message, result.stderr


def test_the_worker_opens_the_embedded_database_with_the_bounded_buffer_pool(seeded_store, monkeypatch):
    """What the worker opens (``StoreConfig.open(read_only=True, memory=...)``): on the embedded store the bounds reach
    ladybug and win over the store's own reader default (a buffer pool of at least 1 GiB); Neo4j opens and answers as
    ever (its memory is the server's). A bound on a writable open is refused."""
    import ladybug

    from koppel.graph.factory import StoreConfig
    from koppel.graph.settings import Settings

    seen: list[dict] = []
    real = ladybug.Database

    def spy(*args, **kwargs):
        seen.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(ladybug, "Database", spy)
    config = StoreConfig.from_settings(Settings(), seeded_store.location)  # Neo4j's credentials: the environment's
    reader = config.open(read_only=True, memory=64 << 20)
    try:
        assert reader.memory_held(64 << 20) == (0 if seeded_store.kind == "neo4j" else 64 << 20)
        assert reader.run("MATCH (c:Country {key: 'IRQ'}) RETURN c.name AS name").records() == [{"name": "Irak"}]
    finally:
        reader.close()
    if seeded_store.kind == "neo4j":
        assert seen == []  # no embedded engine in sight
    else:
        assert len(seen) == 1 and seen[0]["buffer_pool_size"] == 64 << 20 and seen[0]["read_only"] is True
        assert 256 << 20 <= seen[0]["max_db_size"] < 1 << 40  # sized to the file, not ladybug's 8 TiB
        unbounded = config.open(read_only=True)
        unbounded.close()
        assert seen[1]["buffer_pool_size"] >= 1 << 30 or seen[1]["buffer_pool_size"] == 0  # the reader default
        assert "max_db_size" not in seen[1]
    with pytest.raises(ValueError, match="read-only opens"):
        config.open(memory=64 << 20)

def test_the_settings_check_opens_only_a_store_with_server_settings(seeded_store, monkeypatch):
    """``koppel serve``'s background settings check asks the store's capability (``server_settings``): Neo4j is opened
    and its settings read (the test server's are safe: no warning); the embedded store is not opened at all."""
    from koppel.api.sandbox import warn_unsafe_settings
    from koppel.graph.factory import StoreConfig
    from koppel.graph.settings import Settings

    opened: list[bool] = []
    real_open = StoreConfig.open

    def counting_open(self, **kwargs):
        opened.append(kwargs.get("read_only", False))
        return real_open(self, **kwargs)

    monkeypatch.setattr(StoreConfig, "open", counting_open)
    assert warn_unsafe_settings(StoreConfig.from_settings(Settings(), seeded_store.location)) == []
    assert opened == ([True] if seeded_store.kind == "neo4j" else [])
