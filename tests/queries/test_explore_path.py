"""The bounded path search (queries/explore.py:path) on both stores.

The reference below is the earlier search, one node at a time over
:func:`explore.hop`: the level-by-level search must give the same path (nodes
in order, edge ids) for every pair, with and without a timeline.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from koppel.api.app import create_app
from koppel.api.settings import ApiSettings
from koppel.graph.errors import QueryError
from koppel.graph.validity import Timeline
from koppel.queries import explore
from koppel.queries.elements import ElementSet

from tests import conftest
from tests.conftest import SHARED_SOURCES


def one_node_at_a_time(store, source, target, max_steps=4, timeline=None):
    """The earlier path search (breadth-first, two store statements per node), kept as the reference."""
    nodes = {source: explore._shown(timeline, explore.find(store, source)), target: explore._shown(timeline, explore.find(store, target))}
    parent, frontier, seen = {}, [source], {source}
    for _ in range(max_steps):
        if target in seen or not frontier:
            break
        next_frontier = []
        for current in frontier:
            for a, b, rel, neighbour in explore.hop(store, nodes[current], 1000, timeline):
                if neighbour["key"] not in seen:
                    seen.add(neighbour["key"])
                    nodes[neighbour["key"]] = neighbour
                    parent[neighbour["key"]] = (current, a, b, rel)
                    next_frontier.append(neighbour["key"])
        frontier = next_frontier
    elements = ElementSet()
    if source == target:
        elements.add_node(nodes[source])
    elif target in seen:
        keys = [target]
        while keys[-1] != source:
            keys.append(parent[keys[-1]][0])
        keys.reverse()
        for key in keys:
            elements.add_node(nodes[key])
        for key in keys[1:]:
            elements.add_edge(*parent[key][1:])
    return elements.as_dict()


PAIRS = [("NLD", "IRQ"), ("IRQ", "IRQ"), ("GHA", "AFG"), ("AFG", "SOM"), ("ARM", "instrument-grensbewaking"),
         ("toenmalige-minister-voor-immigratie-integratie-en-asiel", "mou-nld-som-gedwongen-terugkeer"),
         ("nederlandse-vertegenwoordigingen", "donor-che"), ("eu-china-top-2013-11-21", "buurlanden-van-irak"),
         ("f-teeven", "CHE"), ("mobiliteitspartnerschappen", "brief-commissie-bhos-2013-10-31")]


@pytest.mark.parametrize("as_of, known_by", [(None, None), (dt.date(2013, 1, 1), None), (None, dt.date(2013, 6, 1))])
def test_paths_are_the_ones_the_earlier_search_found(seeded_store, as_of, known_by):
    timeline = Timeline.of(seeded_store, as_of, known_by) if as_of or known_by else None
    found = 0
    for source, target in PAIRS:
        for steps in (2, 4):
            answer = explore.path(seeded_store, source, target, max_steps=steps, timeline=timeline)
            assert answer == one_node_at_a_time(seeded_store, source, target, steps, timeline), (source, target, steps)
            found += bool(answer["edges"])
    assert found >= 3 or known_by  # the seed's facts are all first reported on 2014-02-25: none known by mid-2013


def test_no_path_when_an_end_has_no_relationship_even_on_a_tiny_budget(empty_store, seed_facts):
    empty_store.upsert(seed_facts.nodes, seed_facts.relationships)
    empty_store.run("CREATE (:Country {key: 'ZZZ', name: 'Nowhere'})", read_only=False)
    assert explore.path(empty_store, "NLD", "ZZZ", budget=1) == {"nodes": [], "edges": []}
    assert explore.path(empty_store, "ZZZ", "NLD", budget=1) == {"nodes": [], "edges": []}


def test_the_search_refuses_past_its_budget_of_nodes_or_time(seeded_store):
    with pytest.raises(QueryError, match=r"reached more than 5 nodes; ask for fewer steps"):
        explore.path(seeded_store, "toenmalige-minister-voor-immigratie-integratie-en-asiel", "mou-nld-som-gedwongen-terugkeer", budget=5)
    with pytest.raises(QueryError, match=r"stopped after 1e-09 s") as refused:
        explore.path(seeded_store, "NLD", "IRQ", timeout=1e-9)
    assert type(refused.value) is QueryError  # a 400 / exit 5, not a 504 timeout: the search itself stopped


@pytest.fixture(scope="module", params=conftest.STORE_KINDS)
def default_load(request, tmp_path_factory) -> str:
    """A store of each kind holding the default load (15,028 nodes), made by `koppel load`; its spec."""
    return conftest.load_default(request, tmp_path_factory, "paths")


def test_the_testers_pairs_answer_on_the_default_load(default_load):
    """IRQ to a treaty with no relationships, and to a node five steps away: empty at once; six steps find the path."""
    def cli(*args):
        return subprocess.run([sys.executable, "-m", "koppel.api.cli", "path", *args, "--json", "--store", default_load],
                              capture_output=True, text=True, timeout=120, env=os.environ.copy())
    settings = ApiSettings(KOPPEL_STORE=default_load, KOPPEL_SOURCES=str(SHARED_SOURCES), KOPPEL_API_TOKENS="")
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        for target in ("treaty-bwbv0001450", "algemene-commissie-bhos"):
            done = cli("IRQ", target)
            assert done.returncode == 0, done.stderr
            assert json.loads(done.stdout) == {"nodes": [], "edges": []}
            response = client.get("/api/graph/path", params={"from": "IRQ", "to": target})
            assert response.status_code == 200 and response.json() == {"nodes": [], "edges": []}
        with conftest.open_test_store(*_kind_and_place(default_load), read_only=True) as store:
            far = explore.path(store, "IRQ", "algemene-commissie-bhos", max_steps=6)
            assert len(far["edges"]) == 5 and [n["data"]["id"] for n in far["nodes"]][::5] == ["IRQ", "algemene-commissie-bhos"]
            near = client.get("/api/graph/path", params={"from": "NLD", "to": "IRQ"}).json()
            assert near == explore.path(store, "NLD", "IRQ") and len(near["edges"]) == 1


def _kind_and_place(spec: str):
    if spec.startswith("embedded:"):
        return "embedded", Path(spec.split(":", 1)[1]), None
    return "neo4j", Path(), {"NEO4J_URI": spec, **{k: v for k, v in os.environ.items() if k.startswith("NEO4J_")}}


def test_over_http_the_search_gets_the_apis_query_timeout(seeded_store, request):
    """GET /api/graph/path stops at KOPPEL_QUERY_TIMEOUT (here a microsecond): 400 problem+json saying so, not a 504."""
    env = request.getfixturevalue("neo4j_env") if seeded_store.kind == "neo4j" else {}
    settings = ApiSettings(KOPPEL_STORE=seeded_store.location, KOPPEL_API_TOKENS="", KOPPEL_QUERY_TIMEOUT="0.000001",
                           NEO4J_USER=env.get("NEO4J_USER", "neo4j"), NEO4J_PASSWORD=env.get("NEO4J_PASSWORD"))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get("/api/graph/path", params={"from": "NLD", "to": "IRQ"})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "stopped after 1e-06 s" in response.json()["detail"]
