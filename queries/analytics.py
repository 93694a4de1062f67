"""Network analytics over the linkage graph, wrapping networkx.

Each function reads a small, typed projection of the graph with anchored
Cypher (never the whole graph), hands it to networkx and returns JSON-ready
results:

* :func:`brokers`: who connects the Netherlands and a country: the
  intermediaries (forums, groups, donors, agreements, organisations, other
  countries) on the shortest connections between them.
* :func:`similar`: countries whose linkage profile looks like the country's
  (Jaccard similarity over dossier domains, linkages, groups, forums and
  return cooperation level).
* :func:`centrality`: which forums and donors hold the network together
  (betweenness, sampled when the projection is large, and degree).

The projections keep to the "connector" layer of the graph: countries,
groups, organisations, forums, donors, agreements, projects and (for brokers)
dossiers, joined by membership, participation, parties, funding, benefit and
the sides of a dossier. Events and documents
are left out: they record what happened, not who connects whom.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from koppel.graph import dialect
from koppel.graph.errors import NotFound, ValidationError
from koppel.graph.store import GraphStore
from koppel.graph.validity import Timeline

from .countries import country_key

CONNECTOR_LABELS = ("Country", "CountryGroup", "Organisation", "Forum", "Donor", "Agreement", "Project", "Dossier")
EXACT_LIMIT = 500
"""Projections with at most this many nodes get exact betweenness; larger ones are sampled."""
DEFAULT_SAMPLES = 32
SEED = 42

# Each part says which end is ``x`` (the node whose label it returns) with a literal, not by
# repeating ``x.key``: LadybugDB 0.22 mixes up a UNION ALL column whose expression repeats
# another column of the same part.
_EDGE = "{{type(r)}} AS type"

# Around one country: its connector edges and those of its neighbours (2 hops).
_AROUND = {
    "out": "MATCH (c:Country {key: $key})-[r:MEMBER_OF|PARTICIPATES_IN|PARTY_TO|SIGNED|SHARES_PROBLEM_WITH]->(x:CountryGroup|Organisation|Forum|Agreement|Country) RETURN c.key AS src, " + _EDGE + ", x.key AS dst, {{label(x)}} AS label, 'dst' AS x_end",
    "in": "MATCH (c:Country {key: $key})<-[r:BENEFITS|DONOR_OF|SHARES_PROBLEM_WITH|PART_OF|MEMBER_OF]-(x:Project|Donor|Country|CountryGroup|Organisation) RETURN x.key AS src, " + _EDGE + ", c.key AS dst, {{label(x)}} AS label, 'src' AS x_end",
    "co-members": "MATCH (c:Country {key: $key})-[:MEMBER_OF|PARTICIPATES_IN]->(g:CountryGroup|Organisation|Forum)<-[r:MEMBER_OF|PARTICIPATES_IN]-(x:Country|CountryGroup|Organisation) RETURN x.key AS src, " + _EDGE + ", g.key AS dst, {{label(x)}} AS label, 'src' AS x_end",
    "group-out": "MATCH (c:Country {key: $key})-[:MEMBER_OF]->(g:CountryGroup|Organisation)-[r:MEMBER_OF|PARTICIPATES_IN|PART_OF]->(x:CountryGroup|Organisation|Forum) RETURN g.key AS src, " + _EDGE + ", x.key AS dst, {{label(x)}} AS label, 'dst' AS x_end",
    "co-parties": "MATCH (c:Country {key: $key})-[:PARTY_TO|SIGNED]->(a:Agreement)<-[r:PARTY_TO|SIGNED]-(x:Country|Organisation|CountryGroup) RETURN x.key AS src, " + _EDGE + ", a.key AS dst, {{label(x)}} AS label, 'src' AS x_end",
    "funders": "MATCH (c:Country {key: $key})<-[:BENEFITS]-(p:Project)<-[r:FUNDS]-(x:Donor) RETURN x.key AS src, " + _EDGE + ", p.key AS dst, {{label(x)}} AS label, 'src' AS x_end",
    "coalition": "MATCH (c:Country {key: $key})<-[:SHARES_PROBLEM_WITH]-(s:CountryGroup)<-[r:MEMBER_OF]-(x:Country) RETURN x.key AS src, " + _EDGE + ", s.key AS dst, {{label(x)}} AS label, 'src' AS x_end",
    "dossiers": "MATCH (c:Country {key: $key})<-[r:BETWEEN]-(x:Dossier) RETURN x.key AS src, " + _EDGE + ", c.key AS dst, {{label(x)}} AS label, 'src' AS x_end",
    "org-dossiers": "MATCH (c:Country {key: $key})<-[:PART_OF]-(o:Organisation)<-[r:BETWEEN]-(x:Dossier) RETURN x.key AS src, " + _EDGE + ", o.key AS dst, {{label(x)}} AS label, 'src' AS x_end",
}
Q_AROUND = "\nUNION ALL\n".join(_AROUND.values())

# Around the partner (the Netherlands): only membership-like edges, so a hub stays cheap.
_PARTNER = {
    "out": "MATCH (n:Country {key: $key})-[r:MEMBER_OF|PARTICIPATES_IN]->(x:CountryGroup|Organisation|Forum) RETURN n.key AS src, " + _EDGE + ", x.key AS dst, {{label(x)}} AS label, 'dst' AS x_end",
    "donor": "MATCH (n:Country {key: $key})<-[r:DONOR_OF]-(x:Donor) RETURN x.key AS src, " + _EDGE + ", n.key AS dst, {{label(x)}} AS label, 'src' AS x_end",
    "group-out": "MATCH (n:Country {key: $key})-[:MEMBER_OF]->(g:CountryGroup|Organisation)-[r:MEMBER_OF|PARTICIPATES_IN|PART_OF]->(x:CountryGroup|Organisation|Forum) RETURN g.key AS src, " + _EDGE + ", x.key AS dst, {{label(x)}} AS label, 'dst' AS x_end",
    "agreements": "MATCH (n:Country {key: $key})-[r:PARTY_TO|SIGNED]->(x:Agreement) WHERE x.key IN $agreements RETURN n.key AS src, " + _EDGE + ", x.key AS dst, {{label(x)}} AS label, 'dst' AS x_end",
    "projects": "MATCH (n:Country {key: $key})<-[:DONOR_OF]-(d:Donor)-[r:FUNDS]->(x:Project) WHERE x.key IN $projects RETURN d.key AS src, " + _EDGE + ", x.key AS dst, {{label(x)}} AS label, 'dst' AS x_end",
    "dossiers": "MATCH (n:Country {key: $key})<-[r:BETWEEN]-(x:Dossier) WHERE x.key IN $dossiers RETURN x.key AS src, " + _EDGE + ", n.key AS dst, {{label(x)}} AS label, 'src' AS x_end",
}
Q_PARTNER = "\nUNION ALL\n".join(_PARTNER.values())

# Profiles for similarity: one row per (country, feature), the feature as its kind and its parts; a feature with a missing
# part is no feature. The parts are joined in Python (see :func:`_feature`): the stores disagree on text + null (Neo4j gives
# null, LadybugDB joins null as empty text), so a Cypher join would give different profiles on the two stores.
_PROFILE = {
    "domain": "MATCH (c:Country)<-[:BETWEEN]-(d:Dossier) RETURN DISTINCT c.key AS country, 'domain' AS kind, [d.domain] AS parts",
    "org-domain": "MATCH (c:Country)<-[:PART_OF]-(:Organisation)<-[:BETWEEN]-(d:Dossier) RETURN DISTINCT c.key AS country, 'domain' AS kind, [d.domain] AS parts",
    "linkage": "MATCH (c:Country)<-[:CONCERNS]-(l:Linkage) RETURN DISTINCT c.key AS country, 'linkage' AS kind, [l.direction, l.channel, l.outcome] AS parts",
    "group": "MATCH (c:Country)-[:MEMBER_OF]->(g:CountryGroup) RETURN DISTINCT c.key AS country, 'group' AS kind, [g.key] AS parts",
    "forum": "MATCH (c:Country)-[:PARTICIPATES_IN|MEMBER_OF]->(f:Forum) RETURN DISTINCT c.key AS country, 'forum' AS kind, [f.key] AS parts",
    "group-forum": "MATCH (c:Country)-[:MEMBER_OF]->(:CountryGroup)-[:PARTICIPATES_IN|MEMBER_OF]->(f:Forum) RETURN DISTINCT c.key AS country, 'forum' AS kind, [f.key] AS parts",
    "level": (
        "MATCH (c:Country)<-[:CONCERNS]-(a:Assessment) WITH c, max(a.as_of) AS latest "
        "MATCH (c)<-[:CONCERNS]-(a:Assessment) WHERE a.as_of = latest RETURN DISTINCT c.key AS country, 'level' AS kind, [a.level] AS parts"
    ),
    "like-minded": "MATCH (c:Country)<-[:SHARES_PROBLEM_WITH]-(s) RETURN DISTINCT c.key AS country, 'like-minded' AS kind, [s.key] AS parts",
}
Q_PROFILE = "\nUNION ALL\n".join(_PROFILE.values())

# The same features with the nodes (n1, n2) and relationships (r1, r2) they are read from, one query each, only for an answer at a timeline;
# "level" returns every assessment (a, its as_of) so the latest one that holds is chosen.
_PROFILE_TIMED = {
    "domain": "MATCH (c:Country)<-[r1:BETWEEN]-(n1:Dossier) RETURN c.key AS country, 'domain' AS kind, [n1.domain] AS parts, n1 AS n1, r1 AS r1",
    "org-domain": "MATCH (c:Country)<-[r1:PART_OF]-(n1:Organisation)<-[r2:BETWEEN]-(n2:Dossier) RETURN c.key AS country, 'domain' AS kind, [n2.domain] AS parts, n1 AS n1, n2 AS n2, r1 AS r1, r2 AS r2",
    "linkage": "MATCH (c:Country)<-[r1:CONCERNS]-(n1:Linkage) RETURN c.key AS country, 'linkage' AS kind, [n1.direction, n1.channel, n1.outcome] AS parts, n1 AS n1, r1 AS r1",
    "group": "MATCH (c:Country)-[r1:MEMBER_OF]->(n1:CountryGroup) RETURN c.key AS country, 'group' AS kind, [n1.key] AS parts, n1 AS n1, r1 AS r1",
    "forum": "MATCH (c:Country)-[r1:PARTICIPATES_IN|MEMBER_OF]->(n1:Forum) RETURN c.key AS country, 'forum' AS kind, [n1.key] AS parts, n1 AS n1, r1 AS r1",
    "group-forum": "MATCH (c:Country)-[r1:MEMBER_OF]->(n1:CountryGroup)-[r2:PARTICIPATES_IN|MEMBER_OF]->(n2:Forum) RETURN c.key AS country, 'forum' AS kind, [n2.key] AS parts, n1 AS n1, n2 AS n2, r1 AS r1, r2 AS r2",
    "level": "MATCH (c:Country)<-[r1:CONCERNS]-(n1:Assessment) RETURN c.key AS country, 'level' AS kind, [n1.level] AS parts, n1.as_of AS at, n1 AS n1, r1 AS r1",
    "like-minded": "MATCH (c:Country)<-[r1:SHARES_PROBLEM_WITH]-(n1) RETURN c.key AS country, 'like-minded' AS kind, [n1.key] AS parts, n1 AS n1, r1 AS r1",
}


def _feature(row: dict[str, Any]) -> str | None:
    """A profile row's feature as text, ``"kind:part/part/..."``, or None when one of its parts is missing (null)."""
    parts = row["parts"] or []
    if not parts or any(part is None for part in parts):
        return None
    return f"{row['kind']}:" + "/".join(str(part) for part in parts)


