"""The graph schema as data: ``schema.yaml`` loaded once into plain objects.

Everything that needs to know the shape of the graph asks :data:`SCHEMA`:
the store DDL (:mod:`koppel.graph.ddl`), the pydantic models that validate
facts files (:mod:`koppel.graph.models`) and the API's JSON schemas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from typing import Any

import yaml

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


@dataclass(frozen=True)
class RelType:
    type: str
    description: str
    properties: dict[str, Property]
    endpoints: tuple[tuple[str, str], ...]

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


def parse_schema(raw: dict[str, Any]) -> Schema:
    """Build a :class:`Schema` from the parsed YAML, checking it is coherent."""
    node_common = _properties(raw["common"]["node"], "common.node")
    rel_common = _properties(raw["common"]["relationship"], "common.relationship")
    nodes = {}
    for label, spec in raw["nodes"].items():
        if not _IDENTIFIER.match(label):
            raise ValueError(f"node label {label!r} is not an identifier")
        own = _properties(spec.get("properties"), f"nodes.{label}")
        nodes[label] = NodeType(label, spec.get("description", ""), {**node_common, **own})
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
        relationships[rel_type] = RelType(rel_type, spec.get("description", ""), {**rel_common, **own}, endpoints)
    return Schema(nodes, relationships, node_common, rel_common)


def load_schema() -> Schema:
    text = resources.files("koppel.graph").joinpath("schema.yaml").read_text(encoding="utf-8")
    return parse_schema(yaml.safe_load(text))


SCHEMA = load_schema()
