"""One suite, both stores: identical behaviour for identical input."""

from pathlib import Path

import pytest

from koppel.graph.errors import QueryError, ReadOnlyViolation
from koppel.graph.store import GraphStore
from koppel.loaders.facts import parse_facts

SMALL = Path(__file__).resolve().parent.parent / "data" / "small.yaml"


@pytest.fixture(scope="module")
def small():
    return parse_facts([SMALL])


def content(store: GraphStore) -> tuple[list, list]:
    return store.all_nodes(), store.all_relationships()


def test_load_creates_every_node_and_relationship(empty_store, small):
    report = empty_store.upsert(small.nodes, small.relationships)
    assert report.nodes_created == 8 and report.relationships_created == 10
    stats = empty_store.stats()
    assert stats["nodes"] == 8 and stats["relationships"] == 10
    assert stats["labels"]["Donor"] == 1 and stats["relationship_types"]["FUNDS"] == 1


def test_loading_twice_changes_nothing(empty_store, small):
    empty_store.upsert(small.nodes, small.relationships)
    before = content(empty_store)
    report = empty_store.upsert(small.nodes, small.relationships)
    assert (report.nodes_created, report.nodes_updated, report.nodes_unchanged) == (0, 0, 8)
    assert (report.relationships_created, report.relationships_updated, report.relationships_unchanged) == (0, 0, 10)
    assert content(empty_store) == before


def test_properties_round_trip(empty_store, small):
    empty_store.upsert(small.nodes, small.relationships)
    irq = empty_store.run("MATCH (c:Country {key: $key}) RETURN c", {"key": "IRQ"}).value()
    assert irq["_label"] == "Country"
    assert irq["name"] == "Irak" and irq["has_iso_code"] is True
    assert irq["risk_factors"] == ["mass_displacement"]
    assert irq["sources"] == ["test-doc#L2-L3"]
    visit = empty_store.run("MATCH (e:Event) RETURN e.date AS date, e.date >= date('2013-01-01') AS after").records()
    assert visit == [{"date": "2013-07-01", "after": True}]
    funds = empty_store.run("MATCH (:Donor)-[r:FUNDS]->(p:Project) RETURN r.amount_eur, p.amount_eur").rows
    assert funds == [[300000.0, 300000.0]]


def test_both_stores_hold_identical_content(small, request, tmp_path):
    from tests.conftest import _Neo4jState, open_test_store  # noqa: PLC0415

    env = request.getfixturevalue("neo4j_env")
    results = []
    for kind in ("embedded", "neo4j"):
        with open_test_store(kind, tmp_path / "embedded", env) as store:
            store.clear()
            store.upsert(small.nodes, small.relationships)
            results.append(content(store))
            results.append(store.run(
                "MATCH (c:Country)<-[:BENEFITS]-(p:Project)<-[f:FUNDS]-(d:Donor) "
                "RETURN c.key AS country, p.name AS project, f.amount_eur AS amount, d.key AS donor"
            ).records())
            store.clear()
    _Neo4jState.seeded = False
    assert results[0] == results[2]
    assert results[1] == results[3] == [
        {"country": "IRQ", "project": "Capaciteit migratiemanagement Zijderoute", "amount": 300000.0, "donor": "donor-nld"}
    ]


def test_a_load_failing_midway_leaves_the_store_unchanged(empty_store, small):
    first = [n for n in small.nodes if n.label == "Country"]
    empty_store.upsert(first, [])
    before = content(empty_store)

    def fail_after_nodes(stage, done):
        if stage == "relationships":
            raise RuntimeError("simulated failure midway")

    with pytest.raises(RuntimeError, match="midway"):
        empty_store.upsert(small.nodes, small.relationships, progress=fail_after_nodes)
    assert content(empty_store) == before


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:Forum {key: 'x', name: 'x', kind: 'dialogue', sources: ['d#L1']})",
        "MERGE (n:Forum {key: 'x'})",
        "MATCH (n:Country {key: 'IRQ'}) SET n.name = 'changed'",
        "MATCH (n:Country {key: 'IRQ'}) DETACH DELETE n",
        "MATCH ()-[r:FUNDS]->() DELETE r",
    ],
)
def test_read_only_runs_refuse_writes(empty_store, small, cypher):
    empty_store.upsert(small.nodes, small.relationships)
    before = content(empty_store)
    with pytest.raises(ReadOnlyViolation):
        empty_store.run(cypher, read_only=True)
    assert content(empty_store) == before


def test_read_only_runs_refuse_schema_changes(empty_store):
    statement = {
        "embedded": "CREATE NODE TABLE Sneaky(key STRING PRIMARY KEY)",
        "neo4j": "CREATE INDEX sneaky IF NOT EXISTS FOR (n:Sneaky) ON (n.key)",
    }[empty_store.kind]
    with pytest.raises(ReadOnlyViolation):
        empty_store.run(statement, read_only=True)


