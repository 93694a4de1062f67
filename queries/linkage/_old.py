"""Linkage recommendations: which dossiers could still be tied to a country's return cooperation.

:func:`linkages` reads one country's neighbourhood and returns, JSON-ready,
what is tied to return already, what could still be tied, and what is missing.
It reads the country (one key lookup), the edges around it (one ``UNION ALL``
query whose parts all start from the country's key), and the nodes on those
edges (key lookups); the parts that do not depend on the country (precedents,
the generic instruments, the Dutch and EU side) are read once per store and
cached (:data:`PRECEDENT_TTL`). The cost follows the country's neighbourhood,
not the size of the graph: about 25 ms per country on a million nodes.

The answer:

* ``existing``: what is already tied to return (each Linkage with the dossier,
  agreement or project it links, its direction, status, outcome and sources);
* ``candidates``: what could still be tied, scored and explained;
* ``missing``: what the graph lacks to judge the country well.

Candidates
----------
* **country dossiers** held between the country (or its government) and the
  Netherlands or the EU that are not linked yet and that *we* decide on
  (a ``CONTROLS`` edge from the Netherlands, a Dutch ministry, the EU or an EU
  institution); an open offer gives a positive candidate, a dossier in place a
  negative one (a cut). Dossiers of the return side itself (domains
  ``return``, ``readmission``, ``reception_of_minors``, ``return_message``:
  what we ask, not what we offer) are never candidates.
* **generic instruments** the letter names (Dossier nodes that are part of a
  policy framework and held with no particular country: border management,
  migration-service capacity, knowledge sharing, visa facilitation for
  categories of passport holders, migration-and-development projects,
  reintegration), skipped when the country already has a dossier or a linkage
  of the same domain.
* **EU instruments**: a readmission agreement together with visa facilitation,
  and a mobility partnership, when the country has no agreement of that type.
* **forums** the Netherlands (or the EU it belongs to) shares with the
  country, directly or through a group, not yet used for a linkage.
* **coalitions** of like-minded states that share the return problem with the
  country (``SHARES_PROBLEM_WITH``), when no coalition linkage exists yet.

Score
-----
Every factor is a number in [0, 1], read from the graph::

    base  = (w_demand * demand + w_control * control + w_precedent * precedent
             + w_channel * channel + w_positive * positive)
            / (w_demand + w_control + w_precedent + w_channel + w_positive)
    score = base * (1 - w_risk * risk)

* ``demand``: 1.0 if the country (or its government) ``WANTS`` the dossier;
  0.6 if it is held with the country and requested, offered, planned or under
  discussion; otherwise a prior per dossier domain (``demand.prior``).
* ``control``: 1.0 if the Netherlands (or a Dutch ministry) ``CONTROLS`` it,
  0.6 if the EU does, 0.3 if nobody is recorded.
* ``precedent``: the outcomes of linkages of the same kind elsewhere (same
  dossier domain and direction; for EU instruments, forums and coalitions the
  same channel and instrument), each outcome valued (effective 1.0, partial
  0.6, pending 0.5, unknown 0.4, no_result 0.1) and averaged with a prior of
  0.5 worth one precedent: ``(sum + 0.5 * 1) / (n + 1)``.
* ``channel``: 1.0 if the candidate's channel is open (bilateral: a dossier,
  MoU or event between the Netherlands and the country; eu: the Netherlands
  is in the EU and the EU deals with the country; forum: a forum both take
  part in; coalition: like-minded states share the problem), 0.6 for the EU
  channel when the EU does not deal with the country yet, 0.3 when closed;
  plus ``0.25 * (other open channels) / 4``, capped at 1.
* ``positive``: 1 for an offer, 0 for a cut. The letter prefers positive
  linkage (L247-L249), so by default a cut starts 0.15 lower.
* ``risk``: for a cut, the highest fragility factor of the country
  (post_conflict 1.0, failed_state_history 0.8, weak_government 0.8,
  secession 0.6, mass_displacement 0.5) or the weight of other Dutch interests
  (0.15 per other Dutch dossier or agreement with the country), whichever is
  higher; for an offer a quarter of the fragility. The letter warns that
  pressure on post-conflict and weak states may alienate them (L61-L66) and
  that all Dutch interests are weighed (L242-L244).

The weights live in ``weights.yaml`` beside this module (copy it, edit it,
pass it as ``weights=load_weights(path)``). Candidates are sorted by score,
then key. Every reason names its factor, weight and value, a sentence, the
graph path it was read from (node keys and ``start|TYPE|end`` edges) and the
source locators of that path.

``as_of``: nodes and relationships whose ``valid_from`` (or ``date``,
``as_of``, ``date_signed``) is after that day, or whose ``valid_to`` is before
it, are ignored.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import time
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from koppel.graph import dialect
from koppel.graph.errors import NotFound, ValidationError
from koppel.graph.schema import SCHEMA
from koppel.graph.store import GraphStore
from koppel.graph.validity import valid_on

# -- weights ---------------------------------------------------------------------------------

FACTORS = ("demand", "control", "precedent", "channel", "positive")
ASK_DOMAINS = frozenset({"return", "readmission", "reception_of_minors", "return_message"})
OPEN_STATUSES = frozenset({"requested", "offered", "under_discussion", "planned"})
IN_PLACE_STATUSES = frozenset({"in_place"})
CHANNELS = ("bilateral", "eu", "forum", "coalition")
EU_READMISSION = "eu-instrument:readmission-visa-facilitation"
EU_MOBILITY = "eu-instrument:mobility-partnership"


@dataclass(frozen=True)
class Weights:
    """Every number of the scoring, as ``weights.yaml`` gives them (see the module docstring)."""

    factors: dict[str, float]
    risk_weight: float
    demand_wants: float
    demand_engaged: float
    demand_prior: dict[str, float]
    control: dict[str, float]
    outcomes: dict[str, float]
    precedent_prior: float
    precedent_pseudo_count: float
    channel_closed: float
    channel_breadth: float
    risk_factors: dict[str, float]
    offer_risk_share: float
    interests_per_dossier: float
    partners: dict[str, str] = field(default_factory=dict)

    def prior(self, domain: str | None) -> float:
        return self.demand_prior.get(domain or "", self.demand_prior["default"])


_SECTIONS: dict[str, dict[str, str]] = {
    "weights": {name: "unit" for name in (*FACTORS, "risk")},
    "demand": {"wants": "unit", "engaged": "unit", "prior": "unit_map"},
    "control": {"netherlands": "unit", "eu": "unit", "unknown": "unit"},
    "outcomes": {name: "unit" for name in SCHEMA.node("Linkage").properties["outcome"].values or ()},
    "precedent": {"prior": "unit", "pseudo_count": "positive"},
    "channel": {"closed": "unit", "breadth": "unit"},
    "risk_factors": {name: "unit" for name in ("post_conflict", "failed_state_history", "weak_government", "secession", "mass_displacement")},
    "risk": {"offer_share": "unit", "interests_per_dossier": "unit"},
    "partners": {"netherlands": "key", "eu": "key"},
}


def _default_file() -> Any:
    return resources.files("koppel.queries").joinpath("weights.yaml")


def _read_yaml(source: Any, name: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValidationError(f"{name}: cannot read weights file: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise ValidationError(f"{name}: not valid YAML: {error}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationError(f"{name}: a weights file is a mapping of sections ({', '.join(_SECTIONS)})")
    return data


def _check(value: Any, kind: str, where: str) -> Any:
    if kind == "key":
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{where}: expected a node key (text)")
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{where}: expected a number, got {value!r}")
    value = float(value)
    if kind == "unit" and not 0.0 <= value <= 1.0:
        raise ValidationError(f"{where}: {value} is outside [0, 1]")
    if kind == "positive" and value <= 0:
        raise ValidationError(f"{where}: {value} must be above 0")
    return value


def _merge(base: dict[str, Any], override: dict[str, Any], name: str) -> dict[str, Any]:
    merged = {section: dict(values) for section, values in base.items()}
    for section, values in override.items():
        if section not in _SECTIONS:
            raise ValidationError(f"{name}: unknown section {section!r}; known: {', '.join(_SECTIONS)}")
        if not isinstance(values, dict):
            raise ValidationError(f"{name}: field {section!r}: expected a mapping")
        for key, value in values.items():
            kind = _SECTIONS[section].get(key)
            if kind is None:
                raise ValidationError(f"{name}: field '{section}.{key}': unknown; known: {', '.join(_SECTIONS[section])}")
            if kind == "unit_map":
                if not isinstance(value, dict):
                    raise ValidationError(f"{name}: field '{section}.{key}': expected a mapping of domain: number")
                domains = set(SCHEMA.node("Dossier").properties["domain"].values or ()) | {"default"}
                prior = dict(merged[section].get(key, {}))
                for domain, number in value.items():
                    if domain not in domains:
                        raise ValidationError(f"{name}: field '{section}.{key}.{domain}': not a dossier domain or 'default'")
                    prior[domain] = _check(number, "unit", f"{name}: field '{section}.{key}.{domain}'")
                merged[section][key] = prior
            else:
                merged[section][key] = _check(value, kind, f"{name}: field '{section}.{key}'")
    return merged


@functools.cache
def _default_weights() -> dict[str, Any]:
    # Read once per process: parsing the YAML took half of a linkage computation. Only read from, never changed.
    return _merge({s: {} for s in _SECTIONS}, _read_yaml(_default_file(), "queries/weights.yaml"), "queries/weights.yaml")


def load_weights(path: str | Path | None = None) -> Weights:
    """The scoring weights: the defaults of ``weights.yaml``, overridden by the file at ``path`` if given.

    Raises :class:`ValidationError` naming the file and the field on bad input.
    """
    defaults = _default_weights()
    data = defaults
    if path is not None:
        data = _merge(defaults, _read_yaml(Path(path), str(path)), str(path))
    name = str(path) if path else "queries/weights.yaml"
    if sum(data["weights"][f] for f in FACTORS) <= 0:
        raise ValidationError(f"{name}: field 'weights': at least one of {', '.join(FACTORS)} must be above 0")
    if "default" not in data["demand"].get("prior", {}):
        raise ValidationError(f"{name}: field 'demand.prior.default' is required")
    return Weights(
        factors={f: data["weights"][f] for f in FACTORS},
        risk_weight=data["weights"]["risk"],
        demand_wants=data["demand"]["wants"],
        demand_engaged=data["demand"]["engaged"],
        demand_prior=dict(data["demand"]["prior"]),
        control=dict(data["control"]),
        outcomes=dict(data["outcomes"]),
        precedent_prior=data["precedent"]["prior"],
        precedent_pseudo_count=data["precedent"]["pseudo_count"],
        channel_closed=data["channel"]["closed"],
        channel_breadth=data["channel"]["breadth"],
        risk_factors=dict(data["risk_factors"]),
        offer_risk_share=data["risk"]["offer_share"],
        interests_per_dossier=data["risk"]["interests_per_dossier"],
        partners=dict(data["partners"]),
    )


# -- the pure scoring ------------------------------------------------------------------------

@dataclass(frozen=True)
class Factors:
    """The factor values of one candidate, each in [0, 1]."""

    demand: float
    control: float
    precedent: float
    channel: float
    positive: float
    risk: float


def score(factors: Factors, weights: Weights) -> float:
    """The candidate's score in [0, 1] (the formula of the module docstring), rounded to 4 places."""
    total = math.fsum(weights.factors.values())
    base = math.fsum(weights.factors[f] * _unit(getattr(factors, f)) for f in FACTORS) / total
    value = base * (1.0 - weights.risk_weight * _unit(factors.risk))
    return round(min(1.0, max(0.0, value)), 4)


