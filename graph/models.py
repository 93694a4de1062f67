"""Pydantic models derived from the schema.

One model per node label and per relationship type, built from
:data:`koppel.graph.schema.SCHEMA`; nothing here restates the schema.
:class:`NodeRecord` and :class:`RelRecord` are the validated, store-ready
forms every loader hands to a :class:`~koppel.graph.store.GraphStore`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator

from .schema import SCHEMA, Property, Schema
from .statements import DERIVED, value_problem

_PY_TYPES: dict[str, Any] = {
    "string": str,
    "string[]": list[str],
    "int": int,
    "float": float,
    "bool": bool,
    "date": dt.date,
}

LOCATOR_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*#L[1-9][0-9]*(-L[1-9][0-9]*)?$"
_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _calendar_date(value: Any) -> Any:
    """A date is a calendar day (YAML date or ``YYYY-MM-DD``): never a number read as days since 1970, never a timestamp."""
    if isinstance(value, dt.datetime):
        raise ValueError("a date is a day (YYYY-MM-DD), not a timestamp")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DAY.match(value.strip()):
        return value.strip()
    raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @field_validator("sources", check_fields=False)
    @classmethod
    def _at_least_one_source(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("every fact cites at least one source locator")
        return value

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        """No control characters in any string, no non-finite number (pydantic's own check covers plain floats)."""
        if problem := value_problem(value):
            raise ValueError(problem)
        return value


def _field(prop: Property) -> tuple[Any, Any]:
    annotation = Literal[prop.values] if prop.values else _PY_TYPES[prop.type]  # type: ignore[valid-type]
    if prop.type == "string[]":
        item = Literal[prop.values] if prop.values else str  # type: ignore[valid-type]
        annotation = list[item]  # type: ignore[valid-type]
    if prop.type == "date":
        annotation = Annotated[dt.date, BeforeValidator(_calendar_date)]
    extra: dict[str, Any] = {"description": prop.description or None}
    if prop.name == "sources":
        annotation = list[str]
        extra["json_schema_extra"] = {"items": {"pattern": LOCATOR_PATTERN}}
    if prop.required:
        return annotation, Field(..., **extra)
    return annotation | None, Field(None, **extra)


@cache
def node_model(label: str, schema: Schema = SCHEMA) -> type[BaseModel]:
    """The pydantic model of one node label's properties (``key`` included)."""
    spec = schema.node(label)
    fields = {name: _field(prop) for name, prop in spec.properties.items() if name not in DERIVED}
    model = create_model(label, __base__=_Strict, __doc__=spec.description, **fields)
    return model


@cache
def rel_model(rel_type: str, schema: Schema = SCHEMA) -> type[BaseModel]:
    """The pydantic model of one relationship type's properties."""
    spec = schema.relationship(rel_type)
    fields = {name: _field(prop) for name, prop in spec.properties.items() if name not in DERIVED}
    return create_model(rel_type, __base__=_Strict, __doc__=spec.description, **fields)


@dataclass(frozen=True)
class NodeRecord:
    """A validated node: its label, key and properties (``None`` for unset).

    ``source`` is the document whose statement this record is (default: the
    document of its first locator, see :func:`koppel.graph.statements.record_source`);
    ``inferred`` maps property names (or ``record``) to the basis of a curator's
    inference. Both are optional; stores keep them per source.
    """

    label: str
    key: str
    properties: dict[str, Any] = field(hash=False)
    source: str | None = None
    inferred: dict[str, str] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class RelRecord:
    """A validated relationship, identified by (start key, type, end key)."""

    type: str
    start: str
    end: str
    start_label: str
    end_label: str
    properties: dict[str, Any] = field(hash=False)
    source: str | None = None
    inferred: dict[str, str] | None = field(default=None, hash=False)

    @property
    def identity(self) -> tuple[str, str, str]:
        return (self.start, self.type, self.end)
