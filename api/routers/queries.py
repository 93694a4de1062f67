"""The named query catalogue, and ad-hoc read-only Cypher for analysts."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path
from pydantic import BaseModel, ConfigDict, Field

from koppel.graph.values import check_params
from koppel.queries.catalogue import get_query, load_catalogue, run_named

from ..deps import Holder, Settings, Store, Token
from ..elements import from_rows

router = APIRouter(prefix="/api", tags=["queries"])


class NamedQueryRun(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"params": {"iso3": "IRQ"}}]})
    params: dict[str, Any] = Field(default_factory=dict, description="Parameters as the query's header declares them.")


class CypherRun(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"cypher": "MATCH (c:Country)<-[:CONCERNS]-(l:Linkage) RETURN c.key AS country, count(l) AS linkages", "params": {}}]},
    )
    cypher: str = Field(min_length=1, max_length=10_000, description="One read-only Cypher statement.")
    params: dict[str, Any] = Field(default_factory=dict)


def describe(query) -> dict[str, Any]:  # noqa: ANN001 - a catalogue NamedQuery
    return {
        "name": query.name,
        "question": query.question,
        "parameters": [asdict(p) for p in query.parameters],
        "columns": [asdict(c) for c in query.columns],
    }


@router.get("/queries", summary="The query catalogue: each query's question, parameters and columns")
def list_queries() -> dict[str, Any]:
    return {"queries": [describe(q) for q in load_catalogue()]}


@router.post("/queries/{name}", summary="Run a catalogue query; parameters are checked against its header")
def run_query(
    name: Annotated[str, Path(max_length=100, examples=["country-dossiers"])],
    store: Store,
    settings: Settings,
    body: Annotated[NamedQueryRun, Body()] = NamedQueryRun(),
) -> dict[str, Any]:
    get_query(name)
    result = run_named(store, name, check_params(body.params, allow_empty_lists=True), timeout=settings.query_timeout)
    rows = result.rows[: settings.row_limit]
    return {
        "columns": result.columns,
        "rows": [dict(zip(result.columns, row)) for row in rows],
        "truncated": len(result.rows) > settings.row_limit,
        "elements": from_rows(result.columns, rows),
    }


@router.post("/cypher", summary="Ad-hoc read-only Cypher (bearer token; timeout and row limit apply)")
def run_cypher(body: CypherRun, _: Token, holder: Holder, settings: Settings) -> dict[str, Any]:
    columns, rows, truncated = holder.sandbox.run(body.cypher, check_params(body.params), timeout=settings.query_timeout, row_limit=settings.row_limit)
    return {
        "columns": columns,
        "rows": [dict(zip(columns, row)) for row in rows],
        "truncated": truncated,
        "elements": from_rows(columns, rows),
    }
