"""Known time and undated facts in every view (issue 10), on both stores.

Two sources speak about Ghana: ``doc-old`` (dated 2010-01-01) and ``doc-new``
(dated 2014-01-01). ``known_by`` between them must answer what ``doc-old``
alone said, in the profile, the linkages, the graph endpoints and the exports;
the undated linkage that only ``doc-new`` states is marked undated, with the
date it was first reported, wherever it is listed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from koppel.graph.models import NodeRecord, RelRecord
from koppel.graph.validity import Timeline
from koppel.queries.catalogue import run_named
from koppel.queries.explore import neighbourhood, node, path
from koppel.queries.export import export_graph, graph_json
from koppel.queries.linkage import linkages
from koppel.queries.profile import country_profile

OLD, NEW = dt.date(2010, 1, 1), dt.date(2014, 1, 1)
BETWEEN = dt.date(2012, 6, 1)


def _doc(key: str, date: dt.date) -> NodeRecord:
    return NodeRecord("Document", key, {"name": key, "doc_type": "letter_to_parliament", "date": date, "sources": [f"{key}#L1"]})


@pytest.fixture
def two_sources(empty_store):
    """Ghana as two dated sources state it: the old one names a dossier, the new one a second dossier and an undated linkage."""
    store = empty_store
    store.upsert([_doc("doc-old", OLD), _doc("doc-new", NEW)], [])
    store.upsert(
        [
            NodeRecord("Country", "GHA", {"name": "Ghana", "has_iso_code": True, "sources": ["doc-old#L2"]}),
            NodeRecord("Country", "NLD", {"name": "Nederland", "has_iso_code": True, "sources": ["doc-old#L2"]}),
            NodeRecord("Dossier", "d-old", {"name": "Terugkeer", "domain": "return", "status": "requested", "sources": ["doc-old#L3"]}),
        ],
        [
            RelRecord("BETWEEN", "d-old", "GHA", "Dossier", "Country", {"sources": ["doc-old#L3"]}),
            RelRecord("BETWEEN", "d-old", "NLD", "Dossier", "Country", {"sources": ["doc-old#L3"]}),
        ],
    )
    store.upsert(
        [
            NodeRecord("Dossier", "d-old", {"name": "Terugkeer", "domain": "return", "status": "in_place", "sources": ["doc-new#L4"]}),
            NodeRecord("Dossier", "d-new", {"name": "Visum", "domain": "visa_facilitation", "sources": ["doc-new#L5"]}),
            NodeRecord("Linkage", "l-new", {"name": "Visum tegen terugkeer", "status": "proposed", "outcome": "pending", "channel": "bilateral", "sources": ["doc-new#L6"]}),
        ],
        [
            RelRecord("BETWEEN", "d-new", "GHA", "Dossier", "Country", {"sources": ["doc-new#L5"]}),
            RelRecord("LINKS", "l-new", "d-new", "Linkage", "Dossier", {"sources": ["doc-new#L6"]}),
            RelRecord("LINKS", "l-new", "d-old", "Linkage", "Dossier", {"sources": ["doc-new#L6"]}),
            RelRecord("CONCERNS", "l-new", "GHA", "Linkage", "Country", {"sources": ["doc-new#L6"]}),
        ],
    )
    return store


def test_the_profile_known_by_a_date_shows_what_the_sources_said_by_then(two_sources):
    now = country_profile(two_sources, "GHA")
    assert {d["key"] for d in now["dossiers"]} == {"d-old", "d-new"}
    assert [item["key"] for item in now["linkages"]] == ["l-new"]
    then = country_profile(two_sources, "GHA", known_by=BETWEEN)
    assert then["known_by"] == "2012-06-01"
    assert [d["key"] for d in then["dossiers"]] == ["d-old"]
    assert then["linkages"] == []
    old = then["dossiers"][0]
    # The old source's value, not the newer one's, and only its locators; values typed as the store returns them.
    assert old["status"] == "requested" and old["sources"] == ["doc-old#L3"]
    assert {k: v for k, v in old.items() if k not in ("status", "sources", "_label")} == {
        k: v for k, v in now["dossiers"][[d["key"] for d in now["dossiers"]].index("d-old")].items() if k not in ("status", "sources", "_label")
    }
    assert now["dossiers"][[d["key"] for d in now["dossiers"]].index("d-old")]["status"] == "in_place"
    later = country_profile(two_sources, "GHA", known_by=NEW)
    assert {d["key"] for d in later["dossiers"]} == {"d-old", "d-new"}


def test_the_profile_marks_an_undated_linkage_with_the_date_it_was_first_reported(two_sources):
    item = country_profile(two_sources, "GHA")["linkages"][0]
    assert item["undated"] is True and item["first_reported"] == "2014-01-01"
    dossiers = country_profile(two_sources, "GHA")["dossiers"]
    assert dossiers and all("undated" not in d for d in dossiers)  # dossiers are not dated facts
    # As of a day before it was reported, the undated linkage does not hold.
    assert country_profile(two_sources, "GHA", as_of=BETWEEN)["linkages"] == []


def test_linkages_known_by_leave_out_the_later_sources_linkage_and_mark_undated_ones(two_sources):
    now = linkages(two_sources, "GHA")
    assert [(e["key"], e["undated"], e["first_reported"]) for e in now["existing"]] == [("l-new", True, "2014-01-01")]
    then = linkages(two_sources, "GHA", known_by=BETWEEN)
    assert then["existing"] == [] and then["known_by"] == "2012-06-01"


def test_graph_endpoints_walk_only_what_was_known_and_mark_undated_nodes(two_sources):
    timeline = Timeline.of(two_sources, known_by=BETWEEN)
    _, elements = node(two_sources, "Country", "GHA", timeline=timeline)
    assert {n["data"]["id"] for n in elements["nodes"]} == {"GHA", "d-old"}
    _, everything = node(two_sources, "Country", "GHA", timeline=Timeline.of(two_sources))
    linkage = next(n for n in everything["nodes"] if n["data"]["id"] == "l-new")
    assert linkage["data"]["properties"]["undated"] is True and linkage["data"]["properties"]["first_reported"] == "2014-01-01"
    around = neighbourhood(two_sources, "GHA", depth=2, timeline=timeline)
    assert {n["data"]["id"] for n in around["nodes"]} == {"GHA", "d-old", "NLD"}
    old = next(n for n in around["nodes"] if n["data"]["id"] == "d-old")
    assert old["data"]["properties"]["status"] == "requested" and old["data"]["sources"] == ["doc-old#L3"]
    # The only connection from GHA to d-new runs through what doc-new stated: none by 2012.
    assert path(two_sources, "GHA", "d-new", timeline=timeline) == {"nodes": [], "edges": []}
    assert len(path(two_sources, "GHA", "d-new", timeline=Timeline.of(two_sources))["edges"]) == 1


def test_exports_hold_what_was_known_and_mark_undated_facts_in_every_format(two_sources):
    now = graph_json(two_sources)
    linkage = next(n for n in now["nodes"] if n["key"] == "l-new")
    assert linkage["undated"] is True and linkage["first_reported"] == "2014-01-01"
    then = json.loads(export_graph(two_sources, "json", Timeline.of(two_sources, known_by=BETWEEN)))
    assert {n["key"] for n in then["nodes"]} == {"doc-old", "GHA", "NLD", "d-old"}
    assert {(r["_type"], r["source"], r["target"]) for r in then["relationships"]} == {("BETWEEN", "d-old", "GHA"), ("BETWEEN", "d-old", "NLD")}
    graphml = export_graph(two_sources, "graphml")
    assert 'attr.name="undated"' in graphml and 'attr.name="first_reported"' in graphml
    gexf = export_graph(two_sources, "gexf", Timeline.of(two_sources, as_of=BETWEEN))
    assert 'id="l-new"' not in gexf and 'id="d-old"' in gexf


def test_catalogue_rows_hold_what_was_known_and_mark_undated_facts(two_sources):
    now = run_named(two_sources, "neighbourhood", {"key": "GHA"}, timeline=Timeline.of(two_sources)).records()
    assert {r["neighbour_key"] for r in now} == {"d-old", "d-new", "l-new"}
    linkage = next(r["neighbour"] for r in now if r["neighbour_key"] == "l-new")
    assert linkage["undated"] is True and linkage["first_reported"] == "2014-01-01"
    then = run_named(two_sources, "neighbourhood", {"key": "GHA"}, timeline=Timeline.of(two_sources, known_by=BETWEEN)).records()
    assert [(r["neighbour_key"], r["neighbour"]["status"], r["neighbour"]["sources"]) for r in then] == [("d-old", "requested", ["doc-old#L3"])]


def test_analytics_brokers_and_centrality_hold_what_was_known(two_sources):
    from koppel.queries.analytics import brokers, centrality

    two_sources.upsert(
        [NodeRecord("Forum", "f-new", {"name": "Nieuw forum", "kind": "dialogue", "sources": ["doc-new#L7"]})],
        [RelRecord("PARTICIPATES_IN", "GHA", "f-new", "Country", "Forum", {"sources": ["doc-new#L7"]}),
         RelRecord("PARTICIPATES_IN", "NLD", "f-new", "Country", "Forum", {"sources": ["doc-new#L7"]})],
    )
    now = brokers(two_sources, "GHA", timeline=Timeline.of(two_sources))
    assert (now["distance"], sorted(b["key"] for b in now["brokers"])) == (2, ["d-old", "f-new"])
    assert now == brokers(two_sources, "GHA")  # the timed reading of the graph as it is changes nothing
    then = brokers(two_sources, "GHA", timeline=Timeline.of(two_sources, known_by=BETWEEN))
    assert (then["distance"], [b["key"] for b in then["brokers"]]) == (2, ["d-old"])
    assert [r["key"] for r in centrality(two_sources)["ranking"]] == ["f-new"]
    assert centrality(two_sources, timeline=Timeline.of(two_sources, known_by=BETWEEN))["ranking"] == []
    # As of 2012 (valid time) the forum still counts: a forum is a thing, not a dated fact; only known time leaves it out.
    assert [r["key"] for r in centrality(two_sources, timeline=Timeline.of(two_sources, as_of=BETWEEN))["ranking"]] == ["f-new"]


def _data_layers(store) -> None:
    """Ghana's returns from the Netherlands (Eurostat rows, dated 2024-09-20) for 2012-2014 and its visa requirement (dated 2025-01-12)."""
    store.upsert(
        [NodeRecord("ReturnObservation", f"returns-gha-nld-{year}", {"year": year, "persons": persons, "availability": "reported",
                                                                      "dataset": "eurostat-migr-eirtn", "sources": [f"eurostat-migr-eirtn#L{year - 2000}"]})
         for year, persons in ((2012, 100), (2013, 80), (2014, 60))],
        [rel for year in (2012, 2013, 2014) for rel in (
            RelRecord("OF_CITIZENSHIP", f"returns-gha-nld-{year}", "GHA", "ReturnObservation", "Country", {"sources": [f"eurostat-migr-eirtn#L{year - 2000}"]}),
            RelRecord("REPORTED_BY", f"returns-gha-nld-{year}", "NLD", "ReturnObservation", "Country", {"sources": [f"eurostat-migr-eirtn#L{year - 2000}"]}))]
        + [RelRecord("VISA_REQUIREMENT", "GHA", "NLD", "Country", "Country",
                     {"requirement": "visa_required", "visa_required": True, "as_of": dt.date(2025, 1, 12), "sources": ["passport-index#L7"]})],
    )


