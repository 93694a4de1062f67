"""CLI start-up: CPU seconds of whole `koppel` processes, medians, with a same-run baseline.

    .venv/bin/python benchmarks/bench_cli.py [--runs 9] [--store embedded:PATH]

Each command runs as a fresh process (as a person or script runs it); its CPU
time (user + system, from ``getrusage(RUSAGE_CHILDREN)``) and wall time are
recorded, and the median of ``--runs`` is reported. Rows:

* ``python -c pass``: the interpreter alone, the floor every command pays.
* ``eager imports + --help``: the same ``--help`` after importing what the CLI
  imported at module level before it became lazy (the store interface with
  networkx, loaders, catalogue, linkage, profile, search, analytics, export):
  the baseline, measured in the same run.
* ``koppel --help``, ``koppel --version``, ``koppel linkages AFG --json``,
  ``koppel stats --json``;
* opening and closing the embedded store read-only, alone (``python -c``).

``--baseline-tree DIR`` adds the same ``--help``, ``stats`` and ``linkages`` rows run by
another koppel source tree (a folder holding ``graph/``, ``loaders/``,
``queries/``, ``api/``, e.g. ``git archive <commit> graph loaders queries api |
tar -x -C DIR``), imported ahead of the installed one, on a copy of the store
whose checksum file that tree can read (the digest line alone for trees before the file-state line; for later
trees the copy's own file state, so neither side re-reads the whole database file on open): a same-run baseline
of an earlier commit. ``--tree DIR`` runs this tree's rows the same way from
another checkout (e.g. ``git worktree add DIR HEAD``), so that neither side
gains from how it is imported (the editable install's finder, or the links).

``--importtime`` also prints the ten largest cumulative imports of
``koppel linkages AFG --json`` (``python -X importtime``).

``--phases`` also prints where the CPU of ``koppel linkages AFG --json`` goes
(medians of ``--runs`` fresh processes): the CLI run as usual, with a CPU clock
(``time.process_time``, all threads) around the store's open, statements and
close, typer's building of the command tree and of its parameter converters,
the linkage computation and the answer's model; imports are what precedes the
command (the interpreter's own start-up apart).

``--floor`` adds rows for what ``koppel linkages AFG --json`` cannot do without,
with no koppel code at all, so the command can be compared with its floor in the
same run: importing typer and pydantic (the CLI layer and the typed answers the
issue asks for); importing ladybug; ladybug alone opening the store read-only
with the same settings (buffer pool, one thread) and closing it; and ladybug
alone doing the command's store work: import, open, the very statements the
command ran (recorded from one run of it, with their parameters) and close.
The last floor row imports typer and pydantic, then does that store work, in
one process.

Bytecode caches, and the parse cache of koppel's own YAML files (the schema and
the default weights, ``$XDG_CACHE_HOME/koppel/yaml``: :mod:`koppel.graph.yamlcache`),
are written and warmed by one untimed run of each row
(``PYTHONDONTWRITEBYTECODE`` is dropped from the children's environment), so
the figures are those of an installed koppel run a second time.

Without ``--store`` the seed graph (``loaders/seed``) is loaded into a
temporary embedded store first (not timed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EAGER = (
    "import koppel.graph.settings, koppel.graph.store, koppel.loaders, koppel.loaders.facts, koppel.loaders.sources, "
    "koppel.queries.analytics, koppel.queries.catalogue, koppel.queries.linkage, koppel.queries.profile, koppel.queries.search, "
    "koppel.api.export, networkx, rich.console, rich.table, rich.progress"
)

# The embedded store of KOPPEL_STORE opened read-only and closed, in a process of its own: what every read command pays for it.
OPEN = (
    "import os\nfrom koppel.graph.embedded_store import EmbeddedStore\n"
    "EmbeddedStore(os.environ['KOPPEL_STORE'].removeprefix('embedded:'), read_only=True).close()"
)


# `koppel linkages AFG --json` in a process of its own, with CPU clocks around its phases (see --phases); prints JSON.
PHASES = r"""
import functools, json, sys, time
clock = time.process_time
spent = {"interpreter start-up": clock()}
import koppel.api.cli as cli, koppel.graph.embedded_store as es, koppel.queries.engine as engine, koppel.queries.linkage as linkage
import typer.core, typer.main
from koppel.queries.answers import linkage as answer
spent["imports"] = clock() - spent["interpreter start-up"]

def clocked(owner, name, phase):
    real = getattr(owner, name)
    @functools.wraps(real)
    def run(*args, **kwargs):
        start = clock()
        try:
            return real(*args, **kwargs)
        finally:
            spent[phase] = spent.get(phase, 0.0) + clock() - start
    setattr(owner, name, run)