def _profile_rows(store: GraphStore, timeline: Timeline | None) -> list[dict[str, Any]]:
    """The (country, feature) rows of :data:`Q_PROFILE`, or at a timeline only those whose nodes, relationships and country hold there.

    At a timeline a country's level is its latest assessment that holds (by ``as_of``).
    """
    if not _at(timeline):
        return [{"country": row["country"], "feature": _feature(row)} for row in _rows(store, Q_PROFILE)]
    held_countries = {node["key"] for (node,) in store.run("MATCH (c:Country) RETURN c", read_only=True).rows if timeline.holds(node)}
    out: list[dict[str, Any]] = []
    latest: dict[str, tuple[str, str]] = {}
    for part, cypher in _PROFILE_TIMED.items():
        for row in _rows(store, cypher):
            if row["country"] not in held_countries or not all(timeline.holds(row.get(k)) for k in ("n1", "n2", "r1", "r2")):
                continue
            if part == "level":
                at = str(row["at"] or "")[:10]
                if row["country"] not in latest or at > latest[row["country"]][0]:
                    latest[row["country"]] = (at, _feature(row))
            else:
                out.append({"country": row["country"], "feature": _feature(row)})
    out += [{"country": country, "feature": feature} for country, (_, feature) in latest.items()]
    return out

