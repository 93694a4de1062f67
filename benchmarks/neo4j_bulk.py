"""Bulk-import the synthetic graph into a local Neo4j with ``neo4j-admin database import full``, as koppel's own load would write it.

For benchmarks only: koppel's statement-model load (``synthetic.py --store
bolt://...``) took 4 min for the 44,000 records of the full default load on
this shared machine (BENCHMARKS.md), so the 3.26 million records of the 1M-node
graph with return observations would take hours; this path took about 14 min
(BENCHMARKS.md, issue 13). What lands in the database is what
:meth:`GraphStore.upsert` would write into an empty Neo4j:

* the records go through the store's own statement merge (``GraphStore._plan``,
  run on an empty embedded store in a temporary folder), so every entity carries
  the same shown properties, ``_statements`` JSON, ``inferred`` and
  ``known_from`` as after ``koppel load``;
* each property is written with the Neo4j type the driver would give it (string,
  string[], long, double, boolean, date), unset properties and empty lists left
  out as :func:`koppel.graph.store.record_params` does; ``key`` is the import ID
  (keys are unique across labels) and stays a node property;
* after the import the server is started again and
  :meth:`Neo4jStore.ensure_schema` creates the schema's constraints and indexes
  (``graph/ddl.py``); the Neo4j store keeps no schema fingerprint.

``--verify`` proves it on a small graph: after the bulk import it reads every
node and relationship and the ``linkages`` answers of a few countries, then
clears the database, loads the same graph with koppel's own load and compares
(the first-seen stamps inside ``_statements`` are the only thing allowed to
differ). The importer needs the server stopped, so this script stops and starts
the server of ``--run`` (a ``scripts/neo4j`` run folder) itself::

    export KOPPEL_NEO4J_RUN=/tmp/neo4j-p12b KOPPEL_NEO4J_HEAP=4g KOPPEL_NEO4J_PAGECACHE=2g
    python benchmarks/neo4j_bulk.py --scale 0.01 --countries 65 --observations with --states 3 --years 3 --verify
    python benchmarks/neo4j_bulk.py --observations with                     # 1,070,569 nodes

It prints the server's ``export NEO4J_URI=...`` lines on stdout at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import Synthetic, build, load  # noqa: E402  (benchmarks/ is not a package)

from koppel.graph import statements as st  # noqa: E402
from koppel.graph.models import NodeRecord, RelRecord  # noqa: E402
from koppel.graph.schema import SCHEMA, Property  # noqa: E402
from koppel.graph.settings import Settings  # noqa: E402
from koppel.graph.store import GraphStore, open_store, record_params  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NEO4J_SCRIPT = ROOT / "scripts" / "neo4j"
ARRAY_DELIMITER = "|"
CSV_TYPES = {"string": "string", "string[]": "string[]", "int": "long", "float": "double", "bool": "boolean", "date": "date"}
"""Neo4j import types of the schema's property types (what the Python driver makes of str, list[str], int, float, bool and a date)."""


class BulkError(Exception):
    """A record the importer cannot reproduce exactly (a value of the wrong type, a delimiter inside a list item...), or a failed step."""


# -- what koppel's load would write ----------------------------------------------------------

def planned(nodes: Sequence[NodeRecord], rels: Sequence[RelRecord]) -> tuple[list[NodeRecord], list[RelRecord]]:
    """The records :meth:`GraphStore.upsert` would write into an empty store: checked, merged into statements, shown.

    Runs the store's own merge on an empty embedded store in a temporary folder (the
    merge reads what the store holds; an empty store holds nothing, whatever its kind).
    """
    st.check_records(nodes, rels)
    with tempfile.TemporaryDirectory(prefix="koppel-bulk-plan-") as folder, open_store(f"embedded:{folder}/store") as store:
        store.ensure_schema()
        with st.gc_paused():
            plan = store._plan(list(nodes), list(rels))
    return plan.nodes, plan.rels


