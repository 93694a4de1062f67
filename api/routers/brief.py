"""The country brief: one printable page per country, as HTML (with print CSS) and as PDF.

``GET /api/countries/{iso3}/brief?lang=nl|en&as_of=YYYY-MM-DD&known_by=YYYY-MM-DD&format=html|pdf``

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
from koppel.graph.schema import value_words
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
_KnownBy = Annotated[
    str | None,
    Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="The brief from what sources dated on or before this date stated (YYYY-MM-DD).", examples=["2014-02-25"]),
    AfterValidator(_calendar_date),
]

# What fits on one A4 page (the brief's layout rule; the explorer's country page
# has everything): the top 3 candidates, each with its sentence and one quoted
# passage cut to a length (and at most three references, those of its first
# reason); per treaty domain its count and the newest
# treaty; at most five linkages in play; sources grouped per document in
# small type. What is left out is counted on the page ("+4 more").
TOP_CANDIDATES = 3
MAX_SENTENCE_CHARS = 150
MAX_PASSAGE_CHARS = 130
MAX_NAME_CHARS = 80
MAX_TREATY_CHARS = 66
TREATIES_PER_DOMAIN = 1
MAX_CANDIDATE_REFS = 3
MAX_EXISTING = 5

# Interface words of the brief itself. The words for the schema's enum values
# (levels, trends, statuses, outcomes, channels, domains, ...) are not here:
# they come from graph/words.json (koppel.graph.schema.value_words), which
# the explorer (web/src/i18n.js) and the linkage sentences read too.
WORDS: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Landenbrief", "asof": "Peildatum", "knownby": "Kennisstand", "today": "stand van de graaf", "made": "Opgesteld",
        "gaps": "Ontbrekende gegevens", "gaps.none": "Geen ontbrekende gegevens gemeld.",
        "rc": "Terugkeersamenwerking", "rc.none": "Geen beoordeling bekend.", "trend": "trend",
        "returns": "Terugkeer (Nederland en EU+EFTA)", "returns.caveat": "Eurostat, personen, afgerond op 5; rapportage gewijzigd in 2021.",
        "treaties": "Verdragen en overeenkomsten per domein", "domain": "Domein", "treaties.col": "Nieuwste", "count": "aantal",
        "existing": "Koppelingen in het spel", "existing.none": "Nog geen koppelingen gelegd.",
        "candidates": "Beste kandidaten", "candidates.none": "Geen kandidaten gevonden.", "score": "score",
        "sources": "Bronnen", "lines": "regels", "line": "regel", "download": "Download als PDF", "print": "Afdrukken",
        "back": "Terug naar de verkenner", "more": "nog {n}", "more.candidates": "nog {n} kandidaten in de verkenner",
        "gap.assessment": "Geen beoordeling van de terugkeersamenwerking in de graaf.",
        "gap.returns": "Geen terugkeercijfers (Eurostat) voor dit land in de graaf.",
        "gap.treaties": "Geen verdragen met dit land in de graaf.",
        "gap.candidates": "De linkage-analyse gaf geen kandidaten.",
        "other": "overig", "undated": "ongedateerd", "nl": "Nederland", "eu": "EU+EFTA",
    },
    "en": {
        "title": "Country brief", "asof": "As of", "knownby": "Known by", "today": "current state of the graph", "made": "Prepared",
        "gaps": "Data gaps", "gaps.none": "No data gaps reported.",
        "rc": "Return cooperation", "rc.none": "No assessment known.", "trend": "trend",
        "returns": "Returns (Netherlands and EU+EFTA)", "returns.caveat": "Eurostat, persons, rounded to 5; reporting changed in 2021.",
        "treaties": "Treaties and agreements by domain", "domain": "Domain", "treaties.col": "Newest", "count": "number",
        "existing": "Linkages in play", "existing.none": "No linkages made yet.",
        "candidates": "Top candidates", "candidates.none": "No candidates found.", "score": "score",
        "sources": "Sources", "lines": "lines", "line": "line", "download": "Download as PDF", "print": "Print",
        "back": "Back to the explorer", "more": "{n} more", "more.candidates": "{n} more candidates in the explorer",
        "gap.assessment": "No assessment of return cooperation in the graph.",
        "gap.returns": "No return statistics (Eurostat) for this country in the graph.",
        "gap.treaties": "No treaties with this country in the graph.",
        "gap.candidates": "The linkage analysis gave no candidates.",
        "other": "other", "undated": "undated", "nl": "Netherlands", "eu": "EU+EFTA",
    },
}


ENUM_WORDS = value_words()
"""The schema's coded values in words (:func:`koppel.graph.schema.value_words`), the explorer's too."""


def word(kind: str, value: Any, lang: str) -> str:
    """An enum value in words (``word("level", "difficult", "nl")`` is ``moeizaam``); an unknown value with its underscores as spaces, never blank."""
    if value in (None, ""):
        return ""
    names = ENUM_WORDS.get(kind, {}).get(str(value))
    return names[lang] if names else str(value).replace("_", " ")


def _cut(text: str | None, limit: int) -> str | None:
    """``text`` shortened to ``limit`` characters at a word boundary, with an ellipsis."""
    if not text or len(text) <= limit:
        return text
    head = text[: limit - 1]
    return (head.rsplit(" ", 1)[0] if " " in head[limit // 2 :] else head).rstrip(" ,;:") + "…"


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
        text = " ".join(text.lstrip("# ").split())  # a Markdown source's heading marks are not part of the passage
        return _cut(text, MAX_PASSAGE_CHARS)

    def _where(self, lines: str, lang: str) -> str:
        span = lines.replace("L", "").split("-")
        if not lines:
            return ""
        if len(span) == 1 or span[0] == span[-1]:
            return f"{WORDS[lang]['line']} {span[0]}"
        return f"{WORDS[lang]['lines']} {span[0]}–{span[-1]}"

    def listing(self, lang: str) -> list[dict[str, Any]]:
        """Every cited locator in citation order: ``{"n", "document", "where", "locator"}``."""
        out = []
        for i, loc in enumerate(self.order, 1):
            document, _, lines = loc.partition("#")
            out.append({"n": i, "document": document, "where": self._where(lines, lang), "locator": loc})
        return out

    def by_document(self, lang: str) -> list[dict[str, Any]]:
        """The listing grouped per document, documents in order of first citation: ``{"document", "refs": [{"n", "where"}]}``.

        Runs of references numbered one after another whose lines follow on
        (a data series cited row by row) are one entry: ``[2–11] lines 5118–5127``.
        """
        groups: dict[str, list[list[Any]]] = {}
        for loc in self.order:
            document, _, lines = loc.partition("#")
            n = self.order.index(loc) + 1
            span = [int(x) for x in lines.replace("L", "").split("-") if x.isdigit()] if lines else []
            first, last = (span[0], span[-1]) if span else (None, None)
            runs = groups.setdefault(document, [])
            prev = runs[-1] if runs else None
            if prev and first is not None and prev[3] is not None and prev[1] == n - 1 and first == prev[3] + 1 and len(span) == 1 and prev[4]:
                prev[1], prev[3] = n, last
            else:
                runs.append([n, n, first, last, len(span) == 1])
        out = []
        for document, runs in groups.items():
            refs = []
            for n0, n1, first, last, _single in runs:
                lines = "" if first is None else f"L{first}" if first == last else f"L{first}-L{last}"
                refs.append({"n": str(n0) if n0 == n1 else f"{n0}–{n1}", "where": self._where(lines, lang)})
            out.append({"document": document, "refs": refs})
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
    width, height, pad = 330, 62, 4
    step = (width - pad) / len(years)
    bars = []
    for i, year in enumerate(years):
        x = pad + i * step
        for j, (values, cls) in enumerate(((nl, "nl"), (eu, "eu"))):
            if year in values:
                hgt = (height - 30) * values[year] / top
                bars.append({"x": round(x + j * step * 0.4, 1), "y": round(height - 16 - hgt, 1), "w": round(step * 0.38, 1), "h": round(hgt, 1), "cls": cls, "value": values[year], "year": year})
    return {"width": width, "height": height, "bars": bars, "years": [{"x": round(pad + i * step + step * 0.4, 1), "year": y} for i, y in enumerate(years)], "top": top, "table": [{"year": y, "nl": nl.get(y), "eu": eu.get(y)} for y in years]}


def brief_data(store: Any, iso3: str, *, as_of: dt.date | None, lang: str, folder: Any, known_by: dt.date | None = None) -> dict[str, Any]:
    """Everything the brief shows for one country, with locators numbered in citation order.

    ``as_of`` (valid time) and ``known_by`` (known time: only what sources dated
    by then stated) go to the profile and the linkage answer alike, and the page
    states both (``as_of``, ``known_by``: ISO text or None).

    Raises ``NotFound`` (404) for an unknown country. ``lang`` is ``nl`` or ``en``.
    What does not fit the page is cut by the layout rule above (top
    candidates, treaties per domain, linkages in play) and counted
    (``*_more``); names and passages are shortened with an ellipsis.
    """
    profile = country_profile(store, iso3, as_of=as_of, known_by=known_by)
    answer = linkages(store, iso3, as_of=as_of, known_by=known_by)
    words = WORDS[lang]
    src = _Sources(folder)

    country = profile["country"]
    # The linkage answer names items in English (with `name_nl` where koppel has it); the profile has both names.
    known = {item["key"]: item for section in ("linkages", "dossiers", "agreements", "projects", "forums", "groups", "partners", "donors", "events")
             for item in profile.get(section) or [] if isinstance(item, dict) and item.get("key")}

    def named(item: dict[str, Any] | None) -> str:
        if not item:
            return ""
        if item.get("key") in known:
            return _name(known[item["key"]], lang)
        ref_nl = item.get("name_nl")  # a linkage answer's reference: `name` is English, `name_nl` Dutch
        return (ref_nl if lang == "nl" and ref_nl else item.get("name") or ref_nl) or item.get("key", "")

    gaps: list[str] = []
    # Return cooperation: the latest assessment on or before as_of.
    assessments = sorted(profile.get("return_cooperation") or [], key=lambda a: str(a.get("as_of") or ""), reverse=True)
    rc = None
    if assessments:
        a = assessments[0]
        rc = {"level": word("level", a.get("level"), lang), "level_key": a.get("level"), "trend": word("trend", a.get("trend"), lang), "as_of": a.get("as_of"),
              "text": _cut(_localised(a.get("description_" + lang), lang) or (a.get("description") if lang == "en" else None), MAX_SENTENCE_CHARS),
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
    # Treaties by domain (agreement type where the treaty has no domain), the newest first.
    by_domain: dict[str, list[dict[str, Any]]] = {}
    for t in profile.get("agreements") or []:
        domain = word("domain", t["domain"], lang) if t.get("domain") else word("agreement_type", t["agreement_type"], lang) if t.get("agreement_type") else words["other"]
        name = _name(t, lang)
        by_domain.setdefault(domain, []).append(
            {"name": _cut(name, MAX_TREATY_CHARS), "full": name, "date": t.get("date_signed") or t.get("date"), "status": word("status", t.get("status"), lang),
             "sources": t.get("evidence") or t.get("sources")}
        )
    treaties = []
    for domain, items in sorted(by_domain.items()):
        items.sort(key=lambda t: str(t["date"] or ""), reverse=True)
        shown = items[:TREATIES_PER_DOMAIN]
        for t in shown:
            t["refs"] = src.cite(t.pop("sources"))
        treaties.append({"domain": domain, "count": len(items), "items": shown, "more": len(items) - len(shown)})
    if not treaties:
        gaps.append(words["gap.treaties"])
    existing = []
    seen = set()
    for x in answer.get("existing") or []:
        if x.get("key") in seen:
            continue
        seen.add(x.get("key"))
        targets = x.get("targets") or ([x["dossier"]] if x.get("dossier") else [])
        existing.append({"name": _cut(_localised(x.get("name_" + lang), lang) or named(x), MAX_NAME_CHARS),
                         "dossier": _cut("; ".join(named(d) for d in targets), MAX_NAME_CHARS),
                         "direction": x.get("direction"), "direction_text": word("direction", "cut" if x.get("direction") == "negative" else "offer", lang),
                         "status": word("status", x.get("status"), lang), "outcome": word("outcome", x.get("outcome"), lang),
                         "channel": word("channel", x.get("channel"), lang), "date": x.get("date"), "locators": x.get("sources")})
    existing_more = max(0, len(existing) - MAX_EXISTING)
    existing = existing[:MAX_EXISTING]
    for x in existing:
        x["refs"] = src.cite(x.pop("locators"))
    candidates = []
    all_candidates = answer.get("candidates") or []
    for c in all_candidates[:TOP_CANDIDATES]:
        reasons = c.get("reasons") or []
        sentence = _localised(c.get("sentence") or c.get("summary") or c.get("why"), lang)
        if not sentence and reasons:
            first = reasons[0]
            sentence = first.get("text_nl") if lang == "nl" else first.get("text")
        quote_loc = next((loc for r in reasons for loc in r.get("sources") or []), None)
        # Cited: the quoted passage and the rest of the first reason that has sources (the
        # precedent factor alone may rest on dozens of data rows: those stay in the explorer).
        locs = next((r.get("sources") for r in reasons if r.get("sources")), [])[:MAX_CANDIDATE_REFS]
        dossier = c.get("dossier") or {}
        name = named(dossier)
        # The engine's sentence opens with the action and the option's name ("Offer more under X: ..."),
        # which the brief prints just above it in bold: only what follows the colon is kept.
        action, target = _localised(c.get("action"), lang), dossier.get("name") or ""
        if sentence and ": " in sentence and (target and target in sentence.split(": ", 1)[0] or action and sentence.lower().startswith(action.lower())):
            sentence = sentence.split(": ", 1)[1]
            sentence = sentence[:1].upper() + sentence[1:]
        candidates.append({"name": _cut(name, MAX_NAME_CHARS), "full": name, "domain": word("domain", dossier.get("domain"), lang),
                           "direction": c.get("direction"), "direction_text": word("direction", "cut" if c.get("direction") == "negative" else "offer", lang),
                           "channel": word("channel", c.get("channel"), lang), "score": c.get("score"), "sentence": _cut(sentence, MAX_SENTENCE_CHARS),
                           "quote": src.passage(quote_loc) if quote_loc else None, "quote_ref": src.cite([quote_loc]) if quote_loc else [],
                           "refs": src.cite(locs)})
    if not candidates:
        gaps.append(words["gap.candidates"])
    # The engine's own warnings ({en, nl}) come first; older answers only have English `missing` texts.
    warnings = answer.get("warnings") or answer.get("missing") or []
    engine_gaps = [t for t in (_localised(m, lang) if isinstance(m, (dict, str)) else None for m in warnings) if t]
    if rc is None and any("assessment" in str(m.get("en", m) if isinstance(m, dict) else m) for m in warnings):
        gaps.remove(words["gap.assessment"])  # the engine said it already, naming the country
    gaps[:0] = engine_gaps
    return {
        "lang": lang, "w": words, "key": country.get("key"), "name": _name(country, lang),
        "other_name": _name(country, "nl" if lang == "en" else "en"), "as_of": as_of.isoformat() if as_of else None,
        "known_by": known_by.isoformat() if known_by else None,
        "made": dt.date.today().isoformat(), "gaps": gaps, "rc": rc, "chart": chart, "treaties": treaties,
        "existing": existing, "existing_more": existing_more, "candidates": candidates,
        "candidates_more": max(0, len(all_candidates) - TOP_CANDIDATES),
        "sources": src.listing(lang), "sources_by_document": src.by_document(lang),
    }


FIT_LEVELS = 4
"""Type sizes the brief tries in turn (7.4, 6.9, 6.4, 5.9 pt) until the PDF is one page."""


def render_brief_html(data: dict[str, Any], *, pdf_href: str | None = None, fit: int = 0) -> str:
    """The brief as a complete HTML page (print CSS included); ``pdf_href`` adds a download link, ``fit`` 1-3 a smaller type size."""
    return _env.get_template("brief.html").render(**data, pdf_href=pdf_href, fit=fit)


def render_brief_pdf(data: dict[str, Any]) -> bytes:
    """The brief printed to PDF by WeasyPrint (A4, the page's own print CSS), on one page.

    The layout rule of :func:`brief_data` fits the letter's countries at the
    normal type size; a country whose page would still run over is laid out
    again in a smaller type (``FIT_LEVELS``), and only the last size may
    overflow.
    """
    from weasyprint import HTML  # imported here: it loads Pango, which only the PDF needs

    for fit in range(FIT_LEVELS):
        document = HTML(string=render_brief_html(data, fit=fit)).render()
        if len(document.pages) == 1:
            break
    return document.write_pdf()


def brief_response(data: dict[str, Any], fmt: str) -> Response:
    """The brief of :func:`brief_data` as an HTTP answer: the printable HTML page (``fmt="html"``) or its PDF download (``"pdf"``).

    Both come from the same HTML and CSS; the HTML links to the PDF of the
    same country, date and language, the PDF is named
    ``koppel-brief-<KEY>-<date>-<lang>.pdf``.
    """
    query = f"lang={data['lang']}" + (f"&as_of={data['as_of']}" if data["as_of"] else "") + (f"&known_by={data['known_by']}" if data.get("known_by") else "")
    if fmt == "pdf":
        known = f"-known-{data['known_by']}" if data.get("known_by") else ""
        filename = f"koppel-brief-{data['key']}-{data['as_of'] or data['made']}{known}-{data['lang']}.pdf"
        return Response(render_brief_pdf(data), media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    return Response(render_brief_html(data, pdf_href=f"/api/countries/{data['key']}/brief?{query}&format=pdf"), media_type="text/html")


BRIEF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The brief as an HTML page or a PDF.", "content": {"text/html": {"schema": {"type": "string"}}, "application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
}


@router.get("/{iso3}/brief", summary="A one-page country brief (HTML with print CSS, or PDF)", response_class=Response, responses=BRIEF_RESPONSES)
def get_brief(
    iso3: _Key,
    store: Store,
    settings: Settings,
    as_of: _AsOf = None,
    known_by: _KnownBy = None,
    lang: Annotated[Literal["nl", "en"], Query(description="Language of the brief.")] = "nl",
    format: Annotated[Literal["html", "pdf"], Query(description="html (printable page) or pdf (download).")] = "html",  # noqa: A002
) -> Response:
    return brief_response(brief_data(store, iso3, as_of=as_of, known_by=known_by, lang=lang, folder=sources_dir(settings.sources)), format)
