"""Sources into facts into the graph: facts files, reference data, the seed graph, evidence."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def seed_files() -> list[Path]:
    """The facts files of the seed graph shipped with koppel."""
    folder = resources.files("koppel.loaders").joinpath("seed")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith((".yaml", ".yml", ".json")))


def default_facts():  # noqa: ANN201 - returns (Facts, list[str]); imported lazily to keep this module light
    """The default load: the seed graph plus every layer of :data:`koppel.loaders.layers.DEFAULT_LAYERS`, merged; and the layers' report lines."""
    from .layers import default_facts as merged

    return merged()
