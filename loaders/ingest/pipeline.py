"""The ingest pipeline and its workspace: registry, candidates, decisions.

The workspace is a folder (``KOPPEL_INGEST_DIR``, default ``<user data>/koppel/ingest``)::

    registry.json      the registered documents (koppel.loaders.documents.Registry)
    candidates.json    per document: sha256, extractor, candidates, issues
    decisions.json     per candidate id: decision (accept/reject/edit), value, who, when

:func:`ingest` reads every file first (refusing the whole call, with one
message, on a bad file or a colliding id, so nothing is half-registered),
then extracts the new and changed documents and writes the three files
atomically. An unchanged document (same sha256, same extractor) is skipped and
reported as unchanged. A changed document is re-extracted and diffed: its
candidates that were decided before keep their decision when the same fact
(same field and value) is found again; the others are reported as ``added``
or ``gone``, and the accepted facts no longer found are named (``accepted_gone``):
their decisions stay on record, and they stay in the graph until unloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

from koppel.graph.errors import ValidationError
from koppel.loaders.documents import SUFFIXES, Document, Registry, read_document

from . import treaties

MAX_FILES = 20_000


def workspace_dir(configured: str | Path | None = None) -> Path:
    """The ingest workspace: the one given, else ``KOPPEL_INGEST_DIR``, else the user data folder."""
    folder = configured or os.environ.get("KOPPEL_INGEST_DIR") or Path(user_data_dir("koppel")) / "ingest"
    return Path(folder)


def candidate_id(document: str, field_name: str, value: Any) -> str:
    """A stable id of a candidate: its document, field and value (12 hex digits)."""
    text = json.dumps([document, field_name, value], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
    os.replace(tmp, path)


def _read_json(path: Path, default: Any) -> Any:
    if not path.is_file():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValidationError(f"{path}: damaged workspace file ({error}); remove it to start afresh") from None


@dataclass
class Workspace:
    """The three workspace files in memory; :meth:`save` writes them atomically."""

    folder: Path
    registry: Registry = field(init=False)
    candidates: dict[str, dict[str, Any]] = field(init=False)
    decisions: dict[str, dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.folder = Path(self.folder)
        self.registry = Registry(self.folder / "registry.json")
        self.candidates = _read_json(self.folder / "candidates.json", {})
        self.decisions = _read_json(self.folder / "decisions.json", {})

    def save(self) -> None:
        """Write candidates, decisions and the registry, each atomically (a temporary file replaced into place)."""
        _write_json(self.folder / "candidates.json", self.candidates)
        _write_json(self.folder / "decisions.json", self.decisions)
        self.registry.save()

    def pending(self) -> list[dict[str, Any]]:
        """Candidates without a decision, in document order."""
        return [c for doc in sorted(self.candidates) for c in self.candidates[doc]["candidates"] if c["id"] not in self.decisions]


def _files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("."))
            files.extend(p for p in found if p.name != "SOURCE.md")
        elif path.exists():
            files.append(path)
        else:
            raise ValidationError(f"{path}: no such file or folder")
        if len(files) > MAX_FILES:
            raise ValidationError(f"{path}: more than {MAX_FILES} files to ingest at once; ingest the folder in parts")
    if not files:
        raise ValidationError(f"no documents to ingest in {', '.join(str(p) for p in paths)} (koppel ingests {', '.join(SUFFIXES)})")
    return files


def _extract(document: Document) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    if document.info.kind == "treaty":
        result = treaties.extract(document)
        extractor = treaties.EXTRACTOR
    else:
        return "none", [], [{"field": "*", "reason": f"no extractor for documents of kind {document.info.kind!r} yet", "lines": None}]
    out = []
    for candidate in result.candidates:
        row = asdict(candidate)
        row["lines"] = list(candidate.lines)
        row["locator"] = candidate.locator
        row["id"] = candidate_id(candidate.document, candidate.field, candidate.value)
        out.append(row)
    return extractor, out, result.issues


def ingest(paths: Sequence[Path], workspace: Workspace) -> dict[str, Any]:
    """Register and extract documents; returns a report ``{new, changed, unchanged, candidates, diff, issues}``.

    Raises :class:`ValidationError` (nothing written) when a file is bad or two
    files claim one document id.
    """
    files = _files(paths)
    documents: list[Document] = []
    seen: dict[str, Path] = {}
    for path in files:
        document = read_document(path)
        other = seen.get(document.info.id)
        if other is not None:
            raise ValidationError(f"{path}: document id {document.info.id!r} is also the id of {other}; rename one of them")
        seen[document.info.id] = path
        workspace.registry.check(document.info)  # raises on an id registered for another file
        documents.append(document)
    report: dict[str, Any] = {"new": [], "changed": [], "unchanged": [], "candidates": 0, "issues": 0, "diff": {}}
    for document in documents:
        info = document.info
        status = workspace.registry.check(info)
        previous = workspace.candidates.get(info.id)
        extractor = treaties.EXTRACTOR if info.kind == "treaty" else "none"
        if status == "unchanged" and previous and previous.get("extractor") == extractor:
            report["unchanged"].append(info.id)
            continue
        extractor, rows, issues = _extract(document)
        if previous:
            old = {c["id"] for c in previous["candidates"]}
            new = {c["id"] for c in rows}
            if old != new:
                gone = sorted(old - new)
                accepted_gone = [c for c in gone if workspace.decisions.get(c, {}).get("decision") in ("accept", "edit")]
                report["diff"][info.id] = {"added": sorted(new - old), "gone": gone, "accepted_gone": accepted_gone}
            status = "changed"
        workspace.candidates[info.id] = {"sha256": info.sha256, "extractor": extractor, "title": info.title, "candidates": rows, "issues": issues}
        report["changed" if status == "changed" else "new"].append(info.id)
        report["candidates"] += len(rows)
        report["issues"] += len(issues)
    workspace.registry.register(d.info for d in documents)
    if report["new"] or report["changed"]:
        workspace.save()
    return report
