"""The query catalogue: every query has a header, parses, checks its parameters and runs on both stores alike."""

from __future__ import annotations

import datetime as dt

import pytest

from koppel.graph.errors import NotFound, ValidationError
from koppel.queries.catalogue import (
    PARAM_TYPES,
    coerce_params,
    entity_columns,
    get_query,
    load_catalogue,
    parse_query,
    run_named,
)

CATALOGUE = load_catalogue()
NAMES = [q.name for q in CATALOGUE]

# Parameters for the required ones, chosen so every query finds something in the seed.
SAMPLES = {
    "iso3": "IRQ",
    "target": "AFG",
    "group_key": "zijderoutelanden",
    "start_key": "linkage-afg-luchtvaartverdrag",
    "type": "LINKS",
    "end_key": "afg-luchtvaartverdrag",
    "key": "boedapest-proces",
    "from": "NLD",
    "to": "GHA",
    "text": "irak",
}


def test_the_catalogue_has_at_least_fifteen_documented_queries():
    assert len(CATALOGUE) >= 15
    assert len(set(NAMES)) == len(NAMES)
    for query in CATALOGUE:
        assert query.question.endswith("?"), query.name
        assert query.columns, query.name
        for param in query.parameters:
            assert param.type in PARAM_TYPES and param.description, (query.name, param.name)
            assert param.required or param.default is not None, (query.name, param.name)
        for column in query.columns:
            assert column.description, (query.name, column.name)
        assert "$" not in query.question


# Queries over the data layers (issue 12) find nothing in the letter's seed alone; they run with rows on
# the default load in tests/queries/test_returns.py.
DATA_LAYER_QUERIES = {"returns-trend", "returns-nl-fell-eu-did-not", "visa-required-weak-cooperation", "coalition-candidates"}


@pytest.mark.parametrize("name", NAMES)
def test_every_query_runs_on_both_stores_with_identical_results(seeded_store, agree, name):
    query = get_query(name)
    params = {p.name: SAMPLES[p.name] for p in query.parameters if p.required}
    result = run_named(seeded_store, name, params)
    assert result.columns == [c.name for c in query.columns]
    if name not in DATA_LAYER_QUERIES:
        assert result.rows, f"{name} finds nothing in the seed with {params}"
    agree(seeded_store, name, result.rows)


def test_answers_a_strategist_expects(seeded_store):
    dossiers = {r["key"]: r for r in run_named(seeded_store, "country-dossiers", {"iso3": "AFG"}).records()}
    assert dossiers["afg-luchtvaartverdrag"]["wanted_by"] == ["AFG"]
    assert dossiers["afg-luchtvaartverdrag"]["linkages"] == ["linkage-afg-luchtvaartverdrag"]
    weak = {r["country"]: r for r in run_named(seeded_store, "weak-return-cooperation", {}).records()}
    assert {"AFG", "GHA", "IND", "IRQ", "SOM", "somaliland"} <= set(weak)
    assert weak["AFG"]["level"] == "refuses"
    assert {"key": "afg-luchtvaartverdrag", "label": "Dossier", "domain": "aviation"}.items() <= weak["AFG"]["wants"][0].items()
    cuts = run_named(seeded_store, "linked-dossiers", {"iso3": "GHA"}).records()
    assert any(r["direction"] == "negative" and r["domain"] == "development_aid" and r["outcome"] == "partial" for r in cuts)
    members = [r["key"] for r in run_named(seeded_store, "group-members", {"group_key": "zijderoutelanden"}).records()]
    assert members == ["AFG", "BGD", "CHN", "IND", "IRN", "IRQ", "PAK"]
    forums = run_named(seeded_store, "shared-forums", {"iso3": "AFG"}).records()
    assert [f["forum"] for f in forums] == ["boedapest-proces"] and forums[0]["country_direct"] and forums[0]["partner_direct"]
    eu = {(r["country"], r["instrument"]): r["state"] for r in run_named(seeded_store, "eu-instruments", {"iso3": "MAR"}).records()}
    assert eu[("MAR", "mobility_partnership")] == "signed"
    assert eu[("MAR", "readmission_agreement")] == "under_negotiation"
    timeline = run_named(seeded_store, "country-timeline", {"iso3": "IRQ", "from": "2013-01-01"}).records()
    assert [r["date"] for r in timeline] == sorted(r["date"] for r in timeline)
    assert timeline and all(r["date"] >= "2013-01-01" for r in timeline)
    funders = run_named(seeded_store, "who-funds-what", {"donor": "NLD"}).records()
    assert {"project-migratiemanagement-zijderoutelanden", "project-somalische-immigratiedienst"} <= {r["project"] for r in funders}
    evidence = run_named(seeded_store, "relationship-evidence", {"start_key": "linkage-afg-luchtvaartverdrag", "type": "LINKS", "end_key": "afg-luchtvaartverdrag"}).records()
    assert len(evidence) == 1 and evidence[0]["sources"] and evidence[0]["relationship"]["_type"] == "LINKS"
    path = run_named(seeded_store, "shortest-connection", {"from": "NLD", "to": "IRQ"}).records()
    assert path[0]["hops"] == 2 and path[0]["nodes"][0] == "NLD" and path[0]["nodes"][-1] == "IRQ"


