"""Ingest and review (issue 11)."""

from typing import Any

from pydantic import Field

from .base import Answer, Open


class IngestAnswer(Answer):
    """What an ingest did: document ids new, changed and unchanged since the last ingest, and what was extracted for review."""

    workspace: str = Field(description="The ingest workspace folder (registry, candidates, decisions).")
    new: list[str] = Field(description="Ids of documents registered for the first time.")
    changed: list[str] = Field(description="Ids of documents whose text changed since they were registered (re-extracted).")
    unchanged: list[str] = Field(description="Ids of documents skipped: same text, same extractor.")
    candidates: int = Field(description="Candidate facts extracted from the new and changed documents.")
    issues: int = Field(description="Values the extractors left out (listed by GET /api/review?issues=true).")
    diff: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict, description="Per changed document: candidate ids `added`, `gone`, and `accepted_gone` (accepted before, no longer found)."
    )


class ReviewCandidate(Open):
    """A candidate fact waiting for a decision: the extracted value, how sure the extractor is, and the line it read it from."""

    id: str = Field(description="Stable id (12 hex digits) of document, field and value.", examples=["3f9a0c1b2d4e"])
    document: str
    field: str = Field(examples=["signed_on"])
    value: Any
    confidence: float = Field(ge=0, le=1)
    locator: str = Field(description="`<document-id>#L<from>-L<to>`.")
    passage: str | None = Field(None, description="The cited lines, de-hyphenated (first 240 characters); null when the source is not in the sources folder.")


class ReviewIssue(Open):
    """A value an extractor left out, and why."""

    document: str
    field: str
    reason: str


class ReviewAnswer(Answer):
    """Pending candidates (optionally of one document or field), at most `limit` shown; or the values left out."""

    workspace: str
    pending: int = Field(description="Pending candidates matching the filters (more than shown when cut at the limit).")
    candidates: list[ReviewCandidate] = Field(default_factory=list)
    issues: list[ReviewIssue] | None = Field(None, description="With `issues`: the values the extractors left out (then no candidates are listed).")


class ReviewDecision(Open):
    """One recorded decision: who decided what, when (UTC), about which candidate."""

    candidate: str
    decision: str = Field(description="accept, reject or edit.")
    by: str
    at: str
    document: str
    field: str
    value: Any


class DecisionsAnswer(Answer):
    """Decisions recorded, candidates still pending, and what loading the accepted facts wrote (null when not loaded)."""

    workspace: str
    decided: int
    pending: int
    decisions: list[ReviewDecision] = Field(default_factory=list, description="The single decisions (accept/reject/edit); bulk acceptance is counted in `decided` only.")
    load: dict[str, Any] | None = Field(None, description="The load report of the accepted facts, when they were loaded.")
