"""Return figures on both stores (issue 12): series exactly as in the file, locators open their rows, NA kept, derived figures, catalogue, profile, API.

The stores hold the letter's seed merged with the three data layers (what the
default load writes, less the other layers), loaded once per store kind.
"""

from __future__ import annotations

import csv
import json
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from koppel.graph.errors import NotFound
from koppel.graph.store import GraphStore
from koppel.loaders import seed_files
from koppel.loaders.data import load_data_layers
from koppel.loaders.data.datasets import EUROSTAT_RETURNS, data_dir
from koppel.loaders.data.names import iso3_for
from koppel.loaders.facts import parse_facts
from koppel.loaders.layers import merge_facts
from koppel.loaders.sources import evidence
from koppel.queries.catalogue import run_named
from koppel.queries.profile import country_profile
from koppel.queries.returns import CAVEATS, before_after, linkage_effects, return_series, trend

RETURNS_FILE = data_dir() / EUROSTAT_RETURNS.path


def _file() -> list[tuple[int, list[str]]]:
    with RETURNS_FILE.open(encoding="utf-8", newline="") as handle:
        return list(enumerate(csv.reader(handle), start=1))[1:]


@pytest.fixture(scope="module")
def data_facts():
    return merge_facts([parse_facts(seed_files()), *(facts for facts, _ in load_data_layers())])


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def data_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, data_facts) -> Iterator[GraphStore]:
    """A store of each kind holding the seed and the three data layers."""
    from tests.conftest import _Neo4jState, open_test_store  # noqa: PLC0415

    kind = request.param
    env = request.getfixturevalue("neo4j_env") if kind == "neo4j" else None
    store = open_test_store(kind, tmp_path_factory.mktemp("data") / "store", env)
    if kind == "neo4j":
        store.clear()
        _Neo4jState.seeded = False
    store.upsert(data_facts.nodes, data_facts.relationships)
    try:
        yield store
    finally:
        if kind == "neo4j":
            store.clear()
        store.close()


def test_every_countrys_linkage_answer_fits_its_documented_model(data_store) -> None:
    """On the seed with the data layers (coalitions named in two languages, return series around
    dated linkages), each country's answer validates against the closed LinkageAnswer model that
    /openapi.json documents: a field the model lacks would be a 500 over HTTP."""
    from koppel.queries.answers import LinkageAnswer  # noqa: PLC0415
    from koppel.queries.linkage import linkages  # noqa: PLC0415

    keys = sorted(row[0] for row in data_store.run("MATCH (c:Country) RETURN c.key").rows)
    assert len(keys) > 150
    coalitions = 0
    for key in keys:
        answer = LinkageAnswer(**linkages(data_store, key))
        coalitions += sum(1 for c in answer.candidates if c.kind == "coalition" and c.dossier.name_nl)
    assert coalitions > 0


@pytest.mark.parametrize(("iso3", "citizen"), [("AFG", "Afghanistan"), ("GHA", "Ghana"), ("IRQ", "Iraq"), ("MAR", "Morocco")])
def test_netherlands_series_exactly_as_in_the_file(data_store, iso3, citizen):
    expected = {
        int(row[2]): (None if row[3] == "" else int(float(row[3])), f"eurostat-migr-eirtn#L{line}")
        for line, row in _file()
        if row[0] == citizen and row[1] == "Netherlands"
    }
    assert expected
    rows = data_store.run(
        "MATCH (o:ReturnObservation)-[:OF_CITIZENSHIP]->(:Country {key: $key}) MATCH (o)-[:REPORTED_BY]->(:Country {key: 'NLD'}) "
        "RETURN o.year AS year, o.persons AS persons, o.sources AS sources ORDER BY year",
        {"key": iso3},
    ).records()
    assert {r["year"]: (r["persons"], r["sources"][0]) for r in rows} == expected
    series = return_series(data_store, iso3)
    assert {p["year"]: p["persons"] for p in series["netherlands"] if p["availability"] != "absent"} == {y: v for y, (v, _) in expected.items()}


