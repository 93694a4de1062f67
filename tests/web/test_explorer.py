"""End-to-end tests of the explorer in headless Chromium (Debian's build) against a real ``koppel serve``.

The server holds the default load (the letter's seed graph plus the data
layers: Eurostat returns, visa requirements, country groups), built once per
module with ``koppel load``. The strategist's journey runs in each language
at 1440 and 390 px wide: search with a typo, the country page, a reason with
its passage, the brief downloaded and read back as text, a comparison of two
countries, the timeline slider, a saved view reopened in a fresh page, an
expansion undone. axe-core checks home, country, compare and brief for
serious violations. Each step's screenshot is kept under
``test-artifacts/explorer/``; the time until the country page and the brief
are interactive is written to ``test-artifacts/explorer/timings.json``
(reported in BENCHMARKS.md, never asserted).

Chromium: ``apt-get install -y chromium``; never ``playwright install``.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

from playwright import sync_api  # noqa: E402 - after the marker, as in the rest of the suite
from pypdf import PdfReader  # noqa: E402

from tests.conftest import SHARED_SOURCES, _Neo4jState, open_test_store, serve  # noqa: E402

expect = sync_api.expect
expect.set_options(timeout=20_000)

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts" / "explorer"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 20_000
LETTER = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie"
# What a person must never read: relationship type names and enum values of the schema.
RAW = re.compile(r"\b(?:[A-Z]+_[A-Z_]+|no_result|visa_facilitation|not_willing|slightly_improved|in_force|development_aid|labour_mobility)\b")
TIMINGS: dict[str, float] = {}


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


@pytest.fixture(scope="module")
def default_store(tmp_path_factory) -> Path:
    """The default load (seed + data layers) in an embedded store, made by `koppel load` as a user would."""
    reuse = os.environ.get("KOPPEL_EXPLORER_TEST_STORE")  # an embedded store already made by `koppel load` (saves a minute when iterating)
    if reuse:
        return Path(reuse)
    folder = tmp_path_factory.mktemp("explorer") / "store"
    done = subprocess.run([sys.executable, "-m", "koppel.api.cli", "load", "--store", f"embedded:{folder}"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return folder


@pytest.fixture(scope="module")
def explorer_url(default_store, tmp_path_factory) -> str:
    views = tmp_path_factory.mktemp("views") / "views.json"
    with serve(f"embedded:{default_store}", {"KOPPEL_VIEWS_FILE": str(views)}) as base:
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            html = response.read().decode("utf-8", "replace")
        assert 'data-testid="search-input"' in html, "the server's / is not the explorer: cd web && npm ci && npm run build"
        # Same-run baseline: the three API answers the country page waits for, cold, for another country.
        started = time.perf_counter()
        for path in ("/api/countries/GHA", "/api/countries/GHA/linkages", "/api/graph/neighbourhood?key=GHA&depth=1"):
            with urllib.request.urlopen(base + path, timeout=60) as response:
                response.read()
        TIMINGS["baseline-api-GHA-cold"] = round(time.perf_counter() - started, 3)
        yield base
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if TIMINGS:
        (ARTIFACTS / "timings.json").write_text(json.dumps(TIMINGS, indent=1, sort_keys=True), encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `scripts/setup --test` installs it (apt-get install -y chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def new_page(browser, base: str, width: int = 1440, lang: str = "nl"):
    """A page that may reach only the live server; its errors are collected in ``page.errors``."""
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 1000 else 844}, locale="nl-NL", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(f"localStorage.setItem('koppel.lang', '{lang}')")
    pg = context.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.outside = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))

    def only_same_origin(route):
        url = route.request.url
        if url.startswith(base + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            pg.outside.append(url)
            route.abort()

    pg.route("**/*", only_same_origin)
    pg.base = base  # type: ignore[attr-defined]
    return pg


@pytest.fixture
def page(browser, explorer_url):
    pg = new_page(browser, explorer_url)
    yield pg
    pg.context.close()
    assert not pg.errors, f"errors in the page: {pg.errors}"
    assert not pg.outside, f"the page tried to load from outside the server: {pg.outside}"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def wait_idle(page) -> None:
    """Wait until the canvas has no layout or animation running."""
    page.wait_for_function("() => window.koppel && window.koppel.canvas && !window.koppel.canvas.busy()")


def node_count(page) -> int:
    return int(page.locator(tid("node-count")).get_attribute("data-count"))


def axe_serious(page) -> list[str]:
    """Serious and critical axe-core violations of the page (rule id and the first offending element)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['nodes'][0]['target']} {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")]


def assert_no_raw_words(text: str, where: str) -> None:
    found = sorted(set(RAW.findall(text)))
    assert not found, f"{where} shows raw keys or enum values: {found}"


WORDS = {
    "nl": {"typo": "Irakezn", "home": "Landen van herkomst", "rc": "Terugkeersamenwerking", "brief": "Landenbrief: Irak", "gaps": "Ontbrekende gegevens", "sources": "Bronnen", "compare": "Vergelijking"},
    "en": {"typo": "Republc of Iraq", "home": "Countries of origin", "rc": "Return cooperation", "brief": "Country brief: Iraq", "gaps": "Data gaps", "sources": "Sources", "compare": "Comparison"},
}


@pytest.mark.parametrize("width", [1440, 390])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_strategist_journey(browser, explorer_url, lang, width):
    journey(browser, explorer_url, lang, width, f"{lang}-{width}")


def test_strategist_journey_on_neo4j(browser, neo4j_env, tmp_path):
    """The same journey (Dutch, 1440 px) against `koppel serve` on Neo4j holding the default load."""
    with open_test_store("neo4j", Path(), neo4j_env) as store:
        store.clear()
    _Neo4jState.seeded = False  # the shared database no longer holds exactly the seed
    done = subprocess.run([sys.executable, "-m", "koppel.api.cli", "load", "--store", neo4j_env["NEO4J_URI"]], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    with serve(neo4j_env["NEO4J_URI"], {**neo4j_env, "KOPPEL_VIEWS_FILE": str(tmp_path / "views.json")}) as base:
        # Neo4j's first reads after a load take seconds each on this shared machine (page cache cold):
        # the answers the journey opens are asked once first, so its 20 s waits test behaviour, not speed.
        for key in ("IRQ", "AFG"):
            for path in (f"/api/countries/{key}", f"/api/countries/{key}/linkages", f"/api/graph/neighbourhood?key={key}&depth=1"):
                with urllib.request.urlopen(base + path, timeout=300) as response:
                    assert response.status == 200
        journey(browser, base, "nl", 1440, "neo4j-nl-1440")


def journey(browser, explorer_url: str, lang: str, width: int, name: str) -> None:
    """The strategist's journey on a live server holding the default load; screenshots and timings under ``name``."""
    w = WORDS[lang]
    page = new_page(browser, explorer_url, width, lang)

    # 1. Home: countries of origin only, in the chosen language, sortable.
    page.goto(explorer_url + "/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    home = page.locator(tid("home"))
    expect(home).to_contain_text(w["home"])
    links = page.locator(tid("country-link"))
    expect(links.first).to_be_visible()
    keys = page.eval_on_selector_all('[data-testid="country-table"] tbody tr', "rows => rows.map(r => r.dataset.key)")
    assert "IRQ" in keys and "AFG" in keys
    assert not {"NLD", "AUS", "CAN", "USA"} & set(keys), f"destination or partner states on the home list: {keys}"
    page.locator('[data-testid="sort"][data-col="return"]').click()
    expect(page.locator("th[aria-sort]")).to_have_attribute("aria-sort", "ascending")
    first = page.eval_on_selector('[data-testid="country-table"] tbody tr', "r => r.dataset.key")
    assert first in ("AFG", "somaliland"), f"sorting by return cooperation put {first} first"
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), "the page scrolls sideways"
    assert not axe_serious(page), axe_serious(page)
    shot(page, f"{name}-01-home")

    # 2. Search with a typo; open the country and time it until interactive.
    page.locator(tid("search-input")).fill(w["typo"])
    result = page.locator(f'{tid("search-result")}[data-key="IRQ"]')
    expect(result).to_be_visible()
    shot(page, f"{name}-02-search")
    started = time.perf_counter()
    result.click()
    panel = page.locator(tid("country-panel"))
    expect(panel).to_have_attribute("data-key", "IRQ")
    page.wait_for_function("() => window.koppelReady && window.koppelReady.startsWith('#/country/IRQ')")
    expect(page.locator(tid("candidate")).first).to_be_visible()
    TIMINGS[f"country-page-{name}"] = round(time.perf_counter() - started, 3)
    expect(page.locator(tid("return-cooperation"))).to_contain_text(w["rc"])
    wait_idle(page)
    assert node_count(page) >= 5
    expect(page.locator(tid("returns")).locator("svg.returns-chart")).to_be_visible()  # the return series as a chart
    assert_no_raw_words(panel.inner_text(), "the country page")
    legend = page.locator(tid("rel-filters")).inner_text()
    assert_no_raw_words(legend, "the edge legend")
    assert not axe_serious(page), axe_serious(page)
    shot(page, f"{name}-03-country")

    # 3. A candidate's reason: its path on the canvas and its passage.
    reason = page.locator(f'{tid("candidate")} {tid("reason")}').first
    reason.click()
    expect(reason).to_have_attribute("aria-pressed", "true")
    evidence = page.locator(tid("evidence-text"))
    expect(evidence).not_to_be_empty()
    assert len(evidence.inner_text().strip()) > 20
    page.wait_for_function("() => window.koppel.canvas.highlightedIds().length > 0")
    shot(page, f"{name}-04-reason")
    page.keyboard.press("Escape")  # Esc closes the passage
    expect(page.locator(tid("evidence-box"))).to_have_count(0)

    # 4. The brief: the page (timed, checked by axe) and its PDF read back as text.
    href = page.locator(tid("brief-link")).get_attribute("href")
    assert f"lang={lang}" in href
    brief = page.context.new_page()
    started = time.perf_counter()
    brief.goto(explorer_url + href)
    expect(brief.locator(tid("brief"))).to_have_attribute("data-key", "IRQ")
    TIMINGS[f"brief-page-{name}"] = round(time.perf_counter() - started, 3)
    text = brief.locator("main").inner_text()
    assert text.index(w["gaps"]) < text.index(w["rc"]) < text.index(w["sources"]), "the brief does not put gaps first and sources last"
    assert_no_raw_words(text, "the brief")
    assert not axe_serious(brief), axe_serious(brief)
    brief.screenshot(path=str(ARTIFACTS / f"{name}-05-brief.png"), full_page=True)
    started = time.perf_counter()
    with brief.expect_download() as dl:
        brief.locator(tid("brief-pdf")).click()
    dl.value.path()
    TIMINGS[f"brief-pdf-{name}"] = round(time.perf_counter() - started, 3)
    pdf = PdfReader(io.BytesIO(Path(dl.value.path()).read_bytes()))
    pdf_text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split()).replace("- ", "-")
    assert w["brief"] in pdf_text and LETTER in pdf_text
    assert re.search(r"\b20\d\d\b.*\b\d{2,5}\b", pdf_text), "no return figures in the PDF"
    brief.close()

    # 5. Compare with Afghanistan.
    page.locator(tid("compare-select")).first.select_option("AFG")
    page.locator(tid("compare-go")).first.click()
    cols = page.locator(tid("compare-col"))
    expect(cols).to_have_count(2)
    expect(page.locator(tid("compare-panel"))).to_contain_text(w["compare"])
    expect(cols.nth(1)).to_have_attribute("data-key", "AFG")
    assert_no_raw_words(page.locator(tid("compare-panel")).inner_text(), "the comparison")
    assert not axe_serious(page), axe_serious(page)
    shot(page, f"{name}-06-compare")

    # 6. Back to the country; the timeline slider drives the as-of date (and the URL).
    page.go_back()
    expect(panel).to_have_attribute("data-key", "IRQ")
    page.wait_for_function("() => window.koppelReady && window.koppelReady.startsWith('#/country/IRQ')")
    slider = page.locator(tid("timeline-slider"))
    slider.focus()
    with page.expect_response(lambda r: "/linkages" in r.url and "as_of=" in r.url) as resp:
        page.keyboard.press("Home")
    assert resp.value.ok
    as_of = page.locator(tid("as-of-input")).input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of), as_of
    assert f"as_of={as_of}" in page.url
    expect(page.locator(tid("linkage-panel"))).to_contain_text(as_of[:4])
    shot(page, f"{name}-07-slider")

    # 7. Expand by keyboard, then undo the expansion.
    wait_idle(page)
    before = node_count(page)
    page.locator(tid("canvas")).focus()
    page.keyboard.press("ArrowRight")
    grown = False
    for _ in range(12):
        url_before = page.url  # an expansion that adds no visible node is still one (and in the URL)
        page.keyboard.press("+")
        try:
            # Long enough that an expansion slowed by a loaded machine lands before the next key press starts another.
            page.wait_for_function(f"() => Number(document.querySelector('{tid('node-count')}').dataset.count) > {before}", timeout=10_000)
            grown = True
            break
        except sync_api.TimeoutError:
            page.keyboard.press("ArrowDown")
    assert grown, "no expansion by keyboard grew the canvas"
    assert "expand=" in page.url
    shot(page, f"{name}-08-expanded")
    page.locator(tid("undo")).click()
    page.wait_for_function(f"() => Number(document.querySelector('{tid('node-count')}').dataset.count) === {before}")
    assert page.url == url_before  # the URL is back to the state before the expansion undone

    # 8. Save the view and reopen its URL in a fresh page.
    page.locator(tid("view-name")).fill(f"Irak {name}")
    with page.expect_response(lambda r: r.url.endswith("/api/views") and r.request.method == "POST") as resp:
        page.locator(tid("view-save")).click()
    assert resp.value.status == 201
    saved = page.locator(f'{tid("saved-view")}', has_text=f"Irak {name}")
    expect(saved).to_be_visible()
    saved_hash = saved.get_attribute("href")
    assert saved_hash.startswith("#/country/IRQ?") and f"as_of={as_of}" in saved_hash
    fresh = new_page(browser, explorer_url, width, lang)
    fresh.goto(explorer_url + "/" + saved_hash)
    expect(fresh.locator(tid("country-panel"))).to_have_attribute("data-key", "IRQ")
    expect(fresh.locator(tid("as-of-input"))).to_have_value(as_of)
    shot(fresh, f"{name}-09-saved-view")
    assert not fresh.errors and not fresh.outside
    fresh.context.close()

    page.context.close()
    assert not page.errors, f"errors in the page: {page.errors}"
    assert not page.outside, f"the page tried to load from outside the server: {page.outside}"


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_brief_prints_on_one_page_in_chromium(browser, explorer_url, lang):
    """Ctrl+P of the brief's HTML gives one A4 page too (Chromium's own print, the page's print CSS), for the letter's countries."""
    page = new_page(browser, explorer_url, 1440, lang)
    for key in ("AFG", "GHA", "IND", "MAR", "IRQ", "SOM"):
        page.goto(f"{explorer_url}/api/countries/{key}/brief?lang={lang}")
        expect(page.locator(tid("brief"))).to_have_attribute("data-key", key)
        page.emulate_media(media="print")
        printed = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
        assert len(printed.pages) == 1, f"Chromium prints the {lang} brief of {key} on {len(printed.pages)} pages"
        assert key in printed.pages[0].extract_text()
        page.emulate_media(media="screen")
    page.context.close()
    assert not page.errors and not page.outside, (page.errors, page.outside)


