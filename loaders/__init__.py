"""Sources into facts into the graph: facts files, reference data, the seed graph, evidence."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def seed_files() -> list[Path]:
    """The facts files of the seed graph shipped with koppel."""
    folder = resources.files("koppel.loaders").joinpath("seed")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml", ".json")))
