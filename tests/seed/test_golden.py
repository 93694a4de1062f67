"""Golden tests: what a reader of the letter of 25 February 2014 knows, asked of the seed graph in Cypher.

Each test runs on both stores (``seeded_store``). The comments give the lines
of the letter each expectation comes from.
"""

from __future__ import annotations

from typing import Any

from koppel.graph.store import GraphStore

LETTER = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie"


def rows(store: GraphStore, cypher: str, **params: Any) -> list[dict[str, Any]]:
    return store.run(cypher, params).records()


def column(store: GraphStore, cypher: str, **params: Any) -> list[Any]:
    return sorted(r[0] for r in store.run(cypher, params).rows)


def one(store: GraphStore, cypher: str, **params: Any) -> dict[str, Any]:
    found = rows(store, cypher, **params)
    assert len(found) == 1, f"expected one row, got {found}"
    return found[0]


def linkage(store: GraphStore, key: str) -> dict[str, Any]:
    """A linkage with what it links, the countries it concerns and who initiated it."""
    base = one(
        store,
        "MATCH (l:Linkage {key: $key}) RETURN l.direction AS direction, l.status AS status, "
        "l.outcome AS outcome, l.channel AS channel",
        key=key,
    )
    base["links"] = column(store, "MATCH (l:Linkage {key: $key})-[:LINKS]->(x) RETURN x.key AS k", key=key)
    base["concerns"] = column(store, "MATCH (l:Linkage {key: $key})-[:CONCERNS]->(c:Country) RETURN c.key AS k", key=key)
    base["initiated_by"] = column(store, "MATCH (x)-[:INITIATED]->(l:Linkage {key: $key}) RETURN x.key AS k", key=key)
    base["evidenced"] = column(
        store, "MATCH (l:Linkage {key: $key})-[:EVIDENCED_BY]->(d:Document) RETURN d.key AS k", key=key
    )
    return base


def assessment(store: GraphStore, country: str) -> dict[str, Any]:
    return one(
        store,
        "MATCH (a:Assessment)-[:CONCERNS]->(c:Country {key: $key}) "
        "RETURN a.level AS level, a.trend AS trend, a.as_of AS as_of",
        key=country,
    )


# ---------------------------------------------------------------------------- the letter


def test_the_letter_is_a_document_of_25_february_2014(seeded_store, sources_dir):
    doc = one(
        seeded_store,
        "MATCH (d:Document {key: $key}) RETURN d.doc_type AS doc_type, d.date AS date, d.file AS file",
        key=LETTER,
    )
    assert doc["doc_type"] == "letter_to_parliament"
    assert doc["date"] == "2014-02-25"  # L5
    assert (sources_dir / doc["file"]).is_file()


def test_the_letter_is_signed_by_teeven_and_ploumen(seeded_store):
    signers = rows(
        seeded_store,
        "MATCH (p:Person)-[s:SIGNED]->(d:Document {key: $key}) "
        "OPTIONAL MATCH (p)-[:HOLDS_OFFICE]->(o:Organisation) "
        "RETURN p.name AS name, p.office AS office, s.role AS role, o.key AS organisation ORDER BY name",
        key=LETTER,
    )
    assert signers == [  # L254-L258
        {
            "name": "E.M.J. Ploumen",
            "office": "Minister voor Buitenlandse Handel en Ontwikkelingssamenwerking",
            "role": "signatory",
            "organisation": "ontwikkelingssamenwerking",
        },
        {
            "name": "F. Teeven",
            "office": "Staatssecretaris van Veiligheid en Justitie",
            "role": "signatory",
            "organisation": "ministerie-van-veiligheid-en-justitie",
        },
    ]


def test_the_letter_answers_the_committee_letter_of_31_october_2013(seeded_store):
    answered = rows(
        seeded_store,
        "MATCH (d:Document {key: $key})-[:RESPONDS_TO]->(c:Document) "
        "RETURN c.key AS key, c.doc_type AS doc_type, c.date AS date ORDER BY date",
        key=LETTER,
    )
    assert answered == [  # L7-L8, and the letter of 6 March 2013 at L152-L153
        {"key": "brief-staatssecretaris-venj-2013-03-06", "doc_type": "letter_to_parliament", "date": "2013-03-06"},
        {"key": "brief-commissie-bhos-2013-10-31", "doc_type": "committee_letter", "date": "2013-10-31"},
    ]
    addressed = rows(
        seeded_store,
        "MATCH (d:Document {key: $key})-[:ADDRESSED_TO]->(p:Person)-[:HOLDS_OFFICE]->(o:Organisation) "
        "RETURN p.key AS person, o.name AS body",
        key=LETTER,
    )
    assert addressed == [{"person": "voorzitter-van-de-tweede-kamer", "body": "Tweede Kamer der Staten-Generaal"}]  # L3


def test_every_linkage_and_assessment_is_evidenced_by_the_letter(seeded_store):
    missing = rows(
        seeded_store,
        "MATCH (x:Linkage|Assessment) WHERE NOT EXISTS { MATCH (x)-[:EVIDENCED_BY]->(:Document {key: $key}) } "
        "RETURN x.key AS key ORDER BY key",
        key=LETTER,
    )
    assert missing == []
    assert seeded_store.run(
        "MATCH (x:Linkage|Assessment)-[:EVIDENCED_BY]->(:Document {key: $key}) RETURN count(x) AS n", {"key": LETTER}
    ).value() == 16 + 12