def test_search_by_keyboard(page):
    page.goto(page.base + "/")
    search = page.locator(tid("search-input"))
    search.focus()
    page.keyboard.type("Irak")
    expect(page.locator(tid("search-result")).first).to_be_visible()
    options = page.locator(tid("search-result"))
    keys = [options.nth(i).get_attribute("data-key") for i in range(options.count())]
    index = keys.index("IRQ")
    for _ in range(index + 1):
        search.press("ArrowDown")
    expect(options.nth(index)).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page.locator(tid("country-panel"))).to_have_attribute("data-key", "IRQ")
    # Focus moved to the page that opened.
    expect(page.locator("#page h2")).to_be_focused()


def test_node_card_by_keyboard_and_esc(page):
    page.goto(page.base + "/#/country/IRQ")
    expect(page.locator(tid("country-panel"))).to_have_attribute("data-key", "IRQ")
    wait_idle(page)
    page.locator(tid("canvas")).focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    card = page.locator(tid("node-card"))
    expect(card).to_be_visible()
    expect(card.locator(".card-title")).to_be_focused()
    # Pin and hide are buttons of the card; hiding is undone.
    card.locator(tid("pin-button")).click()
    expect(card.locator(tid("pin-button"))).to_have_attribute("aria-pressed", "true")
    before = node_count(page)
    card.locator(tid("hide-button")).click()
    page.wait_for_function(f"() => Number(document.querySelector('{tid('node-count')}').dataset.count) === {before - 1}")
    page.keyboard.press("Control+z")
    page.wait_for_function(f"() => Number(document.querySelector('{tid('node-count')}').dataset.count) === {before}")
    page.locator(tid("canvas")).focus()
    page.keyboard.press("Enter")
    expect(card).to_be_visible()
    page.keyboard.press("Escape")
    expect(card).to_be_hidden()


