"""Eurostat MIGR_EIRTN returns into ReturnObservation nodes, one per citizenship, reporting state and year.

File: ``eurostat/migr_eirtn_returned_to_third_country.csv`` under the data
folder, columns ``citizen, geo, year, <value>`` (see its SOURCE.md). Each row
becomes one ``ReturnObservation`` (``persons``; an empty value is kept as
``availability: not_available`` with no number, never as zero) tied to its
citizenship and its reporting state by ``OF_CITIZENSHIP`` and ``REPORTED_BY``,
and citing its row (``eurostat-migr-eirtn#L<line>``). Rows whose citizenship is
a category or an aggregate (``Stateless``, ``Asia``, ...) are skipped by rule
and reported by name. A malformed row (wrong number of columns, a value or year
that is not a number, a name no rule places, a repeated citizenship-state-year)
is reported with its line, and nothing is returned.
"""

from __future__ import annotations

import csv
from pathlib import Path

from koppel.graph.errors import ValidationError
from koppel.graph.models import NodeRecord, RelRecord
from koppel.loaders.facts import Facts

from . import records
from .datasets import EUROSTAT_RETURNS, row_locator
from .names import iso3_for, known_key, not_a_country
from .report import LayerReport

MAX_SHOWN = 20


def observation_key(citizenship: str, reporting: str, year: int) -> str:
    """The key of one observation: ``returns-afg-nld-2019`` (keys other than ISO codes are lower-case slugs)."""
    return f"returns-{citizenship.lower()}-{reporting.lower()}-{year}"


def _persons(text: str) -> int | None:
    """Persons from a value cell: ``'215.0'`` -> 215; empty or ``':'`` -> None (not available); anything else raises ValueError."""
    text = text.strip()
    if text in ("", ":"):
        return None
    number = float(text)
    if number != number or number < 0 or number != int(number):
        raise ValueError(text)
    return int(number)


def load_returns(path: Path, *, dataset: str = EUROSTAT_RETURNS.id) -> tuple[Facts, LayerReport]:
    """Read the returns file into observations and the countries they name.

    Returns the facts and a report of rows read and skipped (by name, with the
    reason and lines). Raises one :class:`ValidationError` listing every
    malformed row by line; then nothing is returned for a store to write.
    """
    report = LayerReport(dataset)
    problems: list[str] = []
    countries: dict[str, NodeRecord] = {}
    observations: list[NodeRecord] = []
    rels: list[RelRecord] = []
    seen: dict[tuple[str, str, int], int] = {}
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise ValidationError(f"{path}: cannot read dataset {dataset}: {error.strerror or error}") from None
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or [h.strip().lower() for h in header[:3]] != ["citizen", "geo", "year"] or len(header) != 4:
            raise ValidationError(f"{path}:1: dataset {dataset} needs the columns citizen, geo, year and a value column; found {header!r}")
        for line, row in enumerate(reader, start=2):
            report.rows += 1
            if len(row) != 4:
                problems.append(f"{path}:{line}: {len(row)} columns, expected 4 (citizen, geo, year, value)")
                continue
            citizen, geo, year_text, value = (cell.strip() for cell in row)
            locator = row_locator(dataset, line)
            reason = not_a_country(citizen)
            if reason:
                report.skip(citizen, reason, line)
                continue
            where = f"{path}:{line}"
            codes = []
            for column, name in (("citizen", citizen), ("geo", geo)):
                code = iso3_for(name)
                if code is None or not known_key(code):
                    why = not_a_country(name) if column == "geo" else None
                    problems.append(f"{where}: {column} {name!r} " + (f"is {why}" if why else "is a name no rule places (not in Eurostat's spellings, not an ISO 3166 country)"))
                codes.append(code)
            try:
                year = int(year_text)
                if not 1900 <= year <= 2100:
                    raise ValueError(year_text)
            except ValueError:
                problems.append(f"{where}: year {year_text!r} is not a calendar year")
                continue
            try:
                persons = _persons(value)
            except ValueError:
                problems.append(f"{where}: value {value!r} is not a number of persons")
                continue
            if None in codes or problems:
                continue  # keep collecting problems; nothing is built once one is found
            citizenship, reporting = codes
            identity = (citizenship, reporting, year)
            if identity in seen:
                problems.append(f"{where}: {citizen} / {geo} / {year} is stated again (first at line {seen[identity]})")
                continue
            seen[identity] = line
            for code in codes:
                if code not in countries:
                    countries[code] = records.country(code, [locator])
            obs = records.node(
                "ReturnObservation",
                observation_key(citizenship, reporting, year),
                {
                    "name": f"Returns of {citizenship} nationals from {reporting}, {year}",
                    "year": year,
                    "persons": persons,
                    "availability": "reported" if persons is not None else "not_available",
                    "dataset": dataset,
                    "sources": [locator],
                },
            )
            observations.append(obs)
            rels.append(records.rel("OF_CITIZENSHIP", obs, ("Country", citizenship), {"sources": [locator]}))
            rels.append(records.rel("REPORTED_BY", obs, ("Country", reporting), {"sources": [locator]}))
    if problems:
        shown = problems[:MAX_SHOWN] + ([f"... and {len(problems) - MAX_SHOWN} more"] if len(problems) > MAX_SHOWN else [])
        raise ValidationError(f"dataset {dataset}: {len(problems)} malformed row(s), nothing loaded:\n" + "\n".join(f"  {p}" for p in shown))
    report.nodes = len(observations) + len(countries)
    report.relationships = len(rels)
    return Facts(list(countries.values()) + observations, rels), report
