"""Country profiles of the seed: the same on both stores, and right for Iraq and Afghanistan."""

from __future__ import annotations

import json
from typing import Any

import pytest

from koppel.loaders.sources import Locator
from koppel.queries.profile import country_profile

SECTIONS = ["groups", "return_cooperation", "dossiers", "agreements", "forums", "projects", "donors", "events", "linkages"]


def keys(profile: dict[str, Any], section: str) -> list[str]:
    return sorted(item["key"] for item in profile[section])


def item(profile: dict[str, Any], section: str, key: str) -> dict[str, Any]:
    found = [i for i in profile[section] if i["key"] == key]
    assert len(found) == 1, f"{key} appears {len(found)} times in {section}"
    return found[0]


def first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'embedded' if k in a else 'neo4j'}"
            diff = first_difference(a[k], b[k], f"{path}.{k}")
            if diff:
                return diff
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items on embedded, {len(b)} on neo4j"
        for i, (x, y) in enumerate(zip(a, b)):
            diff = first_difference(x, y, f"{path}[{i}]")
            if diff:
                return diff
        return None
    return None if a == b else f"{path}: {a!r} (embedded) != {b!r} (neo4j)"


def test_every_country_profile_is_the_same_on_both_stores(seed_facts, request):
    from tests.conftest import _Neo4jState, open_test_store  # noqa: PLC0415

    countries = sorted(n.key for n in seed_facts.nodes if n.label == "Country")
    assert len(countries) == 28
    folder = request.getfixturevalue("_embedded_seed")
    env = request.getfixturevalue("neo4j_env")
    profiles: dict[str, dict[str, Any]] = {}
    with open_test_store("embedded", folder, None, read_only=True) as embedded:
        profiles["embedded"] = {c: country_profile(embedded, c) for c in countries}
    with open_test_store("neo4j", folder, env) as neo4j:
        if not _Neo4jState.seeded:
            neo4j.clear()
            neo4j.upsert(seed_facts.nodes, seed_facts.relationships)
            _Neo4jState.seeded = True
        profiles["neo4j"] = {c: country_profile(neo4j, c) for c in countries}
    differences = {}
    for country in countries:
        e, n = profiles["embedded"][country], profiles["neo4j"][country]
        json.dumps(e)  # JSON-ready
        assert set(SECTIONS) | {"country"} <= set(e), f"{country}: sections missing: {set(SECTIONS) - set(e)}"
        assert e["country"]["key"] == country
        diff = first_difference(e, n)
        if diff:
            differences[country] = diff
    assert not differences, f"{len(differences)} profiles differ between the stores:\n" + "\n".join(
        f"  {c}: {d}" for c, d in differences.items()
    )
    # not vacuous: the profiles hold something for the countries the letter is about
    for country in ("AFG", "GHA", "IND", "IRQ", "SOM", "somaliland"):
        assert profiles["embedded"][country]["return_cooperation"], country
        assert profiles["embedded"][country]["linkages"], country


def test_profile_evidence_points_into_the_letter(seeded_store, letter):
    for country in ("IRQ", "AFG"):
        profile = country_profile(seeded_store, country)
        assert sum(len(profile[section]) for section in SECTIONS) > 5, country  # the loops below check something
        for section in SECTIONS:
            for entry in profile[section]:
                assert entry["evidence"], f"{country} {section} {entry['key']}: no evidence"
                for locator in entry["evidence"]:
                    assert Locator.parse(locator).to_line <= len(letter.lines), locator