def test_row_counts_and_every_locator_opens_its_row(data_store):
    file = dict(_file())
    rows = data_store.run(
        "MATCH (o:ReturnObservation)-[:OF_CITIZENSHIP]->(c:Country) MATCH (o)-[:REPORTED_BY]->(g:Country) "
        "RETURN o.sources AS sources, c.key AS citizen, g.key AS geo, o.year AS year, o.persons AS persons, o.availability AS availability"
    ).records()
    assert len(rows) == 12892 - 226  # the file less the reported skips (Stateless, Unknown, Asia, ...)
    seen = set()
    for row in rows:
        (locator,) = row["sources"]
        line = int(locator.split("#L")[1])
        citizen, geo, year, value = file[line]
        assert (iso3_for(citizen), iso3_for(geo), int(year)) == (row["citizen"], row["geo"], row["year"]), locator
        assert row["persons"] == (None if value == "" else int(float(value))), locator
        seen.add(line)
    assert len(seen) == len(rows)
    # The locator resolves through koppel evidence to that very row.
    sample = rows[0]["sources"][0]
    citizen, geo, year, _ = file[int(sample.split("#L")[1])]
    assert evidence(sample).text.startswith(f"row {sample.split('#L')[1]}: citizen: {citizen}, geo: {geo}, year: {year}")


def test_empty_values_are_not_available_never_zero(data_store):
    counts = dict(data_store.run("MATCH (o:ReturnObservation) RETURN o.availability AS a, count(o) AS n ORDER BY a").rows)
    assert counts["not_available"] == 219  # 220 empty cells, one of them in a skipped category (Stateless)
    assert data_store.run("MATCH (o:ReturnObservation) WHERE o.availability = 'not_available' AND o.persons IS NOT NULL RETURN count(o)").value() == 0
    hrv = return_series(data_store, "HRV")
    assert any(s["points"][-1]["availability"] == "not_available" and s["points"][-1]["persons"] is None for s in hrv["states"])


def test_eu_efta_total_share_and_trend_computed_from_the_rows(data_store):
    series = return_series(data_store, "IRQ")
    assert len(series["eu_efta_states"]) == 31 and "NLD" in series["eu_efta_states"] and "GBR" not in series["eu_efta_states"]
    members = {iso3_for(name) for name in {row[1] for _, row in _file()}} & set(series["eu_efta_states"])
    by_year: dict[int, int] = defaultdict(int)
    for _, row in _file():
        if row[0] == "Iraq" and iso3_for(row[1]) in members and row[3]:
            by_year[int(row[2])] += int(float(row[3]))
    assert {t["year"]: t["persons"] for t in series["eu_efta_total"]} == dict(by_year)
    y2016 = next(t for t in series["eu_efta_total"] if t["year"] == 2016)
    assert y2016["netherlands_share_pct"] == round(100 * 720 / by_year[2016], 1)
    assert series["trend"]["netherlands"] == {"from_year": 2021, "to_year": 2023, "change": 0, "change_pct": 0.0, "direction": "stable"}
    assert series["caveats"] == CAVEATS and "rounded to the nearest 5" in CAVEATS and "2021" in CAVEATS
    with pytest.raises(NotFound):
        return_series(data_store, "ZZZ")


def test_trend_and_before_after_rules():
    # The last three years with a figure (2020 has none): 2019, 2021, 2022.
    points = [{"year": 2019, "persons": 100}, {"year": 2020, "persons": None}, {"year": 2021, "persons": 80}, {"year": 2022, "persons": 40}]
    assert trend(points) == {"from_year": 2019, "to_year": 2022, "change": -60, "change_pct": -60.0, "direction": "falling"}
    assert trend(points[:1])["direction"] == "unknown"
    assert before_after(points, "2020-06-01") == {"year": 2020, "mean_before": 100.0, "years_before": 1, "mean_after": 60.0, "years_after": 2}


def test_before_after_for_every_dated_linkage(data_store, agree):
    effects = linkage_effects(data_store)
    assert effects and all(e["netherlands"]["years_before"] + e["netherlands"]["years_after"] > 0 for e in effects)
    chn = next(e for e in effects if e["country"] == "CHN")
    nl = [int(float(row[3])) for _, row in _file() if row[0] == "China" and row[1] == "Netherlands" and row[3] and int(row[2]) > 2013]
    assert chn["netherlands"]["mean_after"] == round(sum(nl) / len(nl), 1) and chn["netherlands"]["years_after"] == len(nl)
    rows = run_named(data_store, "linkage-before-after", {}).records()
    assert {(r["linkage"], r["mean_after"], r["years_after"]) for r in rows} == {(e["linkage"], e["netherlands"]["mean_after"], e["netherlands"]["years_after"]) for e in effects}
    agree(data_store, "linkage-before-after", rows)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("returns-trend", {"iso3": "GHA"}),
        ("returns-nl-fell-eu-did-not", {}),
        ("visa-required-weak-cooperation", {}),
        ("coalition-candidates", {"iso3": "GHA"}),
    ],
)
def test_data_catalogue_queries_answer_alike_on_both_stores(data_store, agree, name, params):
    rows = run_named(data_store, name, params).records()
    assert rows, name
    agree(data_store, name, rows)
    if name == "returns-trend":
        series = return_series(data_store, "GHA")
        assert [r["eu_efta_total"] for r in rows] == [t["persons"] for t in series["eu_efta_total"]]
        assert [r["netherlands"] for r in rows] == [p["persons"] or 0 for p in series["netherlands"]]
    if name == "returns-nl-fell-eu-did-not":
        for r in rows:
            assert r["nl_to"] < r["nl_from"] and r["eu_to"] >= r["eu_from"]
    if name == "visa-required-weak-cooperation":
        assert {"AFG", "GHA", "IRQ"} <= {r["country"] for r in rows}
        assert all(any(s.startswith("passport-index#L") for s in r["sources"]) for r in rows)
    if name == "coalition-candidates":
        assert all(r["country"] != "GHA" and r["nl_to"] < r["nl_from"] for r in rows)


