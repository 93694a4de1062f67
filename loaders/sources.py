"""Source documents and locators: ``<document-id>#L<from>-L<to>`` back to the cited passage.

The sources stay outside the project (``--sources DIR`` or ``KOPPEL_SOURCES``);
koppel keeps only line references into them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from koppel.graph.errors import ConfigError, NotFound, ValidationError

LOCATOR = re.compile(r"^(?P<document>[A-Za-z0-9][A-Za-z0-9._-]*)#L(?P<start>[1-9][0-9]*)(?:-L(?P<end>[1-9][0-9]*))?$")
# "terug- / en overname": a hyphen before a conjunction elides a word; it is not a line break.
_ELLIPSIS = re.compile(r"^(en|of|en/of|tot)\b")
_REPO_SOURCES = Path(__file__).resolve().parent.parent.parent / "shared" / "sources"


@dataclass(frozen=True)
class Locator:
    document: str
    from_line: int
    to_line: int

    @classmethod
    def parse(cls, text: str) -> Locator:
        match = LOCATOR.match(text.strip())
        if not match:
            raise ValidationError(f"locator {text!r} is not of the form <document-id>#L<from>-L<to>")
        start = int(match["start"])
        end = int(match["end"] or start)
        if end < start:
            raise ValidationError(f"locator {text!r} ends before it starts")
        return cls(match["document"], start, end)

    def __str__(self) -> str:
        lines = f"L{self.from_line}" if self.from_line == self.to_line else f"L{self.from_line}-L{self.to_line}"
        return f"{self.document}#{lines}"


@dataclass(frozen=True)
class Evidence:
    locator: str
    document: str
    from_line: int
    to_line: int
    text: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def sources_dir(configured: Path | None = None) -> Path:
    """The folder of source documents: the one configured, else ../shared/sources beside the repository."""
    folder = configured or (_REPO_SOURCES if _REPO_SOURCES.is_dir() else None)
    if folder is None:
        raise ConfigError("no sources folder: pass --sources DIR or set KOPPEL_SOURCES")
    if not Path(folder).is_dir():
        raise ConfigError(f"sources folder {folder} " + ("is a file, not a folder" if Path(folder).exists() else "does not exist"))
    return Path(folder)


@lru_cache(maxsize=32)
def document_lines(folder: Path, document: str) -> tuple[str, ...]:
    # <id>.txt, .md or .html in the folder or one folder down (koppel.loaders.documents).
    from .documents import document_path

    path = document_path(folder, document)
    return tuple(path.read_text(encoding="utf-8").splitlines())


def dehyphenate(lines: list[str] | tuple[str, ...]) -> str:
    """Join lines into running text: a word hyphenated at a line end is made whole again.

    >>> dehyphenate(["de landenbena-", "dering migratie", " volgende pagina"])
    'de landenbenadering migratie volgende pagina'
    """
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if text.endswith("-") and line[:1].islower() and not _ELLIPSIS.match(line):
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return re.sub(r"\s+", " ", text)


def evidence(locator: str, folder: Path | None = None) -> Evidence:
    """The passage a locator cites, de-hyphenated (or the dataset rows it cites, see :func:`dataset_evidence`)."""
    parsed = Locator.parse(locator)
    if (rows := dataset_evidence(parsed, folder)) is not None:
        return rows
    lines = document_lines(sources_dir(folder), parsed.document)
    if parsed.to_line > len(lines):
        raise NotFound(f"locator {locator!r} points past the end of {parsed.document} ({len(lines)} lines)")
    passage = lines[parsed.from_line - 1 : parsed.to_line]
    return Evidence(str(parsed), parsed.document, parsed.from_line, parsed.to_line, dehyphenate(passage))


# -- issue 12: dataset rows and package data (koppel.loaders.data) -----------------------------

def dataset_evidence(parsed: Locator, folder: Path | None = None) -> Evidence | None:
    """The rows a data-layer locator cites (``eurostat-migr-eirtn#L124``, ``worldcountrygroups-0.5.0-igad#L8-L10``), or None for a document locator.

    The text gives each cited row column by column, then the dataset's title and caveats.
    """
    from koppel.loaders.data.datasets import dataset_rows, is_dataset

    if not is_dataset(parsed.document):
        return None
    text, about = dataset_rows(parsed.document, parsed.from_line, parsed.to_line, sources=folder)
    return Evidence(str(parsed), parsed.document, parsed.from_line, parsed.to_line, f"{text} ({about})")
