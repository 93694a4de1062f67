"""Ingest and review over HTTP: upload documents, list the candidate facts extracted from them, record decisions.

Every route needs a bearer token (``KOPPEL_API_TOKENS``), as ad-hoc Cypher
does: the ingest workspace is the reviewers' desk (drafts not yet facts), and
the routes write to it. The served store stays read-only: decisions are
recorded with who and when; ``koppel review --load`` (or any decision made
with ``koppel review``) writes the accepted facts to the store.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from koppel.queries.answers import DecisionsAnswer, IngestAnswer, ReviewAnswer

from ..deps import Engine, Settings, Token

router = APIRouter(prefix="/api", tags=["review"])
NO_STORE = {"Cache-Control": "no-store"}  # never kept by the response cache: it would hand a token-holder's answer to anyone, and decisions change it


class UploadedDocument(BaseModel):
    """One document to ingest: a file name (its id comes from it) and its UTF-8 text."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=150, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", examples=["BWBV0004487.md"],
                      description="Letters, digits and `._-`, ending in .md, .txt or .html; uploading a name again replaces that document.")
    text: str = Field(min_length=1, description="The document's text (Markdown, plain text or HTML).")


class IngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[UploadedDocument] = Field(min_length=1, max_length=100)


class DecisionsRequest(BaseModel):
    """Decisions to record; `by` names who decides (kept with each decision)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"by": "a.reviewer", "accept": ["3f9a0c1b2d4e"], "reject": [], "edit": {}}]})
    by: str = Field(min_length=1, max_length=100, description="Who decides.")
    accept: list[str] = Field(default_factory=list, max_length=10_000, description="Candidate ids to accept.")
    reject: list[str] = Field(default_factory=list, max_length=10_000, description="Candidate ids to reject.")
    edit: dict[str, Any] = Field(default_factory=dict, description="Candidate id to its corrected value (accepted with it).")
    accept_all_above: float | None = Field(None, ge=0, le=1, description="Accept every pending candidate with at least this confidence.")
    field: str | None = Field(None, max_length=64, description="With accept_all_above: only candidates of this field.")


@router.post("/ingest", summary="Ingest documents: register them and extract candidate facts for review (bearer token)", response_model=IngestAnswer)
def ingest(body: IngestRequest, _: Token, engine: Engine, settings: Settings) -> IngestAnswer:
    names = [d.name for d in body.documents]
    if len(set(names)) != len(names):
        from koppel.graph.errors import ValidationError

        raise ValidationError("each uploaded document needs its own name")
    return engine.ingest(documents={d.name: d.text for d in body.documents}, workspace=settings.ingest_dir)


@router.get("/review", summary="Pending candidate facts with the passage each cites, or the values left out (bearer token)", response_model=ReviewAnswer)
def review(
    _: Token,
    engine: Engine,
    settings: Settings,
    response: Response,
    document: Annotated[str | None, Query(max_length=200, description="Only this document id.")] = None,
    field: Annotated[str | None, Query(max_length=64, description="Only candidates of this field (party, domain, signed_on, ...).")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Most candidates to list.")] = 50,
    issues: Annotated[bool, Query(description="List the values the extractors left out instead.")] = False,
) -> ReviewAnswer:
    response.headers.update(NO_STORE)
    return engine.review(document=document, field=field, limit=limit, issues=issues, workspace=settings.ingest_dir)


@router.post("/review", summary="Record review decisions: accept, reject, edit (bearer token; the store is loaded by `koppel review --load`)", response_model=DecisionsAnswer)
def decide(body: DecisionsRequest, _: Token, engine: Engine, settings: Settings) -> DecisionsAnswer:
    return engine.decide(
        accept=body.accept, reject=body.reject, edit=body.edit, accept_all_above=body.accept_all_above, field=body.field, by=body.by, workspace=settings.ingest_dir
    )
