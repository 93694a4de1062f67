"""Reading one country's neighbourhood into a typed :class:`Neighbourhood`: the only module of the package that runs Cypher.

:func:`read` reads the country's edges (one ``UNION ALL`` query anchored on
the country's key), the nodes on them (key lookups), and the rows that do
not depend on the country (precedents, generic instruments, the partner
side; cached per store for :data:`PRECEDENT_TTL` seconds). Everything it
returns is already filtered by ``as_of`` (:func:`koppel.graph.validity.valid_on`)
and sorted, so the candidate functions downstream are pure and deterministic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import weakref
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from koppel.graph import dialect
from koppel.graph.store import GraphStore
from koppel.graph.validity import Timeline, valid_on
from koppel.graph.yamlcache import cache_dir, read_json_entry, write_json_entry
from koppel.queries import returns as returns_figures
from koppel.queries.countries import country_key, normalise
from koppel.queries.linkage.weights import Weights

# -- reading the neighbourhood ------------------------------------------------------------------

# The country, and the number of Linkage nodes (which tells when cached precedents are stale).
Q_COUNTRY = "MATCH (c:Country {key: $iso3}) RETURN c AS country, COUNT { MATCH (l:Linkage) } AS linkages"

# The country's neighbourhood as one edge list: every part is anchored on an
# indexed key ($iso3, $nl, $eu) or on a small label (Forum, Linkage), and all
# parts return the same scalar columns, so both stores run it as one query.
_EDGE = "{{type(r)}} AS type, r.sources AS rs, r.valid_from AS rf, r.valid_to AS rt"
_PARTS = {
    "in": "MATCH (c:Country {key: $iso3})<-[r:BETWEEN|CONCERNS|PART_OF|SHARES_PROBLEM_WITH|DONOR_OF]-(x:Dossier|Linkage|Assessment|Agreement|CountryGroup|Organisation|Country|Donor) RETURN '%s' AS part, x.key AS src, {{label(x)}} AS src_label, " + _EDGE + ", c.key AS dst, 'Country' AS dst_label",
    "out": "MATCH (c:Country {key: $iso3})-[r]->(x) RETURN '%s' AS part, c.key AS src, 'Country' AS src_label, " + _EDGE + ", x.key AS dst, {{label(x)}} AS dst_label",
    "org-in": "MATCH (c:Country {key: $iso3})<-[:PART_OF]-(o:Organisation)<-[r]-(x) RETURN '%s' AS part, x.key AS src, {{label(x)}} AS src_label, " + _EDGE + ", o.key AS dst, 'Organisation' AS dst_label",
    "org-out": "MATCH (c:Country {key: $iso3})<-[:PART_OF]-(o:Organisation)-[r:PARTY_TO|WANTS|MEMBER_OF|PARTICIPATES_IN]->(x) RETURN '%s' AS part, o.key AS src, 'Organisation' AS src_label, " + _EDGE + ", x.key AS dst, {{label(x)}} AS dst_label",
    "dossier-in": "MATCH (c:Country {key: $iso3})<-[:BETWEEN]-(d:Dossier)<-[r:WANTS|CONTROLS|LINKS]-(x) RETURN '%s' AS part, x.key AS src, {{label(x)}} AS src_label, " + _EDGE + ", d.key AS dst, 'Dossier' AS dst_label",
    "org-dossier-in": "MATCH (c:Country {key: $iso3})<-[:PART_OF]-(:Organisation)<-[:BETWEEN]-(d:Dossier)<-[r:WANTS|CONTROLS|LINKS]-(x) RETURN '%s' AS part, x.key AS src, {{label(x)}} AS src_label, " + _EDGE + ", d.key AS dst, 'Dossier' AS dst_label",
    "link-out": "MATCH (c:Country {key: $iso3})<-[:CONCERNS]-(l:Linkage)-[r:LINKS]->(t) RETURN '%s' AS part, l.key AS src, 'Linkage' AS src_label, " + _EDGE + ", t.key AS dst, {{label(t)}} AS dst_label",
    "dossier-link-out": "MATCH (c:Country {key: $iso3})<-[:BETWEEN]-(:Dossier)<-[:LINKS]-(l:Linkage)-[r:LINKS]->(t) RETURN '%s' AS part, l.key AS src, 'Linkage' AS src_label, " + _EDGE + ", t.key AS dst, {{label(t)}} AS dst_label",
    "target-event": "MATCH (c:Country {key: $iso3})<-[:CONCERNS]-(:Linkage)-[:LINKS]->(t)<-[r:CONCERNS]-(e:Event) RETURN '%s' AS part, e.key AS src, 'Event' AS src_label, " + _EDGE + ", t.key AS dst, {{label(t)}} AS dst_label",
    "target-forum": "MATCH (c:Country {key: $iso3})<-[:CONCERNS]-(:Linkage)-[:LINKS]->(t)-[r:PART_OF]->(f:Forum) RETURN '%s' AS part, t.key AS src, {{label(t)}} AS src_label, " + _EDGE + ", f.key AS dst, 'Forum' AS dst_label",
    "group-out": "MATCH (c:Country {key: $iso3})-[:MEMBER_OF]->(g)-[r:PARTICIPATES_IN|MEMBER_OF|PARTY_TO]->(x) RETURN '%s' AS part, g.key AS src, {{label(g)}} AS src_label, " + _EDGE + ", x.key AS dst, {{label(x)}} AS dst_label",
    "like-minded": "MATCH (c:Country {key: $iso3})<-[:SHARES_PROBLEM_WITH]-(s)<-[r:MEMBER_OF]-(m) RETURN '%s' AS part, m.key AS src, {{label(m)}} AS src_label, " + _EDGE + ", s.key AS dst, {{label(s)}} AS dst_label",
}
Q_EDGES = "\nUNION ALL\n".join(template % part for part, template in _PARTS.items())

# The partner side (the Netherlands and the EU) is the same for every country: read with the
# global rows below and cached with them.
_PARTNER_PARTS = {
    "nl-out": "MATCH (n:Country {key: $nl})-[r:MEMBER_OF|PARTICIPATES_IN]->(x:CountryGroup|Organisation|Forum) RETURN '%s' AS part, n.key AS src, 'Country' AS src_label, " + _EDGE + ", x.key AS dst, {{label(x)}} AS dst_label",
    "nl-group-forum": "MATCH (n:Country {key: $nl})-[:MEMBER_OF]->(g)-[r:PARTICIPATES_IN|MEMBER_OF]->(f:Forum) RETURN '%s' AS part, g.key AS src, {{label(g)}} AS src_label, " + _EDGE + ", f.key AS dst, 'Forum' AS dst_label",
    "nl-org": "MATCH (n:Country {key: $nl})<-[r:PART_OF]-(o:Organisation) RETURN '%s' AS part, o.key AS src, 'Organisation' AS src_label, " + _EDGE + ", n.key AS dst, 'Country' AS dst_label",
    "nl-org2": "MATCH (n:Country {key: $nl})<-[:PART_OF]-(p:Organisation)<-[r:PART_OF]-(o:Organisation) RETURN '%s' AS part, o.key AS src, 'Organisation' AS src_label, " + _EDGE + ", p.key AS dst, 'Organisation' AS dst_label",
    "eu-org": "MATCH (e:Organisation {key: $eu})<-[r:PART_OF]-(o:Organisation) RETURN '%s' AS part, o.key AS src, 'Organisation' AS src_label, " + _EDGE + ", e.key AS dst, 'Organisation' AS dst_label",
}
Q_PARTNER_EDGES = "\nUNION ALL\n".join(template % part for part, template in _PARTNER_PARTS.items())

# Precedents: every linkage with what it links and the countries it concerns. Global (a scan of
# the Linkage label), so read once per store and cached (see _precedent_rows).
Q_PRECEDENTS = """
MATCH (l:Linkage)-[r:LINKS]->(t)
RETURN l.key AS linkage, l.direction AS direction, l.outcome AS outcome, l.channel AS channel,
       l.date AS date, l.valid_from AS valid_from, l.valid_to AS valid_to, l.sources AS sources,
       r.valid_from AS rf, r.valid_to AS rt, t.key AS target, {{label(t)}} AS label, t.domain AS domain,
       t.agreement_type AS agreement_type
