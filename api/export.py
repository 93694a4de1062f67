"""Whole-graph exports: kept as an import path; the code lives in :mod:`koppel.queries.export` (the engine calls it)."""

from koppel.queries.export import FORMATS, MEDIA_TYPES, export_graph, export_network, graph_json, xml_text

__all__ = ["FORMATS", "MEDIA_TYPES", "export_graph", "export_network", "graph_json", "xml_text"]
