"""End-to-end tests of the web explorer in headless Chromium (Debian's build).

They drive the page served by a real ``koppel serve`` on the seed graph (the
``live_server`` fixture) the way a strategist and an analyst would, and save
a screenshot of each step under ``test-artifacts/explorer/``. They assume
nothing about the seed graph beyond Iraq being in it with at least one
linkage candidate, a catalogue query that returns rows, and the read-only
Cypher console.

Chromium: ``apt-get install -y chromium``; never ``playwright install``.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

from playwright import sync_api  # noqa: E402 - after the marker, as in the rest of the suite
expect = sync_api.expect
expect.set_options(timeout=15_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "explorer"
TIMEOUT_MS = 15_000


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `scripts/setup --test` installs it (apt-get install -y chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def explorer_url(live_server) -> str:
    """The server's base URL, once it is known to serve the built explorer."""
    base = live_server.rstrip("/")
    try:
        with urllib.request.urlopen(base + "/", timeout=10) as response:
            html = response.read().decode("utf-8", "replace")
    except OSError as exc:
        pytest.fail(f"GET {base}/ failed ({exc}): build the explorer first: cd web && npm ci && npm run build")
    assert 'data-testid="search-input"' in html, "the server's / is not the explorer: cd web && npm ci && npm run build"
    return base