# ---------------------------------------------------------------------------- Algemeen


def test_forced_return_increased_to_five_countries(seeded_store):
    increased = rows(
        seeded_store,
        "MATCH (a:Assessment {level: 'increased'})-[:CONCERNS]->(c:Country) "
        "RETURN c.key AS country, c.name AS name, a.trend AS trend, a.as_of AS as_of ORDER BY country",
    )
    assert increased == [  # L41-L43
        {"country": "ARM", "name": "Armenië", "trend": "improving", "as_of": "2014-02-25"},
        {"country": "AZE", "name": "Azerbeidzjan", "trend": "improving", "as_of": "2014-02-25"},
        {"country": "BDI", "name": "Burundi", "trend": "improving", "as_of": "2014-02-25"},
        {"country": "MNG", "name": "Mongolië", "trend": "improving", "as_of": "2014-02-25"},
        {"country": "PAK", "name": "Pakistan", "trend": "improving", "as_of": "2014-02-25"},
    ]


def test_algeria_improved_slightly_and_is_to_be_consolidated(seeded_store):
    assert assessment(seeded_store, "DZA") == {"level": "slightly_improved", "trend": "improving", "as_of": "2014-02-25"}  # L43-L44
    assert linkage(seeded_store, "linkage-dza-intensivering-betrekkingen") == {  # L44-L48
        "direction": "positive",
        "status": "proposed",
        "outcome": "pending",
        "channel": "bilateral",
        "links": [  # the relations, and the means to be examined for it (L47-L59, inferred)
            "dza-intensivering-bilaterale-betrekkingen",
            "instrument-capaciteit-migratiediensten",
            "instrument-capaciteit-overheden-migratie-en-ontwikkeling",
            "instrument-grensbewaking",
            "instrument-hulp-terugkeer-en-herintegratie",
            "instrument-initiatieven-migranten-herkomstlanden",
            "instrument-kennisdeling",
            "instrument-visumfacilitatie-categorieen-paspoorthouders",
        ],
        "concerns": ["DZA"],
        "initiated_by": ["NLD"],  # inferred: the letter, the Dutch government's, says it in the passive voice (L43-L48)
        "evidenced": [LETTER],
    }


def test_the_generic_instruments_are_dutch_and_part_of_the_approach(seeded_store):
    instruments = rows(
        seeded_store,
        "MATCH (:Country {key: 'NLD'})-[:CONTROLS]->(d:Dossier)-[:PART_OF]->(:Forum {key: 'strategische-landenbenadering-migratie'}) "
        "RETURN d.domain AS domain, d.key AS key ORDER BY domain, key",
    )
    assert [r["domain"] for r in instruments] == [  # L25-L29, L47-L59, L32-L36
        "border_management",
        "knowledge_sharing",
        "migration_and_development",
        "migration_and_development",
        "migration_capacity",
        "reintegration",
        "return_message",
        "visa_facilitation",
    ]


# ---------------------------------------------------------------------------- Afghanistan


def test_the_2002_mou_was_signed_by_the_netherlands_unhcr_and_afghanistan(seeded_store):
    mou = one(
        seeded_store,
        "MATCH (a:Agreement {key: 'mou-nld-afg-unhcr-2002'}) "
        "RETURN a.agreement_type AS type, a.status AS status, a.date_signed AS signed",
    )
    assert mou == {"type": "mou", "status": "contested", "signed": "2002-01-01"}  # L75-L78: the year only
    parties = rows(
        seeded_store,
        "MATCH (x)-[p:PARTY_TO]->(:Agreement {key: 'mou-nld-afg-unhcr-2002'}) RETURN x.key AS party, p.role AS role ORDER BY party",
    )
    assert parties == [
        {"party": "AFG", "role": "signatory"},
        {"party": "NLD", "role": "signatory"},
        {"party": "unhcr", "role": "signatory"},
    ]
    signed = column(seeded_store, "MATCH (x)-[:SIGNED]->(:Agreement {key: 'mou-nld-afg-unhcr-2002'}) RETURN x.key AS k")
    assert signed == ["AFG", "NLD", "unhcr"]
    event = one(
        seeded_store,
        "MATCH (e:Event)-[:RESULTED_IN]->(:Agreement {key: 'mou-nld-afg-unhcr-2002'}) "
        "RETURN e.kind AS kind, e.date AS date, e.date_precision AS precision",
    )
    assert event == {"kind": "signing", "date": "2002-01-01", "precision": "year"}


