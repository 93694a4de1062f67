"""The graph schema as data: ``schema.yaml`` loaded once into plain objects.

Everything that needs to know the shape of the graph asks :data:`SCHEMA`:
the store DDL (:mod:`koppel.graph.ddl`), the pydantic models that validate
facts files (:mod:`koppel.graph.models`) and the API's JSON schemas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
import functools
import json
from importlib import resources
from typing import Any


PROPERTY_TYPES = ("string", "string[]", "int", "float", "bool", "date")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    required: bool = False
    description: str = ""
    values: tuple[str, ...] | None = None


@dataclass(frozen=True)
class NodeType:
    label: str
    description: str
    properties: dict[str, Property]
    names: dict[str, str] = field(default_factory=dict)
    """Display names by language code (``nl``, ``en``)."""
    style: dict[str, Any] = field(default_factory=dict)
    """How the faces draw it: ``colour`` (``#rrggbb``), ``shape`` (a Cytoscape.js node shape), ``size`` (pixels)."""
    searchable: bool = True
    """Whether name search (:mod:`koppel.queries.search`) indexes this label."""


@dataclass(frozen=True)
class RelType:
    type: str
    description: str
    properties: dict[str, Property]
    endpoints: tuple[tuple[str, str], ...]
    names: dict[str, str] = field(default_factory=dict)
    """Display names by language code (``nl``, ``en``)."""
    style: dict[str, Any] = field(default_factory=dict)
    """How the faces draw it when it stands out: ``colour``, ``width`` (pixels), ``line`` (solid, dashed, dotted)."""

    def allows(self, from_label: str, to_label: str) -> bool:
        return (from_label, to_label) in self.endpoints


@dataclass(frozen=True, eq=False)
class Schema:
    nodes: dict[str, NodeType]
    relationships: dict[str, RelType]
    node_common: dict[str, Property] = field(repr=False, default_factory=dict)
    rel_common: dict[str, Property] = field(repr=False, default_factory=dict)

    @property
    def labels(self) -> list[str]:
        return list(self.nodes)

    @property
    def rel_types(self) -> list[str]:
        return list(self.relationships)

    @cached_property
    def list_properties(self) -> frozenset[str]:
        """Names of every list-typed property, on any node or relationship."""
        found = set()
        for spec in [*self.nodes.values(), *self.relationships.values()]:
            found.update(p.name for p in spec.properties.values() if p.type == "string[]")
        return frozenset(found)

    @cached_property
    def date_properties(self) -> frozenset[str]:
        found = set()
        for spec in [*self.nodes.values(), *self.relationships.values()]:
            found.update(p.name for p in spec.properties.values() if p.type == "date")
        return frozenset(found)

    @property
    def searchable_labels(self) -> list[str]:
        """Labels whose names and aliases name search indexes, in schema order."""
        return [label for label, spec in self.nodes.items() if spec.searchable]

    def node(self, label: str) -> NodeType:
        try:
            return self.nodes[label]
        except KeyError:
            raise KeyError(f"unknown node label {label!r}; known: {', '.join(self.nodes)}") from None

    def relationship(self, rel_type: str) -> RelType:
        try:
            return self.relationships[rel_type]
        except KeyError:
            raise KeyError(
                f"unknown relationship type {rel_type!r}; known: {', '.join(self.relationships)}"
            ) from None

    def check_label(self, label: str) -> str:
        """Return ``label`` if the schema declares it; labels are interpolated into Cypher only after this."""
        self.node(label)
        return label

    def check_rel_type(self, rel_type: str) -> str:
        self.relationship(rel_type)
        return rel_type


def _properties(raw: dict[str, Any] | None, where: str) -> dict[str, Property]:
    props = {}
    for name, spec in (raw or {}).items():
        if isinstance(spec, str):
            spec = {"type": spec}
        if not _IDENTIFIER.match(name):
            raise ValueError(f"{where}: property name {name!r} is not an identifier")
        if spec.get("type") not in PROPERTY_TYPES:
            raise ValueError(f"{where}.{name}: type {spec.get('type')!r} is not one of {PROPERTY_TYPES}")
        values = spec.get("values")
        props[name] = Property(
            name=name,
            type=spec["type"],
            required=bool(spec.get("required", False)),
            description=spec.get("description", ""),
            values=tuple(values) if values else None,
        )
    return props


DISPLAY_LANGUAGES = ("nl", "en")


def _names(spec: dict[str, Any], where: str) -> dict[str, str]:
    """The display names of a label or type: one non-empty string per language of :data:`DISPLAY_LANGUAGES` (none declared: empty)."""
    if "names" not in spec:
        return {}
    names = spec.get("names") or {}
    missing = [lang for lang in DISPLAY_LANGUAGES if not isinstance(names.get(lang), str) or not names[lang].strip()]
    if missing:
        raise ValueError(f"{where}.names: no display name for {', '.join(missing)}")
    return {lang: names[lang] for lang in DISPLAY_LANGUAGES}


def parse_schema(raw: dict[str, Any]) -> Schema:
    """Build a :class:`Schema` from the parsed YAML, checking it is coherent."""
    node_common = _properties(raw["common"]["node"], "common.node")
    rel_common = _properties(raw["common"]["relationship"], "common.relationship")
    nodes = {}
    for label, spec in raw["nodes"].items():
        if not _IDENTIFIER.match(label):
            raise ValueError(f"node label {label!r} is not an identifier")
        own = _properties(spec.get("properties"), f"nodes.{label}")
        nodes[label] = NodeType(
            label,
            spec.get("description", ""),
            {**node_common, **own},
            names=_names(spec, f"nodes.{label}"),
            style=dict(spec.get("style") or {}),
            searchable=bool(spec.get("searchable", True)),
        )
    relationships = {}
    for rel_type, spec in raw["relationships"].items():
        if not _IDENTIFIER.match(rel_type):
            raise ValueError(f"relationship type {rel_type!r} is not an identifier")
        endpoints = tuple((a, b) for a, b in spec["endpoints"])
        for a, b in endpoints:
            if a not in nodes or b not in nodes:
                raise ValueError(f"relationships.{rel_type}: endpoint ({a}, {b}) names an unknown label")
        if len(set(endpoints)) != len(endpoints):
            raise ValueError(f"relationships.{rel_type}: an endpoint pair is listed twice")
        own = _properties(spec.get("properties"), f"relationships.{rel_type}")
        relationships[rel_type] = RelType(
            rel_type,
            spec.get("description", ""),
            {**rel_common, **own},
            endpoints,
            names=_names(spec, f"relationships.{rel_type}"),
            style=dict(spec.get("style") or {}),
        )
    return Schema(nodes, relationships, node_common, rel_common)


def load_schema() -> Schema:
    """The :class:`Schema` of the ``schema.yaml`` koppel ships (parsed once per content: :mod:`koppel.graph.yamlcache`)."""
    from .yamlcache import load_packaged_yaml

    return parse_schema(load_packaged_yaml("schema", resources.files("koppel.graph").joinpath("schema.yaml").read_bytes()))


SCHEMA = load_schema()


@functools.lru_cache(maxsize=1)
def value_words() -> dict[str, dict[str, dict[str, str]]]:
    """The words for the schema's coded values, from ``graph/words.json``: ``{property: {value: {"nl": ..., "en": ...}}}``.

    ``property`` is the schema property whose ``values:`` the words name
    (``level``, ``status``, ``domain``, ``risk_factors``, ...). It is the one
    table of these words: the linkage engine's sentences, the country brief
    and the explorer (which imports the same file) all read it, so a value
    has the same name in every view. Read once per process.
    """
    text = resources.files("koppel.graph").joinpath("words.json").read_text(encoding="utf-8")
    return {kind: values for kind, values in json.loads(text).items() if not kind.startswith("$")}
