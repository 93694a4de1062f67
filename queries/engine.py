"""The engine: one object, :class:`Koppel`, that answers every question koppel can be asked.

The command line (:mod:`koppel.api.cli`) and the HTTP API (:mod:`koppel.api.app`)
are adapters of a few lines over it: they parse their input, call one method
and print or send the typed answer (:mod:`koppel.queries.answers`). A
:class:`Koppel` is built once from settings; it opens its store on first use
and owns what belongs to that store: the default weights, the name index for
search (kept as long as the store cannot change, see
:attr:`~koppel.graph.store.GraphStore.changes_while_served`).

:data:`OPERATIONS` lists every question the engine answers, with the CLI
command and the HTTP route that ask it; a test checks both faces expose each.

Heavy libraries (networkx, the stores' drivers) are imported by the methods
that need them, so a command pays only for what it uses.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from koppel.graph.errors import ValidationError
from koppel.graph.factory import StoreConfig
from koppel.graph.schema import DISPLAY_LANGUAGES, SCHEMA, Property, Schema

from .answers import (
    BrokersAnswer,
    Catalogue,
    CentralityAnswer,
    CheckAnswer,
    Countries,
    Elements,
    EvidenceAnswer,
    LabelInfo,
    LinkageAnswer,
    LoadAnswer,
    NodeAnswer,
    Profile,
    PropertyInfo,
    QueryInfo,
    RelTypeInfo,
    Rows,
    SchemaAnswer,
    StatementsAnswer,
    SearchAnswer,
    SimilarAnswer,
    Stats,
)

if TYPE_CHECKING:
    from koppel.graph.settings import Settings
    from koppel.graph.store import GraphStore, Progress, QueryResult
    from koppel.graph.validity import Timeline
    from koppel.graph.validity import Timeline
    from koppel.graph.validity import Timeline

    from .search import SearchIndex

T = TypeVar("T")


@dataclass(frozen=True)
class Operation:
    """One question the engine answers, and where each face asks it (``None``: that face deliberately lacks it)."""

    method: str
    cli: str | None
    http: str | None
    why_not: str = ""


OPERATIONS: tuple[Operation, ...] = (
    Operation("schema", "schema", "GET /api/schema"),
    Operation("stats", "stats", "GET /api/stats"),
    Operation("countries", "countries", "GET /api/countries"),
    Operation("profile", "country", "GET /api/countries/{iso3}"),
    Operation("linkages", "linkages", "POST /api/countries/{iso3}/linkages"),
    Operation("search", "search", "GET /api/search"),
    Operation("evidence", "evidence", "GET /api/evidence"),
    Operation("statements", "evidence", "GET /api/statements/{key}"),
    Operation("catalogue", "query --list", "GET /api/queries"),
    Operation("run_query", "query", "POST /api/queries/{name}"),
    Operation("cypher", "query --cypher", "POST /api/cypher"),
    Operation("node", "node", "GET /api/nodes/{label}/{key}"),
    Operation("neighbourhood", "neighbourhood", "GET /api/graph/neighbourhood"),
    Operation("path", "path", "GET /api/graph/path"),
    Operation("brokers", "analyse brokers", "GET /api/analyse/brokers/{iso3}"),
    Operation("similar", "analyse similar", "GET /api/analyse/similar/{iso3}"),
    Operation("centrality", "analyse centrality", "GET /api/analyse/centrality"),
    Operation("export", "export", "GET /api/export"),
    Operation("check", "check", None, "validates local files; the API does not write or read the client's files"),
    Operation("load", "load", None, "writes; the API serves a read-only store"),
    Operation("clear", "clear", None, "writes; the API serves a read-only store"),
)


# -- the schema, as the faces show it -------------------------------------------------------------

def _properties(props: dict[str, Property]) -> list[PropertyInfo]:
    return [
        PropertyInfo(name=p.name, type=p.type, required=p.required, description=p.description, values=list(p.values) if p.values else None)
        for p in props.values()
    ]


def describe_schema(schema: Schema = SCHEMA) -> SchemaAnswer:
    """The schema as the faces show it: every label and relationship type with display names, style and properties."""
    return SchemaAnswer(
        languages=list(DISPLAY_LANGUAGES),
        labels=[
            LabelInfo(label=n.label, names=n.names, style=n.style, searchable=n.searchable, description=n.description, properties=_properties(n.properties))
            for n in schema.nodes.values()
        ],
        relationship_types=[
            RelTypeInfo(type=r.type, names=r.names, style=r.style, description=r.description, endpoints=list(r.endpoints), properties=_properties(r.properties))
            for r in schema.relationships.values()
        ],
    )


def describe_catalogue() -> Catalogue:
    """The named queries of ``queries/catalogue/``: each one's question, parameters and columns."""
    from dataclasses import asdict

    from .catalogue import load_catalogue

    return Catalogue(queries=[
        QueryInfo(name=q.name, question=q.question, parameters=[asdict(p) for p in q.parameters], columns=[asdict(c) for c in q.columns])
        for q in load_catalogue()
    ])