"""
Q_PRECEDENT_COUNTRIES = "MATCH (l:Linkage)-[r:CONCERNS]->(c:Country) RETURN l.key AS linkage, c.key AS country, c.name AS name, c.name_en AS name_en, c.name_nl AS name_nl, r.valid_from AS rf, r.valid_to AS rt"

# The generic instruments: dossiers that are part of a policy framework and held with no country.
# Global as well, so read with the precedents and cached with them.
Q_GENERIC = """
MATCH (f:Forum)<-[r:PART_OF]-(d:Dossier)
WHERE NOT EXISTS { MATCH (d)-[:BETWEEN]->(:Country) }
RETURN d AS dossier, f AS framework, r.sources AS rs, r.valid_from AS rf, r.valid_to AS rt
"""
Q_GENERIC_CONTROL = """
MATCH (f:Forum)<-[:PART_OF]-(d:Dossier)<-[r:CONTROLS]-(k)
WHERE NOT EXISTS { MATCH (d)-[:BETWEEN]->(:Country) }
RETURN DISTINCT d.key AS dossier, k.key AS controller, r.sources AS rs, r.valid_from AS rf, r.valid_to AS rt
"""

# Only when nothing else shows a bilateral channel: the first event about the country.
Q_CONTACT = """
MATCH (c:Country {key: $iso3})<-[r:TARGETS|CONCERNS|LOCATED_IN]-(x:Event)
RETURN x AS node, {{type(r)}} AS type, r.sources AS rs, r.valid_from AS rf, r.valid_to AS rt
ORDER BY x.key, type LIMIT 1
"""

# The data layers (issue 12): the visa requirement of the country's nationals for the Netherlands,
# and the Eurostat return observations of its nationals, per reporting state and year.
Q_VISA = """
MATCH (c:Country {key: $iso3})-[r:VISA_REQUIREMENT]->(n:Country {key: $nl})
RETURN r.requirement AS requirement, r.visa_required AS visa_required, r.as_of AS as_of,
       r.sources AS rs, r.valid_from AS rf, r.valid_to AS rt
"""
Q_RETURNS = """
MATCH (c:Country {key: $iso3})<-[:OF_CITIZENSHIP]-(o:ReturnObservation)-[:REPORTED_BY]->(g:Country)
RETURN g.key AS state, g.name AS name, g.name_en AS name_en, g.name_nl AS name_nl,
       o.key AS key, o.year AS year, o.persons AS persons, o.sources AS sources
"""
# Only for a country without an ISO 3166 code: the state it broke away from (a secession event it initiated that concerns
# that state). Datasets keyed by ISO codes (Eurostat's citizenship, the visa list) count its nationals under that state.
Q_COUNTED_UNDER = """
MATCH (c:Country {key: $iso3})-[r1:INITIATED]->(e:Event)-[r2:CONCERNS]->(p:Country)
WHERE e.kind = 'secession' AND p.key <> c.key
RETURN p AS parent, e AS event, r1.sources AS s1, r1.valid_from AS f1, r1.valid_to AS t1,
       r2.sources AS s2, r2.valid_from AS f2, r2.valid_to AS t2
"""
# Global: the Dutch return figures of the nationals of every country a dated linkage concerns (for measured precedents).
Q_PRECEDENT_RETURNS = """
MATCH (l:Linkage)-[:CONCERNS]->(c:Country)<-[:OF_CITIZENSHIP]-(o:ReturnObservation)-[:REPORTED_BY]->(n:Country {key: $nl})
WHERE l.date IS NOT NULL
RETURN l.key AS linkage, c.key AS country, o.year AS year, o.persons AS persons, o.sources AS sources
"""

RETURNS_KNOWN_FROM = (7, 1)
"""Month and day of the year after year Y from which Y's return figures count as known (Eurostat's annual release is mid-year).

