"""The store: counts, what a load or check did, health and readiness."""

from pydantic import Field

from .base import Answer


class Stats(Answer):
    store: str = Field(description="embedded or neo4j.")
    location: str
    nodes: int
    relationships: int
    labels: dict[str, int] = Field(description="Node count per label (zero counts included).")
    relationship_types: dict[str, int] = Field(description="Relationship count per type (zero counts included).")


class LoadAnswer(Answer):
    store: str
    files: list[str]
    nodes_created: int
    nodes_updated: int
    relationships_created: int
    relationships_updated: int
    nodes_unchanged: int = 0
    relationships_unchanged: int = 0


class CheckAnswer(Answer):
    files: list[str]
    nodes: int = Field(description="Node records that match the schema.")
    relationships: int = Field(description="Relationship records that match the schema.")


class Health(Answer):
    status: str = Field(examples=["ok"])


class Readiness(Answer):
    status: str = Field(examples=["ready"])
    store: str
    location: str
