"""The Neo4j store, through the official ``neo4j`` driver (with its Rust extension).

Works with ``bolt://`` (one server), ``neo4j://`` (routing: a cluster or Aura
unchanged) and their ``+s``/``+ssc`` TLS variants. Reads run in READ-mode
transactions, so a cluster routes them to readers and the server refuses any
write in them; loads are ``UNWIND $rows`` batches in one transaction.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import neo4j
from neo4j import GraphDatabase
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Path, Relationship

from .ddl import neo4j_ddl
from .errors import ConfigError, QueryError, QueryTimeout, ReadOnlyViolation, StoreUnavailable
from .models import NodeRecord, RelRecord
from .schema import Property
from .store import (
    Deletion,
    GraphStore,
    LoadReport,
    MissingEndpoints,
    Progress,
    QueryResult,
    by_label,
    by_table,
    entity,
    path_step,
    plain,
    record_params,
)

BATCH_SIZE = 10_000
ONE_RECORD_MAX_ROWS = 10_000
"""Reads that returned at most this many rows are run again as one collected record (:meth:`Neo4jStore.run`)."""
ONE_RECORD_TEXTS = 2_000
"""Query texts whose columns a store remembers for that (the memory is emptied when full; ad-hoc queries vary)."""

# The driver has no read timeout: a frozen server (SIGSTOP, a hung VM) holds a
# reader until it wakes. So a read or load runs on a daemon thread and the caller, every
# PROBE_INTERVAL seconds without an answer, checks that the server still answers
# a fresh Bolt handshake (:func:`_answers_handshake`); a slow query on a live
# server goes on, a server that does not answer becomes StoreUnavailable (503)
# within about PROBE_INTERVAL + PROBE_TIMEOUT seconds. The abandoned thread ends
# when the server answers or the connection drops.
CONNECT_TIMEOUT = 5.0
PROBE_INTERVAL = 4.0
PROBE_TIMEOUT = 3.0
_BOLT_HANDSHAKE = b"\x60\x60\xb0\x17" + b"\x00\x00\x04\x05" + b"\x00" * 12  # magic, then Bolt 5.4 and three empty slots


def _answers_handshake(uri: str, timeout: float = PROBE_TIMEOUT) -> bool:
    """Whether the server behind ``uri`` completes a new connection's (TLS and) Bolt handshake within ``timeout`` s."""
    parts = urlsplit(uri)
    host, port = parts.hostname or "localhost", parts.port or 7687
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            raw.settimeout(timeout)
            if parts.scheme.endswith(("+s", "+ssc")):
                context = ssl.create_default_context()
                context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # liveness only; the driver verifies
                with context.wrap_socket(raw, server_hostname=host) as secure:
                    secure.sendall(_BOLT_HANDSHAKE)
                    return len(secure.recv(4)) == 4
            raw.sendall(_BOLT_HANDSHAKE)
            return len(raw.recv(4)) == 4
    except OSError:
        return False


def _bounded(call: Callable[[], Any], uri: str) -> Any:
    """``call()``'s result; :class:`StoreUnavailable` as soon as the server stops answering handshakes while it runs.

    The call runs on a daemon thread (see :func:`_bounded_write`), so a process that gave up
    on a frozen server exits without waiting for it.
    """
    return _bounded_write(lambda cancelled: call(), uri, doing="while a request ran", after="")


