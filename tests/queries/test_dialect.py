"""The dialect layer: each macro translated for both stores, and run on both with the same answer."""

from __future__ import annotations

import pytest

from koppel.graph import dialect
from koppel.graph.errors import QueryError


@pytest.mark.parametrize(
    ("macro", "neo4j", "embedded"),
    [
        ("{{type(r)}}", "type(r)", "label(r)"),
        ("{{label(n)}}", "labels(n)[0]", "label(n)"),
        ("{{labels(n)}}", "labels(n)", "[label(n)]"),
        ("{{str(n.amount)}}", "toString(n.amount)", "CAST(n.amount AS STRING)"),
        ("{{keys(nodes(p))}}", "[_x IN nodes(p) | _x.key]", "properties(nodes(p), 'key')"),
        ("{{props(nodes(p), name)}}", "[_x IN nodes(p) | _x.name]", "properties(nodes(p), 'name')"),
        ("{{types(relationships(p))}}", "[_r IN relationships(p) | type(_r)]", "list_transform(relationships(p), _r -> label(_r))"),
        ("{{labels_of(nodes(p))}}", "[_x IN nodes(p) | labels(_x)[0]]", "list_transform(nodes(p), _x -> label(_x))"),
        ("{{all_shortest(p, (a), (b), 1, 4)}}", "p = ALL SHORTEST (a)-[*1..4]-(b)", "p = (a)-[* ALL SHORTEST 1..4]-(b)"),
        ("{{at(l, 0)}}", "l[0]", "l[1]"),
        ("{{at(l, -1)}}", "l[-1]", "l[-1]"),
        ("{{shortest(p, (a), (b {key: $x}), 1, 4)}}", "p = SHORTEST 1 (a)-[*1..4]-(b {key: $x})", "p = (a)-[* SHORTEST 1..4]-(b {key: $x})"),
        ("{{shortest(p, (a), (b), 1, 3, MEMBER_OF|PARTICIPATES_IN)}}", "p = SHORTEST 1 (a)-[:MEMBER_OF|PARTICIPATES_IN*1..3]-(b)", "p = (a)-[:MEMBER_OF|PARTICIPATES_IN* SHORTEST 1..3]-(b)"),
    ],
)
def test_each_macro_translates_for_each_store(macro, neo4j, embedded):
    assert dialect.translate(f"RETURN {macro} AS x", "neo4j") == f"RETURN {neo4j} AS x"
    assert dialect.translate(f"RETURN {macro} AS x", "embedded") == f"RETURN {embedded} AS x"


def test_text_without_macros_is_unchanged():
    cypher = "MATCH (n:Country {key: $k}) RETURN {key: n.key} AS m"
    assert dialect.translate(cypher, "neo4j") == cypher
    assert dialect.translate(cypher, "embedded") == cypher


def test_macros_inside_strings_and_maps_are_found():
    cypher = "MATCH (a)-[r]->(b) RETURN {t: {{type(r)}}, l: {{label(b)}}} AS m"
    assert dialect.translate(cypher, "embedded") == "MATCH (a)-[r]->(b) RETURN {t: label(r), l: label(b)} AS m"


@pytest.mark.parametrize(
    ("cypher", "message"),
    [
        ("RETURN {{nope(x)}}", "unknown macro"),
        ("RETURN {{type((r)", "unbalanced"),
        ("RETURN {{type(r) AS t", "not closed"),
        ("RETURN {{type(a, b)}}", "takes 1 argument"),
        ("RETURN {{shortest(p, a, (b), 1, 4)}}", "not a node pattern"),
        ("RETURN {{shortest(p, (a), (b), one, 4)}}", "not a whole number"),
        ("RETURN {{shortest(p, (a), (b), 1, 4, NOT_A_TYPE)}}", "unknown relationship type"),
        ("RETURN {{props(nodes(p), bad-name)}}", "not a variable name"),
        ("RETURN {{ 1 }}", "does not open a macro"),
    ],
)
def test_bad_macros_are_refused_with_a_reason(cypher, message):
    with pytest.raises(QueryError, match=message):
        dialect.translate(cypher, "neo4j")
    assert dialect.check(cypher)


def test_unknown_store_kind_is_refused():
    with pytest.raises(QueryError, match="unknown store kind"):
        dialect.translate("RETURN 1", "sqlite")


def test_split_args_keeps_nested_commas():
    assert dialect.split_args("p, (a {key: $x, y: 1}), 'a,b', [1, 2]") == ["p", "(a {key: $x, y: 1})", "'a,b'", "[1, 2]"]


