"""Nodes, neighbourhoods and connections, as Cytoscape.js elements."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from koppel.graph import dialect
from koppel.graph.errors import NotFound, ValidationError
from koppel.graph.schema import SCHEMA
from koppel.graph.store import GraphStore

from ..elements import ElementSet, edge_id
from ..deps import Store

router = APIRouter(prefix="/api", tags=["graph"])
Key = Annotated[str, Query(min_length=1, max_length=200, examples=["IRQ"])]


def _find(store: GraphStore, key: str) -> dict[str, Any]:
    """The node with this key, whatever its label (a key lookup per label, never a scan of every table)."""
    for cypher, params in dialect.nodes_by_key(store.kind, {label: [key] for label in SCHEMA.labels}):
        node = store.run(cypher, params).value()
        if node:
            return node
    raise NotFound(f"no node with key {key!r}")


def _hop(store: GraphStore, node: dict[str, Any], limit: int) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """Relationships of one node as (source, target, relationship, neighbour), both directions."""
    key, match = node["key"], f"MATCH (n:{node['_label']} {{key: $key}})"
    out = store.run(f"{match}-[r]->(m) RETURN r, m LIMIT $limit", {"key": key, "limit": limit}).rows
    into = store.run(f"{match}<-[r]-(m) RETURN r, m LIMIT $limit", {"key": key, "limit": limit}).rows
    return [(key, m["key"], r, m) for r, m in out] + [(m["key"], key, r, m) for r, m in into]


@router.get("/nodes/{label}/{key}", summary="One node and its direct neighbourhood")
def get_node(label: Annotated[str, Path(examples=["Country"])], key: Annotated[str, Path(max_length=200, examples=["IRQ"])], store: Store) -> dict[str, Any]:
    if label not in SCHEMA.nodes:
        raise ValidationError(f"unknown label {label!r}; known: {', '.join(SCHEMA.labels)}")
    node = store.run(f"MATCH (n:{label} {{key: $key}}) RETURN n", {"key": key}).value()
    if not node:
        raise NotFound(f"no {label} with key {key!r}")
    elements = ElementSet()
    elements.add_node(node)
    for source, target, rel, neighbour in _hop(store, node, 500):
        elements.add_node(neighbour)
        elements.add_edge(source, target, rel)
    return {"node": {**{k: v for k, v in node.items() if k != "_label"}, "label": node["_label"]}, "elements": elements.as_dict()}


@router.get("/graph/neighbourhood", summary="Nodes within `depth` steps of a node, as Cytoscape.js elements")
def neighbourhood(
    store: Store,
    key: Key,
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
    labels: Annotated[str | None, Query(description="Comma-separated labels to keep (the start node is always kept).", examples=["Country,Dossier"])] = None,
    limit: Annotated[int, Query(ge=1, le=2000)] = 200,
) -> dict[str, Any]:
    wanted = {label.strip() for label in labels.split(",") if label.strip()} if labels else None
    for label in wanted or ():
        if label not in SCHEMA.nodes:
            raise ValidationError(f"unknown label {label!r} in labels; known: {', '.join(SCHEMA.labels)}")
    start = _find(store, key)
    elements = ElementSet()
    elements.add_node(start)
    frontier = [start]
    for _ in range(depth):
        next_frontier = []
        for current in frontier:
            for source, target, rel, neighbour in _hop(store, current, limit):
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


@router.get("/graph/path", summary="A shortest connection between two nodes (up to 4 steps)")
def path(
    store: Store,
    source: Annotated[str, Query(alias="from", min_length=1, max_length=200, examples=["NLD"])],
    target: Annotated[str, Query(alias="to", min_length=1, max_length=200, examples=["IRQ"])],
) -> dict[str, Any]:
    """Breadth-first search over the stores' own one-step queries, so both stores answer alike."""
    nodes = {source: _find(store, source), target: _find(store, target)}
    parent: dict[str, tuple[str, str, str, dict[str, Any]]] = {}  # node -> (previous, edge source, edge target, rel)
    frontier, seen = [source], {source}
    for _ in range(4):
        if target in seen or not frontier:
            break
        next_frontier = []
        for current in frontier:
            for a, b, rel, neighbour in _hop(store, nodes[current], 1000):
                other = neighbour["key"]
                if other in seen:
                    continue
                seen.add(other)
                nodes[other] = neighbour
                parent[other] = (current, a, b, rel)
                next_frontier.append(other)
        frontier = next_frontier
    elements = ElementSet()
    paths = []
    if target in seen and source != target:
        keys, edges, current = [target], [], target
        while current != source:
            previous, a, b, rel = parent[current]
            edges.append(edge_id(a, rel["_type"], b))
            keys.append(previous)
            current = previous
        keys.reverse()
        edges.reverse()
        for key in keys:
            elements.add_node(nodes[key])
        for key in keys[1:]:
            _, a, b, rel = parent[key]
            elements.add_edge(a, b, rel)
        paths.append({"nodes": keys, "edges": edges})
    return {"paths": paths, "elements": elements.as_dict()}