def test_the_profile_s_return_and_visa_data_are_known_from_their_dataset_s_date(two_sources):
    _data_layers(two_sources)
    now = country_profile(two_sources, "GHA")
    assert [(p["year"], p["persons"]) for p in now["returns"]["netherlands"]] == [(2012, 100), (2013, 80), (2014, 60)]
    assert [v["destination"] for v in now["visa"]] == ["NLD"] and "data_withheld" not in now
    # Known by 2012 no return or visa row had been published: both parts are absent, and the answer says why.
    then = country_profile(two_sources, "GHA", known_by=BETWEEN)
    assert then["returns"] is None and then["visa"] == []
    assert then["data_withheld"] == {"returns": "eurostat-migr-eirtn is dated 2024-09-20, after known_by 2012-06-01",
                                     "visa": "passport-index is dated 2025-01-12, after known_by 2012-06-01"}
    # Known by the Eurostat update (but before the visa list): the returns are back, the visa rows are not.
    mid = country_profile(two_sources, "GHA", known_by=dt.date(2024, 12, 31))
    assert [p["year"] for p in mid["returns"]["netherlands"]] == [2012, 2013, 2014] and mid["visa"] == []
    assert mid["data_withheld"]["returns"] is None and mid["data_withheld"]["visa"].startswith("passport-index")
    # As of a date, a year's figure counts once it was published (1 July of the next year, as in the linkage engine):
    # as of 2014-07-01 the 2014 figures are not counted; the visa list, which has no history, holds from its date.
    in_2014 = country_profile(two_sources, "GHA", as_of=dt.date(2014, 7, 1))
    assert [(p["year"], p["persons"]) for p in in_2014["returns"]["netherlands"]] == [(2012, 100), (2013, 80)]
    assert in_2014["returns"]["trend"]["netherlands"]["to_year"] == 2013 and in_2014["visa"] == []
    assert in_2014["data_withheld"] == {"returns": None, "visa": None}
    assert [p["year"] for p in country_profile(two_sources, "GHA", as_of=dt.date(2014, 6, 30))["returns"]["netherlands"]] == [2012]


