"""HTTP API benchmark: throughput, errors and latency percentiles of a real ``koppel serve``.

    python benchmarks/bench_api.py [--clients 50,64] [--seconds 60] [--workers 2,1] [--cache on,off]
                                   [--stores embedded,neo4j] [--endpoints linkages,neighbourhood]
                                   [--repeat 1] [--warmup 5] [--wrk-threads 2]
                                   [--embedded-path /tmp/bench-seed] [--json results.json]

What is measured: for every store, worker count, endpoint and client count, ``wrk``
(Debian's ``wrk``, a C load generator with an HdrHistogram of every request's
latency) keeps ``--clients`` keep-alive connections busy for ``--seconds`` against
``koppel serve`` on 127.0.0.1, each connection sending its next request as soon as
the previous one is answered (a closed loop: latency under that much concurrency,
not at a fixed arrival rate). A small Lua script cycles the request path over the
seed's countries with data, so every connection asks for different countries:

* ``linkages``: ``GET /api/countries/{iso3}/linkages`` for IRQ, AFG, GHA, IND, SOM, MAR, CHN, PAK;
* ``neighbourhood``: ``GET /api/graph/neighbourhood?key={iso3}&depth=1`` for the same keys;
* ``profile``: ``GET /api/countries/{iso3}`` (the fallback when linkages does not answer 200).

``--cache on,off`` runs every cell with the server's response cache (the default,
``KOPPEL_CACHE_MB`` 64) and without it (``KOPPEL_CACHE_MB=0``: every request
computes its answer on the store), so the two are compared in the same run.

Before each measurement the same load runs ``--warmup`` seconds unmeasured (both
workers open their store, the engines warm their caches). An error is any
non-2xx/3xx answer, or a socket error or timeout (10 s) seen by wrk. With
``--repeat N`` each cell is measured N times and the MEDIAN of each figure is shown.

The stores: the seed graph, loaded first with ``koppel load`` (idempotent) into
``embedded:--embedded-path`` and into the Neo4j of NEO4J_URI / NEO4J_USER /
NEO4J_PASSWORD (whose database then holds the seed graph; nothing else is cleared).
Each server's stderr goes to a log file whose size and tracebacks are reported.

The load generator runs on the same machine as the server (loopback), so on a
small machine wrk takes CPU from the workers; the machine is printed with the table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KOPPEL = [sys.executable, "-m", "koppel.api.cli"]
COUNTRIES = ["IRQ", "AFG", "GHA", "IND", "SOM", "MAR", "CHN", "PAK"]
ENDPOINTS = {
    "linkages": "/api/countries/{key}/linkages",
    "neighbourhood": "/api/graph/neighbourhood?key={key}&depth=1",
    "profile": "/api/countries/{key}",
}

LUA = """
local paths = {%(paths)s}
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept"] = "application/json"})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d, ' ..
    '"p50_us": %%d, "p90_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


@dataclass
class Run:
    requests: int
    seconds: float
    errors: int
    p50: float
    p95: float
    p99: float
    max: float
    error_kinds: dict[str, int] = field(default_factory=dict)
    load: float = 0.0  # 1-minute load average at the end of the run (other processes compete for the CPU)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


@dataclass
class Cell:
    store: str
    workers: int
    cache: str
    endpoint: str
    clients: int
    runs: list[Run] = field(default_factory=list)

    def median(self, name: str) -> float:
        return statistics.median(getattr(run, name) for run in self.runs)


# -- the machine and the stores --------------------------------------------------------------

def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown memory"
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")))
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0].strip()
    return f"nproc {os.cpu_count()}, {memory} RAM, {cpu}; {platform.system()} {platform.release()}; Python {platform.python_version()}; {wrk}"


def load_seed(spec: str) -> None:
    print(f"# loading the seed graph into {spec}", file=sys.stderr, flush=True)
    subprocess.run([*KOPPEL, "load", "--store", spec], check=True, stdout=subprocess.DEVNULL)


def store_spec(store: str, args: argparse.Namespace) -> str:
    if store == "embedded":
        return f"embedded:{args.embedded_path}"
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        sys.exit("bench_api: --stores neo4j needs NEO4J_URI (and NEO4J_USER / NEO4J_PASSWORD)")
    return uri


