"""The country brief: one printable page per country, as HTML (with print CSS) and as PDF.

``GET /api/countries/{iso3}/brief?lang=nl|en&as_of=YYYY-MM-DD&format=html|pdf``

The brief gathers what a strategist hands on about one country, in this order:
the data gaps first, then return cooperation with its evidence, the return
series (the Netherlands against EU+EFTA, where the graph holds one) as a small
chart, the treaty landscape by domain, the linkages in play with their
outcomes, the top candidates each with one sentence and its quoted passage,
and last the sources, numbered, with their locators. Every fact comes from the
country profile (:func:`koppel.queries.profile.country_profile`), the linkage
answer (:func:`koppel.queries.linkage.linkages`) and the cited passages
(:func:`koppel.loaders.sources.evidence`); the brief adds no facts.

HTML is rendered with Jinja2 (``api/templates/brief.html``, autoescaped), the
PDF from that same HTML and CSS by WeasyPrint, so Ctrl+P on the HTML and the
PDF download show the same page.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import AfterValidator

from koppel.graph import errors
from koppel.loaders.sources import evidence, sources_dir
from koppel.queries.linkage import linkages
from koppel.queries.profile import country_profile

from ..deps import Settings, Store

router = APIRouter(prefix="/api/countries", tags=["brief"])

_Key = Annotated[str, Path(min_length=2, max_length=64, pattern=r"^[A-Za-z0-9_-]+$", examples=["IRQ"], description="ISO 3166-1 alpha-3 code or slug.")]


def _calendar_date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


_AsOf = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="The brief as of this date (YYYY-MM-DD).", examples=["2014-02-25"]),
    AfterValidator(_calendar_date),
]

TOP_CANDIDATES = 5
MAX_PASSAGE_CHARS = 260

# Interface words of the brief. Enum values the schema lists (levels, trends,
# outcomes, ...) have no display names in the schema yet; these are the
# explorer's own words for them (web/src/i18n.js), in both languages.
WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Landenbrief", "asof": "Peildatum", "today": "stand van de graaf", "made": "Opgesteld",
        "gaps": "Ontbrekende gegevens", "gaps.none": "Geen ontbrekende gegevens gemeld.",
        "rc": "Terugkeersamenwerking", "rc.none": "Geen beoordeling bekend.", "trend": "trend",
        "returns": "Terugkeer (Nederland en EU+EFTA)", "returns.caveat": "Eurostat, afgerond op 5; rapportage gewijzigd in 2021.",
        "treaties": "Verdragen en overeenkomsten per domein", "domain": "Domein", "treaties.col": "Verdragen", "count": "aantal",
        "existing": "Koppelingen in het spel", "existing.none": "Nog geen koppelingen gelegd.",
        "candidates": "Beste kandidaten", "candidates.none": "Geen kandidaten gevonden.", "score": "score",
        "sources": "Bronnen", "lines": "regels", "line": "regel", "download": "Download als PDF", "print": "Afdrukken",
        "back": "Terug naar de verkenner", "offer": "aanbod", "cut": "korting/druk",
        "gap.assessment": "Geen beoordeling van de terugkeersamenwerking in de graaf.",
        "gap.returns": "Geen terugkeercijfers (Eurostat) voor dit land in de graaf.",
        "gap.treaties": "Geen verdragen met dit land in de graaf.",
        "gap.candidates": "De linkage-analyse gaf geen kandidaten.",
        "other": "overig", "undated": "ongedateerd", "nl": "Nederland", "eu": "EU+EFTA",
    },
    "en": {
        "title": "Country brief", "asof": "As of", "today": "current state of the graph", "made": "Prepared",
        "gaps": "Data gaps", "gaps.none": "No data gaps reported.",
        "rc": "Return cooperation", "rc.none": "No assessment known.", "trend": "trend",
        "returns": "Returns (Netherlands and EU+EFTA)", "returns.caveat": "Eurostat, rounded to 5; reporting changed in 2021.",
        "treaties": "Treaties and agreements by domain", "domain": "Domain", "treaties.col": "Treaties", "count": "number",
        "existing": "Linkages in play", "existing.none": "No linkages made yet.",
        "candidates": "Top candidates", "candidates.none": "No candidates found.", "score": "score",
        "sources": "Sources", "lines": "lines", "line": "line", "download": "Download as PDF", "print": "Print",
        "back": "Back to the explorer", "offer": "offer", "cut": "cut/pressure",
        "gap.assessment": "No assessment of return cooperation in the graph.",
        "gap.returns": "No return statistics (Eurostat) for this country in the graph.",
        "gap.treaties": "No treaties with this country in the graph.",
        "gap.candidates": "The linkage analysis gave no candidates.",
        "other": "other", "undated": "undated", "nl": "Netherlands", "eu": "EU+EFTA",
    },
}

VALUES: dict[str, dict[str, str]] = {
    "nl": {
        "refuses": "weigert", "not_willing": "niet bereid", "difficult": "moeizaam", "slightly_improved": "licht verbeterd",
        "increased": "toegenomen", "good": "goed", "improving": "verbetert", "stable": "stabiel", "worsening": "verslechtert",
        "unknown": "onbekend", "positive": "positief", "negative": "negatief", "no_result": "geen resultaat", "pending": "lopend",
        "effective": "effectief", "partial": "gedeeltelijk", "made": "gelegd", "proposed": "voorgesteld", "offered": "aangeboden",
        "planned": "gepland", "requested": "gevraagd", "cut": "gekort", "stalled": "vastgelopen", "signed": "getekend",
        "in_force": "van kracht", "in_place": "van kracht", "bilateral": "bilateraal", "eu": "EU", "forum": "forum", "coalition": "coalitie",
        "development_aid": "ontwikkelingshulp", "aviation": "luchtvaart", "labour_mobility": "arbeidsmobiliteit",
        "student_mobility": "studentenmobiliteit", "visa_facilitation": "visumfacilitatie", "readmission": "terug- en overname",
        "return": "terugkeer", "reintegration": "herintegratie", "border_management": "grensbewaking",
        "migration_capacity": "capaciteit migratiediensten", "displaced_persons": "ontheemden", "reception_of_minors": "opvang minderjarigen",
        "migration_and_development": "migratie en ontwikkeling", "knowledge_sharing": "kennisdeling", "return_message": "terugkeerboodschap",
        "demand": "vraag van het land", "control": "zeggenschap", "precedent": "precedent elders", "risk": "risico", "channel": "kanaal",
        "cooperation": "terugkeersamenwerking", "specific": "landspecifiek",
        "mou": "memorandum van overeenstemming", "readmission_agreement": "terugname-overeenkomst", "visa_facilitation_agreement": "visumfacilitatie-overeenkomst",
        "mobility_partnership": "mobiliteitspartnerschap", "political_declaration": "politieke verklaring", "declaration": "verklaring", "treaty": "verdrag",
        "visa": "visum", "investment": "investeringen", "development": "ontwikkelingssamenwerking", "tax": "belastingen", "social_security": "sociale zekerheid",
        "labour_migration": "arbeidsmigratie", "culture_education": "cultuur en onderwijs", "trade_economic": "handel en economie", "justice": "justitie", "police_drugs": "politie en drugs",
        "negotiated": "onderhandeld", "unsigned": "niet getekend", "contested": "omstreden", "adopted": "aangenomen", "under_negotiation": "in onderhandeling",
    },
    "en": {
        "not_willing": "not willing", "slightly_improved": "slightly improved", "no_result": "no result", "in_force": "in force",
        "in_place": "in place", "eu": "EU", "development_aid": "development aid", "labour_mobility": "labour mobility",
        "student_mobility": "student mobility", "visa_facilitation": "visa facilitation", "border_management": "border management",
        "migration_capacity": "migration services capacity", "displaced_persons": "displaced persons",
        "reception_of_minors": "reception of minors", "migration_and_development": "migration and development",
        "knowledge_sharing": "knowledge sharing", "return_message": "return message", "demand": "demand by the country",
        "precedent": "precedent elsewhere", "cooperation": "return cooperation", "specific": "country-specific",
        "mou": "memorandum of understanding", "readmission_agreement": "readmission agreement", "visa_facilitation_agreement": "visa facilitation agreement",
        "political_declaration": "political declaration", "visa": "visas", "development": "development cooperation", "social_security": "social security",
        "labour_migration": "labour migration", "culture_education": "culture and education", "trade_economic": "trade and economy", "police_drugs": "police and drugs",
        "under_negotiation": "under negotiation",
    },
}

_env = Environment(
    loader=FileSystemLoader(str(resources.files("koppel.api").joinpath("templates"))),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _name(item: dict[str, Any] | None, lang: str) -> str:
    if not item:
        return ""
    nl = item.get("name_nl") or item.get("name")
    en = item.get("name_en")
    return (en or nl if lang == "en" else nl or en) or item.get("key", "")


def _localised(value: Any, lang: str) -> str | None:
    """A bilingual text field: ``{"nl": ..., "en": ...}`` or a plain string (taken as English)."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("en") or value.get("nl")
    return value if isinstance(value, str) and value else None