# The connector layer for centrality; projects are folded into donor -> beneficiary edges.
_LAYER = {
    "member": "MATCH (a:Country|CountryGroup|Organisation)-[r:MEMBER_OF|PARTICIPATES_IN]->(b:CountryGroup|Organisation|Forum) RETURN a.key AS src, {{label(a)}} AS src_label, " + _EDGE + ", b.key AS dst, {{label(b)}} AS dst_label",
    "part": "MATCH (a:Forum|Organisation|CountryGroup)-[r:PART_OF]->(b:Forum|Organisation|CountryGroup|Country) RETURN a.key AS src, {{label(a)}} AS src_label, " + _EDGE + ", b.key AS dst, {{label(b)}} AS dst_label",
    "party": "MATCH (a:Country|Organisation|CountryGroup)-[r:PARTY_TO]->(b:Agreement) RETURN a.key AS src, {{label(a)}} AS src_label, " + _EDGE + ", b.key AS dst, 'Agreement' AS dst_label",
    "donor": "MATCH (a:Donor)-[r:DONOR_OF]->(b:Country|Organisation) RETURN a.key AS src, 'Donor' AS src_label, " + _EDGE + ", b.key AS dst, {{label(b)}} AS dst_label",
    "funds": "MATCH (a:Donor)-[:FUNDS]->(:Project)-[r:BENEFITS]->(b:Country|CountryGroup|Organisation) RETURN DISTINCT a.key AS src, 'Donor' AS src_label, 'FUNDS_FOR' AS type, b.key AS dst, {{label(b)}} AS dst_label",
    "shares": "MATCH (a:Country|CountryGroup)-[r:SHARES_PROBLEM_WITH]->(b:Country) RETURN a.key AS src, {{label(a)}} AS src_label, " + _EDGE + ", b.key AS dst, 'Country' AS dst_label",
}
Q_LAYER = "\nUNION ALL\n".join(_LAYER.values())