def _bounded_write(
    call: Callable[[threading.Event], Any], uri: str, *, doing: str = "during the load", after: str = "; the load's transaction was not committed"
) -> Any:
    """``call(cancelled)``'s result, on a daemon thread; :class:`StoreUnavailable` once the server stops answering handshakes.

    Like :func:`_bounded`, but for a load: on giving up it sets ``cancelled``, which the
    load checks before each batch and before its commit, so a server that wakes later
    sees the transaction rolled back, never committed; the thread is a daemon so a CLI
    that gave up exits at once instead of waiting for the frozen server.
    """
    cancelled = threading.Event()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = call(cancelled)
        except BaseException as error:  # handed to the caller below
            outcome["error"] = error

    worker = threading.Thread(target=target, daemon=True, name="koppel-neo4j-load")
    worker.start()
    while True:
        worker.join(PROBE_INTERVAL)
        if not worker.is_alive():
            if "error" in outcome:
                raise outcome["error"]
            return outcome.get("value")
        if not _answers_handshake(uri):
            cancelled.set()
            raise StoreUnavailable(
                f"Neo4j at {uri} stopped answering {doing} (no Bolt handshake within {PROBE_TIMEOUT:g} s){after}"
            )


class Neo4jStore(GraphStore):
    """The Neo4j server at ``uri`` (``bolt://``, ``neo4j://``, their ``+s``/``+ssc`` variants), as ``user``.

    Raises ``ConfigError`` without a password, for refused credentials or an unusable URI,
    ``StoreUnavailable`` when the server cannot be reached.
    """

    kind = "neo4j"
    probe_interval = PROBE_INTERVAL  # a frozen server holds a waiting reader: probe it (answers) this often
    server_settings = True  # SHOW SETTINGS: koppel.graph.guard.unsafe_settings judges them

    @classmethod
    def answers(cls, spec: str) -> bool:
        """Whether the server at the URI ``spec`` completes a fresh (TLS and) Bolt handshake within :data:`PROBE_TIMEOUT` seconds."""
        try:
            return _answers_handshake(spec)
        except ValueError:  # a URI whose port is not a number: nothing there answers
            return False

    def __init__(self, uri: str, *, user: str, password: str | None, database: str | None = None, read_only: bool = False) -> None:
        self.uri = uri
        self.location = uri
        self.database = database or None
        self.read_only = read_only
        if password is None:
            raise ConfigError(f"no password for {uri}: set NEO4J_PASSWORD (and NEO4J_USER if not 'neo4j')")
        try:
            # Retries of a failed read or write stop after 5 s (the driver waits 30 s by default),
            # so an outage reaches the API as a prompt 503 rather than a hung request.
            self._driver = GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=CONNECT_TIMEOUT,  # TCP connect and Bolt handshake
                connection_acquisition_timeout=60,
                max_transaction_retry_time=5,
                notifications_min_severity="OFF",  # no warning per label or property the graph lacks yet
            )
            _bounded(self._driver.verify_connectivity, uri)
        except neo4j_errors.AuthError:
            raise ConfigError(f"Neo4j at {uri} refused the credentials of user {user!r}: check NEO4J_USER and NEO4J_PASSWORD") from None
        except (neo4j_errors.ServiceUnavailable, OSError) as error:
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {error}") from None
        except (ValueError, neo4j_errors.ConfigurationError) as error:
            raise ConfigError(f"unusable Neo4j URI {uri!r}: {error}") from None
        except neo4j_errors.Neo4jError as error:
            raise StoreUnavailable(f"Neo4j at {uri} answered: {error.message}") from None
        self._schema_ready = False
        self._collected: dict[str, tuple[str, ...]] = {}  # read text -> its columns (run as one record), or () (run as it is)

    def close(self) -> None:
        if getattr(self, "_driver", None) is not None:
            self._driver.close()
            self._driver = None

    def _session(self, read_only: bool) -> neo4j.Session:
        mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        self._require_writable()
        with self._session(read_only=False) as session:
            for statement in neo4j_ddl(self.schema):
                session.run(statement).consume()
        self._schema_ready = True

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, read_only: bool = True, timeout: float | None = None) -> QueryResult:
        """Run Cypher; a read whose earlier run returned at most :data:`ONE_RECORD_MAX_ROWS` rows comes back as one record.

        The Python driver spends about 25 µs of CPU per record it receives (a
        country's 300 return observations: 8.8 ms as records, 1.0 ms as one
        collected list; BENCHMARKS.md, issue 13), so a repeated read runs as
        ``CALL { <cypher> } RETURN collect([<its columns>])`` (:func:`_one_record`):
        the same rows in the same order. Should that form fail (a query Cypher
        does not allow inside ``CALL``, a collected list over the memory limit),
        the text runs as it is from then on.
        """
        columns = self._collected.get(cypher) if read_only else None
        if columns:
            try:
                return self._run(_one_record(cypher, columns), params, read_only=True, timeout=timeout, collected=columns)
            except QueryTimeout:
                raise
            except QueryError:
                self._collected[cypher] = ()
        result = self._run(cypher, params, read_only=read_only, timeout=timeout)
        if read_only and cypher not in self._collected and _collectable(cypher) and result.columns and len(result.rows) <= ONE_RECORD_MAX_ROWS:
            if len(self._collected) >= ONE_RECORD_TEXTS:
                self._collected.clear()
            self._collected[cypher] = tuple(result.columns)
        return result

    def _run(
        self, cypher: str, params: dict[str, Any] | None, *, read_only: bool, timeout: float | None, collected: tuple[str, ...] | None = None
    ) -> QueryResult:
        if not read_only:
            self._require_writable()

        def work(tx: neo4j.ManagedTransaction) -> QueryResult:
            result = tx.run(cypher, params or {})
            if collected:
                return QueryResult(list(collected), [[_normalise(v) for v in row] for row in result.single(strict=True)[0]])
            columns = list(result.keys())
            return QueryResult(columns, [[_normalise(v) for v in record.values()] for record in result])

        work = neo4j.unit_of_work(timeout=timeout)(work) if timeout else work

        def execute() -> QueryResult:
            with self._session(read_only) as session:
                return session.execute_read(work) if read_only else session.execute_write(work)

        try:
            if not read_only:
                return execute()  # a write may take long; it is never abandoned half-way
            return _bounded(execute, self.uri)
        except neo4j_errors.ClientError as error:
            raise _client_error(error, read_only) from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as error:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {error}") from None
        except neo4j_errors.Neo4jError as error:
            raise QueryError(error.message or str(error)) from None

    def check_read_only(self, cypher: str, params: dict[str, Any] | None = None) -> None:
        """The token guard, then the planner: a query Neo4j does not classify as read-only ('r') is refused."""
        super().check_read_only(cypher, params)
        kind = self.explain_type(cypher, params)
        if kind != "r":
            raise ReadOnlyViolation(f"refused: the planner classifies this query as {kind!r}, not read-only")

    def explain_type(self, cypher: str, params: dict[str, Any] | None = None) -> str:
        """The query type the server's planner reports: 'r', 'w', 'rw' or 's' (schema)."""
        def explain() -> Any:
            with self._session(read_only=True) as session:
                return session.run("EXPLAIN " + cypher, params or {}).consume()

        try:
            summary = _bounded(explain, self.uri)
        except neo4j_errors.ClientError as error:
            raise _client_error(error, True) from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as error:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {error}") from None
        return summary.query_type or ""

    def _write(
        self, nodes: Sequence[NodeRecord], rels: Sequence[RelRecord], *, atomic: bool, progress: Progress | None,
        deletions: Sequence[Deletion] = (),
    ) -> LoadReport:
        report = LoadReport()
        done: dict[str, int] = defaultdict(int)
        statements = [
            *self._node_statements(nodes), *self._rel_statements(rels),
            *(_Statement(d.stage, d.cypher, list(d.rows)) for d in deletions),  # in the same transaction when atomic
        ]

        def load(cancelled: threading.Event) -> None:
            with self._session(read_only=False) as session, _load_transactions(session, atomic, cancelled) as execute:
                for statement in statements:
                    for begin in range(0, len(statement.rows), BATCH_SIZE):
                        if cancelled.is_set():
                            raise StoreUnavailable("the load was given up")
                        batch = statement.rows[begin : begin + BATCH_SIZE]
                        created = execute(statement.write, batch)
                        statement.tally(report, created, len(batch))
                        done[statement.stage] += len(batch)
                        if progress:
                            progress(statement.stage, done[statement.stage])

        try:
            _bounded_write(load, self.uri)
        except neo4j_errors.ClientError as error:
            raise _client_error(error, False) from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as error:
            raise StoreUnavailable(f"lost Neo4j at {self.uri} during the load (nothing was committed): {error}") from None
        return report

    def _node_statements(self, nodes: Sequence[NodeRecord]) -> list[_Statement]:
        statements = []
        for label, records in by_label(nodes).items():
            dates = _date_names(self.schema.node(label).properties)
            cypher = f"UNWIND $rows AS row MERGE (n:{label} {{key: row.key}}) SET n = row{_dates_from_strings('n', 'row', dates)}"
            statements.append(_Statement("nodes", cypher, [_node_row(r, dates) for r in records]))
        return statements

    def _rel_statements(self, rels: Sequence[RelRecord]) -> list[_Statement]:
        statements = []
        for (rel_type, start_label, end_label), records in by_table(rels).items():
            dates = _date_names(self.schema.relationship(rel_type).properties)
            cypher = (
                f"UNWIND $rows AS row MATCH (a:{start_label} {{key: row.start}}) MATCH (b:{end_label} {{key: row.end}}) "
                f"MERGE (a)-[r:{rel_type}]->(b) SET r = row.props{_dates_from_strings('r', 'row.props', dates)} "
                "RETURN count(*) AS written"
            )
            rows = [{"start": r.start, "end": r.end, "props": _properties_row(r, dates)} for r in records]
            statements.append(_Statement("relationships", cypher, rows))
        return statements

    def clear(self, *, drop_schema: bool = False) -> None:
        self._require_writable()
        with self._session(read_only=False) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
            if drop_schema:
                for record in session.run("SHOW CONSTRAINTS YIELD name").data():
                    session.run(f"DROP CONSTRAINT `{record['name']}` IF EXISTS").consume()
                for record in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").data():
                    session.run(f"DROP INDEX `{record['name']}` IF EXISTS").consume()
                self._schema_ready = False