class _Sources:
    """Numbers each cited locator once, in order of first citation, and reads its passage on demand."""

    def __init__(self, folder: Any) -> None:
        self.folder = folder
        self.order: list[str] = []

    def cite(self, locators: list[str] | None) -> list[int]:
        numbers = []
        for loc in locators or []:
            if loc not in self.order:
                self.order.append(loc)
            numbers.append(self.order.index(loc) + 1)
        return sorted(set(numbers))

    def passage(self, locator: str) -> str | None:
        try:
            text = evidence(locator, self.folder).text
        except (errors.KoppelError, OSError, ValueError):
            return None
        text = text.lstrip("# ").strip()  # a Markdown source's heading marks are not part of the passage
        return text if len(text) <= MAX_PASSAGE_CHARS else text[: MAX_PASSAGE_CHARS - 1].rstrip() + "…"

    def listing(self, lang: str) -> list[dict[str, Any]]:
        out = []
        for i, loc in enumerate(self.order, 1):
            document, _, lines = loc.partition("#")
            span = lines.replace("L", "").split("-")
            where = (f"{WORDS[lang]['line']} {span[0]}" if len(span) == 1 or span[0] == span[-1] else f"{WORDS[lang]['lines']} {span[0]}–{span[-1]}") if lines else ""
            out.append({"n": i, "document": document, "where": where, "locator": loc})
        return out


