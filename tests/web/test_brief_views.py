"""The explorer's own endpoints on both stores: the country brief (HTML and PDF), saved views, capabilities.

The brief is read back as text from the PDF (pypdf) and checked for the
country's figures and citations; saved views go through a real JSON file.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from koppel.api.app import create_app
from koppel.api.settings import ApiSettings

from tests.conftest import API_TOKEN, SHARED_SOURCES

LETTER = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie"


def make_client(store, tokens: str = API_TOKEN) -> TestClient:
    settings = ApiSettings(KOPPEL_STORE=store.location, KOPPEL_SOURCES=str(SHARED_SOURCES), KOPPEL_API_TOKENS=tokens)
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture
def client(seeded_store, tmp_path, monkeypatch):
    monkeypatch.setenv("KOPPEL_VIEWS_FILE", str(tmp_path / "views.json"))
    with make_client(seeded_store) as test_client:
        yield test_client


def assert_problem(response, status: int, fragment: str = "") -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    assert fragment in body["detail"], body
    return body


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_brief_html_has_gaps_first_and_sources_last(client):
    response = client.get("/api/countries/IRQ/brief", params={"lang": "nl"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert '<html lang="nl">' in html and "Landenbrief: Irak" in html
    order = [html.index(f'data-testid="{part}"') for part in ("brief-gaps", "brief-rc", "brief-treaties", "brief-existing", "brief-candidates", "brief-sources")]
    assert order == sorted(order), "sections are not in the brief's order (gaps first, sources last)"
    # The seed graph has no return statistics: that gap is named first.
    gaps = html[html.index('data-testid="brief-gaps"') : html.index('data-testid="brief-rc"')]
    assert "Geen terugkeercijfers" in gaps
    assert "moeizaam" in html  # Iraq's return cooperation in Dutch, never the enum value
    assert "difficult" not in html
    sources = html[html.index('data-testid="brief-sources"') :]
    assert re.search(rf"<code>{LETTER}</code>: (\[\d+\] regels? [\d–]+; )*\[\d+\] regels 121–124", sources)  # the assessment's locator, listed at the end
    assert "@media print" in html and 'href="/api/countries/IRQ/brief?lang=nl&amp;format=pdf"' in html


def test_brief_pdf_reads_back_with_the_countrys_figures_and_citations(client):
    response = client.get("/api/countries/IRQ/brief", params={"lang": "en", "format": "pdf"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"
    assert 'filename="koppel-brief-IRQ-' in response.headers["content-disposition"]
    # One line of words; a locator broken after a hyphen at a line end is joined again.
    text = " ".join(pdf_text(response.content).split()).replace("- ", "-")
    assert "Country brief: Iraq" in text
    assert "Data gaps" in text and text.index("Data gaps") < text.index("Return cooperation") < text.index("Sources")
    assert "difficult" in text and "2014-02-25" in text  # the assessment and its date
    assert "Top candidates" in text and "score 0." in text
    assert LETTER in text and "lines 121–124" in text  # the citation, with its lines
    assert "“" in text  # a quoted passage of a candidate


def test_brief_as_of_and_language_and_errors(client):
    early = client.get("/api/countries/IRQ/brief", params={"lang": "en", "as_of": "2010-01-01"}).text
    assert "As of: 2010-01-01" in early
    gaps = early[early.index('data-testid="brief-gaps"') : early.index('data-testid="brief-rc"')]
    assert "No assessment of Iraq&#39;s cooperation on return" in gaps  # the 2014 assessment is not yet known in 2010 (the engine's words)
    assert gaps.count("No assessment") == 1  # said once, not again in the brief's own words
    assert_problem(client.get("/api/countries/XXX/brief"), 404, "XXX")
    assert_problem(client.get("/api/countries/IRQ/brief", params={"lang": "de"}), 422)
    assert_problem(client.get("/api/countries/IRQ/brief", params={"format": "docx"}), 422)
    assert_problem(client.get("/api/countries/IRQ/brief", params={"as_of": "2014-02-30"}), 422)


def test_saved_views_round_trip(client, tmp_path):
    assert client.get("/api/views").json() == {"views": []}
    saved = client.post("/api/views", json={"name": "Irak, 2013", "hash": "#/country/IRQ?as_of=2013-01-01&expand=NLD"})
    assert saved.status_code == 201, saved.text
    view = saved.json()
    assert view["name"] == "Irak, 2013" and view["hash"] == "#/country/IRQ?as_of=2013-01-01&expand=NLD"
    assert saved.headers["location"] == f"/api/views/{view['id']}"
    # Kept in the file, and not served stale by the response cache.
    assert json.loads((tmp_path / "views.json").read_text())["views"][0]["id"] == view["id"]
    listed = client.get("/api/views")
    assert [v["id"] for v in listed.json()["views"]] == [view["id"]]
    assert listed.headers.get("x-cache") is None and listed.headers["cache-control"] == "no-store"
    assert client.get(f"/api/views/{view['id']}").json() == view
    assert client.delete(f"/api/views/{view['id']}").status_code == 204
    assert client.get("/api/views").json() == {"views": []}
    assert_problem(client.get(f"/api/views/{view['id']}"), 404, view["id"])
    assert_problem(client.delete(f"/api/views/{view['id']}"), 404, view["id"])


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "hash": "javascript:alert(1)"},
        {"name": "", "hash": "#/"},
        {"name": "x" * 121, "hash": "#/"},
        {"name": "x", "hash": "#/" + "a" * 2000},
        {"name": "x", "hash": "#/country/IRQ", "extra": 1},
        {"name": "x"},
    ],
)
def test_saved_views_refuse_bad_bodies(client, body):
    assert_problem(client.post("/api/views", json=body), 422)
    assert client.get("/api/views").json() == {"views": []}


def test_saved_views_file_that_cannot_be_read_is_one_clear_problem(client, tmp_path):
    (tmp_path / "views.json").write_text("{not json", encoding="utf-8")
    body = assert_problem(client.get("/api/views"), 503, "saved views file")
    assert "cannot be read" in body["detail"]  # (the server may hide the file's path from clients)


def test_capabilities_say_whether_cypher_is_on(seeded_store):
    with make_client(seeded_store) as on:
        assert on.get("/api/capabilities").json()["cypher"] is True
    with make_client(seeded_store, tokens="") as off:
        caps = off.get("/api/capabilities").json()
        assert caps["cypher"] is False and "KOPPEL_API_TOKENS" in caps["cypher_hint"]