With ``as_of``, a figure for year Y is used only when ``as_of`` is on or after
that day of year Y + 1, so no answer depends on a figure not yet published."""
TREND_YEARS = returns_figures.TREND_YEARS
"""Return trends compare the first and last of the last three years with a figure (:func:`koppel.queries.returns.trend`)."""

PRECEDENT_TTL = 30.0
"""Seconds cached precedents are trusted; they are read again sooner when the number of Linkage nodes changes."""
_GLOBAL: weakref.WeakKeyDictionary[GraphStore, tuple[tuple[int, str, str], float, dict[str, Any]]] = weakref.WeakKeyDictionary()


_REFERENCE_READS = {
    "links": (Q_PRECEDENTS, ()),
    "countries": (Q_PRECEDENT_COUNTRIES, ()),
    "generic": (Q_GENERIC, ()),
    "generic-control": (Q_GENERIC_CONTROL, ()),
    "partner": (Q_PARTNER_EDGES, ("nl", "eu")),
    "precedent-returns": (Q_PRECEDENT_RETURNS, ("nl",)),
}
"""The reads of :func:`_global_rows`: name, Cypher and the partner parameters it takes."""
REFERENCE_FORMAT = "1"
"""Changes when the shape of a kept entry of reference reads changes (see :func:`_reference_entry`)."""


def _reference_entry(reader: _Reader, nl: str, eu: str) -> Path | None:
    """The cache file of the reference reads of an unchanged store, or ``None`` when the store cannot vouch for its content.

    Named by the store's :meth:`~koppel.graph.store.GraphStore.content_version`
    (on the embedded store opened read-only: the digest of its database file,
    checked on open), the partners and the very statements run (translated for
    the store), so an entry is only ever read for the same graph, partners and
    code: never stale. In ``$XDG_CACHE_HOME/koppel/reads`` (:func:`koppel.graph.yamlcache.cache_dir`).
    """
    version = reader.store.content_version()
    if not version:
        return None
    parts = [REFERENCE_FORMAT, version, nl, eu, *(_translate(cypher, reader.store.kind) for cypher, _ in _REFERENCE_READS.values())]
    key = hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()
    return cache_dir("reads") / f"linkage-reference-{key}.json"


def _global_rows(reader: _Reader, linkage_count: int, nl: str, eu: str) -> dict[str, Any]:
    """The reads that do not depend on the country: precedents, generic instruments, the partner side; cached per store.

    They are the only reads of :func:`linkages` not anchored on a key; they
    change rarely, so they are kept for :data:`PRECEDENT_TTL` seconds, and
    read again at once when the number of Linkage nodes differs. A store that
    vouches for its content (:func:`_reference_entry`) also has them kept in a
    file, so a new process (each CLI command) reads them from there instead of
    planning and running six statements (about 0.04 s CPU per command, BENCHMARKS.md).
    """
    cached = _GLOBAL.get(reader.store)
    now = time.monotonic()
    if cached and cached[0] == (linkage_count, nl, eu) and now - cached[1] < PRECEDENT_TTL:
        return cached[2]
    entry = _reference_entry(reader, nl, eu)
    found, rows = read_json_entry(entry) if entry else (False, None)
    if not found or not isinstance(rows, dict) or rows.keys() != _REFERENCE_READS.keys():
        partners = {"nl": nl, "eu": eu}
        rows = {name: reader.rows(cypher, **{p: partners[p] for p in params}) for name, (cypher, params) in _REFERENCE_READS.items()}
        if entry:
            write_json_entry(entry, rows)
    try:
        _GLOBAL[reader.store] = ((linkage_count, nl, eu), now, rows)
    except TypeError:  # a store that cannot be weakly referenced is simply not cached
        pass
    return rows

def _valid(item: dict[str, Any] | None, as_of: dt.date | Timeline | None) -> bool:
    """Whether a node or relationship holds on ``as_of`` (:func:`koppel.graph.validity.valid_on`), or at a whole
    :class:`~koppel.graph.validity.Timeline` (valid time and known time)."""
    if isinstance(as_of, Timeline):
        return as_of.holds(item)
    return item is None or valid_on(item, as_of)


class _Reader:
    """Runs the neighbourhood queries for one store kind, translated once."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def rows(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        return self.store.run(_translate(cypher, self.store.kind), params, read_only=True).records()


_TRANSLATED: dict[tuple[str, str], str] = {}


def _translate(cypher: str, kind: str) -> str:
    key = (cypher, kind)
    if key not in _TRANSLATED:
        _TRANSLATED[key] = dialect.translate(cypher, kind)
    return _TRANSLATED[key]


def _precedent_table(
    link_rows: list[dict[str, Any]], country_rows: list[dict[str, Any]], as_of: dt.date | None
) -> tuple[list[dict[str, Any]], dict[tuple[str, ...], list[int]]]:
    """Precedent rows valid on ``as_of``, sorted by (linkage, target), with an index by kind.

    The index maps ``("domain", domain, direction)``, ``("channel", channel)``,
    ``("channel-domain", channel, domain)`` and ``("agreement_type", type)`` to
    row positions, so each candidate finds its precedents without a scan.
    """
    countries: dict[str, set[str]] = defaultdict(set)
    country_names: dict[str, dict[str, Any]] = {}
    for r in country_rows:
        if _valid({"valid_from": r["rf"], "valid_to": r["rt"]}, as_of):
            countries[r["linkage"]].add(r["country"])
            country_names[r["country"]] = {"key": r["country"], "name": r["name"], "name_en": r["name_en"], "name_nl": r["name_nl"]}
    rows = []
    for row in link_rows:
        link = {k: row[k] for k in ("direction", "outcome", "channel", "date", "valid_from", "valid_to", "sources") if row[k] is not None}
        link["key"] = row["linkage"]
        if not (_valid(link, as_of) and _valid({"valid_from": row["rf"], "valid_to": row["rt"]}, as_of)):
            continue
        rows.append({
            "linkage": link, "target": row["target"], "label": row["label"], "domain": row["domain"],
            "agreement_type": row["agreement_type"], "countries": sorted(countries.get(row["linkage"], ())),
            "country_nodes": [country_names[c] for c in sorted(countries.get(row["linkage"], ()))],
        })
    # Rows come in whatever order a store returns them: sort, since the first rows are shown as examples.
    rows.sort(key=lambda p: (p["linkage"]["key"], p["target"]))
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for position, row in enumerate(rows):
        link = row["linkage"]
        index[("domain", row["domain"] or "", link.get("direction") or "")].append(position)
        index[("channel", link.get("channel") or "")].append(position)
        index[("channel-domain", link.get("channel") or "", row["domain"] or "")].append(position)
        if row["agreement_type"]:
            index[("agreement_type", row["agreement_type"])].append(position)
    return rows, dict(index)


