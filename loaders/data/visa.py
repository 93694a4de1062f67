"""Visa requirements for the Netherlands into VISA_REQUIREMENT relationships (passport country -> NLD).

File: ``visa/passport-index-tidy-iso3.csv`` under the data folder, columns
``Passport, Destination, Requirement`` (ISO alpha-3 codes). Only rows whose
destination is the Netherlands are read: its short-stay visa list is the
Schengen area's common one (Regulation (EU) 2018/1806), so the answer holds
for the Schengen area. Each becomes one relationship citing its row
(``passport-index#L<line>``) with the requirement, whether a visa must be
obtained, the visa-free days where the row gives a number, and the dataset's
date. The own-country row (``-1``) is skipped by rule; a malformed row (wrong
number of columns, an unknown requirement, a code no rule places) is reported
with its line, and nothing is returned.
"""

from __future__ import annotations

import csv
from pathlib import Path

from koppel.graph.errors import ValidationError
from koppel.graph.models import NodeRecord, RelRecord
from koppel.loaders.facts import Facts

from . import records
from .datasets import PASSPORT_INDEX, row_locator
from .names import known_key
from .report import LayerReport

DESTINATION = "NLD"
REQUIREMENTS = {
    "visa required": ("visa_required", True),
    "e-visa": ("e_visa", True),
    "visa on arrival": ("visa_on_arrival", True),
    "eta": ("eta", False),
    "visa free": ("visa_free", False),
    "no admission": ("no_admission", False),
    "covid ban": ("covid_ban", False),
}
"""Source wording -> (koppel's requirement, whether a visa must be obtained). A number means visa free for that many days."""


def _requirement(text: str) -> tuple[str, bool, int | None] | None:
    text = text.strip().lower()
    if text in REQUIREMENTS:
        requirement, required = REQUIREMENTS[text]
        return requirement, required, None
    if text.isdigit() and int(text) > 0:
        return "visa_free", False, int(text)
    return None


def load_visa(path: Path, *, destination: str = DESTINATION, dataset: str = PASSPORT_INDEX.id) -> tuple[Facts, LayerReport]:
    """Read the passport-index file: what each nationality needs for ``destination``.

    Returns the countries and relationships, and a report (rows read are the
    rows for ``destination``). Raises one :class:`ValidationError` naming every
    malformed row by line.
    """
    report = LayerReport(dataset)
    problems: list[str] = []
    countries: dict[str, NodeRecord] = {}
    rels: list[RelRecord] = []
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as error:
        raise ValidationError(f"{path}: cannot read dataset {dataset}: {error.strerror or error}") from None
    with handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header or [h.strip().lower() for h in header] != ["passport", "destination", "requirement"]:
            raise ValidationError(f"{path}:1: dataset {dataset} needs the columns Passport, Destination, Requirement; found {header!r}")
        seen: dict[str, int] = {}
        for line, row in enumerate(reader, start=2):
            if len(row) != 3:
                problems.append(f"{path}:{line}: {len(row)} columns, expected 3 (Passport, Destination, Requirement)")
                continue
            passport, to, text = (cell.strip() for cell in row)
            if to != destination:
                continue
            report.rows += 1
            locator = row_locator(dataset, line)
            if text == "-1" or passport == destination:
                report.skip(passport, "own country: no visa question", line)
                continue
            if not known_key(passport):
                problems.append(f"{path}:{line}: passport {passport!r} is a code no rule places (not ISO 3166-1 alpha-3)")
                continue
            parsed = _requirement(text)
            if parsed is None:
                problems.append(f"{path}:{line}: requirement {text!r} is not one of a number of days, {', '.join(REQUIREMENTS)} or -1")
                continue
            if passport in seen:
                problems.append(f"{path}:{line}: {passport} -> {destination} is stated again (first at line {seen[passport]})")
                continue
            seen[passport] = line
            requirement, required, days = parsed
            for code in (passport, destination):
                if code not in countries:
                    countries[code] = records.country(code, [locator])
            rels.append(
                records.rel(
                    "VISA_REQUIREMENT",
                    ("Country", passport),
                    ("Country", destination),
                    {
                        "requirement": requirement,
                        "visa_required": required,
                        "visa_free_days": days,
                        "as_of": PASSPORT_INDEX.version_date,
                        "sources": [locator],
                    },
                )
            )
    if problems:
        raise ValidationError(f"dataset {dataset}: {len(problems)} malformed row(s), nothing loaded:\n" + "\n".join(f"  {p}" for p in problems[:20]))
    report.nodes = len(countries)
    report.relationships = len(rels)
    return Facts(list(countries.values()), rels), report