def precedent_value(outcomes: Iterable[str], weights: Weights) -> float:
    """Mean value of the outcomes, shrunk toward the prior by its pseudo-count."""
    values = [weights.outcomes.get(o, weights.outcomes.get("unknown", 0.4)) for o in outcomes]
    k = weights.precedent_pseudo_count
    return (math.fsum(values) + weights.precedent_prior * k) / (len(values) + k)


def _unit(value: float) -> float:
    return min(1.0, max(0.0, float(value)))


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
Q_PRECEDENT_COUNTRIES = "MATCH (l:Linkage)-[r:CONCERNS]->(c:Country) RETURN l.key AS linkage, c.key AS country, r.valid_from AS rf, r.valid_to AS rt"

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

PRECEDENT_TTL = 30.0
"""Seconds cached precedents are trusted; they are read again sooner when the number of Linkage nodes changes."""
_GLOBAL: weakref.WeakKeyDictionary[GraphStore, tuple[tuple[int, str, str], float, dict[str, Any]]] = weakref.WeakKeyDictionary()


def _global_rows(reader: _Reader, linkage_count: int, nl: str, eu: str) -> dict[str, Any]:
    """The reads that do not depend on the country: precedents, generic instruments, the partner side; cached per store.

    They are the only reads of :func:`linkages` not anchored on a key; they
    change rarely, so they are kept for :data:`PRECEDENT_TTL` seconds, and
    read again at once when the number of Linkage nodes differs.
    """
    cached = _GLOBAL.get(reader.store)
    now = time.monotonic()
    if cached and cached[0] == (linkage_count, nl, eu) and now - cached[1] < PRECEDENT_TTL:
        return cached[2]
    rows = {
        "links": reader.rows(Q_PRECEDENTS),
        "countries": reader.rows(Q_PRECEDENT_COUNTRIES),
        "generic": reader.rows(Q_GENERIC),
        "generic-control": reader.rows(Q_GENERIC_CONTROL),
        "partner": reader.rows(Q_PARTNER_EDGES, nl=nl, eu=eu),
    }
    try:
        _GLOBAL[reader.store] = ((linkage_count, nl, eu), now, rows)
    except TypeError:  # a store that cannot be weakly referenced is simply not cached
        pass
    return rows

