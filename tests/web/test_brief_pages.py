"""The country brief fits one A4 page, on the default load (the letter, the treaties and the data layers), on both stores.

Each of the letter's countries is rendered as a PDF in both languages by the
real API over the real store, and read back with pypdf: one page, and the
page still carries what the issue asks for (the data gaps first, the return
series' figures, the treaties by domain, the top candidates with a quoted
passage, the sources with their locators last). The enum words of the brief
and of the explorer come from one file (``graph/words.json``).
"""

from __future__ import annotations

import io
import json
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from pypdf import PdfReader

from koppel.api.app import create_app
from koppel.api.routers.brief import ENUM_WORDS, TOP_CANDIDATES, word
from koppel.api.settings import ApiSettings
from koppel.queries.linkage import linkages

from tests import conftest
from tests.conftest import SHARED_SOURCES

ROOT = Path(__file__).resolve().parents[2]
LETTER_COUNTRIES = ["AFG", "GHA", "IND", "MAR", "IRQ", "SOM"]


@pytest.fixture(scope="module", params=conftest.STORE_KINDS)
def default_load(request, tmp_path_factory) -> str:
    """A store of each kind holding the default load, made by `koppel load` as a user would; its spec."""
    return conftest.load_default(request, tmp_path_factory, "brief")


@pytest.fixture(scope="module")
def client(default_load):
    settings = ApiSettings(KOPPEL_STORE=default_load, KOPPEL_SOURCES=str(SHARED_SOURCES), KOPPEL_API_TOKENS="")
    with TestClient(create_app(settings), raise_server_exceptions=False) as test_client:
        yield test_client


def words(text: str) -> str:
    """PDF text as one line of words; a word broken after a hyphen at a line end is joined again."""
    return " ".join(text.split()).replace("- ", "-")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_brief_of_each_of_the_letters_countries_is_one_page(client, lang):
    heads = {"nl": ("Ontbrekende gegevens", "Terugkeer (Nederland en EU+EFTA)", "Verdragen en overeenkomsten per domein", "Beste kandidaten", "Bronnen"),
             "en": ("Data gaps", "Returns (Netherlands and EU+EFTA)", "Treaties and agreements by domain", "Top candidates", "Sources")}[lang]
    for key in LETTER_COUNTRIES:
        response = client.get(f"/api/countries/{key}/brief", params={"lang": lang, "format": "pdf"})
        assert response.status_code == 200, response.text
        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) == 1, f"the {lang} brief of {key} has {len(reader.pages)} pages"
        text = words(reader.pages[0].extract_text())
        # Every part is there, in the brief's order: gaps first, sources last.
        at = [text.index(head) for head in heads]
        assert at == sorted(at), (key, lang, at)
        # The return series' figures: the Netherlands' yearly returns, as the profile has them.
        profile = client.get(f"/api/countries/{key}").json()
        series = [p["persons"] for p in (profile.get("returns") or {}).get("netherlands") or [] if isinstance(p, dict)]
        assert series, f"{key} has no return series on the default load"
        row = text[text.index(heads[1]) : text.index(heads[2])]
        assert " ".join(str(round(v)) if float(v).is_integer() else str(v) for v in series) in row, (key, series, row)
        # The top candidates, each with a quoted passage, and how many more the explorer has.
        answer = client.get(f"/api/countries/{key}/linkages").json()
        shown = min(TOP_CANDIDATES, len(answer["candidates"]))
        candidates = text[text.index(heads[3]) : text.index(heads[4])]
        assert candidates.count("“") == shown, (key, candidates)
        if len(answer["candidates"]) > TOP_CANDIDATES:
            more = len(answer["candidates"]) - TOP_CANDIDATES
            assert (f"nog {more} kandidaten" if lang == "nl" else f"{more} more candidates") in candidates
        # Sources with their locators: the letter's lines (every country here is in the letter) and Eurostat's rows.
        sources = text[text.index(heads[4]) :]
        assert "kamerbrief-2014-02-25-strategische-landenbenadering-migratie: [" in sources
        assert "eurostat-migr-eirtn: [" in sources and ("regels" if lang == "nl" else "lines") in sources


