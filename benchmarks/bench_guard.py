"""Cost of the ad-hoc Cypher guard (parse + checks) and of the translation for the embedded store.

    python benchmarks/bench_guard.py [--rounds 30] [--previous fdb2e97] [--baseline c93dd80] [--json results.json]

What is measured, per query, in one process on one core (time.perf_counter around one call,
after one unmeasured warm-up call per query), ``--rounds`` times over each list:

* ``guard``: :func:`koppel.graph.guard.check_read_only` (lex as Neo4j does, parse, walk the tree,
  bound sizes, then Neo4j's own parser on the canonical text through the JVM sidecar and the checks on
  its tree: the whole guard) on the catalogue (every ``queries/catalogue/*.cypher`` expanded for Neo4j: long queries with
  header comments), the analyst corpus (``tests/queries/analyst_corpus.yaml``) and the attack
  list (``ATTACKS``, ``BYPASSES``, ``COSTLY`` and ``EXPLOSIONS`` of ``tests/api/test_cypher_safety.py``; a
  refusal is timed like an acceptance);
* ``koppel's side``: the same call with ``neo4j_grammar=False`` (koppel's parser and checks only, the
  guard before Neo4j's parser was added), same run, same queries;
* ``guard at --previous``: the whole guard (``check_read_only``: koppel's parser, checks and Neo4j's parser in
  the sidecar) as it was at git revision ``--previous`` (default fdb2e97, before its cost was cut), loaded from
  git into a temporary package with its own sidecar (compiled into a private cache folder, the jars shared), on
  the same lists in the same run, calls alternating with the current guard's;
* ``of which Neo4j's parser``: :func:`koppel.graph.neo4j_parser.parse` alone (one sidecar round trip:
  pipe, lex, parse, outline, JSON) on the canonical text of the queries that koppel's parser accepts;
* ``of which the size bound``: :func:`koppel.graph.guard.check_sizes` alone, on the parsed queries
  of each list (those that parse);
* ``translate``: :func:`koppel.graph.dialect.adhoc_for` for the embedded store (guard plus
  translation) on the analyst corpus;
* ``baseline``: the token-level guard koppel had before (``graph/guard.py`` at git revision
  ``--baseline``, loaded from git), on the same lists in the same run.

Figures: median and 99th percentile in milliseconds over all calls of a list. The machine is
printed with the table. The target of issue 18 is a median of at most 2 ms. The sidecar's start-up
(JVM start, class loading, the warm-up parse; once per process) is timed ``--starts`` times apart.
"""

from __future__ import annotations

import argparse
import atexit
import glob
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def lists() -> dict[str, list[tuple[str, dict]]]:
    from koppel.graph import dialect

    from tests.api.test_cypher_safety import ATTACKS, BYPASSES, COSTLY, EXPLOSIONS

    catalogue = [(dialect.translate(Path(f).read_text(), "neo4j"), {}) for f in sorted(glob.glob(str(ROOT / "queries/catalogue/*.cypher")))]
    corpus = [(entry["q"], {}) for entry in yaml.safe_load((ROOT / "tests/queries/analyst_corpus.yaml").read_text())]
    attacks = [(q, {}) for q in ATTACKS] + [(q.replace("{port}", "1"), {}) for q in BYPASSES] + list(COSTLY) + [(q, {}) for _, q, _ in EXPLOSIONS]
    return {"catalogue": catalogue, "analyst corpus": corpus, "attacks": attacks}


