"""Graph payloads: Cytoscape.js elements and one node with its neighbourhood."""

from typing import Any

from pydantic import Field

from .base import Answer


class NodeData(Answer):
    id: str = Field(description="The node key.")
    label: str
    type: str
    name: str
    properties: dict[str, Any]
    sources: list[str]


class EdgeData(Answer):
    id: str = Field(description="`start|TYPE|end`.", examples=["NLD|MEMBER_OF|eu"])
    source: str
    target: str
    label: str
    type: str
    name: str
    properties: dict[str, Any]
    sources: list[str]


class NodeElement(Answer):
    data: NodeData


class EdgeElement(Answer):
    data: EdgeData


class Elements(Answer):
    """Cytoscape.js elements JSON: every graph payload of koppel has this shape."""

    nodes: list[NodeElement] = Field(default_factory=list)
    edges: list[EdgeElement] = Field(default_factory=list)


class NodeAnswer(Answer):
    node: dict[str, Any] = Field(description="The node's properties and `label`.")
    elements: Elements
