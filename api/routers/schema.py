"""The graph schema as the faces show it: display names, colours, shapes, what is searchable."""

from __future__ import annotations

from fastapi import APIRouter

from koppel.queries.answers import SchemaAnswer
from koppel.queries.engine import describe_schema

router = APIRouter(prefix="/api", tags=["schema"])


@router.get("/schema", summary="Labels and relationship types with Dutch and English names, colour, shape and properties", response_model=SchemaAnswer)
def get_schema() -> SchemaAnswer:
    """Read from ``graph/schema.yaml``; the same for every store, so it needs none."""
    return describe_schema()
