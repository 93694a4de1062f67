"""Return figures a strategist reads at a glance, computed from the ReturnObservation nodes (never stored).

Source: Eurostat MIGR_EIRTN as loaded by :mod:`koppel.loaders.data.eurostat`;
every figure carries the locators of the rows it is computed from, and
:data:`CAVEATS` travels with every answer. Units are persons.

- :func:`return_series`: per reporting state, the Netherlands and the EU+EFTA
  total (the sum over reporting states that are members of the EU or EFTA
  groups in the graph; states not available in a year are counted and left
  out, never read as zero), the Netherlands' share of that total, and the
  trend over the last three years against the EU+EFTA trend.
- :func:`before_after`: the mean of the years before and after a date
  (the year of the date itself belongs to neither side), with the number of
  years on each side.
- :func:`linkage_effects`: :func:`before_after` for every dated linkage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dataclasses import replace

from koppel.graph.store import GraphStore
from koppel.graph.validity import Timeline
from koppel.loaders.data.datasets import DATASETS, EUROSTAT_RETURNS, PASSPORT_INDEX

from .profile import get_country

NETHERLANDS = "NLD"
EU_EFTA_GROUPS = ("eu-lidstaten", "european-free-trade-association")
"""Keys of the CountryGroups whose members make the EU+EFTA total (the package's EU and EFTA; the EU node is the letter's ``eu-lidstaten``)."""
CAVEATS = EUROSTAT_RETURNS.caveats
TREND_YEARS = 3
STABLE_BAND = 0.10
"""A change within +-10 % over the trend window counts as stable."""

_OBSERVATIONS = (
    "MATCH (o:ReturnObservation)-[:OF_CITIZENSHIP]->(c:Country {key: $key}) "
    "MATCH (o)-[:REPORTED_BY]->(g:Country) "
    "RETURN g.key AS state, g.name_en AS state_name, o.year AS year, o.persons AS persons, o.availability AS availability, o.sources AS sources "
    "ORDER BY state, year"
)
_EU_EFTA = "MATCH (g:Country)-[:MEMBER_OF]->(x:CountryGroup) WHERE x.key IN $groups RETURN DISTINCT g.key AS key ORDER BY key"


def eu_efta_states(store: GraphStore) -> list[str]:
    """Keys of the reporting states counted in the EU+EFTA total: members of the EU and EFTA groups in the graph."""
    return [row[0] for row in store.run(_EU_EFTA, {"groups": list(EU_EFTA_GROUPS)}).rows]


def trend(points: list[dict[str, Any]], years: int = TREND_YEARS, *, band: float = STABLE_BAND) -> dict[str, Any]:
    """Change over the last ``years`` years that have a figure: first and last value, change in persons and per cent, and a direction.

    ``direction`` is ``falling``, ``rising`` or ``stable`` (within +-``band``,
    a share: 10 % by default; the linkage weights' ``returns.fall`` sets it
    there), or ``unknown`` when fewer than two of those years have a figure.
    """
    window = [p for p in points if p.get("persons") is not None][-years:]
    if len(window) < 2:
        return {"from_year": None, "to_year": None, "change": None, "change_pct": None, "direction": "unknown"}
    first, last = window[0], window[-1]
    change = last["persons"] - first["persons"]
    pct = None if first["persons"] == 0 else change / first["persons"]
    if pct is None:
        direction = "rising" if change > 0 else "stable"
    else:
        direction = "falling" if pct < -band else "rising" if pct > band else "stable"
    return {
        "from_year": first["year"],
        "to_year": last["year"],
        "change": change,
        "change_pct": None if pct is None else round(pct * 100, 1),
        "direction": direction,
    }


def data_timeline(store: GraphStore, as_of: dt.date | None = None, known_by: dt.date | None = None) -> Timeline:
    """The timeline (:class:`~koppel.graph.validity.Timeline`) of the data layers: a dataset's rows are known from its version date.

    The registered datasets (:data:`koppel.loaders.data.datasets.DATASETS`) are
    not ``Document`` nodes; their ``version_date`` is their source date, unless
    a ``Document`` node of the same id gives one.
    """
    timeline = Timeline.of(store, as_of, known_by)
    if known_by is None:
        return timeline
    return replace(timeline, documents={**{d.id: d.version_date.isoformat() for d in DATASETS.values()}, **timeline.documents})


def _withheld(dataset: Any, timeline: Timeline) -> str:
    """Why a data layer is absent at ``timeline``: its dataset is dated after ``known_by``."""
    return f"{dataset.id} is dated {timeline.documents.get(dataset.id, dataset.version_date.isoformat())}, after known_by {timeline.known_by.isoformat()}"


def return_series(store: GraphStore, iso3: str, *, timeline: Timeline | None = None) -> dict[str, Any]:
    """Returns of a country's nationals per reporting state and year, the Netherlands, the EU+EFTA total, the Dutch share and the trends.

    ``timeline`` (from :func:`data_timeline`; None: everything) leaves out the
    rows none of whose sources is known by ``timeline.known_by`` and, at
    ``timeline.as_of``, the years whose figure was not yet published then (the
    linkage engine's rule, :func:`koppel.queries.linkage.reading.year_known`:
    year Y counts from 1 July of Y + 1); the answer then carries ``as_of``,
    ``known_by`` (ISO text or None) and ``withheld`` (why rows were left out
    for known time, or None).

    Shape::

        {"country": key, "name": ..., "unit": "persons", "caveats": ..., "eu_efta_states": [...],
         "years": [2014, ...],
         "netherlands": [{"year", "persons" (None = not available), "availability", "sources"}],
         "eu_efta_total": [{"year", "persons", "states_reported", "states_not_available", "netherlands_share_pct"}],
         "states": [{"state", "name", "in_eu_efta", "points": [...]}],
         "trend": {"netherlands": {...}, "eu_efta": {...}, "netherlands_fell_while_eu_did_not": bool | None}}

    Raises :class:`~koppel.graph.errors.NotFound` for an unknown country.
    """
    country = get_country(store, iso3)
    rows = store.run(_OBSERVATIONS, {"key": country["key"]}).records()
    withheld = None
    if timeline is not None:
        from .linkage.reading import year_known  # here: the linkage package imports this module

        known = [row for row in rows if timeline.known(row)]
        if len(known) < len(rows):
            withheld = _withheld(EUROSTAT_RETURNS, timeline)
        rows = [{**row, "sources": timeline.shown(row)["sources"]} for row in known if year_known(row["year"], timeline.as_of)]
    members = set(eu_efta_states(store))
    states: dict[str, dict[str, Any]] = {}
    for row in rows:
        state = states.setdefault(
            row["state"], {"state": row["state"], "name": row["state_name"], "in_eu_efta": row["state"] in members, "points": []}
        )
        state["points"].append(
            {"year": row["year"], "persons": row["persons"], "availability": row["availability"], "sources": row["sources"] or []}
        )
    years = sorted({row["year"] for row in rows})
    netherlands_by_year = {p["year"]: p for p in states.get(NETHERLANDS, {}).get("points", [])}
    netherlands = [
        netherlands_by_year.get(year, {"year": year, "persons": 0, "availability": "absent", "sources": []}) for year in years
    ]
    totals = []
    for year in years:
        reported = [p for s in states.values() if s["in_eu_efta"] for p in s["points"] if p["year"] == year]
        with_figure = [p["persons"] for p in reported if p["persons"] is not None]
        total = sum(with_figure) if reported else None
        nl = netherlands_by_year.get(year, {}).get("persons", 0 if NETHERLANDS in members else None)
        share = None if not total or nl is None else round(100 * nl / total, 1)
        totals.append(
            {
                "year": year,
                "persons": total,
                "states_reported": len(with_figure),
                "states_not_available": len(reported) - len(with_figure),
                "netherlands_share_pct": share,
            }
        )
    nl_trend, eu_trend = trend(netherlands), trend(totals)
    verdict = None
    if "unknown" not in (nl_trend["direction"], eu_trend["direction"]):
        verdict = nl_trend["direction"] == "falling" and eu_trend["direction"] != "falling"
    return {
        "country": country["key"],
        "name": country.get("name"),
        "unit": "persons",
        "dataset": EUROSTAT_RETURNS.id,
        "caveats": CAVEATS,
        "absent_rule": "a year without a row counts as 0 for the Netherlands (Eurostat leaves zero cells out); 'not_available' rows have no number",
        "eu_efta_states": sorted(members),
        "years": years,
        "netherlands": netherlands,
        "eu_efta_total": totals,
        "states": sorted(states.values(), key=lambda s: (s["state"] != NETHERLANDS, s["state"])),
        "trend": {"netherlands": nl_trend, "eu_efta": eu_trend, "netherlands_fell_while_eu_did_not": verdict},
        **((timeline.query() | {"withheld": withheld}) if timeline is not None else {"as_of": None, "known_by": None, "withheld": None}),
    }


def before_after(points: list[dict[str, Any]], date: dt.date | str) -> dict[str, Any]:
    """Mean persons in the years before and after ``date`` (its own year on neither side), with the number of years each mean is taken over.

    ``points`` are ``{"year", "persons"}``; years without a figure are left out.
    """
    year = (dt.date.fromisoformat(date) if isinstance(date, str) else date).year
    before = [p["persons"] for p in points if p["year"] < year and p.get("persons") is not None]
    after = [p["persons"] for p in points if p["year"] > year and p.get("persons") is not None]

    def mean(values: list[int]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    return {"year": year, "mean_before": mean(before), "years_before": len(before), "mean_after": mean(after), "years_after": len(after)}


def linkage_effects(store: GraphStore, iso3: str | None = None) -> list[dict[str, Any]]:
    """Before/after returns from the Netherlands and EU+EFTA for every dated linkage (of one country, or all), with the linkage's locators and the caveats."""
    cypher = (
        "MATCH (l:Linkage)-[:CONCERNS]->(c:Country) WHERE l.date IS NOT NULL"
        + (" AND c.key = $key" if iso3 else "")
        + " RETURN l.key AS linkage, l.name AS name, l.date AS date, l.direction AS direction, l.outcome AS outcome, c.key AS country, l.sources AS sources ORDER BY country, date, linkage"
    )
    params = {"key": get_country(store, iso3)["key"]} if iso3 else {}
    series: dict[str, dict[str, Any]] = {}
    out = []
    for row in store.run(cypher, params).records():
        if row["country"] not in series:
            series[row["country"]] = return_series(store, row["country"])
        s = series[row["country"]]
        out.append(
            {
                **row,
                "netherlands": before_after(s["netherlands"], row["date"]),
                "eu_efta": before_after(s["eu_efta_total"], row["date"]),
                "caveats": CAVEATS,
            }
        )
    return out