def test_afghanistan_refuses_travel_documents_despite_the_mou(seeded_store):
    assert assessment(seeded_store, "AFG")["level"] == "refuses"  # L77-L78
    docs = one(
        seeded_store,
        "MATCH (:Agreement {key: 'mou-nld-afg-unhcr-2002'})-[:CONCERNS]->(d:Dossier)<-[:CONTROLS]-(c:Country) "
        "RETURN d.key AS dossier, d.domain AS domain, d.status AS status, c.key AS controlled_by",
    )
    assert docs == {"dossier": "afg-reisdocumenten-gedwongen-terugkeer", "domain": "return", "status": "stalled", "controlled_by": "AFG"}
    minors = one(  # L79-L81: reception of returning minors, pursued by NL in EU context since 2009
        seeded_store,
        "MATCH (n:Country {key: 'NLD'})-[w:WANTS]->(d:Dossier {domain: 'reception_of_minors'})-[:BETWEEN]->(:Country {key: 'AFG'}) "
        "RETURN d.status AS status, w.valid_from AS since",
    )
    assert minors == {"status": "stalled", "since": "2009-01-01"}


def test_the_aviation_treaty_afghanistan_wants_is_tied_to_return(seeded_store):
    assert linkage(seeded_store, "linkage-afg-luchtvaartverdrag") == {  # L81-L84
        "direction": "positive",
        "status": "made",
        "outcome": "no_result",
        "channel": "bilateral",
        "links": ["afg-luchtvaartverdrag"],
        "concerns": ["AFG"],
        "initiated_by": ["NLD"],
        "evidenced": [LETTER],
    }
    treaty = one(
        seeded_store,
        "MATCH (w:Country)-[:WANTS]->(d:Dossier {key: 'afg-luchtvaartverdrag'})<-[:CONTROLS]-(c:Country) "
        "RETURN w.key AS wanted_by, c.key AS controlled_by, d.domain AS domain, d.status AS status",
    )
    assert treaty == {"wanted_by": "AFG", "controlled_by": "NLD", "domain": "aviation", "status": "requested"}


# ---------------------------------------------------------------------------- Ghana


def test_ghana_aid_was_cut_by_ten_million_euro(seeded_store):
    cut = one(
        seeded_store,
        "MATCH (p:Person)-[:INITIATED]->(e:Event {kind: 'aid_cut'})-[:TARGETS]->(c:Country) "
        "MATCH (e)-[:CONCERNS]->(d:Dossier) "
        "RETURN c.key AS country, e.amount_eur AS amount, d.domain AS domain, d.status AS status, p.office AS initiator",
    )
    assert cut == {  # L86-L92
        "country": "GHA",
        "amount": 10_000_000.0,
        "domain": "development_aid",
        "status": "cut",
        "initiator": "Staatssecretaris voor Ontwikkelingssamenwerking",
    }
    informed = one(
        seeded_store,
        "MATCH (e:Event {key: 'kamerinformatie-korting-ghana-2012-09-28'})-[:TARGETS]->(o:Organisation) "
        "RETURN e.kind AS kind, e.date AS date, e.date_precision AS precision, o.key AS informed",
    )
    assert informed == {"kind": "letter", "date": "2012-09-28", "precision": "day", "informed": "tweede-kamer"}  # L86-L87


def test_the_ghana_cut_is_the_only_negative_linkage(seeded_store):
    negative = rows(
        seeded_store,
        "MATCH (l:Linkage {direction: 'negative'})-[:LINKS]->(d:Dossier) RETURN l.key AS linkage, d.key AS dossier",
    )
    assert negative == [{"linkage": "linkage-gha-korting-ontwikkelingshulp", "dossier": "gha-ontwikkelingshulp"}]
    cut = linkage(seeded_store, "linkage-gha-korting-ontwikkelingshulp")
    assert cut["status"] == "made" and cut["channel"] == "bilateral" and cut["concerns"] == ["GHA"]
    assert cut["initiated_by"] == ["NLD", "ontwikkelingssamenwerking"]
    # after the cut, Ghana says it wants a dialogue (L92-L94), and NL offers support if Ghana cooperates (L94-L97)
    after = column(
        seeded_store,
        "MATCH (:Event {kind: 'aid_cut'})-[:RESULTED_IN]->(x) RETURN x.key AS k",
    )
    assert after == ["ghana-wil-dialoog-over-terugkeer", "linkage-gha-korting-ontwikkelingshulp"]
    assert linkage(seeded_store, "linkage-gha-steun-migratiemanagement") == {
        "direction": "positive",
        "status": "offered",
        "outcome": "pending",
        "channel": "bilateral",
        "links": ["gha-versterking-migratiemanagement"],
        "concerns": ["GHA"],
        "initiated_by": ["NLD"],
        "evidenced": [LETTER],
    }


# ---------------------------------------------------------------------------- India


def test_the_india_mou_was_negotiated_late_2010_and_is_unsigned(seeded_store):
    mou = one(
        seeded_store,
        "MATCH (a:Agreement {key: 'mou-nld-ind-human-resources-mobility-partnership'}) "
        "RETURN a.agreement_type AS type, a.status AS status, a.date_signed AS signed",
    )
    assert mou == {"type": "mou", "status": "unsigned", "signed": None}  # L104-L105
    assert column(
        seeded_store,
        "MATCH (x)-[:SIGNED]->(:Agreement {key: 'mou-nld-ind-human-resources-mobility-partnership'}) RETURN x.key AS k",
    ) == []
    parties = rows(
        seeded_store,
        "MATCH (x)-[p:PARTY_TO]->(:Agreement {key: 'mou-nld-ind-human-resources-mobility-partnership'}) "
        "RETURN x.key AS party, p.role AS role ORDER BY party",
    )
    assert parties == [{"party": "IND", "role": "negotiator"}, {"party": "NLD", "role": "negotiator"}]
    talks = one(
        seeded_store,
        "MATCH (e:Event)-[:CONCERNS]->(:Agreement {key: 'mou-nld-ind-human-resources-mobility-partnership'}) "
        "RETURN e.kind AS kind, e.date AS date, e.date_precision AS precision",
    )
    assert talks == {"kind": "negotiation", "date": "2010-10-01", "precision": "late_year"}  # L99 "Eind 2010"