def rel_from(rel_type: str, row: dict[str, Any]) -> dict[str, Any]:
    """A relationship from a row's ``rs``/``rf``/``rt`` columns (sources, valid_from, valid_to)."""
    rel = {"_type": rel_type, "sources": row.get("rs"), "valid_from": row.get("rf"), "valid_to": row.get("rt")}
    return {k: v for k, v in rel.items() if v is not None}


def edge(start: str, rel_type: str, end: str) -> str:
    return f"{start}|{rel_type}|{end}"


def sources_of(*items: dict[str, Any] | None) -> list[str]:
    found: list[str] = []
    for item in items:
        for locator in (item or {}).get("sources") or []:
            if locator not in found:
                found.append(locator)
    return found


def brief(node: dict[str, Any], label: str | None = None) -> dict[str, Any]:
    """A node as a linkage answer names it: ``name`` in English, ``name_nl`` the Dutch name where it differs (a seed node's ``name`` beside its ``name_en``)."""
    english = node.get("name_en") or node.get("name")
    dutch = node.get("name_nl") or (node.get("name") if node.get("name_en") else None)
    out = {"key": node["key"], "name": english, "domain": node.get("domain"), "label": label or node.get("_label")}
    if dutch and dutch != english:
        out["name_nl"] = dutch
    return out



Entry = dict[str, Any]
Path = dict[str, Any]
"""A graph path as reasons cite it: ``{"nodes": [keys], "edges": ["start|TYPE|end"], "sources": [locators]}``."""


@dataclass
class Neighbourhood:
    """Everything :func:`linkages` needs to know about one country, valid on ``as_of`` and sorted.

    Node dicts carry their properties (and ``key``); relationship dicts carry
    ``_type``, ``sources``, ``valid_from``, ``valid_to``. ``dossiers`` maps a
    dossier key to ``{"node", "between": [(side, rel)], "wants": [(who, rel)],
    "controls": [(who, rel)]}``; ``agreements`` maps an agreement key to
    ``{"node", "edges": [(via, TYPE, rel)]}``; ``existing`` has one entry per
    Linkage concerning the country, ``{"linkage", "targets": [{"node", "label",
    "rel", "forums"}]}``. ``channels`` maps each open channel (bilateral, eu,
    forum, coalition) to the :data:`Path` that shows it.
    """

    store: GraphStore
    country: dict[str, Any]
    as_of: dt.date | None
    nl: str
    eu: str
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    assessments: list[dict[str, Any]] = field(default_factory=list)
    counterparts: list[str] = field(default_factory=list)
    partner_side: dict[str, str] = field(default_factory=dict)
    nl_memberships: list[Entry] = field(default_factory=list)
    nl_in_eu: bool = False
    dossiers: dict[str, Entry] = field(default_factory=dict)
    existing: list[Entry] = field(default_factory=list)
    agreements: dict[str, Entry] = field(default_factory=dict)
    forums: dict[str, Entry] = field(default_factory=dict)
    nl_forums: dict[str, list[tuple[str, str, dict[str, Any]]]] = field(default_factory=dict)
    like_minded: list[Entry] = field(default_factory=list)
    generic: list[Entry] = field(default_factory=list)
    precedents: list[Entry] = field(default_factory=list)
    precedent_index: dict[tuple[str, ...], list[int]] = field(default_factory=dict)
    channels: dict[str, Path] = field(default_factory=dict)
    visa: dict[str, Any] | None = None
    returns: dict[str, Any] = field(default_factory=dict)
    precedent_returns: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    measured: dict[Any, Any] = field(default_factory=dict)
    """Precedent parts per (tags, label), computed once per answer (see candidates.precedent_part)."""
    effects: dict[Any, Any] = field(default_factory=dict)
    """Measured before/after effects per (linkage key, returns band) (see candidates.measured_effect): this answer's own, or,
    when the precedents' return figures are the cached global table (no ``as_of``), the table's, shared by every answer
    read from it (an effect depends only on the linkage, its figures and the band, never on the country asked about)."""
    fragility: float = 0.0
    fragility_factors: list[str] = field(default_factory=list)
    timeline: Timeline | None = None
    """Valid time and known time of the answer (:class:`koppel.graph.validity.Timeline`); None: ``as_of`` alone."""
    counted_under: dict[str, Any] | None = None
    """For a country without an ISO 3166 code that broke away from a state: ``{"parent": node, "event": node, "nodes",
    "edges", "sources"}`` (the secession that is the basis for reading the parent's visa rule and return figures as its
    own, an inference: see :func:`_counted_under`); None otherwise."""

    @property
    def key(self) -> str:
        return self.country["key"]

    def ok(self, *items: dict[str, Any] | None) -> bool:
        """Whether every item holds on ``as_of`` (and was stated by ``known_by``, see :attr:`timeline`)."""
        when = self.timeline or self.as_of
        return all(_valid(i, when) for i in items)

    def is_origin_country(self) -> bool:
        """Enough data to recommend: an assessment, a dossier or a linkage concerning the country."""
        return bool(self.assessments or self.dossiers or self.existing)

    def covered(self) -> dict[str, set[str]]:
        """What existing linkages and dossiers already use: target keys, domains, forums, channels, agreement types."""
        cov: dict[str, set[str]] = {"keys": set(), "domains": set(), "forums": set(), "channels": set(), "agreement_types": set()}
        for row in self.existing:
            link = row["linkage"]
            cov["channels"].add(link.get("channel") or "")
            for target in row["targets"]:
                node = target["node"]
                cov["keys"].add(node["key"])
                if node.get("domain"):
                    cov["domains"].add(node["domain"])
                if node.get("agreement_type"):
                    cov["agreement_types"].add(node["agreement_type"])
                if link.get("channel") == "forum":
                    cov["forums"].update(target["forums"] or [])
        for entry in self.dossiers.values():
            cov["domains"].add(entry["node"].get("domain") or "")
        for entry in self.agreements.values():
            node = entry["node"]
            if not any(e[1] in ("PARTY_TO", "SIGNED", "CONCERNS") for e in entry["edges"]):
                continue  # only wanted, not concluded
            cov["agreement_types"].add(node.get("agreement_type") or "")
            if node.get("readmission_clause") or (node.get("agreement_type") == "treaty" and node.get("domain") == "readmission"):
                cov["agreement_types"].add("readmission_agreement")
        return cov

    def shared_forums(self) -> list[tuple[str, Path, dict[str, Any]]]:
        """Forums both the country (directly or through a group) and the Netherlands take part in, with the path showing it."""
        shared = []
        for key in sorted(self.forums):
            if key not in self.nl_forums:
                continue
            entry = self.forums[key]
            c_via, c_type, c_rel = sorted(entry["edges"], key=lambda e: (e[0] != self.key, e[0]))[0]
            n_via, n_type, n_rel = sorted(self.nl_forums[key], key=lambda e: (e[0] != self.nl, e[0]))[0]
            nodes = [self.key] + ([c_via] if c_via != self.key else []) + [key] + ([n_via] if n_via != self.nl else []) + [self.nl]
            edges = [edge(c_via, c_type, key), edge(n_via, n_type, key)]
            if c_via != self.key:
                edges.insert(0, edge(self.key, "MEMBER_OF", c_via))
            if n_via != self.nl:
                edges.append(edge(self.nl, "MEMBER_OF", n_via))
            shared.append((key, {"nodes": nodes, "edges": edges, "sources": sources_of(c_rel, n_rel)}, entry["node"]))
        return shared

    def nl_eu_rel(self) -> dict[str, Any] | None:
        """The Netherlands' membership of the EU, if recorded."""
        return next((m["rel"] for m in self.nl_memberships if m["key"] == self.eu), None)


