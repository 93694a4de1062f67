"""Benchmark: p50 and p95 of ``linkages`` per country, and of the three analytics, on each store.

Not a timed test: run it by hand on a graph made by ``benchmarks/synthetic.py``::

    python benchmarks/synthetic.py --store embedded:/tmp/koppel-1m
    python benchmarks/bench_linkages.py --store embedded:/tmp/koppel-1m --store "$NEO4J_URI"

Measured on 2 cores / 24 GiB with 995,569 nodes and 2,038,298 relationships
(`synthetic.py` defaults): linkages p50 26 ms (embedded, machine load ~4) and
41-63 ms (Neo4j 5.26, machine load 15-30 from other work). With the 75,000
return observations (``--observations with``; Neo4j loaded by
``benchmarks/neo4j_bulk.py``): see BENCHMARKS.md, issue 13.

It prints a markdown table and the command that produced it. The target is a
p50 under 50 ms for ``linkages`` on both stores. ``--robustness on,off``
times the answer with and without the robustness figure (200 re-scorings of
the candidates), ``--linkages-only`` skips the analytics; on the full default
load (``koppel load``) the sampled countries are those with an assessment.
"""

from __future__ import annotations

import argparse
import platform
import random
import shlex
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from koppel.graph.store import GraphStore, open_store
from koppel.queries.analytics import brokers, centrality, similar
from koppel.queries.linkage import linkages, load_weights


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values, by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, round(q * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def timed(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def countries(store: GraphStore, sample: int, seed: int) -> list[str]:
    keys = [row[0] for row in store.run("MATCH (c:Country)<-[:CONCERNS]-(:Assessment) RETURN DISTINCT c.key AS key ORDER BY key").rows]
    rng = random.Random(seed)
    return sorted(rng.sample(keys, min(sample, len(keys))))


def bench_store(spec: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    weights = load_weights()
    with open_store(spec, read_only=True) as store:
        nodes = store.run("MATCH (n:Event) RETURN count(n) AS n").value()
        keys = countries(store, args.countries, args.seed)
        for key in keys[: args.warmup]:
            linkages(store, key, weights=weights)
        for robust in args.robustness:
            cpu_start = time.process_time()
            times = [timed(lambda k=key: linkages(store, k, weights=weights, with_robustness=robust)) for _ in range(args.rounds) for key in keys]
            cpu = (time.process_time() - cpu_start) * 1000 / len(times)
            what = f"linkages ({len(keys)} countries x {args.rounds}, robustness {'on' if robust else 'off'}; this process's CPU {cpu:.1f} ms per answer)"
            rows.append({"store": store.kind, "what": what, "times": times, "events": nodes})
        if args.linkages_only:
            return rows
        few = keys[: args.analytics]
        brokers(store, few[0])
        rows.append({"store": store.kind, "what": f"brokers ({len(few)} countries)", "times": [timed(lambda k=key: brokers(store, k, k=10)) for key in few]})
        similar(store, few[0])
        rows.append({"store": store.kind, "what": f"similar ({len(few)} countries)", "times": [timed(lambda k=key: similar(store, k, top=10)) for key in few]})
        rows.append({"store": store.kind, "what": f"centrality (k={args.k}, {args.repeat} runs)", "times": [timed(lambda: centrality(store, k=args.k)) for _ in range(args.repeat)]})
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    lines = ["| store | what | p50 ms | p95 ms | max ms | runs |", "|---|---|---:|---:|---:|---:|"]
    for row in rows:
        t = row["times"]
        lines.append(
            f"| {row['store']} | {row['what']} | {statistics.median(t):.1f} | {percentile(t, 0.95):.1f} | {max(t):.1f} | {len(t)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", action="append", required=True, help="embedded:PATH or a Neo4j URI; repeat for several stores")
    parser.add_argument("--countries", type=int, default=100, help="countries timed for linkages (a seeded sample)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--analytics", type=int, default=20, help="countries timed for brokers and similar")
    parser.add_argument("--k", type=int, default=32, help="sampled sources for centrality (its default)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of centrality")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=1, help="times each country is timed")
    parser.add_argument("--robustness", default="on", help="on, off or on,off: time linkages with and/or without the robustness figure")
    parser.add_argument("--linkages-only", action="store_true", help="skip the analytics")
    args = parser.parse_args(argv)
    args.robustness = [part.strip() == "on" for part in args.robustness.split(",")]
    rows: list[dict[str, Any]] = []
    for spec in args.store:
        rows += bench_store(spec, args)
    command = "python benchmarks/bench_linkages.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    print(table(rows))
    print()
    print(f"command: `{command}`")
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, {platform.system()} {platform.release()}")


if __name__ == "__main__":
    main()