def _returns_chart(series: Any) -> dict[str, Any] | None:
    """Bars per year for the Netherlands and EU+EFTA from a profile's ``returns``, or None.

    Accepts ``{"years": [...], "netherlands": [...], "eu": [...]}`` or
    ``{"series": [{"reporting": "NLD"|"EU+EFTA", "points": [{"year", "value"}]}]}``.
    """
    if not isinstance(series, dict):
        return None
    nl: dict[int, float] = {}
    eu: dict[int, float] = {}
    if isinstance(series.get("series"), list):
        for s in series["series"]:
            target = nl if str(s.get("reporting", s.get("key", ""))).upper() in {"NLD", "NL", "NETHERLANDS"} else eu if "EU" in str(s.get("reporting", s.get("key", ""))).upper() else None
            if target is None:
                continue
            for p in s.get("points", []):
                if isinstance(p, dict) and p.get("year") is not None and isinstance(p.get("value"), (int, float)):
                    target[int(p["year"])] = p["value"]
    elif isinstance(series.get("years"), list):
        # {years, netherlands: [{year, persons}], eu_efta_total: [{year, persons}]} (or plain numbers by year)
        for key, target in (("netherlands", nl), ("eu_efta_total", eu), ("eu", eu)):
            for i, point in enumerate(series.get(key) or []):
                if isinstance(point, (int, float)) and i < len(series["years"]):
                    target[int(series["years"][i])] = point
                elif isinstance(point, dict) and point.get("year") is not None and isinstance(point.get("persons", point.get("value")), (int, float)):
                    target[int(point["year"])] = point.get("persons", point.get("value"))
    years = sorted(set(nl) | set(eu))
    if not years:
        return None
    top = max([*nl.values(), *eu.values(), 1])
    width, height, pad = 520, 90, 18
    step = (width - pad) / len(years)
    bars = []
    for i, year in enumerate(years):
        x = pad + i * step
        for j, (values, cls) in enumerate(((nl, "nl"), (eu, "eu"))):
            if year in values:
                hgt = (height - 30) * values[year] / top
                bars.append({"x": round(x + j * step * 0.4, 1), "y": round(height - 16 - hgt, 1), "w": round(step * 0.38, 1), "h": round(hgt, 1), "cls": cls, "value": values[year], "year": year})
    return {"width": width, "height": height, "bars": bars, "years": [{"x": round(pad + i * step + step * 0.4, 1), "year": y} for i, y in enumerate(years)], "top": top, "table": [{"year": y, "nl": nl.get(y), "eu": eu.get(y)} for y in years]}