def read(store: GraphStore, iso3: str, as_of: dt.date | None, weights: Weights, known_by: dt.date | None = None) -> Neighbourhood:
    """The neighbourhood of the country keyed ``iso3`` (an ISO alpha-3 code, any case, or a slug), valid on ``as_of``.

    ``known_by``: only what sources dated by then stated (:class:`koppel.graph.validity.Timeline`).

    Raises :class:`~koppel.graph.errors.NotFound` when no Country has that key or name
    (:func:`koppel.queries.countries.country_key`).
    """
    reader = _Reader(store)
    found = reader.rows(Q_COUNTRY, iso3=normalise(iso3))
    if not found:  # not a key: a country's exact name or alias, under the one rule (NotFound otherwise)
        found = reader.rows(Q_COUNTRY, iso3=country_key(store, iso3))
    hood = Neighbourhood(
        store=store, country=found[0]["country"], as_of=as_of,
        nl=weights.partners.get("netherlands", "NLD"), eu=weights.partners.get("eu", "europese-unie"),
        timeline=Timeline.of(store, as_of, known_by),
    )
    _read_edges(hood, reader, found[0]["linkages"])
    hood.visa = _read_visa(hood, reader)
    hood.returns = _read_returns(hood, reader)
    if hood.country.get("has_iso_code") is False and (hood.visa is None or not hood.returns):
        hood.counted_under = _counted_under(hood, reader)
        if hood.counted_under:
            parent = hood.counted_under["parent"]["key"]
            if hood.visa is None:
                hood.visa = _read_visa(hood, reader, parent)
                if hood.visa:
                    hood.visa["inferred"] = True
            if not hood.returns:
                hood.returns = _read_returns(hood, reader, parent)
                if hood.returns:
                    hood.returns["inferred"] = True
    hood.channels = _open_channels(hood, reader)
    factors = [f for f in hood.country.get("risk_factors") or [] if f in weights.risk_factors]
    hood.fragility = max((weights.risk_factors[f] for f in factors), default=0.0)
    hood.fragility_factors = factors
    return hood