@dataclass(frozen=True)
class _Statement:
    """One ``UNWIND $rows`` write over the records of one label or relationship type."""

    stage: str  # "nodes" or "relationships", as progress reports it
    cypher: str
    rows: list[dict[str, Any]]

    def write(self, tx: neo4j.ManagedTransaction | neo4j.Transaction, batch: list[dict[str, Any]]) -> int:
        """Write one batch; the number created comes from the server's counters (no extra match to count them)."""
        result = tx.run(self.cypher, rows=batch)
        if self.stage not in ("nodes", "relationships"):  # a removal (koppel.graph.store.Deletion)
            result.consume()
            return 0
        if self.stage == "nodes":
            return result.consume().counters.nodes_created
        # A row whose endpoint is missing matches nothing and would vanish without a word.
        if result.single(strict=True)["written"] < len(batch):
            raise MissingEndpoints
        return result.consume().counters.relationships_created

    def tally(self, report: LoadReport, created: int, rows: int) -> None:
        if self.stage not in ("nodes", "relationships"):
            return  # removals are counted by the caller (GraphStore.unload)
        if self.stage == "nodes":
            report.nodes_created += created
            report.nodes_updated += rows - created
        else:
            report.relationships_created += created
            report.relationships_updated += rows - created


@contextmanager
def _load_transactions(session: neo4j.Session, atomic: bool, cancelled: threading.Event) -> Iterator[Callable[..., int]]:
    """How batches run: all in one explicit transaction when ``atomic``, else each in its own managed (retried) one.

    A set ``cancelled`` (the caller gave up on a frozen server) rolls the transaction back instead of committing it.
    """
    if not atomic:
        yield session.execute_write
        return
    with session.begin_transaction() as tx:
        yield lambda work, *args: work(tx, *args)
        if cancelled.is_set():
            tx.rollback()
            raise StoreUnavailable("the load was given up; its transaction was rolled back")
        tx.commit()


