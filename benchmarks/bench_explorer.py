"""How soon the explorer's country page and the country brief are interactive, in Debian's Chromium.

Starts two ``koppel serve`` (one worker each) on the same embedded store: the
browser uses one, the other answers the same-run baseline (the three API
calls the country page waits for, cold, timed with urllib). Each country is
opened once cold (its answers not yet in the server's response cache) and once
warm. Times come from the page's own clock (``performance.now()`` at the
moment the page is interactive: the country's panel, its candidates and the
canvas are there; for the brief, ``domInteractive`` of the navigation).

    .venv/bin/python benchmarks/bench_explorer.py --store /tmp/store   # an embedded store made by `koppel load`

Prints a Markdown table of medians (and min/max) over the countries.
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


def start_server(store: str, views: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "KOPPEL_SOURCES": str(ROOT.parent / "shared" / "sources"), "KOPPEL_VIEWS_FILE": str(views), "KOPPEL_API_TOKENS": ""}
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


def country_page(browser, base: str, key: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/#/country/{key}")
    page.wait_for_function(f"() => window.koppelReady && window.koppelReady.startsWith('#/country/{key}') && document.querySelector('[data-testid=\"linkage-panel\"] h4')", timeout=120_000)
    ms = page.evaluate("performance.now()")
    context.close()
    return ms


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
    args = parser.parse_args()
    keys = args.countries.split(",")
    store = f"embedded:{args.store}"
    with tempfile.TemporaryDirectory() as tmp:
        page_server, page_base = start_server(store, Path(tmp) / "a.json")
        api_server, api_base = start_server(store, Path(tmp) / "b.json")
        rows: dict[str, list[float]] = {"baseline: 3 API calls, cold (urllib)": [], "country page, cold": [], "country page, warm": [],
                                         "brief page, cold": [], "brief page, warm": [], "brief PDF, cold (urllib)": []}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
                for key in keys:
                    rows["baseline: 3 API calls, cold (urllib)"].append(api_baseline(api_base, key))
                    rows["country page, cold"].append(country_page(browser, page_base, key))
                    rows["country page, warm"].append(country_page(browser, page_base, key))
                    rows["brief page, cold"].append(brief_page(browser, page_base, key))
                    rows["brief page, warm"].append(brief_page(browser, page_base, key))
                    started = time.perf_counter()
                    with urllib.request.urlopen(f"{api_base}/api/countries/{key}/brief?lang=en&format=pdf", timeout=120) as response:
                        response.read()
                    rows["brief PDF, cold (urllib)"].append((time.perf_counter() - started) * 1000)
                browser.close()
        finally:
            for proc in (page_server, api_server):
                proc.terminate()
                proc.wait(timeout=20)
    load = os.getloadavg()[0]
    print(f"countries: {', '.join(keys)}; 1-minute load average at the end: {load:.1f}\n")
    print("| what | median ms | min ms | max ms |")
    print("|---|---:|---:|---:|")
    for name, values in rows.items():
        print(f"| {name} | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} |")


if __name__ == "__main__":
    main()