def test_india_was_offered_mobility_for_readmission(seeded_store):
    offer = linkage(seeded_store, "linkage-ind-mobiliteit-tegen-terugname")
    assert offer["direction"] == "positive" and offer["outcome"] == "no_result" and offer["concerns"] == ["IND"]
    assert offer["links"] == [  # L103-L104 in exchange for L101-L103
        "ind-mobiliteit-kennismigranten",
        "ind-mobiliteit-studenten",
        "mou-nld-ind-human-resources-mobility-partnership",
    ]
    domains = column(
        seeded_store,
        "MATCH (:Agreement {key: 'mou-nld-ind-human-resources-mobility-partnership'})-[:CONCERNS]->(d:Dossier) RETURN d.domain AS k",
    )
    assert domains == ["labour_mobility", "readmission", "student_mobility"]
    assert assessment(seeded_store, "IND") == {"level": "difficult", "trend": "unknown", "as_of": "2014-02-25"}


# ---------------------------------------------------------------------------- Iraq


def test_the_iraq_contacts_in_order(seeded_store):
    events = rows(
        seeded_store,
        "MATCH (e:Event)-[:CONCERNS|TARGETS|LOCATED_IN]->(:Country {key: 'IRQ'}) WHERE e.date IS NOT NULL "
        "RETURN DISTINCT e.key AS key, e.kind AS kind, e.date AS date ORDER BY date, key",
    )
    assert events == [  # L108-L113
        {"key": "ontvangst-iraakse-minister-voor-migratie-2012-06", "kind": "meeting", "date": "2012-06-01"},
        {"key": "bezoek-staatssecretaris-venj-irak-2013-07", "kind": "visit", "date": "2013-07-01"},
        {"key": "bezoek-minister-buza-irak-2013-09", "kind": "visit", "date": "2013-09-01"},
    ]
    visit = one(
        seeded_store,
        "MATCH (p:Person)-[:INITIATED]->(e:Event {key: 'bezoek-staatssecretaris-venj-irak-2013-07'})-[:LOCATED_IN]->(c:Country) "
        "MATCH (g:CountryGroup)-[r:PARTICIPATES_IN]->(e) "
        "RETURN p.key AS initiator, c.key AS located, g.key AS on_behalf_of, r.role AS role",
    )
    assert visit == {"initiator": "f-teeven", "located": "IRQ", "on_behalf_of": "samenwerkende-landen-irak", "role": "represented"}  # L226-L227


def test_iraq_was_offered_reintegration_and_displacement_aid_without_result(seeded_store):
    offer = linkage(seeded_store, "linkage-irq-hulpaanbod")
    assert offer == {  # L114-L124
        "direction": "positive",
        "status": "offered",
        "outcome": "no_result",
        "channel": "bilateral",
        "links": ["irq-herintegratie-terugkeerders", "irq-ontheemden"],
        "concerns": ["IRQ"],
        "initiated_by": ["NLD"],
        "evidenced": [LETTER],
    }
    domains = column(
        seeded_store,
        "MATCH (:Linkage {key: 'linkage-irq-hulpaanbod'})-[:LINKS]->(d:Dossier) RETURN d.domain AS k",
    )
    assert domains == ["displaced_persons", "reintegration"]
    assert assessment(seeded_store, "IRQ") == {"level": "difficult", "trend": "stable", "as_of": "2014-02-25"}  # L121-L124
    assert seeded_store.run("MATCH (c:Country {key: 'IRQ'}) RETURN c.risk_factors AS r").value() == ["mass_displacement"]
    assert column(seeded_store, "MATCH (c:Country)-[:MEMBER_OF]->(:CountryGroup {key: 'buurlanden-van-irak'}) RETURN c.key AS k") == ["SYR"]  # L119


def test_like_minded_states_act_together_on_iraq(seeded_store):
    members = column(
        seeded_store,
        "MATCH (c:Country)-[:MEMBER_OF]->(g:CountryGroup {kind: 'coalition'})-[:CONCERNS]->(:Country {key: 'IRQ'}) RETURN c.key AS k",
    )
    assert members == ["AUS", "CAN", "CHE", "NLD", "NOR", "USA"]  # L218-L222
    sharing = column(
        seeded_store, "MATCH (c:Country)-[:SHARES_PROBLEM_WITH]->(:Country {key: 'IRQ'}) RETURN c.key AS k"
    )
    assert sharing == ["AUS", "CAN", "CHE", "NOR", "USA"]
    letters = rows(
        seeded_store,
        "MATCH (a:Organisation)-[:INITIATED]->(e:Event)-[:TARGETS]->(t:Organisation)-[:PART_OF]->(c:Country) "
        "MATCH (a)-[:LOCATED_IN]->(c) "
        "RETURN a.key AS initiator, e.kind AS kind, t.key AS addressee, c.key AS country ORDER BY kind",
    )
    assert letters == [  # L223-L225
        {"initiator": "ambassadeurs-in-bagdad", "kind": "joint_letter", "addressee": "iraakse-autoriteiten", "country": "IRQ"},
        {"initiator": "ambassadeurs-in-bagdad", "kind": "joint_talks", "addressee": "iraakse-autoriteiten", "country": "IRQ"},
    ]
    coalition = linkage(seeded_store, "linkage-irq-samenwerkende-landen")
    assert coalition["channel"] == "coalition" and coalition["concerns"] == ["IRQ"]
    assert coalition["links"] == ["irq-terugkeerboodschap"]


