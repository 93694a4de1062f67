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
