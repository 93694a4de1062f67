"""Golden tests of the recommendations on the real default landscape, one per country section of the letter, on both stores.

The store holds exactly what ``koppel load`` without files (and so
``scripts/run``) loads: the letter's seed graph, the reviewed treaty corpus
(``loaders/reviewed/treaties.json``) and the data layers (Eurostat returns, visa
requirements) read from ``../shared`` at run time, merged by
:func:`koppel.loaders.layers.default_facts`. It is loaded once per store for the
whole module, and every country's answer is computed once; both stores must
give identical answers. The comments give the lines of the letter
(``kamerbrief-2014-02-25-...``) each expectation comes from.

The graph-level facts of the letter (who signed what, which linkage links
what) stay in ``tests/seed/test_golden.py`` on the seed alone; this module
checks what a strategist reads in ``koppel linkages``.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from koppel.graph.models import NodeRecord, RelRecord
from koppel.graph.schema import SCHEMA
from koppel.graph.store import open_store
from koppel.loaders.layers import default_facts
from koppel.queries.answers import LinkageAnswer
from koppel.queries.linkage import ASK_DOMAINS, EU_MOBILITY, EU_READMISSION, EU_VISA_MEASURES, linkages

LETTER = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie"
SECTIONS = ("AFG", "GHA", "IND", "IRQ", "SOM", "somaliland", "MAR", "CHN")
"""The countries of the letter's country sections (L74-L146) and of its European dimension (L183-L216)."""
OTHERS = ("DZA", "ARM", "AZE")
"""Countries the letter names in passing: Algeria (L43-L45), Armenia and Azerbaijan (L41-L43)."""
FRAGILE = frozenset({"IRQ", "SOM", "somaliland"})
"""The countries whose fragility the graph records (displacement in Iraq, L114-L120; Somalia's past and Somaliland's secession, L126-L141)."""
EUROSTAT = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "eurostat" / "migr_eirtn_returned_to_third_country.csv"
REL_TYPES = frozenset(SCHEMA.rel_types)
WORD = re.compile(r"[A-Za-z0-9_]+")


@pytest.fixture(scope="module")
def landscape_facts():
    facts, _ = default_facts()
    return facts


@pytest.fixture(scope="module", params=["embedded", "neo4j"])
def landscape(request: pytest.FixtureRequest, landscape_facts, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """The default landscape in a store of each kind, with every answer of the module computed once."""
    from tests.conftest import _Neo4jState, open_test_store  # noqa: PLC0415

    if request.param == "embedded":
        store = open_store(f"embedded:{tmp_path_factory.mktemp('landscape') / 'store'}")
    else:
        store = open_test_store("neo4j", Path(), request.getfixturevalue("neo4j_env"))
        store.clear()
        _Neo4jState.seeded = False  # the shared database no longer holds the seed alone: seeded_store loads it again
    try:
        store.upsert(landscape_facts.nodes, landscape_facts.relationships)
        answers = {key: linkages(store, key) for key in (*SECTIONS, *OTHERS)}
        yield SimpleNamespace(store=store, answers=answers)
    finally:
        store.close()


def candidate(answer: dict[str, Any], key: str, direction: str = "positive") -> dict[str, Any] | None:
    return next((c for c in answer["candidates"] if c["key"] == f"{key}@{direction}"), None)


def existing(answer: dict[str, Any], key: str) -> dict[str, Any]:
    (row,) = [e for e in answer["existing"] if e["key"] == key]
    return row


def reason(c: dict[str, Any], factor: str) -> dict[str, Any]:
    return next(r for r in c["reasons"] if r["factor"] == factor)


def plain(text: str, keys: list[str]) -> None:
    """No raw key, coded value or relationship type in a text a strategist reads."""
    words = set(WORD.findall(text))
    assert not {w for w in words if "_" in w}, f"a coded value in {text!r}"
    assert not words & REL_TYPES, f"a relationship type in {text!r}"
    for key in keys:
        if "-" in key or ":" in key or re.fullmatch(r"[A-Z]{3}", key):
            assert not re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text), f"the key {key!r} in {text!r}"


def eurostat_rows(citizen: str, geo: str) -> dict[int, tuple[int, int]]:
    """Year -> (persons, line number) of the Eurostat file's rows for one citizenship and reporting state, read from ../shared."""
    out = {}
    with EUROSTAT.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if number > 1 and row[0] == citizen and row[1] == geo and row[3]:
                out[int(row[2])] = (round(float(row[3])), number)
    return out