def brief_data(store: Any, iso3: str, *, as_of: dt.date | None, lang: str, folder: Any) -> dict[str, Any]:
    """Everything the brief shows for one country, with locators numbered in citation order.

    Raises ``NotFound`` (404) for an unknown country. ``lang`` is ``nl`` or ``en``.
    """
    profile = country_profile(store, iso3, as_of=as_of)
    answer = linkages(store, iso3, as_of=as_of)
    words = WORDS[lang]
    src = _Sources(folder)

    def v(value: Any) -> str:
        if value in (None, ""):
            return ""
        return VALUES[lang].get(value) or VALUES["en"].get(value) or str(value).replace("_", " ")

    country = profile["country"]
    # The linkage answer names items in English; the profile has both names.
    known = {item["key"]: item for section in ("linkages", "dossiers", "agreements", "projects", "forums", "groups", "partners", "donors", "events")
             for item in profile.get(section) or [] if isinstance(item, dict) and item.get("key")}

    def named(item: dict[str, Any] | None) -> str:
        if not item:
            return ""
        return _name(known.get(item.get("key"), item), lang)

    gaps: list[str] = []
    # Return cooperation: the latest assessment on or before as_of.
    assessments = sorted(profile.get("return_cooperation") or [], key=lambda a: str(a.get("as_of") or ""), reverse=True)
    rc = None
    if assessments:
        a = assessments[0]
        rc = {"level": v(a.get("level")), "level_key": a.get("level"), "trend": v(a.get("trend")), "as_of": a.get("as_of"),
              "text": _localised(a.get("description_" + lang), lang) or (a.get("description") if lang == "en" else None),
              "refs": src.cite(a.get("evidence") or a.get("sources"))}
    else:
        gaps.append(words["gap.assessment"])
    returns = profile.get("returns")
    chart = _returns_chart(returns)
    if chart is None:
        gaps.append(words["gap.returns"])
    else:
        rows = [loc for p in (returns.get("netherlands") or []) if isinstance(p, dict) for loc in p.get("sources") or []]
        chart["refs"] = src.cite(rows)
    # Treaties by domain (agreement_type where the treaty has no domain).
    by_domain: dict[str, list[dict[str, Any]]] = {}
    for t in profile.get("agreements") or []:
        domain = t.get("domain") or t.get("agreement_type") or "other"
        by_domain.setdefault(v(domain) if domain != "other" else words["other"], []).append(
            {"name": _name(t, lang), "date": t.get("date_signed") or t.get("date"), "status": v(t.get("status")), "refs": src.cite(t.get("evidence") or t.get("sources"))}
        )
    treaties = [{"domain": d, "items": items} for d, items in sorted(by_domain.items())]
    if not treaties:
        gaps.append(words["gap.treaties"])
    existing = []
    seen = set()
    for x in answer.get("existing") or []:
        ident = (x.get("key"), (x.get("dossier") or {}).get("key"))
        if ident in seen:
            continue
        seen.add(ident)
        targets = x.get("targets") or ([x["dossier"]] if x.get("dossier") else [])
        existing.append({"name": _localised(x.get("name_" + lang), lang) or named(x), "dossier": "; ".join(named(d) for d in targets),
                         "direction": x.get("direction"), "direction_text": words["cut"] if x.get("direction") == "negative" else words["offer"],
                         "status": v(x.get("status")), "outcome": v(x.get("outcome")), "channel": v(x.get("channel")), "date": x.get("date"),
                         "refs": src.cite(x.get("sources"))})
    candidates = []
    for c in (answer.get("candidates") or [])[:TOP_CANDIDATES]:
        reasons = c.get("reasons") or []
        sentence = _localised(c.get("sentence") or c.get("summary") or c.get("why"), lang)
        if not sentence and reasons:
            first = reasons[0]
            sentence = first.get("text_nl") if lang == "nl" else first.get("text")
        quote_loc = next((loc for r in reasons for loc in r.get("sources") or []), None)
        locs = [loc for r in reasons for loc in r.get("sources") or []]
        candidates.append({"name": named(c.get("dossier")), "domain": v((c.get("dossier") or {}).get("domain")),
                           "direction": c.get("direction"), "direction_text": words["cut"] if c.get("direction") == "negative" else words["offer"],
                           "channel": v(c.get("channel")), "score": c.get("score"), "sentence": sentence,
                           "factors": [f"{v(r.get('factor'))} {r.get('value', 0):.2f}" for r in reasons],
                           "quote": src.passage(quote_loc) if quote_loc else None, "quote_ref": src.cite([quote_loc]) if quote_loc else [],
                           "refs": src.cite(locs)})
    if not candidates:
        gaps.append(words["gap.candidates"])
    # The engine's own warnings ({en, nl}) come first; older answers only have English `missing` texts.
    warnings = answer.get("warnings") or answer.get("missing") or []
    engine_gaps = [t for t in (_localised(m, lang) if isinstance(m, (dict, str)) else None for m in warnings) if t]
    gaps[:0] = engine_gaps
    return {
        "lang": lang, "w": words, "key": country.get("key"), "name": _name(country, lang),
        "other_name": _name(country, "nl" if lang == "en" else "en"), "as_of": as_of.isoformat() if as_of else None,
        "made": dt.date.today().isoformat(), "gaps": gaps, "rc": rc, "chart": chart, "treaties": treaties,
        "existing": existing, "candidates": candidates, "country_refs": src.cite(country.get("sources")),
        "sources": src.listing(lang),
    }


