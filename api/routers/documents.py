"""Evidence (the cited passage of a source) and whole-graph exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from koppel.loaders.sources import evidence, sources_dir

from ..deps import Settings, Store
from ..export import export_graph

router = APIRouter(prefix="/api", tags=["evidence"])


@router.get("/evidence", summary="The passage a locator cites, de-hyphenated")
def get_evidence(
    settings: Settings,
    locator: Annotated[str, Query(max_length=300, examples=["kamerbrief-2014-02-25-strategische-landenbenadering-migratie#L70-L75"])],
) -> dict[str, Any]:
    return evidence(locator, sources_dir(settings.sources)).as_dict()


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Every node and relationship with its properties and sources.",
        "content": {
            "application/json": {"schema": {"type": "object", "properties": {"nodes": {"type": "array"}, "relationships": {"type": "array"}}}},
            "application/graphml+xml": {"schema": {"type": "string"}},
        },
    }
}


@router.get("/export", summary="The whole graph as JSON or GraphML", response_class=Response, responses=EXPORT_RESPONSES)
def export(store: Store, format: Annotated[Literal["json", "graphml"], Query()] = "json") -> Response:  # noqa: A002
    media = "application/json" if format == "json" else "application/graphml+xml"
    return Response(export_graph(store, format), media_type=media)
