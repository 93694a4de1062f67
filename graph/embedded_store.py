"""The embedded store: LadybugDB on disk, no server.

A store is a folder holding the database file (``graph.lbdb``), a lock file and
the fingerprint of the schema it was built with. One process writes a store at
a time: a writer holds an exclusive ``flock`` on the lock file, readers a shared
one, so a second writer (or a reader during a load) gets a clear message
instead of racing the engine's checkpoints (LadybugDB issues 642 and 1007).

Writes follow what was measured on ladybug 0.22: ``UNWIND ... MERGE`` scans the
table per batch, so each load first splits new keys from existing ones, bulk
``COPY``\\s the new rows from typed Parquet files, and updates existing ones by
``LOAD FROM ... MATCH ... SET``. A whole load is one transaction, or, when it
brings many new relationships, auto-committed statements into a copy of the
database file that replaces it at the end: either way a failure or a kill midway
leaves the previous content.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ladybug

from .ddl import ladybug_ddl, schema_fingerprint
from .errors import ConfigError, NotFound, QueryError, QueryTimeout, ReadOnlyViolation, StoreDamaged, StoreLocked, StoreUnavailable, DiskFull
from .models import NodeRecord, RelRecord
from .statements import gc_paused
from .schema import Property
from .store import (
    Deletion,
    GraphStore,
    LoadReport,
    MissingEndpoints,
    Progress,
    QueryResult,
    RelTable,
    by_label,
    by_table,
    entity,
    path_step,
    plain,
)

DB_FILE = "graph.lbdb"
STAGING_FILE = "graph.staging.lbdb"  # a large load's copy of the database (see EmbeddedStore._staged)
# Staging pays from this many new relationships, plus one per this many bytes of database
# file (measured: break-even near 20k into a small store, near 30k into a 229 MB one).
STAGING_MIN_RELATIONSHIPS = 30_000
STAGING_BYTES_PER_RELATIONSHIP = 10_000
LOCK_FILE = "koppel.lock"
FINGERPRINT_FILE = "schema.fingerprint"
CHECKSUM_FILE = "checksum.blake2b"  # digest of DB_FILE when its last writer closed cleanly
DB_MAGIC = b"LBUG"  # the first bytes of a ladybug 0.22 database file
DISK_FULL_BYTES = 1 << 20  # less than this free beside the store after an engine I/O error means a full disk


def _free_bytes(folder: Path) -> int:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0


_RECOVERY_PENDING = "checkpoint recovery is pending"  # ladybug 0.22, opening read-only after an interrupted checkpoint
_DAMAGE_ADVICE = "restore the folder from a backup, or remove it and run `koppel load` again"


def _digest(path: Path) -> str:
    """BLAKE2b of a file, read 1 MiB at a time."""
    digest = hashlib.blake2b(digest_size=32)
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()

def _file_state(path: Path) -> str:
    """A file's inode, size, modification and change times (ns), as one line: any write through the file system changes it."""
    st = path.stat()
    return f"{st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"


READ_BUFFER_POOL_FLOOR = 1 << 30  # a reader's buffer pool: at least 1 GiB ...
READ_BUFFER_POOL_PER_FILE_BYTE = 8  # ... or 8 bytes per byte of database file, where that is more


def _buffer_pool_bytes(path: Path) -> int:
    """The buffer pool of a read-only open, in bytes (0: the engine's default, 80 % of the machine's memory).

    Setting up the default pool costs a reader about 0.02 s CPU per open on a
    23 GB machine (measured, ladybug 0.22), which every CLI command pays; a
    reader of a file of N bytes gets max(1 GiB, 8 N), never more than the
    default. Writers keep the default (loads build large intermediate tables).
    """
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        wanted = max(READ_BUFFER_POOL_FLOOR, READ_BUFFER_POOL_PER_FILE_BYTE * path.stat().st_size)
    except (OSError, ValueError):
        return 0
    return wanted if wanted < 0.8 * memory else 0


MIN_BUFFER_POOL = 64 << 20
"""Bytes of buffer pool at least (pages of the database file, hash tables, sorts) in a store opened with a memory bound."""
MIN_RESERVATION = 1 << 28
"""Bytes of address space at least that a store opened with a memory bound reserves for its database file."""