def test_analyst_catalogue_adds_to_canvas_and_cypher_reads(page, api_token):
    page.goto(page.base + "/#/country/IRQ")
    expect(page.locator(tid("country-panel"))).to_have_attribute("data-key", "IRQ")
    wait_idle(page)
    page.locator(tid("tab-analyst")).click()
    expect(page.locator(tid("cypher-off"))).to_have_count(0)
    page.locator(tid("token-input")).fill(api_token)
    page.locator(tid("cypher-input")).fill("CREATE (n:Country {key:'X'})")
    with page.expect_response(lambda r: r.url.endswith("/api/cypher")) as resp:
        page.locator(tid("cypher-run")).click()
    assert resp.value.status in (400, 403), resp.value.status
    expect(page.locator(tid("error-box"))).to_contain_text(resp.value.json()["title"])
    # A path drawn from a read query adds to the canvas (it does not replace it).
    before = set(page.evaluate("() => window.koppel.canvas.cy.nodes().map(n => n.id())"))
    page.locator(tid("cypher-input")).fill("MATCH p = (c:Country {key: 'AFG'})-[r]-(n) RETURN p LIMIT 5")
    page.locator("#cypher-params").fill("")
    with page.expect_response(lambda r: r.url.endswith("/api/cypher")) as resp:
        page.locator(tid("cypher-run")).click()
    assert resp.value.status == 200, resp.value.text()
    page.wait_for_function("() => window.koppel.canvas.cy.getElementById('AFG').nonempty()")
    after = set(page.evaluate("() => window.koppel.canvas.cy.nodes().map(n => n.id())"))
    assert before <= after and "AFG" in after
    assert page.evaluate("() => window.koppel.canvas.cy.edges().filter(e => e.source().id() === 'AFG' || e.target().id() === 'AFG').length") >= 1
    shot(page, "analyst-cypher-path")


