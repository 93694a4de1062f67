"""Evidence checked at load: every locator must resolve to lines that exist.

A locator ``<document-id>#L<from>[-L<to>]`` resolves when some **resolver**
knows its document and the line range lies inside it. Resolvers are tried in
order; each answers for the documents it knows and ignores the others:

* :func:`dataset_resolver`: tabular sources of the data layers, where a line
  is a row (``eurostat-migr-eirtn#L124``; :mod:`koppel.loaders.data.datasets`);
* :func:`document_resolver`: text documents (``.txt``, ``.md``, ``.html``) in
  the sources folder or one folder down (:func:`koppel.loaders.documents.document_path`),
  or beside the facts file that cites them.

A new kind of source registers its own with :func:`register_resolver`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from koppel.graph.errors import NotFound, ValidationError

from .sources import Locator


@dataclass(frozen=True)
class Resolved:
    """A document a locator resolved to: its id, file, line (or row) count and SHA-256 of the file."""

    document: str
    path: str
    lines: int
    sha256: str


Resolver = Callable[[str, Sequence[Path]], Resolved | None]
"""``resolver(document_id, folders)``: the document if this resolver knows it, else None."""


@lru_cache(maxsize=256)
def _describe(path: str, mtime_ns: int, size: int) -> tuple[int, str]:
    data = Path(path).read_bytes()
    lines = data.decode("utf-8", errors="replace").splitlines()
    return len(lines), hashlib.sha256(data).hexdigest()


def describe_file(document: str, path: Path) -> Resolved:
    """Line count and SHA-256 of one file (cached while the file is unchanged)."""
    stat = path.stat()
    lines, digest = _describe(str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    return Resolved(document, str(path.resolve()), lines, digest)


def document_resolver(document: str, folders: Sequence[Path]) -> Resolved | None:
    """A text document in one of ``folders`` (or one folder down)."""
    from .documents import document_path

    for folder in folders:
        try:
            return describe_file(document, document_path(Path(folder), document))
        except NotFound:
            continue
    return None


def dataset_resolver(document: str, folders: Sequence[Path]) -> Resolved | None:
    """A dataset of the data layers, whose lines are rows (header = line 1)."""
    try:
        from .data import datasets
    except ImportError:  # the data layers are not installed
        return None
    if not datasets.is_dataset(document):
        return None
    path = _dataset_path(datasets, document, folders)
    if path is None:
        return None
    return describe_file(document, path)


def _dataset_path(datasets: object, document: str, folders: Sequence[Path]) -> Path | None:
    table = getattr(datasets, "DATASETS", {})
    if document in table:
        for folder in [None, *folders]:
            try:
                path = datasets.data_dir(sources=folder) / table[document].path  # type: ignore[attr-defined]
            except Exception:  # noqa: BLE001 - a folder without the data layers: try the next
                continue
            if path.is_file():
                return path
        return None
    match = getattr(datasets, "_GROUP_DATASET").match(document)
    if match and match["version"] == datasets.groups_version():  # type: ignore[attr-defined]
        path = datasets.group_file(match["gid"])  # type: ignore[attr-defined]
        return path if path.is_file() else None
    return None


RESOLVERS: list[Resolver] = [dataset_resolver, document_resolver]


def register_resolver(resolver: Resolver) -> None:
    """Add a resolver for a new kind of source (tried before the built-in ones)."""
    if resolver not in RESOLVERS:
        RESOLVERS.insert(0, resolver)


def resolve_document(document: str, folders: Sequence[Path]) -> Resolved | None:
    """The document a locator names, from the first resolver that knows it, or None."""
    for resolver in RESOLVERS:
        found = resolver(document, folders)
        if found is not None:
            return found
    return None


def locator_problem(locator: object, folders: Sequence[Path], known: dict[str, Resolved | None] | None = None) -> str | None:
    """Why ``locator`` does not resolve, or None when it names existing lines.

    ``known`` remembers resolved documents across calls (one look-up per document of a load).

    >>> locator_problem("free text", [])
    "'free text' is not a locator: write <document-id>#L<from> or <document-id>#L<from>-L<to>"
    """
    if not isinstance(locator, str):
        return f"{locator!r} is not a locator: write <document-id>#L<from> or <document-id>#L<from>-L<to>"
    try:
        parsed = Locator.parse(locator)
    except ValidationError:
        return f"{locator!r} is not a locator: write <document-id>#L<from> or <document-id>#L<from>-L<to>"
    if known is None:
        known = {}
    if parsed.document not in known:
        known[parsed.document] = resolve_document(parsed.document, folders)
    found = known[parsed.document]
    if found is None:
        where = ", ".join(str(f) for f in folders) or "no sources folder"
        return f"{locator!r}: no source document {parsed.document!r} (looked in {where} and the data layers)"
    if parsed.to_line > found.lines:
        return f"{locator!r}: line {parsed.to_line} is past the end of {parsed.document} ({found.lines} lines)"
    return None
