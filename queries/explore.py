"""Exploring the graph around nodes: one node, a neighbourhood, a shortest connection.

Each answer is Cytoscape.js elements (:mod:`koppel.queries.elements`), built
from the stores' own one-step queries (a key lookup per label, then one hop
out and one hop in), so both stores answer alike and no table is scanned.

Every function takes a ``timeline`` (:class:`koppel.graph.validity.Timeline`),
the one rule of as-of and known-by the profile and the linkages also follow:
a relationship or neighbour that does not hold at it is not walked, and an
undated fact carries ``undated``/``first_reported`` among its properties. The
node asked for is always shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from koppel.graph import dialect
from koppel.graph.errors import NotFound, ValidationError
from koppel.graph.store import GraphStore
from koppel.graph.validity import Timeline

from .elements import ElementSet

Hop = tuple[str, str, dict[str, Any], dict[str, Any]]
"""(edge source key, edge target key, relationship, the neighbour reached)."""


def find(store: GraphStore, key: str) -> dict[str, Any]:
    """The node with this key, whatever its label; :class:`NotFound` when none has it."""
    if store.has_schema():
        for cypher, params in dialect.nodes_by_key(store.kind, {label: [key] for label in store.schema.labels}):
            node = store.run(cypher, params).value()
            if node:
                return node
    raise NotFound(f"no node with key {key!r}")


def _shown(timeline: Timeline | None, item: dict[str, Any]) -> dict[str, Any]:
    return item if timeline is None else timeline.shown(item)


def hop(store: GraphStore, node: dict[str, Any], limit: int, timeline: Timeline | None = None) -> list[Hop]:
    """Relationships of one node, both directions, at most ``limit`` each way, by neighbour key.

    With a ``timeline``, those whose relationship or neighbour does not hold at it are left out (after the limit).
    """
    key, match = node["key"], f"MATCH (n:{store.schema.check_label(node['_label'])} {{key: $key}})"
    # Ordered, so a limit keeps the same neighbours on every store and in every process.
    out = store.run(dialect.translate(f"{match}-[r]->(m) RETURN r, m ORDER BY m.key, {{{{type(r)}}}} LIMIT $limit", store.kind), {"key": key, "limit": limit}).rows
    into = store.run(dialect.translate(f"{match}<-[r]-(m) RETURN r, m ORDER BY m.key, {{{{type(r)}}}} LIMIT $limit", store.kind), {"key": key, "limit": limit}).rows
    hops = [(key, m["key"], r, m) for r, m in out] + [(m["key"], key, r, m) for r, m in into]
    if timeline is None:
        return hops
    return [(a, b, timeline.shown(r, ends=(a, b)), timeline.shown(m)) for a, b, r, m in hops if timeline.holds(r) and timeline.holds(m)]


def node(store: GraphStore, label: str, key: str, *, limit: int = 500, timeline: Timeline | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The node ``label``/``key`` (its properties and ``label``) and its direct neighbourhood as elements."""
    if label not in store.schema.nodes:
        raise ValidationError(f"unknown label {label!r}; known: {', '.join(store.schema.labels)}")
    found = store.run(f"MATCH (n:{label} {{key: $key}}) RETURN n", {"key": key}).value() if store.has_schema() else None
    if not found:
        raise NotFound(f"no {label} with key {key!r}")
    found = _shown(timeline, found)
    elements = ElementSet()
    elements.add_node(found)
    for source, target, rel, neighbour in hop(store, found, limit, timeline):
        elements.add_node(neighbour)
        elements.add_edge(source, target, rel)
    return {**{k: v for k, v in found.items() if k != "_label"}, "label": found["_label"]}, elements.as_dict()


def neighbourhood(
    store: GraphStore, key: str, *, depth: int = 1, labels: Iterable[str] | None = None, limit: int = 200, timeline: Timeline | None = None
) -> dict[str, Any]:
    """Nodes within ``depth`` (1-3) steps of ``key``, at most ``limit`` (1-2000), only of ``labels`` if given (the start node always)."""
    if not 1 <= depth <= 3:
        raise ValidationError(f"depth {depth} is not between 1 and 3")
    if not 1 <= limit <= 2000:
        raise ValidationError(f"limit {limit} is not between 1 and 2000")
    wanted = {label.strip() for label in labels or () if label.strip()} or None
    for label in wanted or ():
        if label not in store.schema.nodes:
            raise ValidationError(f"unknown label {label!r} in labels; known: {', '.join(store.schema.labels)}")
    start = _shown(timeline, find(store, key))
    elements = ElementSet()
    elements.add_node(start)
    frontier = [start]
    for _ in range(depth):
        next_frontier = []
        for current in frontier:
            for source, target, rel, neighbour in hop(store, current, limit, timeline):
                if wanted and neighbour["_label"] not in wanted:
                    continue
                if neighbour["key"] not in elements.nodes:
                    if len(elements.nodes) >= limit:
                        return elements.as_dict()
                    elements.add_node(neighbour)
                    next_frontier.append(neighbour)
                elements.add_edge(source, target, rel)
        frontier = next_frontier
    return elements.as_dict()


def path(store: GraphStore, source: str, target: str, *, max_steps: int = 4, timeline: Timeline | None = None) -> dict[str, Any]:
    """A shortest connection from ``source`` to ``target`` (relationships in either direction, at most ``max_steps``).

    Elements with the nodes in path order and the edges between them; empty
    elements when none is that short. Breadth-first over :func:`hop`, so both
    stores answer alike. :class:`NotFound` when either key is unknown.
    """
    if not 1 <= max_steps <= 6:
        raise ValidationError(f"max_steps {max_steps} is not between 1 and 6")
    nodes = {source: _shown(timeline, find(store, source)), target: _shown(timeline, find(store, target))}
    parent: dict[str, tuple[str, str, str, dict[str, Any]]] = {}  # node -> (previous, edge source, edge target, rel)
    frontier, seen = [source], {source}
    for _ in range(max_steps):
        if target in seen or not frontier:
            break
        next_frontier = []
        for current in frontier:
            for a, b, rel, neighbour in hop(store, nodes[current], 1000, timeline):
                other = neighbour["key"]
                if other in seen:
                    continue
                seen.add(other)
                nodes[other] = neighbour
                parent[other] = (current, a, b, rel)
                next_frontier.append(other)
        frontier = next_frontier
    elements = ElementSet()
    if source == target:
        elements.add_node(nodes[source])
    elif target in seen:
        keys, current = [target], target
        while current != source:
            current = parent[current][0]
            keys.append(current)
        keys.reverse()
        for key in keys:
            elements.add_node(nodes[key])
        for key in keys[1:]:
            _, a, b, rel = parent[key]
            elements.add_edge(a, b, rel)
    return elements.as_dict()
