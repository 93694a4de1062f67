"""Plain words in English and Dutch for what a strategist reads: no keys, no enum values, no relationship types.

A :class:`Text` is one sentence or phrase in both languages. The tables below
turn the schema's coded values (dossier domains, statuses, outcomes, channels,
fragility factors) into words, read from the one table ``graph/words.json``; :func:`name_of` turns a node into its display
name (English, else Dutch, else a humanised key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from koppel.graph.schema import value_words


@dataclass(frozen=True)
class Text:
    """One sentence or phrase in English (``en``) and Dutch (``nl``)."""

    en: str
    nl: str

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "nl": self.nl}

    def __add__(self, other: Text) -> Text:
        return Text(self.en + other.en, self.nl + other.nl)


def join(parts: list[Text], sep: str = "; ") -> Text:
    """The parts joined by ``sep`` in each language."""
    return Text(sep.join(p.en for p in parts if p.en), sep.join(p.nl for p in parts if p.nl))


def sentence(text: Text) -> Text:
    """``text`` with a capital first letter and a final full stop, in both languages."""
    def fix(s: str) -> str:
        s = s.strip()
        if not s:
            return s
        s = s[0].upper() + s[1:]
        return s if s.endswith(".") else s + "."
    return Text(fix(text.en), fix(text.nl))


def _words(kind: str) -> dict[str, Text]:
    """The schema's words for the values of property ``kind``, from :func:`koppel.graph.schema.value_words`."""
    return {value: Text(names["en"], names["nl"]) for value, names in value_words().get(kind, {}).items()}


# One table of words for coded values (graph/words.json): the explorer and
# the brief name every value the way these sentences do.
DOMAINS: dict[str, Text] = _words("domain")
DOSSIER_STATUS: dict[str, Text] = _words("status")
OUTCOMES: dict[str, Text] = _words("outcome")
CHANNELS: dict[str, Text] = _words("channel")
FRAGILITY: dict[str, Text] = _words("risk_factors")
AGREEMENT_TYPES: dict[str, Text] = _words("agreement_type")


def coded(table: dict[str, Text], value: str | None) -> Text:
    """The words for a coded value; an unknown code is humanised (underscores become spaces)."""
    if value in table:
        return table[value]
    words = (value or "").replace("_", " ").strip() or "unknown"
    return Text(words, words)


def domain(value: str | None) -> Text:
    """The words for a dossier or treaty domain."""
    return coded(DOMAINS, value)


def name_of(node: dict[str, Any] | None, lang: str = "en") -> str:
    """A node's display name in ``lang`` ("en" or "nl"): the name in that language, else ``name``, else the key humanised."""
    node = node or {}
    first = node.get("name_en") if lang == "en" else node.get("name_nl")
    found = first or node.get("name") or node.get("name_en") or node.get("name_nl")
    if found:
        return str(found)
    return str(node.get("key") or "?").replace("-", " ").replace("_", " ")


def names(node: dict[str, Any] | None) -> Text:
    """A node's display name in both languages."""
    return Text(name_of(node, "en"), name_of(node, "nl"))


def fragility_words(factors: list[str]) -> Text:
    """The recorded fragility factors as a phrase, e.g. "post-conflict, mass displacement"."""
    return join([coded(FRAGILITY, f) for f in factors], ", ")