_COLLECTABLE_START = ("MATCH", "OPTIONAL MATCH", "UNWIND", "WITH")


def _collectable(cypher: str) -> bool:
    """Whether a read may run inside ``CALL { }``: a plain query (no prefix such as EXPLAIN, USE, CYPHER or SHOW, no semicolon)."""
    head = " ".join(cypher.split()[:2]).upper()
    return head.startswith(_COLLECTABLE_START) and ";" not in cypher


def _one_record(cypher: str, columns: tuple[str, ...]) -> str:
    """The read as one record: its rows, in their order, as one list of value lists (line breaks keep a trailing ``//`` comment inside)."""
    quoted = ", ".join("`" + name.replace("`", "``") + "`" for name in columns)
    return f"CALL {{\n{cypher}\n}}\nRETURN collect([{quoted}]) AS rows"


def _date_names(properties: dict[str, Property]) -> tuple[str, ...]:
    return tuple(name for name, prop in properties.items() if prop.type == "date")


def _dates_from_strings(variable: str, row: str, dates: tuple[str, ...]) -> str:
    """``SET`` items that turn the ISO strings a row carries back into dates (``date(null)`` is null)."""
    return "".join(f", {variable}.{name} = date({row}.{name})" for name in dates)


def _properties_row(record: NodeRecord | RelRecord, dates: tuple[str, ...]) -> dict[str, Any]:
    """A record's set properties, with dates as ISO strings.

    Unset properties are left out: ``SET x = row`` removes them, as a reload must.
    Dates travel as strings because the driver's conversion of ``datetime.date``
    to its own temporal values costs more client time than the rest of the row.
    """
    row = record_params(record)
    for name in dates:
        if name in row:
            row[name] = row[name].isoformat()
    return row