clocked(typer.main, "get_command", "typer: command tree")
clocked(typer.core._TyperParameter, "get_runtime_param", "typer: parameter converters")
clocked(es.EmbeddedStore, "__init__", "store: open")
clocked(es.EmbeddedStore, "_execute", "store: statements")
clocked(es.EmbeddedStore, "close", "store: close")
clocked(engine.Koppel, "_country_key", "engine: country key (the store opened on first use, statements included)")
clocked(linkage, "linkages", "linkage: read + compute (statements included)")
clocked(answer.LinkageAnswer, "__init__", "answer: model (schema built, validated)")
clocked(cli, "_print_json", "answer: dump + print")
sys.argv = ["koppel", "linkages", "AFG", "--json"]
try:
    cli.main()
except SystemExit:
    pass
spent["whole process"] = clock()
print(json.dumps(spent), file=sys.stderr)
"""


# Records the statements `koppel linkages AFG --json` sends to the embedded store, with their parameters, as JSON
# (argv[1]: the file to write), for the --floor rows.
RECORD = r"""
import json, sys
import koppel.api.cli as cli, koppel.graph.embedded_store as es
out, statements, real = sys.argv[1], [], es.EmbeddedStore._execute
def recorded(self, cypher, params=None):
    statements.append([cypher, params or {}])
    return real(self, cypher, params)
es.EmbeddedStore._execute = recorded
sys.argv = ["koppel", "linkages", "AFG", "--json"]
try:
    cli.main()
except SystemExit:
    pass
with open(out, "w") as handle:
    json.dump(statements, handle)
"""

# ladybug alone doing that command's store work (argv[1]: the statements file, "-" for none, argv[2]: the database file, argv[3]:
# the buffer pool in bytes); with argv[4] == "typer+pydantic" it first imports what the CLI layer and the answers need.
FLOOR = r"""
import json, sys
if sys.argv[4:] == ["typer+pydantic"]:
    import typer, pydantic.main
import ladybug
statements = []
if sys.argv[1] != "-":  # "-": open and close only
    with open(sys.argv[1]) as handle:
        statements = json.load(handle)
db = ladybug.Database(sys.argv[2], read_only=True, buffer_pool_size=int(sys.argv[3]), max_num_threads=1)
conn = ladybug.Connection(db)
for cypher, params in statements:
    conn.execute(cypher, params).get_all()