def test_the_html_brief_has_the_pdfs_parts_and_print_css(client):
    html = client.get("/api/countries/MAR/brief", params={"lang": "nl"}).text
    assert "@page { size: A4;" in html and "@media print" in html
    for part in ("brief-gaps", "brief-rc", "brief-returns", "brief-treaties", "brief-existing", "brief-candidates", "brief-sources"):
        assert f'data-testid="{part}"' in html
    # Treaties by domain: the count per domain and the newest treaty, its full title on hover.
    treaties = html[html.index('data-testid="brief-treaties"') : html.index('data-testid="brief-existing"')]
    assert re.search(r'<th scope="row">handel en economie</th><td class="num">[2-9]</td>', treaties)
    shortened = re.findall(r'<span title="([^"]+)">([^<]+)…</span>', treaties)
    assert shortened and all(full.startswith(shown) and len(full) > len(shown) for full, shown in shortened), shortened


def test_the_brief_and_the_explorer_read_the_same_enum_words():
    path = Path(str(resources.files("koppel.graph").joinpath("words.json")))
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert ENUM_WORDS == {k: v for k, v in raw.items() if not k.startswith("$")}
    # The explorer imports the same file (its dictionary has no copy of these words).
    i18n = (ROOT / "web" / "src" / "i18n.js").read_text(encoding="utf-8")
    assert "import WORDS from '../../graph/words.json';" in i18n
    assert "\n    'level.difficult':" not in i18n and "\n    'outcome.no_result':" not in i18n
    # Every value the schema allows for the properties the brief and the explorer show has a Dutch and an English word.
    schema = yaml.safe_load((ROOT / "graph" / "schema.yaml").read_text(encoding="utf-8"))
    shown = {"level", "trend", "direction", "status", "outcome", "channel", "domain", "agreement_type", "donor_type", "kind"}
    missing = []
    for part in (*schema["nodes"].values(), *(schema.get("relationships") or {}).values()):
        for prop, spec in ((part or {}).get("properties") or {}).items():
            if prop in shown and isinstance(spec, dict):
                for value in spec.get("values") or []:
                    names = ENUM_WORDS.get(prop, {}).get(value)
                    if not names or not names.get("nl") or not names.get("en"):
                        missing.append(f"{prop}.{value}")
    assert missing == []
    assert word("outcome", "no_result", "nl") == "geen resultaat" and word("outcome", "no_result", "en") == "no result"
    assert word("status", "something_new", "nl") == "something new"


def test_the_linkage_sentences_name_coded_values_with_the_same_words():
    """The engine's sentences read the same table: every domain, status, outcome, channel, agreement type and risk factor
    the schema allows has its Dutch and English words there (none humanised from its code)."""
    from koppel.queries.linkage import sentences as say

    schema = yaml.safe_load((ROOT / "graph" / "schema.yaml").read_text(encoding="utf-8"))
    tables = {"domain": say.DOMAINS, "status": say.DOSSIER_STATUS, "outcome": say.OUTCOMES, "channel": say.CHANNELS,
              "agreement_type": say.AGREEMENT_TYPES}
    checked, missing = 0, []
    for part in (*schema["nodes"].values(), *(schema.get("relationships") or {}).values()):
        for prop, spec in ((part or {}).get("properties") or {}).items():
            if prop in tables and isinstance(spec, dict):
                for value in spec.get("values") or []:
                    checked += 1
                    text = say.coded(tables[prop], value)
                    if (text.en, text.nl) != (ENUM_WORDS[prop][value]["en"], ENUM_WORDS[prop][value]["nl"]):
                        missing.append(f"{prop}.{value}")
    assert checked > 40 and missing == []
    # Treaty domains read in Dutch in a Dutch sentence (this one was "labour migration" in both languages).
    assert say.domain("labour_migration").nl == "arbeidsmigratie" and say.domain("labour_migration").en == "labour migration"
    # The risk factors the schema names (Country.risk_factors) are in the table too.
    assert say.coded(say.FRAGILITY, "weak_government").nl == "een zwak bestuur"
    assert say.coded(say.FRAGILITY, "mass_displacement").nl == "massale ontheemding"


def test_generic_and_eu_instruments_have_their_dutch_names(seeded_store):
    answer = linkages(seeded_store, "GHA")
    refs = {c["dossier"]["key"]: c["dossier"] for c in answer["candidates"]}
    generic = {key: ref for key, ref in refs.items() if key.startswith("instrument-")}
    assert generic, "no generic instrument among Ghana's candidates"
    for ref in generic.values():
        assert ref["name_nl"] and ref["name_nl"] != ref["name"], ref
    assert refs["instrument-grensbewaking"]["name_nl"] == "Verbetering grensbewaking herkomstlanden"  # the seed's Dutch name (letter L25-L29, L47-L49)
    eu = [ref for key, ref in refs.items() if key.startswith("eu-instrument:")]
    assert eu and all(ref["name_nl"].startswith("EU-") for ref in eu), eu
