"""Issue 10, seed completion, both stores: the structured facts of the letter of 25 February 2014 that the
seed lacked, each with its locators, and marked `inferred` where they are koppel's reading, not the letter's words."""

import datetime as dt

from koppel.queries.linkage import linkages

LETTER = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie"


def _edges(store, cypher, **params):
    return [tuple(row) for row in store.run(cypher, params).rows]


def test_other_eu_member_states_are_in_the_iraq_coalition(seeded_store):
    """L218-L222: besides other EU member states, also Australia, Canada, Norway, the US and Switzerland."""
    part_of = _edges(seeded_store, "MATCH (:CountryGroup {key: 'andere-eu-lidstaten-samenwerking-irak'})-[r:PART_OF]->(g) RETURN g.key, r.inferred ORDER BY g.key")
    assert part_of == [("eu-lidstaten", None), ("samenwerkende-landen-irak", None)]
    problem = _edges(seeded_store, "MATCH (:CountryGroup {key: 'andere-eu-lidstaten-samenwerking-irak'})-[r:SHARES_PROBLEM_WITH]->(c) RETURN c.key, r.sources")
    assert problem == [("IRQ", [f"{LETTER}#L218-L222"])]


def test_well_arranged_return_is_tied_to_the_wider_relation_with_iraq(seeded_store):
    """L111-L114: the Minister of Foreign Affairs, in Iraq in September 2013, tied return to wider cooperation."""
    key = "linkage-irq-terugkeer-en-bredere-samenwerking"
    row = seeded_store.run(
        "MATCH (l:Linkage {key: $key}) RETURN l.direction AS direction, l.status AS status, l.outcome AS outcome, l.date AS date, "
        "l.date_precision AS precision, l.inferred AS inferred",
        {"key": key},
    ).records()
    assert row == [{"direction": "positive", "status": "made", "outcome": "no_result", "date": "2013-09-01", "precision": "month", "inferred": None}]
    links = sorted(r[0] for r in seeded_store.run("MATCH (:Linkage {key: $key})-[:LINKS]->(d) RETURN d.key", {"key": key}).rows)
    assert links == ["irq-bredere-samenwerking", "irq-terugkeerboodschap"]
    sides = sorted(r[0] for r in seeded_store.run("MATCH (:Dossier {key: 'irq-bredere-samenwerking'})-[:BETWEEN]->(c) RETURN c.key").rows)
    assert sides == ["IRQ", "NLD"]
    assert _edges(seeded_store, "MATCH (e:Event)-[:RESULTED_IN]->(:Linkage {key: $key}) RETURN e.key", key=key) == [("bezoek-minister-buza-irak-2013-09",)]
    # dated by its month: not in play before September 2013, in play by the letter
    assert key not in [r["key"] for r in linkages(seeded_store, "IRQ", as_of=dt.date(2013, 6, 1), with_robustness=False)["existing"]]
    assert key in [r["key"] for r in linkages(seeded_store, "IRQ", as_of=dt.date(2014, 2, 25), with_robustness=False)["existing"]]


def test_morocco_is_the_example_country_of_the_mobility_partnership_projects(seeded_store):
    """L177-L184: countries with a mobility partnership can get projects; 'Zo ...' Morocco is the example."""
    concerns = _edges(seeded_store, "MATCH (:Linkage {key: 'linkage-gamm-herintegratieprojecten'})-[r:CONCERNS]->(x) RETURN x.key, r.inferred IS NOT NULL ORDER BY x.key")
    assert concerns == [("MAR", True), ("landen-met-eu-mobiliteitspartnerschap", False)]
    assert _edges(seeded_store, "MATCH (:Country {key: 'MAR'})-[r:MEMBER_OF]->(:CountryGroup {key: 'landen-met-eu-mobiliteitspartnerschap'}) RETURN r.sources") == [
        ([f"{LETTER}#L177-L178", f"{LETTER}#L183-L184"],)
    ]


def test_the_istanbul_conference_lies_in_turkey_by_inference(seeded_store):
    """L193 names Istanbul only; the country is koppel's inference, marked as such."""
    located = seeded_store.run("MATCH (:Event {key: 'vijfde-ministeriele-conferentie-boedapest-proces-2013'})-[r:LOCATED_IN]->(c) RETURN c.key AS c, r.inferred AS inferred").records()
    assert located == [{"c": "TUR", "inferred": ["record"]}]  # the whole fact is koppel's inference


def test_algerias_means_to_be_examined_are_linked_and_marked_inferred(seeded_store):
    """L47-L59: the means that 'can' be used follow the Algeria passage; which apply is not said."""
    means = _edges(seeded_store, "MATCH (:Linkage {key: 'linkage-dza-intensivering-betrekkingen'})-[r:LINKS]->(d) WHERE d.key STARTS WITH 'instrument-' RETURN d.key, r.inferred IS NOT NULL ORDER BY d.key")
    assert len(means) == 7 and all(marked for _, marked in means)
    stated = _edges(seeded_store, "MATCH (:Linkage {key: 'linkage-dza-intensivering-betrekkingen'})-[r:LINKS]->(d {key: 'dza-intensivering-bilaterale-betrekkingen'}) RETURN r.inferred")
    assert stated == [(None,)]


def test_the_eu_guidelines_linkage_concerns_countries_of_origin_and_transit(seeded_store):
    """L159-L164: cooperation with countries of origin and transit is to depend partly on return."""
    concerns = _edges(seeded_store, "MATCH (:Linkage {key: 'linkage-eu-richtsnoeren-terugkeerconditionaliteit'})-[:CONCERNS]->(g) RETURN g.key, g.kind")
    assert concerns == [("herkomst-en-transitlanden", "origin_countries")]
