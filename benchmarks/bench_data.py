"""Benchmark: loading the three data layers (issue 12) into an empty store, against loading the letter's seed alone.

Not a timed test: run it by hand::

    python benchmarks/bench_data.py --runs 3                       # embedded store, in temporary folders
    python benchmarks/bench_data.py --runs 1 --store "$NEO4J_URI"  # also Neo4j (cleared first!)

Each run reads the files (Eurostat returns, passport index, worldcountrygroups)
into facts and writes them with ``upsert`` into a new store: it reports the
parse and write phases separately, wall-clock and process CPU seconds, medians
over the runs, and the seed-only load measured in the same run as the
baseline. The target is <= 10 s for the three layers on the embedded store.
It prints a markdown table and the command that produced it.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from koppel.graph.store import open_store
from koppel.loaders import seed_files
from koppel.loaders.data import load_data_layers
from koppel.loaders.facts import Facts, parse_facts
from koppel.loaders.layers import merge_facts


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def measure(spec: str | None, read: Callable[[], Facts]) -> dict[str, Any]:
    """Parse with ``read`` and write into a new store (a temporary embedded one when ``spec`` is None, else the cleared ``spec``)."""
    wall, cpu = _clock()
    facts = read()
    parsed_wall, parsed_cpu = _clock()
    with tempfile.TemporaryDirectory(prefix="koppel-bench-data-") as folder:
        with open_store(spec or f"embedded:{Path(folder) / 'store'}") as store:
            if spec:
                store.clear()
            store.upsert(facts.nodes, facts.relationships)
        done_wall, done_cpu = _clock()
    return {
        "nodes": len(facts.nodes),
        "relationships": len(facts.relationships),
        "parse_s": parsed_wall - wall,
        "parse_cpu_s": parsed_cpu - cpu,
        "write_s": done_wall - parsed_wall,
        "write_cpu_s": done_cpu - parsed_cpu,
        "total_s": done_wall - wall,
    }


def data_layers() -> Facts:
    return merge_facts(facts for facts, _ in load_data_layers())


def seed_only() -> Facts:
    return parse_facts(seed_files())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--store", action="append", default=[], help="a Neo4j URI to measure too (it is cleared); the embedded store is always measured")
    args = parser.parse_args(argv)
    rows = []
    for spec in [None, *args.store]:
        for name, read in (("seed only (baseline)", seed_only), ("three data layers", data_layers)):
            runs = [measure(spec, read) for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            rows.append((spec or "embedded (new folder)", name, med))
    print(f"`{shlex.join(['python', 'benchmarks/bench_data.py', *(argv if argv is not None else sys.argv[1:])])}` on {platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; medians of {args.runs} run(s)\n")
    print("| store | load | nodes | relationships | parse s (CPU s) | write s (CPU s) | total s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for store, name, m in rows:
        print(
            f"| {store} | {name} | {m['nodes']:,.0f} | {m['relationships']:,.0f} | {m['parse_s']:.2f} ({m['parse_cpu_s']:.2f}) | "
            f"{m['write_s']:.2f} ({m['write_cpu_s']:.2f}) | {m['total_s']:.2f} |"
        )


if __name__ == "__main__":
    main()