# ---------------------------------------------------------------------------- Somalia and Somaliland


def test_somalia_has_a_mou_with_the_government_in_mogadishu(seeded_store):
    mou = rows(
        seeded_store,
        "MATCH (x)-[p:PARTY_TO]->(a:Agreement {key: 'mou-nld-som-gedwongen-terugkeer'}) "
        "OPTIONAL MATCH (x)-[:PART_OF]->(c:Country) "
        "RETURN x.key AS party, p.role AS role, c.key AS country_of, a.status AS status ORDER BY party",
    )
    assert mou == [  # L129-L130
        {"party": "NLD", "role": "signatory", "country_of": None, "status": "in_force"},
        {"party": "somalische-regering", "role": "counterpart", "country_of": "SOM", "status": "in_force"},
    ]
    wants_change = one(
        seeded_store,
        "MATCH (o:Organisation)-[:INITIATED]->(e:Event)-[:CONCERNS]->(:Agreement {key: 'mou-nld-som-gedwongen-terugkeer'}) "
        "WHERE e.kind = 'statement' RETURN o.key AS initiator, e.key AS event",
    )
    assert wants_change == {"initiator": "somalische-regering", "event": "somalie-wil-mou-anders-invullen"}  # L133-L134
    government = one(
        seeded_store,
        "MATCH (e:Event {kind: 'government_formed'})-[:CONCERNS]->(:Country {key: 'SOM'}) RETURN e.date AS date, e.date_precision AS precision",
    )
    assert government == {"date": "2012-10-01", "precision": "late_year"}  # L126 "sinds eind 2012"


def test_somalis_returned_in_2013(seeded_store):
    returns = rows(
        seeded_store,
        "MATCH (e:Event {kind: 'return_movement'})-[:CONCERNS]->(:Country {key: 'SOM'}) "
        "RETURN e.key AS key, e.date AS date, e.date_precision AS precision ORDER BY key",
    )
    assert returns == [  # L131-L133
        {"key": "gedwongen-terugkeer-somaliers-2013", "date": "2013-01-01", "precision": "year"},
        {"key": "zelfstandige-terugkeer-somaliers-2013", "date": "2013-01-01", "precision": "year"},
    ]
    assert assessment(seeded_store, "SOM") == {"level": "difficult", "trend": "improving", "as_of": "2014-02-25"}
    assert seeded_store.run("MATCH (c:Country {key: 'SOM'}) RETURN c.risk_factors AS r").value() == [
        "post_conflict",
        "failed_state_history",
        "secession",
    ]


def test_somalia_is_offered_co_financing_on_condition(seeded_store):
    project = one(
        seeded_store,
        "MATCH (d:Donor)-[f:FUNDS]->(p:Project {key: 'project-somalische-immigratiedienst'})-[:BENEFITS]->(o:Organisation)"
        "-[:PART_OF]->(:Organisation)-[:PART_OF]->(c:Country) "
        "RETURN d.key AS donor, f.amount_eur AS amount, p.status AS status, o.key AS beneficiary, c.key AS country",
    )
    assert project == {  # L134-L138
        "donor": "donor-nld",
        "amount": None,
        "status": "conditional_offer",
        "beneficiary": "somalische-immigratiedienst",
        "country": "SOM",
    }
    offer = linkage(seeded_store, "linkage-som-cofinanciering-immigratiedienst")
    assert (offer["direction"], offer["status"], offer["outcome"], offer["concerns"]) == ("positive", "offered", "pending", ["SOM"])
    assert offer["links"] == ["project-somalische-immigratiedienst", "som-capaciteit-immigratiedienst"]


def test_somaliland_seceded_in_1991_and_is_not_yet_willing(seeded_store):
    land = one(
        seeded_store,
        "MATCH (c:Country {key: 'somaliland'}) RETURN c.has_iso_code AS iso, c.status AS status, c.risk_factors AS risks",
    )
    assert land == {"iso": False, "status": "self_declared_state", "risks": ["secession"]}
    secession = one(
        seeded_store,
        "MATCH (:Country {key: 'somaliland'})-[:INITIATED]->(e:Event {kind: 'secession'})-[:CONCERNS]->(c:Country) "
        "RETURN e.date AS date, c.key AS from_country",
    )
    assert secession == {"date": "1991-01-01", "from_country": "SOM"}  # L140
    assert assessment(seeded_store, "somaliland")["level"] == "not_willing"  # L142-L143