# ---------------------------------------------------------------------------- every answer


def test_every_answer_fits_the_model_reads_plainly_and_is_the_same_on_both_stores(landscape, agree):
    for key, answer in landscape.answers.items():
        LinkageAnswer(**answer)
        agree(landscape.store, key, answer)
        assert answer["candidates"], f"{key}: no candidate on the full landscape"
        assert len({e["key"] for e in answer["existing"]}) == len(answer["existing"]), f"{key}: a linkage listed twice"
        for w in answer["warnings"]:
            plain(w["en"], [key]), plain(w["nl"], [key])
        for c in answer["candidates"]:
            keys = [c["dossier"]["key"], key] + [k for r in c["reasons"] for k in r["path"]["nodes"]]
            for text in (c["why"]["en"], c["why"]["nl"], c["action"]["en"], c["action"]["nl"]):
                plain(text, keys)
            for r in c["reasons"]:
                plain(r["text"], keys), plain(r["text_nl"], keys)
            # what the Netherlands asks itself (return, readmission, minors' reception, the message) is never offered or cut
            assert c["dossier"]["domain"] not in ASK_DOMAINS or c["kind"] == "eu_instrument", f"{key}: {c['key']}"
        # nothing already linked comes back as a candidate
        linked = {t["key"] for e in answer["existing"] for t in e["targets"]}
        assert not [c["key"] for c in answer["candidates"] if c["dossier"]["key"] in linked], key


def test_distinctiveness_of_the_letter_countries(landscape):
    """The issue's proof: mean pairwise Jaccard of the top-5 sets <= 0.3, and three country-specific options in each top 5."""
    tops = {key: [c for c in landscape.answers[key]["candidates"][:5]] for key in SECTIONS}
    for key, top in tops.items():
        assert sum(c["country_specific"] for c in top) >= 3, f"{key}: {[c['key'] for c in top]}"
    sets = {key: {c["key"] for c in top} for key, top in tops.items()}
    pairs = list(itertools.combinations(SECTIONS, 2))
    mean = sum(len(sets[a] & sets[b]) / len(sets[a] | sets[b]) for a, b in pairs) / len(pairs)
    assert mean <= 0.3, mean


def test_a_country_without_recorded_fragility_gets_that_warning_first(landscape):
    pressure = 0  # negative candidates of fragile countries: the risk check below must see some
    for key, answer in landscape.answers.items():
        country = landscape.store.run("MATCH (c:Country {key: $key}) RETURN c.risk_factors", {"key": key}).value()
        assert bool(country) == (key in FRAGILE), f"{key}: risk factors {country}"
        fragility = [i for i, w in enumerate(answer["warnings"]) if w["en"].startswith("No fragility recorded")]
        if key in FRAGILE:
            assert not fragility, key
            # pressure weighs the recorded fragility: its risk is never 0
            negative = [c for c in answer["candidates"] if c["direction"] == "negative"]
            assert all(c["factors"]["risk"] > 0 for c in negative), key
            pressure += len(negative)
        else:
            assert fragility == [0], f"{key}: {[w['en'] for w in answer['warnings']]}"
            assert answer["warnings"][0]["nl"].startswith("Geen kwetsbaarheid vastgelegd")
    assert pressure > 0


# ---------------------------------------------------------------------------- the country sections


def test_afghanistan_the_aviation_treaty_it_asked_for_stays_linked_without_result(landscape):
    afg = landscape.answers["AFG"]
    aviation = existing(afg, "linkage-afg-luchtvaartverdrag")  # L81-L84: tied to Afghanistan's request, no result yet
    assert (aviation["outcome"], aviation["direction"], aviation["status"]) == ("no_result", "positive", "made")
    assert [t["key"] for t in aviation["targets"]] == ["afg-luchtvaartverdrag"] and aviation["dossier"]["domain"] == "aviation"
    assert f"{LETTER}#L81-L84" in aviation["sources"]
    assert aviation["date"] is None and aviation["returns"] is None  # the letter dates it nowhere
    # ... so no aviation option is proposed again: not the requested treaty, not an aviation treaty of the corpus
    assert not [c["key"] for c in afg["candidates"] if c["dossier"]["domain"] == "aviation"]
    assert (afg["assessment"]["level"], afg["assessment"]["sources"]) == ("refuses", [f"{LETTER}#L76-L84"])  # refuses travel documents
    # the Silk Route project (L201-L207) is in play as a linkage too, once
    assert existing(afg, "linkage-boedapest-proces-zijderoutelanden")["outcome"] == "unknown"
    # Afghanistan needs a visa: the EU pairing of readmission and visa facilitation is an option, its visa row cited with the pressure side
    assert candidate(afg, EU_READMISSION) is not None
    measures = candidate(afg, EU_VISA_MEASURES, "negative")
    assert measures is not None and any(s.startswith("passport-index#L") for s in reason(measures, "demand")["sources"])


