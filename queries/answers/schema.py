"""The schema as the faces show it (``GET /api/schema``, ``koppel schema``)."""

from typing import Any

from pydantic import Field

from .base import Answer


class PropertyInfo(Answer):
    name: str
    type: str = Field(description="string, string[], int, float, bool or date.")
    required: bool
    description: str = ""
    values: list[str] | None = Field(None, description="The only values allowed, where the schema lists them.")


class LabelInfo(Answer):
    label: str = Field(examples=["Country"])
    names: dict[str, str] = Field(description="Display names by language: `nl`, `en`.", examples=[{"nl": "Land", "en": "Country"}])
    style: dict[str, Any] = Field(description="`colour` (#rrggbb), `shape` (a Cytoscape.js node shape), `size` (pixels).", examples=[{"colour": "#1f5fa8", "shape": "ellipse", "size": 34}])
    searchable: bool = Field(description="Whether name search indexes this label.")
    description: str
    properties: list[PropertyInfo]


class RelTypeInfo(Answer):
    type: str = Field(examples=["MEMBER_OF"])
    names: dict[str, str] = Field(description="Display names by language: `nl`, `en`.", examples=[{"nl": "lid van", "en": "member of"}])
    style: dict[str, Any] = Field(description="For types drawn apart from a plain edge: `colour`, `width` (pixels), `line` (solid, dashed, dotted); else empty.")
    description: str
    endpoints: list[tuple[str, str]] = Field(description="The (start label, end label) pairs it may join.")
    properties: list[PropertyInfo]


class SchemaAnswer(Answer):
    """The graph schema as the faces show it (from ``graph/schema.yaml``): labels and relationship types in schema order."""

    languages: list[str] = Field(description="Languages of the display names.", examples=[["nl", "en"]])
    labels: list[LabelInfo]
    relationship_types: list[RelTypeInfo]