def test_somaliland_is_to_get_a_mou_with_a_conditional_project_portfolio(seeded_store):
    mou = rows(
        seeded_store,
        "MATCH (x)-[p:PARTY_TO]->(a:Agreement {key: 'mou-nld-somaliland-voorgenomen'}) "
        "RETURN x.key AS party, p.role AS role, a.status AS status ORDER BY party",
    )
    assert mou == [  # L143-L144
        {"party": "NLD", "role": "intended signatory", "status": "planned"},
        {"party": "autoriteiten-van-somaliland", "role": "intended counterpart", "status": "planned"},
    ]
    plan = linkage(seeded_store, "linkage-somaliland-mou-projectenportefeuille")
    assert (plan["status"], plan["outcome"], plan["concerns"]) == ("planned", "pending", ["somaliland"])
    assert plan["links"] == ["mou-nld-somaliland-voorgenomen", "projectenportefeuille-somaliland", "somaliland-os-middelen"]
    funds = one(  # L145-L146 "uit OS-middelen"
        seeded_store,
        "MATCH (o:Organisation)-[:CONTROLS]->(d:Dossier {key: 'somaliland-os-middelen'})<-[:CONCERNS]-(p:Project) "
        "RETURN o.key AS decided_by, d.domain AS domain, p.status AS status",
    )
    assert funds == {"decided_by": "ontwikkelingssamenwerking", "domain": "development_aid", "status": "planned"}


# ---------------------------------------------------------------------------- Europe


def test_eu_readmission_is_negotiated_with_visa_facilitation(seeded_store):
    for agreement in ("eu-terug-en-overnameovereenkomsten", "eu-visumfacilitatieovereenkomsten"):
        negotiators = column(
            seeded_store,
            "MATCH (x)-[p:PARTY_TO {role: 'negotiator'}]->(:Agreement {key: $key}) RETURN x.key AS k",
            key=agreement,
        )
        assert negotiators == ["CPV", "RUS", "oostelijk-partnerschap", "westelijke-balkan"], agreement  # L169-L172
        assert column(seeded_store, "MATCH (x)-[:PARTY_TO]->(:Agreement {key: $key}) WHERE x.key = 'europese-unie' RETURN x.key AS k", key=agreement) == ["europese-unie"]
    tie = linkage(seeded_store, "linkage-eu-visumfacilitatie-en-overname")
    assert tie == {  # L166-L173: "werpt zijn vruchten af"
        "direction": "positive",
        "status": "made",
        "outcome": "effective",
        "channel": "eu",
        "links": ["eu-terug-en-overnameovereenkomsten", "eu-visumfacilitatieovereenkomsten"],
        "concerns": ["CPV", "RUS"],
        "initiated_by": ["europese-unie"],
        "evidenced": [LETTER],
    }
    types = rows(
        seeded_store,
        "MATCH (a:Agreement) WHERE a.key IN ['eu-terug-en-overnameovereenkomsten', 'eu-visumfacilitatieovereenkomsten'] "
        "RETURN a.key AS key, a.agreement_type AS type, a.status AS status ORDER BY key",
    )
    assert types == [
        {"key": "eu-terug-en-overnameovereenkomsten", "type": "readmission_agreement", "status": "in_force"},
        {"key": "eu-visumfacilitatieovereenkomsten", "type": "visa_facilitation_agreement", "status": "negotiated"},
    ]


def test_the_morocco_mobility_partnership_was_signed_on_7_june_2013(seeded_store):
    partnership = one(
        seeded_store,
        "MATCH (a:Agreement {key: 'eu-mar-mobiliteitspartnerschap'})-[:PART_OF]->(f:Forum)-[:PART_OF]->(g:Forum) "
        "RETURN a.agreement_type AS type, a.status AS status, a.date_signed AS signed, f.key AS instrument, g.key AS framework",
    )
    assert partnership == {  # L175-L184
        "type": "mobility_partnership",
        "status": "signed",
        "signed": "2013-06-07",
        "instrument": "mobiliteitspartnerschappen",
        "framework": "gamm",
    }
    parties = rows(
        seeded_store,
        "MATCH (x)-[p:PARTY_TO]->(:Agreement {key: 'eu-mar-mobiliteitspartnerschap'}) "
        "RETURN x.key AS party, p.role AS role, p.note AS note ORDER BY party",
    )
    assert parties == [  # L183-L185: nine member states and the Commission, NL among the signatories, with Morocco
        {"party": "MAR", "role": "counterpart", "note": None},
        {"party": "NLD", "role": "signatory", "note": None},
        {"party": "eu-lidstaten", "role": "signatory", "note": "nine member states"},
        {"party": "europese-commissie", "role": "signatory", "note": None},
    ]
    signed = rows(
        seeded_store,
        "MATCH (x)-[s:SIGNED]->(:Agreement {key: 'eu-mar-mobiliteitspartnerschap'}) RETURN x.key AS signer, s.valid_from AS signed_on ORDER BY signer",
    )
    assert signed == [
        {"signer": "MAR", "signed_on": "2013-06-07"},
        {"signer": "NLD", "signed_on": "2013-06-07"},
        {"signer": "europese-commissie", "signed_on": "2013-06-07"},
    ]
    signing = one(
        seeded_store,
        "MATCH (e:Event)-[:RESULTED_IN]->(:Agreement {key: 'eu-mar-mobiliteitspartnerschap'}) "
        "RETURN e.kind AS kind, e.date AS date, e.date_precision AS precision",
    )
    assert signing == {"kind": "signing", "date": "2013-06-07", "precision": "day"}