def test_nodes_by_key_differs_per_store_and_checks_labels():
    neo4j = dialect.nodes_by_key("neo4j", {"Dossier": ["b", "a"], "Forum": ["f"], "Event": []})
    assert len(neo4j) == 1 and neo4j[0][1] == {"k0": ["a", "b"], "k1": ["f"]}
    embedded = dialect.nodes_by_key("embedded", {"Dossier": ["b", "a"], "Forum": ["f"]})
    assert [params for _, params in embedded] == [{"keys": ["a", "b"]}, {"keys": ["f"]}]
    assert dialect.nodes_by_key("neo4j", {}) == []
    with pytest.raises(KeyError):
        dialect.nodes_by_key("embedded", {"NoSuchLabel": ["x"]})


MACRO_QUERIES = {
    "type": "MATCH (l:Linkage {key: 'linkage-afg-luchtvaartverdrag'})-[r]->(x) RETURN {{type(r)}} AS t, x.key AS k ORDER BY t, k",
    "label": "MATCH (c:Country {key: 'AFG'})<-[r]-(x) RETURN DISTINCT {{label(x)}} AS l ORDER BY l",
    "labels": "MATCH (c:Country {key: 'AFG'}) RETURN {{labels(c)}} AS l",
    "str": "MATCH (p:Project {key: 'project-migratiemanagement-zijderoutelanden'})<-[f:FUNDS]-(:Donor) RETURN {{str(count(f))}} + ' donors' AS s",
    "shortest": (
        "MATCH (a:Country {key: 'NLD'}), (b:Country {key: 'GHA'}) MATCH {{shortest(p, (a), (b), 1, 4)}} "
        "RETURN length(p) AS hops, {{at({{keys(nodes(p))}}, 0)}} AS first, {{at({{labels_of(nodes(p))}}, -1)}} AS last, size({{types(relationships(p))}}) AS rels"
    ),
    "all-shortest": (
        "MATCH (a:Country {key: 'NLD'}), (b:Country {key: 'GHA'}) MATCH {{all_shortest(p, (a), (b), 1, 4)}} "
        "RETURN {{keys(nodes(p))}} AS keys, {{types(relationships(p))}} AS types"
    ),
    "shortest-typed": (
        "MATCH (a:Country {key: 'NLD'}), (b:Country {key: 'IRQ'}) MATCH {{shortest(p, (a), (b), 1, 4, MEMBER_OF|SHARES_PROBLEM_WITH)}} "
        "RETURN {{keys(nodes(p))}} AS keys, {{types(relationships(p))}} AS types, {{at({{props(nodes(p), name)}}, 1)}} AS via"
    ),
}


@pytest.mark.parametrize("name", sorted(MACRO_QUERIES))
def test_macros_run_on_both_stores_with_the_same_answer(seeded_store, agree, name):
    result = seeded_store.run(dialect.translate(MACRO_QUERIES[name], seeded_store.kind))
    assert result.rows, name
    agree(seeded_store, name, [result.columns, sorted(result.rows, key=repr)])  # LadybugDB cannot ORDER BY a list


def test_macro_answers_are_the_expected_ones(seeded_store):
    run = lambda name: seeded_store.run(dialect.translate(MACRO_QUERIES[name], seeded_store.kind)).rows  # noqa: E731
    assert run("labels") == [[["Country"]]]
    assert ["LINKS", "afg-luchtvaartverdrag"] in run("type")
    assert run("str") == [["6 donors"]]
    assert run("shortest") == [[2, "NLD", "Country", 2]]  # several paths of 2 hops: only their ends are fixed
    assert run("shortest-typed") == [[["NLD", "samenwerkende-landen-irak", "IRQ"], ["MEMBER_OF", "SHARES_PROBLEM_WITH"], "Samenwerkende bestemmingslanden inzake terugkeer naar Irak"]]


# -- ad-hoc Neo4j Cypher translated for the embedded store (issue 16) -----------------------------------