def _cell(value: Any, prop: Property, where: str) -> str:
    """One CSV field for neo4j-admin: empty for unset, strings always quoted (so ``""`` stays an empty string)."""
    if value is None or value == []:
        return ""
    kind = prop.type
    if kind == "string" and isinstance(value, str):
        return '"' + value.replace('"', '""') + '"'
    if kind == "string[]" and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        bad = [v for v in value if ARRAY_DELIMITER in v or v == ""]
        if bad:
            raise BulkError(f"{where}: list item {bad[0]!r} of {prop.name} is empty or holds the array delimiter {ARRAY_DELIMITER!r}")
        return '"' + ARRAY_DELIMITER.join(value).replace('"', '""') + '"'
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if kind == "float" and isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if kind == "bool" and isinstance(value, bool):
        return "true" if value else "false"
    if kind == "date" and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    raise BulkError(f"{where}: {prop.name} = {value!r} is not a {kind} the importer writes as koppel's load would")


def _write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(header) + "\n")
        for row in rows:
            out.write(",".join(row) + "\n")
            count += 1
    return count


def write_csv(nodes: Sequence[NodeRecord], rels: Sequence[RelRecord], folder: Path) -> list[str]:
    """Write one CSV per label and per relationship type into ``folder``; returns the importer's ``--nodes``/``--relationships`` arguments.

    Raises :class:`BulkError` for a value the import could not reproduce (see :func:`_cell`)
    or a string with a line break (the import runs without multi-line fields).
    """
    folder.mkdir(parents=True, exist_ok=True)
    arguments = []
    by_label: dict[str, list[NodeRecord]] = defaultdict(list)
    for node in nodes:
        by_label[node.label].append(node)
    for label, records in sorted(by_label.items()):
        props = [p for name, p in SCHEMA.node(label).properties.items() if name != "key"]
        header = ["key:ID"] + [f"{p.name}:{CSV_TYPES[p.type]}" for p in props]

        def node_rows(records: list[NodeRecord] = records, props: list[Property] = props) -> Iterable[list[str]]:
            for r in records:
                values = record_params(r)
                yield ['"' + r.key.replace('"', '""') + '"'] + [_cell(values.get(p.name), p, f"{r.label} {r.key!r}") for p in props]

        path = folder / f"nodes-{label}.csv"
        _write_csv(path, header, node_rows())
        arguments.append(f"--nodes={label}={path}")
    by_type: dict[str, list[RelRecord]] = defaultdict(list)
    for rel in rels:
        by_type[rel.type].append(rel)
    for rel_type, records in sorted(by_type.items()):
        props = list(SCHEMA.relationship(rel_type).properties.values())
        header = [":START_ID", ":END_ID"] + [f"{p.name}:{CSV_TYPES[p.type]}" for p in props]

        def rel_rows(records: list[RelRecord] = records, props: list[Property] = props) -> Iterable[list[str]]:
            for r in records:
                values = record_params(r)
                where = f"{r.type} {r.start!r}->{r.end!r}"
                yield ['"' + r.start.replace('"', '""') + '"', '"' + r.end.replace('"', '""') + '"'] + [_cell(values.get(p.name), p, where) for p in props]

        path = folder / f"rels-{rel_type}.csv"
        _write_csv(path, header, rel_rows())
        arguments.append(f"--relationships={rel_type}={path}")
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8") as text:
            for number, line in enumerate(text, 1):
                if line.count('"') % 2:
                    raise BulkError(f"{path}:{number}: a value holds a line break (the import reads one record per line)")
    return arguments


# -- the server ---------------------------------------------------------------------------------

