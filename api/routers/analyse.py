"""Network analytics (networkx): brokers, similar countries, central forums and donors."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from koppel.queries.answers import BrokersAnswer, CentralityAnswer, SimilarAnswer

from ..deps import Engine
from .countries import AsOf, KnownBy

router = APIRouter(prefix="/api/analyse", tags=["analyse"])
CountryKey = Annotated[str, Path(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", examples=["IRQ"], description="ISO 3166-1 alpha-3 code or slug.")]


@router.get("/brokers/{iso3}", summary="Who connects the Netherlands and a country: intermediaries on the shortest connections", response_model=BrokersAnswer)
def brokers(
    iso3: CountryKey, engine: Engine, k: Annotated[int | None, Query(ge=1, le=1000, description="Sample size for large graphs.")] = None,
    as_of: AsOf = None, known_by: KnownBy = None,
) -> BrokersAnswer:
    return engine.brokers(iso3, k=k, as_of=as_of, known_by=known_by)


@router.get("/similar/{iso3}", summary="Countries with a similar linkage profile (Jaccard similarity)", response_model=SimilarAnswer)
def similar(
    iso3: CountryKey, engine: Engine, top: Annotated[int, Query(ge=1, le=250)] = 10, as_of: AsOf = None, known_by: KnownBy = None,
) -> SimilarAnswer:
    return engine.similar(iso3, top=top, as_of=as_of, known_by=known_by)


@router.get("/centrality", summary="Betweenness and degree centrality of forums and donors, or of one label", response_model=CentralityAnswer)
def centrality(
    engine: Engine,
    label: Annotated[str | None, Query(max_length=64, examples=["Forum"], description="Rank only this label (default: forums and donors).")] = None,
    k: Annotated[int | None, Query(ge=1, le=1000, description="Sample size for betweenness on large graphs.")] = None,
    top: Annotated[int, Query(ge=1, le=1000)] = 20,
    as_of: AsOf = None,
    known_by: KnownBy = None,
) -> CentralityAnswer:
    return engine.centrality(label=label, k=k, top=top, as_of=as_of, known_by=known_by)
