"""The engine: one object that answers every question koppel can be asked.

Placeholder being filled in; :func:`describe_schema` is final.
"""

from __future__ import annotations

from koppel.graph.schema import DISPLAY_LANGUAGES, SCHEMA, Property, Schema

from .answers import LabelInfo, PropertyInfo, RelTypeInfo, SchemaAnswer


def _properties(props: dict[str, Property]) -> list[PropertyInfo]:
    return [
        PropertyInfo(name=p.name, type=p.type, required=p.required, description=p.description, values=list(p.values) if p.values else None)
        for p in props.values()
    ]


def describe_schema(schema: Schema = SCHEMA) -> SchemaAnswer:
    """The schema as the faces show it: every label and relationship type with display names, style and properties."""
    return SchemaAnswer(
        languages=list(DISPLAY_LANGUAGES),
        labels=[
            LabelInfo(label=n.label, names=n.names, style=n.style, searchable=n.searchable, description=n.description, properties=_properties(n.properties))
            for n in schema.nodes.values()
        ],
        relationship_types=[
            RelTypeInfo(type=r.type, names=r.names, style=r.style, description=r.description, endpoints=list(r.endpoints), properties=_properties(r.properties))
            for r in schema.relationships.values()
        ],
    )
