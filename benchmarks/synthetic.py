"""A synthetic linkage graph of realistic shape, for benchmarks (about one million nodes by default).

Everything here is invented and says so (every locator cites the document
``synthetic``); it exists to measure koppel, never to inform anyone.

Shape, per country of origin (249 of them, plus the Netherlands):
a government and a ministry, 40 dossiers held with the Netherlands or the EU
(wanted, controlled, with a status), 8 agreements, 5 linkages with outcomes,
20 yearly assessments, 150 projects funded by one to three of 300 donors,
3,760 events (visits, meetings, return movements...) and 10 documents.
Around them: 60 groups (regions, routes, partnerships and coalitions that
share a return problem), 40 forums with their participants, the EU with its
institutions, the strategic country approach with its generic instruments,
and the Netherlands as the hub that initiates a third of all events.

Usage::

    python benchmarks/synthetic.py --store embedded:/tmp/koppel-1m            # ~1M nodes
    python benchmarks/synthetic.py --store "$NEO4J_URI" --scale 0.1           # ~100k nodes

or from Python: ``load(store, generate(scale=0.01))``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import pycountry

from koppel.graph.models import NodeRecord, RelRecord
from koppel.graph.schema import SCHEMA
from koppel.graph.store import GraphStore, open_store

DOC = "synthetic"
PER_COUNTRY = {"dossiers": 40, "agreements": 8, "linkages": 5, "assessments": 20, "projects": 150, "events": 3760, "documents": 10}
GLOBAL = {"groups": 60, "forums": 40, "donors": 300}

DOMAINS = SCHEMA.node("Dossier").properties["domain"].values or ()
LEVERS = [d for d in DOMAINS if d not in ("return", "readmission", "reception_of_minors", "return_message")]
ASKS = ["return", "readmission", "reception_of_minors"]
DOSSIER_STATUS = SCHEMA.node("Dossier").properties["status"].values or ()
AGREEMENT_TYPES = ["mou", "readmission_agreement", "visa_facilitation_agreement", "mobility_partnership", "treaty"]
AGREEMENT_STATUS = ["signed", "unsigned", "in_force", "under_negotiation", "planned", "negotiated"]
OUTCOMES = SCHEMA.node("Linkage").properties["outcome"].values or ()
CHANNELS = SCHEMA.node("Linkage").properties["channel"].values or ()
LEVELS = SCHEMA.node("Assessment").properties["level"].values or ()
TRENDS = SCHEMA.node("Assessment").properties["trend"].values or ()
EVENT_KINDS = ["visit", "meeting", "conference", "decision", "offer", "letter", "negotiation", "return_movement", "statement"]
RISKS = ["post_conflict", "failed_state_history", "weak_government", "secession", "mass_displacement"]
GROUP_KINDS = ["region", "route", "partnership", "origin_countries", "transit_countries"]
FORUM_KINDS = ["consultative_process", "dialogue", "policy_framework", "summit_series"]


@dataclass
class Synthetic:
    nodes: list[NodeRecord] = field(default_factory=list)
    rels: list[RelRecord] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    countries: list[str] = field(default_factory=list)

    def node(self, label: str, key: str, **props: Any) -> str:
        props.setdefault("name", key)
        props.setdefault("sources", [f"{DOC}#L1"])
        spec = SCHEMA.node(label).properties
        self.nodes.append(NodeRecord(label, key, {name: props.get(name) for name in spec if name != "key"}))
        self.labels[key] = label
        return key

    def rel(self, rel_type: str, start: str, end: str, **props: Any) -> None:
        props.setdefault("sources", [f"{DOC}#L1"])
        spec = SCHEMA.relationship(rel_type).properties
        self.rels.append(RelRecord(rel_type, start, end, self.labels[start], self.labels[end], {name: props.get(name) for name in spec}))


def _day(rng: random.Random, first: int = 1990, last: int = 2014) -> dt.date:
    return dt.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))


def country_codes(count: int) -> list[str]:
    """ISO alpha-3 codes (the Netherlands first), padded with invented X-codes beyond the 249 ISO has."""
    codes = ["NLD"] + sorted(c.alpha_3 for c in pycountry.countries if c.alpha_3 != "NLD")
    extra = (f"X{a}{b}" for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    while len(codes) < count:
        codes.append(next(extra))
    return codes[:count]


def generate(countries: int = 250, *, scale: float = 1.0, seed: int = 7) -> Synthetic:
    """Build the synthetic graph: ``countries`` countries (the Netherlands included), per-country counts times ``scale``."""
    rng = random.Random(seed)
    g = Synthetic()
    per = {name: max(1, round(count * scale)) for name, count in PER_COUNTRY.items()}
    codes = country_codes(countries)
    for code in codes:
        risk = rng.sample(RISKS, rng.randint(1, 2)) if code != "NLD" and rng.random() < 0.2 else None
        g.node("Country", code, name=f"Land {code}", name_en=f"Country {code}", has_iso_code=not code.startswith("X"), status="state", risk_factors=risk)
    g.countries = codes
    origin = codes[1:]

    # The Netherlands, the EU, the approach and its generic instruments.
    g.node("Organisation", "europese-unie", name="Europese Unie", kind="international_organisation")
    g.node("Organisation", "europese-commissie", name="Europese Commissie", kind="eu_institution")
    g.rel("PART_OF", "europese-commissie", "europese-unie")
    g.rel("MEMBER_OF", "NLD", "europese-unie")
    for ministry in ("ministerie-van-veiligheid-en-justitie", "ontwikkelingssamenwerking"):
        g.node("Organisation", ministry, kind="ministry")
        g.rel("PART_OF", ministry, "NLD")
    g.node("CountryGroup", "eu-lidstaten", name="EU-lidstaten", kind="union")
    for code in ["NLD", *rng.sample(origin, 26)]:
        g.rel("MEMBER_OF", code, "eu-lidstaten")
    g.node("Forum", "strategische-landenbenadering-migratie", kind="policy_framework")
    g.rel("PARTICIPATES_IN", "NLD", "strategische-landenbenadering-migratie")
    for domain in ("border_management", "migration_capacity", "knowledge_sharing", "visa_facilitation", "migration_and_development", "reintegration"):
        key = g.node("Dossier", f"instrument-{domain.replace('_', '-')}", domain=domain)  # keys are slugs
        g.rel("PART_OF", key, "strategische-landenbenadering-migratie")
        g.rel("CONTROLS", "NLD", key)
    g.node("Forum", "mobiliteitspartnerschappen", kind="policy_framework")
    g.node("Dossier", "gamm-herintegratieprojecten", domain="reintegration")
    g.rel("PART_OF", "gamm-herintegratieprojecten", "mobiliteitspartnerschappen")
    g.rel("CONTROLS", "europese-unie", "gamm-herintegratieprojecten")

    # Groups and coalitions.
    for i in range(GLOBAL["groups"]):
        coalition = i % 6 == 5
        key = g.node("CountryGroup", f"group-{i:03d}", kind="coalition" if coalition else rng.choice(GROUP_KINDS))
        for code in rng.sample(origin, rng.randint(5, 40)):
            g.rel("MEMBER_OF", code, key)
        if coalition:
            g.rel("MEMBER_OF", "NLD", key)
            g.rel("SHARES_PROBLEM_WITH", key, rng.choice(origin))

    # Forums.
    forums = []
    for i in range(GLOBAL["forums"]):
        key = g.node("Forum", f"forum-{i:03d}", kind=rng.choice(FORUM_KINDS))
        forums.append(key)
        for code in rng.sample(origin, rng.randint(10, 60)):
            g.rel("PARTICIPATES_IN", code, key)
        if i % 8 == 0:
            g.rel("MEMBER_OF", f"group-{rng.randrange(GLOBAL['groups']):03d}", key)
        if rng.random() < 0.6:
            g.rel("PARTICIPATES_IN", "NLD", key)
        elif rng.random() < 0.5:
            g.rel("PARTICIPATES_IN", "europese-unie", key)

    # Donors: half the donor side of a country, half multilateral organisations.
    donors = []
    g.node("Donor", "donor-nld", donor_type="bilateral")
    g.rel("DONOR_OF", "donor-nld", "NLD")
    donors.append("donor-nld")
    for i in range(GLOBAL["donors"] - 1):
        key = g.node("Donor", f"donor-{i:03d}", donor_type="bilateral" if i % 2 else "multilateral")
        if i % 2:
            g.rel("DONOR_OF", key, rng.choice(origin))
        else:
            org = g.node("Organisation", f"fund-{i:03d}", kind="international_organisation")
            g.rel("DONOR_OF", key, org)
        donors.append(key)

    # Every country of origin.
    for code in origin:
        c = code.lower()
        gov = g.node("Organisation", f"{c}-government", kind="government")
        g.rel("PART_OF", gov, code)
        ministry = g.node("Organisation", f"{c}-ministry", kind="ministry")
        g.rel("PART_OF", ministry, gov)
        dossiers = []
        for i in range(per["dossiers"]):
            ask = rng.random() < 0.2
            domain = rng.choice(ASKS if ask else LEVERS)
            key = g.node("Dossier", f"{c}-dossier-{i:03d}", domain=domain, status=rng.choice(DOSSIER_STATUS))
            dossiers.append(key)
            g.rel("BETWEEN", key, code if rng.random() < 0.8 else gov)
            eu = rng.random() < 0.2
            g.rel("BETWEEN", key, "europese-unie" if eu else "NLD")
            if ask:
                g.rel("WANTS", "NLD", key)
                g.rel("CONTROLS", code, key)
            else:
                g.rel("CONTROLS", "europese-unie" if eu else "NLD", key)
                if rng.random() < 0.3:
                    g.rel("WANTS", code, key)
        for i in range(per["agreements"]):
            kind = rng.choice(AGREEMENT_TYPES)
            key = g.node("Agreement", f"{c}-agreement-{i:02d}", agreement_type=kind, status=rng.choice(AGREEMENT_STATUS), date_signed=_day(rng))
            g.rel("PARTY_TO", code, key)
            g.rel("PARTY_TO", "NLD" if kind in ("mou", "treaty") else "europese-unie", key)
        for i in range(per["linkages"]):
            key = g.node(
                "Linkage", f"{c}-linkage-{i:02d}", direction="positive" if rng.random() < 0.8 else "negative",
                status=rng.choice(["made", "proposed", "offered", "planned"]), outcome=rng.choice(OUTCOMES),
                channel=rng.choice(CHANNELS), date=_day(rng, 2000),
            )
            for dossier in rng.sample(dossiers, min(len(dossiers), rng.randint(1, 2))):
                g.rel("LINKS", key, dossier)
            g.rel("CONCERNS", key, code)
            g.rel("INITIATED", "NLD", key)
        for i in range(per["assessments"]):
            year = 2014 - i
            key = g.node("Assessment", f"{c}-assessment-{year}", level=rng.choice(LEVELS), trend=rng.choice(TRENDS), as_of=dt.date(year, 12, 31))
            g.rel("CONCERNS", key, code)
        for i in range(per["projects"]):
            key = g.node("Project", f"{c}-project-{i:03d}", status="funded", amount_eur=float(rng.randint(1, 500) * 10_000))
            g.rel("BENEFITS", key, code)
            for donor in rng.sample(donors, rng.randint(1, 3)):
                g.rel("FUNDS", donor, key, amount_eur=float(rng.randint(1, 100) * 1_000))
        documents = []
        for i in range(per["documents"]):
            key = g.node("Document", f"{c}-document-{i:02d}", doc_type="letter_to_parliament", date=_day(rng))
            g.rel("CONCERNS", key, code)
            documents.append(key)
        for i in range(per["events"]):
            key = g.node("Event", f"{c}-event-{i:04d}", kind=rng.choice(EVENT_KINDS), date=_day(rng), date_precision="day")
            g.rel("TARGETS" if i % 2 else "CONCERNS", key, code)
            g.rel("INITIATED", "NLD" if i % 3 == 0 else ministry, key)
    return g


OBSERVATIONS = {"states": 30, "years": 10, "first_year": 2014}
"""Issue 12: return observations per country of citizenship: reporting states x years (250 x 30 x 10 = 75,000)."""


def observations(countries: list[str], *, states: int = OBSERVATIONS["states"], years: int = OBSERVATIONS["years"], seed: int = 7) -> Synthetic:
    """ReturnObservation nodes for every country x the first ``states`` countries as reporting states x ``years`` years, each tied by OF_CITIZENSHIP and REPORTED_BY (invented numbers, about 2 % not available).

    The countries must already be in the store (or in the same load): the result holds only observations and their relationships.
    """
    rng = random.Random(seed)
    g = Synthetic()
    g.labels.update({code: "Country" for code in countries})
    for citizen in countries:
        for state in countries[:states]:
            for year in range(OBSERVATIONS["first_year"], OBSERVATIONS["first_year"] + years):
                persons = None if rng.random() < 0.02 else 5 * rng.randint(0, 200)
                key = g.node(
                    "ReturnObservation", f"returns-{citizen.lower()}-{state.lower()}-{year}", year=year, persons=persons,
                    availability="reported" if persons is not None else "not_available", dataset=DOC,
                )
                g.rel("OF_CITIZENSHIP", key, citizen)
                g.rel("REPORTED_BY", key, state)
    return g


def build(countries: int = 250, *, scale: float = 1.0, seed: int = 7, with_observations: str = "no",
          states: int = OBSERVATIONS["states"], years: int = OBSERVATIONS["years"]) -> Synthetic:
    """The graph ``synthetic.py`` loads: :func:`generate`, plus :func:`observations` when ``with_observations`` is "with", or only them ("only").

    ``countries`` must be at least 61 unless only observations are built (groups and forums draw up to 60 countries of origin).
    """
    if with_observations == "only":
        return observations(country_codes(countries), seed=seed, states=states, years=years)
    graph = generate(countries, scale=scale, seed=seed)
    if with_observations == "with":
        extra = observations(graph.countries, seed=seed, states=states, years=years)
        graph.nodes += extra.nodes
        graph.rels += extra.rels
    return graph


def load(store: GraphStore, graph: Synthetic, *, progress: bool = True) -> dict[str, Any]:
    """Write the graph (not atomically: a benchmark can reload); returns counts and seconds."""
    start = time.perf_counter()
    last = [start]

    def report(stage: str, done: int) -> None:
        if progress and time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"  {stage}: {done:,} written ({time.perf_counter() - start:.0f} s)", file=sys.stderr)

    result = store.upsert(graph.nodes, graph.rels, atomic=False, progress=report)
    return {"nodes": len(graph.nodes), "relationships": len(graph.rels), "seconds": round(time.perf_counter() - start, 1), **result.as_dict()}



def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="embedded:PATH or a Neo4j URI (NEO4J_USER/NEO4J_PASSWORD from the environment)")
    parser.add_argument("--countries", type=int, default=250)
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies the per-country counts (1.0 gives about one million nodes)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--clear", action="store_true", help="clear the store first")
    parser.add_argument("--observations", choices=["no", "with", "only"], default="no", help="return observations (countries x 30 states x 10 years): none, added to the graph, or only them (into a store that already holds the synthetic graph)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    graph = build(args.countries, scale=args.scale, seed=args.seed, with_observations=args.observations)
    print(f"generated {len(graph.nodes):,} nodes and {len(graph.rels):,} relationships in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with open_store(args.store) as store:
        if args.clear:
            store.clear()
        result = load(store, graph)
    print(f"loaded into {args.store}: {result}", file=sys.stderr)


if __name__ == "__main__":
    main()
