"""Search by Dutch or English name or alias."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ..deps import Holder

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", summary="Entities by Dutch or English name or alias, tolerant of accents and typos")
def search_entities(
    holder: Holder,
    q: Annotated[str, Query(min_length=1, max_length=200, examples=["Irak"])],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    return {"query": q, "results": holder.search_index().search(q, limit=limit)}