def test_ghana_the_aid_cut_with_its_date_and_the_return_series_around_it(landscape):
    gha = landscape.answers["GHA"]
    cut = existing(gha, "linkage-gha-korting-ontwikkelingshulp")  # L86-L94: cut by ten million euro, announced 28 September 2012
    assert (cut["date"], cut["direction"], cut["outcome"]) == ("2012-09-28", "negative", "partial")
    assert cut["date_basis"]["en"] == "the linkage's own date" and cut["date_sources"] == [f"{LETTER}#L86-L94"]
    assert cut["dossier"]["key"] == "gha-ontwikkelingshulp"
    # the Dutch return figures of Ghanaians, exactly Eurostat's rows, each citing its own row
    rows = eurostat_rows("Ghana", "Netherlands")
    series = cut["returns"]["series"]
    assert [(p["year"], p["persons"]) for p in series] == [(year, persons) for year, (persons, _) in sorted(rows.items())]
    assert all(p["sources"] == [f"eurostat-migr-eirtn#L{rows[p['year']][1]}"] for p in series)
    # Eurostat starts in 2014: no year before the cut, the mean of the ten years after it
    assert (cut["returns"]["before"], cut["returns"]["years_before"], cut["returns"]["years_after"]) == (None, 0, len(rows))
    assert cut["returns"]["after"] == round(sum(p for p, _ in rows.values()) / len(rows), 1)
    assert cut["returns"]["reported_by"] == "NLD"
    # the offer to strengthen migration management if Ghana cooperates (L93-L97) is in play, pending
    assert existing(gha, "linkage-gha-steun-migratiemanagement")["outcome"] == "pending"
    # the cut aid is not proposed again; Ghana's own treaties are
    assert all(c["dossier"]["key"] != "gha-ontwikkelingshulp" for c in gha["candidates"])
    assert sum(c["kind"] == "treaty" for c in gha["candidates"][:5]) >= 3


def test_india_the_mobility_offer_for_readmission_without_result(landscape):
    ind = landscape.answers["IND"]
    mou = existing(ind, "linkage-ind-mobiliteit-tegen-terugname")  # L99-L106: negotiated late 2010, not signed
    assert (mou["outcome"], mou["date"]) == ("no_result", "2010-10-01")
    assert {t["key"] for t in mou["targets"]} == {"ind-mobiliteit-kennismigranten", "ind-mobiliteit-studenten", "mou-nld-ind-human-resources-mobility-partnership"}
    assert mou["returns"]["years_before"] == 0 and mou["returns"]["years_after"] == len(eurostat_rows("India", "Netherlands"))
    # India's own treaties with the Netherlands lead; the student and labour mobility already offered is not offered again
    top = ind["candidates"][:5]
    assert all(c["kind"] == "treaty" and c["country_specific"] for c in top)
    assert not [c for c in ind["candidates"] if c["dossier"]["domain"] in ("student_mobility", "labour_mobility") and c["kind"] == "treaty"]