def test_nl_insisted_on_readmission_with_visa_facilitation_for_morocco(seeded_store):
    wants = rows(
        seeded_store,
        "MATCH (c:Country)-[:WANTS]->(a:Agreement) WHERE a.key STARTS WITH 'eu-mar-' "
        "RETURN c.key AS country, a.agreement_type AS wants ORDER BY country",
    )
    assert wants == [  # L186-L188
        {"country": "MAR", "wants": "visa_facilitation_agreement"},
        {"country": "NLD", "wants": "readmission_agreement"},
    ]
    tie = linkage(seeded_store, "linkage-mar-visumfacilitatie-alleen-met-overname")
    assert (tie["channel"], tie["status"], tie["outcome"], tie["initiated_by"], tie["concerns"]) == ("eu", "made", "pending", ["NLD"], ["MAR"])
    assert tie["links"] == ["eu-mar-visumfacilitatieovereenkomst", "mar-visumfacilitatie"]


def test_the_fifth_budapest_process_conference_istanbul_19_april_2013(seeded_store):
    conference = one(
        seeded_store,
        "MATCH (e:Event {kind: 'conference'})-[:PART_OF]->(f:Forum {key: 'boedapest-proces'}) "
        "MATCH (e)-[:RESULTED_IN]->(a:Agreement)-[:PART_OF]->(f) "
        "RETURN e.date AS date, e.place AS place, f.kind AS forum_kind, a.agreement_type AS type, a.status AS status, a.date_signed AS adopted",
    )
    assert conference == {  # L193-L200
        "date": "2013-04-19",
        "place": "Istanbul",
        "forum_kind": "consultative_process",
        "type": "declaration",
        "status": "adopted",
        "adopted": "2013-04-19",
    }
    circles = column(
        seeded_store, "MATCH (g:CountryGroup)-[:MEMBER_OF]->(:Forum {key: 'boedapest-proces'}) RETURN g.kind AS k"
    )
    assert circles == ["destination_countries", "route", "transit_countries"]  # L194-L197
    silk_route = column(
        seeded_store, "MATCH (c:Country)-[:MEMBER_OF]->(:CountryGroup {key: 'zijderoutelanden'}) RETURN c.key AS k"
    )
    assert silk_route == ["AFG", "BGD", "CHN", "IND", "IRN", "IRQ", "PAK"]  # L197
    transit = column(
        seeded_store, "MATCH (c:Country)-[:MEMBER_OF]->(:CountryGroup {key: 'transitlanden-ten-oosten-van-europa'}) RETURN c.key AS k"
    )
    assert transit == ["RUS", "TUR"]  # L195-L196
    important = column(  # L201-L203
        seeded_store, "MATCH (c:Country)-[:PARTICIPATES_IN]->(:Forum {key: 'boedapest-proces'}) RETURN c.key AS k"
    )
    assert important == ["AFG", "CHN", "IND", "IRQ", "NLD"]


def test_who_funds_the_silk_route_project_and_with_how_much(seeded_store):
    donors = rows(
        seeded_store,
        "MATCH (d:Donor)-[f:FUNDS]->(:Project {key: 'project-migratiemanagement-zijderoutelanden'}) "
        "MATCH (d)-[:DONOR_OF]->(o) "
        "RETURN o.key AS donor_of, d.donor_type AS type, f.amount_eur AS amount ORDER BY donor_of",
    )
    assert donors == [  # L203-L207
        {"donor_of": "CHE", "type": "bilateral", "amount": None},
        {"donor_of": "HUN", "type": "bilateral", "amount": None},
        {"donor_of": "NLD", "type": "bilateral", "amount": 300000.0},
        {"donor_of": "SWE", "type": "bilateral", "amount": None},
        {"donor_of": "TUR", "type": "bilateral", "amount": None},
        {"donor_of": "europese-commissie", "type": "multilateral", "amount": None},
    ]
    beneficiaries = column(
        seeded_store,
        "MATCH (:Project {key: 'project-migratiemanagement-zijderoutelanden'})-[:BENEFITS]->(c:Country) RETURN c.key AS k",
    )
    assert beneficiaries == ["AFG", "IRQ", "PAK"]  # L204-L205
    decision = one(
        seeded_store,
        "MATCH (:Country {key: 'NLD'})-[:INITIATED]->(e:Event {kind: 'decision'})-[:CONCERNS]->(:Project {key: 'project-migratiemanagement-zijderoutelanden'}) "
        "RETURN e.amount_eur AS amount",
    )
    assert decision == {"amount": 300000.0}
    total_known = seeded_store.run(
        "MATCH (:Donor)-[f:FUNDS]->(:Project {key: 'project-migratiemanagement-zijderoutelanden'}) RETURN sum(f.amount_eur) AS total"
    ).value()
    assert total_known == 300000.0


