"""Whole-graph exports: JSON (koppel's own), GraphML and GEXF (for Gephi, Cytoscape desktop)."""

from __future__ import annotations

import io
import json
from typing import Any

import networkx as nx

from koppel.graph.errors import ValidationError
from koppel.graph.store import GraphStore

FORMATS = ("json", "graphml", "gexf")


def graph_json(store: GraphStore) -> dict[str, Any]:
    """Nodes and relationships with all properties, in a stable order."""
    return {"nodes": store.all_nodes(), "relationships": store.all_relationships()}


def _flat(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML and GEXF hold scalars only: lists become JSON text."""
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in data.items()})
    for a, b, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(a, b, key=key, **{k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in data.items()})
    return flat


def export_graph(store: GraphStore, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValidationError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps(graph_json(store), ensure_ascii=False, indent=2) + "\n"
    graph = _flat(store.to_networkx())
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8")
    else:
        nx.write_gexf(graph, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")
