"""Load benchmark (issue 2): bulk upsert versus a naive MERGE baseline, per store.

    python benchmarks/bench_load.py [--nodes 100000] [--rels 100000] [--repeat 3]
                                    [--stores embedded,neo4j] [--naive-sample 2000]
                                    [--unwind-batch 10000] [--neo4j-pid PID] [--profile]
                                    [--reload N[,N...]] [--skip-main]

What is measured (each run on a fresh store; the schema is created before the
clock starts; the MEDIAN of ``--repeat`` runs is reported):

* **bulk** -- ``store.upsert(nodes)`` then ``store.upsert([], rels)``: the project's
  real load path (embedded: COPY from typed Parquet, inside one transaction or,
  for the relationships, auto-committed into a staging copy of the database file;
  Neo4j: ``UNWIND $rows`` batches of 10k in one transaction). Nodes and
  relationships are timed separately; relationships load into the store that
  already holds the nodes. Building the records is not timed.
* **embedded baseline "UNWIND MERGE"** -- ``UNWIND $rows AS row MERGE (n:Event {key:
  row.key}) SET ...`` over the whole input in batches of ``--unwind-batch`` rows,
  one transaction; relationships likewise with ``MATCH ... MATCH ... MERGE``.
* **Neo4j baseline "MERGE per row"** -- one auto-committed ``MERGE`` per row through
  ``session.run``, on ``--naive-sample`` rows (new keys, into the store that holds
  the bulk-loaded graph); rows/s is extrapolated from the sample.

The data: Event nodes (name, kind, date, date_precision, place, sources, and
every other schema property present and unset, as the facts loader hands them
over) and Event -[RESULTED_IN]-> Event relationships (sources, role, valid_from),
each (start, end) pair distinct, endpoints spread by a fixed-seed permutation.

``--reload 10000,20000`` also loads n nodes and n relationships twice per n and
times the second, idempotent load (``--skip-main`` leaves out the main comparison).

``--profile`` adds a breakdown of one embedded bulk load (where the time goes:
key look-up, Arrow columns, Parquet writing, COPY, COMMIT, staging) and times
alternatives to the current write path, without changing the store.

Neo4j comes from NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD; the benchmark CLEARS
that database before and after, so point it at a server of its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from koppel.graph.models import NodeRecord, RelRecord, node_model, rel_model
from koppel.graph.schema import SCHEMA

LABEL = "Event"
REL_TYPE = "RESULTED_IN"
KINDS = ["visit", "meeting", "conference", "summit", "decision", "offer", "letter", "negotiation", "signing", "statement"]
PLACES = ["Den Haag", "Brussel", "Rabat", "Tunis", "Lagos", "Kaboel", "Bagdad", "Islamabad", None, None]
ROLES = ["negotiator", "host", "signatory", None]
TARGET_EMBEDDED_BULK = 500_000
TARGET_EMBEDDED_RATIO = 50
TARGET_NEO4J_NODES = 30_000
TARGET_NEO4J_RELS = 50_000
TARGET_NEO4J_RATIO = 20


# -- synthetic data ---------------------------------------------------------------------------

def make_nodes(count: int, prefix: str = "event") -> list[NodeRecord]:
    """Event records shaped like the facts loader's: every schema property present, unset ones None."""
    names = [p for p in SCHEMA.node(LABEL).properties if p != "key"]
    start = dt.date(2010, 1, 1)
    records = []
    for i in range(count):
        props: dict[str, Any] = dict.fromkeys(names)
        props.update(
            name=f"Overleg terugkeer {i}",
            kind=KINDS[i % len(KINDS)],
            date=start + dt.timedelta(days=i % 5000),
            date_precision="day",
            place=PLACES[i % len(PLACES)],
            sources=[f"kamerbrief-{2010 + i % 15}-{i % 12 + 1:02d}#L{i % 400 + 1}-L{i % 400 + 9}"],
        )
        records.append(NodeRecord(LABEL, f"{prefix}-{i:07d}", props))
    return records