def test_the_eu_china_dialogue_and_summit(seeded_store):
    meeting = one(
        seeded_store,
        "MATCH (e:Event)-[:PART_OF]->(:Forum {key: 'eu-china-dialoog-migratie-en-mobiliteit'}) "
        "RETURN e.kind AS kind, e.date AS date, e.place AS place",
    )
    assert meeting == {"kind": "meeting", "date": "2013-10-14", "place": "Brussel"}  # L208-L210
    summit = one(
        seeded_store,
        "MATCH (e:Event {kind: 'summit'}) MATCH (c:Country)-[:PARTICIPATES_IN]->(e) RETURN e.date AS date, c.key AS country",
    )
    assert summit == {"date": "2013-11-21", "country": "CHN"}  # L214-L215
    topics = column(
        seeded_store,
        "MATCH (e:Event {key: 'eu-china-top-2013-11-21'})-[r:CONCERNS]->(d:Dossier) WHERE r.note = 'arrangements not confirmed' RETURN d.domain AS k",
    )
    assert topics == ["readmission", "visa_facilitation"]  # L213-L215: not confirmed
    tie = linkage(seeded_store, "linkage-eu-chn-visumfacilitatie-en-overname")
    assert (tie["status"], tie["outcome"], tie["channel"], tie["concerns"]) == ("proposed", "pending", "eu", ["CHN"])


def test_the_european_council_sets_strategic_guidelines_in_june_2014(seeded_store):
    guidelines = one(
        seeded_store,
        "MATCH (o:Organisation)-[:INITIATED]->(e:Event)-[:RESULTED_IN]->(a:Agreement)-[:PART_OF]->(f:Forum) "
        "WHERE a.agreement_type = 'strategic_guidelines' "
        "RETURN o.key AS initiator, e.kind AS kind, e.date AS date, e.date_precision AS precision, "
        "a.status AS status, a.valid_from AS valid_from, f.key AS agenda",
    )
    assert guidelines == {  # L159-L160
        "initiator": "europese-raad",
        "kind": "planned_decision",
        "date": "2014-06-01",
        "precision": "month",
        "status": "planned",
        "valid_from": "2015-01-01",
        "agenda": "europese-jbz-agenda",
    }
    aim = linkage(seeded_store, "linkage-eu-richtsnoeren-terugkeerconditionaliteit")
    assert (aim["status"], aim["channel"], aim["initiated_by"], aim["links"]) == (  # L160-L163
        "proposed",
        "eu",
        ["nederlandse-regering"],
        ["strategische-richtsnoeren-europese-raad-2014"],
    )


# ---------------------------------------------------------------------------- all linkages at a glance


def test_every_linkage_of_the_letter(seeded_store):
    table = rows(
        seeded_store,
        "MATCH (l:Linkage) OPTIONAL MATCH (l)-[:CONCERNS]->(c:Country) "
        "RETURN l.key AS key, l.direction AS direction, l.status AS status, l.outcome AS outcome, l.channel AS channel, "
        "count(c) AS countries ORDER BY key",
    )
    assert [(r["key"], r["direction"], r["status"], r["outcome"], r["channel"], r["countries"]) for r in table] == [
        ("linkage-afg-luchtvaartverdrag", "positive", "made", "no_result", "bilateral", 1),
        ("linkage-boedapest-proces-zijderoutelanden", "positive", "made", "unknown", "forum", 5),
        ("linkage-dza-intensivering-betrekkingen", "positive", "proposed", "pending", "bilateral", 1),
        ("linkage-eu-chn-visumfacilitatie-en-overname", "positive", "proposed", "pending", "eu", 1),
        ("linkage-eu-richtsnoeren-terugkeerconditionaliteit", "positive", "proposed", "pending", "eu", 0),
        ("linkage-eu-visumfacilitatie-en-overname", "positive", "made", "effective", "eu", 2),
        ("linkage-gamm-herintegratieprojecten", "positive", "offered", "unknown", "eu", 1),  # Morocco, the example (L183, inferred)
        ("linkage-gha-korting-ontwikkelingshulp", "negative", "made", "partial", "bilateral", 1),
        ("linkage-gha-steun-migratiemanagement", "positive", "offered", "pending", "bilateral", 1),
        ("linkage-ind-mobiliteit-tegen-terugname", "positive", "proposed", "no_result", "bilateral", 1),
        ("linkage-irq-hulpaanbod", "positive", "offered", "no_result", "bilateral", 1),
        ("linkage-irq-samenwerkende-landen", "positive", "made", "unknown", "coalition", 1),
        ("linkage-irq-terugkeer-en-bredere-samenwerking", "positive", "made", "no_result", "bilateral", 1),
        ("linkage-mar-visumfacilitatie-alleen-met-overname", "positive", "made", "pending", "eu", 1),
        ("linkage-som-cofinanciering-immigratiedienst", "positive", "offered", "pending", "bilateral", 1),
        ("linkage-somaliland-mou-projectenportefeuille", "positive", "planned", "pending", "bilateral", 1),
    ]
    unlinked = column(seeded_store, "MATCH (l:Linkage) WHERE NOT EXISTS { MATCH (l)-[:LINKS]->() } RETURN l.key AS k")
    assert unlinked == []
