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

import contextlib
import datetime as dt
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from koppel.graph.errors import ConfigError, KoppelError, NotFound, QueryError, ValidationError
from koppel.graph.factory import StoreConfig
from koppel.graph.schema import DISPLAY_LANGUAGES, SCHEMA, Property, Schema

from . import answers  # the answer classes, each topic's imported on first use (koppel.queries.answers)

if TYPE_CHECKING:
    from koppel.graph.settings import Settings
    from koppel.graph.store import GraphStore, Progress, QueryResult
    from koppel.graph.validity import Timeline

    from koppel.loaders.ingest.pipeline import Workspace

    from .answers import (
        BrokersAnswer,
        Catalogue,
        CentralityAnswer,
        CheckAnswer,
        Countries,
        DecisionsAnswer,
        Elements,
        EvidenceAnswer,
        IngestAnswer,
        LabelInfo,
        LinkageAnswer,
        LoadAnswer,
        NodeAnswer,
        Profile,
        PropertyInfo,
        QueryInfo,
        RelTypeInfo,
        ReturnSeries,
        ReviewAnswer,
        Rows,
        SchemaAnswer,
        SearchAnswer,
        SimilarAnswer,
        StatementsAnswer,
        Stats,
    )
    from .search import SearchIndex

T = TypeVar("T")

SANDBOX_TIMEOUT = 5.0
"""Seconds read-only ad-hoc Cypher may run in a :attr:`Koppel.sandbox` when the caller gives no timeout."""
SANDBOX_ROW_LIMIT = 10_000
"""Most rows read-only ad-hoc Cypher returns from a :attr:`Koppel.sandbox` when the caller gives no limit."""


class CypherRunner(Protocol):
    """Runs checked read-only ad-hoc Cypher elsewhere (a supervised worker process): columns, rows, whether rows were cut off."""

    def run(self, cypher: str, params: dict[str, Any], *, timeout: float, row_limit: int) -> tuple[list[str], list[list[Any]], bool]: ...


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
    Operation("returns", "returns", "GET /api/countries/{iso3}/returns"),
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
    Operation("ingest", "ingest", "POST /api/ingest"),
    Operation("review", "review", "GET /api/review"),
    Operation("decide", "review --accept", "POST /api/review"),
    Operation("check", "check", None, "validates local files; the API does not write or read the client's files"),
    Operation("load", "load", None, "writes; the API serves a read-only store"),
    Operation("clear", "clear", None, "writes; the API serves a read-only store"),
)


# -- the schema, as the faces show it -------------------------------------------------------------

def _properties(props: dict[str, Property]) -> list[PropertyInfo]:
    return [
        answers.PropertyInfo(name=p.name, type=p.type, required=p.required, description=p.description, values=list(p.values) if p.values else None)
        for p in props.values()
    ]


def describe_schema(schema: Schema = SCHEMA) -> SchemaAnswer:
    """The schema as the faces show it: every label and relationship type with display names, style and properties."""
    return answers.SchemaAnswer(
        languages=list(DISPLAY_LANGUAGES),
        labels=[
            answers.LabelInfo(label=n.label, names=n.names, style=n.style, searchable=n.searchable, description=n.description, properties=_properties(n.properties))
            for n in schema.nodes.values()
        ],
        relationship_types=[
            answers.RelTypeInfo(type=r.type, names=r.names, style=r.style, description=r.description, endpoints=list(r.endpoints), properties=_properties(r.properties))
            for r in schema.relationships.values()
        ],
    )


