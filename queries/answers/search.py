"""Name search."""

from pydantic import Field

from .base import Answer, Open


class SearchHit(Open):
    key: str
    label: str
    name: str | None = None
    name_en: str | None = None
    matched: str = Field(description="The name or alias that matched.")
    score: float = Field(description="0-100; 100 is an exact match.")


class SearchAnswer(Answer):
    query: str
    results: list[SearchHit]
