"""Benchmark: ingest of the treaty corpus, re-ingest of it unchanged, and the load of the accepted facts on each store; plus extraction quality.

Not a timed test: run it by hand::

    python benchmarks/bench_ingest.py --store embedded --store "$NEO4J_URI" --repeat 3
    python benchmarks/bench_ingest.py --quality          # precision/recall on tests/loaders/treaty_{sample,heldout,heldout2}.yaml

For every repetition it uses a fresh workspace (and a fresh embedded store, or
a cleared Neo4j database) and measures, in wall-clock seconds and process CPU
seconds:

* ``ingest``: read, hash, register and extract all 970 texts to candidates
  (what ``koppel ingest ../shared/sources/treaties`` does);
* ``reingest``: the same call again, every document unchanged;
* ``accept``: ``--accept-all-above 0.9``, recorded in the workspace;
* ``load``: the accepted facts validated and written with one ``store.upsert``
  into an empty store (what ``koppel review`` then loads);
* ``baseline``: reading and hashing the same files only, in the same run, as
  the floor any ingest pays.

It prints a markdown table of medians with the command that produced it.
Targets (issue 11): ingest + load <= 60 s on the embedded store, re-ingest <= 5 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
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
from koppel.loaders.ingest.pipeline import Workspace, ingest
from koppel.loaders.ingest.review import accept_above, load_accepted

ROOT = Path(__file__).resolve().parent.parent
TREATIES = ROOT.parent / "shared" / "sources" / "treaties"
SAMPLES = [ROOT / "tests" / "loaders" / f"treaty_{name}.yaml" for name in ("sample", "heldout", "heldout2")]


def measured(call: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def baseline(folder: Path) -> int:
    total = 0
    for path in sorted(folder.glob("BWB*.md")):
        data = path.read_bytes()
        hashlib.sha256(data).hexdigest()
        total += len(data.decode("utf-8").split("\n"))
    return total


def run_once(spec: str, folder: Path) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        times: dict[str, tuple[float, float]] = {}
        wall, cpu, _ = measured(lambda: baseline(folder))
        times["baseline"] = (wall, cpu)
        space = Workspace(Path(tmp) / "workspace")
        wall, cpu, report = measured(lambda: ingest([folder], space))
        assert len(report["new"]) == 970, report["new"][:3]
        times["ingest"] = (wall, cpu)
        space = Workspace(Path(tmp) / "workspace")
        wall, cpu, report = measured(lambda: ingest([folder], space))
        assert len(report["unchanged"]) == 970
        times["reingest"] = (wall, cpu)
        wall, cpu, _ = measured(lambda: accept_above(space, 0.9, by="bench"))
        times["accept"] = (wall, cpu)
        target = f"embedded:{Path(tmp) / 'store'}" if spec == "embedded" else spec
        with open_store(target) as store:
            if spec != "embedded":
                store.clear()
            wall, cpu, loaded = measured(lambda: load_accepted(space, store))
            times["load"] = (wall, cpu)
            times["_rows"] = (loaded["nodes"], loaded["relationships"])
            if spec != "embedded":
                store.clear()
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", action="append", help="embedded (a fresh temporary store) or a Neo4j URI (its database is cleared!)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quality", action="store_true", help="print precision and recall on the annotated sample instead")
    parser.add_argument("--min-confidence", type=float, default=0.9)
    args = parser.parse_args()
    command = "python benchmarks/bench_ingest.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    if args.quality:
        from koppel.loaders.ingest.quality import evaluate

        runs = [(sample, threshold) for sample in SAMPLES for threshold in (args.min_confidence, 0.0)]
        for sample, threshold in runs:
            report = evaluate(sample, TREATIES, min_confidence=threshold)
            print(f"\n{sample.name}: {report['treaties']} treaties, candidates with confidence >= {threshold}:\n")
            print("| field | predicted | correct | expected | precision | recall |\n|---|---|---|---|---|---|")
            for name, c in report["fields"].items():
                print(f"| {name} | {c['predicted']} | {c['correct']} | {c['expected']} | {c['precision']} | {c['recall']} |")
            for wrong in report["wrong"]:
                print(f"  wrong: {json.dumps(wrong, ensure_ascii=False, default=str)}")
            for missed in report["missed"] if threshold else []:
                print(f"  missed: {json.dumps(missed, ensure_ascii=False, default=str)}")
        print(f"\n`{command}`")
        return
    print(f"machine: {platform.node()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; Python {platform.python_version()}")
    print("| store | step | wall s (median) | CPU s (median) | runs |\n|---|---|---|---|---|")
    for spec in args.store or ["embedded"]:
        runs = [run_once(spec, TREATIES) for _ in range(args.repeat)]
        name = "embedded" if spec == "embedded" else "neo4j"
        for step in ("baseline", "ingest", "reingest", "accept", "load"):
            wall = statistics.median(r[step][0] for r in runs)
            cpu = statistics.median(r[step][1] for r in runs)
            print(f"| {name} | {step} | {wall:.2f} | {cpu:.2f} | {len(runs)} |")
        total = statistics.median(r["ingest"][0] + r["load"][0] for r in runs)
        nodes, rels = runs[0]["_rows"]
        print(f"| {name} | ingest + load | {total:.2f} | | {len(runs)} ({nodes} nodes, {rels} relationships) |")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}\n`{command}`")


if __name__ == "__main__":
    main()
