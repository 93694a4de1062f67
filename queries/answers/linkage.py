"""Linkages: those in play and the ranked candidates for one country, with reasons and evidence."""

from typing import Any

from pydantic import Field

from .base import Answer


class Bilingual(Answer):
    """One plain sentence or phrase in English and Dutch."""

    en: str
    nl: str


class ReasonPath(Answer):
    nodes: list[str] = Field(default_factory=list, description="Node keys along the path.")
    edges: list[str] = Field(default_factory=list, description="Edge ids `start|TYPE|end` along the path.")


class Reason(Answer):
    """One factor of a candidate's score: its value in [0, 1], its weight, why (English and Dutch), the graph path and its locators."""

    factor: str = Field(examples=["demand"])
    weight: float
    value: float
    text: str
    text_nl: str | None = None
    path: ReasonPath = Field(default_factory=ReasonPath)
    sources: list[str] = Field(default_factory=list)


class DossierRef(Answer):
    key: str
    name: str | None = None
    name_nl: str | None = Field(default=None, description="The Dutch name, where it differs (e.g. a coalition of states).")
    domain: str | None = None
    label: str | None = None


class Candidate(Answer):
    """A linkage that could still be made: the dossier or instrument, direction, action, channel, score and reasons."""

    key: str = Field(description="`<target>@<direction>`.")
    kind: str = Field(description="dossier, treaty, eu_instrument, forum, coalition or generic.")
    country_specific: bool
    dossier: DossierRef
    direction: str = Field(description="positive (an offer) or negative (pressure).")
    action: Bilingual = Field(description="offer, expand, cut, hold back, apply, ...")
    channel: str = Field(description="bilateral, eu, forum or coalition.")
    score: float = Field(ge=0, le=1)
    why: Bilingual
    sources: list[str] = Field(default_factory=list, description="The union of the reasons' locators.")
    precedents: int = Field(0, description="How many earlier cases the precedent factor rests on.")
    factors: dict[str, float] = Field(default_factory=dict)
    reasons: list[Reason] = Field(default_factory=list, description="In the order of `factors`.")
    robustness: float | None = Field(None, description="Share of ±20 % weight perturbations keeping it in the top 3; null unless asked for.")
    inferred: Bilingual | None = Field(
        None, description="Null, or the basis when a factor rests on koppel's inference rather than a stated fact (e.g. another state's visa rule or return figures read as the country's)."
    )


class ExistingLinkage(Answer):
    """A Linkage concerning the country, its targets, its date and the return figures around that date."""

    key: str
    name: str | None = None
    dossier: DossierRef | None = Field(None, description="The first target.")
    targets: list[DossierRef] = Field(default_factory=list)
    direction: str | None = None
    status: str | None = None
    outcome: str | None = None
    channel: str | None = None
    date: str | None = Field(None, description="ISO date: the linkage's own, else that of the first dated event about what it links.")
    date_basis: Bilingual | None = None
    date_sources: list[str] = Field(default_factory=list)
    undated: bool = Field(False, description="No date of its own nor of an event about what it links: never counted as holding before `first_reported`.")
    first_reported: str | None = Field(None, description="For an undated linkage: the ISO date of the earliest source that states it.")
    returns: dict[str, Any] | None = Field(
        None, description="The Dutch return figures around the date: {reported_by, series: [{year, persons, sources}], before, after, years_before, years_after}."
    )
    sources: list[str] = Field(default_factory=list)


class Assessment(Answer):
    level: str | None = None
    trend: str | None = None
    as_of: str | None = None
    sources: list[str] = Field(default_factory=list)


class LinkageAnswer(Answer):
    """Linkages in play and ranked candidates for one country, and what the graph is missing to judge it."""

    warnings: list[Bilingual] = Field(default_factory=list, description="What the graph is missing to judge this country (English `en` and Dutch `nl`), shown before everything else.")
    country: str
    name: str | None = None
    as_of: str | None = None
    known_by: str | None = Field(None, description="Only what sources dated on or before this ISO date stated.")
    assessment: Assessment | None = None
    existing: list[ExistingLinkage] = Field(default_factory=list)
    candidates: list[Candidate] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list, description="The English text of `warnings`.")