# The same projections with each relationship's sources and valid time, read only for an answer at a timeline.
_TIMES = ", r.sources AS rs, r.valid_from AS rf, r.valid_to AS rt"
Q_AROUND_TIMED, Q_PARTNER_TIMED, Q_LAYER_TIMED = ("\nUNION ALL\n".join(p + _TIMES for p in parts.values()) for parts in (_AROUND, _PARTNER, _LAYER))


def _at(timeline: Timeline | None) -> bool:
    """Whether an answer is read at a past timeline (an as-of or known-by date), not at the graph as it is."""
    return timeline is not None and (timeline.as_of is not None or timeline.known_by is not None)


def _held(rows: list[dict[str, Any]], timeline: Timeline) -> list[dict[str, Any]]:
    """The projection rows whose relationship holds at ``timeline`` (its sources and valid time)."""
    return [r for r in rows if timeline.holds({"sources": r["rs"], "valid_from": r["rf"], "valid_to": r["rt"]})]


def _drop_unheld(store: GraphStore, graph: nx.Graph, labels: dict[str, str], timeline: Timeline, keep: Iterable[str] = ()) -> None:
    """Remove from ``graph`` the nodes that do not hold at ``timeline`` (read by key, label by label); ``keep`` stays."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for node in graph:
        wanted[labels.get(node, "Country")].append(node)
    held: set[str] = set(keep)
    for cypher, params in dialect.nodes_by_key(store.kind, {label: sorted(keys) for label, keys in wanted.items()}):
        held.update(node["key"] for (node,) in store.run(cypher, params, read_only=True).rows if timeline.holds(node))
    graph.remove_nodes_from([node for node in list(graph) if node not in held])


def _rows(store: GraphStore, cypher: str, **params: Any) -> list[dict[str, Any]]:
    return store.run(dialect.translate(cypher, store.kind), params, read_only=True).records()


def _require_country(store: GraphStore, key: str) -> dict[str, Any]:
    found = _rows(store, "MATCH (c:Country {key: $key}) RETURN c AS country", key=key)
    if not found:
        raise NotFound(f"no country with key {key!r} in the graph")
    return found[0]["country"]


def _names(store: GraphStore, keys_by_label: dict[str, Iterable[str]]) -> dict[str, dict[str, Any]]:
    """Name and label of the nodes with these keys (per-label key lookups)."""
    out: dict[str, dict[str, Any]] = {}
    wanted = {label: sorted(set(keys)) for label, keys in keys_by_label.items()}
    for cypher, params in dialect.nodes_by_key(store.kind, wanted):
        for (node,) in store.run(cypher, params, read_only=True).rows:
            out[node["key"]] = {"name": node.get("name_en") or node.get("name"), "label": node["_label"]}
    return out


# -- brokers ---------------------------------------------------------------------------------

def brokers(store: GraphStore, iso3: str, *, k: int | None = None, partner: str = "NLD", timeline: Timeline | None = None) -> dict[str, Any]:
    """Intermediaries on the shortest connections between the partner (the Netherlands) and a country.

    Reads the connector edges within two hops of the country and the
    membership-like edges of the partner, builds an undirected
    :class:`networkx.Graph` and enumerates every shortest path between the two
    with :func:`networkx.all_shortest_paths`. A broker's ``paths`` is the
    number of those paths through it and ``share`` that number over all
    paths (the pair dependency of Brandes' betweenness for this one pair).

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    iso3 : str
        Key of the country (ISO 3166-1 alpha-3 or a slug).
    k : int, optional
        Return only the ``k`` strongest brokers (all when None).
    partner : str
        Key of the other end, the Netherlands by default.
    timeline : Timeline, optional
        Read at an as-of or known-by date (:class:`koppel.graph.validity.Timeline`,
        the rule of every view): relationships and intermediaries that do not
        hold then are left out. The graph as it is when None.

    Returns
    -------
    dict
        ``{"country", "partner", "distance", "paths", "brokers": [{"key", "name", "label", "paths", "share"}], "examples": [[keys...], ...]}``;
        ``distance`` is None and the lists are empty when no path of at most
        four hops exists.
    """
    if k is not None and k < 1:
        raise ValidationError(f"k must be at least 1 (got {k})")
    key, partner = country_key(store, iso3), partner.strip()
    _require_country(store, key)
    _require_country(store, partner)
    graph = nx.Graph()
    labels: dict[str, str] = {key: "Country", partner: "Country"}
    timed = _at(timeline)
    around = _rows(store, Q_AROUND_TIMED, key=key) if timed else _rows(store, Q_AROUND, key=key)
    if timed:
        around = _held(around, timeline)
    around = sorted(around, key=lambda r: (r["src"], r["dst"], r["type"]))
    for row in around:
        graph.add_edge(row["src"], row["dst"], type=row["type"])
        labels.setdefault(row[row["x_end"]], row["label"])
    agreements = sorted(n for n in graph if labels.get(n) == "Agreement")
    projects = sorted(n for n in graph if labels.get(n) == "Project")
    dossiers = sorted(n for n in graph if labels.get(n) == "Dossier")
    partner_rows = _rows(store, Q_PARTNER_TIMED if timed else Q_PARTNER, key=partner, agreements=agreements or [""], projects=projects or [""], dossiers=dossiers or [""])
    for row in sorted(_held(partner_rows, timeline) if timed else partner_rows, key=lambda r: (r["src"], r["dst"], r["type"])):
        graph.add_edge(row["src"], row["dst"], type=row["type"])
        labels.setdefault(row[row["x_end"]], row["label"])
    if timed:
        _drop_unheld(store, graph, labels, timeline, keep=(key, partner))
    result: dict[str, Any] = {"country": key, "partner": partner, "distance": None, "paths": 0, "brokers": [], "examples": []}
    if key not in graph or partner not in graph or not nx.has_path(graph, partner, key):
        return result
    paths = sorted(nx.all_shortest_paths(graph, partner, key))
    counts: dict[str, int] = defaultdict(int)
    for path in paths:
        for node in path[1:-1]:
            counts[node] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: k or None]
    by_label: dict[str, list[str]] = defaultdict(list)
    for node, _ in ranked:
        by_label[labels.get(node, "Country")].append(node)
    names = _names(store, by_label)
    result.update(
        distance=len(paths[0]) - 1,
        paths=len(paths),
        brokers=[
            {"key": node, "name": names.get(node, {}).get("name"), "label": names.get(node, {}).get("label", labels.get(node)),
             "paths": count, "share": round(count / len(paths), 4)}
            for node, count in ranked
        ],
        examples=paths[:5],
    )
    return result


# -- similar ---------------------------------------------------------------------------------

def similar(store: GraphStore, iso3: str, *, top: int = 10, exclude: Iterable[str] = ("NLD",), timeline: Timeline | None = None) -> dict[str, Any]:
    """Countries whose linkage profile is most like the country's (Jaccard similarity).

    A country's profile is the set of its features: the domains of the dossiers
    held with it, its linkages as direction/channel/outcome, its groups, the
    forums it takes part in (directly or through a group), its latest assessed
    level of return cooperation and the like-minded states that share its problem.
    Countries and features form a bipartite :class:`networkx.Graph`;
    :func:`networkx.jaccard_coefficient` scores each pair (the country, other).

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    iso3 : str
        Key of the country.
    top : int
        How many similar countries to return.
    exclude : iterable of str
        Keys never returned (the Netherlands, the side that links, by default).
    timeline : Timeline, optional
        Read the profiles at an as-of and known-by date (:class:`~koppel.graph.validity.Timeline`):
        a feature counts only when its nodes and relationships, and the country, hold there;
        the level is the latest assessment that holds. None: the graph as it is.

    Returns
    -------
    dict
        ``{"country", "features": [...], "similar": [{"key", "name", "score", "shared": [...]}]}``, best first;
        countries sharing no feature are left out. At a timeline also ``as_of`` and ``known_by`` (ISO text or None).
    """
    if top < 1:
        raise ValidationError(f"top must be at least 1 (got {top})")
    key = country_key(store, iso3)
    _require_country(store, key)
    graph = nx.Graph()
    stamp = timeline.query() if _at(timeline) else {}
    for row in sorted(_profile_rows(store, timeline), key=lambda r: (r["country"], r["feature"] or "")):
        if row["feature"] is None:
            continue
        graph.add_node(("country", row["country"]), kind="country")
        graph.add_edge(("country", row["country"]), ("feature", row["feature"]))
    me = ("country", key)
    features = sorted(f for _, f in graph[me]) if me in graph else []
    if not features:
        return {"country": key, "features": [], "similar": [], **stamp}
    skip = {("country", k) for k in exclude} | {me}
    others = {n for f in graph[me] for n in graph[f] if n not in skip}
    scored = sorted(
        ((other[1], round(value, 4)) for _, other, value in nx.jaccard_coefficient(graph, [(me, o) for o in sorted(others)]) if value > 0),
        key=lambda item: (-item[1], item[0]),
    )[:top]
    names = _names(store, {"Country": [k for k, _ in scored]})
    mine = set(graph[me])
    return {
        "country": key,
        "features": features,
        "similar": [
            {"key": other, "name": names.get(other, {}).get("name"), "score": value,
             "shared": sorted(f for _, f in mine & set(graph[("country", other)]))}
            for other, value in scored
        ],
        **stamp,
    }


# -- centrality ------------------------------------------------------------------------------

def connector_graph(store: GraphStore, timeline: Timeline | None = None) -> nx.Graph:
    """The connector layer as an undirected :class:`networkx.Graph` (projects folded into donor edges).

    Nodes carry ``label``; edges carry ``type``. With a ``timeline`` (an as-of
    or known-by date), relationships and nodes that do not hold then are left out.
    """
    graph = nx.Graph()
    timed = _at(timeline)
    rows = _held(_rows(store, Q_LAYER_TIMED), timeline) if timed else _rows(store, Q_LAYER)
    # Sorted, so node order (which sampled betweenness draws from) is the same on every store.
    for row in sorted(rows, key=lambda r: (r["src"], r["dst"], r["type"])):
        graph.add_node(row["src"], label=row["src_label"])
        graph.add_node(row["dst"], label=row["dst_label"])
        graph.add_edge(row["src"], row["dst"], type=row["type"])
    if timed:
        _drop_unheld(store, graph, {node: data["label"] for node, data in graph.nodes(data=True)}, timeline)
        graph.remove_nodes_from([node for node in list(graph) if graph.degree(node) == 0])
    return graph


def centrality(store: GraphStore, *, label: str | None = None, k: int | None = None, top: int = 20, timeline: Timeline | None = None) -> dict[str, Any]:
    """Betweenness and degree centrality of forums and donors (or of one label) in the connector layer.

    Betweenness is :func:`networkx.betweenness_centrality`, exact on a
    projection of at most 500 nodes and otherwise estimated from ``k``
    sampled sources (32 by default, fixed seed, so results repeat). Degree is
    :func:`networkx.degree_centrality`. Exact all-pairs betweenness on a large
    graph takes minutes; it is never run unless ``k`` is at least the node count.

    Parameters
    ----------
    store : GraphStore
        The graph to read.
    label : str, optional
        Only rank nodes of this label (Forum, Donor, CountryGroup, Organisation,
        Agreement, Country); forums and donors when None.
    k : int, optional
        Number of sampled sources for betweenness.
    top : int
        How many nodes to return.
    timeline : Timeline, optional
        Read the connector layer at an as-of or known-by date (see :func:`connector_graph`).

    Returns
    -------
    dict
        ``{"label", "nodes", "edges", "exact", "k", "ranking": [{"key", "name", "label", "betweenness", "degree"}]}``.
    """
    if label is not None and label not in CONNECTOR_LABELS:
        raise ValidationError(f"label {label!r} is not in the connector layer; use one of {', '.join(CONNECTOR_LABELS)}")
    if k is not None and k < 1:
        raise ValidationError(f"k must be at least 1 (got {k})")
    graph = connector_graph(store, timeline)
    n = graph.number_of_nodes()
    samples = k if k is not None else (None if n <= EXACT_LIMIT else DEFAULT_SAMPLES)
    exact = samples is None or samples >= n
    if n == 0:
        between: dict[str, float] = {}
        degree: dict[str, float] = {}
    else:
        between = nx.betweenness_centrality(graph, k=None if exact else samples, seed=None if exact else SEED)
        degree = nx.degree_centrality(graph)
    wanted = {label} if label else {"Forum", "Donor"}
    ranked = sorted(
        (node for node, data in graph.nodes(data=True) if data.get("label") in wanted),
        key=lambda node: (-between.get(node, 0.0), -degree.get(node, 0.0), node),
    )[:top]
    by_label: dict[str, list[str]] = defaultdict(list)
    for node in ranked:
        by_label[graph.nodes[node]["label"]].append(node)
    names = _names(store, by_label)
    return {
        "label": label,
        "nodes": n,
        "edges": graph.number_of_edges(),
        "exact": exact,
        "k": None if exact else samples,
        "ranking": [
            {"key": node, "name": names.get(node, {}).get("name"), "label": graph.nodes[node]["label"],
             "betweenness": round(between.get(node, 0.0), 6), "degree": round(degree.get(node, 0.0), 6)}
            for node in ranked
        ],
    }