def test_iraq_contacts_and_like_minded_states_in_play(landscape):
    irq = landscape.answers["IRQ"]
    offer = existing(irq, "linkage-irq-hulpaanbod")  # L114-L120: reintegration and displacement aid offered; no improvement (L121-L124)
    assert offer["outcome"] == "no_result" and {t["key"] for t in offer["targets"]} == {"irq-herintegratie-terugkeerders", "irq-ontheemden"}
    joint = existing(irq, "linkage-irq-samenwerkende-landen")  # L218-L227: like-minded states act together, also during the visit of July 2013 (L110-L111)
    assert (joint["channel"], joint["date"]) == ("coalition", "2013-07-01")
    assert existing(irq, "linkage-irq-terugkeer-en-bredere-samenwerking")["date"] == "2013-09-01"  # L111-L114: September 2013
    assert irq["assessment"]["level"] == "difficult"
    # the coalition is already used: no second coalition is proposed, and no warning about missing like-minded states
    assert not [c for c in irq["candidates"] if c["kind"] == "coalition"]
    assert not [w for w in irq["warnings"] if "like-minded" in w["en"]]
    # Iraq's own treaties (development cooperation, aviation) come before the letter's general instruments
    kinds = [c["kind"] for c in irq["candidates"]]
    assert kinds.index("treaty") < kinds.index("generic")


def test_somalia_the_co_financing_offer_and_the_pressure_weighed_by_fragility(landscape):
    som = landscape.answers["SOM"]
    cofinancing = existing(som, "linkage-som-cofinanciering-immigratiedienst")  # L134-L138: offered on condition of structural arrangements
    assert cofinancing["outcome"] == "pending" and cofinancing["direction"] == "positive"
    assert som["assessment"]["level"] == "difficult"
    # Somalis need a visa: visa measures are an option, but the fragility weighs on them (L61-L66: not to alienate fragile states)
    measures = candidate(som, EU_VISA_MEASURES, "negative")
    offer = candidate(som, EU_READMISSION)
    assert measures and offer and measures["score"] < offer["score"] and measures["factors"]["risk"] > offer["factors"]["risk"]
    assert measures["inferred"] is None and offer["inferred"] is None
    # the return figures of Somalis name European states whose returns fell too
    coalition = candidate(som, "return-coalition:SOM")
    assert coalition and coalition["inferred"] is None
    assert any(s.startswith("eurostat-migr-eirtn#L") for s in reason(coalition, "demand")["sources"])


def test_somaliland_options_from_somalias_data_are_marked_inferred(landscape):
    sl = landscape.answers["somaliland"]
    mou = existing(sl, "linkage-somaliland-mou-projectenportefeuille")  # L142-L146: an MoU with a conditional project portfolio
    assert mou["outcome"] == "pending" and mou["returns"] is None  # never Somalia's figures shown as Somaliland's
    assert sl["assessment"]["level"] == "not_willing"
    # three options of its own in the top 5; the coalition rests on Somalia's figures and says so
    top = sl["candidates"][:5]
    assert sum(c["country_specific"] for c in top) >= 3
    coalition = candidate(sl, "return-coalition:somaliland")
    assert coalition in top and coalition["inferred"]["en"].startswith("inferred: Somaliland has no ISO country code and broke away from Somalia in 1991")
    assert coalition["inferred"]["nl"].startswith("afgeleid: Somaliland")
    assert "(inferred:" in coalition["why"]["en"] and "(afgeleid:" in coalition["why"]["nl"]
    demand = reason(coalition, "demand")
    assert f"{LETTER}#L140-L141" in demand["sources"]  # the secession, the basis of the inference
    assert "somaliland|INITIATED|afscheiding-somaliland-1991" in demand["path"]["edges"]
    assert "afscheiding-somaliland-1991|CONCERNS|SOM" in demand["path"]["edges"]
    # the same European states as Somalia's coalition, from the same rows
    somalia = candidate(landscape.answers["SOM"], "return-coalition:SOM")
    assert {s for s in demand["sources"] if s.startswith("eurostat")} == {s for s in reason(somalia, "demand")["sources"] if s.startswith("eurostat")}
    # visa measures: Somalia's visa row, inferred too; every other option rests on no inference
    measures = candidate(sl, EU_VISA_MEASURES, "negative")
    assert measures and measures["inferred"] and "passport-index#L32164" in reason(measures, "demand")["sources"]
    assert all(c["inferred"] is None for c in sl["candidates"] if c["key"] not in (coalition["key"], measures["key"]))
    # ... and the answer says first-hand that the data are Somalia's
    assert any(w["en"].startswith("Data of Somalia are used for Somaliland (inferred: Somaliland has no ISO country code and broke away from Somalia in 1991; "
                                  "the return figures and the visa list have no entry for it") for w in sl["warnings"])
    assert any(w["nl"].startswith("Gegevens van Somalië worden gebruikt voor Somaliland (afgeleid:") for w in sl["warnings"])


