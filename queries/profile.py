"""A country's profile: everything the graph holds about it, each item with its locators.

The sections are declared as data (:data:`SECTIONS`): a pattern from the
country to the items of the section. Every pattern names its relationship
types and labels, so the same Cypher runs on both stores.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from koppel.graph.store import GraphStore
from koppel.graph.validity import Timeline


@dataclass(frozen=True)
class Hop:
    """One step of a section's path: a relationship type, its direction seen from the country, the labels reached."""

    rel_type: str
    outgoing: bool
    labels: str

    def pattern(self, var: str, rel: str) -> str:
        arrow = f"-[{rel}:{self.rel_type}]->" if self.outgoing else f"<-[{rel}:{self.rel_type}]-"
        return f"{arrow}({var}:{self.labels})"


SECTIONS: dict[str, list[tuple[Hop, ...]]] = {
    "groups": [(Hop("MEMBER_OF", True, "CountryGroup|Organisation"),)],
    "return_cooperation": [(Hop("CONCERNS", False, "Assessment"),)],
    "dossiers": [(Hop("BETWEEN", False, "Dossier"),), (Hop("WANTS", True, "Dossier"),)],
    "agreements": [
        (Hop("PARTY_TO", True, "Agreement"),),
        (Hop("WANTS", True, "Agreement"),),
        (Hop("CONCERNS", False, "Agreement"),),
        (Hop("MEMBER_OF", True, "CountryGroup"), Hop("PARTY_TO", True, "Agreement")),
    ],
    "forums": [
        (Hop("PARTICIPATES_IN", True, "Forum"),),
        (Hop("MEMBER_OF", True, "Forum"),),
        (Hop("MEMBER_OF", True, "CountryGroup"), Hop("MEMBER_OF", True, "Forum")),
        (Hop("MEMBER_OF", True, "CountryGroup"), Hop("PARTICIPATES_IN", True, "Forum")),
    ],
    "projects": [(Hop("BENEFITS", False, "Project"),)],
    "donors": [
        (Hop("DONOR_OF", False, "Donor"),),
        (Hop("BENEFITS", False, "Project"), Hop("FUNDS", False, "Donor")),
    ],
    "events": [
        (Hop("CONCERNS", False, "Event"),),
        (Hop("TARGETS", False, "Event"),),
        (Hop("LOCATED_IN", False, "Event"),),
        (Hop("INITIATED", True, "Event"),),
        (Hop("PARTICIPATES_IN", True, "Event"),),
    ],
    "linkages": [(Hop("CONCERNS", False, "Linkage"),)],
    "partners": [(Hop("SHARES_PROBLEM_WITH", False, "Country|CountryGroup"),)],
}

_SORT_KEYS = {"events": ("date", "key"), "return_cooperation": ("as_of", "key")}


def _section_query(hops: tuple[Hop, ...]) -> str:
    path = "(c:Country {key: $key})"
    for index, hop in enumerate(hops):
        path += hop.pattern(f"x{index}", f"r{index}")
    last = f"x{len(hops) - 1}"
    via = [f"x{i}.key" for i in range(len(hops) - 1)]
    rels = ", ".join(f"r{i} AS r{i}" for i in range(len(hops)))
    middle = "".join(f", x{i} AS x{i}" for i in range(len(hops) - 1))
    return f"MATCH {path} RETURN {last} AS item, [{', '.join(via)}] AS via_keys, {rels}{middle}"


def _node_item(node: dict[str, Any]) -> dict[str, Any]:
    item = {k: v for k, v in node.items() if k != "_label"}
    item["label"] = node["_label"]
    return item


def get_country(store: GraphStore, iso3: str) -> dict[str, Any]:
    """The Country node ``iso3`` names, found by the one rule of :func:`koppel.queries.countries.country_key`."""
    from .countries import country_key

    return store.run("MATCH (c:Country {key: $key}) RETURN c", {"key": country_key(store, iso3)}).value()


def country_profile(store: GraphStore, iso3: str, *, as_of: dt.date | None = None, known_by: dt.date | None = None) -> dict[str, Any]:
    """Names, groups, return cooperation, dossiers, agreements, forums, projects, donors, events, linkages, partners.

    Each item is the node's properties plus ``label``, ``via`` (the relationship
    types that tie it to the country) and ``evidence`` (the locators of those
    relationships). The one timeline rule (:class:`koppel.graph.validity.Timeline`)
    applies to every item and every tie on its path: not yet valid on ``as_of``,
    or stated only by sources dated after ``known_by``, and it is left out; an
    undated fact carries ``undated: true`` and ``first_reported``. The country
    itself is always shown (a profile of a country no source named yet is empty).
    """
    country = get_country(store, iso3)
    timeline = Timeline.of(store, as_of, known_by)
    profile: dict[str, Any] = {"country": _node_item(timeline.shown(country)), **timeline.query()}
    for section, paths in SECTIONS.items():
        items: dict[str, dict[str, Any]] = {}
        for hops in paths:
            result = store.run(_section_query(hops), {"key": country["key"]})
            for node, via_keys, *path in result.rows:
                if not all(timeline.holds(entity) for entity in (node, *path)):
                    continue
                rels = [timeline.shown(r) for r in path[: len(hops)]]
                rel_sources = [loc for r in rels for loc in r.get("sources") or []]
                item = items.setdefault(node["key"], {**_node_item(timeline.shown(node)), "via": [], "through": [], "evidence": []})
                via = "/".join(h.rel_type for h in hops)
                if via not in item["via"]:
                    item["via"].append(via)
                item["through"] += [k for k in via_keys if k not in item["through"]]
                item["evidence"] += [s for s in rel_sources if s not in item["evidence"]]
        order = _SORT_KEYS.get(section, ("name", "key"))
        # Undated items after dated ones; then by name or key.
        profile[section] = sorted(items.values(), key=lambda i: tuple((i.get(k) is None, str(i.get(k) or "")) for k in order))
    profile["treaties"] = treaties_by_domain(profile["agreements"])
    # Issue 12, data layers: return series (Netherlands, EU+EFTA, with caveats) and visa requirement, each with row locators.
    from .returns import profile_data

    profile.update(profile_data(store, country["key"], as_of=as_of, known_by=known_by))
    return profile