@pytest.mark.parametrize(
    ("neo4j", "embedded"),
    [
        ("MATCH (a)-[r]->(b) RETURN type(r) AS t", "MATCH (a)-[r]->(b) RETURN label(r) AS t"),
        ("MATCH (n) RETURN labels(n)[0] AS l", "MATCH (n) RETURN [label(n)][1] AS l"),
        ("RETURN [1, 2, 3][1..2] AS s", "RETURN [1, 2, 3][2..2] AS s"),
        ("RETURN [1, 2, 3][-1] AS s", "RETURN [1, 2, 3][-1] AS s"),
        ("WITH [1] AS l, 0 AS i RETURN l[i] AS x", "WITH [1] AS l, 0 AS i RETURN l[(i)+1] AS x"),
        ("RETURN substring('koppel', 1, 3) AS s", "RETURN substring('koppel', 2, 3) AS s"),
        ("MATCH (c:Country) RETURN c {.key} AS m", "MATCH (c:Country) RETURN { key: c.key} AS m"),
        ("MATCH (n) WHERE n:Country RETURN n.key AS k", "MATCH (n) WHERE (label(n) IN ['Country']) RETURN n.key AS k"),
        ("MATCH (c) WHERE (c)-->() RETURN c.key AS k", "MATCH (c) WHERE EXISTS { MATCH (c)-->() } RETURN c.key AS k"),
        ("MATCH (g:CountryGroup) RETURN g.name AS group", "MATCH (g:CountryGroup) RETURN g.name AS `group`"),
        ("MATCH (a)-[r]->(b) RETURN startNode(r).key AS s", "MATCH (a)-[r]->(b) RETURN a .key AS s"),
        ("MATCH (a)<-[r]-(b) RETURN startNode(r) AS s, endNode(r) AS e", "MATCH (a)<-[r]-(b) RETURN b AS s, a AS e"),
        ("MATCH (n) RETURN elementId(n) AS i", "MATCH (n) RETURN (label(n) + ':' + n.key) AS i"),
        ("RETURN reduce(s = 0, x IN [1, 2] | s * 2 + x) AS r", "RETURN list_reduce(list_concat([ 0], [1, 2] ), (s, x) -> s * 2 + x) AS r"),
        (
            "RETURN reduce(s = 0, x IN ['ab'] | s + size(x)) AS r",
            "RETURN list_reduce(list_concat([ 0], list_transform( ['ab'] , x -> size(x))), (s, x) -> s + x) AS r",
        ),
        (
            "MATCH (c) CALL { WITH c MATCH (c)--(m) RETURN count(m) AS n } RETURN n",
            "MATCH (c) WITH *, COUNT { MATCH (c)--(m) } AS n RETURN n",
        ),
        # strings, comments and backticked names are never rewritten
        ("RETURN 'type(r) labels(n)[0]' AS s // type(r)", "RETURN 'type(r) labels(n)[0]' AS s"),
        ("MATCH (n) RETURN n.`type` AS `labels(n)[0]`", "MATCH (n) RETURN n.type AS `labels(n)[0]`"),
    ],
)
def test_neo4j_cypher_is_translated_from_the_parse(neo4j, embedded):
    assert dialect.adhoc_for("embedded", neo4j) == embedded
    assert dialect.adhoc_for("neo4j", neo4j) == dialect.adhoc_for("neo4j", dialect.adhoc_for("neo4j", neo4j))


@pytest.mark.parametrize(
    ("cypher", "construct", "instead"),
    [
        ("MATCH (n) CALL { WITH n RETURN 1 AS one } RETURN one", "CALL { } subquery", "COUNT { MATCH"),
        ("MATCH ()-[r]->() RETURN elementId(r) AS i", "elementId()", "n.key"),
        ("MATCH (n) WITH n AS m RETURN elementId(m) AS i", "elementId()", "n.key"),
        ("MATCH ()-[r]->() RETURN startNode(r) AS s", "startNode()", "(a)-[r]->(b)"),
        ("MATCH (a)-[r]-(b) RETURN startNode(r) AS s", "startNode()", "directed pattern"),
        ("MATCH (a)-[r*1..2]->(b) RETURN endNode(r) AS s", "endNode()", "directed pattern"),
        ("RETURN duration.between(date('2020-01-01'), date('2021-03-01')).days AS d", "duration.between()", "date(b) - date(a)"),
        ("MATCH (a)-[r]->(b) WITH r, b AS a RETURN startNode(r) AS s", "startNode()", "(a)-[r]->(b)"),
        ("MATCH (a)-[r]->(b) MATCH (b)-[r]->(c) RETURN endNode(r) AS s", "endNode()", "(a)-[r]->(b)"),
        ("MATCH p = (a)-[]-{1,3}(b) RETURN p", "quantified path pattern", "-[:TYPE*1..5]-"),
        ("MATCH (n) CALL { WITH n MATCH (n)--(m) RETURN collect(m) AS ms } RETURN ms", "CALL { } subquery", "RETURN count(*) AS n } is translated"),
        ("MATCH (n) WHERE n:A&B RETURN n", "label expression", "label(n) IN"),
    ],
)
def test_untranslatable_constructs_name_themselves_their_position_and_what_to_write(cypher, construct, instead):
    with pytest.raises(QueryError) as caught:
        dialect.adhoc_for("embedded", cypher)
    message = str(caught.value)
    assert construct in message and "line 1, column" in message and instead in message
    dialect.adhoc_for("neo4j", cypher)  # Neo4j runs it as written