def load_average() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return float("nan")


# -- one server ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``koppel serve`` in its own process group, stderr to a log file."""

    def __init__(self, spec: str, workers: int, log: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("w")
        command = [*KOPPEL, "serve", "--store", spec, "--port", str(self.port), "--workers", str(workers)]
        self.process = subprocess.Popen(
            command, stdout=self._log_file, stderr=subprocess.STDOUT, start_new_session=True, env={**os.environ, **(env or {})}
        )
        deadline = time.monotonic() + 90
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"bench_api: koppel serve exited:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.base}/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise SystemExit("bench_api: koppel serve was not ready within 90 s")
            time.sleep(0.3)

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"{self.base}{path}", timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log_file.close()


# -- one measurement -----------------------------------------------------------------------------

def wrk(base: str, script: Path, clients: int, seconds: float, threads: int) -> Run:
    command = ["wrk", "-t", str(min(threads, clients)), "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "10s", "-s", str(script), base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((line for line in output.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"bench_api: no result from wrk:\n{output}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    kinds = {k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]}
    return Run(
        requests=data["requests"], seconds=data["duration_us"] / 1e6, errors=sum(kinds.values()),
        p50=data["p50_us"] / 1000, p95=data["p95_us"] / 1000, p99=data["p99_us"] / 1000, max=data["max_us"] / 1000,
        error_kinds=kinds, load=load_average(),
    )


def lua_script(folder: Path, endpoint: str) -> Path:
    paths = ", ".join(json.dumps(ENDPOINTS[endpoint].format(key=key)) for key in COUNTRIES)
    script = folder / f"{endpoint}.lua"
    script.write_text(LUA % {"paths": paths})
    return script


def check_endpoint(server: Server, endpoint: str) -> str | None:
    """Why the endpoint cannot be benchmarked (not 200 with JSON for every country), or None."""
    for key in COUNTRIES:
        path = ENDPOINTS[endpoint].format(key=key)
        status, body = server.get(path)
        if status != 200:
            return f"GET {path} answered {status}: {body[:200]!r}"
        json.loads(body)
    return None


# -- the run -------------------------------------------------------------------------------------

def table(cells: list[Cell], repeat: int) -> str:
    head = "median of %d runs" % repeat if repeat > 1 else "one run"
    lines = [
        f"| store | workers | cache | endpoint | clients | req/s | errors | p50 ms | p95 ms | p99 ms | max ms | requests | load 1 min ({head}) |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in cells:
        lines.append(
            f"| {c.store} | {c.workers} | {c.cache} | {c.endpoint} | {c.clients} | {c.median('rps'):.0f} | {c.median('errors'):.0f} | "
            f"{c.median('p50'):.1f} | {c.median('p95'):.1f} | {c.median('p99'):.1f} | {c.median('max'):.1f} | {c.median('requests'):.0f} | {c.median('load'):.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", default="50,64", help="comma-separated concurrent connections (default 50,64)")
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds per cell (default 60)")
    parser.add_argument("--workers", default="2,1", help="comma-separated `koppel serve --workers` values (default 2,1)")
    parser.add_argument("--cache", default="on", help="comma-separated: on (the server's response cache), off (KOPPEL_CACHE_MB=0)")
    parser.add_argument("--stores", default="embedded,neo4j")
    parser.add_argument("--endpoints", default="linkages,neighbourhood", help=f"comma-separated, of {', '.join(ENDPOINTS)}")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the table shows medians")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds of the same load before each run")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--embedded-path", default="/tmp/bench-seed")
    parser.add_argument("--no-load", action="store_true", help="do not run `koppel load` first")
    parser.add_argument("--json", type=Path, help="also write every run as JSON here")
    args = parser.parse_args()

    if not shutil.which("wrk"):
        sys.exit("bench_api: wrk not found (Debian: apt-get install -y wrk)")
    clients = [int(c) for c in args.clients.split(",")]
    workers = [int(w) for w in args.workers.split(",")]
    caches = [c.strip() for c in args.cache.split(",")]
    if set(caches) - {"on", "off"}:
        sys.exit("bench_api: --cache takes on, off or both")
    endpoints = [e.strip() for e in args.endpoints.split(",")]
    unknown = set(endpoints) - set(ENDPOINTS)
    if unknown:
        sys.exit(f"bench_api: unknown endpoint(s) {', '.join(sorted(unknown))}")
    env_note = {k: os.environ[k] for k in ("KOPPEL_SOURCES",) if k in os.environ}

    cells: list[Cell] = []
    notes: list[str] = []
    if load_average() > (os.cpu_count() or 1):
        notes.append(f"the machine was busy before the benchmark started (1-minute load average {load_average():.1f} on {os.cpu_count()} CPUs): other processes compete with server and wrk")
    with tempfile.TemporaryDirectory(prefix="koppel-bench-api-") as scratch:
        folder = Path(scratch)
        scripts = {e: lua_script(folder, e) for e in set(endpoints) | {"profile"}}
        for store in [s.strip() for s in args.stores.split(",")]:
            spec = store_spec(store, args)
            if not args.no_load:
                load_seed(spec)
            for cache, count in [(c, w) for c in caches for w in workers]:
                setting = f"{count} worker(s), cache {cache}"
                log = folder / f"serve-{store}-{count}-{cache}.log"
                server = Server(spec, count, log, {"KOPPEL_CACHE_MB": "0"} if cache == "off" else None)
                try:
                    for endpoint in endpoints:
                        problem = check_endpoint(server, endpoint)
                        measured = endpoint
                        if problem:
                            notes.append(f"{store}, {setting}: {endpoint} not benchmarked ({problem})")
                            if endpoint != "linkages" or "profile" in endpoints:
                                continue
                            measured = "profile"
                            notes.append(f"{store}, {setting}: benchmarked profile (GET /api/countries/{{iso3}}) in its place")
                        for n in clients:
                            cell = Cell(store, count, cache, measured, n)
                            for i in range(args.repeat):
                                if args.warmup:
                                    wrk(server.base, scripts[measured], n, args.warmup, args.wrk_threads)
                                run = wrk(server.base, scripts[measured], n, args.seconds, args.wrk_threads)
                                cell.runs.append(run)
                                if run.errors:
                                    kinds = ", ".join(f"{count_} {kind}" for kind, count_ in run.error_kinds.items())
                                    notes.append(f"{store}, {setting}, {measured}, {n} clients, run {i + 1}: errors: {kinds} (status = non-2xx/3xx answers, timeout = no answer within 10 s)")
                                print(
                                    f"# {store} workers={count} cache={cache} {measured} clients={n} run {i + 1}/{args.repeat}: "
                                    f"{run.rps:.0f} req/s, {run.errors} errors, p50 {run.p50:.1f} ms, p95 {run.p95:.1f} ms, p99 {run.p99:.1f} ms, load {run.load:.1f}",
                                    file=sys.stderr, flush=True,
                                )
                            cells.append(cell)
                finally:
                    server.stop()
                text = log.read_text(errors="replace")
                tracebacks = text.count("Traceback")
                notes.append(
                    f"{store}, {setting}: server log {len(text.encode()) / 1024:.0f} KiB, {tracebacks} traceback(s), "
                    f"{text.count('Received notification from DBMS server')} Neo4j notification line(s)"
                )

    command = "python benchmarks/bench_api.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    print(f"\n**Machine:** {machine()}\n")
    print(f"**Command:** `{command}`" + (f" (env {env_note})" if env_note else ""))
    print(f"\nwrk: {args.wrk_threads} threads, keep-alive, {args.seconds:g} s measured after {args.warmup:g} s warm-up per run, 10 s timeout; loopback 127.0.0.1.\n")
    print(table(cells, args.repeat))
    if notes:
        print()
        for note in notes:
            print(f"- {note}")
    if args.json:
        args.json.write_text(json.dumps([{**c.__dict__, "runs": [r.__dict__ for r in c.runs]} for c in cells], indent=2))


if __name__ == "__main__":
    main()
