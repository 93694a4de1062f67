"""Typed answers: what :class:`koppel.queries.engine.Koppel` returns, the HTTP API sends and ``--json`` prints.

Each answer is a pydantic model, so ``/openapi.json`` documents every response
body and the CLI prints the same JSON (``model_dump(mode="json")``) as the API.
Answers whose producers are still changing (linkage candidates, profile items,
analytics rows) allow extra fields: what is declared here is guaranteed, more
may be present.

Shapes, in the project's words:

* graph payloads are Cytoscape.js elements (:class:`Elements`): nodes keyed by
  the node ``key``, edges by ``"start|TYPE|end"``;
* every item that comes from the graph carries ``sources`` (locators
  ``<document-id>#L<from>-L<to>``) where the graph has them;
* dates are ISO strings (``YYYY-MM-DD``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Answer(BaseModel):
    """Base of every answer: JSON out via :meth:`as_json`; unknown fields are refused."""

    # Schemas are built on first use: a command builds the few models it answers with, not all of them.
    model_config = ConfigDict(extra="forbid", defer_build=True)

    def as_json(self) -> dict[str, Any]:
        """The answer as JSON-ready data, exactly as the HTTP API sends it."""
        return self.model_dump(mode="json", by_alias=True)


class Open(Answer):
    """An answer that may carry more fields than it declares (their producers are still growing)."""

    model_config = ConfigDict(extra="allow", defer_build=True)


# -- the schema, for the faces -----------------------------------------------------------------

class PropertyInfo(Answer):
    name: str
    type: str = Field(description="string, string[], int, float, bool or date.")
    required: bool
    description: str = ""
    values: list[str] | None = Field(None, description="The only values allowed, where the schema lists them.")


class LabelInfo(Answer):
    label: str = Field(examples=["Country"])
    names: dict[str, str] = Field(description="Display names by language: `nl`, `en`.", examples=[{"nl": "Land", "en": "Country"}])
    style: dict[str, Any] = Field(description="`colour` (#rrggbb), `shape` (a Cytoscape.js node shape), `size` (pixels).", examples=[{"colour": "#1f5fa8", "shape": "ellipse", "size": 34}])
    searchable: bool = Field(description="Whether name search indexes this label.")
    description: str
    properties: list[PropertyInfo]


class RelTypeInfo(Answer):
    type: str = Field(examples=["MEMBER_OF"])
    names: dict[str, str] = Field(description="Display names by language: `nl`, `en`.", examples=[{"nl": "lid van", "en": "member of"}])
    style: dict[str, Any] = Field(description="For types drawn apart from a plain edge: `colour`, `width` (pixels), `line` (solid, dashed, dotted); else empty.")
    description: str
    endpoints: list[tuple[str, str]] = Field(description="The (start label, end label) pairs it may join.")
    properties: list[PropertyInfo]


class SchemaAnswer(Answer):
    """The graph schema as the faces show it (from ``graph/schema.yaml``): labels and relationship types in schema order."""

    languages: list[str] = Field(description="Languages of the display names.", examples=[["nl", "en"]])
    labels: list[LabelInfo]
    relationship_types: list[RelTypeInfo]


# -- the store ------------------------------------------------------------------------------------

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


# -- graph elements -------------------------------------------------------------------------------

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


# -- countries ------------------------------------------------------------------------------------

class CountrySummary(Open):
    key: str
    name: str | None = None
    name_en: str | None = None
    has_iso_code: bool | None = None
    return_cooperation: dict[str, Any] | None = Field(None, description="The latest assessment: level, trend, as_of.")
    counts: dict[str, int]


class Countries(Answer):
    countries: list[CountrySummary]
    as_of: str | None = Field(None, description="Read at this ISO date (valid time), if asked.")
    known_by: str | None = Field(None, description="Only what sources dated on or before this ISO date stated, if asked.")


class ProfileItem(Open):
    """A node tied to the country: its properties plus how it is tied (``via``, ``through``) and the evidence of those ties."""

    key: str
    label: str
    name: str | None = None
    sources: list[str] = Field(default_factory=list)
    via: list[str] = Field(default_factory=list, description="Relationship type chains from the country, e.g. `MEMBER_OF/PARTY_TO`.")
    through: list[str] = Field(default_factory=list, description="Keys of the nodes in between.")
    evidence: list[str] = Field(default_factory=list, description="Locators of the relationships that tie it.")


class Profile(Open):
    """Everything the graph holds about one country, section by section."""

    country: dict[str, Any]
    as_of: str | None = None
    known_by: str | None = Field(None, description="Only what sources dated on or before this ISO date stated.")
    groups: list[ProfileItem] = Field(default_factory=list)
    return_cooperation: list[ProfileItem] = Field(default_factory=list)
    dossiers: list[ProfileItem] = Field(default_factory=list)
    agreements: list[ProfileItem] = Field(default_factory=list)
    forums: list[ProfileItem] = Field(default_factory=list)
    projects: list[ProfileItem] = Field(default_factory=list)
    donors: list[ProfileItem] = Field(default_factory=list)
    events: list[ProfileItem] = Field(default_factory=list)
    linkages: list[ProfileItem] = Field(default_factory=list)
    partners: list[ProfileItem] = Field(default_factory=list)


# -- linkages -------------------------------------------------------------------------------------

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


# -- statements: what each source says -----------------------------------------------------------

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


# -- search, evidence, catalogue ------------------------------------------------------------------

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


class EvidenceAnswer(Answer):
    """The passage a locator cites, de-hyphenated, with its document and line range."""

    locator: str
    document: str
    from_line: int
    to_line: int
    text: str


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


# -- analytics ------------------------------------------------------------------------------------

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
    examples: list[Any] = Field(default_factory=list)


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


class Health(Answer):
    status: str = Field(examples=["ok"])


class Readiness(Answer):
    status: str = Field(examples=["ready"])
    store: str
    location: str


# -- ingest and review (issue 11) -----------------------------------------------------------------

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
