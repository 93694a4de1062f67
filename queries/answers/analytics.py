"""Network analytics: brokers, similar countries, centrality."""

from pydantic import Field

from .base import Open


class Broker(Open):
    key: str
    name: str | None = None
    label: str | None = None
    paths: int
    share: float


class BrokersAnswer(Open):
    country: str
    partner: str | None = None
    distance: int | None = None
    paths: int = 0
    brokers: list[Broker] = Field(default_factory=list)
    examples: list[list[str]] = Field(default_factory=list, description="Up to five of the shortest paths, each as node keys from the partner to the country.")


class SimilarCountry(Open):
    key: str
    name: str | None = None
    score: float
    shared: list[str] = Field(default_factory=list)


class SimilarAnswer(Open):
    country: str
    features: list[str] = Field(default_factory=list)
    similar: list[SimilarCountry] = Field(default_factory=list)


class Central(Open):
    key: str
    name: str | None = None
    label: str | None = None
    betweenness: float
    degree: float


class CentralityAnswer(Open):
    label: str | None = None
    nodes: int
    edges: int
    exact: bool
    k: int | None = None
    ranking: list[Central] = Field(default_factory=list)