def test_profile_shows_returns_visa_and_groups_with_evidence(data_store):
    profile = country_profile(data_store, "GHA")
    assert profile["visa"][0]["visa_required"] is True and profile["visa"][0]["sources"][0].startswith("passport-index#L")
    assert profile["returns"]["caveats"] == CAVEATS
    present = [p for p in profile["returns"]["netherlands"] if p["availability"] != "absent"]
    assert present and all(p["sources"] for p in present)
    groups = {g["key"]: g for g in profile["groups"]}
    assert "economic-community-of-west-african-states" in groups
    assert groups["economic-community-of-west-african-states"]["evidence"][0].startswith("worldcountrygroups-")


def test_returns_endpoint_of_a_real_server(data_store):
    """Runs last in the module for each store kind: the embedded store is closed so koppel serve can open it."""
    import os

    from tests.conftest import serve  # noqa: PLC0415

    if data_store.kind == "embedded":
        spec = data_store.location
        data_store.close()
    else:
        spec = os.environ["NEO4J_URI"]
    import subprocess
    import sys

    cli = subprocess.run([sys.executable, "-m", "koppel.api.cli", "returns", "MAR", "--store", spec, "--json"], capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr
    mar = json.loads(cli.stdout)
    expected = [int(float(row[3])) for _, row in _file() if row[0] == "Morocco" and row[1] == "Netherlands"]
    assert [p["persons"] for p in next(s for s in mar["states"] if s["state"] == "NLD")["points"]] == expected
    unknown = subprocess.run([sys.executable, "-m", "koppel.api.cli", "returns", "ZZZ", "--store", spec], capture_output=True, text=True, timeout=300)
    assert unknown.returncode != 0 and unknown.stderr.strip().splitlines() == ["koppel: error: no country 'ZZZ' in the graph"]
    with serve(spec) as base:
        with urllib.request.urlopen(f"{base}/api/countries/IRQ/returns", timeout=30) as response:
            body = json.load(response)
        assert body["country"] == "IRQ" and body["caveats"] == CAVEATS
        nl = next(s for s in body["states"] if s["state"] == "NLD")
        assert [p["persons"] for p in nl["points"]] == [195, 325, 720, 515, 315, 240, 150, 40, 15, 40]
        assert body["states"][0]["state"] == "NLD" and len(body["eu_efta_total"]) == 10
        try:
            with urllib.request.urlopen(f"{base}/api/countries/GHA", timeout=30) as response:
                profile = json.load(response)
        except urllib.error.HTTPError as error:
            raise AssertionError(error.read().decode()) from None
        assert profile["visa"][0]["requirement"] == "visa_required" and profile["visa"][0]["sources"]
        assert profile["returns"]["caveats"] == CAVEATS and profile["returns"]["netherlands"][0]["sources"]
        try:
            with urllib.request.urlopen(f"{base}/api/evidence?locator=eurostat-migr-eirtn%23L5331", timeout=30) as response:
                assert json.load(response)["text"].startswith("row 5331: citizen: Iraq, geo: Netherlands, year: 2021")
        except urllib.error.HTTPError as error:
            raise AssertionError(error.read().decode()) from None
        try:
            urllib.request.urlopen(f"{base}/api/countries/ZZZ/returns", timeout=30)
            raise AssertionError("an unknown country must be 404")
        except urllib.error.HTTPError as error:
            assert error.code == 404
            assert error.headers["content-type"].startswith("application/problem+json")