def test_cypher_console_says_when_it_is_off(browser, default_store, tmp_path):
    with serve(f"embedded:{default_store}", {"KOPPEL_API_TOKENS": "", "KOPPEL_VIEWS_FILE": str(tmp_path / "v.json")}) as base:
        pg = new_page(browser, base, 1440, "en")
        pg.goto(base + "/")
        pg.locator(tid("tab-analyst")).click()
        notice = pg.locator(tid("cypher-off"))
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("KOPPEL_API_TOKENS")
        expect(pg.locator(tid("cypher-run"))).to_be_disabled()
        shot(pg, "analyst-cypher-off")
        pg.context.close()


def test_exports_carry_title_and_legend(page):
    page.goto(page.base + "/#/country/IRQ")
    expect(page.locator(tid("country-panel"))).to_have_attribute("data-key", "IRQ")
    wait_idle(page)
    with page.expect_download() as dl:
        page.locator(tid("export-json")).click()
    data = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert "IRQ" in {n["data"]["id"] for n in data["elements"]["nodes"]}
    with page.expect_download() as dl:
        page.locator(tid("export-png")).click()
    png = Path(dl.value.path()).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert dl.value.suggested_filename.startswith("koppel-IRQ")
    # Title, date line, legend and source are drawn above and below the graph: taller than the graph alone.
    graph = page.evaluate("""() => new Promise((resolve) => { const i = new Image(); i.onload = () => resolve([i.width, i.height]);
        i.src = window.koppel.canvas.cy.png({ full: true, scale: 2, maxWidth: 2400, maxHeight: 1600 }); })""")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width >= max(1200, graph[0]) and height >= graph[1] + 200, (width, height, graph)


