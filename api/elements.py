"""Graph payloads as Cytoscape.js elements: moved to :mod:`koppel.queries.elements` (the engine builds them); importable from here as before."""

from koppel.queries.elements import ElementSet, edge_element, edge_id, from_rows, node_element

__all__ = ["ElementSet", "edge_element", "edge_id", "from_rows", "node_element"]
