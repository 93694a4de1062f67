"""Evidence (the cited passage of a source) and whole-graph exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from koppel.queries.answers import EvidenceAnswer, StatementsAnswer

from .countries import AsOf, KnownBy
from ..deps import Engine

router = APIRouter(prefix="/api", tags=["evidence"])


@router.get("/evidence", summary="The passage a locator cites, de-hyphenated", response_model=EvidenceAnswer)
def get_evidence(
    engine: Engine,
    locator: Annotated[str, Query(max_length=300, examples=["kamerbrief-2014-02-25-strategische-landenbenadering-migratie#L70-L75"])],
) -> EvidenceAnswer:
    return engine.evidence(locator)


@router.get("/statements/{key}", summary="Every source's statements about a node and where sources disagree", response_model=StatementsAnswer)
def get_statements(
    engine: Engine,
    key: Annotated[str, Path(min_length=2, max_length=200, pattern=r"^[A-Za-z0-9_-]+$", examples=["SOM"], description="The node's key (ISO 3166-1 alpha-3 or slug).")],
) -> StatementsAnswer:
    """As `koppel evidence KEY`: per property each source's value (with its date, `stated` or `inferred` with the basis,
    and whether it is the value shown), the relationships' statements, and `disagreements` (property -> the differing
    values with their sources; the newest source's value is shown). 404 for an unknown key."""
    return engine.statements(key)


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Every node and relationship with its properties and sources.",
        "content": {
            "application/json": {"schema": {"type": "object", "properties": {"nodes": {"type": "array"}, "relationships": {"type": "array"}}}},
            "application/graphml+xml": {"schema": {"type": "string"}},
            "application/gexf+xml": {"schema": {"type": "string"}},
        },
    }
}


@router.get("/export", summary="The whole graph as JSON, GraphML or GEXF (Gephi)", response_class=Response, responses=EXPORT_RESPONSES)
def export(
    engine: Engine, format: Annotated[Literal["json", "graphml", "gexf"], Query()] = "json", as_of: AsOf = None, known_by: KnownBy = None  # noqa: A002
) -> Response:
    from koppel.queries.export import MEDIA_TYPES

    return Response(engine.export(format, as_of=as_of, known_by=known_by), media_type=MEDIA_TYPES[format])
