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

Memory: the worker opens its store with a memory bound of :func:`query_memory`
bytes (``KOPPEL_QUERY_MEMORY``, default 1 GiB; ``StoreConfig.open(memory=...)``:
the embedded store then takes a bounded buffer pool and reserves address space
for its file only, where ladybug would reserve 8 TiB and take 80 % of the
machine's memory; Neo4j's memory is the server's), then caps its own address
space (``RLIMIT_AS``) at what it uses when ready plus what the bound leaves
beside what the store already holds (``GraphStore.memory_held``).
A query that needs more fails inside the worker (ladybug's ``std::bad_alloc``,
Python's ``MemoryError``) and is answered 400 "needed more memory than ...";
the worker is then replaced, so the API's own process never grows.

Where the stores differ the sandbox asks the store's capabilities
(:class:`koppel.graph.store.GraphStore`), never which store it has.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import re
import threading
from typing import Any

from koppel.graph import errors
from koppel.graph.factory import StoreConfig
from koppel.graph.dialect import adhoc_for
from koppel.graph.guard import check_plan, unsafe_settings

_CONTEXT = mp.get_context("spawn")

DEFAULT_QUERY_MEMORY = 1 << 30
"""Bytes of memory one ad-hoc query may use in the worker, beyond what the worker holds when ready."""
MIN_QUERY_MEMORY = 64 << 20
"""Bytes of address space at least that the worker's cap leaves for a query beside what its store holds."""


_OUT_OF_MEMORY = ("bad_alloc", "Buffer manager exception: Unable to allocate memory", "out of memory")


def query_memory(value: str | None = None) -> int:
    """Bytes from ``value`` (default: the ``KOPPEL_QUERY_MEMORY`` environment variable), written as a
    number with an optional k/m/g suffix (powers of 1024); ``0`` turns the cap off.

    Raises :class:`~koppel.graph.errors.ConfigError` naming the variable for anything else.
    """
    text = (os.environ.get("KOPPEL_QUERY_MEMORY", "") if value is None else value).strip().lower()
    if not text:
        return DEFAULT_QUERY_MEMORY
    match = re.fullmatch(r"(\d+)\s*([kmg]?)i?b?", text)
    if not match:
        raise errors.ConfigError(f"KOPPEL_QUERY_MEMORY={text!r} is not a size; write e.g. 512m or 2g (0 for no cap)")
    return int(match.group(1)) << {"": 0, "k": 10, "m": 20, "g": 30}[match.group(2)]


def _bound_memory(memory: int, held: int) -> None:
    """In the worker, once the store is open: cap the address space at its current size (what the store
    holds included, ``held`` bytes of ``memory``) plus what ``memory`` leaves beside it, at least :data:`MIN_QUERY_MEMORY`."""
    import resource

    if not memory:
        return
    with open("/proc/self/status") as status:
        current = int(status.read().split("VmSize:")[1].split()[0]) << 10
    limit = current + max(MIN_QUERY_MEMORY, memory - held)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _out_of_memory(message: str, memory: int) -> str | None:
    if any(marker in message for marker in _OUT_OF_MEMORY):
        return f"the query needed more memory than the {memory >> 20} MiB an ad-hoc query may use (KOPPEL_QUERY_MEMORY); it was stopped"
    return None


def _worker(connection: Any, config: StoreConfig, memory: int = 0) -> None:
    try:
        store = config.open(read_only=True, memory=memory)
        _bound_memory(memory, store.memory_held(memory))
    except errors.KoppelError as error:
        connection.send(("error", type(error).__name__, str(error)))
        return
    except (OSError, ValueError, MemoryError, RuntimeError) as error:
        connection.send(("error", "StoreUnavailable", f"the query worker could not open the store within its memory cap ({error})"))
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
            exhausted = _out_of_memory(str(error), memory)
            connection.send(("fatal" if exhausted else "error", type(error).__name__, exhausted or str(error)))
            if exhausted:
                return  # the engine's state after a failed allocation is unknown: a fresh worker takes the next query
        except MemoryError:
            result = rows = None
            connection.send(("fatal", "QueryError", _out_of_memory("out of memory", memory)))
            return


class CypherSandbox:
    """A supervised worker process for ad-hoc read-only Cypher; one query at a time."""

    def __init__(self, config: StoreConfig, memory: int | None = None) -> None:
        """``config`` (picklable, credentials included) is what the worker process opens, read-only;
        ``memory`` the bytes one query may use there (default: :func:`query_memory`; 0: no cap)."""
        self.config = config
        self.memory = query_memory() if memory is None else memory
        self._lock = threading.Lock()
        self._process: Any = None
        self._connection: Any = None
        threading.Thread(target=warn_unsafe_settings, args=(config,), daemon=True, name="koppel-settings-check").start()
        threading.Thread(target=start_grammar, daemon=True, name="koppel-cypher-parser").start()

    def _start(self) -> None:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_worker, args=(child, self.config, self.memory), daemon=True)
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
        cypher = adhoc_for(self.config.store_class.kind, cypher, params)
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
                if status == "fatal":  # the worker ran out of memory and ends: wait for it, start afresh next time
                    self._stop()
            except (EOFError, BrokenPipeError, ConnectionResetError):
                self._stop()
                raise errors.QueryError("the query worker ended while running this query; it was restarted") from None
        if status in ("error", "fatal"):
            raise getattr(errors, columns, errors.QueryError)(payload)
        rows, truncated = payload
        return columns, rows, truncated

    def _wait(self, limit: float) -> bool:
        """Whether the worker answered within ``limit`` seconds.

        On a store with a server (:attr:`~koppel.graph.store.GraphStore.probe_interval` set: Neo4j) the wait
        is cut into slices of that many seconds; after each slice without an answer the server must
        answer a fresh connection (:meth:`~koppel.graph.store.GraphStore.answers`: on Neo4j a Bolt
        handshake within a few seconds). A server that does not (frozen, gone) ends the wait with
        :class:`StoreUnavailable` (the worker is restarted), so an outage is a 503 within about one
        slice plus one probe, whatever the query's timeout.
        """
        import time

        store = self.config.store_class
        interval = store.probe_interval
        if interval is None:
            return bool(self._connection.poll(limit))
        deadline = time.monotonic() + limit
        while True:
            left = deadline - time.monotonic()
            if self._connection.poll(max(0.0, min(left, interval))):
                return True
            if not store.answers(self.config.spec):
                self._stop()
                raise errors.StoreUnavailable("the store's server stopped answering (no fresh connection) while the query ran; the query worker was restarted")
            if time.monotonic() >= deadline:
                return False

    def close(self) -> None:
        with self._lock:
            self._stop()


def warn_unsafe_settings(config: StoreConfig) -> list[str]:
    """Log (logger ``koppel.api``, level WARNING) and return each unsafe setting the store's server shows.

    Run once per sandbox, in the background, when ``koppel serve`` starts; a
    store without server settings (:attr:`~koppel.graph.store.GraphStore.server_settings`:
    the embedded one, which is not even opened), an unreachable server or a user
    who may not read settings gives no warning. See :func:`koppel.graph.guard.unsafe_settings`.
    """
    import logging
    import sys

    if not config.store_class.server_settings:
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


def start_grammar() -> str | None:
    """Start Neo4j's parser sidecar (:mod:`koppel.graph.neo4j_parser`) ahead of the first ad-hoc query, in this
    (the API's) process; when it cannot run, log and print a warning naming what is missing and return it.

    Run once per sandbox, in the background, when ``koppel serve`` starts. Ad-hoc Cypher is refused (503)
    while the parser is unavailable; the rest of the API is not affected.
    """
    import logging
    import sys

    from koppel.graph import neo4j_parser

    problem = None
    try:
        neo4j_parser.parse("RETURN 1")  # builds the sidecar first when scripts/setup did not
    except errors.KoppelError as error:
        problem = str(error)
    if problem is not None:
        warning = f"ad-hoc Cypher will be refused (503): {problem}"
        logging.getLogger("koppel.api").warning(warning)
        print(f"koppel: warning: {warning}", file=sys.stderr)
    return problem


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