def test_similar_countries_and_the_country_list_hold_what_was_known(two_sources):
    from fastapi.testclient import TestClient

    from koppel.api.app import create_app
    from koppel.api.settings import ApiSettings
    from koppel.queries.analytics import similar
    from koppel.queries.profile import country_summaries

    _data_layers(two_sources)
    two_sources.upsert(
        [NodeRecord("Country", "MAR", {"name": "Marokko", "has_iso_code": True, "sources": ["doc-old#L8"]}),
         NodeRecord("Country", "CIV", {"name": "Ivoorkust", "has_iso_code": True, "sources": ["doc-new#L9"]}),
         NodeRecord("Dossier", "d-mar", {"name": "Visum Marokko", "domain": "visa_facilitation", "sources": ["doc-new#L8"]})],
        [RelRecord("BETWEEN", "d-mar", "MAR", "Dossier", "Country", {"sources": ["doc-new#L8"]})],
    )
    now = similar(two_sources, "GHA")
    # MAR's one feature is one of GHA's: Jaccard 1 / |GHA's features|.
    assert [(s["key"], s["score"], s["shared"]) for s in now["similar"]] == [("MAR", round(1 / len(now["features"]), 4), ["domain:visa_facilitation"])]
    assert similar(two_sources, "GHA", timeline=Timeline.of(two_sources)) == now  # the graph as it is, read through a timeline: the same
    then = similar(two_sources, "GHA", timeline=Timeline.of(two_sources, known_by=BETWEEN))
    assert (then["features"], then["similar"], then["known_by"]) == (["domain:return"], [], "2012-06-01")

    def listed(rows):
        return {c["key"]: (c["counts"]["dossiers"], c["counts"]["linkages"]) for c in rows}

    assert listed(country_summaries(two_sources)) == {"CIV": (0, 0), "GHA": (2, 1), "MAR": (1, 0), "NLD": (1, 0)}
    assert listed(country_summaries(two_sources, Timeline.of(two_sources, known_by=BETWEEN))) == {"GHA": (1, 0), "MAR": (0, 0), "NLD": (1, 0)}
    # As of 2012 (valid time) the undated linkage, first reported in 2014, does not hold yet; things (countries, dossiers) do.
    assert listed(country_summaries(two_sources, Timeline.of(two_sources, as_of=BETWEEN)))["GHA"] == (2, 0)

    location = two_sources.location
    if two_sources.kind == "embedded":
        two_sources.close()
    with TestClient(create_app(ApiSettings(KOPPEL_STORE=location)), raise_server_exceptions=False) as client:
        listing = client.get("/api/countries", params={"known_by": "2012-06-01"})
        assert listing.status_code == 200, listing.text
        assert sorted(c["key"] for c in listing.json()["countries"]) == ["GHA", "MAR", "NLD"] and listing.json()["known_by"] == "2012-06-01"
        assert len(client.get("/api/countries").json()["countries"]) == 4
        alike = client.get("/api/analyse/similar/GHA", params={"known_by": "2012-06-01"})
        assert alike.status_code == 200 and alike.json()["similar"] == [], alike.text
        assert [s["key"] for s in client.get("/api/analyse/similar/GHA").json()["similar"]] == ["MAR"]
        returns = client.get("/api/countries/GHA/returns", params={"as_of": "2014-07-01"})
        assert returns.status_code == 200 and returns.json()["years"] == [2012, 2013]
        assert client.get("/api/countries/GHA/returns", params={"known_by": "2012-06-01"}).json()["withheld"].startswith("eurostat-migr-eirtn")
        for url in ("/api/countries", "/api/analyse/similar/GHA"):
            bad = client.get(url, params={"as_of": "2012-13-45"})
            assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json"), (url, bad.text)
    listed_cli = _koppel("countries", "--known-by", "2012-06-01", "--json", "--store", location)
    assert listed_cli.returncode == 0, listed_cli.stderr
    assert sorted(c["key"] for c in json.loads(listed_cli.stdout)["countries"]) == ["GHA", "MAR", "NLD"]
    alike_cli = _koppel("analyse", "similar", "GHA", "--known-by", "2012-06-01", "--json", "--store", location)
    assert alike_cli.returncode == 0, alike_cli.stderr
    assert json.loads(alike_cli.stdout)["similar"] == []
    bad = _koppel("countries", "--as-of", "2012-13-45", "--store", location)
    assert bad.returncode == 4 and bad.stderr.strip() == "koppel: error: --as-of '2012-13-45' is not a date (YYYY-MM-DD)"