def test_parameters_are_checked_and_coerced():
    query = get_query("country-timeline")
    values = coerce_params(query, {"iso3": " IRQ ", "from": "2013-01-01"})
    assert values == {"iso3": "IRQ", "from": dt.date(2013, 1, 1), "to": dt.date(9999, 12, 31)}
    assert coerce_params(get_query("weak-return-cooperation"), {"levels": "refuses, difficult"}) == {"levels": ["refuses", "difficult"]}
    assert coerce_params(get_query("donors-projects"), {"target": "AFG", "include_groups": "false"})["include_groups"] is False


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("country-dossiers", {}, "'iso3' .* is required"),
        ("country-dossiers", {"iso3": "IRQ", "colour": "red"}, "unknown parameter.*'colour'"),
        ("country-dossiers", {"iso3": "IRQ", "domain": "cheese"}, "'domain' .*'cheese' is not one of"),
        ("country-dossiers", {"iso3": ["IRQ"]}, "'iso3' \\(string\\): expected text"),
        ("country-timeline", {"iso3": "IRQ", "from": "last year"}, "'from' \\(date\\): 'last year' is not a date"),
        ("weak-return-cooperation", {"levels": ["refuses", "awful"]}, "'levels'.*'awful' is not one of"),
        ("donors-projects", {"target": "AFG", "include_groups": "maybe"}, "'include_groups' \\(bool\\)"),
        ("country-dossiers", {"iso3": None}, "'iso3'"),
    ],
)
def test_bad_parameters_name_the_parameter_and_the_reason(name, params, message):
    with pytest.raises(ValidationError, match=message):
        coerce_params(get_query(name), params)


def test_unknown_query_is_not_found():
    with pytest.raises(NotFound, match="no query named 'nope'.*country-dossiers"):
        get_query("nope")


def test_entity_columns_name_nodes_relationships_and_paths():
    assert entity_columns("neighbourhood") == {"nodes": ["neighbour"], "relationships": ["relationship"], "paths": []}
    assert entity_columns("country-dossiers")["nodes"] == ["dossier"]
    assert entity_columns("relationship-evidence")["relationships"] == ["relationship"]
    assert entity_columns(get_query("who-funds-what")) == {"nodes": [], "relationships": [], "paths": []}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("MATCH (n) RETURN n", "no header"),
        ("// name: x\n// question: Why?\n// column n (node): it\n", "not followed by a query"),
        ("// question: Why?\n// column n (node): it\nMATCH (n) RETURN n AS n", "no 'name:'"),
        ("// name: x\n// question: Why?\nMATCH (n) RETURN n AS n", "no 'column'"),
        ("// name: x\n// question: Why?\n// column n (node): it\nMATCH (n {key: $k}) RETURN n AS n", "undeclared parameter"),
        ("// name: x\n// question: Why?\n// param k (string, required): k\n// param j (string, default \"\"): j\n// column n (node): it\nMATCH (n {key: $k}) RETURN n AS n", "not used"),
        ("// name: x\n// question: Why?\n// param k (text, required): k\n// column n (node): it\nMATCH (n {key: $k}) RETURN n AS n", "needs a type"),
        ("// name: x\n// question: Why?\n// param k (string): k\n// column n (node): it\nMATCH (n {key: $k}) RETURN n AS n", "required or has a default"),
        ("// name: x\n// question: Why?\n// param k (string, default 3, values a|b): k\n// column n (node): it\nMATCH (n {key: $k}) RETURN n AS n", "not one of"),
        ("// name: x\n// question: Why?\n// column n (blob): it\nMATCH (n) RETURN n AS n", "unknown type"),
        ("// name: x\n// question: Why?\n// column n (node): it\n// sort: m\nMATCH (n) RETURN n AS n", "undeclared column"),
        ("// name: X Y\n// question: Why?\n// column n (node): it\nMATCH (n) RETURN n AS n", "lower-case"),
        ("// name: x\n// question: Why?\n// colour: red\n// column n (node): it\nMATCH (n) RETURN n AS n", "not a header entry"),
        ("// name: x\n// question: Why?\n// column n (node): it\nMATCH (n) RETURN {{nope(n)}} AS n", "unknown macro"),
    ],
)
def test_bad_headers_are_refused(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_query(text, "x.cypher")


def test_a_header_entry_may_continue_on_the_next_line():
    query = parse_query("// name: x\n// question: Which\n//   nodes?\n// column n (node): the\n//   node.\nMATCH (n) RETURN n AS n")
    assert query.question == "Which nodes?" and query.columns[0].description == "the node."
