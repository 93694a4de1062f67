"""Load benchmark (issue 2): bulk upsert versus a naive MERGE baseline, per store.

    python benchmarks/bench_load.py [--nodes 100000] [--rels 100000] [--repeat 3]
                                    [--stores embedded,neo4j] [--naive-sample 2000]
                                    [--unwind-batch 10000] [--profile]

What is measured (each run on a fresh store; the schema is created before the
clock starts; the MEDIAN of ``--repeat`` runs is reported):

* **bulk** -- ``store.upsert(nodes)`` then ``store.upsert([], rels)``: the project's
  real load path (embedded: COPY from typed Parquet inside one transaction;
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

``--profile`` adds a breakdown of one embedded bulk load (where the time goes:
key look-up, Python rows, Arrow arrays, Parquet writing, COPY, COMMIT) and times
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

@dataclass
class Measure:
    rows: int
    seconds: list[float] = field(default_factory=list)
    extrapolated_from: int | None = None  # sample size when rows/s is extrapolated

    @property
    def median_seconds(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rate(self) -> float:
        return self.rows / self.median_seconds

    def runs(self) -> str:
        return ", ".join(f"{s:.2f}" for s in self.seconds)


def timed(fn: Callable[[], Any]) -> float:
    gc.collect()
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


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
            out["bulk_nodes"].seconds.append(timed(lambda: store.upsert(nodes, [])))
            out["bulk_rels"].seconds.append(timed(lambda: store.upsert([], rels)))
            verify(store, len(nodes), len(rels))
        log(f"embedded bulk run {run}: nodes {out['bulk_nodes'].seconds[-1]:.2f}s, rels {out['bulk_rels'].seconds[-1]:.2f}s")
        with fresh_embedded() as store:
            out["naive_nodes"].seconds.append(timed(lambda: unwind_merge_nodes(store, nodes, args.unwind_batch)))
            out["naive_rels"].seconds.append(timed(lambda: unwind_merge_rels(store, rels, args.unwind_batch)))
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
        "naive_nodes": Measure(sample, extrapolated_from=sample),
        "naive_rels": Measure(sample, extrapolated_from=sample),
    }
    store = open_neo4j()
    try:
        store.ensure_schema()
        for run in range(1, args.repeat + 1):
            store.clear()
            out["bulk_nodes"].seconds.append(timed(lambda: store.upsert(nodes, [])))
            out["bulk_rels"].seconds.append(timed(lambda: store.upsert([], rels)))
            verify(store, len(nodes), len(rels))
            out["naive_nodes"].seconds.append(timed(lambda: merge_per_row_nodes(store, naive_nodes)))
            out["naive_rels"].seconds.append(timed(lambda: merge_per_row_rels(store, naive_rels)))
            verify(store, len(nodes) + sample, len(rels) + sample)
            log(
                f"neo4j run {run}: bulk nodes {out['bulk_nodes'].seconds[-1]:.2f}s, rels {out['bulk_rels'].seconds[-1]:.2f}s; "
                f"per-row MERGE ({sample}) nodes {out['naive_nodes'].seconds[-1]:.2f}s, rels {out['naive_rels'].seconds[-1]:.2f}s"
            )
        store.clear()
    finally:
        store.close()
    return out


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


def profile_embedded(nodes: list[NodeRecord], rels: list[RelRecord], repeat: int) -> list[tuple[str, list[float]]]:
    """Where one bulk load's time goes, by instrumenting (not changing) the store's own calls."""
    import pyarrow.parquet as pq

    from koppel.graph import embedded_store as es

    def statement_kind(cypher: str) -> str:
        c = cypher.lstrip()
        if c.startswith("UNWIND $keys") or c.startswith("UNWIND $pairs"):
            return "existing-key look-up (UNWIND $keys MATCH)"
        for prefix in ("COPY", "LOAD FROM", "BEGIN", "COMMIT", "ROLLBACK"):
            if c.startswith(prefix):
                return prefix
        return "other query"

    results: dict[str, list[float]] = {}
    for _ in range(repeat):
        with fresh_embedded() as store:
            for stage in ("nodes", "rels"):
                spent: dict[str, float] = {}

                def add(key: str, seconds: float) -> None:
                    spent[key] = spent.get(key, 0.0) + seconds

                def wrap_execute(original: Callable[..., Any]) -> Callable[..., Any]:
                    def execute(self: Any, cypher: str, params: Any = None) -> Any:
                        t = time.perf_counter()
                        try:
                            return original(self, cypher, params)
                        finally:
                            add(statement_kind(cypher), time.perf_counter() - t)
                    return execute

                def wrap_write(original: Callable[..., Any]) -> Callable[..., Any]:
                    def write(self: Any, *a: Any, **k: Any) -> Any:
                        t = time.perf_counter()
                        try:
                            return original(self, *a, **k)
                        finally:
                            add("_Scratch.write (rows + Arrow + Parquet)", time.perf_counter() - t)
                    return write

                def wrap_pq(original: Callable[..., Any]) -> Callable[..., Any]:
                    def write_table(*a: Any, **k: Any) -> Any:
                        t = time.perf_counter()
                        try:
                            return original(*a, **k)
                        finally:
                            add("pq.write_table", time.perf_counter() - t)
                    return write_table

                with patched(es.EmbeddedStore, "_execute", wrap_execute), patched(es._Scratch, "write", wrap_write), patched(pq, "write_table", wrap_pq):
                    gc.collect()
                    t = time.perf_counter()
                    store.upsert(nodes, []) if stage == "nodes" else store.upsert([], rels)
                    total = time.perf_counter() - t
                write_total = spent.pop("_Scratch.write (rows + Arrow + Parquet)", 0.0)
                parquet = spent.pop("pq.write_table", 0.0)
                rows = [
                    (f"{stage}: total upsert", total),
                    (f"{stage}: existing-key look-up (UNWIND $keys/$pairs MATCH)", spent.pop("existing-key look-up (UNWIND $keys MATCH)", 0.0)),
                    (f"{stage}: Python rows + Arrow arrays (_Scratch.write minus Parquet)", write_total - parquet),
                    (f"{stage}: Parquet writing (pq.write_table)", parquet),
                    (f"{stage}: COPY", spent.pop("COPY", 0.0)),
                    (f"{stage}: COMMIT", spent.pop("COMMIT", 0.0)),
                    (f"{stage}: BEGIN", spent.pop("BEGIN", 0.0)),
                ]
                rows += [(f"{stage}: {k}", v) for k, v in spent.items()]
                accounted = sum(v for _, v in rows[1:])
                rows.append((f"{stage}: rest (grouping, new/old split, list(), temp dir)", total - accounted))
                for name, seconds in rows:
                    results.setdefault(name, []).append(seconds)
    return list(results.items())


def anatomy_embedded(nodes: list[NodeRecord], rels: list[RelRecord], repeat: int) -> list[tuple[str, list[float]]]:
    """The steps of ``_Scratch.write`` one by one, and alternatives to the current path, on fresh stores."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from koppel.graph.embedded_store import _ARROW_TYPES

    props = [p for p in SCHEMA.node(LABEL).properties.values() if p.name != "key"]
    rprops = list(SCHEMA.relationship(REL_TYPE).properties.values())
    fields = [pa.field("key", pa.string())] + [pa.field(p.name, _ARROW_TYPES[p.type]) for p in props]
    rfields = [pa.field("src", pa.string()), pa.field("dst", pa.string())] + [pa.field(p.name, _ARROW_TYPES[p.type]) for p in rprops]
    schema, rschema = pa.schema(fields), pa.schema(rfields)
    results: dict[str, list[float]] = {}

    def note(name: str, seconds: float) -> None:
        results.setdefault(name, []).append(seconds)

    def clock(name: str, fn: Callable[[], Any]) -> Any:
        gc.collect()
        t = time.perf_counter()
        value = fn()
        note(name, time.perf_counter() - t)
        return value

    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="koppel-bench-anatomy-") as scratch:
            # records: what a loader spends before the store sees anything
            clock(f"build {len(nodes)} NodeRecords (make_nodes, not part of upsert)", lambda: make_nodes(len(nodes)))
            # current path, step by step (mirrors _Scratch.write)
            rows = clock("nodes: row lists [key]+[props.get(p) ...]", lambda: [[r.key] + [r.properties.get(p.name) for p in props] for r in nodes])
            cols = clock("nodes: transpose zip(*rows)", lambda: list(zip(*rows, strict=True)))
            arrays = clock("nodes: pa.array per column (typed)", lambda: [pa.array(list(c), type=f.type) for c, f in zip(cols, fields, strict=True)])
            table = pa.Table.from_arrays(arrays, schema=schema)
            path = f"{scratch}/nodes.parquet"
            clock("nodes: pq.write_table", lambda: pq.write_table(table, path))
            # alternative: columns straight from the records
            clock("nodes: ALT Arrow columns built directly from records", lambda: pa.Table.from_arrays(
                [pa.array([r.key for r in nodes], pa.string())]
                + [pa.array([r.properties.get(p.name) for r in nodes], type=_ARROW_TYPES[p.type]) for p in props],
                schema=schema,
            ))
            clock("nodes: ALT pq.write_table uncompressed", lambda: pq.write_table(table, f"{scratch}/nodes-raw.parquet", compression="none"))
            csv_path = f"{scratch}/nodes.csv"
            clock("nodes: ALT CSV writing (pyarrow.csv, lists as text)", lambda: pacsv.write_csv(_csv_ready(table), csv_path))

            with fresh_embedded() as store:
                note("nodes: existing-key look-up on an EMPTY table", timed(lambda: store._existing_keys(LABEL, [r.key for r in nodes])))
                store._execute("BEGIN TRANSACTION")
                note("nodes: COPY from the Parquet file", timed(lambda: store._execute(f"COPY {LABEL} FROM '{path}'")))
                note("nodes: COMMIT", timed(lambda: store._execute("COMMIT")))
                note("nodes: existing-key look-up on the FULL table", timed(lambda: store._existing_keys(LABEL, [r.key for r in nodes])))

                rrows = [[r.start, r.end] + [r.properties.get(p.name) for p in rprops] for r in rels]
                rtable = pa.Table.from_arrays([pa.array(list(c), type=f.type) for c, f in zip(zip(*rrows), rfields, strict=True)], schema=rschema)
                rpath = f"{scratch}/rels.parquet"
                pq.write_table(rtable, rpath)
                pairs = [{"s": r.start, "t": r.end} for r in rels]
                note("rels: existing-pair look-up (none exist yet)", timed(lambda: store._execute(
                    f"UNWIND $pairs AS pair MATCH (a:{LABEL} {{key: pair.s}})-[r:{REL_TYPE}]->(b:{LABEL} {{key: pair.t}}) RETURN a.key, b.key",
                    {"pairs": pairs}).get_all()))
                store._execute("BEGIN TRANSACTION")
                note("rels: COPY from the Parquet file", timed(lambda: store._execute(f"COPY {REL_TYPE} FROM '{rpath}' (from='{LABEL}', to='{LABEL}')")))
                note("rels: COMMIT", timed(lambda: store._execute("COMMIT")))

            with fresh_embedded() as store:
                store._execute("BEGIN TRANSACTION")
                note("nodes: ALT COPY from the in-memory Arrow table (no file)", timed(lambda: copy_from_arrow(store, table)))
                store._execute("COMMIT")
                assert store.run(f"MATCH (n:{LABEL}) RETURN count(n)").value() == len(nodes)

            with fresh_embedded() as store:
                store._execute("BEGIN TRANSACTION")
                note("nodes: ALT COPY from CSV", timed(lambda: store._execute(f"COPY {LABEL} FROM '{csv_path}' (header=true)")))
                store._execute("COMMIT")
                assert store.run(f"MATCH (n:{LABEL}) RETURN count(n)").value() == len(nodes)
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
    print(f"Median of {args.repeat} runs, fresh store each; rows/s = rows / median seconds.\n")
    print("| store | path | nodes rows/s | relationships rows/s | node runs (s) | relationship runs (s) |")
    print("|---|---|---:|---:|---|---|")
    names = {
        "embedded": ("bulk: `upsert` (COPY from Parquet, one transaction)", f"UNWIND MERGE, batches of {args.unwind_batch}, one transaction"),
        "neo4j": ("bulk: `upsert` (UNWIND batches of 10k, one transaction)", f"one auto-committed MERGE per row (sample of {args.naive_sample}, extrapolated)"),
    }
    for store, m in results.items():
        bulk, naive = names[store]
        print(f"| {store} | {bulk} | {fmt_rate(m['bulk_nodes'].rate)} | {fmt_rate(m['bulk_rels'].rate)} | {m['bulk_nodes'].runs()} | {m['bulk_rels'].runs()} |")
        print(f"| {store} | {naive} | {fmt_rate(m['naive_nodes'].rate)} | {fmt_rate(m['naive_rels'].rate)} | {m['naive_nodes'].runs()} | {m['naive_rels'].runs()} |")
    print()
    print("| target | measured | met? |")
    print("|---|---|---|")

    def line(target: str, measured: str, ok: bool) -> None:
        print(f"| {target} | {measured} | {'yes' if ok else '**no**'} |")

    if "embedded" in results:
        m = results["embedded"]
        for kind, label in (("nodes", "nodes"), ("rels", "relationships")):
            bulk, naive = m[f"bulk_{kind}"].rate, m[f"naive_{kind}"].rate
            line(f"embedded bulk {label} >= {TARGET_EMBEDDED_BULK:,} rows/s", f"{fmt_rate(bulk)} rows/s ({bulk / TARGET_EMBEDDED_BULK:.2f}x the target)", bulk >= TARGET_EMBEDDED_BULK)
            line(f"embedded bulk {label} >= {TARGET_EMBEDDED_RATIO}x UNWIND MERGE", f"{bulk / naive:.0f}x", bulk / naive >= TARGET_EMBEDDED_RATIO)
    if "neo4j" in results:
        m = results["neo4j"]
        for kind, label, target in (("nodes", "nodes", TARGET_NEO4J_NODES), ("rels", "relationships", TARGET_NEO4J_RELS)):
            bulk, naive = m[f"bulk_{kind}"].rate, m[f"naive_{kind}"].rate
            line(f"Neo4j batched {label} >= {target:,} rows/s", f"{fmt_rate(bulk)} rows/s ({bulk / target:.2f}x the target)", bulk >= target)
            line(f"Neo4j batched {label} >= {TARGET_NEO4J_RATIO}x MERGE per row", f"{bulk / naive:.0f}x", bulk / naive >= TARGET_NEO4J_RATIO)
    print()


