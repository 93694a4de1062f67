"""The query catalogue and the rows of a query."""

from typing import Any

from .base import Answer, Open
from .graph import Elements


class QueryParameterInfo(Open):
    name: str
    type: str
    required: bool = True


class QueryInfo(Answer):
    name: str
    question: str
    parameters: list[dict[str, Any]]
    columns: list[dict[str, Any]]


class Catalogue(Answer):
    queries: list[QueryInfo]


class Rows(Answer):
    """Rows of a catalogue query or ad-hoc Cypher, with the graph they contain as elements (or null)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False
    elements: Elements | None = None