def render_brief_html(data: dict[str, Any], *, pdf_href: str | None = None) -> str:
    """The brief as a complete HTML page (print CSS included); ``pdf_href`` adds a download link."""
    return _env.get_template("brief.html").render(**data, pdf_href=pdf_href)


def render_brief_pdf(html: str) -> bytes:
    """The brief's HTML printed to PDF by WeasyPrint (A4, the page's own print CSS)."""
    from weasyprint import HTML  # imported here: it loads Pango, which only the PDF needs

    return HTML(string=html).write_pdf()


BRIEF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The brief as an HTML page or a PDF.", "content": {"text/html": {"schema": {"type": "string"}}, "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
}


@router.get("/{iso3}/brief", summary="A one-page country brief (HTML with print CSS, or PDF)", response_class=Response, responses=BRIEF_RESPONSES)
def get_brief(
    iso3: _Key,
    store: Store,
    settings: Settings,
    as_of: _AsOf = None,
    lang: Annotated[Literal["nl", "en"], Query(description="Language of the brief.")] = "nl",
    format: Annotated[Literal["html", "pdf"], Query(description="html (printable page) or pdf (download).")] = "html",  # noqa: A002
) -> Response:
    data = brief_data(store, iso3, as_of=as_of, lang=lang, folder=sources_dir(settings.sources))
    if format == "pdf":
        pdf = render_brief_pdf(render_brief_html(data))
        filename = f"koppel-brief-{data['key']}-{data['as_of'] or data['made']}-{lang}.pdf"
        return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    query = f"lang={lang}" + (f"&as_of={data['as_of']}" if data["as_of"] else "")
    return Response(render_brief_html(data, pdf_href=f"/api/countries/{data['key']}/brief?{query}&format=pdf"), media_type="text/html")
