"""Repeated reads give the same rows in the same order on both stores.

The Neo4j store runs a read it has seen return few rows again as one collected
record (``CALL { ... } RETURN collect([...])``, :meth:`Neo4jStore.run`); these
tests hold that form to the rows, order, columns and value shapes of the first
run, and check that a form the server refuses falls back to the query as written.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_neo4j_bulk import small_graph  # noqa: E402  (the same handful of records)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from synthetic import load  # noqa: E402

READS = {
    "ordered": "MATCH (c:Country) RETURN c.key AS key, c.name AS name ORDER BY key DESC",
    "entities": "MATCH (o:ReturnObservation)-[r:OF_CITIZENSHIP]->(c:Country) RETURN o, r, c.key AS country ORDER BY o.key",
    "path and odd column": "MATCH p = (d:Donor)-[:FUNDS]->(:Project) RETURN p, count(*) AS `count(*)` // a trailing comment",
    "aggregate": "UNWIND $keys AS k OPTIONAL MATCH (n {key: k}) RETURN k, n.key IS NOT NULL AS found",
    "empty": "MATCH (c:Country {key: 'nowhere'}) RETURN c.key AS key",
}


def test_repeated_reads_answer_as_the_first(empty_store):
    load(empty_store, small_graph(), progress=False)
    params = {"keys": ["AFG", "nowhere", "NLD"]}
    first = {name: empty_store.run(cypher, params) for name, cypher in READS.items()}
    assert [row[0] for row in first["ordered"].rows] == ["NLD", "AFG"]
    assert first["entities"].rows[0][0]["persons"] == 35 and first["entities"].rows[0][1]["_type"] == "OF_CITIZENSHIP"
    assert first["path and odd column"].columns == ["p", "count(*)"]
    assert first["aggregate"].rows == [["AFG", True], ["nowhere", False], ["NLD", True]]
    assert first["empty"].rows == []
    for _ in range(2):
        for name, cypher in READS.items():
            again = empty_store.run(cypher, params)
            assert (again.columns, again.rows) == (first[name].columns, first[name].rows), name
    if empty_store.kind == "neo4j":
        assert all(empty_store._collected[cypher] for cypher in READS.values())  # the later runs were one record each


def test_a_refused_one_record_form_falls_back(empty_store):
    load(empty_store, small_graph(), progress=False)
    cypher = "MATCH (c:Country) RETURN c.key AS key ORDER BY key"
    assert empty_store.run(cypher).rows == [["AFG"], ["NLD"]]
    if empty_store.kind == "neo4j":
        empty_store._collected[cypher] = ("no_such_column",)  # a form the server refuses (undefined variable)
    assert empty_store.run(cypher).rows == [["AFG"], ["NLD"]]
    if empty_store.kind == "neo4j":
        assert empty_store._collected[cypher] == ()  # run as written from now on
        assert empty_store.run(cypher).rows == [["AFG"], ["NLD"]]
