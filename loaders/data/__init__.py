"""The data layers (issue 12): return statistics, visa requirements and country groups, each fact citing its row.

- :mod:`.eurostat`: Eurostat MIGR_EIRTN returns as ``ReturnObservation`` nodes.
- :mod:`.visa`: what each nationality needs for the Netherlands (the Schengen list), ``VISA_REQUIREMENT``.
- :mod:`.groups`: regional and political groups from ``worldcountrygroups``, ``CountryGroup`` + ``MEMBER_OF``.
- :mod:`.names`: source spellings of country names to ISO 3166-1 alpha-3.
- :mod:`.datasets`: the datasets, their row locators and how ``koppel evidence`` resolves them.

:func:`load_data_layers` reads all three; the default load
(:func:`koppel.loaders.layers.default_facts`) merges them with the seed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .datasets import EUROSTAT_RETURNS, PASSPORT_INDEX, data_dir
from .report import LayerReport

if TYPE_CHECKING:  # the facts parser (PyYAML, the facts models) only for this annotation: readers of .datasets skip it
    from koppel.loaders.facts import Facts


def load_data_layers(folder: Path | None = None) -> list[tuple[Facts, LayerReport]]:
    """Returns, visa and group facts with their reports, read from the data folder (see :func:`.datasets.data_dir`)."""
    from .eurostat import load_returns
    from .groups import load_groups
    from .visa import load_visa

    root = data_dir(folder)
    return [
        load_returns(root / EUROSTAT_RETURNS.path),
        load_visa(root / PASSPORT_INDEX.path),
        load_groups(),
    ]


__all__ = ["LayerReport", "data_dir", "load_data_layers"]
