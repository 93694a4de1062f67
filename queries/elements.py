"""Graph payloads as Cytoscape.js elements JSON, so a frontend draws them directly.

Each node: ``{"data": {"id", "label", "type", "name", "properties", "sources"}}``;
each edge: ``{"data": {"id": "start|TYPE|end", "source", "target", "label", "type", "name", "properties", "sources"}}``.
"""

from __future__ import annotations

from typing import Any


def edge_id(source: str, rel_type: str, target: str) -> str:
    """The id of an edge: ``start|TYPE|end`` (node keys and the relationship type)."""
    return f"{source}|{rel_type}|{target}"


def node_element(node: dict[str, Any]) -> dict[str, Any]:
    """A normalised node (``{"_label", "key", ...}``) as a Cytoscape.js node element."""
    props = {k: v for k, v in node.items() if k not in ("_label", "sources")}
    return {
        "data": {
            "id": node["key"],
            "label": node["_label"],
            "type": node["_label"],
            "name": node.get("name") or node["key"],
            "properties": props,
            "sources": node.get("sources", []),
        }
    }


def edge_element(source: str, target: str, rel: dict[str, Any]) -> dict[str, Any]:
    """A normalised relationship (``{"_type", ...}``) between two node keys as a Cytoscape.js edge element."""
    props = {k: v for k, v in rel.items() if not k.startswith("_") and k != "sources"}
    return {
        "data": {
            "id": edge_id(source, rel["_type"], target),
            "source": source,
            "target": target,
            "label": rel["_type"],
            "type": rel["_type"],
            "name": rel["_type"],
            "properties": props,
            "sources": rel.get("sources", []),
        }
    }


class ElementSet:
    """Collects nodes and edges once each, in the order first seen."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[str, dict[str, Any]] = {}

    def add_node(self, node: dict[str, Any]) -> None:
        if node and node.get("key") is not None and node["key"] not in self.nodes:
            self.nodes[node["key"]] = node_element(node)

    def add_edge(self, source: str, target: str, rel: dict[str, Any]) -> None:
        element = edge_element(source, target, rel)
        self.edges.setdefault(element["data"]["id"], element)

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        keys = set(self.nodes)
        return {
            "nodes": list(self.nodes.values()),
            "edges": [e for e in self.edges.values() if e["data"]["source"] in keys and e["data"]["target"] in keys],
        }


def from_rows(columns: list[str], rows: list[list[Any]]) -> dict[str, list[dict[str, Any]]] | None:
    """Elements for the nodes and paths found in query results (a lone relationship does not name its endpoints: return the path)."""
    found = ElementSet()
    for row in rows:
        for value in row:
            _collect(value, found)
    return found.as_dict() if found.nodes else None


def _collect(value: Any, found: ElementSet) -> None:
    if isinstance(value, dict):
        if "_label" in value and "key" in value:
            found.add_node(value)
        elif "nodes" in value and "relationships" in value:
            for node in value["nodes"]:
                _collect(node, found)
            for rel in value["relationships"]:
                if rel.get("_start") and rel.get("_end"):
                    found.add_edge(rel["_start"], rel["_end"], rel)
    elif isinstance(value, list):
        for item in value:
            _collect(item, found)