def treaties_by_domain(agreements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The treaties among a profile's agreements (those with a BWB id), grouped by domain and in date order.

    Each group is ``{"domain", "count", "treaties"}``; each treaty keeps its key,
    name, instrument, date and place of signature (with precision), the
    not-in-force marker and its evidence (the locators of the treaty and of its
    tie to the country). Treaties without a domain are grouped under ``None``.
    """
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for item in agreements:
        if not item.get("bwb_id"):
            continue
        treaty = {
            name: item.get(name)
            for name in ("key", "name", "name_en", "bwb_id", "instrument", "date_signed", "date_signed_precision", "signed_place", "not_in_force", "eu_level", "readmission_clause")
        }
        treaty["evidence"] = list(dict.fromkeys([*(item.get("sources") or []), *item.get("evidence", [])]))
        groups.setdefault(item.get("domain"), []).append(treaty)
    return [
        {"domain": domain, "count": len(items), "treaties": sorted(items, key=lambda t: (t["date_signed"] is None, str(t["date_signed"] or ""), t["key"]))}
        for domain, items in sorted(groups.items(), key=lambda g: (g[0] is None, g[0] or ""))
    ]


_COUNTED = {
    "dossiers": "MATCH (x:Dossier)-[r:BETWEEN]->(c:Country)",
    "agreements": "MATCH (x:Agreement)-[r:CONCERNS|PARTY_TO]-(c:Country)",
    "linkages": "MATCH (x:Linkage)-[r:CONCERNS]->(c:Country)",
    "events": "MATCH (x:Event)-[r:CONCERNS|TARGETS|LOCATED_IN]->(c:Country)",
}


def country_summaries(store: GraphStore, timeline: Timeline | None = None) -> list[dict[str, Any]]:
    """Every country with its latest return-cooperation assessment and counts of what the graph holds on it.

    ``timeline`` (an as-of and/or known-by date, :class:`~koppel.graph.validity.Timeline`;
    None: the graph as it is): countries, assessments and counted items (with
    their tie to the country) that do not hold there are left out, so the
    latest assessment is the latest one that holds.
    """
    timed = timeline is not None and (timeline.as_of is not None or timeline.known_by is not None)
    if timed:
        countries = [
            {"key": c["key"], "name": c.get("name"), "name_en": c.get("name_en"), "has_iso_code": c.get("has_iso_code")}
            for (c,) in store.run("MATCH (c:Country) RETURN c ORDER BY c.key").rows if timeline.holds(c)
        ]
    else:
        countries = store.run(
            "MATCH (c:Country) RETURN c.key AS key, c.name AS name, c.name_en AS name_en, c.has_iso_code AS has_iso_code ORDER BY key"
        ).records()
    latest: dict[str, dict[str, Any]] = {}
    if timed:
        for key, a, r in store.run("MATCH (a:Assessment)-[r:CONCERNS]->(c:Country) RETURN c.key AS key, a AS a, r AS r ORDER BY a.as_of").rows:
            if timeline.holds(a) and timeline.holds(r):
                latest[key] = {"level": a.get("level"), "trend": a.get("trend"), "as_of": a.get("as_of")}
    else:
        for row in store.run(
            "MATCH (a:Assessment)-[:CONCERNS]->(c:Country) RETURN c.key AS key, a.level AS level, a.trend AS trend, a.as_of AS as_of ORDER BY as_of"
        ).records():
            latest[row.pop("key")] = row
    counts: dict[str, dict[str, int]] = {}
    for name, pattern in _COUNTED.items():
        if timed:
            held: dict[str, set[str]] = {}
            for key, x, r in store.run(f"{pattern} RETURN c.key, x, r").rows:
                if timeline.holds(x) and timeline.holds(r):
                    held.setdefault(key, set()).add(x["key"])
            counts[name] = {key: len(items) for key, items in held.items()}
        else:
            counts[name] = dict(store.run(f"{pattern} RETURN c.key, count(DISTINCT x)").rows)
    return [
        {
            **country,
            "return_cooperation": latest.get(country["key"]),
            "counts": {name: per_country.get(country["key"], 0) for name, per_country in counts.items()},
        }
        for country in countries
    ]