def make_rels(nodes: Sequence[NodeRecord], count: int, seed: int = 7) -> list[RelRecord]:
    """RESULTED_IN between Events: pair j = (p[j % n], p[(j % n + 1 + j // n) % n]), all distinct."""
    n = len(nodes)
    if count > n * (n - 1):
        raise SystemExit(f"--rels {count} exceeds the distinct pairs of {n} nodes")
    perm = list(range(n))
    random.Random(seed).shuffle(perm)
    names = list(SCHEMA.relationship(REL_TYPE).properties)
    start = dt.date(2012, 1, 1)
    records = []
    for j in range(count):
        a = j % n
        b = (a + 1 + j // n) % n
        props: dict[str, Any] = dict.fromkeys(names)
        props.update(
            sources=[f"kamerbrief-{2010 + j % 15}-01-01#L{j % 300 + 1}"],
            role=ROLES[j % len(ROLES)],
            valid_from=start + dt.timedelta(days=j % 3000) if j % 3 == 0 else None,
        )
        records.append(RelRecord(REL_TYPE, nodes[perm[a]].key, nodes[perm[b]].key, LABEL, LABEL, props))
    return records


def check_shape(nodes: Sequence[NodeRecord], rels: Sequence[RelRecord]) -> None:
    """The synthetic records are valid facts: the schema's pydantic models accept a sample."""
    assert SCHEMA.relationship(REL_TYPE).allows(LABEL, LABEL)
    for node in nodes[:50]:
        node_model(node.label)(key=node.key, **node.properties)
    for rel in rels[:50]:
        rel_model(rel.type)(**rel.properties)


def set_props(record: NodeRecord | RelRecord) -> list[str]:
    return [k for k, v in record.properties.items() if v is not None]


# -- timing -------------------------------------------------------------------------------------

FULL_PAIR_LOOKUP = False  # --profile-reload: also time the store's pair look-up on a full table (minutes at 100k)
SERVER_PID: int | None = None  # the Neo4j server's pid, when known: its CPU time is added to ours


def cpu_seconds() -> float:
    """CPU time of this process (all threads, so the embedded engine's too) plus the Neo4j server's."""
    total = time.process_time()
    if SERVER_PID:
        try:
            with open(f"/proc/{SERVER_PID}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


@dataclass
class Sample:
    wall: float
    cpu: float


@dataclass
class Measure:
    rows: int
    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rate(self) -> float:
        return self.rows / self.median_seconds

    @property
    def cpu_rate(self) -> float:
        return self.rows / self.median_cpu

    def runs(self) -> str:
        return ", ".join(f"{s.wall:.2f} ({s.cpu:.2f})" for s in self.samples)


def timed(fn: Callable[[], Any]) -> Sample:
    gc.collect()
    wall, cpu = time.perf_counter(), cpu_seconds()
    fn()
    return Sample(time.perf_counter() - wall, cpu_seconds() - cpu)


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- embedded -----------------------------------------------------------------------------------

def unwind_merge_nodes(store: Any, nodes: Sequence[NodeRecord], batch: int) -> None:
    props = set_props(nodes[0])
    assignments = ", ".join(f"n.{p} = row.{p}" for p in props)
    cypher = f"UNWIND $rows AS row MERGE (n:{LABEL} {{key: row.key}}) SET {assignments}"
    store._execute("BEGIN TRANSACTION")
    for start in range(0, len(nodes), batch):
        rows = [{"key": r.key, **{p: r.properties[p] for p in props}} for r in nodes[start : start + batch]]
        store._execute(cypher, {"rows": rows})
    store._execute("COMMIT")


def unwind_merge_rels(store: Any, rels: Sequence[RelRecord], batch: int) -> None:
    props = ["sources", "role", "valid_from"]
    assignments = ", ".join(f"r.{p} = row.{p}" for p in props)
    cypher = (
        f"UNWIND $rows AS row MATCH (a:{LABEL} {{key: row.s}}) MATCH (b:{LABEL} {{key: row.t}}) "
        f"MERGE (a)-[r:{REL_TYPE}]->(b) SET {assignments}"
    )
    store._execute("BEGIN TRANSACTION")
    for start in range(0, len(rels), batch):
        rows = [{"s": r.start, "t": r.end, **{p: r.properties[p] for p in props}} for r in rels[start : start + batch]]
        store._execute(cypher, {"rows": rows})
    store._execute("COMMIT")


@contextmanager
def fresh_embedded() -> Iterator[Any]:
    from koppel.graph.embedded_store import EmbeddedStore

    with tempfile.TemporaryDirectory(prefix="koppel-bench-") as folder:
        store = EmbeddedStore(folder)
        try:
            store.ensure_schema()
            yield store
        finally:
            store.close()


def verify(store: Any, nodes: int, rels: int) -> None:
    got_nodes = store.run(f"MATCH (n:{LABEL}) RETURN count(n)").value()
    got_rels = store.run(f"MATCH ()-[r:{REL_TYPE}]->() RETURN count(r)").value()
    if (got_nodes, got_rels) != (nodes, rels):
        raise SystemExit(f"{store.kind}: expected {nodes} nodes / {rels} relationships, found {got_nodes} / {got_rels}")


def warm_up_embedded() -> None:
    """One small untimed load through both paths, so imports and first-use costs stay out of run 1."""
    nodes = make_nodes(1000, prefix="warm")
    rels = make_rels(nodes, 1000)
    with fresh_embedded() as store:
        store.upsert(nodes, rels)
    with fresh_embedded() as store:
        unwind_merge_nodes(store, nodes, 1000)
        unwind_merge_rels(store, rels, 1000)


def bench_embedded(nodes: list[NodeRecord], rels: list[RelRecord], args: argparse.Namespace) -> dict[str, Measure]:
    out = {k: Measure(len(nodes) if "nodes" in k else len(rels)) for k in ("bulk_nodes", "bulk_rels", "naive_nodes", "naive_rels")}
    for run in range(1, args.repeat + 1):
        with fresh_embedded() as store:
            out["bulk_nodes"].samples.append(timed(lambda: store.upsert(nodes, [])))
            out["bulk_rels"].samples.append(timed(lambda: store.upsert([], rels)))
            verify(store, len(nodes), len(rels))
        log(f"embedded bulk run {run}: nodes {out['bulk_nodes'].seconds[-1]:.2f}s, rels {out['bulk_rels'].seconds[-1]:.2f}s")
        with fresh_embedded() as store:
            out["naive_nodes"].samples.append(timed(lambda: unwind_merge_nodes(store, nodes, args.unwind_batch)))
            out["naive_rels"].samples.append(timed(lambda: unwind_merge_rels(store, rels, args.unwind_batch)))
            verify(store, len(nodes), len(rels))
        log(f"embedded UNWIND MERGE run {run}: nodes {out['naive_nodes'].seconds[-1]:.2f}s, rels {out['naive_rels'].seconds[-1]:.2f}s")
    return out


# -- Neo4j ---------------------------------------------------------------------------------------

def open_neo4j() -> Any:
    from koppel.graph.neo4j_store import Neo4jStore

    uri = os.environ.get("NEO4J_URI")
    if not uri:
        raise SystemExit("--stores neo4j needs NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD)")
    return Neo4jStore(uri, user=os.environ.get("NEO4J_USER", "neo4j"), password=os.environ.get("NEO4J_PASSWORD"))


def merge_per_row_nodes(store: Any, nodes: Sequence[NodeRecord]) -> None:
    from koppel.graph.store import record_params

    with store._session(read_only=False) as session:
        for r in nodes:
            session.run(f"MERGE (n:{LABEL} {{key: $key}}) SET n = $props", key=r.key, props={"key": r.key, **record_params(r)}).consume()


def merge_per_row_rels(store: Any, rels: Sequence[RelRecord]) -> None:
    from koppel.graph.store import record_params

    cypher = (
        f"MATCH (a:{LABEL} {{key: $start}}) MATCH (b:{LABEL} {{key: $end}}) "
        f"MERGE (a)-[r:{REL_TYPE}]->(b) SET r = $props"
    )
    with store._session(read_only=False) as session:
        for r in rels:
            session.run(cypher, start=r.start, end=r.end, props=record_params(r)).consume()


def bench_neo4j(nodes: list[NodeRecord], rels: list[RelRecord], args: argparse.Namespace) -> dict[str, Measure]:
    sample = args.naive_sample
    naive_nodes = make_nodes(sample, prefix="naive")
    naive_rels = make_rels(naive_nodes, sample, seed=11)
    out = {
        "bulk_nodes": Measure(len(nodes)),
        "bulk_rels": Measure(len(rels)),
        "naive_nodes": Measure(sample),
        "naive_rels": Measure(sample),
    }
    store = open_neo4j()
    try:
        store.ensure_schema()
        for run in range(1, args.repeat + 1):
            store.clear()
            out["bulk_nodes"].samples.append(timed(lambda: store.upsert(nodes, [])))
            out["bulk_rels"].samples.append(timed(lambda: store.upsert([], rels)))
            verify(store, len(nodes), len(rels))
            out["naive_nodes"].samples.append(timed(lambda: merge_per_row_nodes(store, naive_nodes)))
            out["naive_rels"].samples.append(timed(lambda: merge_per_row_rels(store, naive_rels)))
            verify(store, len(nodes) + sample, len(rels) + sample)
            log(
                f"neo4j run {run}: bulk nodes {out['bulk_nodes'].seconds[-1]:.2f}s, rels {out['bulk_rels'].seconds[-1]:.2f}s; "
                f"per-row MERGE ({sample}) nodes {out['naive_nodes'].seconds[-1]:.2f}s, rels {out['naive_rels'].seconds[-1]:.2f}s"
            )
        store.clear()
    finally:
        store.close()
    return out


def local_server_pid() -> int | None:
    """The pid scripts/neo4j recorded for the server it started, if KOPPEL_NEO4J_RUN names one."""
    run = os.environ.get("KOPPEL_NEO4J_RUN")
    try:
        pid = int(Path(run, "run", "neo4j.pid").read_text().strip()) if run else None
    except (OSError, ValueError):
        return None
    return pid if pid and os.path.exists(f"/proc/{pid}") else None


def neo4j_version() -> str:
    try:
        store = open_neo4j()
    except SystemExit:
        return "?"
    try:
        row = store.run("CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0], edition").rows[0]
        return f"{row[0]} {row[1]} {row[2]}"
    finally:
        store.close()


# -- profile of the embedded bulk path -------------------------------------------------------------

@contextmanager
def patched(owner: Any, name: str, wrapper: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Iterator[None]:
    original = getattr(owner, name)
    setattr(owner, name, wrapper(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


def profile_embedded(nodes: list[NodeRecord], rels: list[RelRecord], repeat: int) -> list[tuple[str, list[Sample]]]:
    """Where one bulk load's time goes, by instrumenting (not changing) the store's own calls."""
    import pyarrow.parquet as pq

    from koppel.graph import embedded_store as es

    def statement_kind(cypher: str) -> str:
        c = cypher.lstrip()
        if c.startswith("UNWIND $keys") or c.startswith("UNWIND $pairs"):
            return "lookup"
        if c.startswith("MATCH") and "count(" in c:
            return "emptiness test (`count`)"
        for prefix in ("COPY", "LOAD FROM", "BEGIN", "COMMIT", "ROLLBACK"):
            if c.startswith(prefix):
                return prefix
        return "other query"

    results: dict[str, list[Sample]] = {}
    for _ in range(repeat):
        with fresh_embedded() as store:
            for stage in ("nodes", "rels"):
                spent: dict[str, Sample] = {}

                def add(key: str, wall: float, cpu: float) -> None:
                    sample = spent.setdefault(key, Sample(0.0, 0.0))
                    sample.wall += wall
                    sample.cpu += cpu

                def timing(key_of: Callable[..., str], original: Callable[..., Any]) -> Callable[..., Any]:
                    def timed_call(*a: Any, **k: Any) -> Any:
                        wall, cpu = time.perf_counter(), cpu_seconds()
                        try:
                            return original(*a, **k)
                        finally:
                            add(key_of(*a, **k), time.perf_counter() - wall, cpu_seconds() - cpu)
                    return timed_call

                execute = lambda original: timing(lambda self, cypher, params=None: statement_kind(cypher), original)  # noqa: E731
                write = lambda original: timing(lambda *a, **k: "scratch", original)  # noqa: E731
                parquet = lambda original: timing(lambda *a, **k: "parquet", original)  # noqa: E731
                step = lambda key: lambda original: timing(lambda *a, **k: key, original)  # noqa: E731
                with (
                    patched(es.EmbeddedStore, "_execute", execute), patched(es._Scratch, "write", write), patched(pq, "write_table", parquet),
                    patched(es.EmbeddedStore, "_close_engine", step("staging: close the engine (checkpoint)")),
                    patched(es.EmbeddedStore, "_open_engine", step("staging: open the engine")),
                    patched(es.shutil, "copyfile", step("staging: copy the database file")),
                    patched(es, "_fsync", step("staging: fsync")),
                ):
                    total = timed(lambda: store.upsert(nodes, []) if stage == "nodes" else store.upsert([], rels))
                zero = Sample(0.0, 0.0)
                scratch, pq_write = spent.pop("scratch", zero), spent.pop("parquet", zero)
                rows = [
                    ("existing-key look-up (`UNWIND $keys`/`$pairs` ... MATCH)", spent.pop("lookup", zero)),
                    ("Arrow columns from the records (`_Scratch.write` minus Parquet)", Sample(scratch.wall - pq_write.wall, scratch.cpu - pq_write.cpu)),
                    ("Parquet writing (`pq.write_table`)", pq_write),
                    ("COPY", spent.pop("COPY", zero)),
                    ("COMMIT (includes the checkpoint)", spent.pop("COMMIT", zero)),
                ]
                spent.pop("BEGIN", None)
                rows += list(spent.items())
                rest = Sample(total.wall - sum(r.wall for _, r in rows), total.cpu - sum(r.cpu for _, r in rows))
                rows = [("**total upsert**", total)] + rows + [("rest (grouping, new/old split, temp dir, BEGIN, removing the staging file)", rest)]
                for name, sample in rows:
                    results.setdefault(f"{stage}: {name}", []).append(sample)
    return list(results.items())


def anatomy_embedded(nodes: list[NodeRecord], rels: list[RelRecord], repeat: int) -> list[tuple[str, list[Sample]]]:
    """The steps of the write path one by one, and alternatives to it, on fresh stores."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from koppel.graph.embedded_store import _ARROW_TYPES, _endpoints, _Scratch

    props = [p for p in SCHEMA.node(LABEL).properties.values() if p.name != "key"]
    rprops = list(SCHEMA.relationship(REL_TYPE).properties.values())
    results: dict[str, list[Sample]] = {}

    def clock(name: str, fn: Callable[[], Any], *, gc_off: bool = False) -> Any:
        gc.collect()
        if gc_off:
            gc.disable()
        wall, cpu = time.perf_counter(), cpu_seconds()
        try:
            value = fn()
        finally:
            sample = Sample(time.perf_counter() - wall, cpu_seconds() - cpu)
            gc.enable()
        results.setdefault(name, []).append(sample)
        return value

    def previous_node_table() -> Any:
        """The Arrow table the way `_Scratch.write` built it before ef20d61: row lists, a zip transpose, typed arrays."""
        fields = [pa.field("key", pa.string())] + [pa.field(p.name, _ARROW_TYPES[p.type]) for p in props]
        rows = [[r.key] + [r.properties.get(p.name) for p in props] for r in nodes]
        arrays = [pa.array(list(c), type=f.type) for c, f in zip(zip(*rows, strict=True), fields, strict=True)]
        return pa.Table.from_arrays(arrays, schema=pa.schema(fields))

    def write_nodes(folder: str) -> str:
        return _Scratch(Path(folder)).write(LABEL, {"key": [r.key for r in nodes]}, props, nodes)

    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="koppel-bench-anatomy-") as scratch:
            clock(f"build {len(nodes)} NodeRecords (the loader's side, not part of upsert)", lambda: make_nodes(len(nodes)))
            # the store's _Scratch.write, with the cyclic garbage collector on, and paused as a load pauses it
            clock("nodes: `_Scratch.write` (Arrow columns from the records + Parquet), gc enabled", lambda: write_nodes(scratch))
            path = clock("nodes: `_Scratch.write`, gc paused (as in a load)", lambda: write_nodes(scratch), gc_off=True)
            clock("nodes: PREVIOUS Arrow table from row lists + transpose (before ef20d61), gc enabled", previous_node_table)
            clock("nodes: PREVIOUS Arrow table from row lists + transpose, gc paused", previous_node_table, gc_off=True)
            table = pq.read_table(path)
            clock("nodes: step: `pq.write_table`", lambda: pq.write_table(table, f"{scratch}/again.parquet"))
            csv_path = f"{scratch}/nodes.csv"
            clock("nodes: ALT CSV writing (`pyarrow.csv`, lists as text)", lambda: pacsv.write_csv(_csv_ready(table), csv_path))

            with fresh_embedded() as store:
                keys = [r.key for r in nodes]
                key_lookup = f"UNWIND $keys AS k MATCH (n:{LABEL} {{key: k}}) RETURN n.key"
                clock("nodes: existing-key look-up `UNWIND $keys`, table EMPTY", lambda: store._execute(key_lookup, {"keys": keys}).get_all())
                clock("nodes: count(*) of the table (cheap emptiness test)", lambda: store._execute(f"MATCH (n:{LABEL}) RETURN count(n)").get_all())
                store._execute("BEGIN TRANSACTION")
                clock("nodes: COPY from the Parquet file", lambda: store._execute(f"COPY {LABEL} FROM '{path}'"))
                clock("nodes: COMMIT", lambda: store._execute("COMMIT"))
                clock("nodes: existing-key look-up `UNWIND $keys`, table FULL (a reload)", lambda: store._execute(key_lookup, {"keys": keys}).get_all())

                rpath = _Scratch(Path(scratch)).write(REL_TYPE, _endpoints(rels), rprops, rels)
                pairs = [{"s": r.start, "t": r.end} for r in rels]
                lookup = (
                    f"UNWIND $pairs AS pair MATCH (a:{LABEL} {{key: pair.s}})-[r:{REL_TYPE}]->(b:{LABEL} {{key: pair.t}}) "
                    "RETURN a.key, b.key"
                )
                clock("rels: existing-pair look-up `UNWIND $pairs`, table EMPTY", lambda: store._execute(lookup, {"pairs": pairs}).get_all())
                store._execute("BEGIN TRANSACTION")
                clock("rels: COPY from the Parquet file", lambda: store._execute(f"COPY {REL_TYPE} FROM '{rpath}' (from='{LABEL}', to='{LABEL}')"))
                clock("rels: COMMIT", lambda: store._execute("COMMIT"))
                clock("rels: ALT existing-pair look-up `LOAD FROM` the batch's Parquet, table FULL (a reload)", lambda: store._execute(
                    f"LOAD FROM '{rpath}' MATCH (a:{LABEL} {{key: src}})-[r:{REL_TYPE}]->(b:{LABEL} {{key: dst}}) RETURN a.key, b.key, r"
                ).get_all())
                if len(rels) <= 40_000 or FULL_PAIR_LOOKUP:
                    clock("rels: existing-pair look-up `UNWIND $pairs`, table FULL (a reload)", lambda: store._execute(
                        lookup.replace("RETURN a.key, b.key", "RETURN a.key, b.key, r"), {"pairs": pairs}).get_all())

            with fresh_embedded() as store:  # statements auto-committed, as in a staged load
                clock("nodes: COPY auto-committed (no explicit transaction, as in a staged load)", lambda: store._execute(f"COPY {LABEL} FROM '{path}'"))
                clock("rels: COPY auto-committed (no explicit transaction, as in a staged load)", lambda: store._execute(
                    f"COPY {REL_TYPE} FROM '{rpath}' (from='{LABEL}', to='{LABEL}')"))

            with fresh_embedded() as store:
                store._execute("BEGIN TRANSACTION")
                clock("nodes: ALT COPY from the in-memory Arrow table (no file)", lambda: copy_from_arrow(store, table))
                store._execute("COMMIT")
                assert store.run(f"MATCH (n:{LABEL}) RETURN count(n)").value() == len(nodes)

            with fresh_embedded() as store:
                store._execute("BEGIN TRANSACTION")
                clock("nodes: ALT COPY from CSV", lambda: store._execute(f"COPY {LABEL} FROM '{csv_path}' (header=true)"))
                store._execute("COMMIT")
                assert store.run(f"MATCH (n:{LABEL}) RETURN count(n)").value() == len(nodes)

            with fresh_embedded() as store:  # the engine's floor: keys only, no properties
                key_path = f"{scratch}/keys.parquet"
                pq.write_table(table.select(["key"]), key_path)
                store._execute("BEGIN TRANSACTION")
                clock("nodes: FLOOR COPY of the key column only", lambda: store._execute(f"COPY {LABEL}(key) FROM '{key_path}'"))
                clock("nodes: FLOOR COMMIT of the key column only", lambda: store._execute("COMMIT"))

            with fresh_embedded() as store:  # is COMMIT the checkpoint?
                store._execute("CALL auto_checkpoint=false")
                store._execute("BEGIN TRANSACTION")
                store._execute(f"COPY {LABEL} FROM '{path}'")
                store._execute(f"COPY {REL_TYPE} FROM '{rpath}' (from='{LABEL}', to='{LABEL}')")
                clock("nodes+rels: COMMIT with auto_checkpoint=false", lambda: store._execute("COMMIT"))
                clock("nodes+rels: the deferred CHECKPOINT", lambda: store._execute("CHECKPOINT"))
    return list(results.items())


def copy_from_arrow(store: Any, table: Any) -> None:
    """LadybugDB's Python scan: COPY from an Arrow table found by its variable name."""
    arrow_table = table  # noqa: F841 - looked up by name in this frame by ladybug
    store._conn.execute(f"COPY {LABEL} FROM arrow_table")


def _csv_ready(table: Any) -> Any:
    """Lists as LadybugDB's CSV list literal ``[a,b]`` (pyarrow's CSV writer cannot write lists)."""
    import pyarrow as pa

    columns = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_list(column.type):
            column = pa.array([None if v is None else "[" + ",".join(v) + "]" for v in column.to_pylist()], pa.string())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


# -- report --------------------------------------------------------------------------------------

def machine() -> list[str]:
    def cpuinfo(key: str) -> str:
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith(key):
                        return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    def meminfo() -> str:
        try:
            with open("/proc/meminfo") as f:
                for line in f:
                    if line.startswith("MemTotal"):
                        return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        except OSError:
            pass
        return "?"

    import ladybug
    import neo4j
    import pyarrow

    return [
        f"- nproc: {len(os.sched_getaffinity(0))}; CPU: {cpuinfo('model name')}; memory: {meminfo()}",
        f"- load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work was running on the machine)",
        f"- Python {platform.python_version()}, ladybug {getattr(ladybug, '__version__', '?')}, pyarrow {pyarrow.__version__}, neo4j driver {neo4j.__version__}",
    ]


def fmt_rate(rate: float) -> str:
    return f"{rate:,.0f}"


def report(results: dict[str, dict[str, Measure]], args: argparse.Namespace, header: list[str]) -> None:
    print("## Loading (issue 2)\n")
    print("Command:\n")
    print(f"    {shlex.join(['python', 'benchmarks/bench_load.py', *sys.argv[1:]])}\n")
    print("Machine:\n")
    print("\n".join(header))
    print(f"- load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    if not results:
        return
    print(
        f"Median of {args.repeat} runs, fresh store each; rows/s = rows / median wall seconds. "
        "CPU rows/s = rows / median CPU seconds, the CPU of this process (all threads, so the embedded engine's too)"
        + (" plus the Neo4j server's" if SERVER_PID else "")
        + ": on a busy machine wall time includes waiting for a core, CPU time does not. "
        "Runs are listed as wall (CPU) seconds.\n"
    )
    print("| store | path | nodes rows/s | relationships rows/s | nodes CPU rows/s | relationships CPU rows/s | node runs s | relationship runs s |")
    print("|---|---|---:|---:|---:|---:|---|---|")
    names = {
        "embedded": ("bulk: `upsert` (COPY from Parquet; nodes in one transaction, relationships staged)", f"baseline: UNWIND MERGE, batches of {args.unwind_batch}, one transaction"),
        "neo4j": ("bulk: `upsert` (UNWIND batches of 10k, one transaction)", f"baseline: one auto-committed MERGE per row ({args.naive_sample}-row sample, extrapolated)"),
    }
    for store, m in results.items():
        for (kind, path) in zip(("bulk", "naive"), names[store], strict=True):
            n, r = m[f"{kind}_nodes"], m[f"{kind}_rels"]
            print(
                f"| {store} | {path} | {fmt_rate(n.rate)} | {fmt_rate(r.rate)} | {fmt_rate(n.cpu_rate)} | {fmt_rate(r.cpu_rate)} "
                f"| {n.runs()} | {r.runs()} |"
            )
    print()
    print("| target | measured | met? |")
    print("|---|---|---|")

    def line(target: str, measured: str, ok: bool) -> None:
        print(f"| {target} | {measured} | {'yes' if ok else '**no**'} |")

    if "embedded" in results:
        m = results["embedded"]
        for kind, label in (("nodes", "nodes"), ("rels", "relationships")):
            bulk, naive = m[f"bulk_{kind}"].rate, m[f"naive_{kind}"].rate
            line(f"embedded bulk {label} >= {TARGET_EMBEDDED_BULK:,} rows/s", f"{fmt_rate(bulk)} rows/s = {bulk / TARGET_EMBEDDED_BULK:.2f}x the target (by CPU time {fmt_rate(m[f'bulk_{kind}'].cpu_rate)} rows/s)", bulk >= TARGET_EMBEDDED_BULK)
            ratio, cpu_ratio = bulk / naive, m[f"bulk_{kind}"].cpu_rate / m[f"naive_{kind}"].cpu_rate
            line(f"embedded bulk {label} >= {TARGET_EMBEDDED_RATIO}x UNWIND MERGE", f"{ratio:.1f}x (by CPU time {cpu_ratio:.1f}x)", ratio >= TARGET_EMBEDDED_RATIO)
    if "neo4j" in results:
        m = results["neo4j"]
        for kind, label, target in (("nodes", "nodes", TARGET_NEO4J_NODES), ("rels", "relationships", TARGET_NEO4J_RELS)):
            bulk, naive = m[f"bulk_{kind}"].rate, m[f"naive_{kind}"].rate
            line(f"Neo4j batched {label} >= {target:,} rows/s", f"{fmt_rate(bulk)} rows/s = {bulk / target:.2f}x the target (by CPU time {fmt_rate(m[f'bulk_{kind}'].cpu_rate)} rows/s)", bulk >= target)
            ratio, cpu_ratio = bulk / naive, m[f"bulk_{kind}"].cpu_rate / m[f"naive_{kind}"].cpu_rate
            line(f"Neo4j batched {label} >= {TARGET_NEO4J_RATIO}x MERGE per row", f"{ratio:.1f}x (by CPU time {cpu_ratio:.1f}x)", ratio >= TARGET_NEO4J_RATIO)
    print()


def bench_reload(sizes: list[int], stores: list[str], repeat: int) -> list[tuple[str, int, dict[str, Sample]]]:
    """Load n nodes and n relationships, then load the very same records again (an idempotent re-load)."""
    out = []
    for n in sizes:
        nodes = make_nodes(n, prefix="reload")
        rels = make_rels(nodes, n)
        for store_name in stores:
            runs: dict[str, list[Sample]] = {}
            for _ in range(repeat):
                if store_name == "embedded":
                    context = fresh_embedded()
                else:
                    context = _neo4j_cleared()
                with context as store:
                    for step, fn in (
                        ("first: nodes", lambda: store.upsert(nodes, [])),
                        ("first: relationships", lambda: store.upsert([], rels)),
                        ("again: nodes", lambda: store.upsert(nodes, [])),
                        ("again: relationships", lambda: store.upsert([], rels)),
                    ):
                        runs.setdefault(step, []).append(timed(fn))
                    verify(store, n, n)
                log(f"reload {store_name} n={n}: " + ", ".join(f"{k} {v[-1].wall:.2f}s" for k, v in runs.items()))
            medians = {k: Sample(statistics.median(x.wall for x in v), statistics.median(x.cpu for x in v)) for k, v in runs.items()}
            out.append((store_name, n, medians))
    return out


@contextmanager
def _neo4j_cleared() -> Iterator[Any]:
    store = open_neo4j()
    try:
        store.ensure_schema()
        store.clear()
        yield store
        store.clear()
    finally:
        store.close()


def print_reload(rows: list[tuple[str, int, dict[str, Sample]]], repeat: int) -> None:
    print(f"### Loading the same records twice (median of {repeat}; wall (CPU) seconds)\n")
    print("| store | n nodes = n relationships | first: nodes | first: relationships | again: nodes | again: relationships |")
    print("|---|---:|---:|---:|---:|---:|")
    for store, n, m in rows:
        cells = " | ".join(f"{s.wall:.2f} ({s.cpu:.2f})" for s in m.values())
        print(f"| {store} | {n:,} | {cells} |")
    print()


def print_breakdown(title: str, rows: list[tuple[str, list[Sample]]]) -> None:
    print(f"### {title}\n")
    print("| step | median wall s | median CPU s | runs: wall (CPU) s |")
    print("|---|---:|---:|---|")
    for name, samples in rows:
        wall = statistics.median(s.wall for s in samples)
        cpu = statistics.median(s.cpu for s in samples)
        runs = ", ".join(f"{s.wall:.3f} ({s.cpu:.3f})" for s in samples)
        print(f"| {name} | {wall:.3f} | {cpu:.3f} | {runs} |")
    print()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--rels", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stores", default="embedded,neo4j", help="comma-separated: embedded, neo4j")
    parser.add_argument("--naive-sample", type=int, default=2000, help="rows for Neo4j's one-MERGE-per-row baseline")
    parser.add_argument("--unwind-batch", type=int, default=10_000, help="batch size of the embedded UNWIND MERGE baseline")
    parser.add_argument(
        "--neo4j-pid", type=int, default=None,
        help="pid of a local Neo4j server, to add its CPU time (default: $KOPPEL_NEO4J_RUN/run/neo4j.pid if that exists)",
    )
    parser.add_argument(
        "--reload", default="", metavar="N[,N...]",
        help="also time loading N nodes and N relationships twice (the second load changes nothing), for each N",
    )
    parser.add_argument("--skip-main", action="store_true", help="skip the main bulk/baseline comparison (with --profile or --reload)")
    parser.add_argument("--profile", action="store_true", help="also break down where the embedded bulk load spends its time")
    parser.add_argument(
        "--profile-reload", action="store_true",
        help="with --profile: also time the store's UNWIND $pairs look-up on a full table above 40k relationships (slow: quadratic)",
    )
    args = parser.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    for s in stores:
        if s not in ("embedded", "neo4j"):
            parser.error(f"unknown store {s!r}")

    global SERVER_PID, FULL_PAIR_LOOKUP
    FULL_PAIR_LOOKUP = args.profile_reload
    if "neo4j" in stores:
        SERVER_PID = args.neo4j_pid or local_server_pid()
    header = machine()
    if "neo4j" in stores:
        header.append(
            f"- Neo4j: {neo4j_version()} at {os.environ.get('NEO4J_URI')}"
            + (f" (server pid {SERVER_PID}, its CPU time counted)" if SERVER_PID else " (server CPU time not counted: pass --neo4j-pid)")
        )
    log(f"building {args.nodes} nodes and {args.rels} relationships")
    nodes = make_nodes(args.nodes)
    rels = make_rels(nodes, args.rels)
    check_shape(nodes, rels)

    results: dict[str, dict[str, Measure]] = {}
    if "embedded" in stores:
        warm_up_embedded()
    if not args.skip_main:
        if "embedded" in stores:
            results["embedded"] = bench_embedded(nodes, rels, args)
        if "neo4j" in stores:
            results["neo4j"] = bench_neo4j(nodes, rels, args)
    report(results, args, header)
    if args.reload:
        sizes = [int(n) for n in args.reload.split(",") if n.strip()]
        print_reload(bench_reload(sizes, stores, args.repeat), args.repeat)
    if args.profile:
        log("profiling the embedded bulk path")
        print_breakdown("Embedded bulk load by stage (the store's own calls timed from outside; medians per row)", profile_embedded(nodes, rels, args.repeat))
        print_breakdown("Embedded write path step by step, and alternatives", anatomy_embedded(nodes, rels, args.repeat))


if __name__ == "__main__":
    main()