def _node_row(record: NodeRecord, dates: tuple[str, ...]) -> dict[str, Any]:
    row = _properties_row(record, dates)
    row["key"] = record.key
    return row


def _client_error(error: neo4j_errors.Neo4jError, read_only: bool) -> Exception:
    code = error.code or ""
    message = error.message or str(error)
    if read_only and ("AccessMode" in code or "ForbiddenDueToTransactionType" in code or "WriteOnReadOnlyAccessDbException" in code):
        return ReadOnlyViolation(f"refused: this query writes, and it ran read-only ({message})")
    if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
        return QueryTimeout(f"query cancelled: it ran past its time limit ({message})")
    if "DatabaseNotFound" in code:  # the setting is wrong, not the query: exit 2, naming the setting
        return ConfigError(f"setting NEO4J_DATABASE: the Neo4j server has no such database ({message})")
    return QueryError(message)


_SCALARS = frozenset({str, int, float, bool, type(None)})
"""Types the driver returns that need no normalising: most values of a read (checked first, by exact type)."""


def _normalise(value: Any) -> Any:
    """A value the driver returned as koppel's stores return it: nodes and relationships as :func:`entity` dicts, paths as
    node and step lists, dates as ISO text (:func:`plain`), scalars unchanged."""
    if type(value) in _SCALARS:  # a read's ~10,000 values per linkages answer: skip the isinstance chain below
        return value
    if isinstance(value, Node):
        labels = sorted(value.labels)
        return entity("_label", labels[0] if labels else "", dict(value))
    if isinstance(value, Relationship):
        return entity("_type", value.type, dict(value))
    if isinstance(value, Path):
        keys = {n.element_id: n.get("key") for n in value.nodes}
        return {
            "nodes": [_normalise(n) for n in value.nodes],
            "relationships": [
                path_step(_normalise(r), keys.get(r.start_node.element_id), keys.get(r.end_node.element_id)) for r in value.relationships
            ],
        }
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return plain(value)
