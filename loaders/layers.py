"""The default load: the letter's seed graph plus every layer registered in :data:`DEFAULT_LAYERS`, merged into one set of facts.

A layer is a function returning ``(Facts, reports)``, where reports are lines
for people (what was skipped and why). Layers are merged in order by
:func:`merge_facts`: a node or relationship two layers both state becomes one
record whose ``sources`` (and ``aliases``) are the union, in order, and whose
other properties come from the first layer that sets them, so the letter's
names and descriptions win over a dataset's. Another engineer adding a layer
(the treaty corpus) appends it to :data:`DEFAULT_LAYERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from koppel.graph.errors import ValidationError
from koppel.graph.models import NodeRecord, RelRecord

from .facts import Facts, parse_facts

Layer = Callable[[], tuple[Facts, list[str]]]
_UNION = ("sources", "aliases")


def _seed_layer() -> tuple[Facts, list[str]]:
    from . import seed_files

    return parse_facts(seed_files()), []


def _data_layer() -> tuple[Facts, list[str]]:
    from .data import load_data_layers

    loaded = load_data_layers()
    summary = [
        f"{report.dataset}: {report.rows} rows read, {report.rows_skipped} skipped, {report.nodes} nodes and {report.relationships} relationships"
        for _, report in loaded
    ]
    return merge_facts(facts for facts, _ in loaded), summary + [line for _, report in loaded for line in report.lines()]


def _treaties_layer() -> tuple[Facts, list[str]]:
    from .ingest.review import reviewed_layer

    return reviewed_layer()


DEFAULT_LAYERS: list[tuple[str, Layer]] = [
    ("seed", _seed_layer),
    ("data", _data_layer),
    ("treaties", _treaties_layer),
]
"""(name, loader) of every layer of the default load, in merge order; the seed comes first."""


def _merged(first: dict, second: dict) -> dict:
    out = dict(first)
    for name, value in second.items():
        if name in _UNION and (out.get(name) or value):
            out[name] = list(dict.fromkeys([*(out.get(name) or []), *(value or [])]))
        elif out.get(name) is None and value is not None:
            out[name] = value
    return out


def merge_facts(parts: Iterable[Facts]) -> Facts:
    """One set of facts from several: same-key nodes and same (start, type, end) relationships become one record (sources united, first value wins).

    Raises :class:`ValidationError` if two parts give one key different labels.
    """
    nodes: dict[str, NodeRecord] = {}
    rels: dict[tuple[str, str, str], RelRecord] = {}
    for facts in parts:
        for node in facts.nodes:
            seen = nodes.get(node.key)
            if seen is None:
                nodes[node.key] = node
            elif seen.label != node.label:
                raise ValidationError(f"key {node.key!r} is a {seen.label} in one layer and a {node.label} in another")
            else:
                nodes[node.key] = replace(seen, properties=_merged(seen.properties, node.properties))
        for rel in facts.relationships:
            seen = rels.get(rel.identity)
            rels[rel.identity] = rel if seen is None else replace(seen, properties=_merged(seen.properties, rel.properties))
    return Facts(list(nodes.values()), list(rels.values()))


def default_facts(layers: list[tuple[str, Layer]] | None = None) -> tuple[Facts, list[str]]:
    """The facts of the default load (seed first, then each layer) and the layers' report lines."""
    parts: list[Facts] = []
    lines: list[str] = []
    for name, layer in layers or DEFAULT_LAYERS:
        facts, report = layer()
        parts.append(facts)
        lines += report
    return merge_facts(parts), lines
