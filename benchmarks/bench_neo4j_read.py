"""Benchmark: ``linkages`` on Neo4j with and without the Neo4j store's two read paths, in one run.

Two things cost client CPU per ``linkages`` answer on the 1M-node synthetic graph
(about 600 rows, 10,000 values): the store's normalisation of every value the
driver returns (``graph/neo4j_store.py``, ``_normalise``), and the driver's
handling of each record. Variants, alternating per round over the same countries
so that all see the same machine load:

* ``before``: every value through the node/relationship/path/list/dict checks
  and :func:`koppel.graph.store.plain` (the function before its scalar fast
  path), each row its own record;
* ``scalar fast path``: the current ``_normalise``, each row its own record;
* ``one record``: the current store: a read seen before runs as one collected
  record (:meth:`koppel.graph.neo4j_store.Neo4jStore.run`).

::

    python benchmarks/bench_neo4j_read.py --store "$NEO4J_URI" --countries 50 --rounds 3

It prints p50/p95 wall time and this process's CPU per answer for each, after
checking that all variants give the same answers.
"""

from __future__ import annotations

import argparse
import random
import shlex
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from neo4j.graph import Node, Path as GraphPath, Relationship

from koppel.graph import neo4j_store
from koppel.graph.store import entity, open_store, path_step, plain
from koppel.queries.linkage import linkages, load_weights

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_linkages import countries, percentile  # noqa: E402


def normalise_before(value: Any) -> Any:
    """``_normalise`` before the scalar fast path (the same result, every value through every check)."""
    if isinstance(value, Node):
        labels = sorted(value.labels)
        return entity("_label", labels[0] if labels else "", dict(value))
    if isinstance(value, Relationship):
        return entity("_type", value.type, dict(value))
    if isinstance(value, GraphPath):
        keys = {n.element_id: n.get("key") for n in value.nodes}
        return {
            "nodes": [normalise_before(n) for n in value.nodes],
            "relationships": [
                path_step(normalise_before(r), keys.get(r.start_node.element_id), keys.get(r.end_node.element_id)) for r in value.relationships
            ],
        }
    if isinstance(value, list):
        return [normalise_before(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise_before(v) for k, v in value.items()}
    return plain(value)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True, help="a Neo4j URI (NEO4J_USER/NEO4J_PASSWORD from the environment)")
    parser.add_argument("--countries", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    weights = load_weights()
    current, limit = neo4j_store._normalise, neo4j_store.ONE_RECORD_MAX_ROWS
    variants = {"before": (normalise_before, -1), "scalar fast path": (current, -1), "one record": (current, limit)}
    times: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, float] = {name: 0.0 for name in variants}
    with open_store(args.store, read_only=True) as store:
        if store.kind != "neo4j":
            sys.exit("bench_neo4j_read: error: --store must be a Neo4j URI")
        keys = countries(store, args.countries, args.seed)
        def use(name: str) -> None:
            neo4j_store._normalise, neo4j_store.ONE_RECORD_MAX_ROWS = variants[name]
            store._collected.clear()
            linkages(store, keys[0], weights=weights)  # the first run of each read text is a plain one

        answers = []
        for name in variants:  # the same answers every way, and a warm page cache for all
            use(name)
            answers.append([linkages(store, key, weights=weights) for key in keys[:5]])
        if any(a != answers[0] for a in answers):
            sys.exit("bench_neo4j_read: error: the variants gave different answers")
        order = list(variants)
        for round_ in range(args.rounds):
            for name in order if round_ % 2 == 0 else reversed(order):
                use(name)
                cpu_start = time.process_time()
                for key in keys:
                    start = time.perf_counter()
                    linkages(store, key, weights=weights)
                    times[name].append((time.perf_counter() - start) * 1000)
                cpu[name] += time.process_time() - cpu_start
    neo4j_store._normalise, neo4j_store.ONE_RECORD_MAX_ROWS = current, limit
    print("| read path | `linkages` p50 ms | p95 ms | CPU per answer ms | answers |")
    print("|---|---:|---:|---:|---:|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} | {cpu[name] * 1000 / len(values):.1f} | {len(values)} |")
    print()
    print("command: `python benchmarks/bench_neo4j_read.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])) + "`")


if __name__ == "__main__":
    main()
