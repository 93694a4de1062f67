"""The data layers' datasets and their row locators: ``<dataset-id>#L<row>``.

A dataset row is cited by its line in the file (line 1 is the header, so the
first data row is ``#L2``); ``koppel evidence`` and ``GET /api/evidence``
resolve it to the row, column by column. Country groups come from the
installed ``worldcountrygroups`` package: one dataset per group file,
``worldcountrygroups-<version>-<group id>``, cited by the line of the member's
``iso3`` (or the group's ``name``) in the package's JSON file; the locator
resolves only while that version is installed.

The data files stay outside the project: ``KOPPEL_DATA``, else a ``data``
folder beside the sources folder, else ``../shared/data`` beside the
repository.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from koppel.graph.errors import ConfigError, NotFound

_REPO_DATA = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "data"


@dataclass(frozen=True)
class Dataset:
    """A file of rows koppel cites: its id, its path under the data folder, what it is, and the date of its version."""

    id: str
    path: str
    title: str
    version_date: dt.date
    caveats: str = ""


EUROSTAT_RETURNS = Dataset(
    id="eurostat-migr-eirtn",
    path="eurostat/migr_eirtn_returned_to_third_country.csv",
    title="Eurostat MIGR_EIRTN: third-country nationals who left the territory after an order to leave, to a third country, by citizenship, reporting state and year (update of 20 September 2024)",
    version_date=dt.date(2024, 9, 20),
    caveats=(
        "Persons, rounded to the nearest 5 by Eurostat; an absent row means 0 or not reported, an empty value not available. "
        "Several states changed their reporting in 2021 (the Netherlands' series falls sharply in 2021-2022): "
        "compare a state with itself over time and with the EU+EFTA total with that in mind."
    ),
)
PASSPORT_INDEX = Dataset(
    id="passport-index",
    path="visa/passport-index-tidy-iso3.csv",
    title="Passport Index dataset (ilyankou/passport-index-dataset, commit of 12 January 2025): visa requirement by passport and destination",
    version_date=dt.date(2025, 1, 12),
    caveats="A secondary source (passportindex.org), current as of its date, with no history.",
)
DATASETS: dict[str, Dataset] = {d.id: d for d in (EUROSTAT_RETURNS, PASSPORT_INDEX)}

GROUPS_PACKAGE = "worldcountrygroups"
_GROUP_DATASET = re.compile(rf"^{GROUPS_PACKAGE}-(?P<version>\d+(?:\.\d+)*)-(?P<gid>[a-z0-9-]+)$")


def data_dir(configured: Path | None = None, sources: Path | None = None) -> Path:
    """The folder of data files: the one configured (or ``KOPPEL_DATA``), else ``data`` beside the sources folder, else ``../shared/data`` beside the repository."""
    folder = configured or (Path(os.environ["KOPPEL_DATA"]) if os.environ.get("KOPPEL_DATA") else None)
    if folder is None and sources is not None and (Path(sources).parent / "data").is_dir():
        folder = Path(sources).parent / "data"
    if folder is None and _REPO_DATA.is_dir():
        folder = _REPO_DATA
    if folder is None:
        raise ConfigError("no data folder: set KOPPEL_DATA to the folder holding eurostat/ and visa/")
    if not Path(folder).is_dir():
        raise ConfigError(f"data folder {folder} does not exist")
    return Path(folder)


def groups_version() -> str:
    """The installed version of the country-groups package."""
    return metadata.version(GROUPS_PACKAGE)


def group_dataset_id(gid: str, version: str | None = None) -> str:
    """The dataset id of one group file of the installed ``worldcountrygroups``: ``worldcountrygroups-0.5.0-igad``."""
    return f"{GROUPS_PACKAGE}-{version or groups_version()}-{gid}"


def group_file(gid: str) -> Path:
    """The JSON file of group ``gid`` inside the installed package."""
    return Path(str(resources.files(GROUPS_PACKAGE).joinpath("data", "groups", f"{gid}.json")))


def row_locator(dataset: str, line: int) -> str:
    """The locator of line ``line`` (1-based; the header is line 1) of a dataset."""
    return f"{dataset}#L{line}"


@lru_cache(maxsize=8)
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


def is_dataset(document: str) -> bool:
    """Whether a locator's document id names a dataset of the data layers."""
    return document in DATASETS or bool(_GROUP_DATASET.match(document))


def dataset_rows(document: str, from_line: int, to_line: int, *, sources: Path | None = None) -> tuple[str, str]:
    """The cited rows of a dataset as ``column: value`` text, and the dataset's title.

    Raises :class:`NotFound` for an unknown dataset, a line past the end or a
    package version that is not the installed one.
    """
    if document in DATASETS:
        dataset = DATASETS[document]
        path = data_dir(sources=sources) / dataset.path
        if not path.is_file():
            raise NotFound(f"dataset {document!r} is not at {path}")
        lines = _lines(path)
        _check_range(document, from_line, to_line, len(lines))
        header = next(csv.reader([lines[0]]))
        parts = []
        for number in range(from_line, to_line + 1):
            cells = next(csv.reader([lines[number - 1]]), [])
            if number == 1:
                parts.append("header: " + ", ".join(cells))
            else:
                parts.append(f"row {number}: " + ", ".join(f"{name}: {value if value != '' else '(empty: not available)'}" for name, value in zip(header, cells)))
        return "; ".join(parts), f"{dataset.title}. {dataset.caveats}".strip()
    match = _GROUP_DATASET.match(document)
    if not match:
        raise NotFound(f"no dataset {document!r}")
    installed = groups_version()
    if match["version"] != installed:
        raise NotFound(f"{document!r} cites {GROUPS_PACKAGE} {match['version']}, but {installed} is installed")
    path = group_file(match["gid"])
    if not path.is_file():
        raise NotFound(f"{GROUPS_PACKAGE} {installed} has no group {match['gid']!r}")
    lines = _lines(path)
    _check_range(document, from_line, to_line, len(lines))
    text = " ".join(line.strip() for line in lines[from_line - 1 : to_line])
    return text, f"{GROUPS_PACKAGE} {installed}, file data/groups/{match['gid']}.json"


def _check_range(document: str, from_line: int, to_line: int, length: int) -> None:
    if to_line > length:
        raise NotFound(f"locator points past the end of {document} ({length} lines)")
