"""The data layers' loaders (issue 12): names placed, rows counted, empty values kept, malformed rows refused by line.

Parsing is tested on the real files in ../shared/data; what reaches the
stores is tested on both stores in tests/queries/test_returns.py, and a
refused load writes nothing on both stores (here, through the real CLI).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from koppel.graph.errors import NotFound, ValidationError
from koppel.loaders.data.datasets import EUROSTAT_RETURNS, PASSPORT_INDEX, data_dir, groups_version
from koppel.loaders.data.eurostat import load_returns
from koppel.loaders.data.groups import load_groups
from koppel.loaders.data.names import EUROSTAT_SPELLINGS, iso3_for, not_a_country
from koppel.loaders.data.visa import load_visa
from koppel.loaders.layers import merge_facts
from koppel.loaders.sources import evidence

DATA = data_dir()
RETURNS_FILE = DATA / EUROSTAT_RETURNS.path
VISA_FILE = DATA / PASSPORT_INDEX.path


@pytest.fixture(scope="module")
def returns():
    return load_returns(RETURNS_FILE)


def _file_rows() -> list[list[str]]:
    with RETURNS_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Kosovo*", "XKX"),
        ("Türkiye", "TUR"),
        ("Côte d’Ivoire", "CIV"),
        ("Congo", "COG"),
        ("Democratic Republic of the Congo", "COD"),
        ("China including Hong Kong", "CHN"),
        ("China", "CHN"),
        ("Gambia, The", "GMB"),
        ("Palestine*", "PSE"),
        ("Myanmar/Burma", "MMR"),
        ("Viet Nam", "VNM"),
        ("Russia", "RUS"),
        ("São Tomé and Príncipe", "STP"),
        ("Netherlands", "NLD"),
        ("Czechia", "CZE"),
        ("Iran", "IRN"),
    ],
)
def test_eurostat_spellings_place_on_iso3(name, iso3):
    assert iso3_for(name) == iso3


def test_every_spelling_in_the_table_is_a_country_koppel_can_make():
    from koppel.loaders.data.names import known_key

    assert all(known_key(code) for code in EUROSTAT_SPELLINGS.values())


@pytest.mark.parametrize("name", ["Stateless", "Unknown", "Recognised non-citizens", "Asia", "British overseas countries and territories", "European Union - 27 countries (from 2020)"])
def test_categories_and_aggregates_are_not_countries(name):
    assert not_a_country(name)


def test_a_name_no_rule_places_is_not_guessed():
    assert iso3_for("Atlantis") is None
    assert not_a_country("Atlantis") is None


def test_returns_rows_match_the_file_less_the_reported_skips(returns):
    facts, report = returns
    rows = _file_rows()
    observations = [n for n in facts.nodes if n.label == "ReturnObservation"]
    assert report.rows == len(rows) == 12892
    assert len(observations) == len(rows) - report.rows_skipped
    assert set(report.skipped) == {"Stateless", "Unknown", "Recognised non-citizens", "Asia", "British overseas countries and territories"}
    assert all(s.reason for s in report.skipped.values())
    # Every citizenship left is placed: one OF_CITIZENSHIP and one REPORTED_BY per observation.
    assert len(facts.relationships) == 2 * len(observations)
    countries = {n.key for n in facts.nodes if n.label == "Country"}
    assert {"XKX", "TUR", "CIV", "COD", "COG", "CHN", "GMB", "PSE", "MMR", "VNM", "NLD", "CHE", "NOR"} <= countries


def test_an_empty_value_is_kept_as_not_available_never_zero(returns):
    facts, report = returns
    skipped_lines = {line for s in report.skipped.values() for line in s.lines}
    empty_lines = {line for line, row in enumerate(_file_rows(), start=2) if row[3] == "" and line not in skipped_lines}
    assert len([1 for row in _file_rows() if row[3] == ""]) == 220
    na = {int(n.properties["sources"][0].split("#L")[1]) for n in facts.nodes if n.label == "ReturnObservation" and n.properties["availability"] == "not_available"}
    assert na == empty_lines
    assert all(
        n.properties["persons"] is None for n in facts.nodes if n.label == "ReturnObservation" and n.properties["availability"] == "not_available"
    )


def test_a_malformed_row_is_named_by_line_and_nothing_is_returned(tmp_path):
    bad = tmp_path / "returns.csv"
    bad.write_text(
        "citizen,geo,year,value\n"
        "Ghana,Netherlands,2019,40.0\n"
        "Ghana,Netherlands,2020,abc\n"
        "Atlantis,Netherlands,2020,5.0\n"
        "Ghana,Netherlands,2021,5.0,extra\n"
        "Ghana,Netherlands,20x1,5.0\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as caught:
        load_returns(bad)
    message = str(caught.value)
    assert "4 malformed row(s), nothing loaded" in message
    assert f"{bad}:3: value 'abc' is not a number of persons" in message
    assert f"{bad}:4: citizen 'Atlantis' is a name no rule places" in message
    assert f"{bad}:5: 5 columns, expected 4" in message
    assert f"{bad}:6: year '20x1' is not a calendar year" in message


def test_visa_rows_for_the_netherlands(tmp_path):
    facts, report = load_visa(VISA_FILE)
    assert report.rows == 199 and report.rows_skipped == 1  # NLD itself
    by_passport = {r.start: r for r in facts.relationships}
    assert len(by_passport) == 198
    assert by_passport["AFG"].properties["visa_required"] is True
    assert by_passport["AFG"].properties["requirement"] == "visa_required"
    assert by_passport["USA"].properties["visa_required"] is False
    assert by_passport["USA"].properties["visa_free_days"] == 90
    assert str(by_passport["AFG"].properties["as_of"]) == "2025-01-12"
    line = int(by_passport["GHA"].properties["sources"][0].split("#L")[1])
    assert VISA_FILE.read_text(encoding="utf-8").splitlines()[line - 1] == "GHA,NLD,visa required"
    bad = tmp_path / "visa.csv"
    bad.write_text("Passport,Destination,Requirement\nGHA,NLD,maybe\nZZZ,NLD,visa required\nGHA,NLD\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_visa(bad)
    assert f"{bad}:2: requirement 'maybe'" in str(caught.value)
    assert f"{bad}:3: passport 'ZZZ'" in str(caught.value)
    assert f"{bad}:4: 2 columns" in str(caught.value)


def test_groups_cite_the_package_and_its_lines():
    facts, report = load_groups()
    version = groups_version()
    groups = {n.key: n for n in facts.nodes if n.label == "CountryGroup"}
    assert {"african-union", "economic-community-of-west-african-states", "intergovernmental-authority-on-development", "league-of-arab-states", "least-developed-countries", "eu-lidstaten"} <= set(groups)
    members = {r.start for r in facts.relationships if r.end == "intergovernmental-authority-on-development"}
    assert members == {"DJI", "ERI", "ETH", "KEN", "SOM", "SSD", "SDN", "UGA"}
    assert len({r.start for r in facts.relationships if r.end == "eu-lidstaten"}) == 27
    assert "COD" in {r.start for r in facts.relationships if r.end == "african-union"}  # the package lists it without a code
    assert [s.name for s in report.skipped.values()] == ["Netherlands Antilles"]
    somalia = next(r for r in facts.relationships if r.start == "SOM" and r.end == "intergovernmental-authority-on-development")
    locator = somalia.properties["sources"][0]
    assert locator.startswith(f"worldcountrygroups-{version}-igad#L")
    assert '"iso3": "SOM"' in evidence(locator).text


def test_a_group_the_letter_names_is_one_node_with_both_sources(seed_facts):
    groups, _ = load_groups()
    merged = merge_facts([seed_facts, groups])
    eu = [n for n in merged.nodes if n.key == "eu-lidstaten"]
    assert len(eu) == 1
    assert eu[0].properties["name"] == "Lidstaten van de EU"  # the letter's name wins
    sources = eu[0].properties["sources"]
    assert any(s.startswith("kamerbrief-") for s in sources) and any(s.startswith("worldcountrygroups-") for s in sources)
    nld = next(r for r in merged.relationships if r.identity == ("NLD", "MEMBER_OF", "eu-lidstaten"))
    assert any(s.startswith("kamerbrief-") for s in nld.properties["sources"]) and any(s.startswith("worldcountrygroups-") for s in nld.properties["sources"])


def test_dataset_locators_resolve_to_their_row_and_bad_ones_are_not_found():
    text = evidence("eurostat-migr-eirtn#L5331").text
    assert text.startswith("row 5331: citizen: Iraq, geo: Netherlands, year: 2021")
    assert "rounded to the nearest 5" in text
    with pytest.raises(NotFound):
        evidence("eurostat-migr-eirtn#L99999")
    with pytest.raises(NotFound):
        evidence("worldcountrygroups-0.0.1-igad#L2")


KOPPEL = [sys.executable, "-m", "koppel.api.cli"]


def test_a_refused_default_load_writes_nothing_on_either_store(store_kind, empty_store, tmp_path, request):
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("*.md", "LICENSE"))
    target = data / EUROSTAT_RETURNS.path
    with target.open("a", encoding="utf-8") as handle:
        handle.write("Atlantis,Netherlands,2020,5.0\n")
    spec = f"embedded:{tmp_path / 'store'}" if store_kind == "embedded" else os.environ["NEO4J_URI"]
    empty_store.close()
    env = {**os.environ, "KOPPEL_DATA": str(data)}
    done = subprocess.run([*KOPPEL, "load", "--store", spec], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 4  # ValidationError, README's exit codes
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("koppel: error: dataset eurostat-migr-eirtn: 1 malformed row(s), nothing loaded")
    assert f"{target}:12894: citizen 'Atlantis' is a name no rule places" in done.stderr
    assert "Traceback" not in done.stderr
    stats = subprocess.run([*KOPPEL, "stats", "--store", spec, "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["nodes"] == 0
