"""How soon the explorer's country page and the country brief are interactive, in Debian's Chromium.

Starts ``koppel serve`` (one worker each) on the same embedded store: one for
the browser, one answering the API baseline (the three API calls the country
page waits for, cold, timed with urllib), and with ``--baseline-tree`` one
more running another checkout of koppel (e.g. a ``git worktree`` of the
previous commit, its explorer built) so the same run compares before and
after. Each country is opened once cold (its answers not yet in that
server's response cache) and once warm, on each server in turn (which
server goes first alternates from country to country). Times come
from the page's own clock (``performance.now()`` at the moment the page is
interactive: the country's panel, its candidates and the canvas are there,
checked in the page at every animation frame; for the brief,
``domInteractive`` of the navigation). The "seen by Playwright" rows read the
clock again once the driver has the answer (what this benchmark reported
before 2026-11-30 10:30 UTC), which adds the round trip to the driver.

    .venv/bin/python benchmarks/bench_explorer.py --store /tmp/store   # an embedded store made by `koppel load`
    git worktree add --detach /tmp/before HEAD~1 && (cd /tmp/before/web && npm ci && npm run build)
    .venv/bin/python benchmarks/bench_explorer.py --store /tmp/store --baseline-tree /tmp/before --warm-visits 3

Prints a Markdown table of medians (and min/max) over the countries, and the
1-minute load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = ["IRQ", "AFG", "GHA", "IND", "SOM", "MAR", "CHN", "PAK", "DZA"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(store: str, views: Path, tree: Path | None = None) -> tuple[subprocess.Popen, str]:
    """``koppel serve`` on ``store``; with ``tree``, the koppel of that checkout (its subpackages put first on the path)."""
    port = free_port()
    env = {**os.environ, "KOPPEL_SOURCES": str(ROOT.parent / "shared" / "sources"), "KOPPEL_VIEWS_FILE": str(views), "KOPPEL_API_TOKENS": ""}
    if tree is not None:
        overlay = views.parent / "baseline-path" / "koppel"
        overlay.mkdir(parents=True, exist_ok=True)
        for sub in ("graph", "loaders", "queries", "api"):
            (overlay / sub).symlink_to(tree.resolve() / sub)
        env["PYTHONPATH"] = str(overlay.parent)
    proc = subprocess.Popen([sys.executable, "-m", "koppel.api.cli", "serve", "--store", store, "--port", str(port), "--workers", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit(f"koppel serve on {store} did not become ready")


def api_baseline(base: str, key: str) -> float:
    started = time.perf_counter()
    for path in (f"/api/countries/{key}", f"/api/countries/{key}/linkages", f"/api/graph/neighbourhood?key={key}&depth=1"):
        with urllib.request.urlopen(base + path, timeout=120) as response:
            response.read()
    return (time.perf_counter() - started) * 1000


INTERACTIVE = """
(key) => {
  // Checked at every animation frame from the start of the page. Once the
  // country's panel, its candidates and the canvas are there (what this
  // benchmark calls interactive), the clock is read in the task right after
  // that frame, so the frame's own work (Cytoscape's first drawing, style,
  // layout, paint) is counted.
  const check = () => {
    if (window.koppelReady && window.koppelReady.startsWith('#/country/' + key)
        && document.querySelector('[data-testid="linkage-panel"] h4')) {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { window.__benchInteractive = performance.now(); };
      channel.port2.postMessage(null);
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}
"""


def country_page(browser, base: str, key: str) -> tuple[float, float]:
    """(ms when the page is interactive, ms when Playwright has seen it) for one visit, from navigation start.

    The first is read in the page, right after the first animation frame
    where the condition holds (a script added before the navigation checks
    it every frame). The second is read after Playwright's ``wait_for_function`` has
    come back (the way this benchmark measured before 2026-11-30 10:30 UTC):
    it adds the driver's round trips, which start only after ``goto``
    returns, 50-500 ms on this shared machine."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_init_script(script=f"({INTERACTIVE})({key!r})")
    page = context.new_page()
    page.goto(f"{base}/#/country/{key}")
    page.wait_for_function(f"() => window.koppelReady && window.koppelReady.startsWith('#/country/{key}') && document.querySelector('[data-testid=\"linkage-panel\"] h4')", timeout=120_000)
    seen = page.evaluate("performance.now()")
    ms = page.wait_for_function("() => window.__benchInteractive", timeout=120_000).json_value()
    context.close()
    return ms, seen


def brief_page(browser, base: str, key: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/api/countries/{key}/brief?lang=nl", timeout=120_000)
    ms = page.evaluate("performance.getEntriesByType('navigation')[0].domInteractive")
    context.close()
    return ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="folder of an embedded store made by `koppel load`")
    parser.add_argument("--countries", default=",".join(COUNTRIES))
    parser.add_argument("--baseline-tree", type=Path, help="another checkout of koppel (its explorer built) to measure in the same run")
    parser.add_argument("--warm-visits", type=int, default=1, help="warm visits of each country's page per server (more samples on a noisy machine)")
    args = parser.parse_args()
    keys = args.countries.split(",")
    store = f"embedded:{args.store}"
    with tempfile.TemporaryDirectory() as tmp:
        servers = {"": start_server(store, Path(tmp) / "a.json")}
        if args.baseline_tree:
            (Path(tmp) / "base").mkdir()
            servers["baseline tree: "] = start_server(store, Path(tmp) / "base" / "c.json", args.baseline_tree)
        api_server, api_base = start_server(store, Path(tmp) / "b.json")
        rows: dict[str, list[float]] = {"API: 3 calls of the country page, cold (urllib)": []}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
                for i, key in enumerate(keys):
                    rows["API: 3 calls of the country page, cold (urllib)"].append(api_baseline(api_base, key))
                    # Servers in turn, the first one alternating per country: neither tree always goes first on a country.
                    order = list(servers.items())
                    for prefix, (_proc, base) in (order if i % 2 == 0 else order[::-1]):
                        cold, cold_seen = country_page(browser, base, key)
                        for _ in range(args.warm_visits):
                            warm, warm_seen = country_page(browser, base, key)
                            rows.setdefault(f"{prefix}country page, warm", []).append(warm)
                            rows.setdefault(f"{prefix}country page, warm, seen by Playwright", []).append(warm_seen)
                        for name, value in ((f"{prefix}country page, cold", cold),
                                            (f"{prefix}country page, cold, seen by Playwright", cold_seen),
                                            (f"{prefix}brief page, cold", brief_page(browser, base, key)),
                                            (f"{prefix}brief page, warm", brief_page(browser, base, key))):
                            rows.setdefault(name, []).append(value)
                        started = time.perf_counter()
                        with urllib.request.urlopen(f"{base}/api/countries/{key}/brief?lang=en&format=pdf", timeout=120) as response:
                            response.read()
                        rows.setdefault(f"{prefix}brief PDF (urllib, after the page)", []).append((time.perf_counter() - started) * 1000)
                browser.close()
        finally:
            for proc in [api_server, *(proc for proc, _ in servers.values())]:
                proc.terminate()
                proc.wait(timeout=20)
    load = os.getloadavg()[0]
    print(f"countries: {', '.join(keys)}; warm visits per country: {args.warm_visits}; 1-minute load average at the end: {load:.1f}\n")
    print("| what | median ms | min ms | max ms |")
    print("|---|---:|---:|---:|")
    for name, values in sorted(rows.items(), key=lambda kv: (kv[0].startswith("baseline"), kv[0])):
        print(f"| {name} | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} |")


if __name__ == "__main__":
    main()
