"""Exploring the graph around nodes: one node, a neighbourhood, a shortest connection.

Each answer is Cytoscape.js elements (:mod:`koppel.queries.elements`), built
from the stores' own one-step queries (a key lookup per label, then one hop
out and one hop in), so both stores answer alike and no table is scanned; :func:`path` reads a whole search level in two statements.

Every function takes a ``timeline`` (:class:`koppel.graph.validity.Timeline`),
the one rule of as-of and known-by the profile and the linkages also follow:
a relationship or neighbour that does not hold at it is not walked, and an
undated fact carries ``undated``/``first_reported`` among its properties. The
node asked for is always shown.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from koppel.graph import dialect
from koppel.graph.errors import NotFound, QueryError, QueryTimeout, ValidationError
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


_TIME_PROPERTIES = ("valid_from", "date", "as_of", "date_signed", "valid_to", "known_from", "sources")
"""The properties :meth:`Timeline.holds` reads (:mod:`koppel.graph.validity`): all a path search fetches besides keys."""

PATH_BUDGET = 10_000
"""Nodes a path search may reach (both ends together) before it refuses with :class:`QueryError`."""

PATH_TIMEOUT = 5.0
"""Seconds a path search may run (its store statements included) before it refuses with :class:`QueryError`."""

Step = tuple[str, str, str, bool]
"""One relationship seen from a frontier node: (frontier key, neighbour key, relationship type, True when it points out of the frontier node)."""


def _step_statements(store: GraphStore, timeline: Timeline | None) -> list[tuple[str, list[str], list[str]]]:
    """The two statements of one search level (out, in), with the relationship and neighbour properties each returns."""
    schema = store.schema
    node_props = set(schema.node_common) | {name for label in schema.labels for name in schema.node(label).properties}
    rel_props = set(schema.rel_common) | {name for rel in schema.rel_types for name in schema.relationship(rel).properties}
    wanted_r = [p for p in _TIME_PROPERTIES if p in rel_props] if timeline is not None else []
    wanted_m = [p for p in _TIME_PROPERTIES if p in node_props] if timeline is not None else []
    columns = "".join(f", r.{p} AS r_{p}" for p in wanted_r) + "".join(f", m.{p} AS m_{p}" for p in wanted_m)
    return [
        (dialect.translate(f"UNWIND $keys AS k MATCH (n {{key: k}}){arrow}(m) RETURN k AS k, m.key AS mk, {{{{type(r)}}}} AS t{columns}", store.kind), wanted_r, wanted_m)
        for arrow in ("-[r]->", "<-[r]-")
    ]


def _step(store: GraphStore, keys: list[str], timeline: Timeline | None, deadline: float) -> list[Step]:
    """Every relationship of the ``keys`` nodes, both directions, in two statements; with a ``timeline``, only those that hold with their neighbour."""
    steps: list[Step] = []
    for out, (cypher, wanted_r, wanted_m) in zip((True, False), _step_statements(store, timeline)):
        left = deadline - time.monotonic()
        if left <= 0:
            raise QueryTimeout("its time ran out between two statements")
        for row in store.run(cypher, {"keys": keys}, timeout=left).rows:
            if timeline is not None:
                rel = {p: v for p, v in zip(wanted_r, row[3:3 + len(wanted_r)]) if v is not None}
                neighbour = {p: v for p, v in zip(wanted_m, row[3 + len(wanted_r):]) if v is not None}
                if not (timeline.holds(rel) and timeline.holds(neighbour)):
                    continue
            steps.append((row[0], row[1], row[2], out))
    return steps

def path(
    store: GraphStore, source: str, target: str, *, max_steps: int = 4, timeline: Timeline | None = None,
    budget: int = PATH_BUDGET, timeout: float = PATH_TIMEOUT,
) -> dict[str, Any]:
    """A shortest connection from ``source`` to ``target`` (relationships in either direction, at most ``max_steps``).

    Elements with the nodes in path order and the edges between them; empty
    elements when none is that short (at once when either end has no
    relationship). :class:`NotFound` when either key is unknown,
    :class:`ValidationError` for ``max_steps`` outside 1-6, :class:`QueryError`
    when the search would reach more than ``budget`` nodes or run past
    ``timeout`` seconds (it stops there; nothing keeps running).

    How: a breadth-first search from both ends at once, level by level, each
    level two store statements for its whole frontier (``UNWIND $keys``, out
    and in, keys and types only; with a ``timeline`` also the dated
    properties :meth:`Timeline.holds` reads), always widening the smaller
    frontier. Which of several equally short paths: the one a breadth-first
    search from ``source`` finds when it walks each node's relationships
    outgoing first, then incoming, each by neighbour key then relationship
    type, and keeps the first way it reached every node (so both stores
    answer alike, and the same as the earlier one-node-at-a-time search,
    except that this one walks every relationship: the earlier one saw at
    most 1,000 each way per node, and on the default load NLD has 1,200
    incoming and GBR 1,015).
    """
    if not 1 <= max_steps <= 6:
        raise ValidationError(f"max_steps {max_steps} is not between 1 and 6")
    found = find(store, target)
    nodes = {source: _shown(timeline, find(store, source)), target: _shown(timeline, found)}
    elements = ElementSet()
    if source == target:
        elements.add_node(nodes[source])
        return elements.as_dict()
    if timeline is not None and not timeline.holds(found):  # the target is reached as a neighbour, which must hold
        return elements.as_dict()
    deadline = time.monotonic() + timeout
    linked = store.run(dialect.translate("UNWIND $keys AS k MATCH (n {key: k}) WHERE EXISTS { MATCH (n)--() } RETURN k AS k", store.kind), {"keys": [source, target]}).rows
    if len(linked) < 2:  # an end with no relationship at all: nothing to search
        return elements.as_dict()
    dist: tuple[dict[str, int], dict[str, int]] = ({source: 0}, {target: 0})
    # Per side: node -> the ways it was first reached, (node one step nearer that side's end, edge source, edge target, type, out of that node).
    ways: tuple[dict[str, list[tuple[str, str, str, str, bool]]], ...] = ({}, {})
    frontier = [[source], [target]]
    depth, length, meeting = [0, 0], 0, []
    try:
        while depth[0] + depth[1] < max_steps and frontier[0] and frontier[1]:
            side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
            here, level = dist[side], depth[side] + 1
            reached = []
            for key, other, rel_type, out in _step(store, sorted(frontier[side]), timeline, deadline):
                if other not in here:
                    here[other] = level
                    reached.append(other)
                elif here[other] != level:
                    continue
                ways[side].setdefault(other, []).append((key, *((key, other) if out else (other, key)), rel_type, out))
            depth[side], frontier[side] = level, reached
            if len(dist[0]) + len(dist[1]) > budget:
                raise QueryError(f"path search from {source!r} to {target!r} stopped: it reached more than {budget:,} nodes; ask for fewer steps (max_steps) or nearer nodes")
            met = [key for key in reached if key in dist[1 - side]]
            if met:
                length = min(dist[0][key] + dist[1][key] for key in met)
                meeting = [key for key in met if dist[0][key] + dist[1][key] == length]
                break
    except QueryTimeout as error:
        raise QueryError(f"path search from {source!r} to {target!r} stopped after {timeout:g} s ({error})") from None
    if not meeting:
        return elements.as_dict()
    # The relationships on some shortest path, each from its node nearer the source: (order at that node, next node, edge source, edge target, type).
    onward: dict[str, list[tuple[tuple[int, str, str], str, str, str, str]]] = {}
    for side in (0, 1):
        todo, done = list(meeting), set(meeting)
        while todo:
            key = todo.pop()
            for nearer, a, b, rel_type, out in ways[side].get(key, ()):
                if side == 0:  # nearer -> key, walked from nearer
                    onward.setdefault(nearer, []).append(((0 if out else 1, key, rel_type), key, a, b, rel_type))
                else:  # key -> nearer (nearer is nearer the target), walked from key: out of nearer is into key
                    onward.setdefault(key, []).append(((1 if out else 0, nearer, rel_type), nearer, a, b, rel_type))
                if nearer not in done:
                    done.add(nearer)
                    todo.append(nearer)
    parent: dict[str, tuple[str, str, str, str]] = {}
    level_keys = [source]
    for _ in range(length):
        next_keys = []
        for key in level_keys:
            for _order, other, a, b, rel_type in sorted(onward.get(key, ())):
                if other not in parent and other != source:
                    parent[other] = (key, a, b, rel_type)
                    next_keys.append(other)
        level_keys = next_keys
    keys, current = [target], target
    while current != source:
        current = parent[current][0]
        keys.append(current)
    keys.reverse()
    nodes.update(_nodes(store, [key for key in keys if key not in nodes], timeline))
    for key in keys:
        elements.add_node(nodes[key])
    for key in keys[1:]:
        _, a, b, rel_type = parent[key]
        elements.add_edge(a, b, _relationship(store, a, b, rel_type, timeline))
    return elements.as_dict()


def _nodes(store: GraphStore, keys: list[str], timeline: Timeline | None) -> dict[str, dict[str, Any]]:
    """The nodes with these keys (of any label), as shown at ``timeline``, by key."""
    found: dict[str, dict[str, Any]] = {}
    if keys:
        for cypher, params in dialect.nodes_by_key(store.kind, {label: keys for label in store.schema.labels}):
            for (node,) in store.run(cypher, params).rows:
                found[node["key"]] = _shown(timeline, node)
    return found


def _relationship(store: GraphStore, source: str, target: str, rel_type: str, timeline: Timeline | None) -> dict[str, Any]:
    """The relationship of ``rel_type`` from ``source`` to ``target`` (node keys), as shown at ``timeline``."""
    cypher = f"MATCH (a {{key: $a}})-[r:{store.schema.check_rel_type(rel_type)}]->(b {{key: $b}}) RETURN r"
    rows = [r for (r,) in store.run(cypher, {"a": source, "b": target}).rows if timeline is None or timeline.holds(r)]
    rel = rows[0]
    return rel if timeline is None else timeline.shown(rel, ends=(source, target))