def test_a_translated_query_passes_the_guard_again():
    """The sandbox worker checks what it runs once more: the translation's LadybugDB forms parse."""
    from koppel.graph.guard import check_read_only

    translated = dialect.adhoc_for(
        "embedded", "MATCH p = shortestPath((a)-[*..4]-(b)) RETURN [x IN nodes(p) WHERE x.key <> '' | toString(x.key)] AS k"
    )
    assert "SHORTEST 1..4" in translated.replace(" 4", "4") and "list_filter" in translated
    # The translation is LadybugDB's dialect: koppel's parser re-checks it, Neo4j's grammar checked the original.
    assert check_read_only(translated, neo4j_grammar=False).canonical == translated


def test_the_translation_opens_no_way_around_the_guard():
    """Every attack of the attack lists is refused before any translation, on both store kinds."""
    from koppel.graph.errors import ReadOnlyViolation

    from tests.api.test_cypher_safety import ATTACKS, BYPASSES

    for cypher in ATTACKS + [q.replace("{port}", "1") for q in BYPASSES]:
        for kind in dialect.KINDS:
            with pytest.raises(ReadOnlyViolation):
                dialect.adhoc_for(kind, cypher)


def test_element_id_of_a_node_is_koppels_label_and_key_on_both_stores():
    """elementId(n) names a node the same way on both stores: '<label>:<key>', not Neo4j's database-bound id."""
    cypher = "MATCH (n)-[r]->(m) WHERE elementId(m) = 'Country:IRQ' RETURN elementId(n) AS i, elementId(r) AS j"
    assert dialect.adhoc_for("neo4j", cypher) == (
        "MATCH (n)-[r]->(m) WHERE (labels(m)[0] + ':' + m.key) = 'Country:IRQ'"
        " RETURN (labels(n)[0] + ':' + n.key) AS i, elementId(r) AS j"
    )
    with pytest.raises(QueryError, match=r"elementId\(\) at line 1, column 81"):
        dialect.adhoc_for("embedded", cypher)  # a relationship's id has no equal there


def test_explain_dialect_prints_what_runs_on_each_store():
    from tests.api.test_cli import koppel

    shown = koppel("query", "--explain-dialect", "-c", "MATCH (a)-[r]->(b) RETURN type(r) AS t, labels(b) AS l").stdout
    assert "neo4j: MATCH (a)-[r]->(b) RETURN type(r) AS t, labels(b) AS l" in shown
    assert "embedded: MATCH (a)-[r]->(b) RETURN label(r) AS t, [label(b)] AS l" in shown
    refused = koppel("query", "--explain-dialect", "--json", "-c", "MATCH ()-[r]->() RETURN elementId(r) AS i").stdout
    import json

    answers = json.loads(refused)
    assert answers["neo4j"]["runs"] and "elementId()" in answers["embedded"]["refused"]


def test_over_http_the_embedded_store_answers_translated_cypher_or_400(seeded_store):
    from tests.api.test_http import assert_problem, make_client
    from tests.conftest import API_TOKEN

    auth = {"Authorization": f"Bearer {API_TOKEN}"}
    with make_client(seeded_store) as client:
        body = client.post("/api/cypher", json={"cypher": "MATCH (c:Country {key: 'IRQ'}) RETURN labels(c) AS l, c {.key} AS m"}, headers=auth).json()
        assert body["rows"] == [{"l": ["Country"], "m": {"key": "IRQ"}}]
        summed = client.post("/api/cypher", json={"cypher": "MATCH (c:Country) RETURN sum(CASE WHEN c.key = 'IRQ' THEN 1 ELSE 0 END) AS n"}, headers=auth).json()
        assert summed["rows"] == [{"n": 1}]
        named = client.post("/api/cypher", json={"cypher": "MATCH (n:Country {key: 'IRQ'}) RETURN elementId(n) AS i"}, headers=auth)
        assert named.status_code == 200 and named.json()["rows"] == [{"i": "Country:IRQ"}]
        response = client.post("/api/cypher", json={"cypher": "MATCH ()-[r:CONCERNS]->() RETURN elementId(r) AS i LIMIT 1"}, headers=auth)
        if seeded_store.kind == "embedded":
            assert_problem(response, 400, "elementId()", "line 1, column", "n.key")
        else:
            assert response.status_code == 200 and response.json()["rows"][0]["i"]


def test_koppel_serve_finds_no_unsafe_setting_on_the_server_scripts_neo4j_starts(seeded_store):
    """The settings scripts/neo4j writes are the safe ones koppel serve checks for; the embedded store has none."""
    from koppel.graph.guard import unsafe_settings

    assert unsafe_settings(seeded_store) == []
    if seeded_store.kind == "neo4j":
        with seeded_store._session(read_only=True) as session:
            names = {r["name"]: r["value"] for r in session.run("SHOW SETTINGS YIELD name, value WHERE name IN $n RETURN name, value", n=["db.transaction.timeout", "dbms.security.allow_csv_import_from_file_urls"])}
        assert names["dbms.security.allow_csv_import_from_file_urls"] == "false" and names["db.transaction.timeout"] != "0s"
