"""The query catalogue and the rows of a query."""

from typing import Any

from pydantic import Field

from .base import Answer, Open
from .graph import Elements


class QueryParameterInfo(Open):
    name: str
    type: str
    required: bool = True


class QueryParameter(Answer):
    """One parameter a catalogue query's header declares (``default`` and ``values`` as the header gives them)."""

    name: str
    type: str
    description: str
    required: bool = False
    default: Any = Field(None, description="The value used when the parameter is left out (a JSON value or ISO date), if any.")
    values: list[str] | None = Field(None, description="The values allowed, if the header lists them.")


class QueryColumn(Answer):
    """One result column of a catalogue query."""

    name: str
    type: str
    description: str


class QueryInfo(Answer):
    name: str
    question: str
    parameters: list[QueryParameter]
    columns: list[QueryColumn]


class Catalogue(Answer):
    queries: list[QueryInfo]


class Rows(Answer):
    """Rows of a catalogue query or ad-hoc Cypher, with the graph they contain as elements (or null)."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = False
    elements: Elements | None = None
