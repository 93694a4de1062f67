"""The document registry: which source documents koppel knows, by id, with their hash.

A source document is a text file (Markdown, plain text or HTML) under the
sources folder (``KOPPEL_SOURCES``, ``../shared/sources`` by default). Its
**document id** is its file name without the extension (``BWBV0004766`` for
``treaties/BWBV0004766.md``, the letter's long slug for its ``.txt``); that id
is what locators cite (``BWBV0004766#L12-L14``) and :func:`document_path`
finds the file for it, directly under the folder or one folder down.

:func:`read_document` checks and reads one file (refusing binary, empty,
non-UTF-8 and unsupported files with one clear message), normalises its text
without changing its line numbering, and describes it as a :class:`DocumentInfo`
(id, title, kind, date, sha256, line count). :class:`Registry` remembers the
documents registered so far in a JSON file, written atomically, and refuses a
second file claiming an id that is already taken. :func:`document_node` gives
the ``Document`` node facts for a registered document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from koppel.graph.errors import NotFound, ValidationError

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
DOCUMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_BWB = re.compile(r"^BWB[VR][0-9]{7}$")
_ISO_DATE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})-([01][0-9])-([0-3][0-9])(?![0-9])")
_TAG = re.compile(r"<[^>]*>")
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
MAX_BYTES = 20_000_000


@dataclass(frozen=True)
class DocumentInfo:
    """What the registry knows of one document.

    ``id`` is the locator id; ``path`` the file (absolute); ``kind`` one of
    ``treaty`` (a BWB treaty text), ``markdown``, ``text`` or ``html``;
    ``date`` an ISO date where the file name carries one; ``sha256`` the hex
    digest of the file's bytes; ``lines`` its line count; ``size`` its bytes.
    """

    id: str
    path: str
    title: str
    kind: str
    sha256: str
    lines: int
    size: int
    date: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (JSON-able), as the registry file stores them."""
        return asdict(self)


@dataclass(frozen=True)
class Document:
    """A read document: its description and its normalised lines (same numbering as the file)."""

    info: DocumentInfo
    lines: tuple[str, ...] = field(repr=False)


def document_id(path: Path) -> str:
    """The id locators use for a file: its name without the extension; refused if it has other characters."""
    name = path.name
    for suffix in SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
            break
    if not DOCUMENT_ID.match(name):
        raise ValidationError(f"{path}: file name {path.name!r} does not make a document id (letters, digits, '.', '_', '-')")
    return name


