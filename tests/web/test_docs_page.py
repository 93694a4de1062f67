"""The API's /docs page in headless Chromium against a real ``koppel serve``, with no internet.

FastAPI's default /docs loads Swagger UI from cdn.jsdelivr.net; on a machine without
internet the page stayed blank (tester report on issue 14, item 15). koppel serves
Swagger UI's files itself (api/docs.py, built from swagger-ui-dist into api/static).
Every request that leaves the server is blocked and recorded, as the explorer tests do.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.browser

from tests.web.test_explorer import browser, expect, new_page, serve_seed  # noqa: E402,F401 - browser is a fixture


@pytest.fixture
def docs_base(seeded_store, request, tmp_path):
    with serve_seed(seeded_store, request, tmp_path) as base:
        yield base


def test_docs_page_renders_operations_and_a_response_schema_offline(browser, docs_base):
    """/docs shows the operation list and, opened, an operation's response schema; nothing is asked of another host."""
    page = new_page(browser, docs_base)
    try:
        page.goto(docs_base + "/docs")
        operations = page.locator(".opblock")
        expect(operations.first).to_be_visible()
        # Every documented /api path is listed (one opblock per method and path).
        spec = json.loads(urllib.request.urlopen(docs_base + "/openapi.json", timeout=30).read())
        wanted = sum(len([m for m in methods if m in {"get", "post", "put", "delete", "patch", "head"}]) for methods in spec["paths"].values())
        expect(operations).to_have_count(wanted)
        # Open GET /api/countries/{iso3}: its 200 answer's schema is the Profile model.
        operation = spec["paths"]["/api/countries/{iso3}"]["get"]
        block = page.locator(f'[id="operations-{operation["tags"][0]}-{operation["operationId"]}"]')
        block.locator(".opblock-summary").first.click()
        response = block.locator('tr.response[data-code="200"]')
        expect(response).to_be_visible()
        response.get_by_role("tab", name="Schema").click()
        expect(response.locator(".model-box")).to_contain_text("Profile")
        # The models section at the bottom holds the answer types too.
        expect(page.locator("section.models")).to_contain_text("Profile")
        assert not page.errors, f"errors in the page: {page.errors}"
        assert not page.outside, f"the docs page tried to load from outside the server: {page.outside}"
    finally:
        page.context.close()


def test_redoc_is_gone_and_assets_come_from_the_server(docs_base):
    """/redoc (a CDN-only page) is not served; /docs names only koppel's own asset URLs."""
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(docs_base + "/redoc", timeout=30)
    assert gone.value.code == 404
    html = urllib.request.urlopen(docs_base + "/docs", timeout=30).read().decode()
    assert "cdn." not in html and "https://" not in html, html
    for asset in ("/swagger-ui/swagger-ui-bundle.js", "/swagger-ui/swagger-ui.css", "/swagger-ui/favicon-32x32.png"):
        assert asset in html
        with urllib.request.urlopen(docs_base + asset, timeout=30) as answer:
            assert answer.status == 200 and len(answer.read()) > 100


def test_docs_page_without_built_assets_says_how_to_build_them(tmp_path):
    """Swagger UI's files not built (no `scripts/setup`): /docs answers 503 problem+json naming the fix, not a blank page."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from koppel.api import docs

    app = FastAPI()
    docs.install(app, assets=tmp_path)
    with TestClient(app) as client:
        answer = client.get("/docs")
        assert answer.status_code == 503
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "swagger-ui-bundle.js" in answer.json()["detail"] and "scripts/setup" in answer.json()["detail"]
        assert str(tmp_path) not in answer.text
        assert client.get("/redoc").status_code == 404
