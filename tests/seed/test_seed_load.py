"""The seed validates cleanly, loads in one run, loads twice without change, and reads the same from both stores."""

from __future__ import annotations

import warnings
from collections import Counter

from koppel.graph.schema import SCHEMA
from koppel.graph.store import GraphStore, entity
from koppel.loaders import seed_files
from koppel.loaders.facts import parse_facts

SEED_NODES = 179
SEED_RELATIONSHIPS = 482  # 480 + the Algeria initiative (NLD INITIATED, NLD WANTS; issue 10)


def content(store: GraphStore) -> tuple[list, list]:
    return store.all_nodes(), store.all_relationships()


LETTER_DATE = "2014-02-25"  # every seed fact is known from the letter of that date (its statements' source)


def _known_from(label: str) -> str | None:
    """Dated kinds of facts (with a date, as_of or date_signed) are known from the letter's date; things are not dated."""
    return LETTER_DATE if {"date", "as_of", "date_signed"} & set(SCHEMA.node(label).properties) else None


def expected_nodes(facts) -> list[dict]:
    """The nodes as a store must return them: the facts' properties, unset ones left out, dates as ISO strings, inferred properties listed."""
    return sorted(
        (entity("_label", n.label, {"key": n.key, **n.properties, "inferred": sorted(n.inferred or []), "known_from": _known_from(n.label)}) for n in facts.nodes),
        key=lambda n: (n["_label"], n["key"]),
    )


def expected_relationships(facts) -> list[dict]:
    rows = []
    for r in facts.relationships:
        rel = entity("_type", r.type, {**r.properties, "inferred": sorted(r.inferred or [])})
        rows.append({"source": r.start, "target": r.end, **rel})
    return sorted(rows, key=lambda r: (r["_type"], r["source"], r["target"]))


def by_identity(nodes: list[dict], rels: list[dict]) -> tuple[list, list]:
    return (
        sorted(nodes, key=lambda n: (n["_label"], n["key"])),
        sorted(rels, key=lambda r: (r["_type"], r["source"], r["target"])),
    )


def test_the_seed_validates_without_warnings():
    files = seed_files()
    assert "kamerbrief-2014-02-25.yaml" in [f.name for f in files]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        facts = parse_facts(files)
    assert [str(w.message) for w in caught] == []
    assert len(facts.nodes) == SEED_NODES
    assert len(facts.relationships) == SEED_RELATIONSHIPS
    assert len({n.key for n in facts.nodes}) == SEED_NODES, "node keys are unique"
    assert len({(r.start, r.type, r.end) for r in facts.relationships}) == SEED_RELATIONSHIPS


def test_the_seed_loads_in_one_run(empty_store, seed_facts):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = empty_store.upsert(seed_facts.nodes, seed_facts.relationships)
    assert [str(w.message) for w in caught] == []
    assert (report.nodes_created, report.nodes_updated) == (SEED_NODES, 0)
    assert (report.relationships_created, report.relationships_updated) == (SEED_RELATIONSHIPS, 0)
    stats = empty_store.stats()
    assert stats["nodes"] == SEED_NODES and stats["relationships"] == SEED_RELATIONSHIPS
    labels = Counter(n.label for n in seed_facts.nodes)
    types = Counter(r.type for r in seed_facts.relationships)
    assert {k: v for k, v in stats["labels"].items() if v} == dict(labels)
    assert {k: v for k, v in stats["relationship_types"].items() if v} == dict(types)


def test_loading_twice_changes_nothing(empty_store, seed_facts):
    empty_store.upsert(seed_facts.nodes, seed_facts.relationships)
    before = content(empty_store)
    counts_before = empty_store.counts()
    report = empty_store.upsert(seed_facts.nodes, seed_facts.relationships)
    assert (report.nodes_created, report.nodes_updated, report.nodes_unchanged) == (0, 0, SEED_NODES)
    assert (report.relationships_created, report.relationships_updated, report.relationships_unchanged) == (0, 0, SEED_RELATIONSHIPS)
    assert empty_store.counts() == counts_before
    assert content(empty_store) == before


def test_the_store_holds_exactly_the_facts(seeded_store, seed_facts):
    nodes, rels = by_identity(*content(seeded_store))
    assert len(nodes) == SEED_NODES and len(rels) == SEED_RELATIONSHIPS
    expected = expected_nodes(seed_facts)
    differing = [(e, a) for e, a in zip(expected, nodes) if e != a]
    assert not differing, f"{len(differing)} nodes differ from the facts, first: {differing[0]}"
    assert rels == expected_relationships(seed_facts)


def test_values_keep_their_types(seeded_store):
    row = seeded_store.run(
        "MATCH (e:Event {key: 'korting-ontwikkelingshulp-ghana'}), (c:Country {key: 'SOM'}), "
        "(a:Agreement {key: 'eu-mar-mobiliteitspartnerschap'}) "
        "RETURN e.amount_eur AS amount, c.risk_factors AS risks, c.has_iso_code AS iso, "
        "a.date_signed AS signed, a.date_signed = date('2013-06-07') AS is_date"
    ).records()
    assert row == [
        {
            "amount": 10000000.0,
            "risks": ["post_conflict", "failed_state_history", "secession"],
            "iso": True,
            "signed": "2013-06-07",
            "is_date": True,
        }
    ]


def test_both_stores_hold_identical_content(seed_facts, request):
    """The embedded seed and a fresh load into Neo4j return the same nodes, relationships and counts."""
    from tests.conftest import _Neo4jState, open_test_store  # noqa: PLC0415

    embedded_folder = request.getfixturevalue("_embedded_seed")
    env = request.getfixturevalue("neo4j_env")
    results = {}
    with open_test_store("embedded", embedded_folder, None, read_only=True) as embedded:
        results["embedded"] = (content(embedded), embedded.counts(), _probe(embedded))
    with open_test_store("neo4j", embedded_folder, env) as neo4j:
        neo4j.clear()
        _Neo4jState.seeded = False
        neo4j.upsert(seed_facts.nodes, seed_facts.relationships)
        _Neo4jState.seeded = True  # it now holds exactly the seed, as seeded_store expects
        results["neo4j"] = (content(neo4j), neo4j.counts(), _probe(neo4j))
    (e_content, e_counts, e_probe), (n_content, n_counts, n_probe) = results["embedded"], results["neo4j"]
    assert len(e_content[0]) == SEED_NODES and len(e_content[1]) == SEED_RELATIONSHIPS
    assert e_counts == n_counts
    assert e_content[0] == n_content[0]
    assert e_content[1] == n_content[1]
    assert e_probe == n_probe
    # the probe is not vacuous: six donors of the Silk Route project x AFG/IRQ/PAK, the Somaliland
    # portfolio and the Somali immigration-service project
    assert len(e_probe) == 6 * 3 + 2
    assert {"donor": "donor-nld", "amount": None, "project": "project-somalische-immigratiedienst", "country": "SOM"} in e_probe
    assert {"donor": "donor-nld", "amount": 300000.0, "project": "project-migratiemanagement-zijderoutelanden", "country": "IRQ"} in e_probe
    assert {"donor": "donor-nld", "amount": None, "project": "projectenportefeuille-somaliland", "country": "somaliland"} in e_probe


def _probe(store: GraphStore) -> list[dict]:
    return store.run(
        "MATCH (d:Donor)-[f:FUNDS]->(p:Project)-[:BENEFITS]->(c:Country) "
        "RETURN d.key AS donor, f.amount_eur AS amount, p.key AS project, c.key AS country "
        "ORDER BY donor, project, country"
    ).records()