def baseline_guard(revision: str) -> Callable[[str, dict], object] | None:
    """The old token guard's check_read_only, loaded from git (None when the revision is unknown)."""
    try:
        source = subprocess.run(["git", "show", f"{revision}:graph/guard.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    except subprocess.CalledProcessError:
        return None
    folder = Path(tempfile.mkdtemp())
    (folder / "old_guard.py").write_text(source.replace("from .errors import", "from koppel.graph.errors import"))
    spec = importlib.util.spec_from_file_location("old_guard", folder / "old_guard.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return lambda cypher, params: module.check_read_only(cypher)


def previous_guard(revision: str) -> Callable[[str, dict], object] | None:
    """The whole guard's check_read_only at git ``revision`` (None when the revision is unknown).

    ``graph/`` of that revision (the guard, koppel's parser, the sidecar's client and Java source) is written to
    a temporary package and imported; its sidecar is compiled into a private cache folder that links the
    shared jars, so that its build never replaces the current sidecar's classes.
    """
    from koppel.graph import neo4j_parser

    folder = Path(tempfile.mkdtemp(prefix="koppel-previous-guard-"))
    package = folder / "previous_graph"
    package.mkdir()
    for name in ("__init__.py", "errors.py", "cypher.py", "guard.py", "neo4j_parser.py", "CypherOutline.java"):
        try:
            text = subprocess.run(["git", "show", f"{revision}:graph/{name}"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        except subprocess.CalledProcessError:
            return None
        (package / name).write_text(text)
    sys.path.insert(0, str(folder))
    guard = importlib.import_module("previous_graph.guard")
    client = importlib.import_module("previous_graph.neo4j_parser")
    cache = folder / "cache"
    cache.mkdir()
    (cache / neo4j_parser._jar_dir().name).symlink_to(neo4j_parser._jar_dir())
    client.cache_dir = lambda: cache  # type: ignore[attr-defined]
    errors = importlib.import_module("previous_graph.errors")
    atexit.register(lambda: (client.restart(), shutil.rmtree(folder, ignore_errors=True)))  # its sidecar, then its files

    def check(cypher: str, params: dict) -> None:
        try:
            guard.check_read_only(cypher, params)
        except errors.KoppelError:  # its own classes: a refusal is timed like an acceptance
            pass

    return check


def _figures(times: list[float], queries: int) -> dict[str, float]:
    times = sorted(times)
    return {
        "queries": queries,
        "calls": len(times),
        "median_ms": statistics.median(times) * 1000,
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
    }


def _timer(function: Callable[[str, dict], object]) -> Callable[[str, dict], float]:
    from koppel.graph.errors import KoppelError

    def once(cypher: str, params: dict) -> float:
        started = time.perf_counter()
        try:
            function(cypher, params)
        except KoppelError:
            pass
        return time.perf_counter() - started

    return once


def measure(function: Callable[[str, dict], object], queries: list[tuple[str, dict]], rounds: int) -> dict[str, float]:
    once = _timer(function)
    for cypher, params in queries:
        once(cypher, params)
    return _figures([once(cypher, params) for _ in range(rounds) for cypher, params in queries], len(queries))


def measure_pair(first: Callable[[str, dict], object], second: Callable[[str, dict], object], queries: list[tuple[str, dict]],
                 rounds: int) -> tuple[dict[str, float], dict[str, float]]:
    """Like :func:`measure` for two functions, their calls alternating query by query (which goes first
    alternates by round), so that both meet the same load on a shared machine."""
    one, two = _timer(first), _timer(second)
    for cypher, params in queries:
        one(cypher, params)
        two(cypher, params)
    times_one: list[float] = []
    times_two: list[float] = []
    for round_number in range(rounds):
        for cypher, params in queries:
            if round_number % 2:
                times_two.append(two(cypher, params))
                times_one.append(one(cypher, params))
            else:
                times_one.append(one(cypher, params))
                times_two.append(two(cypher, params))
    return _figures(times_one, len(queries)), _figures(times_two, len(queries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--baseline", default="c93dd80", help="git revision of the previous token guard")
    parser.add_argument("--previous", default="fdb2e97", help="git revision of the whole guard to compare with, same run ('' for none)")
    parser.add_argument("--starts", type=int, default=5, help="times the sidecar's start-up is measured")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    from koppel.graph import neo4j_parser
    from koppel.graph.cypher import parse
    from koppel.graph.dialect import adhoc_for
    from koppel.graph.guard import check_read_only, check_sizes

    print(f"load average at start: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    starts = []
    for _ in range(args.starts):
        neo4j_parser.restart()
        started = time.perf_counter()
        neo4j_parser.parse("RETURN 1")
        starts.append(time.perf_counter() - started)
    groups = lists()
    old = baseline_guard(args.baseline)
    previous = previous_guard(args.previous) if args.previous else None
    rows = []
    for name, queries in groups.items():
        if previous is not None:
            current, earlier = measure_pair(lambda q, p: check_read_only(q, p), previous, queries, args.rounds)
            rows.append(("guard", name, current))
            rows.append((f"guard at {args.previous}", name, earlier))
        else:
            rows.append(("guard", name, measure(lambda q, p: check_read_only(q, p), queries, args.rounds)))
        rows.append(("koppel's side (no Neo4j)", name, measure(lambda q, p: check_read_only(q, p, neo4j_grammar=False), queries, args.rounds)))
        # The size bound alone (issue 18), on the queries that parse: its share of the guard's cost.
        parsed = []
        for cypher, params in queries:
            try:
                parsed.append((parse(cypher), params))
            except Exception:  # noqa: BLE001 - refused before any size is bounded
                pass
        rows.append(("  of which Neo4j's parser", name, measure(lambda q, p: neo4j_parser.parse(q.canonical), parsed, args.rounds)))
        rows.append(("  of which the size bound", name, measure(lambda q, p: check_sizes(q, p), parsed, args.rounds)))
        if old is not None:
            rows.append((f"baseline ({args.baseline})", name, measure(old, queries, args.rounds)))
    rows.append(("translate (embedded)", "analyst corpus", measure(lambda q, p: adhoc_for("embedded", q, p), groups["analyst corpus"], args.rounds)))

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}")
    print(f"Neo4j parser sidecar start-up (JVM + warm-up parse), {len(starts)} starts: median {statistics.median(starts) * 1000:.0f} ms, "
          f"min {min(starts) * 1000:.0f} ms, max {max(starts) * 1000:.0f} ms")
    print(f"load average at end: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    print(f"{'what':28} {'list':16} {'queries':>7} {'calls':>7} {'median ms':>10} {'p99 ms':>8}")
    for what, name, figures in rows:
        print(f"{what:28} {name:16} {figures['queries']:7d} {figures['calls']:7d} {figures['median_ms']:10.3f} {figures['p99_ms']:8.3f}")
    if args.json:
        args.json.write_text(json.dumps([{"what": w, "list": n, **f} for w, n, f in rows], indent=2))


if __name__ == "__main__":
    main()