def test_country_page_brief_and_compare_on_both_stores(browser, seeded_store, request, tmp_path):
    """The pages on the seed graph served from each store (embedded and Neo4j)."""
    with serve_seed(seeded_store, request, tmp_path) as base:
        pg = new_page(browser, base, 1440, "nl")
        pg.goto(base + "/#/country/IRQ?as_of=2014-03-01")
        expect(pg.locator(tid("country-panel"))).to_have_attribute("data-key", "IRQ")
        expect(pg.locator(tid("candidate")).first).to_be_visible()
        expect(pg.locator(tid("as-of-input"))).to_have_value("2014-03-01")
        expect(pg.locator(tid("return-cooperation"))).to_contain_text("moeizaam")
        expect(pg.locator(tid("returns"))).to_contain_text("Geen terugkeercijfers")  # the seed graph has none: said, not hidden
        wait_idle(pg)
        assert node_count(pg) >= 5
        assert_no_raw_words(pg.locator(tid("country-panel")).inner_text(), f"the country page on {seeded_store.kind}")
        shot(pg, f"store-{seeded_store.kind}-country")
        pg.goto(base + "/api/countries/IRQ/brief?lang=nl")
        expect(pg.locator(tid("brief-gaps"))).to_contain_text("Geen terugkeercijfers")
        expect(pg.locator(tid("brief-sources"))).to_contain_text(LETTER)
        pg.goto(base + "/#/compare/IRQ,AFG")
        expect(pg.locator(tid("compare-col"))).to_have_count(2)
        assert not axe_serious(pg), axe_serious(pg)
        shot(pg, f"store-{seeded_store.kind}-compare")
        pg.context.close()
        assert not pg.errors and not pg.outside, (pg.errors, pg.outside)


