"""Linkage recommendations: golden answers for every country section of the letter, on both stores alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from koppel.graph.errors import NotFound, ValidationError
from koppel.queries.linkage import ASK_DOMAINS, EU_MOBILITY, EU_READMISSION, linkages, load_weights

LETTER = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie"


def existing(result: dict, key: str) -> list[dict]:
    return [e for e in result["existing"] if e["key"] == key]


def targets(result: dict, key: str) -> set[str]:
    """The keys of what the existing linkage ``key`` ties to return."""
    (row,) = existing(result, key)
    return {t["key"] for t in row["targets"]}


def candidate(result: dict, key: str) -> dict | None:
    return next((c for c in result["candidates"] if c["dossier"]["key"] == key), None)


def check_shape(result: dict) -> None:
    """Every candidate is scored in [0, 1], explained by its six factors, each with a path and sources."""
    scores = [c["score"] for c in result["candidates"]]
    assert scores == sorted(scores, reverse=True)
    linked = {t["key"] for e in result["existing"] for t in e["targets"]}
    assert len({e["key"] for e in result["existing"]}) == len(result["existing"]), "one row per linkage"
    assert list(result)[0] == "warnings", "what is missing comes first"
    assert [w["en"] for w in result["warnings"]] == result["missing"]
    for c in result["candidates"]:
        assert 0.0 <= c["score"] <= 1.0
        assert c["direction"] in ("positive", "negative") and c["channel"] in ("bilateral", "eu", "forum", "coalition")
        assert c["dossier"]["key"] not in linked, "an existing linkage is never recommended again"
        assert c["dossier"]["domain"] not in ASK_DOMAINS
        assert [r["factor"] for r in c["reasons"]] == ["demand", "control", "precedent", "channel", "positive", "specific", "risk"]
        assert c["why"]["en"] and c["why"]["nl"] and c["why"]["en"] != c["why"]["nl"]
        assert c["sources"] == sorted({s for r in c["reasons"] for s in r["sources"]})
        assert 0.0 <= c["robustness"] <= 1.0
        for reason in c["reasons"]:
            assert 0.0 <= reason["value"] <= 1.0 and reason["text"]
            assert set(reason["path"]) == {"nodes", "edges"}
            assert all(edge.count("|") == 2 for edge in reason["path"]["edges"])
            assert all(s.startswith(LETTER + "#L") for s in reason["sources"])
    for e in result["existing"]:
        assert e["sources"] and e["outcome"] and e["dossier"]["key"]


@pytest.fixture(scope="module")
def weights():
    return load_weights()


def run(store, agree, iso3, weights, **kwargs):
    result = linkages(store, iso3, weights=weights, with_robustness=True, **kwargs)
    check_shape(result)
    agree(store, f"{iso3}-{kwargs}", result)
    return result


def test_afghanistan_aviation_treaty_tied_without_result(seeded_store, agree, weights):
    result = run(seeded_store, agree, "AFG", weights)
    assert result["assessment"]["level"] == "refuses"
    (aviation,) = existing(result, "linkage-afg-luchtvaartverdrag")
    assert aviation["dossier"] == {"key": "afg-luchtvaartverdrag", "name": "Bilateral aviation treaty Netherlands-Afghanistan",
                                   "name_nl": "Bilateraal luchtvaartverdrag Nederland-Afghanistan", "domain": "aviation", "label": "Dossier"}
    assert (aviation["direction"], aviation["outcome"], aviation["channel"]) == ("positive", "no_result", "bilateral")
    assert candidate(result, "afg-luchtvaartverdrag") is None
    # travel documents and reception of minors are what the Netherlands asks, not levers
    assert candidate(result, "afg-reisdocumenten-gedwongen-terugkeer") is None
    assert candidate(result, "afg-opvang-terugkerende-minderjarigen") is None
    top = result["candidates"][:5]
    assert all(c["direction"] == "positive" for c in result["candidates"])
    assert {"instrument-grensbewaking", "instrument-capaciteit-migratiediensten"} <= {c["dossier"]["key"] for c in top}
    assert candidate(result, EU_READMISSION)["channel"] == "eu"
    assert any("like-minded" in m for m in result["missing"])
    assert "No fragility recorded for Afghanistan" in result["warnings"][0]["en"]  # risk counted as 0: said first


def test_ghana_aid_cut_and_conditional_offer(seeded_store, agree, weights):
    result = run(seeded_store, agree, "GHA", weights)
    (cut,) = existing(result, "linkage-gha-korting-ontwikkelingshulp")
    assert (cut["direction"], cut["outcome"], cut["dossier"]["domain"]) == ("negative", "partial", "development_aid")
    (offer,) = existing(result, "linkage-gha-steun-migratiemanagement")
    assert (offer["direction"], offer["status"], offer["outcome"]) == ("positive", "offered", "pending")
    domains = {c["dossier"]["domain"] for c in result["candidates"]}
    assert "development_aid" not in domains and "migration_capacity" not in domains  # both already in play
    assert result["candidates"][0]["direction"] == "positive"
    assert {"instrument-grensbewaking", "instrument-kennisdeling"} <= {c["dossier"]["key"] for c in result["candidates"]}


def test_india_mobility_partnership_unsigned(seeded_store, agree, weights):
    result = run(seeded_store, agree, "IND", weights)
    assert targets(result, "linkage-ind-mobiliteit-tegen-terugname") == {"ind-mobiliteit-kennismigranten", "ind-mobiliteit-studenten", "mou-nld-ind-human-resources-mobility-partnership"}
    (linked,) = existing(result, "linkage-ind-mobiliteit-tegen-terugname")
    assert linked["outcome"] == "no_result" and linked["status"] == "proposed"
    assert not {"labour_mobility", "student_mobility"} & {c["dossier"]["domain"] for c in result["candidates"] if c["channel"] == "bilateral"}
    assert candidate(result, EU_READMISSION) is not None
    assert existing(result, "linkage-boedapest-proces-zijderoutelanden")  # the Budapest Process is already used


def test_iraq_offers_coalition_and_forum(seeded_store, agree, weights):
    result = run(seeded_store, agree, "IRQ", weights)
    assert targets(result, "linkage-irq-hulpaanbod") == {"irq-herintegratie-terugkeerders", "irq-ontheemden"}
    assert existing(result, "linkage-irq-hulpaanbod")[0]["outcome"] == "no_result"
    (coalition,) = existing(result, "linkage-irq-samenwerkende-landen")
    assert coalition["channel"] == "coalition"
    assert not [c for c in result["candidates"] if c["channel"] in ("coalition", "forum")]  # both already in use
    assert "reintegration" not in {c["dossier"]["domain"] for c in result["candidates"]}
    risk = next(r for r in result["candidates"][0]["reasons"] if r["factor"] == "risk")
    assert risk["value"] > 0 and "mass displacement" in risk["text"] and "massale ontheemding" in risk["text_nl"]
    assert not any("fragility" in w["en"] for w in result["warnings"])


def test_somalia_conditional_cofinancing_and_fragility(seeded_store, agree, weights):
    result = run(seeded_store, agree, "SOM", weights)
    assert targets(result, "linkage-som-cofinanciering-immigratiedienst") == {"project-somalische-immigratiedienst", "som-capaciteit-immigratiedienst"}
    assert candidate(result, "som-gedwongen-terugkeer") is None
    assert candidate(result, "instrument-capaciteit-migratiediensten") is None  # covered by the co-financing offer
    ghana = linkages(seeded_store, "GHA", weights=weights)
    # the same offer scores lower for a post-conflict state: pressure there may alienate it
    assert candidate(result, "instrument-grensbewaking")["score"] < candidate(ghana, "instrument-grensbewaking")["score"]
    risk = next(r for r in candidate(result, "instrument-grensbewaking")["reasons"] if r["factor"] == "risk")
    assert "post-conflict" in risk["text"] and risk["sources"]


def test_somaliland_mou_with_conditional_portfolio(seeded_store, agree, weights):
    result = run(seeded_store, agree, "somaliland", weights)
    assert result["assessment"]["level"] == "not_willing"
    assert targets(result, "linkage-somaliland-mou-projectenportefeuille") == {"mou-nld-somaliland-voorgenomen", "projectenportefeuille-somaliland", "somaliland-os-middelen"}
    assert all(e["status"] == "planned" and e["outcome"] == "pending" for e in result["existing"])
    assert result["candidates"] and all(c["direction"] == "positive" for c in result["candidates"])


def test_morocco_visa_facilitation_only_with_readmission(seeded_store, agree, weights):
    result = run(seeded_store, agree, "MAR", weights)
    assert targets(result, "linkage-mar-visumfacilitatie-alleen-met-overname") == {"mar-visumfacilitatie", "eu-mar-visumfacilitatieovereenkomst"}
    (linked,) = existing(result, "linkage-mar-visumfacilitatie-alleen-met-overname")
    assert linked["channel"] == "eu" and linked["outcome"] == "pending"
    # the mobility partnership is signed and the readmission agreement under negotiation: nothing to add at EU level
    assert candidate(result, EU_READMISSION) is None and candidate(result, EU_MOBILITY) is None
    assert any("no assessment" in m.lower() for m in result["missing"])


def test_china_eu_dialogue(seeded_store, agree, weights):
    result = run(seeded_store, agree, "CHN", weights)
    assert targets(result, "linkage-eu-chn-visumfacilitatie-en-overname") == {"eu-chn-visumfacilitatie", "eu-chn-terug-en-overname"}
    dialogue = candidate(result, "eu-china-dialoog-migratie-en-mobiliteit")
    assert dialogue["channel"] == "forum"
    channel = next(r for r in dialogue["reasons"] if r["factor"] == "channel")
    assert "europese-unie" in channel["path"]["nodes"] and channel["sources"]
    assert candidate(result, EU_READMISSION) is None


def test_as_of_ignores_facts_not_yet_valid(seeded_store, agree, weights):
    before = run(seeded_store, agree, "CHN", weights, as_of=dt.date(2013, 6, 1))
    assert before["as_of"] == "2013-06-01"
    assert not existing(before, "linkage-eu-chn-visumfacilitatie-en-overname")  # dated 14 October 2013
    afghanistan = linkages(seeded_store, "AFG", as_of=dt.date(2001, 1, 1), weights=weights)
    assert afghanistan["assessment"] is None  # assessed on 25 February 2014


def test_a_country_without_data_gets_missing_not_an_empty_answer(seeded_store, agree, weights):
    result = run(seeded_store, agree, "HUN", weights)
    assert result["candidates"] == [] and result["existing"] == []
    assert any("no assessment" in m.lower() for m in result["missing"])
    assert any("country of origin" in m for m in result["missing"])


def test_unknown_country_is_not_found(seeded_store, weights):
    with pytest.raises(NotFound, match="XXX"):
        linkages(seeded_store, "XXX", weights=weights)
    with pytest.raises(NotFound, match="Irakk"):  # a typo is an error, never a guess
        linkages(seeded_store, "Irakk", weights=weights)
    with pytest.raises(ValidationError):
        linkages(seeded_store, "   ", weights=weights)


def test_the_country_is_found_by_the_one_rule_of_queries_countries(seeded_store, weights):
    """Code in any case, a slug in any case, or an exact Dutch or English name: the same answer as the key (koppel.queries.countries)."""
    for key, spellings in {"IRQ": (" irq ", "Irak", "Iraq"), "somaliland": ("Somaliland", " SOMALILAND")}.items():
        expected = linkages(seeded_store, key, weights=weights)
        for text in spellings:
            assert linkages(seeded_store, text, weights=weights) == expected, text


def test_weights_change_the_ranking(seeded_store, tmp_path: Path):
    file = tmp_path / "weights.yaml"
    file.write_text("weights: {control: 0.0, positive: 0.0, channel: 0.0, precedent: 0.0, specific: 0.0, demand: 1.0, risk: 0.0}\n")
    result = linkages(seeded_store, "AFG", weights=load_weights(file))
    best = [c for c in result["candidates"] if c["score"] == result["candidates"][0]["score"]]
    assert best[0]["score"] == 0.5  # the highest demand prior: visa facilitation and mobility
    assert {c["dossier"]["key"] for c in best} == {EU_READMISSION, EU_MOBILITY}
    # the letter's generic instruments count a share of the prior (generic.demand_share), so the country's own options lead
    generic = candidate(result, "instrument-visumfacilitatie-categorieen-paspoorthouders")
    assert generic["score"] == 0.3 and not generic["country_specific"]
    file.write_text(file.read_text() + "generic: {demand_share: 1.0}\n")
    result = linkages(seeded_store, "AFG", weights=load_weights(file))
    best = {c["dossier"]["key"] for c in result["candidates"] if c["score"] == result["candidates"][0]["score"]}
    assert "instrument-visumfacilitatie-categorieen-paspoorthouders" in best and "instrument-kennisdeling" not in best
    assert result["candidates"][0]["country_specific"]  # equal scores: country-specific first (the tie-break)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("weights: {demand: 1.5}\n", "field 'weights.demand': 1.5 is outside \\[0, 1\\]"),
        ("weights: {demand: high}\n", "field 'weights.demand': expected a number"),
        ("weights: {gravity: 0.3}\n", "field 'weights.gravity': unknown"),
        ("colours: {red: 1}\n", "unknown section 'colours'"),
        ("weights: [1, 2]\n", "field 'weights': expected a mapping"),
        ("demand: {prior: {cheese: 0.5}}\n", "field 'demand.prior.cheese': not a dossier domain"),
        ("weights: {demand: 0, control: 0, precedent: 0, channel: 0, positive: 0, specific: 0}\n", "at least one of"),
        ("precedent: {pseudo_count: 0}\n", "must be above 0"),
        ("weights: {demand: [\n", "not valid YAML"),
        ("- 1\n", "a weights file is a mapping"),
    ],
)
def test_bad_weights_files_name_the_file_and_the_field(tmp_path: Path, text, message):
    file = tmp_path / "my-weights.yaml"
    file.write_text(text)
    with pytest.raises(ValidationError, match=message) as error:
        load_weights(file)
    assert "my-weights.yaml" in str(error.value)


def test_missing_weights_file_is_a_validation_error(tmp_path: Path):
    with pytest.raises(ValidationError, match="cannot read weights file"):
        load_weights(tmp_path / "nope.yaml")


def test_a_partial_weights_file_keeps_the_other_defaults(tmp_path: Path):
    file = tmp_path / "w.yaml"
    file.write_text("weights: {risk: 0.9}\ndemand: {prior: {aviation: 0.9}}\n")
    weights, defaults = load_weights(file), load_weights()
    assert weights.risk_weight == 0.9 and weights.factors == defaults.factors
    assert weights.prior("aviation") == 0.9 and weights.prior("visa_facilitation") == defaults.prior("visa_facilitation")


def test_the_default_weights_prefer_positive_linkage():
    weights = load_weights()
    assert weights.factors["positive"] > 0
    assert weights.offer_risk_share < 1


def test_what_a_strategist_reads_is_plain_words_in_both_languages(seeded_store, weights):
    """No raw key, coded value or relationship type in warnings, sentences, actions or reasons, for every country of the letter."""
    import re

    from koppel.graph.schema import SCHEMA

    rel_types = set(SCHEMA.rel_types)
    for iso3 in ("AFG", "GHA", "IND", "IRQ", "SOM", "somaliland", "MAR", "CHN", "DZA", "HUN"):
        result = linkages(seeded_store, iso3, weights=weights)
        texts = [w[lang] for w in result["warnings"] for lang in ("en", "nl")]
        keys = {result["country"]}
        for c in result["candidates"]:
            texts += [c["why"]["en"], c["why"]["nl"], c["action"]["en"], c["action"]["nl"]]
            texts += [r[field] for r in c["reasons"] for field in ("text", "text_nl")]
            keys |= {c["dossier"]["key"], *(k for r in c["reasons"] for k in r["path"]["nodes"])}
        # keys that no plain word looks like: slugs (with - or :) and ISO codes
        keys = {k for k in keys if "-" in k or ":" in k or re.fullmatch(r"[A-Z]{3}", k)}
        for text in texts:
            words = set(re.findall(r"[A-Za-z0-9_]+", text))
            assert not {w for w in words if "_" in w} and not words & rel_types, text
            assert not [k for k in keys if re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", text)], text


def test_one_row_per_linkage_and_the_sentences_cite_what_the_reasons_cite(seeded_store, weights):
    result = linkages(seeded_store, "IND", weights=weights)
    keys = [e["key"] for e in result["existing"]]
    assert len(keys) == len(set(keys)) == 2  # the mobility offer (three targets) and the Budapest Process
    assert result["candidates"]
    for c in result["candidates"]:
        assert c["sources"] == sorted({s for r in c["reasons"] for s in r["sources"]})
        demand = c["reasons"][0]
        if "usual interest" in demand["text"]:
            assert demand["sources"] == []  # a prior rests on no fact about the country, so it cites none


def test_the_catalogue_lists_what_weak_cooperators_want_without_null_rows(seeded_store):
    from koppel.queries.catalogue import run_named

    weak = {r["country"]: r for r in run_named(seeded_store, "weak-return-cooperation", {}).records()}
    assert weak["GHA"]["wants"] == []  # Ghana wants nothing recorded: no map of nulls
    assert [w["key"] for w in weak["AFG"]["wants"]] == ["afg-luchtvaartverdrag"]
    assert all(w["key"] for r in weak.values() for w in r["wants"])


def test_robustness_is_computed_on_request_only(seeded_store, weights):
    plain = linkages(seeded_store, "AFG", weights=weights)
    robust = linkages(seeded_store, "AFG", weights=weights, with_robustness=True)
    assert all(c["robustness"] is None for c in plain["candidates"])
    assert [c["key"] for c in plain["candidates"]] == [c["key"] for c in robust["candidates"]]
    assert robust["candidates"][0]["robustness"] > 0.5 and robust["candidates"][-1]["robustness"] == 0.0