conn.close()
db.close()
"""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """CPU seconds (user + system) and wall seconds of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def baseline(tree: Path, store: str, env: dict[str, str]) -> tuple[dict[str, str], tempfile.TemporaryDirectory]:
    """The environment that runs koppel from ``tree`` (a ``koppel`` namespace of links to its folders, first on ``PYTHONPATH``),
    on a copy of the embedded ``store`` whose checksum file holds the digest line alone (as earlier trees write it)."""
    import shutil

    folder = tempfile.TemporaryDirectory(prefix="koppel-bench-baseline-")
    package = Path(folder.name) / "path" / "koppel"
    package.mkdir(parents=True)
    for name in ("graph", "loaders", "queries", "api"):
        (package / name).symlink_to((tree / name).resolve(), target_is_directory=True)
    copy = Path(folder.name) / "store"
    shutil.copytree(store.removeprefix("embedded:"), copy)
    checksum = copy / "checksum.blake2b"
    if checksum.exists():
        digest = checksum.read_text().splitlines()[0]
        if "_file_state" in (tree / "graph" / "embedded_store.py").read_text(encoding="utf-8"):
            # A tree that trusts the digest while the file's state is unchanged: record the copy's state, as its writer
            # would have, so the baseline's open skips the full digest as this tree's open of the original does.
            st = (copy / "graph.lbdb").stat() if (copy / "graph.lbdb").exists() else None
            state = f"\n{st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}" if st else ""
            checksum.write_text(digest + state + "\n")
        else:
            checksum.write_text(digest + "\n")
    return {**env, "PYTHONPATH": str(package.parent), "KOPPEL_STORE": f"embedded:{copy}"}, folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--store", help="An embedded store holding a graph with AFG (default: the seed graph in a temporary folder).")
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--phases", action="store_true", help="Also print where the CPU of `koppel linkages AFG --json` goes.")
    parser.add_argument("--floor", action="store_true", help="Also time what that command cannot do without, with no koppel code (see the module's docstring).")
    parser.add_argument("--tree", type=Path, help="Run this tree's rows from another checkout (e.g. a worktree of HEAD), through the same links as --baseline-tree, so both sides start alike.")
    parser.add_argument("--baseline-tree", type=Path, help="Another koppel source tree (graph/, loaders/, queries/, api/) to time the same read commands with.")
    args = parser.parse_args()

    python = sys.executable
    env = {**os.environ}
    # A person's installation keeps compiled bytecode (__pycache__); an environment that forbids writing it
    # (PYTHONDONTWRITEBYTECODE, as in some sandboxes) recompiles koppel's own modules on every run (~0.08 s).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    folder = None
    if args.store is None:
        folder = tempfile.TemporaryDirectory(prefix="koppel-bench-cli-")
        args.store = f"embedded:{folder.name}/store"
        seed = sorted(str(p) for p in (ROOT / "loaders" / "seed").glob("*.yaml"))
        subprocess.run([python, "-m", "koppel.api.cli", "load", *seed, "--store", args.store], env=env, check=True, capture_output=True)
    env["KOPPEL_STORE"] = args.store
    cli = [python, "-m", "koppel.api.cli"]
    eager_help = [python, "-c", f"{EAGER}\nimport sys\nsys.argv = ['koppel', '--help']\nfrom koppel.api.cli import main\nmain()"]
    rows = [
        ("python -c pass (interpreter)", [python, "-c", "pass"]),
        ("baseline: eager imports + koppel --help", eager_help),
        ("koppel --help", [*cli, "--help"]),
        ("koppel --version", [*cli, "--version"]),
        ("koppel stats --json", [*cli, "stats", "--json"]),
        ("koppel linkages AFG --json", [*cli, "linkages", "AFG", "--json"]),
        ("open + close the store read-only (python -c)", [python, "-c", OPEN]),
    ]
    if args.floor:
        from koppel.graph.embedded_store import DB_FILE, _buffer_pool_bytes

        database = Path(args.store.removeprefix("embedded:")).expanduser().resolve() / DB_FILE
        floor_folder = tempfile.TemporaryDirectory(prefix="koppel-bench-floor-")
        recorded = Path(floor_folder.name) / "statements.json"
        subprocess.run([python, "-c", RECORD, str(recorded)], env=env, check=True, capture_output=True)
        count = len(json.loads(recorded.read_text()))
        floor = [python, "-c", FLOOR, str(recorded), str(database), str(_buffer_pool_bytes(database))]
        rows += [
            ("floor: import typer + pydantic", [python, "-c", "import typer, pydantic.main"]),
            ("floor: import ladybug", [python, "-c", "import ladybug"]),
            ("floor: ladybug alone: import, open, close", [python, "-c", FLOOR, "-", *floor[4:]]),
            (f"floor: ladybug alone: import, open, the command's {count} statements, close", floor),
            ("floor: import typer + pydantic, then that store work, in one process", [*floor, "typer+pydantic"]),
        ]
    envs = {name: env for name, _ in rows}
    tree_folder = None
    if args.tree:  # this tree's rows run from another checkout too, the way the baseline tree's do
        env, tree_folder = baseline(args.tree, args.store, env)
        envs = {name: env for name, _ in rows}
    if args.baseline_tree:
        base_env, base_folder = baseline(args.baseline_tree, args.store, env)
        for name, argv in list(rows):
            if name.startswith(("koppel --help", "koppel stats", "koppel linkages", "open + close")):
                rows.append((f"baseline tree: {name}", argv))
                envs[f"baseline tree: {name}"] = base_env
    results: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in rows}
    for name, argv in rows:  # one untimed run each, which writes the bytecode caches
        timed(argv, envs[name])
    for _ in range(args.runs):  # interleaved, so a burst of load hits every row alike
        for name, argv in rows:
            results[name].append(timed(argv, envs[name]))
    load = os.getloadavg()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, load average {load[0]:.1f}; {args.runs} runs each, medians")
    print()
    print("| command | CPU s (user+sys) | wall s |")
    print("|---|---:|---:|")
    for name, _ in rows:
        cpu = statistics.median(c for c, _ in results[name])
        wall = statistics.median(w for _, w in results[name])
        print(f"| `{name}` | {cpu:.3f} | {wall:.3f} |")
    if args.importtime:
        done = subprocess.run([python, "-X", "importtime", "-m", "koppel.api.cli", "linkages", "AFG", "--json"], env=env, capture_output=True, text=True)
        rows_ = []
        for line in done.stderr.splitlines():
            if line.startswith("import time:") and "|" in line:
                _, cumulative, raw = line.removeprefix("import time:").split("|")
                if cumulative.strip().isdigit() and not raw[1:].startswith(" "):  # top-level imports only
                    rows_.append((int(cumulative), raw.strip()))
        print()
        print("largest top-level imports of `koppel linkages AFG --json` (python -X importtime, cumulative, one run, ms):")
        for cumulative, name in sorted(rows_, reverse=True)[:10]:
            print(f"  {cumulative / 1000:7.1f}  {name}")
    if args.phases:
        runs = []
        for _ in range(args.runs):
            done = subprocess.run([python, "-c", PHASES], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True)
            runs.append(json.loads(done.stderr.strip().splitlines()[-1]))
        print()
        print(f"where the CPU of `koppel linkages AFG --json` goes (medians of {args.runs} processes, s; nested rows overlap):")
        for phase in runs[0]:
            print(f"  {statistics.median(r.get(phase, 0.0) for r in runs):6.3f}  {phase}")
    if folder:
        folder.cleanup()
    if args.baseline_tree:
        base_folder.cleanup()
    if tree_folder:
        tree_folder.cleanup()
    if args.floor:
        floor_folder.cleanup()


if __name__ == "__main__":
    main()
