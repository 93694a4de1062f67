"""Search by Dutch or English name or alias."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from koppel.queries.answers import SearchAnswer

from ..deps import Engine

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", summary="Entities by Dutch or English name or alias, tolerant of accents and typos", response_model=SearchAnswer)
def search_entities(
    engine: Engine,
    q: Annotated[str, Query(min_length=1, max_length=200, examples=["Irak"])],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchAnswer:
    return engine.search(q, limit=limit)