def _script(command: str) -> str:
    done = subprocess.run([str(NEO4J_SCRIPT), command], capture_output=True, text=True)
    if done.returncode != 0:
        raise BulkError(f"scripts/neo4j {command} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def _exports(text: str) -> dict[str, str]:
    env = {}
    for line in text.splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        env[name] = value.strip("'\"")
    return env


def neo4j_home() -> Path:
    """The Neo4j home ``scripts/neo4j install`` assembled (``KOPPEL_NEO4J_HOME`` or the user cache)."""
    cache = Path(os.environ.get("KOPPEL_NEO4J_HOME") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "koppel" / "neo4j")
    homes = sorted(cache.glob("neo4j-community-*/bin/neo4j-admin"))
    if not homes:
        raise BulkError(f"no Neo4j home under {cache}: run scripts/neo4j install")
    return homes[-1].parent.parent


def admin_import(run: Path, arguments: list[str], *, memory: str = "1g") -> str:
    """``neo4j-admin database import full neo4j`` into the (stopped) server of run folder ``run``; returns the importer's report."""
    home = neo4j_home()
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(run / "conf"), "HEAP_SIZE": memory}
    command = [
        str(home / "bin" / "neo4j-admin"), "database", "import", "full", "neo4j", "--overwrite-destination",
        f"--array-delimiter={ARRAY_DELIMITER}", "--id-type=string", "--multiline-fields=false",
        "--bad-tolerance=0", f"--max-off-heap-memory={memory}", f"--report-file={run / 'import.report'}", *arguments,
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise BulkError(f"neo4j-admin import failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-3000:]}")
    return done.stdout


def wait_for_indexes(store: GraphStore, timeout: float = 1800) -> None:
    """Wait until every index the schema created is ONLINE (population runs in the background after CREATE INDEX)."""
    deadline = time.monotonic() + timeout
    while True:
        states = store.run("SHOW INDEXES YIELD name, state RETURN name, state").rows
        pending = [name for name, state in states if state != "ONLINE"]
        if not pending:
            return
        if any(state == "FAILED" for _, state in states):
            raise BulkError(f"index population failed: {[n for n, s in states if s == 'FAILED']}")
        if time.monotonic() > deadline:
            raise BulkError(f"indexes still populating after {timeout:g} s: {pending[:5]}")
        time.sleep(1)


def bulk_load(graph: Synthetic, run: Path, csv_folder: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """Plan, write CSV, stop the server, import, start it, create the schema; returns the server's exports and timings (s)."""
    times: dict[str, Any] = {}
    started = time.perf_counter()
    nodes, rels = planned(graph.nodes, graph.rels)
    times["plan"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    arguments = write_csv(nodes, rels, csv_folder)
    times["csv"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    _script("stop")
    report = admin_import(run, arguments)
    times["import"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    env = _exports(_script("start"))
    with open_store(env["NEO4J_URI"], settings=Settings(NEO4J_USER=env["NEO4J_USER"], NEO4J_PASSWORD=env["NEO4J_PASSWORD"])) as store:
        store.ensure_schema()
        wait_for_indexes(store)
        counted = (store.run("MATCH (n) RETURN count(n)").value(), store.run("MATCH ()-[r]->() RETURN count(r)").value())
    times["start_and_schema"] = round(time.perf_counter() - started, 1)
    if counted != (len(nodes), len(rels)):
        raise BulkError(f"imported {counted[0]:,} nodes and {counted[1]:,} relationships, expected {len(nodes):,} and {len(rels):,}:\n{report[-2000:]}")
    times["nodes"], times["relationships"] = counted
    return env, times


# -- the check -------------------------------------------------------------------------------------

def _without_seen(text: str | None) -> Any:
    """``_statements`` decoded, each statement's first-seen stamp left out (it is the time of each load)."""
    return {source: {k: v for k, v in entry.items() if k != "seen"} for source, entry in st.decode(text).items()}


def snapshot(store: GraphStore) -> dict[str, Any]:
    """Every node and relationship as the store reads them back, on either store kind.

    ``{"nodes": {key: (label, properties, statements)}, "relationships": {(type, start, end): (properties, statements)}}``;
    properties as :func:`koppel.graph.store.entity` normalises them (unset left out), statements
    decoded from ``_statements`` without their first-seen stamps.
    """
    nodes = {}
    for label in SCHEMA.labels:
        for node, text in store.run(f"MATCH (n:{label}) RETURN n, n._statements AS s").rows:
            props = {k: v for k, v in node.items() if k != "_label"}
            nodes[props["key"]] = (label, props, _without_seen(text))
    rels = {}
    for rel_type in SCHEMA.rel_types:
        for start, end, rel, text in store.run(f"MATCH (a)-[r:{rel_type}]->(b) RETURN a.key AS a, b.key AS b, r, r._statements AS s").rows:
            rels[(rel_type, start, end)] = ({k: v for k, v in rel.items() if k != "_type"}, _without_seen(text))
    return {"nodes": nodes, "relationships": rels}


def answers(store: GraphStore, countries: list[str]) -> dict[str, str]:
    """The ``linkages`` answer of each country, as canonical JSON."""
    from koppel.queries.linkage import linkages, load_weights

    weights = load_weights()
    return {key: json.dumps(linkages(store, key, weights=weights), sort_keys=True, default=str) for key in countries}


def verify(graph: Synthetic, env: dict[str, str], sample: int) -> str:
    """Compare the bulk-imported database with koppel's own load of the same graph (the database is reloaded); raises :class:`BulkError` on any difference."""
    settings = Settings(NEO4J_USER=env["NEO4J_USER"], NEO4J_PASSWORD=env["NEO4J_PASSWORD"])
    countries = [c for c in graph.countries if c != "NLD"][:sample]
    with open_store(env["NEO4J_URI"], settings=settings) as store:
        bulk, bulk_answers = snapshot(store), answers(store, countries)
        store.clear()
        load(store, graph, progress=False)
    with open_store(env["NEO4J_URI"], settings=settings) as store:  # a new store: no cached precedents
        own, own_answers = snapshot(store), answers(store, countries)
    for part in ("nodes", "relationships"):
        if bulk[part] != own[part]:
            missing = own[part].keys() - bulk[part].keys()
            extra = bulk[part].keys() - own[part].keys()
            differ = [k for k in own[part].keys() & bulk[part].keys() if own[part][k] != bulk[part][k]]
            first = differ[0] if differ else None
            raise BulkError(
                f"{part} differ: {len(missing)} missing, {len(extra)} extra, {len(differ)} with other properties"
                + (f"; e.g. {first}: koppel {own[part][first]} / bulk {bulk[part][first]}" if first else "")
            )
    differ = [c for c in countries if bulk_answers[c] != own_answers[c]]
    if differ:
        raise BulkError(f"linkages answers differ for {differ}")
    return f"identical: {len(own['nodes']):,} nodes, {len(own['relationships']):,} relationships, linkages of {countries}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--run", default=os.environ.get("KOPPEL_NEO4J_RUN"), help="the scripts/neo4j run folder (default: $KOPPEL_NEO4J_RUN)")
    parser.add_argument("--countries", type=int, default=250)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--observations", choices=["no", "with"], default="no")
    parser.add_argument("--states", type=int, default=30, help="reporting states per country in the observations")
    parser.add_argument("--years", type=int, default=10, help="years of observations")
    parser.add_argument("--csv", type=Path, help="folder for the CSV files (default: <run>/bulk-csv)")
    parser.add_argument("--verify", action="store_true", help="then compare with koppel's own load of the same graph (small graphs only)")
    parser.add_argument("--sample", type=int, default=5, help="countries whose linkages --verify compares")
    args = parser.parse_args(argv)
    if not args.run:
        parser.error("--run (or KOPPEL_NEO4J_RUN) names the scripts/neo4j run folder")
    run = Path(args.run)
    if not (run / "conf" / "neo4j.conf").is_file():
        parser.error(f"{run} is no scripts/neo4j run folder (no conf/neo4j.conf): start the server once with scripts/neo4j start")
    os.environ["KOPPEL_NEO4J_RUN"] = str(run)
    try:
        started = time.perf_counter()
        graph = build(args.countries, scale=args.scale, seed=args.seed, with_observations=args.observations, states=args.states, years=args.years)
        print(f"generated {len(graph.nodes):,} nodes and {len(graph.rels):,} relationships in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        env, times = bulk_load(graph, run, args.csv or run / "bulk-csv")
        print(f"bulk-imported: {times}", file=sys.stderr)
        if args.verify:
            print(verify(graph, env, args.sample), file=sys.stderr)
    except BulkError as error:
        sys.exit(f"neo4j_bulk: error: {error}")
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD"):
        print(f"export {name}={env[name]}")


if __name__ == "__main__":
    main()