@contextmanager
def serve_seed(seeded_store, request, tmp_path) -> Iterator[str]:
    """A real ``koppel serve`` over the seed graph in ``seeded_store`` (either kind), with its own views file; yields its base URL."""
    env = {"KOPPEL_VIEWS_FILE": str(tmp_path / "views.json")}
    if seeded_store.kind == "neo4j":
        env.update(request.getfixturevalue("neo4j_env"))
    with serve(seeded_store.location, env) as base:
        yield base


def wait_ready(page, hash_prefix: str) -> None:
    """Wait until the explorer has finished opening a view whose URL fragment starts with ``hash_prefix``."""
    page.wait_for_function("(prefix) => window.koppelReady && window.koppelReady.startsWith(prefix)", arg=hash_prefix)


def test_known_by_date_withholds_later_data_and_stays_in_the_url(page):
    """Kennisstand 2024-01-01 on the default load: the Eurostat series (dated 2024-09-20) is withheld on the page,
    every request carries known_by, the URL keeps it, a reload restores it, and clearing it brings the chart back."""
    page.goto(page.base + "/#/country/IRQ")
    wait_ready(page, "#/country/IRQ")
    returns = page.locator(tid("returns"))
    expect(returns.locator("svg.returns-chart")).to_be_visible()
    field = page.locator(tid("known-by-input"))
    expect(field).to_have_value("")
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/" in r.url else None)
    field.fill("2024-01-01")  # a date field: fill() sets the value and fires input and change, as a person's pick does
    wait_ready(page, "#/country/IRQ?known_by=2024-01-01")
    assert "known_by=2024-01-01" in page.url
    expect(returns.locator("svg.returns-chart")).to_have_count(0)
    expect(returns).to_contain_text("Geen terugkeercijfers")
    expect(page.locator(tid("candidate")).first).to_be_visible()  # the letter (2014) is known by then
    country_calls = [u for u in asked if "/api/countries/IRQ" in u or "/api/graph/" in u]
    assert country_calls and all("known_by=2024-01-01" in u for u in country_calls), country_calls
    expect(page.locator(tid("brief-link"))).to_have_attribute("href", re.compile(r"known_by=2024-01-01"))
    shot(page, "known-by-2024")

    page.reload()
    wait_ready(page, "#/country/IRQ?known_by=2024-01-01")
    expect(page.locator(tid("known-by-input"))).to_have_value("2024-01-01")
    expect(page.locator(tid("returns"))).to_contain_text("Geen terugkeercijfers")
    expect(page.locator(tid("returns")).locator("svg.returns-chart")).to_have_count(0)

    page.locator("#known-by-clear").click()
    page.wait_for_function("() => window.koppelReady && window.koppelReady.startsWith('#/country/IRQ') && !window.koppelReady.includes('known_by')")
    assert "known_by" not in page.url
    expect(page.locator(tid("known-by-input"))).to_have_value("")
    expect(page.locator(tid("returns")).locator("svg.returns-chart")).to_be_visible()


