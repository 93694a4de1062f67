"""Write, admin, file and network attempts sent to /api/cypher: all refused, the graph unchanged."""

from __future__ import annotations

import hashlib
import json

import pytest

from koppel.graph.errors import QueryError, ReadOnlyViolation
from koppel.graph.guard import MAX_NESTING, MAX_NUMBER_LENGTH, check_read_only

from tests.api.test_http import make_client
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
        "UNWIND [1, 2, 3] AS x WITH x WHERE x > 1 RETURN [y IN range(1, x) | y * 2] AS doubled",
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