def bounded_buffer_pool(memory: int) -> int:
    """The buffer pool, in bytes, of a store opened with a memory bound of ``memory`` bytes: a quarter of it,
    at least :data:`MIN_BUFFER_POOL`; the rest of ``memory`` is left for everything else (``0``: no bound, 0)."""
    return max(MIN_BUFFER_POOL, memory // 4) if memory else 0


def _reservation(path: Path) -> int:
    """Bytes of address space for the database file ``path`` and its write-ahead log under a memory bound, not the
    engine's 8 TiB: four times their size, rounded up to a power of two (as ladybug sizes its regions), at least
    :data:`MIN_RESERVATION`."""
    size = 0
    for name in (path, path.with_name(path.name + ".wal")):
        try:
            size += name.stat().st_size
        except OSError:
            pass
    return max(MIN_RESERVATION, 1 << (4 * size).bit_length())


def _arrow_types() -> dict[str, Any]:
    """The Arrow type of each schema property type (pyarrow is imported by loads only, not by every read)."""
    import pyarrow as pa

    return {
        "string": pa.string(),
        "string[]": pa.list_(pa.string()),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "date": pa.date32(),
    }


def __getattr__(name: str) -> Any:
    if name == "_ARROW_TYPES":  # as benchmarks/bench_load.py imports it
        return _arrow_types()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# The engine's messages (ladybug 0.22) for a cancelled query and a refused write.
_INTERRUPTED = {"Interrupted."}
_READ_ONLY_REFUSALS = {
    "Connection exception: Cannot execute write operations in a read-only database!",
    "Can not execute a write query inside a read-only transaction.",
}


class EmbeddedStore(GraphStore):
    """The embedded LadybugDB store in the folder ``path`` (created on the first write).

    ``read_only`` opens take a shared lock (any number of readers, no writer);
    a writer takes it exclusively. ``threads``: worker threads one query may
    use, ``0`` one per core (the engine's default). ``memory``: bytes a
    read-only store may take (``0``: no bound): its buffer pool is
    :func:`bounded_buffer_pool` of it and it reserves address space for its
    file only (:func:`_reservation`) instead of the engine's 8 TiB; a bound
    on a writer raises ``ValueError``. Raises ``NotFound`` for a
    read-only open of a folder with no database, ``StoreDamaged`` for a damaged
    one, ``StoreBusy`` when another process holds the lock.
    """

    kind = "embedded"
    changes_while_served = False  # a reader holds a shared lock: no writer gets in while it is open

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False, threads: int = 0, memory: int = 0) -> None:
        if memory and not read_only:
            raise ValueError("a memory bound is for read-only opens: a load may outgrow it")
        self.threads = threads
        self.memory = memory
        self.folder = Path(path).expanduser().resolve()
        self.location = f"embedded:{self.folder}"
        self.read_only = read_only
        self._lock_handle = None
        db_path = self.folder / DB_FILE
        if self.folder.exists() and not self.folder.is_dir():
            raise ConfigError(f"embedded store {self.folder}: is a file, not a store folder; give a folder (embedded:PATH)")
        if read_only and not db_path.exists():
            raise NotFound(f"no embedded store at {self.folder} yet: `koppel load` creates it")
        if self.folder.exists() and not self.folder.is_dir():
            raise ConfigError(f"embedded store path {self.folder} is a file; give a folder")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigError(f"cannot create the embedded store folder {self.folder}: {error.strerror}") from None
        self._content_version: str | None = None
        self._lock()
        self._check_fingerprint()
        self._check_damage(db_path)
        if not read_only:
            _remove_with_sidecars(self.folder / STAGING_FILE)  # left by a staged load that was killed
            (self.folder / CHECKSUM_FILE).unlink(missing_ok=True)  # written again when this writer closes cleanly
        try:
            try:
                self._open_engine(db_path)
                self._conn  # noqa: B018 - open the first connection now, so errors surface here
            except RuntimeError as error:
                if not (read_only and _RECOVERY_PENDING in str(error)):
                    raise
                self._recover_checkpoint(db_path)
                self._open_engine(db_path)
                self._conn  # noqa: B018
        except RuntimeError as error:
            self._unlock()
            message = _engine_message(error)
            if "corrupt" in message.lower():
                raise StoreDamaged(f"the embedded store {self.folder} is damaged ({message}); {_DAMAGE_ADVICE}") from None
            raise StoreUnavailable(f"cannot open the embedded store {self.folder}: {message}") from None
        self._schema_ready = False

    # -- ownership ------------------------------------------------------------------------
    def _lock(self) -> None:
        handle = open(self.folder / LOCK_FILE, "a+")  # noqa: SIM115 - held for the store's lifetime
        try:
            fcntl.flock(handle, (fcntl.LOCK_SH if self.read_only else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            if self.read_only:
                raise StoreLocked(
                    f"the embedded store {self.folder} is being written by {holder}; try again when it is done"
                ) from None
            raise StoreLocked(
                f"the embedded store {self.folder} is in use by {holder} (a load, or `koppel serve`); "
                "one process writes an embedded store at a time: stop it and try again"
            ) from None
        if not self.read_only:
            handle.seek(0)
            handle.truncate()
            handle.write(f"process {os.getpid()}")
            handle.flush()
        self._lock_handle = handle

    def _unlock(self) -> None:
        if self._lock_handle is not None:
            if not self.read_only:
                self._lock_handle.truncate(0)
            fcntl.flock(self._lock_handle, fcntl.LOCK_UN)
            self._lock_handle.close()
            self._lock_handle = None

    def _recover_checkpoint(self, db_path: Path) -> None:
        """Finish a checkpoint a killed or failed writer left pending, so a reader can open the store.

        The engine recovers only when opened for writing, which needs the
        exclusive lock: taken here for the moment of recovery, then the
        shared lock again. With another process holding the store (``koppel
        serve``), :class:`StoreUnavailable` says what to do instead.
        """
        self._unlock()
        self.read_only = False
        try:
            self._lock()
        except StoreLocked:
            self.read_only = True
            self._lock()
            raise StoreUnavailable(
                f"the embedded store {self.folder} has a checkpoint recovery pending (a writer was stopped midway); "
                "it runs when no other process has the store open: stop `koppel serve` and run `koppel stats` again"
            ) from None
        try:
            self._open_engine(db_path)
            self._close_engine()
        finally:
            self._unlock()
            self.read_only = True
            self._lock()

    def _check_damage(self, db_path: Path) -> None:
        """Raise :class:`StoreDamaged` for an emptied database file, a foreign header, or one changed since koppel closed it.

        A writer that closes cleanly records the file's BLAKE2b digest in
        :data:`CHECKSUM_FILE`, with the file's inode, size, mtime and ctime;
        an open whose file still has exactly those trusts the digest, any
        other compares it (streamed, 1 MiB at a time: about a second per GB).
        (So a change that bypasses the file system, such as bit rot on the
        disk, is not caught: the check is for writers that stopped midway
        and for files changed or replaced by other programs.) A writer removes the digest when it opens,
        so a killed writer leaves none and is not mistaken for damage.
        """
        if not db_path.exists():
            return
        size = db_path.stat().st_size
        problem = None
        if size == 0 and (self.folder / FINGERPRINT_FILE).exists():
            problem = f"its database file {DB_FILE} is empty (0 bytes)"
        elif size:
            with open(db_path, "rb") as handle:
                if handle.read(len(DB_MAGIC)) != DB_MAGIC:
                    problem = f"its database file {DB_FILE} does not start with the engine's header"
        marker = self.folder / CHECKSUM_FILE
        if problem is None and marker.exists() and not _sidecars(db_path):
            digest, _, recorded = marker.read_text().partition("\n")
            # Unchanged since the writer recorded it (same inode, size, mtime and ctime, which no process can set
            # back): the digest would match, so it is not read again (about a second per GB on every open).
            if recorded.strip() != _file_state(db_path) and digest.strip() != _digest(db_path):
                problem = f"its database file {DB_FILE} changed since koppel last closed it (checksum mismatch)"
            elif self.read_only:  # the file is the one the digest was taken of, and no writer gets in while this reader is open
                self._content_version = digest.strip() or None
        if problem:
            self._unlock()
            raise StoreDamaged(f"the embedded store {self.folder} is damaged: {problem}; {_DAMAGE_ADVICE}")

    def _check_fingerprint(self) -> None:
        marker = self.folder / FINGERPRINT_FILE
        expected = schema_fingerprint(self.schema)
        if (self.folder / DB_FILE).exists() and marker.exists() and marker.read_text().strip() != expected:
            self._unlock()
            raise ConfigError(
                f"the embedded store {self.folder} was built with another version of the schema; "
                "remove the folder (or `koppel clear --yes --schema`) and load again"
            )

    @property
    def _conn(self) -> ladybug.Connection:
        """This thread's connection: one Database, a connection per thread, so readers can share a store."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = ladybug.Connection(self._db)
            self._connections.append(conn)
        return conn

    def close(self) -> None:
        if hasattr(self, "_db"):
            self._close_engine()
            db_path = self.folder / DB_FILE
            if not self.read_only and db_path.exists() and not _sidecars(db_path):
                try:  # the digest the next open checks (see _check_damage)
                    temporary = self.folder / (CHECKSUM_FILE + ".tmp")
                    temporary.write_text(_digest(db_path) + "\n" + _file_state(db_path) + "\n")
                    os.replace(temporary, self.folder / CHECKSUM_FILE)
                except OSError:
                    pass  # no digest, no check: a full disk must not turn a good close into an error
        self._unlock()

    # -- schema ------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        self._require_writable()
        for statement in ladybug_ddl(self.schema):
            self._execute(statement)
        (self.folder / FINGERPRINT_FILE).write_text(schema_fingerprint(self.schema) + "\n")
        self._schema_ready = True

    def content_version(self) -> str | None:
        """The BLAKE2b digest of the database file, as the last writer recorded it and this read-only open checked it
        (see :meth:`_check_damage`); ``None`` for a writable open or a store whose last writer left no digest."""
        return self._content_version

    def has_schema(self) -> bool:
        """Whether every label's table exists (not after ``clear(drop_schema=True)`` until the next load)."""
        return self._has_schema()

    def _has_schema(self) -> bool:
        tables = {row[0] for row in self._execute("CALL show_tables() RETURN name").get_all()}
        return set(self.schema.labels) <= tables

    # -- queries ------------------------------------------------------------------------------
    def _execute(self, cypher: str, params: dict[str, Any] | None = None) -> Any:
        try:
            return self._conn.execute(cypher, params or {})
        except RuntimeError as error:
            message = _engine_message(error)
            # Match the engine's own messages whole: a parser or binder error quotes the
            # query, and a query may well contain the words "timeout" or "read only".
            if message in _INTERRUPTED:
                raise QueryTimeout(f"query cancelled: it ran past its time limit ({message})") from None
            if message in _READ_ONLY_REFUSALS:
                raise ReadOnlyViolation(f"refused: this query writes, and the store is read-only here ({message})") from None
            if "IO exception" in message and _free_bytes(self.folder) < DISK_FULL_BYTES:
                # The engine may call such a commit "durable"; measured on ladybug 0.22 it is not kept.
                raise DiskFull(
                    f"the disk holding the embedded store {self.folder} is full ({_free_bytes(self.folder)} bytes free); "
                    "this write was not kept: free some space and run it again (the store keeps its previous content)"
                ) from None
            raise QueryError(message) from None

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, read_only: bool = True, timeout: float | None = None) -> QueryResult:
        if not read_only:
            self._require_writable()
        if not self.read_only and not self._has_schema():
            self.ensure_schema()
        self._conn.set_query_timeout(int(timeout * 1000) if timeout else 0)
        guard = read_only and not self.read_only
        if guard:
            self._execute("BEGIN TRANSACTION READ ONLY")
        try:
            result = self._execute(cypher, params)
            columns = result.get_column_names()
            rows = [[_normalise(v) for v in row] for row in result.get_all()]
        finally:
            if guard:
                self._execute("ROLLBACK")
            self._conn.set_query_timeout(0)
        return QueryResult(columns, rows)

    def interrupt(self) -> None:
        """Cancel the query running on this store's connection (from another thread)."""
        self._conn.interrupt()

    # -- writes ------------------------------------------------------------------------------
    def _write(
        self, nodes: Sequence[NodeRecord], rels: Sequence[RelRecord], *, atomic: bool, progress: Progress | None,
        deletions: Sequence[Deletion] = (),
    ) -> LoadReport:
        report = LoadReport()
        groups = by_table(rels)
        into_empty = {group for group in groups if self._rel_table_empty(*group)}
        scope = self._staged if self._staging_pays(sum(len(groups[g]) for g in into_empty)) else self._transaction
        with tempfile.TemporaryDirectory(prefix="koppel-load-") as scratch, gc_paused(), scope():
            files = _Scratch(Path(scratch))
            self._write_nodes(nodes, files, report, progress)
            self._write_rels(groups, into_empty, files, report, progress)
            done: dict[str, int] = {}
            for deletion in deletions:  # inside the same transaction (or staged copy) as the writes
                self._execute(deletion.cypher, {"rows": deletion.rows})
                done[deletion.stage] = done.get(deletion.stage, 0) + len(deletion.rows)
                if progress:
                    progress(deletion.stage, done[deletion.stage])
        return report

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        self._execute("COMMIT")

    def _rollback(self) -> None:
        try:
            self._execute("ROLLBACK")
        except QueryError:
            pass  # a failed COPY already ended the transaction; the error that matters is the one being raised

    def _staging_pays(self, new_relationships: int) -> bool:
        """Whether a load brings enough new relationships for :meth:`_staged` to beat one transaction.

        Measured on ladybug 0.22: a relationship ``COPY`` inside a transaction
        commits about three times slower than an auto-committed one (2.2 s against
        0.8 s per 100k), while staging copies the whole database file and leaves
        the engine's cache cold. Only relationships into empty tables are counted:
        they are new for certain, and a reload gains nothing from staging.
        """
        size = (self.folder / DB_FILE).stat().st_size
        return new_relationships >= STAGING_MIN_RELATIONSHIPS + size // STAGING_BYTES_PER_RELATIONSHIP

    @contextmanager
    def _staged(self) -> Iterator[None]:
        """Write into a copy of the database file, which replaces it only once the whole load succeeded.

        Statements auto-commit into the copy, yet the load stays all or nothing:
        a failure, or a kill at any point, leaves the original file as it was
        (``os.replace`` is atomic), and the writer's exclusive lock keeps readers
        out meanwhile. The store's connections are closed and reopened, so no
        other thread may be querying this store object during the load.
        """
        live, staging = self.folder / DB_FILE, self.folder / STAGING_FILE
        self._close_engine()  # a clean close checkpoints: the file alone holds every committed write
        try:
            _remove_with_sidecars(staging)  # what a load killed earlier left behind
            _require_no_sidecars(live)
            with self._disk_full_as_error():
                shutil.copyfile(live, staging)
            self._open_engine(staging)
            yield
            self._close_engine()
            _require_no_sidecars(staging)
            with self._disk_full_as_error():
                _fsync(staging)
            os.replace(staging, live)
            _fsync(self.folder)
        finally:
            self._close_engine()
            _remove_with_sidecars(staging)
            self._open_engine(live)

    @contextmanager
    def _disk_full_as_error(self) -> Iterator[None]:
        """An ``OSError`` for a full disk (ENOSPC, EDQUOT) while staging a load becomes :class:`DiskFull` (exit 8)."""
        import errno

        try:
            yield
        except OSError as error:
            if error.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            raise DiskFull(
                f"the disk holding the embedded store {self.folder} is full ({_free_bytes(self.folder)} bytes free) "
                "while copying the database for a large load; nothing was written: free some space and run it again "
                "(the store keeps its previous content)"
            ) from None

    def _close_engine(self) -> None:
        for conn in self._connections:
            conn.close()
        self._connections = []
        self._local = threading.local()
        if self._db is not None:
            self._db.close()
            self._db = None

    @classmethod
    def memory_held(cls, memory: int) -> int:
        """The buffer pool of a store opened with a bound of ``memory`` bytes (:func:`bounded_buffer_pool`): reserved when it opens."""
        return bounded_buffer_pool(memory)

    def _open_engine(self, path: Path) -> None:
        if self.memory:  # a bounded reader (the ad-hoc query worker): these win over the reader default below
            bounds = {"buffer_pool_size": bounded_buffer_pool(self.memory), "max_db_size": _reservation(path)}
        else:
            bounds = {"buffer_pool_size": _buffer_pool_bytes(path) if self.read_only else 0}
        self._db = ladybug.Database(str(path), read_only=self.read_only, max_num_threads=self.threads, **bounds)
        self._local = threading.local()
        self._connections: list[ladybug.Connection] = []

    def _write_nodes(self, nodes: Sequence[NodeRecord], files: _Scratch, report: LoadReport, progress: Progress | None) -> None:
        done = 0
        for label, records in by_label(nodes).items():
            props = [p for p in self.schema.node(label).properties.values() if p.name != "key"]
            existing = self._existing_nodes(label, [r.key for r in records])
            new = [r for r in records if r.key not in existing]
            old = [r for r in records if r.key in existing]
            changed = [r for r in old if not _unchanged(existing[r.key], r.properties, props)]
            if new:
                path = files.write(label, {"key": [r.key for r in new]}, props, new)
                self._execute(f"COPY {label} FROM '{path}'")
            if changed:
                path = files.write(label, {"key": [r.key for r in changed]}, props, changed)
                assignments = ", ".join(f"n.{p.name} = {p.name}" for p in props)
                self._execute(f"LOAD FROM '{path}' MATCH (n:{label} {{key: key}}) SET {assignments}")
            report.nodes_created += len(new)
            report.nodes_updated += len(old)
            done += len(records)
            if progress:
                progress("nodes", done)

    def _existing_nodes(self, label: str, keys: list[str]) -> dict[str, dict[str, Any]]:
        """The stored properties of those ``keys`` the table already holds (only the batch's keys cross into Python).

        A reload then rewrites only what changed: ``LOAD FROM ... MATCH ... SET``
        does not use the key index on ladybug 0.22, so it is kept for the few
        rows that need it.
        """
        if not self._execute(f"MATCH (n:{label}) RETURN count(n)").get_next()[0]:
            return {}  # an empty table: skip the look-up, the common case of a first load
        result = self._execute(f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN n", {"keys": keys})
        return {row[0]["key"]: row[0] for row in result.get_all()}

    def _rel_table_empty(self, rel_type: str, start_label: str, end_label: str) -> bool:
        return not self._execute(f"MATCH (:{start_label})-[r:{rel_type}]->(:{end_label}) RETURN count(r)").get_next()[0]

    def _write_rels(
        self, groups: dict[RelTable, list[RelRecord]], into_empty: set[RelTable], files: _Scratch, report: LoadReport, progress: Progress | None
    ) -> None:
        done = 0
        for (rel_type, start_label, end_label), records in groups.items():
            props = list(self.schema.relationship(rel_type).properties.values())
            existing: dict[tuple[str, str], dict[str, Any]] = {}
            if (rel_type, start_label, end_label) not in into_empty:
                # Pairs come from a file: `UNWIND $pairs ... MATCH` grows with the square of the batch here.
                pairs = files.write(f"{rel_type}-pairs", _endpoints(records), [], records)
                existing = {
                    (a, b): rel
                    for a, b, rel in self._execute(
                        f"LOAD FROM '{pairs}' MATCH (a:{start_label} {{key: src}})-[r:{rel_type}]->(b:{end_label} {{key: dst}}) "
                        "RETURN src, dst, r"
                    ).get_all()
                }
            new = [r for r in records if (r.start, r.end) not in existing]
            old = [r for r in records if (r.start, r.end) in existing]
            changed = [r for r in old if not _unchanged(existing[(r.start, r.end)], r.properties, props)]
            if new:
                path = files.write(rel_type, _endpoints(new), props, new)
                try:
                    self._execute(f"COPY {rel_type} FROM '{path}' (from='{start_label}', to='{end_label}')")
                except QueryError as error:
                    if str(error).startswith("Copy exception: Unable to find primary key value"):
                        raise MissingEndpoints from None
                    raise
            if changed:
                path = files.write(rel_type, _endpoints(changed), props, changed)
                assignments = ", ".join(f"r.{p.name} = {p.name}" for p in props)
                self._execute(
                    f"LOAD FROM '{path}' MATCH (a:{start_label} {{key: src}})-[r:{rel_type}]->(b:{end_label} {{key: dst}}) SET {assignments}"
                )
            report.relationships_created += len(new)
            report.relationships_updated += len(old)
            done += len(records)
            if progress:
                progress("relationships", done)

    def clear(self, *, drop_schema: bool = False) -> None:
        self._require_writable()
        if drop_schema:
            tables = self._execute("CALL show_tables() RETURN name, type").get_all()
            for name, kind in sorted(tables, key=lambda t: t[1] != "REL"):
                self._execute(f"DROP TABLE {name}")
            (self.folder / FINGERPRINT_FILE).unlink(missing_ok=True)
            self._schema_ready = False
            return
        self.ensure_schema()
        with self._transaction():
            for label in self.schema.labels:
                self._execute(f"MATCH (n:{label}) DETACH DELETE n")


class _Scratch:
    """Typed Parquet files for COPY and LOAD FROM, so lists, dates and nulls arrive intact."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def write(self, name: str, keys: dict[str, list[str]], props: list[Property], records: Sequence[NodeRecord | RelRecord]) -> str:
        """A file with the ``keys`` columns first (COPY reads columns by position), then one column per property."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrow_types = _arrow_types()
        columns = {column: pa.array(values, pa.string()) for column, values in keys.items()}
        for prop in props:
            columns[prop.name] = pa.array([r.properties.get(prop.name) for r in records], arrow_types[prop.type])
        table = pa.table(columns)
        self.count += 1
        path = self.folder / f"{self.count:04d}-{name}.parquet"
        pq.write_table(table, path)
        return str(path).replace("'", "''")


def _sidecars(path: Path) -> list[Path]:
    """The engine's files beside a database file (its write-ahead log, checkpoint shadow)."""
    return sorted(path.parent.glob(path.name + ".*"))


def _require_no_sidecars(path: Path) -> None:
    """A database file is whole on its own only when the engine left nothing beside it."""
    if left := _sidecars(path):
        raise StoreUnavailable(f"the engine left {', '.join(p.name for p in left)} beside {path.name}; the load was not applied")


def _remove_with_sidecars(path: Path) -> None:
    for leftover in [path, *_sidecars(path)]:
        leftover.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _endpoints(records: Sequence[RelRecord]) -> dict[str, list[str]]:
    return {"src": [r.start for r in records], "dst": [r.end for r in records]}


def _unchanged(stored: dict[str, Any], properties: dict[str, Any], props: list[Property]) -> bool:
    """Whether a stored row already holds these properties (an empty list and no value count as equal)."""
    return all((stored.get(p.name) or None) == (properties.get(p.name) or None) for p in props if p.type != "bool") and all(
        stored.get(p.name) == properties.get(p.name) for p in props if p.type == "bool"
    )


def _normalise(value: Any) -> Any:
    """LadybugDB values in the shape both stores share (see :mod:`koppel.graph.store`)."""
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:
            keys = {_internal_id(n["_ID"]): n.get("key") for n in value["_NODES"]}
            return {
                "nodes": [_normalise(n) for n in value["_NODES"]],
                "relationships": [
                    path_step(_normalise(r), keys.get(_internal_id(r["_SRC"])), keys.get(_internal_id(r["_DST"]))) for r in value["_RELS"]
                ],
            }
        if "_SRC" in value and "_LABEL" in value:
            return entity("_type", value["_LABEL"], {k: v for k, v in value.items() if not k.startswith("_")})
        if "_ID" in value and "_LABEL" in value:
            return entity("_label", value["_LABEL"], {k: v for k, v in value.items() if not k.startswith("_")})
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return plain(value)


def _internal_id(value: dict[str, int]) -> tuple[int, int]:
    return value["table"], value["offset"]


def _engine_message(error: Exception) -> str:
    return " ".join(str(error).split("\n")[:3]).strip()