@pytest.fixture
def page(browser, explorer_url):
    """A 1280×800 page that may reach only the live server."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = explorer_url
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    pg = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))

    def only_same_origin(route):
        url = route.request.url
        if url.startswith(base + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    pg.route("**/*", only_same_origin)
    pg.base = base  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not errors, f"errors in the page: {errors}"
    assert not outside, f"the page tried to load from outside the server: {outside}"


def shot(page, name: str) -> None:
    wait_idle(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def wait_idle(page) -> None:
    """Wait until the canvas has no layout or animation running."""
    page.wait_for_function("() => window.koppel && !window.koppel.canvas.busy()")


def node_count(page) -> int:
    return int(page.locator(tid("node-count")).get_attribute("data-count"))


def visible_ids(page) -> list[str]:
    return page.evaluate(
        "() => window.koppel.canvas.cy.elements().filter(e => !e.hasClass('hidden')).map(e => e.id()).sort()"
    )


def open_iraq(page) -> None:
    page.goto(page.base + "/")
    search = page.locator(tid("search-input"))
    search.fill("Irak")
    result = page.locator(f'{tid("search-result")}[data-key="IRQ"]')
    expect(result).to_be_visible()
    result.click()
    expect(page.locator(tid("country-panel"))).to_have_attribute("data-key", "IRQ")
    wait_idle(page)


def test_strategist_journey(page):
    # 1. Search "Irak": the results list shows Iraq.
    page.goto(page.base + "/")
    expect(page.locator(tid("canvas"))).to_be_visible()
    page.locator(tid("search-input")).fill("Irak")
    results = page.locator(tid("search-results"))
    expect(results).to_be_visible()
    expect(page.locator(f'{tid("search-result")}[data-key="IRQ"]')).to_be_visible()
    shot(page, "01-search")

    # 2. Open the country: its page, return cooperation and the canvas.
    page.locator(f'{tid("search-result")}[data-key="IRQ"]').click()
    panel = page.locator(tid("country-panel"))
    expect(panel).to_have_attribute("data-key", "IRQ")
    expect(page.locator(tid("return-cooperation"))).to_be_visible()
    linkages = page.locator(tid("linkage-panel"))
    expect(linkages).to_be_visible()
    candidates = linkages.locator(tid("candidate"))
    expect(candidates.first).to_be_visible()
    assert candidates.count() >= 1
    wait_idle(page)
    assert node_count(page) >= 1
    shot(page, "02-country")

    # 3. Click a reason: its path is highlighted and the cited passage shown.
    reason = candidates.first.locator(tid("reason")).first
    reason.click()
    expect(reason).to_have_attribute("aria-pressed", "true")
    evidence = page.locator(tid("evidence-box"))
    expect(evidence).to_be_visible()
    text = evidence.locator(tid("evidence-text"))
    expect(text).not_to_be_empty()
    assert len(text.inner_text().strip()) > 20
    page.wait_for_function("() => window.koppel.canvas.highlightedIds().length > 0")
    shot(page, "03-reason-evidence")

    # 4. Expand a node by double-clicking it on the canvas: the count grows.
    page.locator(tid("canvas")).click(position={"x": 5, "y": 5})  # clear the selection
    page.evaluate("() => window.koppel.canvas.clearHighlight()")
    before = node_count(page)
    order = ["CountryGroup", "Forum", "Dossier", "Organisation", "Agreement", "Project", "Linkage", "Country", "Event"]
    keys = page.evaluate(
        """(order) => window.koppel.canvas.cy.nodes()
            .filter(n => !n.hasClass('hidden') && n.id() !== 'IRQ')
            .sort((a, b) => order.indexOf(a.data('type')) - order.indexOf(b.data('type')))
            .map(n => n.id())""",
        order,
    )
    grown = False
    for key in keys[:12]:
        wait_idle(page)
        pos = page.evaluate(
            "(k) => { const p = window.koppel.canvas.cy.getElementById(k).renderedPosition(); return {x: p.x, y: p.y}; }",
            key,
        )
        box = page.locator(tid("canvas")).bounding_box()
        if not (0 < pos["x"] < box["width"] and 0 < pos["y"] < box["height"]):
            continue
        page.mouse.dblclick(box["x"] + pos["x"], box["y"] + pos["y"])
        try:
            page.wait_for_function(f"() => Number(document.querySelector('{tid('node-count')}').dataset.count) > {before}", timeout=4000)
            grown = True
            break
        except sync_api.TimeoutError:
            continue
    assert grown, f"double-clicking nodes {keys[:12]} never grew the canvas beyond {before} nodes"
    assert node_count(page) > before
    expect(page.locator(tid("node-card"))).to_be_visible()
    shot(page, "04-expanded")

    # 5. As of 2010-01-01: later elements are hidden, linkages re-fetched.
    shown_before = visible_ids(page)
    with page.expect_response(lambda r: "/linkages" in r.url and "as_of=2010-01-01" in r.url) as resp:
        page.locator(tid("as-of-input")).fill("2010-01-01")
    assert resp.value.ok
    wait_idle(page)
    expect(linkages).to_contain_text(re.compile(r"2010"))
    shown_after = visible_ids(page)
    assert shown_after != shown_before, "the as-of date changed nothing on the canvas"
    assert set(shown_after) < set(shown_before)
    shot(page, "05-as-of-2010")

    # Clearing the date shows everything again.
    page.locator("#as-of-clear").click()
    page.wait_for_function(f"() => window.koppel.canvas.cy.elements().filter(e => !e.hasClass('hidden')).length === {len(shown_before)}")

    # 6. The interface in English.
    page.locator(tid("lang-toggle")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(tid("return-cooperation"))).to_contain_text("Return cooperation")
    expect(page.locator(tid("linkage-panel"))).to_contain_text("Candidates")
    shot(page, "06-english")


def test_search_by_keyboard(page):
    page.goto(page.base + "/")
    search = page.locator(tid("search-input"))
    search.focus()
    page.keyboard.type("Irak")
    expect(page.locator(tid("search-result")).first).to_be_visible()
    # Arrow keys move the active option; Enter opens it.
    options = page.locator(tid("search-result"))
    keys = [options.nth(i).get_attribute("data-key") for i in range(options.count())]
    index = keys.index("IRQ")
    for _ in range(index + 1):
        search.press("ArrowDown")
    expect(options.nth(index)).to_have_attribute("aria-selected", "true")
    search.press("Enter")
    expect(page.locator(tid("country-panel"))).to_have_attribute("data-key", "IRQ")
    # Tab to a result and Enter opens it too.
    search.focus()
    page.keyboard.type("Irak")
    expect(page.locator(tid("search-result")).first).to_be_visible()
    search.press("Tab")
    first = options.first
    expect(first).to_be_focused()
    label = first.get_attribute("data-label")
    page.keyboard.press("Enter")
    expect(page.locator(tid("country-panel") if label == "Country" else tid("node-panel"))).to_be_visible()


def test_analyst_query_and_cypher(page, api_token):
    open_iraq(page)
    page.locator(tid("tab-analyst")).click()
    items = page.locator(f'{tid("query-list")} {tid("query-item")}')
    expect(items.first).to_be_visible()
    table = page.locator(tid("results-table"))

    # 7. Run catalogue queries until one returns rows (parameters from the form).
    fills = {"date": "2014-02-25", "int": "10", "integer": "10", "float": "0.5", "number": "0.5"}
    ran = []
    for i in range(items.count()):
        items.nth(i).click()
        form = page.locator(tid("query-form"))
        expect(form).to_be_visible()
        for field in form.locator(tid("query-param")).all():
            if field.get_attribute("type") == "checkbox" or field.input_value():
                continue
            kind = (field.get_attribute("type") or "text").lower()
            field.fill(fills.get(kind, "IRQ") if kind != "number" else "10")
        with page.expect_response(lambda r: "/api/queries/" in r.url) as resp:
            page.locator(tid("query-run")).click()
        ran.append((items.nth(i).get_attribute("data-name"), resp.value.status))
        if resp.value.ok:
            expect(table).to_be_visible()
            if table.locator("tbody tr").count() > 0:
                break
    else:
        pytest.fail(f"no catalogue query returned rows: {ran}")
    assert table.locator("tbody tr").count() > 0
    assert table.locator("thead th").count() >= 1
    expect(page.locator(tid("error-box"))).to_be_hidden()
    shot(page, "07-query")

    # 8. A write in the Cypher console is refused, with the problem shown.
    page.locator(tid("token-input")).fill(api_token)
    page.locator(tid("cypher-input")).fill("CREATE (n:Country {key:'X'})")
    with page.expect_response(lambda r: r.url.endswith("/api/cypher")) as resp:
        page.locator(tid("cypher-run")).click()
    assert resp.value.status in (400, 403), resp.value.status
    sent = resp.value.request.headers.get("authorization")
    assert sent == f"Bearer {api_token}"
    error = page.locator(tid("error-box"))
    expect(error).to_be_visible()
    problem = resp.value.json()
    expect(error).to_contain_text(problem["title"])
    if problem.get("detail"):
        expect(error).to_contain_text(problem["detail"][:40])
    expect(table).to_have_count(0)
    shot(page, "08-cypher-refused")

    # A read query runs and fills the table.
    page.locator(tid("cypher-input")).fill("MATCH (c:Country) RETURN c.name AS name, c.name_en AS name_en LIMIT 5")
    with page.expect_response(lambda r: r.url.endswith("/api/cypher")) as resp:
        page.locator(tid("cypher-run")).click()
    assert resp.value.status == 200, resp.value.text()
    expect(table.locator("tbody tr").first).to_be_visible()
    expect(error).to_be_hidden()
    shot(page, "09-cypher-read")


def test_exports(page):
    open_iraq(page)
    with page.expect_download() as dl:
        page.locator(tid("export-json")).click()
    path = dl.value.path()

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    ids = {n["data"]["id"] for n in data["elements"]["nodes"]}
    assert "IRQ" in ids
    with page.expect_download() as dl:
        page.locator(tid("export-png")).click()
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