def test_writes_are_allowed_when_asked(empty_store, small):
    empty_store.upsert(small.nodes, small.relationships)
    empty_store.run("MATCH (n:Country {key: 'IRQ'}) SET n.name = 'Irak!'", read_only=False)
    assert empty_store.run("MATCH (n:Country {key: 'IRQ'}) RETURN n.name").value() == "Irak!"


def test_invalid_cypher_names_the_position(empty_store):
    with pytest.raises(QueryError) as caught:
        empty_store.run("MATCH (n:Country RETURN n")
    assert "line" in str(caught.value).lower() or "position" in str(caught.value).lower()


@pytest.mark.parametrize("cypher", ["RETURN 'timeout' AS", "MATCH (n) WHERE n.name = 'read only, interrupted' RETURN m"])
def test_an_invalid_query_quoting_engine_words_is_an_invalid_query(empty_store, cypher):
    """The words of a cancelled or refused query inside an invalid one do not make it either."""
    with pytest.raises(QueryError) as caught:
        empty_store.run(cypher, timeout=5)
    assert type(caught.value) is QueryError


def test_export_to_networkx(empty_store, small):
    empty_store.upsert(small.nodes, small.relationships)
    graph = empty_store.to_networkx()
    assert graph.number_of_nodes() == 8 and graph.number_of_edges() == 10
    assert graph.nodes["IRQ"]["label"] == "Country"
    assert graph.has_edge("donor-nld", "silk-route-capacity", key="FUNDS")
    countries = empty_store.to_networkx(labels=["Country", "CountryGroup"])
    assert set(countries.nodes) == {"NLD", "IRQ", "silk-route"}
    assert list(countries.edges(keys=True)) == [("IRQ", "silk-route", "MEMBER_OF")]


def test_a_path_names_which_way_each_relationship_points(empty_store, small):
    """Walked against its direction, a relationship still says where it starts and ends."""
    empty_store.upsert(small.nodes, small.relationships)
    path = empty_store.run("MATCH p = (g:CountryGroup {key: 'silk-route'})<-[:MEMBER_OF]-(c:Country {key: 'IRQ'}) RETURN p").value()
    assert [n["key"] for n in path["nodes"]] == ["silk-route", "IRQ"]
    (step,) = path["relationships"]
    assert (step["_type"], step["_start"], step["_end"]) == ("MEMBER_OF", "IRQ", "silk-route")


# -- capabilities: where the stores differ, declared by the store (issue 14) ------------------------


def test_each_store_declares_whether_a_waiting_caller_probes_it(seeded_store):
    """Neo4j (a server that can freeze) is probed every few seconds by a fresh Bolt handshake; the embedded store has
    nothing to probe and always answers. The probe answers from the class, without opening the store."""
    import socket
    import time

    from koppel.graph.factory import StoreConfig

    cls = StoreConfig(seeded_store.location).store_class
    assert cls is type(seeded_store)
    assert (cls.probe_interval is not None) == (seeded_store.kind == "neo4j")
    assert cls.answers(seeded_store.location) is True
    if cls.probe_interval is None:
        return
    assert 0 < cls.probe_interval <= 10
    with socket.socket() as silent:  # accepts connections, never answers a handshake: a frozen server
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()
        assert cls.answers(f"bolt://127.0.0.1:{silent.getsockname()[1]}") is False
        assert time.monotonic() - started < 10
    with socket.socket() as gone:  # nothing listening: refused at once
        gone.bind(("127.0.0.1", 0))
        port = gone.getsockname()[1]
    assert cls.answers(f"bolt://127.0.0.1:{port}") is False


def test_each_store_declares_whether_it_has_server_settings_to_check(seeded_store):
    """Neo4j's settings bear on ad-hoc Cypher (the guard judges them: the test server's are safe); the embedded store has none."""
    from koppel.graph.guard import unsafe_settings

    assert type(seeded_store).server_settings == (seeded_store.kind == "neo4j")
    assert unsafe_settings(seeded_store) == []


def test_a_memory_bound_is_for_read_only_opens(seeded_store, tmp_path):
    """What a bounded reader holds of its bound: the embedded store's buffer pool, nothing on Neo4j (the server's memory)."""
    from koppel.graph.factory import StoreConfig

    cls = type(seeded_store)
    held = cls.memory_held(1 << 30)
    assert held == (256 << 20 if seeded_store.kind == "embedded" else 0)
    assert cls.memory_held(0) == 0 and 0 <= cls.memory_held(8 << 20) <= 64 << 20
    with pytest.raises(ValueError, match="read-only opens"):
        StoreConfig(f"embedded:{tmp_path / 'new'}" if seeded_store.kind == "embedded" else seeded_store.location).open(memory=1 << 30)