def describe_catalogue() -> Catalogue:
    """The named queries of ``queries/catalogue/``: each one's question, parameters and columns."""
    from dataclasses import asdict

    from .catalogue import load_catalogue

    return answers.Catalogue(queries=[
        answers.QueryInfo(name=q.name, question=q.question, parameters=[asdict(p) for p in q.parameters], columns=[asdict(c) for c in q.columns])
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

    ``sandbox``: a runner for read-only ad-hoc Cypher in another process
    (:class:`koppel.api.sandbox.CypherSandbox`, which the HTTP face gives);
    without one, :meth:`cypher` runs in this process (the CLI).

    Errors are :class:`~koppel.graph.errors.KoppelError` subclasses, each with
    one line naming what is wrong: ``NotFound`` (an unknown country, node or
    locator), ``ValidationError`` (bad input), ``StoreUnavailable``,
    ``ConfigError``, ``QueryError``.
    """

    def __init__(
        self, settings: Settings, *, store: str | None = None, read_only: bool = True, cache_ttl: float | None = 60.0, sandbox: CypherRunner | None = None
    ) -> None:
        self.settings = settings
        self.sandbox = sandbox
        """Where read-only ad-hoc Cypher runs instead of this process (:class:`koppel.api.sandbox.CypherSandbox`, the HTTP face's), or ``None``."""
        self.config = StoreConfig.from_settings(settings, store)
        self.read_only = read_only
        self.cache_ttl = cache_ttl
        self._store: GraphStore | None = None
        self._index: SearchIndex | None = None
        self._index_built = 0.0
        self._lock = threading.RLock()
        self._on_close: list[Callable[[], None]] = []
        self._empty: GraphStore | None = None
        self._empty_folder: tempfile.TemporaryDirectory[str] | None = None

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
            if self._empty is not None and self._empty_folder is not None:
                self._empty.close()
                self._empty_folder.cleanup()
                self._empty = self._empty_folder = None
            self._index = None
            for callback in self._on_close:
                callback()

    def __enter__(self) -> Koppel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def graph(self) -> GraphStore:
        """The store to read: :attr:`store`, or, when the embedded store's tables were dropped
        (``koppel clear --schema``), an empty store with the schema's tables, so every reading
        question answers as Neo4j does after the same clear (no rows, zero counts) instead of
        the engine's "Table ... does not exist". The empty store lives in a temporary folder
        until :meth:`close`.
        """
        store = self.store
        if store.has_schema():  # always on a store that needs no tables (Neo4j)
            return store
        with self._lock:
            if self._empty is None:
                folder = tempfile.TemporaryDirectory(prefix="koppel-empty-")
                empty = StoreConfig.from_settings(self.settings, f"embedded:{Path(folder.name) / 'store'}").open(read_only=False)
                empty.ensure_schema()
                self._empty, self._empty_folder = empty, folder
            return self._empty

    def _no_graph(self) -> None:
        """``NotFound`` when the store holds no tables (the embedded store after ``clear --schema``; ad-hoc Cypher is not run on a stand-in)."""
        store = self.store
        if not store.has_schema():
            raise NotFound(
                f"the store {store.location} holds no graph (its tables were dropped by `koppel clear --schema`): "
                "`koppel load` loads one, then ad-hoc Cypher can run"
            )

    def _with_schema(self, empty: Callable[[], T]) -> T | None:
        """``empty()`` when the store has no schema (dropped by ``clear --schema``), else ``None``."""
        return None if self.store.has_schema() else empty()

    # -- the store -----------------------------------------------------------------------------
    def schema(self) -> SchemaAnswer:
        """Labels and relationship types with their display names, style and properties (needs no store)."""
        return describe_schema(self.store.schema if self._store is not None else SCHEMA)

    def stats(self) -> Stats:
        """Node count per label, relationship count per type, and where the store is (zeros on an emptied store)."""
        return answers.Stats(**self.store.stats())

    def ready(self) -> dict[str, str]:
        """``{"status": "ready", "store", "location"}`` once the store answers a query; raises ``StoreUnavailable`` otherwise."""
        store = self.store
        store.run("RETURN 1 AS one")
        return {"status": "ready", "store": store.kind, "location": store.location}

    # -- countries -----------------------------------------------------------------------------
    def countries(self, *, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> Countries:
        """Every country with its latest return cooperation and counts of what the graph holds on it, at the :meth:`timeline` when dates are given."""
        from .profile import country_summaries

        date, known = parse_date(as_of), parse_date(known_by, "known_by")
        stamp = {"as_of": date.isoformat() if date else None, "known_by": known.isoformat() if known else None} if date or known else {}
        if self._with_schema(lambda: True):
            return answers.Countries(countries=[], **stamp)
        return answers.Countries(countries=country_summaries(self.store, self.timeline(date, known) if stamp else None), **stamp)

    def profile(self, iso3: str, *, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> Profile:
        """A country's profile (see :func:`koppel.queries.profile.country_profile`); ``NotFound`` for an unknown country.

        ``as_of``: what held on that date; ``known_by``: only what sources dated by then stated.
        """
        from .profile import country_profile

        date, known = parse_date(as_of), parse_date(known_by, "known_by")
        iso3 = self._country_key(iso3)
        return answers.Profile(**country_profile(self.store, iso3, as_of=date, known_by=known))

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
        return answers.LinkageAnswer(**linkages(self.store, iso3, as_of=date, weights=chosen, known_by=known))

    def returns(self, iso3: str, *, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> ReturnSeries:
        """Returns of a country's nationals per reporting state and year, with the EU+EFTA total (Eurostat MIGR_EIRTN, persons).

        See :func:`koppel.queries.returns.return_series`; ``as_of``/``known_by``
        leave out years not yet published and rows not yet known then
        (``withheld`` says why). ``NotFound`` for an unknown country.
        """
        from .returns import data_timeline, return_series

        date, known = parse_date(as_of), parse_date(known_by, "known_by")
        graph = self.graph
        iso3 = self._country_key(iso3)
        return answers.ReturnSeries(**return_series(graph, iso3, timeline=data_timeline(graph, date, known) if date or known else None))

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
            return answers.SearchAnswer(query=text, results=[])
        return answers.SearchAnswer(query=text, results=self.search_index().search(text, limit=limit))

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

        return answers.EvidenceAnswer(**evidence(locator, sources_dir(self.settings.sources)).as_dict())

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
        return _rows(run_named(self.graph, name, params or {}, timeout=timeout, timeline=self.timeline(as_of, known_by)), row_limit)

    def cypher(
        self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False, timeout: float | None = None, row_limit: int | None = None
    ) -> Rows:
        """Ad-hoc Cypher: read-only unless ``write``; rows as plain JSON values (128-bit sums as numbers).

        ``params`` are checked against what both stores hold
        (:func:`koppel.graph.values.check_params`). A read is parsed and
        checked by :func:`koppel.graph.guard.check_read_only` before the store
        is opened; what runs is the guard's canonical text, translated for the
        embedded store (:func:`koppel.graph.dialect.adhoc_for`), checked again
        by the store's planner where it has one. With a :attr:`sandbox` (the
        HTTP face) it runs in that supervised worker process, else in this one.
        ``timeout`` in seconds (``None``: none here, the sandbox's default there);
        ``row_limit`` cuts the rows and sets ``truncated``. Raises
        ``ValidationError`` (parameters), ``ReadOnlyViolation`` (a read that
        writes), ``QueryError``, ``QueryTimeout``.
        """
        from koppel.api.sandbox import plain
        from koppel.graph.values import check_params

        params = check_params(params or {})
        if write:
            result = self.store.run(cypher, params, read_only=False, timeout=timeout)
            result.rows = plain(result.rows)
            return _rows(result, row_limit)
        if self.sandbox is not None:  # it checks, translates and runs the query as below, in its worker
            try:
                columns, rows, truncated = self.sandbox.run(
                    cypher, params, timeout=timeout or SANDBOX_TIMEOUT, row_limit=row_limit if row_limit is not None else SANDBOX_ROW_LIMIT
                )
            except QueryError:
                self._no_graph()  # the worker's "Table ... does not exist": say the store holds no graph
                raise
            return _rows_of(columns, rows, truncated)
        from koppel.graph.dialect import adhoc_for
        from koppel.graph.guard import check_plan

        # The guard's canonical text in the store's dialect, refused before the store is opened.
        text = adhoc_for(self.config.store_class.kind, cypher, params)
        self._no_graph()
        store = self.store
        store.check_read_only(text, params)  # plus the planner, where the store has one
        check_plan(store, text, params)
        result = store.run(text, params, read_only=True, timeout=timeout)
        result.rows = plain(result.rows)
        return _rows(result, row_limit)

    # -- exploring the graph ---------------------------------------------------------------------
    def node(self, label: str, key: str, *, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> NodeAnswer:
        """One node and its direct neighbourhood; ``ValidationError`` for an unknown label, ``NotFound`` for an unknown key.

        ``as_of``/``known_by``: the one timeline rule (:meth:`timeline`); undated facts are marked.
        """
        from .explore import node

        node_props, elements = node(self.store, label, key, timeline=self.timeline(as_of, known_by))
        return answers.NodeAnswer(node=node_props, elements=answers.Elements(**elements))

    def statements(self, key: str) -> StatementsAnswer:
        """Every source's statements about the node ``key`` and its relationships, with certainty and where sources disagree.

        Shape as :meth:`koppel.graph.store.GraphStore.statements` (``koppel evidence KEY``); ``NotFound`` for an unknown key.
        """
        return answers.StatementsAnswer(**self.store.statements(key))

    def neighbourhood(
        self, key: str, *, depth: int = 1, labels: Iterable[str] | None = None, limit: int = 200,
        as_of: str | dt.date | None = None, known_by: str | dt.date | None = None,
    ) -> Elements:
        """Nodes within ``depth`` (1-3) steps of the node ``key``, at most ``limit``, optionally only of ``labels``, at the :meth:`timeline`."""
        from .explore import neighbourhood

        return answers.Elements(**neighbourhood(self.store, key, depth=depth, labels=labels, limit=limit, timeline=self.timeline(as_of, known_by)))

    def path(
        self, source: str, target: str, *, max_steps: int = 4, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None,
        timeout: float | None = None,
    ) -> Elements:
        """A shortest connection between two nodes (at most ``max_steps`` relationships), as elements in path order; empty if none.

        Only relationships and nodes that hold at the :meth:`timeline` are walked. ``timeout``: seconds the search
        may take (default :data:`koppel.queries.explore.PATH_TIMEOUT`; the HTTP face passes ``KOPPEL_QUERY_TIMEOUT``);
        past it, or past :data:`~koppel.queries.explore.PATH_BUDGET` nodes, a ``QueryError``.
        """
        from .explore import PATH_TIMEOUT, path

        timeline = self.timeline(as_of, known_by)
        return answers.Elements(**path(self.store, source, target, max_steps=max_steps, timeline=timeline, timeout=timeout or PATH_TIMEOUT))

    def timeline(self, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> Timeline:
        """The one rule of as-of (valid time) and known-by (known time) every view applies (:class:`koppel.graph.validity.Timeline`).

        Text dates are ``YYYY-MM-DD``; a ``ValidationError`` names ``as_of`` or ``known_by`` otherwise.
        """
        from koppel.graph.validity import Timeline

        return Timeline.of(self.graph, parse_date(as_of), parse_date(known_by, "known_by"))

    # -- analytics -------------------------------------------------------------------------------
    def brokers(self, iso3: str, *, k: int | None = None, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> BrokersAnswer:
        """Intermediaries on the shortest connections between the Netherlands and a country (networkx), at the :meth:`timeline`."""
        from .analytics import brokers

        timeline = self.timeline(as_of, known_by)
        iso3 = self._country_key(iso3)
        return answers.BrokersAnswer(**brokers(self.graph, iso3, k=k, timeline=timeline))

    def similar(self, iso3: str, *, top: int = 10, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> SimilarAnswer:
        """Countries with a similar linkage profile (Jaccard similarity, networkx), at the :meth:`timeline`."""
        from .analytics import similar

        timeline = self.timeline(as_of, known_by)
        iso3 = self._country_key(iso3)
        return answers.SimilarAnswer(**similar(self.graph, iso3, top=top, timeline=timeline))

    def centrality(
        self, *, label: str | None = None, k: int | None = None, top: int = 20, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None
    ) -> CentralityAnswer:
        """Betweenness and degree centrality of forums and donors, or of one label (networkx), at the :meth:`timeline`."""
        from .analytics import centrality

        timeline = self.timeline(as_of, known_by)
        if label is not None and label not in self.store.schema.nodes:
            raise ValidationError(f"unknown label {label!r}; known: {', '.join(self.store.schema.labels)}")
        return answers.CentralityAnswer(**centrality(self.graph, label=label, k=k, top=top, timeline=timeline))

    # -- export ----------------------------------------------------------------------------------
    def export(self, fmt: str = "json", *, as_of: str | dt.date | None = None, known_by: str | dt.date | None = None) -> str:
        """The whole graph as text: ``json`` (koppel's own), ``graphml`` or ``gexf``, at the :meth:`timeline` (undated facts marked)."""
        try:
            from .export import export_graph  # where the export code is moving
        except ImportError:
            from koppel.api.export import export_graph

        return export_graph(self.store, fmt, self.timeline(as_of, known_by))

    # -- ingest and review (the workspace of koppel.loaders.ingest) ------------------------------------
    def ingest(
        self, paths: Iterable[Path | str] = (), *, documents: Mapping[str, str] | None = None, workspace: Path | str | None = None
    ) -> IngestAnswer:
        """Register documents in the ingest workspace and extract candidate facts for review; the store is not touched.

        ``paths``: files or folders on this machine (the CLI). ``documents``:
        uploaded documents, file name to UTF-8 text (the HTTP face); each is
        kept as ``uploads/<name>`` in the workspace, so uploading a name again
        is that document unchanged or changed. An unchanged document is
        skipped. ``workspace``: the folder (default ``KOPPEL_INGEST_DIR``, else
        the user data folder). Raises ``ValidationError`` (a bad name, file or
        text; nothing is kept then).
        """
        from koppel.loaders.ingest.pipeline import ingest

        from .answers import IngestAnswer

        files = [Path(p) for p in paths]
        with _workspace(workspace) as space:
            with _uploads(space.folder / "uploads", documents or {}) as uploaded:
                if not files and not uploaded:
                    raise ValidationError("ingest: give at least one document")
                report = ingest(files + uploaded, space)
        return IngestAnswer(workspace=str(space.folder), **report)

    def review(
        self, *, document: str | None = None, field: str | None = None, limit: int = 50, issues: bool = False, workspace: Path | str | None = None
    ) -> ReviewAnswer:
        """Pending candidates in document order, each with the passage it cites (from the settings' sources folder), at most ``limit``.

        ``document``/``field`` filter; ``issues``: list the values the
        extractors left out instead. ``ValidationError`` when the workspace
        holds no candidates (nothing was ingested) or ``limit`` is below 1.
        """
        from koppel.loaders.sources import evidence, sources_dir

        from .answers import ReviewAnswer

        if limit < 1:
            raise ValidationError(f"limit {limit} is not a positive number")
        with _workspace(workspace, write=False) as space:
            if not space.candidates:
                raise ValidationError(f"the ingest workspace {space.folder} holds no candidates: run koppel ingest first")
            rows = [r for r in space.pending() if (document is None or r["document"] == document) and (field is None or r["field"] == field)]
            if issues:
                left = [{"document": d, **i} for d, doc in sorted(space.candidates.items()) for i in doc["issues"] if document is None or d == document]
                return ReviewAnswer(workspace=str(space.folder), pending=len(rows), issues=left[:limit])
        folder = sources_dir(self.settings.sources)
        shown = rows[:limit]
        for row in shown:
            try:
                row["passage"] = evidence(row["locator"], folder).text[:240]
            except KoppelError:
                row["passage"] = None
        return ReviewAnswer(workspace=str(space.folder), pending=len(rows), candidates=shown)

    def decide(
        self,
        *,
        accept: Iterable[str] = (),
        reject: Iterable[str] = (),
        edit: Mapping[str, Any] | None = None,
        accept_all_above: float | None = None,
        field: str | None = None,
        by: str | None = None,
        load: bool = False,
        workspace: Path | str | None = None,
    ) -> DecisionsAnswer:
        """Record review decisions with who (``by``, default the login name) and when; with ``load``, write the accepted facts to the store.

        ``accept``/``reject``: candidate ids; ``edit``: candidate id to the
        corrected value (accepted with it); ``accept_all_above``: accept every
        pending candidate with at least this confidence (of ``field`` if
        given). ``load`` needs an engine opened for writing (the CLI; the HTTP
        face records decisions only, and ``koppel review --load`` loads them).
        Raises ``NotFound`` (an unknown candidate), ``ValidationError`` (a bad
        value, no candidates, nothing to load).
        """
        from koppel.loaders.ingest.review import accept_above, decide, load_accepted

        from .answers import DecisionsAnswer

        with _workspace(workspace) as space:
            if not space.candidates:
                raise ValidationError(f"the ingest workspace {space.folder} holds no candidates: run koppel ingest first")
            decided = [{"candidate": c, **decide(space, c, "accept", by=by)} for c in accept]
            decided += [{"candidate": c, **decide(space, c, "reject", by=by)} for c in reject]
            decided += [{"candidate": c, **decide(space, c, "edit", by=by, value=v)} for c, v in (edit or {}).items()]
            bulk = accept_above(space, accept_all_above, field=field, by=by) if accept_all_above is not None else 0
            report = load_accepted(space, self.store) if load else None
            if report is not None:
                self._index = None
            return DecisionsAnswer(workspace=str(space.folder), decided=len(decided) + bulk, pending=len(space.pending()), decisions=decided, load=report)

    # -- writing (the command line only) -----------------------------------------------------------
    def check(self, files: Iterable[Path]) -> CheckAnswer:
        """Validate facts files against the schema without writing; ``ValidationError`` lists every problem."""
        from koppel.loaders.facts import parse_facts

        paths = [Path(f) for f in files]
        facts = parse_facts(paths)
        return answers.CheckAnswer(files=[str(p) for p in paths], nodes=len(facts.nodes), relationships=len(facts.relationships))

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
        return answers.LoadAnswer(store=store.location, files=[str(p) for p in paths], **report.as_dict())

    def clear(self, *, drop_schema: bool = False) -> str:
        """Delete every node and relationship (``drop_schema``: also tables, constraints, indexes); the store's location."""
        store = self.store
        store.clear(drop_schema=drop_schema)
        self._index = None
        return store.location


def _rows(result: QueryResult, row_limit: int | None) -> Rows:
    rows = result.rows if row_limit is None else result.rows[:row_limit]
    return _rows_of(result.columns, rows, row_limit is not None and len(result.rows) > row_limit)


def _rows_of(columns: list[str], rows: list[list[Any]], truncated: bool) -> Rows:
    """Rows keyed by column, with the graph elements they hold (nodes, relationships, paths) for the explorer."""
    from .elements import from_rows

    elements = from_rows(columns, rows)
    return answers.Rows(
        columns=columns,
        rows=[dict(zip(columns, row)) for row in rows],
        truncated=truncated,
        elements=answers.Elements(**elements) if elements else None,
    )


@contextlib.contextmanager
def _workspace(folder: Path | str | None, *, write: bool = True) -> Iterator[Workspace]:
    """The ingest workspace (:func:`koppel.loaders.ingest.pipeline.workspace_dir`), read under an advisory lock.

    ``ConfigError`` naming ``KOPPEL_INGEST_DIR`` and the path when the folder
    cannot be created or written (a file on the way, a path under /proc).
    Writers (``write``) hold it exclusively, readers shared, so the HTTP
    face's worker processes and a ``koppel`` command never interleave their
    reads and atomic replacements of the workspace files.
    """
    import fcntl

    from koppel.loaders.ingest.pipeline import Workspace, workspace_dir

    path = workspace_dir(folder)
    if path.exists() and not path.is_dir():
        raise ConfigError(f"KOPPEL_INGEST_DIR: the ingest workspace {path} is a file, not a folder")
    if not path.is_dir() and not write:
        yield Workspace(path)  # nothing ingested yet: an empty workspace, nothing to lock
        return
    created = not path.exists()
    lock_file = path / ".koppel-workspace.lock"
    try:
        path.mkdir(parents=True, exist_ok=True)
        opened = open(lock_file, "a+")
    except OSError as error:  # a file on the way, /proc, no permission: the setting is wrong, not the input
        if created:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise ConfigError(f"KOPPEL_INGEST_DIR: the ingest workspace {path} cannot be created or written ({error.strerror or error})") from None
    try:
        with opened as lock:
            fcntl.flock(lock, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
            try:
                yield Workspace(path)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    except BaseException:
        if created:  # refused before anything was kept: leave no workspace behind
            lock_file.unlink(missing_ok=True)
            for empty in (path / "uploads", path):
                with contextlib.suppress(OSError):
                    empty.rmdir()
        raise


UPLOAD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,149}")
"""A document name an upload may have: letters, digits, ``._-``, at most 150 characters (its id is derived from it)."""


@contextlib.contextmanager
def _uploads(folder: Path, documents: Mapping[str, str]) -> Iterator[list[Path]]:
    """Write uploaded documents into ``folder`` for the duration; on an error, put back what was there before.

    Names are checked first (:data:`UPLOAD_NAME`, a suffix the ingest reads,
    no NUL, at most :data:`koppel.loaders.documents.MAX_BYTES`); the text is
    written as UTF-8. ``ValidationError`` names the first bad document.
    """
    from koppel.loaders.documents import MAX_BYTES, SUFFIXES

    for name, text in documents.items():
        if not isinstance(name, str) or not UPLOAD_NAME.fullmatch(name) or Path(name).suffix.lower() not in SUFFIXES:
            raise ValidationError(f"document name {name!r}: use letters, digits and ._- (at most 150), ending in one of {', '.join(SUFFIXES)}")
        if not isinstance(text, str) or len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
            raise ValidationError(f"document {name!r}: text of at most {MAX_BYTES} bytes is needed")
    if not documents:
        yield []
        return
    folder.mkdir(parents=True, exist_ok=True)
    before = {name: (folder / name).read_bytes() if (folder / name).is_file() else None for name in documents}
    paths = []
    try:
        for name, text in documents.items():
            (folder / name).write_text(text, encoding="utf-8")
            paths.append(folder / name)
        yield paths
    except BaseException:
        for name, data in before.items():
            if data is None:
                (folder / name).unlink(missing_ok=True)
            else:
                (folder / name).write_bytes(data)
        raise
