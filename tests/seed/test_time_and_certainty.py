"""Issue 10 on the seed, both stores: as-of never shows a fact before it held or was known; inferences are marked."""

import datetime as dt

from koppel.queries.linkage import linkages
from koppel.queries.profile import country_profile


def _existing(store, iso3, day):
    return [row["key"] for row in linkages(store, iso3, as_of=day, with_robustness=False)["existing"]]


def test_ghanas_2012_cut_does_not_show_as_of_2010(seeded_store):
    assert "linkage-gha-korting-ontwikkelingshulp" not in _existing(seeded_store, "GHA", dt.date(2010, 1, 1))
    assert "linkage-gha-korting-ontwikkelingshulp" in _existing(seeded_store, "GHA", dt.date(2013, 1, 1))  # cut by 28 September 2012 (L86-L88)


def test_an_undated_fact_is_not_counted_before_its_source_was_known(seeded_store):
    """The support offered to Ghana has no date; the letter of 25 February 2014 is the first to report it."""
    offer = "linkage-gha-steun-migratiemanagement"
    assert offer not in _existing(seeded_store, "GHA", dt.date(2013, 1, 1))
    assert offer in _existing(seeded_store, "GHA", dt.date(2014, 2, 25))
    known = seeded_store.run(f"MATCH (l:Linkage {{key: '{offer}'}}) RETURN l.known_from AS k, l.date AS d").records()
    assert known == [{"k": "2014-02-25", "d": None}]


def test_the_seeds_inferences_are_marked_in_the_graph_and_the_profile(seeded_store):
    marked = dict(seeded_store.run("MATCH (n:Linkage|Assessment|Agreement) WHERE n.inferred IS NOT NULL RETURN n.key AS key, n.inferred AS inferred ORDER BY key").rows)
    assert marked == {
        "assessment-gha-2014-02-25": ["trend"],
        "assessment-som-2014-02-25": ["trend"],
        "linkage-eu-richtsnoeren-terugkeerconditionaliteit": ["direction"],
        "linkage-gha-korting-ontwikkelingshulp": ["outcome"],
        "linkage-irq-samenwerkende-landen": ["direction"],
        "mou-nld-afg-unhcr-2002": ["status"],
    }
    funds = seeded_store.run("MATCH (:Donor)-[r:FUNDS]->(p:Project) WHERE r.inferred IS NOT NULL RETURN p.key AS key ORDER BY key").rows
    assert funds == [["project-somalische-immigratiedienst"], ["projectenportefeuille-somaliland"]]
    profile = country_profile(seeded_store, "GHA")
    assert [item["inferred"] for item in profile["linkages"] if item["key"] == "linkage-gha-korting-ontwikkelingshulp"] == [["outcome"]]


def test_dates_carry_their_precision(seeded_store):
    mou = seeded_store.run("MATCH (a:Agreement {key: 'mou-nld-afg-unhcr-2002'}) RETURN a.date_signed AS d, a.date_signed_precision AS p").records()
    assert mou == [{"d": "2002-01-01", "p": "year"}]  # "In 2002" (L75): the year, not 1 January
    india = seeded_store.run("MATCH (l:Linkage {key: 'linkage-ind-mobiliteit-tegen-terugname'}) RETURN l.date AS d, l.date_precision AS p").records()
    assert india == [{"d": "2010-10-01", "p": "late_year"}]  # "Eind 2010" (L99)