def normalise(text: str, kind: str) -> tuple[str, ...]:
    """Text into lines, line numbering unchanged: no BOM, no carriage returns, no-break spaces as spaces, HTML tags dropped per line."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if kind == "html":
        lines = [html.unescape(_TAG.sub(" ", line)).strip() for line in lines]
    return tuple(lines)


def _kind(path: Path, doc_id: str) -> str:
    suffix = path.suffix.lower()
    if _BWB.match(doc_id):
        return "treaty"
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".md", ".markdown"):
        return "markdown"
    return "text"


def _title(raw: str, lines: tuple[str, ...], kind: str) -> str:
    if kind == "html":
        match = _HTML_TITLE.search(raw)
        if match and match.group(1).strip():
            return re.sub(r"\s+", " ", html.unescape(match.group(1))).strip()
    if kind in ("treaty", "markdown"):
        for line in lines:
            if line.startswith("#"):
                title = line.lstrip("#").strip()
                if title:
                    return title
    for line in lines:
        if line.strip() and not line.lstrip().startswith("<"):
            return line.strip()
    return ""


def read_document(path: Path) -> Document:
    """Check and read one source file.

    Raises :class:`ValidationError` naming the file when it is not a regular
    file, has an unsupported extension, is larger than 20 MB, is empty (or only
    whitespace), holds NUL bytes (binary), or is not UTF-8 (with the byte
    offset of the first bad byte).
    """
    path = Path(path)
    if not path.is_file():
        raise ValidationError(f"{path}: not a file")
    if path.suffix.lower() not in SUFFIXES:
        raise ValidationError(f"{path}: unsupported file type {path.suffix or '(none)'!r}; koppel ingests {', '.join(SUFFIXES)}")
    doc_id = document_id(path)
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ValidationError(f"{path}: {size} bytes is larger than the {MAX_BYTES} bytes a source document may have")
    data = path.read_bytes()
    if not data.strip():
        raise ValidationError(f"{path}: the file is empty")
    if b"\x00" in data:
        raise ValidationError(f"{path}: binary file (it contains NUL bytes), not a text document")
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(f"{path}: not UTF-8 text (byte {error.start} is {data[error.start:error.start + 1]!r}); convert it to UTF-8 first") from None
    kind = _kind(path, doc_id)
    lines = normalise(raw, kind)
    date_match = _ISO_DATE.search(doc_id)
    date = None
    if date_match:
        try:
            date = dt.date(*(int(g) for g in date_match.groups())).isoformat()
        except ValueError:
            date = None
    info = DocumentInfo(
        id=doc_id,
        path=str(path.resolve()),
        title=_title(raw, lines, kind),
        kind=kind,
        sha256=hashlib.sha256(data).hexdigest(),
        lines=len(lines),
        size=size,
        date=date,
    )
    return Document(info, lines)


@lru_cache(maxsize=8)
def _subfolder_index(folder: Path, mtime: float) -> dict[str, Path]:
    """Document id -> file for files one folder below ``folder`` (cached per folder state)."""
    index: dict[str, Path] = {}
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for entry in os.scandir(sub):
            name = entry.name
            for suffix in SUFFIXES:
                if name.lower().endswith(suffix):
                    index.setdefault(name[: -len(suffix)], Path(entry.path))
                    break
    return index


def document_path(folder: Path, document: str) -> Path:
    """The file of a document id under a sources folder: ``<id>.txt``/``.md``/``.html`` there or one folder down.

    Raises :class:`NotFound` when no such file exists.
    """
    folder = Path(folder)
    for suffix in SUFFIXES:
        candidate = folder / f"{document}{suffix}"
        if candidate.is_file():
            return candidate
    if folder.is_dir():
        stamp = max([folder.stat().st_mtime] + [p.stat().st_mtime for p in folder.iterdir() if p.is_dir()])
        found = _subfolder_index(folder, stamp).get(document)
        if found is not None and found.is_file():
            return found
    raise NotFound(f"source document {document!r} is not in {folder}")


def document_node(info: DocumentInfo, sources_root: Path | None = None, *, name: str | None = None) -> dict[str, Any]:
    """The ``Document`` node facts (facts-file form) for a registered document.

    Key: the id in lower case; ``file``: the path relative to the sources
    folder where it lies under it; ``sources``: the document's title line.
    """
    file = info.path
    if sources_root is not None:
        try:
            file = str(Path(info.path).relative_to(Path(sources_root).resolve()))
        except ValueError:
            file = info.path
    node: dict[str, Any] = {
        "label": "Document",
        "key": info.id.lower(),
        "name": name or info.title or info.id,
        "doc_type": "treaty_text" if info.kind == "treaty" else "source_text",
        "title": info.title or None,
        "file": file,
        "sources": [f"{info.id}#L1"],
    }
    if info.date:
        node["date"] = info.date
    return {k: v for k, v in node.items() if v is not None}


class Registry:
    """Registered documents, kept in one JSON file (``{"documents": {id: DocumentInfo}}``), written atomically.

    :meth:`check` tells whether a document is ``new``, ``unchanged`` or
    ``changed`` (by sha256), and raises :class:`ValidationError` when its id is
    already registered for another file. Nothing is written before :meth:`save`.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.documents: dict[str, DocumentInfo] = {}
        if self.path.is_file():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.documents = {k: DocumentInfo(**v) for k, v in data.get("documents", {}).items()}
            except (ValueError, TypeError) as error:
                raise ValidationError(f"{self.path}: the document registry is damaged ({error}); remove it to start afresh") from None

    def check(self, info: DocumentInfo) -> str:
        """``new``, ``unchanged`` or ``changed``; an id taken by another file raises ValidationError."""
        known = self.documents.get(info.id)
        if known is None:
            return "new"
        if Path(known.path) != Path(info.path):
            raise ValidationError(f"{info.path}: document id {info.id!r} is already registered for {known.path}; rename one of them")
        return "unchanged" if known.sha256 == info.sha256 else "changed"

    def register(self, infos: Iterable[DocumentInfo]) -> None:
        """Record (or update) documents in memory; :meth:`save` writes them."""
        for info in infos:
            self.documents[info.id] = info

    def save(self) -> None:
        """Write the registry atomically (a temporary file replaced into place)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"documents": {k: v.as_dict() for k, v in sorted(self.documents.items())}}
        handle, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".registry-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)