def test_the_brief_is_made_for_an_as_of_and_a_known_by_date_and_says_so(two_sources):
    from fastapi.testclient import TestClient

    from koppel.api.app import create_app
    from koppel.api.settings import ApiSettings

    location = two_sources.location
    if two_sources.kind == "embedded":
        two_sources.close()
    with TestClient(create_app(ApiSettings(KOPPEL_STORE=location)), raise_server_exceptions=False) as client:
        now = client.get("/api/countries/GHA/brief", params={"lang": "en"})
        assert now.status_code == 200, now.text
        assert "Visum tegen terugkeer" in now.text and "Known by" not in now.text
        then = client.get("/api/countries/GHA/brief", params={"lang": "en", "known_by": "2012-06-01", "as_of": "2012-01-01"})
        assert then.status_code == 200, then.text
        assert "Visum tegen terugkeer" not in then.text  # stated only by the 2014 source
        assert "As of: 2012-01-01 · Known by: 2012-06-01" in then.text
        assert "format=pdf" in then.text and "known_by=2012-06-01&amp;format=pdf" in then.text  # the PDF link keeps both dates
        assert 'href="/#/country/GHA?as_of=2012-01-01&amp;known_by=2012-06-01"' in then.text
        dutch = client.get("/api/countries/GHA/brief", params={"lang": "nl", "known_by": "2012-06-01"})
        assert "Kennisstand: 2012-06-01" in dutch.text
        bad = client.get("/api/countries/GHA/brief", params={"known_by": "2012-13-45"})
        assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")


