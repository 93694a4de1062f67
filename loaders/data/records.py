"""Store-ready records for the data layers, validated by the schema's own models."""

from __future__ import annotations

from typing import Any

from koppel.graph.errors import ValidationError
from koppel.graph.models import NodeRecord, RelRecord, node_model, rel_model
from koppel.graph.schema import SCHEMA

from .names import country_properties


def node(label: str, key: str, properties: dict[str, Any]) -> NodeRecord:
    """A node validated against the schema (raises pydantic's error on a bad property)."""
    props = node_model(label, SCHEMA).model_validate({"key": key, **properties}).model_dump()
    props.pop("key")
    return NodeRecord(label, key, props)


def rel(rel_type: str, start: NodeRecord | tuple[str, str], end: NodeRecord | tuple[str, str], properties: dict[str, Any]) -> RelRecord:
    """A relationship validated against the schema; ``start``/``end`` are records or (label, key)."""
    start_label, start_key = (start.label, start.key) if isinstance(start, NodeRecord) else start
    end_label, end_key = (end.label, end.key) if isinstance(end, NodeRecord) else end
    if not SCHEMA.relationship(rel_type).allows(start_label, end_label):
        raise ValidationError(f"{rel_type} does not join {start_label}->{end_label}")
    props = rel_model(rel_type, SCHEMA).model_validate(properties).model_dump()
    return RelRecord(rel_type, start_key, end_key, start_label, end_label, props)


def country(iso3: str, sources: list[str]) -> NodeRecord:
    """A Country node keyed ``iso3`` with names and codes from pycountry (or koppel's table of non-ISO keys), citing ``sources``."""
    return node("Country", iso3, {**country_properties(iso3), "sources": sources})