def test_known_by_date_on_both_stores(browser, seeded_store, request, tmp_path):
    """Kennisstand before the letter (2014-02-25) on the seed graph, served from each store: Iraq's assessment and
    candidates, first reported in the letter, are gone; the URL keeps the date and a fresh page opened at it agrees.

    On Neo4j, the first read of each of these views after the seed load (cold page cache, each query's plan
    compiled on first use) can take longer than the 20 s waits on a busy machine (it once timed out at load 3.5).
    So on Neo4j every view the test opens is first opened once in a warm-up page with a 5-minute wait, and the
    server runs with its response cache off (KOPPEL_CACHE_MB=0): the checked pass still reads every answer from
    Neo4j, only warm. A view that fails or never becomes ready still fails the test, in the warm-up."""
    env = {"KOPPEL_VIEWS_FILE": str(tmp_path / "views.json")}
    if seeded_store.kind == "neo4j":
        env.update(request.getfixturevalue("neo4j_env"), KOPPEL_CACHE_MB="0")
    with serve(seeded_store.location, env) as base:
        if seeded_store.kind == "neo4j":
            warm = new_page(browser, base, 1440, "nl")
            for view in ("#/country/IRQ", "#/country/IRQ?known_by=2014-01-01", "#/country/IRQ?known_by=2014-02-25",
                         "#/compare/IRQ,AFG", "#/compare/IRQ,AFG?known_by=2014-01-01"):
                warm.goto(f"{base}/{view}")
                warm.wait_for_function("(prefix) => window.koppelReady && window.koppelReady.startsWith(prefix)", arg=view, timeout=300_000)
            warm.context.close()
            assert not warm.errors and not warm.outside, (warm.errors, warm.outside)
        pg = new_page(browser, base, 1440, "nl")
        pg.goto(base + "/#/country/IRQ")
        wait_ready(pg, "#/country/IRQ")
        rc = pg.locator(tid("return-cooperation"))
        expect(rc).to_contain_text("moeizaam")
        expect(pg.locator(tid("candidate")).first).to_be_visible()
        pg.locator(tid("known-by-input")).fill("2014-01-01")
        wait_ready(pg, "#/country/IRQ?known_by=2014-01-01")
        expect(rc).not_to_contain_text("moeizaam")
        expect(rc).to_contain_text("Geen beoordeling bekend")
        expect(pg.locator(tid("candidate"))).to_have_count(0)
        shot(pg, f"store-{seeded_store.kind}-known-by")
        # The day of the letter: known again.
        pg.locator(tid("known-by-input")).fill("2014-02-25")
        wait_ready(pg, "#/country/IRQ?known_by=2014-02-25")
        expect(rc).to_contain_text("moeizaam")
        url = pg.url
        pg.context.close()
        assert not pg.errors and not pg.outside, (pg.errors, pg.outside)

        fresh = new_page(browser, base, 1440, "nl")
        fresh.goto(url.replace("2014-02-25", "2014-01-01"))
        wait_ready(fresh, "#/country/IRQ?known_by=2014-01-01")
        expect(fresh.locator(tid("known-by-input"))).to_have_value("2014-01-01")
        expect(fresh.locator(tid("return-cooperation"))).to_contain_text("Geen beoordeling bekend")
        expect(fresh.locator(tid("candidate"))).to_have_count(0)
        # The comparison reads at the known-by date too (profile, linkages, similar countries, brokers).
        fresh.goto(base + "/#/compare/IRQ,AFG")
        wait_ready(fresh, "#/compare/IRQ,AFG")
        expect(fresh.locator(tid("compare-col")).first).to_contain_text("moeizaam")
        fresh.goto(base + "/#/compare/IRQ,AFG?known_by=2014-01-01")
        wait_ready(fresh, "#/compare/IRQ,AFG?known_by=2014-01-01")
        expect(fresh.locator(tid("compare-col"))).to_have_count(2)
        expect(fresh.locator(tid("compare-col")).first).not_to_contain_text("moeizaam")
        fresh.context.close()
        assert not fresh.errors and not fresh.outside, (fresh.errors, fresh.outside)


