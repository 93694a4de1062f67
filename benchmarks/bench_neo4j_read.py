"""Benchmark: ``linkages`` on Neo4j with the store's value normalisation before and after its scalar fast path, in one run.

The Neo4j store turns every value the driver returns into koppel's plain form
(``graph/neo4j_store.py``, ``_normalise``); a ``linkages`` answer on the 1M-node
synthetic graph reads about 10,000 values. ``before`` is that function as it was
(every value through the node/relationship/path/list/dict checks and
:func:`koppel.graph.store.plain`), ``after`` the current one. The two alternate
per round over the same countries, so both see the same machine load::

    python benchmarks/bench_neo4j_read.py --store "$NEO4J_URI" --countries 50 --rounds 3

It prints p50/p95 wall time and this process's CPU per answer for each.
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
    current = neo4j_store._normalise
    variants = {"before": normalise_before, "after": current}
    times: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, float] = {name: 0.0 for name in variants}
    with open_store(args.store, read_only=True) as store:
        if store.kind != "neo4j":
            sys.exit("bench_neo4j_read: error: --store must be a Neo4j URI")
        keys = countries(store, args.countries, args.seed)
        answers = []
        for function in variants.values():  # the same answer either way, and a warm page cache for both
            neo4j_store._normalise = function
            answers.append([linkages(store, key, weights=weights) for key in keys[:5]])
        if answers[0] != answers[1]:
            sys.exit("bench_neo4j_read: error: the two normalisations gave different answers")
        order = list(variants)
        for round_ in range(args.rounds):
            for name in order if round_ % 2 == 0 else reversed(order):
                neo4j_store._normalise = variants[name]
                cpu_start = time.process_time()
                for key in keys:
                    start = time.perf_counter()
                    linkages(store, key, weights=weights)
                    times[name].append((time.perf_counter() - start) * 1000)
                cpu[name] += time.process_time() - cpu_start
    neo4j_store._normalise = current
    print("| normalisation | `linkages` p50 ms | p95 ms | CPU per answer ms | answers |")
    print("|---|---:|---:|---:|---:|")
    for name, values in times.items():
        print(f"| {name} | {statistics.median(values):.1f} | {percentile(values, 0.95):.1f} | {cpu[name] * 1000 / len(values):.1f} | {len(values)} |")
    print()
    print("command: `python benchmarks/bench_neo4j_read.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])) + "`")


if __name__ == "__main__":
    main()