_VISA = (
    "MATCH (c:Country {key: $key})-[v:VISA_REQUIREMENT]->(d:Country) "
    "RETURN d.key AS destination, v.requirement AS requirement, v.visa_required AS visa_required, "
    "v.visa_free_days AS visa_free_days, v.as_of AS as_of, v.sources AS sources ORDER BY destination"
)


def visa_requirement(store: GraphStore, key: str, *, timeline: Timeline | None = None) -> list[dict[str, Any]]:
    """What nationals of country ``key`` need for a short stay in each destination the graph holds (the Netherlands: the Schengen list), with the row as evidence and the dataset's date.

    ``timeline`` (from :func:`data_timeline`; None: everything) keeps the
    requirements that hold at it: a requirement holds from the dataset's
    ``as_of`` (the list has no history) and is known from the dataset's date.
    """
    rows = store.run(_VISA, {"key": key}).records()
    return rows if timeline is None else [{**row, "sources": timeline.shown(row)["sources"]} for row in rows if timeline.holds(row)]


def profile_data(store: GraphStore, key: str, *, as_of: dt.date | None = None, known_by: dt.date | None = None) -> dict[str, Any]:
    """The data-layer sections of a country profile: ``returns`` (Netherlands and EU+EFTA series, Dutch share, trends, caveats; per-state series are at /returns) and ``visa``.

    At ``as_of``/``known_by`` (see :func:`return_series` and
    :func:`visa_requirement`): when known time leaves no return row,
    ``returns`` is None, and visa rows not known by then are left out;
    ``data_withheld`` says why for each (``{"returns": text | None, "visa": text | None}``).
    """
    timeline = data_timeline(store, as_of, known_by) if as_of or known_by else None
    series = return_series(store, key, timeline=timeline)
    series.pop("states")
    out: dict[str, Any] = {"returns": series, "visa": visa_requirement(store, key, timeline=timeline)}
    if timeline is not None:
        visa_withheld = None
        if known_by is not None and any(not timeline.known(row) for row in store.run(_VISA, {"key": key}).records()):
            visa_withheld = _withheld(PASSPORT_INDEX, timeline)
        if series.get("withheld") and not series["years"]:
            out["returns"] = None
        out["data_withheld"] = {"returns": series.get("withheld"), "visa": visa_withheld}
    return out
