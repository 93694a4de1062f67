"""The CLI on the seed graph: profiles, search, evidence, the catalogue, linkages and analytics."""

import json

import pytest

from tests.api.test_cli import koppel, one_clear_line
from tests.conftest import SHARED_SOURCES

LOCATOR = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie#L186-L188"


@pytest.fixture
def spec(seeded_store):
    return seeded_store.location


def test_country_search_and_evidence(spec):
    profile = json.loads(koppel("country", "irq", "--json", "--store", spec).stdout)
    assert profile["country"]["name_en"] == "Iraq" and profile["return_cooperation"][0]["level"] == "difficult"
    human = koppel("country", "AFG", "--store", spec).stdout
    assert "Afghanistan" in human and "refuses" in human
    found = json.loads(koppel("search", "Somalie", "--json", "--store", spec).stdout)["results"]
    assert found[0]["key"] == "SOM"
    passage = json.loads(koppel("evidence", LOCATOR, "--json", "--sources", str(SHARED_SOURCES)).stdout)
    assert passage["from_line"] == 186
    assert "gewenste visumfacilitatieovereenkomst" in passage["text"]  # hyphenated across a line end: joined
    assert "gelijktijdige terug- en overnameovereenkomst" in passage["text"]  # "terug- / en": an elision, kept
    one_clear_line(koppel("country", "XYZ", "--store", spec, check=False))
    one_clear_line(koppel("evidence", "nonsense", check=False))


def test_catalogue_linkages_and_analytics(spec, tmp_path):
    listed = json.loads(koppel("query", "--list", "--json").stdout)["queries"]
    assert len(listed) >= 15
    rows = json.loads(koppel("query", "country-dossiers", "--param", "iso3=AFG", "--json", "--store", spec).stdout)["rows"]
    assert "afg-luchtvaartverdrag" in {r["key"] for r in rows}
    one_clear_line(koppel("query", "no-such-query", "--store", spec, check=False))

    options = json.loads(koppel("linkages", "GHA", "--json", "--store", spec).stdout)
    assert options["existing"] and all(0 <= c["score"] <= 1 for c in options["candidates"])
    weights = tmp_path / "weights.yaml"
    weights.write_text("weights:\n  demand: 7\n")
    message = one_clear_line(koppel("linkages", "GHA", "--weights", str(weights), "--store", spec, check=False))
    assert str(weights) in message

    brokers = json.loads(koppel("analyse", "brokers", "IRQ", "--json", "--store", spec).stdout)
    assert brokers["brokers"]
    similar = json.loads(koppel("analyse", "similar", "IRQ", "--json", "--store", spec).stdout)
    assert similar["similar"] and similar["similar"][0]["key"] != "IRQ"
    ranking = json.loads(koppel("analyse", "centrality", "--label", "Forum", "--json", "--store", spec).stdout)["ranking"]
    assert ranking[0]["label"] == "Forum"


def test_export_gexf_for_gephi(spec):
    gexf = koppel("export", "--format", "gexf", "--store", spec).stdout
    assert "<gexf" in gexf and 'id="IRQ"' in gexf
