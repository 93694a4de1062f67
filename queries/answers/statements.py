"""Statements (what each source says about a node) and the passage a locator cites."""

from typing import Any

from pydantic import ConfigDict, Field

from .base import Answer


class StatedValue(Answer):
    """One source's value of one property, as a statement (FollowTheMoney's statement model, per source)."""

    property: str
    value: Any = Field(description="The value as that source states it (lists are merged across sources).")
    source: str = Field(description="The source document's id.")
    source_date: str | None = Field(default=None, description="The source's date (its known time), ISO 8601; none if undated.")
    first_seen: str | None = Field(default=None, description="When koppel first loaded this statement (UTC, ISO 8601).")
    certainty: str = Field(description="`stated` (the source says it) or `inferred` (koppel's curators concluded it).")
    basis: str | None = Field(default=None, description="For an inferred statement: why, with the lines it rests on.")
    shown: bool = Field(description="Whether the node shows this value (lists: always; single values: the newest source's).")


class Disagreement(Answer):
    """One of the differing values of a single-valued property, with its source."""

    value: Any
    source: str
    source_date: str | None = None


class RelationshipStatements(Answer):
    """The statements about one relationship of the node."""

    model_config = ConfigDict(extra="forbid", defer_build=True, populate_by_name=True)

    type: str
    from_: str = Field(alias="from")
    to: str
    sources: list[str]
    statements: list[StatedValue]
    disagreements: dict[str, list[Disagreement]]


class StatementsAnswer(Answer):
    """Every source's statements about a node and its relationships, and where sources disagree (`koppel evidence KEY`)."""

    key: str
    label: str
    sources: list[str] = Field(description="The documents that state anything about the node, in the order first loaded.")
    statements: list[StatedValue]
    disagreements: dict[str, list[Disagreement]] = Field(description="Property -> the differing values with their sources; the shown one last.")
    relationships: list[RelationshipStatements]


class EvidenceAnswer(Answer):
    """The passage a locator cites, de-hyphenated, with its document and line range."""

    locator: str
    document: str
    from_line: int
    to_line: int
    text: str
