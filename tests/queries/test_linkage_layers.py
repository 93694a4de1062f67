"""Linkages on the data layers: treaties, visa requirements and return figures, on both stores alike.

The layers come from ``tests/data/linkage_layers.yaml``, a small facts file
shaped as graph/schema.yaml declares the treaty corpus, the visa requirements
and the Eurostat return observations (made-up figures citing fictitious
documents), loaded on top of the seed, so these tests do not wait on the
full loads.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from koppel.graph.models import NodeRecord, RelRecord
from koppel.graph.schema import SCHEMA
from koppel.loaders import seed_files
from koppel.loaders.facts import parse_facts
from koppel.queries.linkage import EU_READMISSION, EU_VISA_MEASURES, linkages, load_weights

LAYERS = Path(__file__).resolve().parent.parent / "data" / "linkage_layers.yaml"
LETTER_COUNTRIES = ("AFG", "GHA", "IND", "IRQ", "SOM", "somaliland", "MAR", "CHN")
REL_TYPES = frozenset(SCHEMA.rel_types)
WORD = re.compile(r"[A-Za-z0-9_]+")


def load(store) -> None:
    facts = parse_facts([*seed_files(), LAYERS])
    store.upsert(facts.nodes, facts.relationships)


def candidate(result: dict, key: str, direction: str = "positive") -> dict | None:
    return next((c for c in result["candidates"] if c["key"] == f"{key}@{direction}"), None)


def plain(text: str, keys: list[str]) -> None:
    """No raw key, coded value or relationship type in a text a strategist reads."""
    words = set(WORD.findall(text))
    assert not {w for w in words if "_" in w}, f"a coded value in {text!r}"
    assert not words & REL_TYPES, f"a relationship type in {text!r}"
    for key in keys:
        if "-" in key or ":" in key or re.fullmatch(r"[A-Z]{3}", key):  # slugs and ISO codes: no plain word looks like them
            assert not re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text), f"the key {key!r} in {text!r}"


def check_plain(result: dict) -> None:
    for w in result["warnings"]:
        plain(w["en"], [result["country"]]), plain(w["nl"], [result["country"]])
    for c in result["candidates"]:
        keys = [c["dossier"]["key"], result["country"]] + [k for r in c["reasons"] for k in r["path"]["nodes"]]
        for text in (c["why"]["en"], c["why"]["nl"], c["action"]["en"], c["action"]["nl"]):
            plain(text, keys)
        for r in c["reasons"]:
            plain(r["text"], keys), plain(r["text_nl"], keys)
    for e in result["existing"]:
        if e["date_basis"]:
            plain(e["date_basis"]["en"], [e["key"]])


def test_country_sections_on_the_data_layers(empty_store, agree):
    load(empty_store)
    weights = load_weights()
    results = {iso3: linkages(empty_store, iso3, weights=weights) for iso3 in (*LETTER_COUNTRIES, "ARM")}
    for iso3, result in results.items():
        check_plain(result)
        agree(empty_store, iso3, result)

    # Afghanistan: the aviation treaty it asked for stays "already linked" without result; its aviation treaty is no new candidate.
    afg = results["AFG"]
    (aviation,) = [e for e in afg["existing"] if e["key"] == "linkage-afg-luchtvaartverdrag"]
    assert aviation["outcome"] == "no_result" and aviation["dossier"]["key"] == "afg-luchtvaartverdrag"
    assert not [c for c in afg["candidates"] if c["dossier"]["domain"] == "aviation"]
    # ... and the precedent of the EU instrument rests on three cases, one judged by measured returns (China, around October 2013).
    eu = candidate(afg, EU_READMISSION)
    precedent = next(r for r in eu["reasons"] if r["factor"] == "precedent")
    assert eu["precedents"] == 3 and "measured return figures" in precedent["text"] and "China: returns +90.9 % after" in precedent["text"]  # (200 + 220) / 2 against (100 + 120) / 2
    assert {"test-layers#L54", "test-layers#L57"} <= set(precedent["sources"])

    # Ghana: the aid cut with its date and the Dutch return series around it.
    gha = results["GHA"]
    (cut,) = [e for e in gha["existing"] if e["key"] == "linkage-gha-korting-ontwikkelingshulp"]
    assert cut["date"] == "2012-09-28" and cut["direction"] == "negative" and cut["date_sources"]
    assert [(p["year"], p["persons"]) for p in cut["returns"]["series"]] == [(2019, 200), (2020, 150), (2021, 100)]
    assert (cut["returns"]["before"], cut["returns"]["after"], cut["returns"]["years_after"]) == (None, 150.0, 3)
    # Ghana's returns fell in the Netherlands only: bilateral levers gain, the EU channel loses.
    tax = candidate(gha, "treaty-test-gha-tax")
    channel = next(r for r in tax["reasons"] if r["factor"] == "channel")
    assert "point to this channel" in channel["text"] and "fell 50 %" in channel["text"] and "test-layers#L27" in channel["sources"]
    eu_channel = next(r for r in candidate(gha, EU_READMISSION)["reasons"] if r["factor"] == "channel")
    assert "point to another channel" in eu_channel["text"]
    # A lever that exists both ways appears both ways, each with its own score and risk.
    offer, measures = candidate(gha, EU_READMISSION), candidate(gha, EU_VISA_MEASURES, "negative")
    assert offer and measures and offer["score"] > measures["score"]
    assert measures["factors"]["risk"] != offer["factors"]["risk"] and "test-layers#L59" in measures["sources"]

    # Morocco: its treaty dossiers are candidates, one per domain, the one not yet in force both ways.
    mar = results["MAR"]
    treaties = {c["key"] for c in mar["candidates"] if c["kind"] == "treaty"}
    assert {"treaty-test-mar-investment@positive", "treaty-test-mar-investment@negative", "treaty-test-mar-social-security@positive",
            "treaty-test-mar-aviation@positive", "treaty-test-mar-aviation@negative", "treaty-test-mar-tax@positive"} == treaties
    assert sum(c["country_specific"] for c in mar["candidates"][:5]) >= 3
    # Returns of Moroccans fell across Europe: the states that share the problem form a coalition candidate.
    coalition = candidate(mar, "return-coalition:MAR")
    assert coalition["channel"] == "coalition" and "Germany" in coalition["why"]["en"] and "Duitsland" in coalition["why"]["nl"]

    # A visa-free nationality never gets visa facilitation or visa measures.
    arm = results["ARM"]
    assert not [c for c in arm["candidates"] if c["dossier"]["domain"] == "visa_facilitation"]
    assert candidate(arm, "treaty-test-arm-aviation") is not None
    # No fragility recorded: the warning comes first.
    assert arm["warnings"][0]["en"].startswith("No fragility recorded for Armenia")
    assert not any("fragility" in w["en"] for w in results["SOM"]["warnings"])


def _later_facts(day: dt.date, n: int) -> tuple[list[NodeRecord], list[RelRecord]]:
    """Facts about Afghanistan, Morocco and Iraq that all became known after ``day``: a treaty, a wish, a linkage, a visa rule, return figures."""
    doc = ["test-layers#L1"]
    later = day + dt.timedelta(days=1 + n)
    year = later.year + 1  # a return figure for a year after the day is published later still
    nodes = [
        NodeRecord("Agreement", f"treaty-later-{n}", {"name": f"Later treaty {n}", "agreement_type": "treaty", "status": "signed", "domain": "investment", "date_signed": later, "sources": doc}),
        NodeRecord("Dossier", f"afg-later-{n}", {"name": f"Later dossier {n}", "domain": "student_mobility", "status": "requested", "valid_from": later, "sources": doc}),
        NodeRecord("Linkage", f"linkage-later-{n}", {"name": f"Later linkage {n}", "direction": "positive", "status": "made", "outcome": "effective", "channel": "eu", "date": later, "sources": doc}),
        NodeRecord("ReturnObservation", f"returns-afg-nld-later-{n}", {"name": "later", "year": year, "persons": 5000, "availability": "reported", "dataset": "test-returns", "sources": doc}),
    ]
    rels = [
        RelRecord("PARTY_TO", "AFG", f"treaty-later-{n}", "Country", "Agreement", {"sources": doc}),
        RelRecord("BETWEEN", f"afg-later-{n}", "AFG", "Dossier", "Country", {"sources": doc}),
        RelRecord("CONTROLS", "NLD", f"afg-later-{n}", "Country", "Dossier", {"sources": doc, "valid_from": later}),
        RelRecord("WANTS", "AFG", f"afg-later-{n}", "Country", "Dossier", {"sources": doc, "valid_from": later}),
        RelRecord("LINKS", f"linkage-later-{n}", "eu-chn-terug-en-overname", "Linkage", "Dossier", {"sources": doc}),
        RelRecord("CONCERNS", f"linkage-later-{n}", "MAR", "Linkage", "Country", {"sources": doc}),
        RelRecord("OF_CITIZENSHIP", f"returns-afg-nld-later-{n}", "AFG", "ReturnObservation", "Country", {"sources": doc}),
        RelRecord("REPORTED_BY", f"returns-afg-nld-later-{n}", "NLD", "ReturnObservation", "Country", {"sources": doc}),
    ]
    if n == 0:
        # a first visa rule for Iraq, once: a later rule for the same pair would replace the stored one (one relationship per pair and type)
        rels.append(RelRecord("VISA_REQUIREMENT", "IRQ", "NLD", "Country", "Country", {"sources": doc, "requirement": "visa_free", "visa_required": False, "as_of": later}))
    return nodes, rels


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(day=st.dates(min_value=dt.date(2014, 3, 1), max_value=dt.date(2030, 12, 31)))
def test_no_score_depends_on_facts_later_than_the_query(empty_store, day):
    """Adding facts dated after ``as_of`` (treaties, wishes, linkages, visa rules, return figures) changes nothing on that day."""
    if not hasattr(empty_store, "_linkage_layers_loaded"):
        load(empty_store)
        empty_store._linkage_layers_loaded = 0
    n = empty_store._linkage_layers_loaded
    before = {iso3: linkages(empty_store, iso3, as_of=day) for iso3 in ("AFG", "MAR", "IRQ")}
    empty_store.upsert(*_later_facts(day, n))
    empty_store._linkage_layers_loaded = n + 1
    after = {iso3: linkages(empty_store, iso3, as_of=day) for iso3 in ("AFG", "MAR", "IRQ")}
    assert after == before
    # ... while the same facts do count once their day has come (the day after ``day`` for the n-th batch).
    assert linkages(empty_store, "AFG", as_of=day + dt.timedelta(days=1 + n)) != before["AFG"]


def test_another_states_data_are_used_only_after_the_secession_and_marked_inferred(empty_store):
    """A territory without an ISO code reads the data of the state it broke away from only once the secession has happened.

    Made-up facts: a territory (no ISO code, an assessment) whose secession
    from Morocco is dated 1 June 2023. Morocco's return figures of 2019-2021
    (published by 1 July 2022) fell in Germany, France and Belgium.
    """
    load(empty_store)
    doc = ["test-layers#L1"]
    empty_store.upsert(
        [
            NodeRecord("Country", "test-territory", {"name": "Test territory", "name_en": "Test territory", "has_iso_code": False, "sources": doc}),
            NodeRecord("Assessment", "assessment-test-territory", {"name": "Test assessment", "level": "not_willing", "trend": "unknown",
                                                                   "as_of": dt.date(2014, 2, 25), "sources": doc}),
            NodeRecord("Event", "secession-test-territory", {"name": "Secession of the test territory", "kind": "secession",
                                                             "date": dt.date(2023, 6, 1), "sources": ["test-layers#L2"]}),
        ],
        [
            RelRecord("CONCERNS", "assessment-test-territory", "test-territory", "Assessment", "Country", {"sources": doc}),
            RelRecord("INITIATED", "test-territory", "secession-test-territory", "Country", "Event", {"sources": ["test-layers#L2"]}),
            RelRecord("CONCERNS", "secession-test-territory", "MAR", "Event", "Country", {"sources": ["test-layers#L2"]}),
        ],
    )
    before = linkages(empty_store, "test-territory", as_of=dt.date(2023, 1, 1))
    assert before["candidates"] and not [c["key"] for c in before["candidates"] if c["inferred"] or c["kind"] == "coalition"]
    assert not [w for w in before["warnings"] if "inferred" in w["en"]]
    after = linkages(empty_store, "test-territory", as_of=dt.date(2023, 12, 31))
    coalition = candidate(after, "return-coalition:test-territory")
    assert coalition and coalition["inferred"]["en"].startswith("inferred: Test territory has no ISO country code and broke away from Morocco in 2023")
    assert {"test-layers#L2", "test-layers#L41", "test-layers#L44"} <= set(coalition["sources"])  # the secession and Germany's and France's 2021 rows
    assert "Germany" in coalition["why"]["en"] and "(inferred:" in coalition["why"]["en"]
    assert [c["key"] for c in after["candidates"] if c["inferred"]] == [coalition["key"]]  # Morocco's visa rule holds only from 2025
    assert "Data of Morocco are used for Test territory (inferred: Test territory has no ISO country code and broke away from Morocco in 2023; the return figures have no entry for it, so its nationals are counted there as nationals of Morocco)." in [w["en"] for w in after["warnings"]]
    assert candidate(linkages(empty_store, "test-territory"), EU_VISA_MEASURES, "negative")["inferred"] is not None  # today, the visa rule too