def test_a_relationship_known_by_a_date_shows_the_earlier_sources_values(two_sources):
    # doc-old says Ghana is in the return dossier as the requesting side; doc-new restates the tie with another role and a start.
    two_sources.upsert([], [RelRecord("BETWEEN", "d-old", "GHA", "Dossier", "Country", {"role": "requester", "sources": ["doc-old#L3"]})])
    two_sources.upsert([], [RelRecord("BETWEEN", "d-old", "GHA", "Dossier", "Country",
                                      {"role": "party", "valid_from": dt.date(2011, 1, 1), "sources": ["doc-new#L4"]})])

    def tie(elements):
        edge = next(e["data"] for e in elements["edges"] if e["data"]["type"] == "BETWEEN" and {e["data"]["source"], e["data"]["target"]} == {"d-old", "GHA"})
        return edge["properties"].get("role"), edge["properties"].get("valid_from"), edge["sources"]

    _, now = node(two_sources, "Country", "GHA", timeline=Timeline.of(two_sources))
    assert tie(now) == ("party", "2011-01-01", ["doc-old#L3", "doc-new#L4"])
    then = Timeline.of(two_sources, known_by=BETWEEN)
    _, elements = node(two_sources, "Country", "GHA", timeline=then)
    assert tie(elements) == ("requester", None, ["doc-old#L3"])  # the value doc-old stated, not only its locators
    assert tie(neighbourhood(two_sources, "GHA", depth=1, timeline=then)) == ("requester", None, ["doc-old#L3"])
    exported = json.loads(export_graph(two_sources, "json", then))
    rel = next(r for r in exported["relationships"] if (r["_type"], r["source"], r["target"]) == ("BETWEEN", "d-old", "GHA"))
    assert (rel.get("role"), rel.get("valid_from"), rel["sources"]) == ("requester", None, ["doc-old#L3"])
    # Known by the later source's date, both sources speak and the newer value shows.
    later = json.loads(export_graph(two_sources, "json", Timeline.of(two_sources, known_by=NEW)))
    assert next(r for r in later["relationships"] if (r["_type"], r["source"], r["target"]) == ("BETWEEN", "d-old", "GHA"))["role"] == "party"


