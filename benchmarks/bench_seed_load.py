"""Seed load before/after issue 10: parse, first load and reload of the seed graph, medians of 3.

Usage: ``python benchmarks/bench_seed_load.py SEED_YAML embedded|neo4j`` (Neo4j from
``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD``; its database is cleared first).
For a baseline, run it with ``PYTHONPATH`` pointing at an older tree of koppel.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from koppel.graph.settings import Settings
from koppel.graph.store import open_store
from koppel.loaders.facts import parse_facts


def main() -> None:
    seed, kind = [Path(sys.argv[1])], sys.argv[2]
    parse, load, reload = [], [], []
    for _ in range(3):
        started = time.perf_counter()
        facts = parse_facts(seed)
        parse.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as folder:
            spec = f"embedded:{folder}" if kind == "embedded" else os.environ["NEO4J_URI"]
            with open_store(spec, settings=Settings()) as store:
                if kind != "embedded":
                    store.clear()
                started = time.perf_counter()
                store.upsert(facts.nodes, facts.relationships)
                load.append(time.perf_counter() - started)
                started = time.perf_counter()
                store.upsert(facts.nodes, facts.relationships)
                reload.append(time.perf_counter() - started)
    print(kind, "parse %.2f load %.2f reload %.2f (medians of 3, s)" % tuple(statistics.median(x) for x in (parse, load, reload)))


if __name__ == "__main__":
    main()
