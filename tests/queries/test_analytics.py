"""Network analytics on the seed: brokers, similar countries and central forums and donors, alike on both stores."""

from __future__ import annotations

import pytest

from koppel.graph.errors import NotFound, ValidationError
from koppel.graph.models import NodeRecord, RelRecord
from koppel.queries.analytics import brokers, centrality, connector_graph, similar


def test_brokers_between_the_netherlands_and_iraq(seeded_store, agree):
    result = brokers(seeded_store, "IRQ")
    agree(seeded_store, "IRQ", result)
    assert result["distance"] == 2 and result["paths"] >= 2
    keys = {b["key"] for b in result["brokers"]}
    assert {"boedapest-proces", "samenwerkende-landen-irak"} <= keys
    assert all(0 < b["share"] <= 1 for b in result["brokers"])
    assert result["examples"] and all(path[0] == "NLD" and path[-1] == "IRQ" for path in result["examples"])
    forum = next(b for b in result["brokers"] if b["key"] == "boedapest-proces")
    assert forum["label"] == "Forum" and forum["name"] == "Budapest Process"


def test_brokers_through_dossiers_and_top_k(seeded_store, agree):
    result = brokers(seeded_store, "SOM")
    agree(seeded_store, "SOM", result)
    assert result["distance"] == 2
    assert {"som-gedwongen-terugkeer", "som-capaciteit-immigratiedienst"} <= {b["key"] for b in result["brokers"]}
    assert [b["label"] for b in result["brokers"]] == ["Dossier"] * len(result["brokers"])
    top = brokers(seeded_store, "SOM", k=1)
    assert len(top["brokers"]) == 1 and top["brokers"][0] == result["brokers"][0]


def test_brokers_refuse_bad_input(seeded_store):
    with pytest.raises(NotFound):
        brokers(seeded_store, "XXX")
    with pytest.raises(ValidationError):
        brokers(seeded_store, "IRQ", k=0)


def test_similar_countries_share_features(seeded_store, agree):
    result = similar(seeded_store, "AFG", top=3)
    agree(seeded_store, "AFG", result)
    assert "group:zijderoutelanden" in result["features"]
    keys = [s["key"] for s in result["similar"]]
    assert keys[:2] == ["IND", "PAK"] and "NLD" not in keys
    assert all(s["shared"] and 0 < s["score"] <= 1 for s in result["similar"])
    scores = [s["score"] for s in result["similar"]]
    assert scores == sorted(scores, reverse=True)
    ghana = similar(seeded_store, "GHA", top=1)
    assert ghana["similar"][0]["key"] == "SOM"  # both difficult, improving, with a capacity offer linked


def test_similar_for_a_country_without_profile(seeded_store):
    # The USA has no assessment or dossiers: its features are its groups, the like-minded countries on Iraq among them.
    result = similar(seeded_store, "USA")
    assert "group:samenwerkende-landen-irak" in result["features"]
    assert all(f.startswith("group:") for f in result["features"])
    assert result["similar"] and all(r["shared"] and set(r["shared"]) <= set(result["features"]) for r in result["similar"])
    with pytest.raises(ValidationError):
        similar(seeded_store, "IRQ", top=0)


def test_centrality_ranks_forums_and_donors(seeded_store, agree):
    result = centrality(seeded_store)
    agree(seeded_store, "all", result)
    assert result["exact"] and result["k"] is None
    assert result["ranking"][0]["key"] == "boedapest-proces"
    assert {r["label"] for r in result["ranking"]} <= {"Forum", "Donor"}
    forums = centrality(seeded_store, label="Forum", top=3)
    assert [r["label"] for r in forums["ranking"]] == ["Forum"] * len(forums["ranking"])


def test_centrality_samples_when_asked(seeded_store, agree):
    result = centrality(seeded_store, k=10)
    agree(seeded_store, "sampled", result)
    assert not result["exact"] and result["k"] == 10
    with pytest.raises(ValidationError):
        centrality(seeded_store, label="Event")


def test_connector_graph_leaves_events_out(seeded_store):
    graph = connector_graph(seeded_store)
    labels = {data["label"] for _, data in graph.nodes(data=True)}
    assert "Event" not in labels and "Document" not in labels
    assert graph.has_edge("donor-nld", "AFG")  # a donor tied to what its projects benefit


def test_similar_leaves_out_features_with_a_missing_part_alike_on_both_stores(empty_store, agree):
    # A dossier without a domain and a linkage without a direction make no feature: Neo4j turns text + null into null, LadybugDB
    # into text ("domain:"), so the parts are joined in Python. Ghana and Somalia share the group and the complete linkage feature only.
    country = {"has_iso_code": True, "sources": ["t#L1"]}
    empty_store.upsert(
        [
            NodeRecord("Country", "GHA", {"name": "Ghana", **country}),
            NodeRecord("Country", "SOM", {"name": "Somalia", **country}),
            NodeRecord("CountryGroup", "g", {"name": "Groep", "sources": ["t#L1"]}),
            NodeRecord("Dossier", "d-none", {"name": "Zonder domein", "sources": ["t#L2"]}),
            NodeRecord("Linkage", "l-part", {"name": "Half", "channel": "bilateral", "outcome": "pending", "sources": ["t#L3"]}),
            NodeRecord("Linkage", "l-whole", {"name": "Heel", "direction": "positive", "channel": "bilateral", "outcome": "pending", "sources": ["t#L4"]}),
            NodeRecord("Linkage", "l-whole-2", {"name": "Heel 2", "direction": "positive", "channel": "bilateral", "outcome": "pending", "sources": ["t#L5"]}),
        ],
        [
            RelRecord("MEMBER_OF", "GHA", "g", "Country", "CountryGroup", {"sources": ["t#L1"]}),
            RelRecord("MEMBER_OF", "SOM", "g", "Country", "CountryGroup", {"sources": ["t#L1"]}),
            RelRecord("BETWEEN", "d-none", "GHA", "Dossier", "Country", {"sources": ["t#L2"]}),
            RelRecord("BETWEEN", "d-none", "SOM", "Dossier", "Country", {"sources": ["t#L2"]}),
            RelRecord("CONCERNS", "l-part", "GHA", "Linkage", "Country", {"sources": ["t#L3"]}),
            RelRecord("CONCERNS", "l-part", "SOM", "Linkage", "Country", {"sources": ["t#L3"]}),
            RelRecord("CONCERNS", "l-whole", "GHA", "Linkage", "Country", {"sources": ["t#L4"]}),
            RelRecord("CONCERNS", "l-whole-2", "SOM", "Linkage", "Country", {"sources": ["t#L5"]}),
        ],
    )
    result = similar(empty_store, "GHA")
    agree(empty_store, "GHA", result)
    assert result["features"] == ["group:g", "linkage:positive/bilateral/pending"]
    assert [(s["key"], s["shared"], s["score"]) for s in result["similar"]] == [("SOM", ["group:g", "linkage:positive/bilateral/pending"], 1.0)]