def _valid(item: dict[str, Any] | None, as_of: dt.date | None) -> bool:
    """Whether a node or relationship holds on ``as_of`` (:func:`koppel.graph.validity.valid_on`)."""
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
    for r in country_rows:
        if _valid({"valid_from": r["rf"], "valid_to": r["rt"]}, as_of):
            countries[r["linkage"]].add(r["country"])
    rows = []
    for row in link_rows:
        link = {k: row[k] for k in ("direction", "outcome", "channel", "date", "valid_from", "valid_to", "sources") if row[k] is not None}
        link["key"] = row["linkage"]
        if not (_valid(link, as_of) and _valid({"valid_from": row["rf"], "valid_to": row["rt"]}, as_of)):
            continue
        rows.append({
            "linkage": link, "target": row["target"], "label": row["label"], "domain": row["domain"],
            "agreement_type": row["agreement_type"], "countries": sorted(countries.get(row["linkage"], ())),
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


def _rel(rel_type: str, row: dict[str, Any]) -> dict[str, Any]:
    """A relationship from a row's ``rs``/``rf``/``rt`` columns (sources, valid_from, valid_to)."""
    rel = {"_type": rel_type, "sources": row.get("rs"), "valid_from": row.get("rf"), "valid_to": row.get("rt")}
    return {k: v for k, v in rel.items() if v is not None}


def _edge(start: str, rel_type: str, end: str) -> str:
    return f"{start}|{rel_type}|{end}"


def _sources(*items: dict[str, Any] | None) -> list[str]:
    found: list[str] = []
    for item in items:
        for locator in (item or {}).get("sources") or []:
            if locator not in found:
                found.append(locator)
    return found


def _reason(factor: str, weights: Weights, value: float, text: str, nodes: list[str], edges: list[str], sources: list[str]) -> dict[str, Any]:
    weight = weights.risk_weight if factor == "risk" else weights.factors[factor]
    return {
        "factor": factor,
        "weight": weight,
        "value": round(value, 4),
        "text": text,
        "path": {"nodes": list(dict.fromkeys(nodes)), "edges": list(dict.fromkeys(edges))},
        "sources": sorted(dict.fromkeys(sources)),
    }


def _brief(node: dict[str, Any], label: str | None = None) -> dict[str, Any]:
    return {
        "key": node["key"],
        "name": node.get("name_en") or node.get("name"),
        "domain": node.get("domain"),
        "label": label or node.get("_label"),
    }


# -- the recommendation ----------------------------------------------------------------------------

def linkages(store: GraphStore, iso3: str, *, as_of: dt.date | None = None, weights: Weights | None = None) -> dict[str, Any]:
    """Existing linkages, scored candidates and missing data for one country (see the module docstring).

    Raises :class:`NotFound` when no Country has the key ``iso3``.
    """
    weights = weights or load_weights()
    iso3 = iso3.strip()
    key = iso3.upper() if len(iso3) == 3 else iso3
    reader = _Reader(store)
    found = reader.rows(Q_COUNTRY, iso3=key)
    if not found:
        raise NotFound(f"no country with key {iso3!r} in the graph (ISO 3166-1 alpha-3 codes, e.g. IRQ, or a slug such as somaliland)")
    country = found[0]["country"]
    analysis = _Analysis(reader, country, as_of, weights)
    analysis.linkage_count = found[0]["linkages"]
    return analysis.run()


class _Analysis:
    def __init__(self, reader: _Reader, country: dict[str, Any], as_of: dt.date | None, weights: Weights) -> None:
        self.reader = reader
        self.country = country
        self.key = country["key"]
        self.as_of = as_of
        self.w = weights
        self.nl = weights.partners.get("netherlands", "NLD")
        self.eu = weights.partners.get("eu", "europese-unie")
        self.missing: list[str] = []
        self.linkage_count = -1

    def ok(self, *items: dict[str, Any] | None) -> bool:
        return all(_valid(i, self.as_of) for i in items)

    # -- reading --------------------------------------------------------------------------------
    def read(self) -> None:
        """Three reads: the edge list around the country, the nodes on it, and the precedents."""
        store = self.reader.store
        edges: dict[str, list[dict[str, Any]]] = defaultdict(list)
        labels: dict[str, str] = {self.key: "Country"}
        shared = _global_rows(self.reader, self.linkage_count, self.nl, self.eu)
        for row in [*self.reader.rows(Q_EDGES, iso3=self.key), *(dict(r) for r in shared["partner"])]:
            rel = {k: v for k, v in (("_type", row["type"]), ("sources", row["rs"]), ("valid_from", row["rf"]), ("valid_to", row["rt"])) if v is not None}
            row["rel"] = rel
            if not self.ok(rel):
                continue
            edges[row["part"]].append(row)
            labels.setdefault(row["src"], row["src_label"])
            labels.setdefault(row["dst"], row["dst_label"])
        wanted: dict[str, list[str]] = defaultdict(list)
        for key, label in labels.items():
            if label != "Country":
                wanted[label].append(key)
        nodes: dict[str, dict[str, Any]] = {self.key: self.country}
        for cypher, params in dialect.nodes_by_key(store.kind, wanted):
            for row in store.run(cypher, params, read_only=True).rows:
                nodes[row[0]["key"]] = row[0]
        self.nodes = nodes

        def node(key: str) -> dict[str, Any]:
            return nodes.get(key) or {"key": key, "_label": labels.get(key, "")}

        valid = {k for k, n in nodes.items() if self.ok(n)}
        live: dict[str, list[dict[str, Any]]] = defaultdict(list)
        live.update({part: [r for r in rows if (r["src"] in valid or r["src"] not in nodes) and (r["dst"] in valid or r["dst"] not in nodes)]
                for part, rows in edges.items()})

        self.assessments = sorted(
            (node(r["src"]) for r in live["in"] if r["type"] == "CONCERNS" and r["src_label"] == "Assessment"),
            key=lambda a: (a.get("as_of") or "", a["key"]),
        )
        self.memberships = [{"node": node(r["dst"]), "rel": r["rel"], "label": r["dst_label"]} for r in live["out"] if r["type"] == "MEMBER_OF"]
        level1 = {r["src"] for r in live["in"] if r["type"] == "PART_OF" and r["src_label"] == "Organisation"}
        level2 = {r["src"] for r in live["org-in"] if r["type"] == "PART_OF" and r["src_label"] == "Organisation"}
        self.counterparts = sorted(level1 | level2)

        partner_side: dict[str, str] = {self.nl: "netherlands", self.eu: "eu"}
        for r in live["nl-org"] + live["nl-org2"]:
            partner_side.setdefault(r["src"], "netherlands")
        for r in live["eu-org"]:
            partner_side.setdefault(r["src"], "eu")
        self.partner_side = partner_side
        self.nl_memberships = [{"key": r["dst"], "label": r["dst_label"], "rel": r["rel"]} for r in live["nl-out"] if r["type"] == "MEMBER_OF"]
        self.nl_in_eu = any(m["key"] == self.eu for m in self.nl_memberships)

        dossiers: dict[str, dict[str, Any]] = {}
        for r in live["in"] + live["org-in"]:
            if r["type"] == "BETWEEN" and r["src_label"] == "Dossier":
                entry = dossiers.setdefault(r["src"], {"node": node(r["src"]), "between": [], "wants": [], "controls": []})
                entry["between"].append((r["dst"], r["rel"]))
        for r in live["dossier-in"] + live["org-dossier-in"]:
            if r["dst"] in dossiers and r["type"] in ("WANTS", "CONTROLS"):
                dossiers[r["dst"]]["wants" if r["type"] == "WANTS" else "controls"].append((r["src"], r["rel"]))
        for entry in dossiers.values():
            entry["between"].sort(key=lambda b: (b[0] != self.key, b[0]))
        self.dossiers = dossiers

        forums_of: dict[str, list[str]] = defaultdict(list)
        for r in live["target-forum"]:
            forums_of[r["src"]].append(r["dst"])
        links: dict[tuple[str, str], dict[str, Any]] = {}
        for r in live["link-out"] + live["dossier-link-out"]:
            if r["src"] in nodes and r["dst"] in nodes:
                links.setdefault((r["src"], r["dst"]), {
                    "linkage": node(r["src"]), "links": r["rel"], "target": node(r["dst"]),
                    "target_label": r["dst_label"], "forums": sorted(set(forums_of.get(r["dst"], []))),
                })
        self.existing_rows = [links[p] for p in sorted(links)]

        agreements: dict[str, dict[str, Any]] = {}

        def add_agreement(key: str, via: str, rel_type: str, rel: dict[str, Any]) -> None:
            agreements.setdefault(key, {"node": node(key), "edges": []})["edges"].append((via, rel_type, rel))

        for r in live["out"]:
            if r["type"] in ("PARTY_TO", "SIGNED") and r["dst_label"] == "Agreement":
                add_agreement(r["dst"], self.key, r["type"], r["rel"])
        for r in live["in"]:
            if r["type"] == "CONCERNS" and r["src_label"] == "Agreement":
                add_agreement(r["src"], self.key, "CONCERNS", r["rel"])
        for r in live["group-out"] + live["org-out"]:
            if r["type"] == "PARTY_TO" and r["dst_label"] == "Agreement":
                add_agreement(r["dst"], r["src"], "PARTY_TO", r["rel"])
        self.agreements = agreements

        forums: dict[str, dict[str, Any]] = {}
        for r in live["out"] + live["group-out"] + live["org-out"]:
            if r["dst_label"] == "Forum" and r["type"] in ("PARTICIPATES_IN", "MEMBER_OF"):
                forums.setdefault(r["dst"], {"node": node(r["dst"]), "edges": []})["edges"].append((r["src"], r["type"], r["rel"]))
        self.forums = forums
        nl_forums: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
        for r in live["nl-out"] + live["nl-group-forum"]:
            if r["dst_label"] == "Forum":
                nl_forums[r["dst"]].append((r["src"], r["type"], r["rel"]))
        self.nl_forums = nl_forums

        members: dict[str, list[str]] = defaultdict(list)
        for r in live["like-minded"]:
            members[r["dst"]].append(r["src"])
        self.like_minded = [
            {"node": node(r["src"]), "label": r["src_label"], "rel": r["rel"], "members": sorted(members.get(r["src"], []))}
            for r in live["in"] if r["type"] == "SHARES_PROBLEM_WITH"
        ]
        controls: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for r in shared["generic-control"]:
            rel = _rel("CONTROLS", r)
            if self.ok(rel):
                controls[r["dossier"]].append((r["controller"], rel))
        self.generic = [
            {"dossier": r["dossier"], "framework": r["framework"], "rel": _rel("PART_OF", r), "controls": controls.get(r["dossier"]["key"], [])}
            for r in shared["generic"] if self.ok(r["dossier"], r["framework"], _rel("PART_OF", r))
        ]

        if self.as_of is None:
            if "table" not in shared:
                shared["table"] = _precedent_table(shared["links"], shared["countries"], None)
            self.precedents, self.precedent_index = shared["table"]
        else:
            self.precedents, self.precedent_index = _precedent_table(shared["links"], shared["countries"], self.as_of)
        for entry in self.agreements.values():
            entry["edges"].sort(key=lambda e: (e[0] != self.key, e[0], e[1]))
        for entry in self.forums.values():
            entry["edges"].sort(key=lambda e: (e[0], e[1]))
        for entry in self.dossiers.values():
            entry["wants"].sort(key=lambda w: w[0])
            entry["controls"].sort(key=lambda c: c[0])
        for edges_of in self.nl_forums.values():
            edges_of.sort(key=lambda e: (e[0], e[1]))
        self.memberships.sort(key=lambda m: m["node"]["key"])
        self.nl_memberships.sort(key=lambda m: m["key"])
        self.like_minded.sort(key=lambda m: m["node"]["key"])
        self.generic.sort(key=lambda g: (g["dossier"]["key"], g["framework"]["key"]))
        for g in self.generic:
            g["controls"] = sorted(g["controls"], key=lambda c: c[0])

    # -- assembling -------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        self.read()
        existing = self.existing()
        covered = self.covered()
        self.channels = self.open_channels()
        self.fragility, self.fragility_factors = self.read_fragility()
        candidates: list[dict[str, Any]] = []
        if self.is_origin_country():
            candidates += self.dossier_candidates(covered)
            candidates += self.generic_candidates(covered)
            candidates += self.eu_candidates(covered)
            candidates += self.forum_candidates(covered)
            candidates += self.coalition_candidates(covered)
        candidates.sort(key=lambda c: (-c["score"], c["dossier"]["key"], c["direction"]))
        self.note_missing(existing, candidates)
        latest = self.assessments[-1] if self.assessments else None
        return {
            "country": self.key,
            "name": self.country.get("name_en") or self.country.get("name"),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "assessment": (
                {"level": latest["level"], "trend": latest["trend"], "as_of": latest.get("as_of"), "sources": _sources(latest)}
                if latest else None
            ),
            "existing": existing,
            "candidates": candidates,
            "missing": self.missing,
        }

    def existing(self) -> list[dict[str, Any]]:
        out = []
        for row in self.existing_rows:
            link, target = row["linkage"], row["target"]
            out.append({
                "key": link["key"],
                "name": link.get("name_en") or link.get("name"),
                "dossier": _brief(target, row["target_label"]),
                "direction": link.get("direction"),
                "status": link.get("status"),
                "outcome": link.get("outcome"),
                "channel": link.get("channel"),
                "date": link.get("date"),
                "sources": _sources(link, row["links"]),
            })
        return out

    def covered(self) -> dict[str, set[str]]:
        """What existing linkages already use: target keys, dossier domains, forums, channels, agreement types."""
        cov: dict[str, set[str]] = {"keys": set(), "domains": set(), "forums": set(), "channels": set(), "agreement_types": set()}
        for row in self.existing_rows:
            link, target = row["linkage"], row["target"]
            cov["keys"].add(target["key"])
            if target.get("domain"):
                cov["domains"].add(target["domain"])
            if target.get("agreement_type"):
                cov["agreement_types"].add(target["agreement_type"])
            cov["channels"].add(link.get("channel") or "")
            if link.get("channel") == "forum":
                cov["forums"].update(row["forums"] or [])
        for entry in self.dossiers.values():
            cov["domains"].add(entry["node"].get("domain") or "")
        for entry in self.agreements.values():
            cov["agreement_types"].add(entry["node"].get("agreement_type") or "")
        return cov

    def is_origin_country(self) -> bool:
        """Enough data to recommend: an assessment, a dossier or a linkage concerning the country."""
        return bool(self.assessments or self.dossiers or self.existing_rows)

    def read_fragility(self) -> tuple[float, list[str]]:
        factors = [f for f in self.country.get("risk_factors") or [] if f in self.w.risk_factors]
        value = max((self.w.risk_factors[f] for f in factors), default=0.0)
        return value, factors

    def open_channels(self) -> dict[str, dict[str, Any]]:
        """Which channels are open to the country, each with the path that shows it."""
        open_: dict[str, dict[str, Any]] = {}
        # bilateral: any dossier or agreement with the Netherlands, or a Dutch event or project.
        for key, entry in sorted(self.dossiers.items()):
            controllers = {c for c, _ in entry["controls"]}
            if any(self.partner_side.get(c) == "netherlands" for c in controllers) or any(
                self.partner_side.get(s) == "netherlands" for s, _ in entry["between"]
            ):
                side, rel = entry["between"][0]
                open_["bilateral"] = {"nodes": [key, side], "edges": [_edge(key, "BETWEEN", side)], "sources": _sources(entry["node"], rel)}
                break
        if "bilateral" not in open_:
            for key, entry in sorted(self.agreements.items()):
                if entry["node"].get("agreement_type") == "mou":
                    via, rel_type, rel = entry["edges"][0]
                    open_["bilateral"] = {"nodes": [via, key], "edges": [_edge(via, rel_type, key)] if rel_type != "CONCERNS" else [_edge(key, "CONCERNS", via)], "sources": _sources(entry["node"], rel)}
                    break
        if "bilateral" not in open_:
            for row in self.reader.rows(Q_CONTACT, iso3=self.key):
                rel = _rel(row["type"], row)
                if self.ok(row["node"], rel):
                    node = row["node"]["key"]
                    open_["bilateral"] = {"nodes": [node, self.key], "edges": [_edge(node, row["type"], self.key)], "sources": _sources(row["node"], rel)}
        # eu: the Netherlands is in the EU, and the EU deals with the country (a dossier, agreement or linkage).
        if self.nl_in_eu:
            eu_path = None
            for key, entry in sorted(self.dossiers.items()):
                for controller, rel in entry["controls"]:
                    if self.partner_side.get(controller) == "eu":
                        eu_path = {"nodes": [self.nl, self.eu, key], "edges": [_edge(self.nl, "MEMBER_OF", self.eu), _edge(controller, "CONTROLS", key)], "sources": _sources(rel)}
                        break
                if eu_path:
                    break
            if eu_path is None:
                for key, entry in sorted(self.agreements.items()):
                    if entry["node"].get("agreement_type") in ("readmission_agreement", "visa_facilitation_agreement", "mobility_partnership"):
                        via, rel_type, rel = entry["edges"][0]
                        eu_path = {"nodes": [self.nl, self.eu, key, via], "edges": [_edge(self.nl, "MEMBER_OF", self.eu), _edge(via, rel_type, key)], "sources": _sources(entry["node"], rel)}
                        break
            if eu_path is None:
                nl_rel = next((m["rel"] for m in self.nl_memberships if m["key"] == self.eu), None)
                eu_path = {"nodes": [self.nl, self.eu], "edges": [_edge(self.nl, "MEMBER_OF", self.eu)], "sources": _sources(nl_rel), "weak": True}
            open_["eu"] = eu_path
        # forum: a forum the Netherlands and the country share.
        shared = self.shared_forums()
        if shared:
            open_["forum"] = shared[0][1]
        # coalition: like-minded states recorded for the country.
        if self.like_minded:
            row = sorted(self.like_minded, key=lambda r: r["node"]["key"])[0]
            node = row["node"]["key"]
            open_["coalition"] = {"nodes": [node, self.key], "edges": [_edge(node, "SHARES_PROBLEM_WITH", self.key)], "sources": _sources(row["rel"])}
        return open_

    def shared_forums(self) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        shared = []
        for key in sorted(self.forums):
            if key not in self.nl_forums:
                continue
            entry = self.forums[key]
            c_via, c_type, c_rel = sorted(entry["edges"], key=lambda e: (e[0] != self.key, e[0]))[0]
            n_via, n_type, n_rel = sorted(self.nl_forums[key], key=lambda e: (e[0] != self.nl, e[0]))[0]
            nodes = [self.key] + ([c_via] if c_via != self.key else []) + [key] + ([n_via] if n_via != self.nl else []) + [self.nl]
            edges = [_edge(c_via, c_type, key), _edge(n_via, n_type, key)]
            if c_via != self.key:
                edges.insert(0, _edge(self.key, "MEMBER_OF", c_via))
            if n_via != self.nl:
                edges.append(_edge(self.nl, "MEMBER_OF", n_via))
            shared.append((key, {"nodes": nodes, "edges": edges, "sources": _sources(entry["node"], c_rel, n_rel)}, entry["node"]))
        return shared

    # -- factor readers ---------------------------------------------------------------------------
    def channel_factor(self, channel: str, path: dict[str, Any] | None = None) -> tuple[float, dict[str, Any] | None, str]:
        own = path or self.channels.get(channel)
        others = [c for c in self.channels if c != channel]
        value = (1.0 if own and not own.get("weak") else self.w.channel_closed if not own else 0.6)
        value = min(1.0, value + self.w.channel_breadth * len(others) / len(CHANNELS))
        text = (
            f"the {channel} channel is open" if own and not own.get("weak")
            else f"the {channel} channel exists but is not yet used with {self.key}" if own
            else f"no {channel} channel with {self.key} is recorded yet"
        )
        if others:
            text += f"; also open: {', '.join(sorted(others))}"
        return value, own, text

    def precedent_factor(self, tags: list[tuple[str, ...]], label: str) -> tuple[float, list[dict[str, Any]], str]:
        """Precedents of the kinds ``tags`` names (see :func:`_precedent_table`), one row per linkage, this country's left out."""
        positions = sorted({p for tag in tags for p in self.precedent_index.get(tag, ())})
        seen: dict[str, dict[str, Any]] = {}
        for position in positions:
            row = self.precedents[position]
            link = row["linkage"]
            if self.key in row["countries"] or link["key"] in seen:
                continue
            seen[link["key"]] = row
        rows = [seen[k] for k in sorted(seen)]
        value = precedent_value([r["linkage"].get("outcome") or "unknown" for r in rows], self.w)
        if rows:
            summary = ", ".join(
                f"{'/'.join(r['countries'] or ['no country'])}: {r['linkage'].get('outcome')}" for r in rows[:4]
            )
            text = f"{len(rows)} precedent(s) of {label} elsewhere ({summary})"
        else:
            text = f"no precedent of {label} elsewhere in the graph; prior {self.w.precedent_prior}"
        return value, rows, text

    def precedent_reason(self, value: float, rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
        nodes: list[str] = []
        edges: list[str] = []
        sources: list[str] = []
        for row in rows[:3]:
            link = row["linkage"]
            nodes += [link["key"], row["target"], *(row["countries"] or [])]
            edges.append(_edge(link["key"], "LINKS", row["target"]))
            edges += [_edge(link["key"], "CONCERNS", c) for c in row["countries"] or []]
            sources += _sources(link)
        return _reason("precedent", self.w, value, text, nodes, edges, sources)

    def risk_factor(self, direction: str) -> tuple[float, str, list[str], list[str], list[str]]:
        nodes, edges, sources = [self.key], [], list(_sources(self.country)) if self.fragility_factors else []
        if direction == "positive":
            value = self.fragility * self.w.offer_risk_share
            text = (
                f"fragility ({', '.join(self.fragility_factors)}) weighs little on an offer"
                if self.fragility_factors else "no fragility recorded; an offer carries little risk"
            )
            return value, text, nodes, edges, sources
        interests = [k for k, e in self.dossiers.items() if e["node"].get("status") in IN_PLACE_STATUSES | OPEN_STATUSES]
        interests += [k for k, e in self.agreements.items() if e["node"].get("status") in ("in_force", "signed")]
        interest_value = min(1.0, self.w.interests_per_dossier * max(0, len(interests) - 1))
        value = max(self.fragility, interest_value)
        parts = []
        if self.fragility_factors:
            parts.append(f"pressure may alienate a fragile state ({', '.join(self.fragility_factors)})")
        if interest_value:
            parts.append(f"{len(interests) - 1} other Dutch dossier(s) or agreement(s) would be weighed against it")
            nodes += sorted(interests)
            for k in sorted(interests):
                node = (self.dossiers.get(k) or self.agreements.get(k) or {}).get("node")
                sources += _sources(node)
        text = "; ".join(parts) or "no fragility or other interests recorded"
        return value, text, nodes, edges, sources

    def build(self, target: dict[str, Any], direction: str, channel: str, demand: tuple[float, str, list[str], list[str], list[str]],
              control: tuple[float, str, list[str], list[str], list[str]], precedent: tuple[float, list[dict[str, Any]], str],
              channel_path: dict[str, Any] | None = None) -> dict[str, Any]:
        d_value, d_text, d_nodes, d_edges, d_sources = demand
        c_value, c_text, c_nodes, c_edges, c_sources = control
        ch_value, ch_path, ch_text = self.channel_factor(channel, channel_path)
        r_value, r_text, r_nodes, r_edges, r_sources = self.risk_factor(direction)
        positive = 1.0 if direction == "positive" else 0.0
        factors = Factors(d_value, c_value, precedent[0], ch_value, positive, r_value)
        reasons = [
            _reason("demand", self.w, d_value, d_text, d_nodes, d_edges, d_sources),
            _reason("control", self.w, c_value, c_text, c_nodes, c_edges, c_sources),
            self.precedent_reason(*precedent),
            _reason("channel", self.w, ch_value, ch_text, (ch_path or {}).get("nodes", []), (ch_path or {}).get("edges", []), (ch_path or {}).get("sources", [])),
            _reason(
                "positive", self.w, positive,
                "an offer: the letter prefers positive linkage" if positive else "a cut: negative linkage, which the letter ranks below offers",
                [target["key"]], [], [],
            ),
            _reason("risk", self.w, r_value, r_text, r_nodes, r_edges, r_sources),
        ]
        return {
            "dossier": target,
            "direction": direction,
            "channel": channel,
            "score": score(factors, self.w),
            "factors": {f: round(getattr(factors, f), 4) for f in (*FACTORS, "risk")},
            "reasons": reasons,
        }

    def control_of(self, key: str, controls: list[tuple[str, dict[str, Any]]]) -> tuple[float, str, list[str], list[str], list[str], str | None]:
        sides = sorted(((self.partner_side.get(c), c, rel) for c, rel in controls if self.partner_side.get(c)), key=lambda t: (t[0] != "netherlands", t[1]))
        if sides:
            side, who, rel = sides[0]
            value = self.w.control["netherlands" if side == "netherlands" else "eu"]
            text = f"{who} decides on it ({'the Netherlands' if side == 'netherlands' else 'the EU'})"
            return value, text, [who, key], [_edge(who, "CONTROLS", key)], _sources(rel), side
        return self.w.control["unknown"], "nobody is recorded as deciding on it", [key], [], [], None

    # -- candidates ---------------------------------------------------------------------------------
    def dossier_candidates(self, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
        out = []
        sides = {self.key, *self.counterparts}
        for key, entry in sorted(self.dossiers.items()):
            node = entry["node"]
            domain = node.get("domain")
            if key in covered["keys"] or domain in ASK_DOMAINS:
                continue
            c_value, c_text, c_nodes, c_edges, c_sources, side = self.control_of(key, entry["controls"])
            if side is None and entry["controls"]:
                continue  # decided by someone else (the country itself): not a lever of ours
            status = node.get("status")
            direction = "negative" if status in IN_PLACE_STATUSES else "positive"
            if status == "cut":
                continue
            wants = [(w, rel) for w, rel in entry["wants"] if w in sides]
            side_key, between_rel = entry["between"][0]
            if wants:
                who, rel = wants[0]
                demand = (self.w.demand_wants, f"{who} wants it", [who, key], [_edge(who, "WANTS", key)], _sources(rel))
            elif status in OPEN_STATUSES:
                demand = (self.w.demand_engaged, f"held with {side_key}, status {status}", [key, side_key], [_edge(key, "BETWEEN", side_key)], _sources(between_rel, node))
            else:
                demand = (self.w.prior(domain), f"no wish recorded; prior for {domain}", [key, side_key], [_edge(key, "BETWEEN", side_key)], _sources(between_rel))
            channel = "eu" if side == "eu" else "bilateral"
            precedent = self.precedent_factor([("domain", domain or "", direction)], f"{direction} linkage of {domain}")
            out.append(self.build(_brief(node, "Dossier"), direction, channel, demand, (c_value, c_text, c_nodes, c_edges, c_sources), precedent))
        return out

    def generic_candidates(self, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
        by_key: dict[str, dict[str, Any]] = {}
        for row in sorted(self.generic, key=lambda r: (r["dossier"]["key"], r["framework"]["key"])):
            by_key.setdefault(row["dossier"]["key"], {"node": row["dossier"], "framework": row["framework"], "rel": row["rel"], "controls": row["controls"]})
        out = []
        for key, entry in sorted(by_key.items()):
            node = entry["node"]
            domain = node.get("domain")
            if key in covered["keys"] or domain in ASK_DOMAINS or domain in covered["domains"]:
                continue
            c_value, c_text, c_nodes, c_edges, c_sources, side = self.control_of(key, entry["controls"])
            if side is None and entry["controls"]:
                continue
            framework = entry["framework"]
            demand = (
                self.w.prior(domain),
                f"an instrument of {framework.get('name_en') or framework.get('name')} the country has not asked for; prior for {domain}",
                [key, framework["key"]], [_edge(key, "PART_OF", framework["key"])], _sources(node, entry["rel"]),
            )
            channel = "eu" if side == "eu" else "bilateral"
            precedent = self.precedent_factor([("domain", domain or "", "positive")], f"positive linkage of {domain}")
            out.append(self.build(_brief(node, "Dossier"), "positive", channel, demand, (c_value, c_text, c_nodes, c_edges, c_sources), precedent))
        return out

    def eu_candidates(self, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
        if not self.nl_in_eu:
            return []
        out = []
        types = covered["agreement_types"]
        wants_visa = [
            (who, key, rel) for key, e in sorted(self.dossiers.items()) if e["node"].get("domain") == "visa_facilitation"
            for who, rel in e["wants"] if who in {self.key, *self.counterparts}
        ]
        if not ({"readmission_agreement", "visa_facilitation_agreement"} & types) and "visa_facilitation" not in covered["domains"]:
            target = {"key": EU_READMISSION, "name": "EU readmission agreement with visa facilitation", "domain": "visa_facilitation", "label": "Instrument"}
            if wants_visa:
                who, key, rel = wants_visa[0]
                demand = (self.w.demand_wants, f"{who} wants visa facilitation", [who, key], [_edge(who, "WANTS", key)], _sources(rel))
            else:
                demand = (self.w.prior("visa_facilitation"), "no wish for visa facilitation recorded; prior for visa_facilitation", [self.key], [], [])
            control = (self.w.control["eu"], f"the EU ({self.eu}) concludes readmission and visa facilitation agreements", [self.nl, self.eu], [_edge(self.nl, "MEMBER_OF", self.eu)], self._nl_eu_sources())
            precedent = self.precedent_factor(
                [("agreement_type", "readmission_agreement"), ("agreement_type", "visa_facilitation_agreement"),
                 ("channel-domain", "eu", "visa_facilitation"), ("channel-domain", "eu", "readmission")],
                "readmission tied to visa facilitation (EU)",
            )
            out.append(self.build(target, "positive", "eu", demand, control, precedent))
        if "mobility_partnership" not in types:
            target = {"key": EU_MOBILITY, "name": "EU mobility partnership", "domain": "labour_mobility", "label": "Instrument"}
            demand = (self.w.prior("labour_mobility"), "no wish for a mobility partnership recorded; prior for labour_mobility", [self.key], [], [])
            control = (self.w.control["eu"], f"the EU ({self.eu}) and willing member states sign mobility partnerships", [self.nl, self.eu], [_edge(self.nl, "MEMBER_OF", self.eu)], self._nl_eu_sources())
            precedent = self.precedent_factor(
                [("agreement_type", "mobility_partnership"), ("channel-domain", "eu", "labour_mobility"),
                 ("channel-domain", "eu", "student_mobility"), ("channel-domain", "eu", "reintegration")],
                "EU mobility partnerships",
            )
            out.append(self.build(target, "positive", "eu", demand, control, precedent))
        return out

    def _nl_eu_sources(self) -> list[str]:
        rel = next((m["rel"] for m in self.nl_memberships if m["key"] == self.eu), None)
        return _sources(rel)

    def forum_candidates(self, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
        out = []
        for key, path, node in self.shared_forums():
            if key in covered["forums"] or key in covered["keys"]:
                continue
            target = _brief(node, "Forum")
            demand = (self.w.prior(None), f"{self.key} takes part in {node.get('name_en') or node.get('name')}", path["nodes"][:2], path["edges"][:1], path["sources"])
            control = (self.w.control["eu"] if any(self.partner_side.get(v) == "eu" for v in path["nodes"]) else self.w.control["netherlands"],
                       "the Netherlands takes part and can raise return there", path["nodes"], path["edges"], path["sources"])
            precedent = self.precedent_factor([("channel", "forum")], "linkage through a forum")
            out.append(self.build(target, "positive", "forum", demand, control, precedent, channel_path=path))
        return out

    def coalition_candidates(self, covered: dict[str, set[str]]) -> list[dict[str, Any]]:
        if "coalition" in covered["channels"] or not self.like_minded:
            return []
        rows = sorted(self.like_minded, key=lambda r: (r["label"] != "CountryGroup", r["node"]["key"]))
        row = rows[0]
        node = row["node"]
        target = _brief(node, row["label"])
        nl_member = self.nl in (row["members"] or [])
        nodes = [node["key"], self.key] + ([self.nl] if nl_member else [])
        edges = [_edge(node["key"], "SHARES_PROBLEM_WITH", self.key)] + ([_edge(self.nl, "MEMBER_OF", node["key"])] if nl_member else [])
        demand = (self.w.prior(None), f"{len(rows)} like-minded state(s) or group(s) share the return problem with {self.key}", nodes, edges, _sources(row["rel"]))
        control = (self.w.control["netherlands"] if nl_member else self.w.control["eu"],
                   "the Netherlands is a member of the coalition" if nl_member else "the Netherlands would have to join or form it",
                   nodes, edges, _sources(row["rel"]))
        precedent = self.precedent_factor([("channel", "coalition")], "joint action with like-minded states")
        return [self.build(target, "positive", "coalition", demand, control, precedent)]

    # -- what is missing --------------------------------------------------------------------------
    def note_missing(self, existing: list[dict[str, Any]], candidates: list[dict[str, Any]]) -> None:
        name = self.country.get("name_en") or self.country.get("name") or self.key
        if not self.assessments:
            self.missing.append(f"no assessment of {name}'s cooperation on return (Assessment -CONCERNS-> {self.key})")
        if not self.dossiers:
            self.missing.append(f"no dossiers held between {name} and the Netherlands or the EU (Dossier -BETWEEN-> {self.key})")
        if not self.is_origin_country():
            self.missing.append(
                f"nothing marks {name} as a country of origin with return problems (no assessment, dossier or linkage), so no linkage is recommended"
            )
            return
        if not self.country.get("risk_factors"):
            self.missing.append(f"no risk factors recorded for {name}: fragility is taken as none")
        if "forum" not in self.channels:
            self.missing.append(f"no forum or dialogue shared by the Netherlands and {name}")
        if not self.like_minded:
            self.missing.append(f"no like-minded states recorded for {name} (SHARES_PROBLEM_WITH)")
        for key, entry in sorted(self.dossiers.items()):
            if not entry["controls"] and entry["node"].get("domain") not in ASK_DOMAINS:
                self.missing.append(f"nobody is recorded as deciding on dossier {key} (CONTROLS)")
        if not candidates:
            self.missing.append(f"no candidate left for {name}: every known instrument is already linked or not ours to offer")
