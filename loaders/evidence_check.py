"""``koppel check --sources``: is the evidence in the store still what was loaded?

Every ``Document`` node loaded from a file records the file's SHA-256 and line
count (:func:`koppel.loaders.facts.parse_facts`). A file edited since then may
no longer say, at the cited lines, what the statements say it says: this check
lists each such document with the locators that cite it.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from koppel.graph.errors import ConfigError

from .locators import resolve_document
from .sources import sources_dir


def _cited(graph: Any) -> dict[str, list[str]]:
    """Locators in the store, by the document they cite."""
    by_document: dict[str, list[str]] = defaultdict(list)
    for item in [*graph.all_nodes(), *graph.all_relationships()]:
        for locator in item.get("sources") or []:
            if isinstance(locator, str) and "#" in locator:
                by_document[locator.split("#", 1)[0]].append(locator)
    return by_document


def stale_evidence(graph: Any, folder: Path | None = None) -> dict[str, Any]:
    """Documents whose file changed (or vanished) since loading, each with the locators citing it.

    Returns ``{"ok": bool, "checked": int, "documents": [{"document", "problem", "locators"}]}``;
    only Document nodes that recorded a hash are checked.
    """
    try:
        folders: tuple[Path, ...] = (sources_dir(folder),)
    except ConfigError:
        if folder is not None:
            raise
        folders = ()
    if not graph.has_schema():  # emptied by `koppel clear --schema`: no Document to check, as on Neo4j after the same clear
        return {"ok": True, "checked": 0, "documents": []}
    rows = graph.run("MATCH (d:Document) RETURN d.key AS key, d.file AS file, d.sha256 AS sha256 ORDER BY key").rows
    cited = _cited(graph)
    checked, stale = 0, []
    for key, file, sha256 in rows:
        if not sha256:
            continue
        checked += 1
        ids = [key] + ([Path(file).name.rsplit(".", 1)[0]] if file else [])
        found = next((r for r in (resolve_document(i, folders) for i in ids) if r is not None), None)
        locators = sorted({loc for i in ids for loc in cited.get(i, [])})
        if found is None:
            stale.append({"document": key, "problem": "the source file is gone", "locators": locators})
        elif found.sha256 != sha256:
            stale.append({"document": key, "problem": f"the file changed since it was loaded (sha256 {sha256[:12]}..., now {found.sha256[:12]}...)", "locators": locators})
    return {"ok": not stale, "checked": checked, "documents": stale}
