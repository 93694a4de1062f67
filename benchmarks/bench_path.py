"""Path search latency on the default load: the level-by-level search against the earlier one-node-at-a-time search, same run.

    .venv/bin/koppel load --store embedded:/tmp/bench-path/store
    .venv/bin/python benchmarks/bench_path.py embedded:/tmp/bench-path/store [--repeat 5]

Prints, per pair, the median seconds of :func:`koppel.queries.explore.path`
and of the earlier search (tests/queries/test_explore_path.py keeps it as the
reference) where that finishes in reasonable time (pairs marked ``new only``
took minutes before: the tester's report, issue 14 item 2).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from koppel.graph.store import open_store  # noqa: E402
from koppel.queries import explore  # noqa: E402
from tests.queries.test_explore_path import one_node_at_a_time  # noqa: E402

PAIRS = [("NLD", "IRQ", True), ("AFG", "SOM", True), ("IRQ", "treaty-bwbv0001450", False), ("IRQ", "algemene-commissie-bhos", False)]


def median(call, repeat: int) -> tuple[float, dict]:
    times, answer = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        answer = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with open_store(args.store, read_only=True) as store:
        print(f"{'pair':45} {'steps':>5} {'new s':>8} {'before s':>9}")
        for source, target, before_too in PAIRS:
            new, answer = median(lambda: explore.path(store, source, target), args.repeat)
            old = "new only"
            if before_too:
                seconds, earlier = median(lambda: one_node_at_a_time(store, source, target), args.repeat)
                assert earlier == answer, (source, target)
                old = f"{seconds:.3f}"
            print(f"{source + ' -> ' + target:45} {len(answer['edges']):>5} {new:8.3f} {old:>9}")


if __name__ == "__main__":
    main()