def parse_date(text: str | dt.date | None, what: str = "as_of") -> dt.date | None:
    """A calendar date from ``YYYY-MM-DD`` (a date passes through); :class:`ValidationError` naming ``what`` otherwise."""
    if text is None or isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{what} {text!r} is not a date (YYYY-MM-DD)") from None


# -- the engine -----------------------------------------------------------------------------------

class Koppel:
    """Every question koppel answers, over one store.

    Build it from settings (``Koppel(settings)``; ``store`` overrides
    ``settings.store``). The store is opened on first use, read-only unless
    ``read_only=False``, and closed by :meth:`close` (or ``with``). Safe to share
    between threads: the store is opened once, the search index built once per
    lifetime of cached answers.

    Errors are :class:`~koppel.graph.errors.KoppelError` subclasses, each with
    one line naming what is wrong: ``NotFound`` (an unknown country, node or
    locator), ``ValidationError`` (bad input), ``StoreUnavailable``,
    ``ConfigError``, ``QueryError``.
    """

    def __init__(self, settings: Settings, *, store: str | None = None, read_only: bool = True, cache_ttl: float | None = 60.0) -> None:
        self.settings = settings
        self.config = StoreConfig.from_settings(settings, store)
        self.read_only = read_only
        self.cache_ttl = cache_ttl
        self._store: GraphStore | None = None
        self._index: SearchIndex | None = None
        self._index_built = 0.0
        self._lock = threading.RLock()
        self._on_close: list[Callable[[], None]] = []

    # -- lifetime ------------------------------------------------------------------------------
    @property
    def store(self) -> GraphStore:
        """The opened store (opened now if it was not, or was closed after an outage)."""
        with self._lock:
            if self._store is None:
                self._store = self.config.open(read_only=self.read_only)
            return self._store

    @property
    def answers_lifetime(self) -> float | None:
        """Seconds an answer may be kept in memory: ``None`` (until closed) when the store cannot change while open read-only."""
        if self.read_only and not self.config.store_class.changes_while_served:
            return None
        return self.cache_ttl

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` whenever the store is closed (what was kept from it goes with it)."""
        self._on_close.append(callback)

    def close(self) -> None:
        """Close the store; the next question opens it again."""
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            self._index = None
            for callback in self._on_close:
                callback()

    def __enter__(self) -> Koppel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _with_schema(self, empty: Callable[[], T]) -> T | None:
        """``empty()`` when the store has no schema (dropped by ``clear --schema``), else ``None``."""
        return None if self.store.has_schema() else empty()

    # -- the store -----------------------------------------------------------------------------
    def schema(self) -> SchemaAnswer:
        """Labels and relationship types with their display names, style and properties (needs no store)."""
        return describe_schema(self.store.schema if self._store is not None else SCHEMA)

    def stats(self) -> Stats:
        """Node count per label, relationship count per type, and where the store is (zeros on an emptied store)."""
        return Stats(**self.store.stats())

    def ready(self) -> dict[str, str]:
        """``{"status": "ready", "store", "location"}`` once the store answers a query; raises ``StoreUnavailable`` otherwise."""
        store = self.store
        store.run("RETURN 1 AS one")
        return {"status": "ready", "store": store.kind, "location": store.location}

    # -- countries -----------------------------------------------------------------------------
    def countries(self) -> Countries:
        """Every country with its latest return cooperation and counts of what the graph holds on it."""
        from .profile import country_summaries

        if self._with_schema(lambda: True):
            return Countries(countries=[])
        return Countries(countries=country_summaries(self.store))

    def profile(self, iso3: str, *, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> Profile:
        """A country's profile (see :func:`koppel.queries.profile.country_profile`); ``NotFound`` for an unknown country.

        ``as_of``: what held on that date; ``known_by``: only what sources dated by then stated.
        """
        from .profile import country_profile

        date, known = parse_date(as_of), parse_date(known_by, "known_by")
        iso3 = self._country_key(iso3)
        return Profile(**country_profile(self.store, iso3, as_of=date, known_by=known))

    def linkages(
        self, iso3: str, *, as_of: str | dt.date | None = None, weights: Path | str | dict[str, Any] | None = None, known_by: str | dt.date | None = None
    ) -> LinkageAnswer:
        """Linkages in play and ranked candidates for a country (see :mod:`koppel.queries.linkage`).

        ``weights`` is a weights file (a copy of ``queries/weights.yaml``), or
        the same structure as a dict (keys left out keep their defaults); errors
        in it are a ``ValidationError`` naming the key.
        """
        from .linkage import linkages, load_weights

        date, known = parse_date(as_of), parse_date(known_by, "known_by")
        chosen = self._weights(weights, load_weights)
        iso3 = self._country_key(iso3)
        return LinkageAnswer(**linkages(self.store, iso3, as_of=date, weights=chosen, known_by=known))

    @staticmethod
    def _weights(weights: Path | str | dict[str, Any] | None, load_weights: Callable[[Any], Any]) -> Any:
        if weights is None:
            return load_weights(None)
        if not isinstance(weights, dict):
            return load_weights(Path(weights))
        import yaml

        # The weights reader validates a file; give it the dict as one, so the rules stay in one place.
        with tempfile.TemporaryDirectory(prefix="koppel-weights-") as folder:
            path = Path(folder) / "weights.yaml"
            path.write_text(yaml.safe_dump(weights), encoding="utf-8")
            try:
                return load_weights(path)
            except ValidationError as error:
                raise ValidationError(str(error).replace(str(path), "weights")) from None

    def _country_key(self, text: str) -> str:
        """The key of the Country ``text`` names: the one rule of :func:`koppel.queries.countries.country_key`.

        ISO alpha-3 upper-cased, a slug lower-cased, else an exact Dutch or
        English name or alias (through the cached search index); ``NotFound``
        otherwise, ``ValidationError`` for empty or over-long text.
        """
        from .countries import country_key

        return country_key(self.store, text, index=self.search_index)

    # -- finding -------------------------------------------------------------------------------
    def search(self, text: str, *, limit: int = 20) -> SearchAnswer:
        """Entities whose Dutch or English name or alias matches ``text``, best first (at most ``limit``)."""
        if not 1 <= limit <= 200:
            raise ValidationError(f"limit {limit} is not between 1 and 200")
        if not self.store.has_schema():
            return SearchAnswer(query=text, results=[])
        return SearchAnswer(query=text, results=self.search_index().search(text, limit=limit))

    def search_index(self) -> SearchIndex:
        """The store's names, read once and kept as long as answers are (:attr:`answers_lifetime`)."""
        from .search import SearchIndex

        store = self.store
        with self._lock:
            lifetime = self.answers_lifetime
            if self._index is None or (lifetime is not None and time.monotonic() - self._index_built > lifetime):
                self._index, self._index_built = SearchIndex.build(store), time.monotonic()
            return self._index

    def evidence(self, locator: str) -> EvidenceAnswer:
        """The passage a locator cites, de-hyphenated, from the sources folder of the settings (needs no store)."""
        from koppel.loaders.sources import evidence, sources_dir

        return EvidenceAnswer(**evidence(locator, sources_dir(self.settings.sources)).as_dict())

    # -- the catalogue and Cypher ----------------------------------------------------------------
    def catalogue(self) -> Catalogue:
        """The named queries: each one's question, parameters and columns (needs no store)."""
        return describe_catalogue()

    def run_query(
        self, name: str, params: dict[str, Any] | None = None, *, timeout: float | None = None, row_limit: int | None = None,
        as_of: str | dt.date | None = None, known_by: str | dt.date | None = None,
    ) -> Rows:
        """Run a catalogue query; parameters are checked against its header. ``NotFound`` for an unknown name.

        Rows are read at the :meth:`timeline` (see :func:`koppel.queries.catalogue.run_named`): undated facts marked.
        """
        from .catalogue import get_query, run_named

        get_query(name)
        return _rows(run_named(self.store, name, params or {}, timeout=timeout, timeline=self.timeline(as_of, known_by)), row_limit)

    def cypher(self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False, row_limit: int | None = None) -> Rows:
        """Ad-hoc Cypher in this process: read-only unless ``write`` (the HTTP face runs it in :mod:`koppel.api.sandbox`)."""
        return _rows(self.store.run(cypher, params or {}, read_only=not write), row_limit)

    # -- exploring the graph ---------------------------------------------------------------------
    def node(self, label: str, key: str, *, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> NodeAnswer:
        """One node and its direct neighbourhood; ``ValidationError`` for an unknown label, ``NotFound`` for an unknown key.

        ``as_of``/``known_by``: the one timeline rule (:meth:`timeline`); undated facts are marked.
        """
        from .explore import node

        node_props, elements = node(self.store, label, key, timeline=self.timeline(as_of, known_by))
        return NodeAnswer(node=node_props, elements=Elements(**elements))

    def statements(self, key: str) -> StatementsAnswer:
        """Every source's statements about the node ``key`` and its relationships, with certainty and where sources disagree.

        Shape as :meth:`koppel.graph.store.GraphStore.statements` (``koppel evidence KEY``); ``NotFound`` for an unknown key.
        """
        return StatementsAnswer(**self.store.statements(key))

    def neighbourhood(
        self, key: str, *, depth: int = 1, labels: Iterable[str] | None = None, limit: int = 200,
        as_of: str | dt.date | None = None, known_by: str | dt.date | None = None,
    ) -> Elements:
        """Nodes within ``depth`` (1-3) steps of the node ``key``, at most ``limit``, optionally only of ``labels``, at the :meth:`timeline`."""
        from .explore import neighbourhood

        return Elements(**neighbourhood(self.store, key, depth=depth, labels=labels, limit=limit, timeline=self.timeline(as_of, known_by)))

    def path(self, source: str, target: str, *, max_steps: int = 4, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> Elements:
        """A shortest connection between two nodes (at most ``max_steps`` relationships), as elements in path order; empty if none.

        Only relationships and nodes that hold at the :meth:`timeline` are walked.
        """
        from .explore import path

        return Elements(**path(self.store, source, target, max_steps=max_steps, timeline=self.timeline(as_of, known_by)))

    def timeline(self, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> Timeline:
        """The one rule of as-of (valid time) and known-by (known time) every view applies (:class:`koppel.graph.validity.Timeline`).

        Text dates are ``YYYY-MM-DD``; a ``ValidationError`` names ``as_of`` or ``known_by`` otherwise.
        """
        from koppel.graph.validity import Timeline

        return Timeline.of(self.store, parse_date(as_of), parse_date(known_by, "known_by"))

    # -- analytics -------------------------------------------------------------------------------
    def brokers(self, iso3: str, *, k: int | None = None, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> BrokersAnswer:
        """Intermediaries on the shortest connections between the Netherlands and a country (networkx), at the :meth:`timeline`."""
        from .analytics import brokers

        timeline = self.timeline(as_of, known_by)
        iso3 = self._country_key(iso3)
        return BrokersAnswer(**brokers(self.store, iso3, k=k, timeline=timeline))

    def similar(self, iso3: str, *, top: int = 10) -> SimilarAnswer:
        """Countries with a similar linkage profile (Jaccard similarity, networkx)."""
        from .analytics import similar

        iso3 = self._country_key(iso3)
        return SimilarAnswer(**similar(self.store, iso3, top=top))

    def centrality(
        self, *, label: str | None = None, k: int | None = None, top: int = 20, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None
    ) -> CentralityAnswer:
        """Betweenness and degree centrality of forums and donors, or of one label (networkx), at the :meth:`timeline`."""
        from .analytics import centrality

        timeline = self.timeline(as_of, known_by)
        if label is not None and label not in self.store.schema.nodes:
            raise ValidationError(f"unknown label {label!r}; known: {', '.join(self.store.schema.labels)}")
        return CentralityAnswer(**centrality(self.store, label=label, k=k, top=top, timeline=timeline))

    # -- export ----------------------------------------------------------------------------------
    def export(self, fmt: str = "json", *, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> str:
        """The whole graph as text: ``json`` (koppel's own), ``graphml`` or ``gexf``, at the :meth:`timeline` (undated facts marked)."""
        try:
            from .export import export_graph  # where the export code is moving
        except ImportError:
            from koppel.api.export import export_graph

        return export_graph(self.store, fmt, self.timeline(as_of, known_by))

    # -- writing (the command line only) -----------------------------------------------------------
    def check(self, files: Iterable[Path]) -> CheckAnswer:
        """Validate facts files against the schema without writing; ``ValidationError`` lists every problem."""
        from koppel.loaders.facts import parse_facts

        paths = [Path(f) for f in files]
        facts = parse_facts(paths)
        return CheckAnswer(files=[str(p) for p in paths], nodes=len(facts.nodes), relationships=len(facts.relationships))

    def load(self, files: Iterable[Path] | None = None, *, progress: Progress | None = None, on_start: Callable[[int, int], None] | None = None) -> LoadAnswer:
        """Validate facts files (none: the seed graph), then write them all or nothing; loading twice changes nothing.

        ``on_start(nodes, relationships)`` is called with the record counts once the files validated.
        """
        from koppel.loaders import seed_files
        from koppel.loaders.facts import parse_facts

        paths = [Path(f) for f in files] if files else seed_files()
        facts = parse_facts(paths)
        if on_start:
            on_start(len(facts.nodes), len(facts.relationships))
        store = self.store
        report = store.upsert(facts.nodes, facts.relationships, progress=progress)
        self._index = None
        return LoadAnswer(store=store.location, files=[str(p) for p in paths], **report.as_dict())

    def clear(self, *, drop_schema: bool = False) -> str:
        """Delete every node and relationship (``drop_schema``: also tables, constraints, indexes); the store's location."""
        store = self.store
        store.clear(drop_schema=drop_schema)
        self._index = None
        return store.location


def _rows(result: QueryResult, row_limit: int | None) -> Rows:
    from .elements import from_rows

    rows = result.rows if row_limit is None else result.rows[:row_limit]
    elements = from_rows(result.columns, rows)
    return Rows(
        columns=result.columns,
        rows=[dict(zip(result.columns, row)) for row in rows],
        truncated=row_limit is not None and len(result.rows) > row_limit,
        elements=Elements(**elements) if elements else None,
    )
