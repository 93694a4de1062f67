"""Shared helpers for the seed tests: the letter as running text, and an index of the seed's names.

Fixtures (not imports) carry the helpers, because the tests run with
``--import-mode=importlib`` and have no packages.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from koppel.loaders.facts import Facts
from koppel.loaders.sources import Locator, dehyphenate

LETTER_ID = "kamerbrief-2014-02-25-strategische-landenbenadering-migratie"

# Nodes that a passage rarely names literally: they may be traced through a node they are tied to.
INDIRECT_LABELS = frozenset({"Event", "Linkage", "Assessment", "Dossier", "Project", "Agreement"})


def norm(text: str) -> str:
    """Case- and accent-insensitive form: casefold, strip diacritics, one kind of apostrophe, single spaces."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text.casefold()).strip()


def mentions(normalised_text: str, normalised_name: str) -> bool:
    """Whether a (normalised) name occurs in a (normalised) text as whole words."""
    if not normalised_name:
        return False
    return re.search(r"(?<!\w)" + re.escape(normalised_name) + r"(?!\w)", normalised_text) is not None


@dataclass
class Letter:
    """The source letter: its raw lines (1-based access) and its de-hyphenated running text."""

    path: Path
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return dehyphenate(list(self.lines))

    def span(self, first: int, last: int) -> str:
        """Lines first..last (1-based, inclusive), de-hyphenated."""
        return dehyphenate(list(self.lines[first - 1 : last]))

    def cited(self, locator: str) -> str:
        parsed = Locator.parse(locator)
        return self.span(parsed.from_line, parsed.to_line)


def node_names(properties: dict) -> list[str]:
    """Every name a node goes by: name, Dutch and English names, acronym and aliases."""
    names = [properties.get(field) for field in ("name", "name_nl", "name_en", "acronym")]
    names += list(properties.get("aliases") or [])
    return [n for n in names if n]


class SeedIndex:
    """Names of every node, and which nodes are directly connected, for a set of facts."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.nodes = {n.key: n for n in facts.nodes}
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for rel in facts.relationships:
            self.neighbours[rel.start].add(rel.end)
            self.neighbours[rel.end].add(rel.start)

    def names(self, key: str) -> list[str]:
        return node_names(self.nodes[key].properties)

    def named_in(self, key: str, normalised_text: str) -> list[str]:
        """The names of node ``key`` that occur in the text."""
        return [n for n in self.names(key) if mentions(normalised_text, norm(n))]

    def traced_in(self, key: str, normalised_text: str) -> str | None:
        """How the text mentions node ``key``: its own name, or (for indirect labels) a neighbour's; None if not at all."""
        own = self.named_in(key, normalised_text)
        if own:
            return own[0]
        if self.nodes[key].label in INDIRECT_LABELS:
            for other in sorted(self.neighbours[key]):
                found = self.named_in(other, normalised_text)
                if found:
                    return f"{found[0]} (via {other})"
        return None

    def resolve(self, mention: str) -> list[str]:
        """Keys of the nodes that have ``mention`` as name or alias (case- and accent-insensitive)."""
        wanted = norm(mention)
        return sorted(k for k in self.nodes if wanted in {norm(n) for n in self.names(k)})


@pytest.fixture(scope="session")
def letter(sources_dir: Path) -> Letter:
    path = sources_dir / f"{LETTER_ID}.txt"
    assert path.is_file(), f"the source letter is missing at {path}"
    return Letter(path, tuple(path.read_text(encoding="utf-8").splitlines()))


@pytest.fixture(scope="session")
def seed_index(seed_facts) -> SeedIndex:
    return SeedIndex(seed_facts)


@pytest.fixture(scope="session")
def seed_tools() -> SimpleNamespace:
    """The helpers themselves, for tests that build their own (deliberately wrong) inputs."""
    return SimpleNamespace(
        LETTER_ID=LETTER_ID,
        INDIRECT_LABELS=INDIRECT_LABELS,
        norm=norm,
        mentions=mentions,
        SeedIndex=SeedIndex,
        Letter=Letter,
        node_names=node_names,
    )
