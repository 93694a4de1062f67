"""Loads that change a graph, on both stores: exact reports, replaced properties, typed dates."""

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from koppel.graph.errors import ValidationError
from koppel.graph.models import NodeRecord, RelRecord
from koppel.loaders.facts import parse_facts

SMALL = Path(__file__).resolve().parent.parent / "data" / "small.yaml"


@pytest.fixture(scope="module")
def small():
    return parse_facts([SMALL])


def _changed(small):
    """The small graph again, with the visit moved and its precision unset, and one new event tied to it."""
    nodes, rels = [], []
    for node in small.nodes:
        if node.key == "visit-2013-07":
            node = replace(node, properties={**node.properties, "date": dt.date(2014, 3, 2), "date_precision": None})
        nodes.append(node)
    for rel in small.relationships:
        if rel.type == "INITIATED":
            rel = replace(rel, properties={**rel.properties, "valid_from": None, "valid_to": dt.date(2014, 3, 3)})
        rels.append(rel)
    follow_up = NodeRecord("Event", "follow-up-2014", {"name": "Vervolgbezoek", "kind": "visit", "date": dt.date(2014, 9, 1), "sources": ["test-doc#L10"]})
    rels.append(RelRecord("RESULTED_IN", "visit-2013-07", "follow-up-2014", "Event", "Event", {"sources": ["test-doc#L10"], "valid_from": dt.date(2014, 9, 1)}))
    return [*nodes, follow_up], rels


def test_a_reload_reports_exactly_what_it_created_and_updated(empty_store, small):
    empty_store.upsert(small.nodes, small.relationships)
    nodes, rels = _changed(small)
    report = empty_store.upsert(nodes, rels)
    assert report.as_dict() == {
        "nodes_created": 1, "nodes_updated": 1, "nodes_unchanged": 7,
        "relationships_created": 1, "relationships_updated": 1, "relationships_unchanged": 9,
    }


def test_a_reload_replaces_properties_and_keeps_dates_typed(empty_store, small):
    empty_store.upsert(small.nodes, small.relationships)
    empty_store.upsert(*_changed(small))
    visit = empty_store.run("MATCH (e:Event {key: 'visit-2013-07'}) RETURN e").value()
    assert visit == {"_label": "Event", "key": "visit-2013-07", "name": "Bezoek aan Irak", "kind": "visit", "date": "2014-03-02", "sources": ["test-doc#L9"]}
    initiated = empty_store.run("MATCH (:Country)-[r:INITIATED]->(:Event) RETURN r").value()
    assert initiated == {"_type": "INITIATED", "sources": ["test-doc#L9"], "valid_to": "2014-03-03"}
    typed = empty_store.run(
        "MATCH (a:Event)-[r:RESULTED_IN]->(b:Event) "
        "RETURN a.date = date('2014-03-02') AS a_date, b.date > a.date AS later, r.valid_from = date('2014-09-01') AS rel_date"
    ).records()
    assert typed == [{"a_date": True, "later": True, "rel_date": True}]


def test_a_load_outside_one_transaction_writes_and_reports_the_same(empty_store, small):
    seen = []
    report = empty_store.upsert(small.nodes, small.relationships, atomic=False, progress=lambda stage, done: seen.append((stage, done)))
    assert report.as_dict() == {
        "nodes_created": 8, "nodes_updated": 0, "nodes_unchanged": 0,
        "relationships_created": 10, "relationships_updated": 0, "relationships_unchanged": 0,
    }
    assert seen[-1] == ("relationships", 10) and ("nodes", 8) in seen
    again = empty_store.upsert(small.nodes, small.relationships, atomic=False)
    assert again.as_dict() == {
        "nodes_created": 0, "nodes_updated": 0, "nodes_unchanged": 8,
        "relationships_created": 0, "relationships_updated": 0, "relationships_unchanged": 10,
    }
    assert again.unchanged
    assert empty_store.stats()["nodes"] == 8 and empty_store.stats()["relationships"] == 10


@pytest.mark.parametrize("atomic", [True, False])
def test_a_relationship_to_a_missing_node_is_refused_by_name_and_nothing_is_written(empty_store, small, atomic):
    """Neither store may drop such a row silently (Neo4j's MATCH would) or answer with its engine's words."""
    empty_store.upsert(small.nodes, small.relationships)
    before = (empty_store.all_nodes(), empty_store.all_relationships())
    stray = RelRecord("RESULTED_IN", "visit-2013-07", "no-such-event", "Event", "Event", {"sources": ["test-doc#L11"]})
    known = RelRecord("RESULTED_IN", "visit-2013-07", "follow-up", "Event", "Event", {"sources": ["test-doc#L12"]})
    follow_up = NodeRecord("Event", "follow-up", {"name": "Vervolg", "kind": "visit", "sources": ["test-doc#L12"]})
    with pytest.raises(ValidationError, match="Event 'no-such-event'") as caught:
        empty_store.upsert([follow_up], [known, stray], atomic=atomic)
    assert "follow-up'" not in str(caught.value)  # loaded in the same call, so not missing
    if atomic:
        assert (empty_store.all_nodes(), empty_store.all_relationships()) == before
