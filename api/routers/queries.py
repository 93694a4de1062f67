"""The named query catalogue, and ad-hoc read-only Cypher for analysts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from pydantic import BaseModel, ConfigDict, Field

from koppel.graph.values import check_params
from koppel.queries.answers import Catalogue, Rows

from ..deps import Engine, Settings, Token

router = APIRouter(prefix="/api", tags=["queries"])


class NamedQueryRun(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"params": {"iso3": "IRQ"}}]})
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters as the query's header declares them.")
    as_of: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Leave out rows whose facts do not hold on this date (YYYY-MM-DD).")
    known_by: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="Only what sources dated on or before this date stated (YYYY-MM-DD).")


class CypherRun(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"cypher": "MATCH (c:Country)<-[:CONCERNS]-(l:Linkage) RETURN c.key AS country, count(l) AS linkages", "params": {}}]},
    )
    cypher: str = Field(min_length=1, max_length=10_000, description="One read-only Cypher statement.")
    params: dict[str, Any] = Field(default_factory=dict)


@router.get("/queries", summary="The query catalogue: each query's question, parameters and columns", response_model=Catalogue)
def list_queries(engine: Engine) -> Catalogue:
    return engine.catalogue()


@router.post("/queries/{name}", summary="Run a catalogue query; parameters are checked against its header", response_model=Rows)
def run_query(
    name: Annotated[str, Path(max_length=100, examples=["country-dossiers"])],
    engine: Engine,
    settings: Settings,
    body: Annotated[NamedQueryRun, Body()] = NamedQueryRun(),
) -> Rows:
    return engine.run_query(
        name, check_params(body.params, allow_empty_lists=True), timeout=settings.query_timeout, row_limit=settings.row_limit,
        as_of=body.as_of, known_by=body.known_by,
    )


@router.post("/cypher", summary="Ad-hoc read-only Cypher (bearer token; timeout and row limit apply)", response_model=Rows)
def run_cypher(body: CypherRun, _: Token, engine: Engine, settings: Settings) -> Rows:
    return engine.cypher(body.cypher, body.params, timeout=settings.query_timeout, row_limit=settings.row_limit)  # in the engine's sandbox