def test_the_api_and_the_cli_take_known_by_and_refuse_a_bad_date(two_sources):
    from fastapi.testclient import TestClient

    from koppel.api.app import create_app
    from koppel.api.settings import ApiSettings

    location = two_sources.location
    if two_sources.kind == "embedded":
        two_sources.close()  # the served app reads the embedded store once the writer is done with it
    with TestClient(create_app(ApiSettings(KOPPEL_STORE=location)), raise_server_exceptions=False) as client:
        profile = client.get("/api/countries/GHA", params={"known_by": "2012-06-01"})
        assert profile.status_code == 200, profile.text
        assert [d["key"] for d in profile.json()["dossiers"]] == ["d-old"] and profile.json()["known_by"] == "2012-06-01"
        answer = client.get("/api/countries/GHA/linkages", params={"known_by": "2012-06-01"})
        assert answer.status_code == 200 and answer.json()["existing"] == []
        marked = client.get("/api/countries/GHA/linkages").json()["existing"][0]
        assert marked["undated"] is True and marked["first_reported"] == "2014-01-01"
        around = client.get("/api/graph/neighbourhood", params={"key": "GHA", "known_by": "2012-06-01"})
        assert around.status_code == 200 and {n["data"]["id"] for n in around.json()["nodes"]} == {"GHA", "d-old"}
        rows = client.post("/api/queries/neighbourhood", json={"params": {"key": "GHA"}, "known_by": "2012-06-01"})
        assert rows.status_code == 200, rows.text
        assert [r["neighbour_key"] for r in rows.json()["rows"]] == ["d-old"]
        exported = client.get("/api/export", params={"known_by": "2012-06-01"})
        assert exported.status_code == 200 and "l-new" not in exported.text
        for url in ("/api/countries/GHA", "/api/graph/neighbourhood?key=GHA", "/api/export"):
            bad = client.get(url, params={"known_by": "2012-13-45"})
            assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json"), (url, bad.text)
    # The command line, over the same store once the app has let go of it.
    country = _koppel("country", "GHA", "--known-by", "2012-06-01", "--json", "--store", location)
    assert country.returncode == 0, country.stderr
    assert [d["key"] for d in json.loads(country.stdout)["dossiers"]] == ["d-old"]
    table = _koppel("linkages", "GHA", "--store", location)
    assert table.returncode == 0 and "undated, first reported 2014-01-01" in table.stdout
    walked = json.loads(_koppel("neighbourhood", "GHA", "--known-by", "2012-06-01", "--json", "--store", location).stdout)
    assert {n["data"]["id"] for n in walked["nodes"]} == {"GHA", "d-old"}
    rows = json.loads(_koppel("query", "neighbourhood", "-p", "key=GHA", "--known-by", "2012-06-01", "--json", "--store", location).stdout)
    assert [r["neighbour_key"] for r in rows["rows"]] == ["d-old"]
    bad = _koppel("path", "GHA", "d-new", "--known-by", "2012-13-45", "--store", location)
    assert bad.returncode == 4 and bad.stderr.strip() == "koppel: error: --known-by '2012-13-45' is not a date (YYYY-MM-DD)"


def _koppel(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "koppel.api.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "500"}, timeout=180)  # no wrapped lines