def test_the_iraq_profile(seeded_store):
    profile = country_profile(seeded_store, "IRQ")
    assert profile["country"]["name"] == "Irak" and profile["country"]["name_en"] == "Iraq"
    assert [(a["level"], a["trend"]) for a in profile["return_cooperation"]] == [("difficult", "stable")]  # L121-L124
    assert keys(profile, "groups") == ["zijderoutelanden"]
    assert keys(profile, "dossiers") == ["irq-bredere-samenwerking", "irq-herintegratie-terugkeerders", "irq-ontheemden", "irq-terugkeerboodschap"]
    assert keys(profile, "linkages") == [
        "linkage-boedapest-proces-zijderoutelanden",
        "linkage-irq-hulpaanbod",
        "linkage-irq-samenwerkende-landen",
        "linkage-irq-terugkeer-en-bredere-samenwerking",  # L111-L114
    ]
    assert item(profile, "linkages", "linkage-irq-hulpaanbod")["outcome"] == "no_result"
    assert keys(profile, "projects") == ["project-migratiemanagement-zijderoutelanden"]
    assert keys(profile, "donors") == [
        "donor-che",
        "donor-european-commission",
        "donor-hun",
        "donor-nld",
        "donor-swe",
        "donor-tur",
    ]
    assert item(profile, "donors", "donor-nld")["through"] == ["project-migratiemanagement-zijderoutelanden"]
    forum = item(profile, "forums", "boedapest-proces")
    assert "PARTICIPATES_IN" in forum["via"] and forum["through"] == ["zijderoutelanden"]
    dated = [(e["key"], e["date"]) for e in profile["events"] if e.get("date")]
    assert dated == [  # L108-L113, in date order
        ("ontvangst-iraakse-minister-voor-migratie-2012-06", "2012-06-01"),
        ("bezoek-staatssecretaris-venj-irak-2013-07", "2013-07-01"),
        ("bezoek-minister-buza-irak-2013-09", "2013-09-01"),
    ]
    assert {"aanbod-hulp-aan-irak", "gezamenlijke-acties-samenwerkende-landen-irak"} <= set(keys(profile, "events"))
    assert keys(profile, "agreements") == []  # the letter names no agreement with Iraq
    if "partners" in profile:  # the like-minded states (L218-L222)
        assert keys(profile, "partners") == ["AUS", "CAN", "CHE", "NOR", "USA", "andere-eu-lidstaten-samenwerking-irak", "samenwerkende-landen-irak"]


def test_the_afghanistan_profile(seeded_store):
    profile = country_profile(seeded_store, "afg")  # keys are case-insensitive
    assert profile["country"]["key"] == "AFG"
    assert [a["level"] for a in profile["return_cooperation"]] == ["refuses"]  # L77-L78
    assert keys(profile, "agreements") == ["mou-nld-afg-unhcr-2002"]
    mou = item(profile, "agreements", "mou-nld-afg-unhcr-2002")
    assert mou["date_signed"] == "2002-01-01" and "PARTY_TO" in mou["via"]
    assert keys(profile, "dossiers") == [
        "afg-luchtvaartverdrag",
        "afg-opvang-terugkerende-minderjarigen",
        "afg-reisdocumenten-gedwongen-terugkeer",
    ]
    assert sorted(item(profile, "dossiers", "afg-luchtvaartverdrag")["via"]) == ["BETWEEN", "WANTS"]  # L82-L83
    assert keys(profile, "linkages") == ["linkage-afg-luchtvaartverdrag", "linkage-boedapest-proces-zijderoutelanden"]
    assert item(profile, "linkages", "linkage-afg-luchtvaartverdrag")["outcome"] == "no_result"  # L84
    assert keys(profile, "events") == ["ondertekening-mou-nld-afg-unhcr-2002"]
    assert keys(profile, "groups") == ["zijderoutelanden"]
    assert keys(profile, "forums") == ["boedapest-proces"]
    assert keys(profile, "projects") == ["project-migratiemanagement-zijderoutelanden"]
    assert len(profile["donors"]) == 6


@pytest.mark.parametrize(
    ("country", "agreement", "dossier"),
    [
        ("SOM", "mou-nld-som-gedwongen-terugkeer", "som-gedwongen-terugkeer"),  # L129-L130
        ("somaliland", "mou-nld-somaliland-voorgenomen", "somaliland-gedwongen-terugkeer"),  # L142-L144
    ],
)
def test_the_somali_profiles_show_their_return_mou(seeded_store, country, agreement, dossier):
    """The memorandum on forced return is the centre of both Somali sections; a strategist must see it."""
    profile = country_profile(seeded_store, country)
    assert agreement in keys(profile, "agreements"), (
        f"the {country} profile lacks {agreement}: the seed ties it only to a government organisation, not to the country"
    )
    assert dossier in keys(profile, "dossiers")