def print_breakdown(title: str, rows: list[tuple[str, list[float]]]) -> None:
    print(f"### {title}\n")
    print("| step | median s | runs (s) |")
    print("|---|---:|---|")
    for name, seconds in rows:
        print(f"| {name} | {statistics.median(seconds):.3f} | {', '.join(f'{s:.3f}' for s in seconds)} |")
    print()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--rels", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stores", default="embedded,neo4j", help="comma-separated: embedded, neo4j")
    parser.add_argument("--naive-sample", type=int, default=2000, help="rows for Neo4j's one-MERGE-per-row baseline")
    parser.add_argument("--unwind-batch", type=int, default=10_000, help="batch size of the embedded UNWIND MERGE baseline")
    parser.add_argument("--profile", action="store_true", help="also break down where the embedded bulk load spends its time")
    args = parser.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    for s in stores:
        if s not in ("embedded", "neo4j"):
            parser.error(f"unknown store {s!r}")

    header = machine()
    if "neo4j" in stores:
        header.append(f"- Neo4j: {neo4j_version()} at {os.environ.get('NEO4J_URI')}")
    log(f"building {args.nodes} nodes and {args.rels} relationships")
    nodes = make_nodes(args.nodes)
    rels = make_rels(nodes, args.rels)
    check_shape(nodes, rels)

    results: dict[str, dict[str, Measure]] = {}
    if "embedded" in stores:
        warm_up_embedded()
        results["embedded"] = bench_embedded(nodes, rels, args)
    if "neo4j" in stores:
        results["neo4j"] = bench_neo4j(nodes, rels, args)
    report(results, args, header)
    if args.profile:
        log("profiling the embedded bulk path")
        print_breakdown("Embedded bulk load, instrumented (store code unchanged)", profile_embedded(nodes, rels, args.repeat))
        print_breakdown("Embedded write path step by step, and alternatives", anatomy_embedded(nodes, rels, args.repeat))


if __name__ == "__main__":
    main()
