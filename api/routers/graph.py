"""Nodes, neighbourhoods and connections, as Cytoscape.js elements (answered by :mod:`koppel.queries.explore`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from koppel.queries.answers import Elements, NodeAnswer, Stats

from ..deps import Engine, Settings
from .countries import AsOf, KnownBy

router = APIRouter(prefix="/api", tags=["graph"])
Key = Annotated[str, Query(min_length=1, max_length=200, examples=["IRQ"])]


@router.get("/nodes/{label}/{key}", summary="One node and its direct neighbourhood", response_model=NodeAnswer)
def get_node(
    label: Annotated[str, Path(examples=["Country"])], key: Annotated[str, Path(max_length=200, examples=["IRQ"])], engine: Engine,
    as_of: AsOf = None, known_by: KnownBy = None,
) -> NodeAnswer:
    return engine.node(label, key, as_of=as_of, known_by=known_by)


@router.get("/graph/neighbourhood", summary="Nodes within `depth` steps of a node, as Cytoscape.js elements", response_model=Elements)
def neighbourhood(
    engine: Engine,
    key: Key,
    depth: Annotated[int, Query(ge=1, le=3)] = 1,
    labels: Annotated[str | None, Query(description="Comma-separated labels to keep (the start node is always kept).", examples=["Country,Dossier"])] = None,
    limit: Annotated[int, Query(ge=1, le=2000)] = 200,
    as_of: AsOf = None,
    known_by: KnownBy = None,
) -> Elements:
    return engine.neighbourhood(key, depth=depth, labels=labels.split(",") if labels else None, limit=limit, as_of=as_of, known_by=known_by)


@router.get("/graph/path", summary="A shortest connection between two nodes (up to 4 steps), as Cytoscape.js elements in path order", response_model=Elements)
def path(
    engine: Engine,
    settings: Settings,
    source: Annotated[str, Query(alias="from", min_length=1, max_length=200, examples=["NLD"])],
    target: Annotated[str, Query(alias="to", min_length=1, max_length=200, examples=["IRQ"])],
    as_of: AsOf = None,
    known_by: KnownBy = None,
) -> Elements:
    return engine.path(source, target, as_of=as_of, known_by=known_by, timeout=settings.query_timeout)  # past it: 400, nothing left running


@router.get("/stats", summary="Node count per label, relationship count per type, and the store", response_model=Stats)
def stats(engine: Engine) -> Stats:
    """As ``koppel stats --json``, but ``location`` is scrubbed: over HTTP (no login) the store's kind, never its path or address (as /readyz)."""
    from ..problems import scrub

    answer = engine.stats()
    return answer.model_copy(update={"location": scrub(answer.location)})