def _read_edges(hood: Neighbourhood, reader: _Reader, linkage_count: int) -> None:
    store = reader.store
    edges: dict[str, list[dict[str, Any]]] = defaultdict(list)
    labels: dict[str, str] = {hood.key: "Country"}
    shared = _global_rows(reader, linkage_count, hood.nl, hood.eu)
    for row in [*reader.rows(Q_EDGES, iso3=hood.key), *(dict(r) for r in shared["partner"])]:
        rel = {k: v for k, v in (("_type", row["type"]), ("sources", row["rs"]), ("valid_from", row["rf"]), ("valid_to", row["rt"])) if v is not None}
        row["rel"] = rel
        if not hood.ok(rel):
            continue
        edges[row["part"]].append(row)
        labels.setdefault(row["src"], row["src_label"])
        labels.setdefault(row["dst"], row["dst_label"])
    wanted: dict[str, list[str]] = defaultdict(list)
    for key, label in labels.items():
        if label != "Country":
            wanted[label].append(key)
    nodes: dict[str, dict[str, Any]] = {hood.key: hood.country}
    for cypher, params in dialect.nodes_by_key(store.kind, wanted):
        for row in store.run(cypher, params, read_only=True).rows:
            nodes[row[0]["key"]] = row[0]
    hood.nodes = nodes

    def node(key: str) -> dict[str, Any]:
        return nodes.get(key) or {"key": key, "_label": labels.get(key, "")}

    valid = {k for k, n in nodes.items() if hood.ok(n)}
    live: dict[str, list[dict[str, Any]]] = defaultdict(list)
    live.update({part: [r for r in rows if (r["src"] in valid or r["src"] not in nodes) and (r["dst"] in valid or r["dst"] not in nodes)]
                 for part, rows in edges.items()})

    hood.assessments = sorted(
        (node(r["src"]) for r in live["in"] if r["type"] == "CONCERNS" and r["src_label"] == "Assessment"),
        key=lambda a: (a.get("as_of") or "", a["key"]),
    )
    level1 = {r["src"] for r in live["in"] if r["type"] == "PART_OF" and r["src_label"] == "Organisation"}
    level2 = {r["src"] for r in live["org-in"] if r["type"] == "PART_OF" and r["src_label"] == "Organisation"}
    hood.counterparts = sorted(level1 | level2)

    partner_side: dict[str, str] = {hood.nl: "netherlands", hood.eu: "eu"}
    for r in live["nl-org"] + live["nl-org2"]:
        partner_side.setdefault(r["src"], "netherlands")
    for r in live["eu-org"]:
        partner_side.setdefault(r["src"], "eu")
    hood.partner_side = partner_side
    hood.nl_memberships = sorted(
        ({"key": r["dst"], "label": r["dst_label"], "rel": r["rel"]} for r in live["nl-out"] if r["type"] == "MEMBER_OF"),
        key=lambda m: m["key"],
    )
    hood.nl_in_eu = any(m["key"] == hood.eu for m in hood.nl_memberships)

    dossiers: dict[str, Entry] = {}
    for r in live["in"] + live["org-in"]:
        if r["type"] == "BETWEEN" and r["src_label"] == "Dossier":
            entry = dossiers.setdefault(r["src"], {"node": node(r["src"]), "between": [], "wants": [], "controls": []})
            entry["between"].append((r["dst"], r["rel"]))
    for r in live["dossier-in"] + live["org-dossier-in"]:
        if r["dst"] in dossiers and r["type"] in ("WANTS", "CONTROLS"):
            dossiers[r["dst"]]["wants" if r["type"] == "WANTS" else "controls"].append((r["src"], r["rel"]))
    for entry in dossiers.values():
        entry["between"].sort(key=lambda b: (b[0] != hood.key, b[0]))
        entry["wants"].sort(key=lambda w: w[0])
        entry["controls"].sort(key=lambda c: c[0])
    hood.dossiers = dict(sorted(dossiers.items()))

    # One entry per Linkage: the linkage node and every target it links (sorted by key).
    forums_of: dict[str, set[str]] = defaultdict(set)
    for r in live["target-forum"]:
        forums_of[r["src"]].add(r["dst"])
    links: dict[str, dict[str, Entry]] = defaultdict(dict)
    for r in live["link-out"] + live["dossier-link-out"]:
        if r["src"] in nodes and r["dst"] in nodes:
            links[r["src"]].setdefault(r["dst"], {
                "node": node(r["dst"]), "label": r["dst_label"], "rel": r["rel"], "forums": sorted(forums_of.get(r["dst"], ())),
            })
    events_of: dict[str, list[tuple[str, dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for r in live["target-event"]:
        event = nodes.get(r["src"])
        if event and event.get("date"):
            events_of[r["dst"]].append((r["type"], event, r["rel"]))
    hood.existing = []
    for key, targets in sorted(links.items()):
        link = node(key)
        dated = None
        if link.get("date"):
            dated = {"date": str(link["date"])[:10], "basis": "linkage", "event": None, "sources": sources_of(link)}
        else:
            # The linkage's own date is not recorded: the first dated event about what it links. (The event that
            # resulted in the linkage is not read: on the embedded store that pattern scans every RESULTED_IN edge.)
            about = sorted((e for t in targets for e in events_of.get(t, [])), key=lambda e: (str(e[1]["date"]), e[1]["key"]))
            chosen = (about or [None])[0]
            if chosen:
                _, event, rel = chosen
                dated = {"date": str(event["date"])[:10], "basis": "event", "event": event, "sources": sources_of(event, rel)}
        hood.existing.append({"linkage": link, "targets": [targets[t] for t in sorted(targets)], "dated": dated})

    agreements: dict[str, Entry] = {}

    def add_agreement(key: str, via: str, rel_type: str, rel: dict[str, Any]) -> None:
        agreements.setdefault(key, {"node": node(key), "edges": []})["edges"].append((via, rel_type, rel))

    for r in live["out"]:
        if r["type"] in ("PARTY_TO", "SIGNED", "WANTS") and r["dst_label"] == "Agreement":
            add_agreement(r["dst"], hood.key, r["type"], r["rel"])
    for r in live["in"]:
        if r["type"] == "CONCERNS" and r["src_label"] == "Agreement":
            add_agreement(r["src"], hood.key, "CONCERNS", r["rel"])
    for r in live["group-out"] + live["org-out"]:
        if r["type"] == "PARTY_TO" and r["dst_label"] == "Agreement":
            add_agreement(r["dst"], r["src"], "PARTY_TO", r["rel"])
    for entry in agreements.values():
        entry["edges"].sort(key=lambda e: (e[0] != hood.key, e[0], e[1]))
    hood.agreements = dict(sorted(agreements.items()))

    forums: dict[str, Entry] = {}
    for r in live["out"] + live["group-out"] + live["org-out"]:
        if r["dst_label"] == "Forum" and r["type"] in ("PARTICIPATES_IN", "MEMBER_OF"):
            forums.setdefault(r["dst"], {"node": node(r["dst"]), "edges": []})["edges"].append((r["src"], r["type"], r["rel"]))
    for entry in forums.values():
        entry["edges"].sort(key=lambda e: (e[0], e[1]))
    hood.forums = forums
    nl_forums: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for r in live["nl-out"] + live["nl-group-forum"]:
        if r["dst_label"] == "Forum":
            nl_forums[r["dst"]].append((r["src"], r["type"], r["rel"]))
    for edges_of in nl_forums.values():
        edges_of.sort(key=lambda e: (e[0], e[1]))
    hood.nl_forums = dict(nl_forums)

    members: dict[str, list[str]] = defaultdict(list)
    for r in live["like-minded"]:
        members[r["dst"]].append(r["src"])
    hood.like_minded = sorted(
        ({"node": node(r["src"]), "label": r["src_label"], "rel": r["rel"], "members": sorted(members.get(r["src"], []))}
         for r in live["in"] if r["type"] == "SHARES_PROBLEM_WITH"),
        key=lambda m: m["node"]["key"],
    )
    controls: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for r in shared["generic-control"]:
        rel = rel_from("CONTROLS", r)
        if hood.ok(rel):
            controls[r["dossier"]].append((r["controller"], rel))
    hood.generic = sorted(
        ({"dossier": r["dossier"], "framework": r["framework"], "rel": rel_from("PART_OF", r),
          "controls": sorted(controls.get(r["dossier"]["key"], []), key=lambda c: c[0])}
         for r in shared["generic"] if hood.ok(r["dossier"], r["framework"], rel_from("PART_OF", r))),
        key=lambda g: (g["dossier"]["key"], g["framework"]["key"]),
    )
    if hood.as_of is None and "returns-table" in shared:
        hood.precedent_returns = shared["returns-table"]  # read once per cached read: only read from, never changed
        hood.effects = shared.setdefault("effects", {})  # the effects measured on that table, shared by the answers it serves
    else:
        precedent_returns: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in shared["precedent-returns"]:
            if r["persons"] is not None and year_known(r["year"], hood.as_of):
                precedent_returns[r["linkage"]].append({"year": r["year"], "persons": r["persons"], "sources": r["sources"] or [], "country": r["country"]})
        for points in precedent_returns.values():
            points.sort(key=lambda p: p["year"])
        hood.precedent_returns = dict(precedent_returns)
        if hood.as_of is None:
            shared["returns-table"] = hood.precedent_returns
    if hood.as_of is None and (hood.timeline is None or hood.timeline.known_by is None):
        if "table" not in shared:
            shared["table"] = _precedent_table(shared["links"], shared["countries"], None)
        hood.precedents, hood.precedent_index = shared["table"]
    else:
        hood.precedents, hood.precedent_index = _precedent_table(shared["links"], shared["countries"], hood.timeline or hood.as_of)


def _open_channels(hood: Neighbourhood, reader: _Reader) -> dict[str, Path]:
    """Which channels are open to the country, each with the path that shows it."""
    open_: dict[str, Path] = {}
    # bilateral: any dossier or agreement with the Netherlands, or a Dutch event or project.
    for key, entry in hood.dossiers.items():
        controllers = {c for c, _ in entry["controls"]}
        if any(hood.partner_side.get(c) == "netherlands" for c in controllers) or any(
            hood.partner_side.get(s) == "netherlands" for s, _ in entry["between"]
        ):
            side, rel = entry["between"][0]
            open_["bilateral"] = {"nodes": [key, side], "edges": [edge(key, "BETWEEN", side)], "sources": sources_of(rel)}
            break
    if "bilateral" not in open_:
        for key, entry in hood.agreements.items():
            if entry["node"].get("agreement_type") in ("mou", "treaty"):
                via, rel_type, rel = entry["edges"][0]
                open_["bilateral"] = {"nodes": [via, key], "edges": [edge(via, rel_type, key)] if rel_type != "CONCERNS" else [edge(key, "CONCERNS", via)], "sources": sources_of(rel)}
                break
    if "bilateral" not in open_:
        for row in reader.rows(Q_CONTACT, iso3=hood.key):
            rel = rel_from(row["type"], row)
            if hood.ok(row["node"], rel):
                node = row["node"]["key"]
                open_["bilateral"] = {"nodes": [node, hood.key], "edges": [edge(node, row["type"], hood.key)], "sources": sources_of(row["node"], rel)}
    # eu: the Netherlands is in the EU, and the EU deals with the country (a dossier, agreement or linkage).
    if hood.nl_in_eu:
        eu_path = None
        for key, entry in hood.dossiers.items():
            for controller, rel in entry["controls"]:
                if hood.partner_side.get(controller) == "eu":
                    eu_path = {"nodes": [hood.nl, hood.eu, key], "edges": [edge(hood.nl, "MEMBER_OF", hood.eu), edge(controller, "CONTROLS", key)], "sources": sources_of(rel)}
                    break
            if eu_path:
                break
        if eu_path is None:
            for key, entry in hood.agreements.items():
                if entry["node"].get("agreement_type") in ("readmission_agreement", "visa_facilitation_agreement", "mobility_partnership"):
                    via, rel_type, rel = entry["edges"][0]
                    eu_path = {"nodes": [hood.nl, hood.eu, key, via], "edges": [edge(hood.nl, "MEMBER_OF", hood.eu), edge(via, rel_type, key)], "sources": sources_of(rel)}
                    break
        if eu_path is None:
            eu_path = {"nodes": [hood.nl, hood.eu], "edges": [edge(hood.nl, "MEMBER_OF", hood.eu)], "sources": sources_of(hood.nl_eu_rel()), "weak": True}
        open_["eu"] = eu_path
    shared = hood.shared_forums()
    if shared:
        open_["forum"] = shared[0][1]
    if hood.like_minded:
        row = hood.like_minded[0]
        node = row["node"]["key"]
        open_["coalition"] = {"nodes": [node, hood.key], "edges": [edge(node, "SHARES_PROBLEM_WITH", hood.key)], "sources": sources_of(row["rel"])}
    return open_


def year_known(year: int | None, as_of: dt.date | None) -> bool:
    """Whether the return figure of ``year`` was published by ``as_of`` (see :data:`RETURNS_KNOWN_FROM`)."""
    if year is None:
        return False
    return as_of is None or as_of >= dt.date(int(year) + 1, *RETURNS_KNOWN_FROM)


def _counted_under(hood: Neighbourhood, reader: _Reader) -> dict[str, Any] | None:
    """The state whose nationals the country's are counted as in data keyed by ISO codes, with the facts that say so; or None.

    Read only for a Country with ``has_iso_code`` false: the Country it broke
    away from (an Event of kind ``secession`` it INITIATED that CONCERNS that
    Country, valid on ``as_of``; the first by key if several). The counting is
    koppel's inference, not a source's statement: no dataset names the
    country, and datasets list only states with an ISO 3166 code.
    """
    found = []
    for r in reader.rows(Q_COUNTED_UNDER, iso3=hood.key):
        r1 = {k: v for k, v in (("_type", "INITIATED"), ("sources", r["s1"]), ("valid_from", r["f1"]), ("valid_to", r["t1"])) if v is not None}
        r2 = {k: v for k, v in (("_type", "CONCERNS"), ("sources", r["s2"]), ("valid_from", r["f2"]), ("valid_to", r["t2"])) if v is not None}
        parent, event = r["parent"], r["event"]
        if parent.get("has_iso_code") is False or not hood.ok(parent, event, r1, r2) or (event.get("date") and hood.as_of and str(event["date"])[:10] > hood.as_of.isoformat()):
            continue
        found.append({
            "parent": parent, "event": event,
            "nodes": [hood.key, event["key"], parent["key"]],
            "edges": [edge(hood.key, "INITIATED", event["key"]), edge(event["key"], "CONCERNS", parent["key"])],
            "sources": sources_of(hood.country, event, r1, r2),
        })
    return min(found, key=lambda f: f["parent"]["key"]) if found else None


def _read_visa(hood: Neighbourhood, reader: _Reader, of: str | None = None) -> dict[str, Any] | None:
    """The latest visa requirement of the country's nationals (or of ``of``'s) for the Netherlands valid on ``as_of``, or None if unknown."""
    rows = []
    of = of or hood.key
    for r in reader.rows(Q_VISA, iso3=of, nl=hood.nl):
        rel = rel_from("VISA_REQUIREMENT", r)
        if r["as_of"] is not None:
            rel["as_of"] = r["as_of"]
        if hood.ok(rel):
            rows.append((str(r["as_of"] or ""), r["requirement"] or "", r, rel))
    if not rows:
        return None
    _, _, r, rel = max(rows, key=lambda t: (t[0], t[1]))
    return {"required": bool(r["visa_required"]), "requirement": r["requirement"], "as_of": r["as_of"], "sources": sources_of(rel),
            "edge": edge(of, "VISA_REQUIREMENT", hood.nl), "of": of, "inferred": False}


def trend(points: list[dict[str, Any]], band: float) -> dict[str, Any]:
    """:func:`koppel.queries.returns.trend` over the last :data:`TREND_YEARS` years with a figure, with the figures it compares.

    ``{from_year, to_year, change, change_pct, direction}`` as there (stable
    within +-``band``, a share such as 0.10), plus ``first`` and ``last``
    (persons, None with fewer than two years) and ``points`` (the window, for
    citing its rows).
    """
    window = [p for p in points if p.get("persons") is not None][-TREND_YEARS:]
    found = returns_figures.trend(window, TREND_YEARS, band=band)
    known = found["direction"] != "unknown"
    return {**found, "first": window[0]["persons"] if known else None, "last": window[-1]["persons"] if known else None, "points": window}


def _read_returns(hood: Neighbourhood, reader: _Reader, of: str | None = None) -> dict[str, Any]:
    """Return observations of the country's nationals (or of ``of``'s) known on ``as_of``: per reporting state, and the rest of Europe summed.

    ``{"nl": [points], "europe": [points], "states": {state: [points]}, "names": {state: node}, "steady", "of" (whose
    nationals), "inferred" (set by :func:`read` when they are another state's, see :func:`_counted_under`)}``;
    a point is ``{year, persons, sources}``; a state's year without a figure
    is left out, never read as zero. ``europe`` sums, per year, the states
    other than the Netherlands that have a figure in every year of the window.
    """
    per_state: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, dict[str, Any]] = {}
    for r in reader.rows(Q_RETURNS, iso3=of or hood.key):
        if r["persons"] is None or not year_known(r["year"], hood.as_of):
            continue
        per_state[r["state"]].append({"year": int(r["year"]), "persons": int(r["persons"]), "sources": list(r["sources"] or []), "key": r["key"]})
        names[r["state"]] = {"key": r["state"], "name": r["name"], "name_en": r["name_en"], "name_nl": r["name_nl"]}
    for points in per_state.values():
        points.sort(key=lambda p: p["year"])
    if not per_state:
        return {}
    nl = per_state.get(hood.nl, [])
    others = {s: p for s, p in per_state.items() if s != hood.nl}
    years = sorted({p["year"] for pts in others.values() for p in pts})[-TREND_YEARS:]
    steady = sorted(s for s, pts in others.items() if {p["year"] for p in pts} >= set(years))
    europe = []
    for year in years:
        rows = [p for s in steady for p in others[s] if p["year"] == year]
        if rows:
            europe.append({"year": year, "persons": sum(p["persons"] for p in rows), "sources": sorted(x for p in rows for x in p["sources"]), "states": len(rows)})
    return {"nl": nl, "europe": europe, "states": dict(sorted(per_state.items())), "names": names, "steady": steady, "of": of or hood.key, "inferred": False}