def test_morocco_candidates_include_its_treaty_dossiers(landscape):
    mar = landscape.answers["MAR"]
    treaties = [c for c in mar["candidates"] if c["kind"] == "treaty"]
    assert len({c["dossier"]["domain"] for c in treaties}) >= 5
    parties = {row[0] for row in landscape.store.run(
        "MATCH (c:Country {key: 'MAR'})-[:PARTY_TO]->(a:Agreement) WHERE a.agreement_type = 'treaty' RETURN a.key"
    ).rows}
    assert {c["dossier"]["key"] for c in treaties} <= parties
    for c in treaties:  # from the treaty corpus, citing the treaty's own text
        document = c["dossier"]["key"].removeprefix("treaty-").upper()
        assert document.startswith("BWBV") and any(s.startswith(f"{document}#L") for s in reason(c, "demand")["sources"]), c["key"]
    assert sum(c["kind"] == "treaty" for c in mar["candidates"][:5]) >= 3
    # L183-L190: the mobility partnership was signed on 7 June 2013, with visa facilitation only together with readmission
    link = existing(mar, "linkage-mar-visumfacilitatie-alleen-met-overname")
    assert (link["date"], link["outcome"]) == ("2013-06-07", "pending")
    assert candidate(mar, EU_MOBILITY) is None and candidate(mar, EU_READMISSION) is None


def test_china_the_eu_dialogue_and_its_treaties(landscape):
    chn = landscape.answers["CHN"]
    link = existing(chn, "linkage-eu-chn-visumfacilitatie-en-overname")  # L208-L216: 14 October 2013, not confirmed at the summit
    assert (link["date"], link["outcome"], link["channel"]) == ("2013-10-14", "pending", "eu")
    assert candidate(chn, EU_READMISSION) is None  # what the EU already discusses with China
    assert sum(c["kind"] == "treaty" for c in chn["candidates"][:5]) >= 3


def test_algeria_the_intensified_relations_use_the_general_instruments(landscape):
    dza = landscape.answers["DZA"]
    link = existing(dza, "linkage-dza-intensivering-betrekkingen")  # L43-L58: consolidate by intensifying relations, with means to be examined
    assert link["outcome"] == "pending" and dza["assessment"]["level"] == "slightly_improved"
    used = {t["key"] for t in link["targets"]}
    assert "instrument-grensbewaking" in used
    assert not [c for c in dza["candidates"] if c["kind"] == "generic" and c["dossier"]["key"] in used]


def test_a_visa_free_nationality_never_gets_visa_facilitation_or_visa_measures(landscape):
    """On the real visa list: Azerbaijan (L42) needs a visa and gets visa levers; Georgia (Eastern Partnership, L169) does not.

    Georgia is no country of origin in the letter, so it gets no candidates at
    all; one made-up assessment (a fictitious locator, added last in the
    module) makes it one, so the rule is exercised on its real visa row and
    treaties.
    """
    store = landscape.store
    aze = landscape.answers["AZE"]
    assert candidate(aze, EU_READMISSION) is not None and candidate(aze, EU_VISA_MEASURES, "negative") is not None
    free = [row[0] for row in store.run("MATCH (c:Country)-[v:VISA_REQUIREMENT]->(:Country {key: 'NLD'}) WHERE v.visa_required = false RETURN c.key ORDER BY c.key").rows]
    assert "GEO" in free and "AZE" not in free
    store.upsert(
        [NodeRecord("Assessment", "test-assessment-geo", {"name": "Test assessment Georgia", "level": "difficult", "trend": "unknown",
                                                          "as_of": dt.date(2014, 2, 25), "sources": ["test-doc#L1"]})],
        [RelRecord("CONCERNS", "test-assessment-geo", "GEO", "Assessment", "Country", {"sources": ["test-doc#L1"]})],
    )
    geo = linkages(store, "GEO")
    assert [c for c in geo["candidates"] if c["kind"] == "treaty"], "Georgia's own treaties should be candidates"
    assert not [c["key"] for c in geo["candidates"] if c["dossier"]["domain"] == "visa_facilitation"]
    for key in free:  # and no other visa-free nationality of the landscape gets a visa lever
        answer = geo if key == "GEO" else linkages(store, key)
        assert not [c["key"] for c in answer["candidates"] if c["dossier"]["domain"] == "visa_facilitation"], key