def test_home_list_at_a_known_by_date(browser, seeded_store, request, tmp_path):
    """The home list at a Kennisstand, on each store: before the letter (2014-01-01) the seed graph's sources had
    stated no country, so the list is empty; on the letter's day (2014-02-25) Iraq is listed, "moeizaam". The list
    and every row's details are asked for with known_by; row links keep the date."""
    with serve_seed(seeded_store, request, tmp_path) as base:
        pg = new_page(browser, base, 1440, "nl")
        asked: list[str] = []
        pg.on("request", lambda r: asked.append(r.url) if "/api/countries" in r.url else None)
        pg.goto(base + "/#/?known_by=2014-01-01")
        wait_ready(pg, "#/?known_by=2014-01-01")
        table = pg.locator(tid("country-table"))
        row = table.locator('tr[data-key="IRQ"]')
        expect(row).to_have_count(0)
        expect(pg.locator(tid("home"))).to_contain_text("Geen landen in de graaf.")
        assert any(u.endswith("/api/countries?known_by=2014-01-01") for u in asked), asked
        assert all("known_by=2014-01-01" in u for u in asked), asked

        asked.clear()
        pg.locator(tid("known-by-input")).fill("2014-02-25")
        wait_ready(pg, "#/?known_by=2014-02-25")
        expect(row).to_be_visible()
        expect(row).to_contain_text("moeizaam")
        expect(row.locator(tid("country-link"))).to_have_attribute("href", "#/country/IRQ?known_by=2014-02-25")
        # The rows' details (visa, region, returns trend) are read from each profile as known by then.
        pg.wait_for_function("() => performance.getEntriesByType('resource').some((e) => e.name.includes('/api/countries/IRQ?'))")
        assert any(u.endswith("/api/countries?known_by=2014-02-25") for u in asked), asked
        assert any("/api/countries/IRQ?known_by=2014-02-25" in u for u in asked), asked
        assert all("known_by=2014-02-25" in u for u in asked), asked
        pg.context.close()
        assert not pg.errors and not pg.outside, (pg.errors, pg.outside)
