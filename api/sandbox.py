"""Ad-hoc analyst Cypher, run where a crash or a runaway query cannot take the API down.

Every query is first parsed and checked by :func:`koppel.graph.guard.check_read_only`;
what runs is the canonical text of the parse (see :mod:`koppel.graph.cypher`),
never the raw text. On Neo4j a second gate asks the planner (EXPLAIN): the
query type must be 'r' and no plan operator may be one of
:data:`FORBIDDEN_OPERATORS` (EXPLAIN calls ``SHOW``/``TERMINATE``/``LOAD CSV``/
procedure calls reads, so the operators are checked too). The query then runs
in a worker process that holds its own read-only store. The parent waits at
most the timeout; past it the worker is killed (which also ends the query on
the embedded engine; Neo4j cancels it through the transaction timeout) and a
fresh worker is started for the next query.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from typing import Any

from koppel.graph import errors
from koppel.graph.factory import StoreConfig
from koppel.graph.dialect import adhoc_for
from koppel.graph.guard import check_plan, unsafe_settings

_CONTEXT = mp.get_context("spawn")


def _worker(connection: Any, config: StoreConfig) -> None:
    try:
        store = config.open(read_only=True)
    except errors.KoppelError as error:
        connection.send(("error", type(error).__name__, str(error)))
        return
    connection.send(("ready", None, None))
    while True:
        try:
            cypher, params, timeout, row_limit = connection.recv()
        except EOFError:
            return
        try:
            store.check_read_only(cypher, params)  # the guard again, and the planner where the store has one
            check_plan(store, cypher, params)  # Neo4j: no SHOW/TERMINATE/LoadCSV/ProcedureCall operator either
            result = store.run(cypher, params, read_only=True, timeout=timeout)
            rows = plain(result.rows[:row_limit])
            connection.send(("ok", result.columns, (rows, len(result.rows) > row_limit)))
        except errors.KoppelError as error:
            connection.send(("error", type(error).__name__, str(error)))


class CypherSandbox:
    """A supervised worker process for ad-hoc read-only Cypher; one query at a time."""

    def __init__(self, config: StoreConfig) -> None:
        """``config`` (picklable, credentials included) is what the worker process opens, read-only."""
        self.config = config
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Any = None
        threading.Thread(target=warn_unsafe_settings, args=(config,), daemon=True, name="koppel-settings-check").start()

    def _start(self) -> None:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_worker, args=(child, self.config), daemon=True)
        process.start()
        child.close()
        try:
            if not parent.poll(60):
                raise EOFError
            status, kind, message = parent.recv()
        except (EOFError, OSError):
            process.kill()
            raise errors.StoreUnavailable("the query worker did not start; it is tried again on the next query") from None
        if status != "ready":
            process.join(5)
            raise getattr(errors, kind, errors.StoreUnavailable)(message)
        self._process, self._connection = process, parent

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        self._process = self._connection = None

    def run(self, cypher: str, params: dict[str, Any], *, timeout: float, row_limit: int) -> tuple[list[str], list[list[Any]], bool]:
        """Columns, rows (at most ``row_limit``) and whether rows were cut off.

        Raises :class:`ReadOnlyViolation` (not a read), :class:`QueryError` (does not
        parse, unbounded cost, engine error) or :class:`QueryTimeout`.
        """
        # Neo4j runs the guard's canonical text; the embedded store its translation (koppel.graph.dialect.adhoc_for).
        cypher = adhoc_for("embedded" if self.config.spec.lower().startswith("embedded:") else "neo4j", cypher, params)
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._start()
            try:
                self._connection.send((cypher, params, timeout, row_limit))
                # The server-side timeout acts first; the kill is the backstop. While
                # waiting, a Neo4j server that stops answering handshakes is an outage
                # (503), not a slow query (504): see _wait.
                if not self._wait(timeout + 2):
                    self._stop()
                    raise errors.QueryTimeout(f"query cancelled after {timeout:g} s; the worker was restarted")
                status, columns, payload = self._connection.recv()
            except (EOFError, BrokenPipeError, ConnectionResetError):
                self._stop()
                raise errors.QueryError("the query worker ended while running this query; it was restarted") from None
        if status == "error":
            raise getattr(errors, columns, errors.QueryError)(payload)
        rows, truncated = payload
        return columns, rows, truncated

    def _wait(self, limit: float) -> bool:
        """Whether the worker answered within ``limit`` seconds.

        On Neo4j the wait is cut into :data:`~koppel.graph.neo4j_store.PROBE_INTERVAL`
        slices; after each slice without an answer the server must complete a fresh
        Bolt handshake. A server that does not (frozen, gone) ends the wait with
        :class:`StoreUnavailable` (the worker is restarted), so an outage is a 503
        within about PROBE_INTERVAL + PROBE_TIMEOUT seconds, whatever the query's timeout.
        """
        import time

        if not self.config.spec.lower().startswith(("bolt", "neo4j")):
            return bool(self._connection.poll(limit))
        from koppel.graph.neo4j_store import PROBE_INTERVAL, _answers_handshake

        deadline = time.monotonic() + limit
        while True:
            left = deadline - time.monotonic()
            if self._connection.poll(max(0.0, min(left, PROBE_INTERVAL))):
                return True
            if not _answers_handshake(self.config.spec):
                self._stop()
                raise errors.StoreUnavailable("Neo4j stopped answering (no Bolt handshake) while the query ran; the query worker was restarted")
            if time.monotonic() >= deadline:
                return False

    def close(self) -> None:
        with self._lock:
            self._stop()


def warn_unsafe_settings(config: StoreConfig) -> list[str]:
    """Log (logger ``koppel.api``, level WARNING) and return each unsafe Neo4j setting the server shows.

    Run once per sandbox, in the background, when ``koppel serve`` starts; an
    embedded store, an unreachable server or a user who may not read settings
    gives no warning. See :func:`koppel.graph.guard.unsafe_settings`.
    """
    import logging
    import sys

    if not config.spec.lower().startswith(("bolt", "neo4j")):
        return []
    try:
        store = config.open(read_only=True)
    except errors.KoppelError:
        return []
    try:
        warnings = unsafe_settings(store)
    except Exception:  # a background check: a lost connection is reported by the first request instead
        warnings = []
    finally:
        store.close()
    for warning in warnings:
        logging.getLogger("koppel.api").warning(warning)
        print(f"koppel: warning: {warning}", file=sys.stderr)
    return warnings


def plain(value: Any) -> Any:
    """Rows with LadybugDB's 128-bit integers (``sum()`` of integers arrives as a Decimal) as int, or float
    when not whole, so both stores answer the same JSON numbers."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
