"""Find entities by Dutch or English name or alias, tolerant of accents, other scripts and small typos.

Names and queries are folded alike (:func:`fold`): transliterated to ASCII by
anyascii (so ``ø``, ``ł``, ``đ``, ``æ``, ``œ``, ``ı`` and ``Ü`` fold as a
reader expects), lower-cased, and split into words at anything that is not a
letter or digit. A query then scores against every folded name:

* 100: the query is the whole name (98 when only spaces or hyphens differ);
* 95 (less 0.1 per extra character, at most 2): the name starts with the query's words;
* 90 (same penalty): the query's words appear, whole, inside the name;
* up to 89: a fuzzy match (rapidfuzz ``ratio`` and ``token_sort_ratio``, the
  better of the two), for names and queries of at least :data:`MIN_FUZZY`
  characters. Names shorter than that (``OS``, ``EU``, ``ILO``) match only
  whole words, never as part of a longer word or by fuzz;
* 97: the query is a country name in CLDR's territory names (via Babel, in
  every language it has, Latin script only: English and former names such as
  Turkey, Ivory Coast, Swaziland, Burma), for the country with that ISO code.

Results at or above ``cutoff`` (default :data:`DEFAULT_CUTOFF`) are returned,
best first; ties put countries first. The measured precision and recall on
tests/data/search_queries.yaml are in BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import babel
import platformdirs
import pycountry
from anyascii import anyascii
from babel import Locale, localedata
from rapidfuzz import fuzz, process

from koppel.graph.errors import ValidationError
from koppel.graph.schema import SCHEMA
from koppel.graph.store import GraphStore

DEFAULT_CUTOFF = 80.0
MIN_FUZZY = 5  # characters; shorter names and queries match exactly or as whole words only
_NOT_WORD = re.compile(r"[^0-9a-z]+")

SEARCHABLE_LABELS = tuple(SCHEMA.searchable_labels)
"""Labels name search indexes: those ``graph/schema.yaml`` marks ``searchable``."""


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: ``Somalië`` and ``somalie`` fold alike.

    >>> fold("Somalië")
    'somalie'
    >>> fold("Søderkøping, Łódź & Œuvre")
    'soderkoping lodz oeuvre'
    >>> fold("Côte d’Ivoire")
    'cote d ivoire'
    """
    return _NOT_WORD.sub(" ", anyascii(text).casefold()).strip()


def _latin(text: str) -> bool:
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in text)


@cache
def territory_names() -> dict[str, str]:
    """Folded country names in Latin script from CLDR (via Babel, every base locale) to ISO alpha-3 codes.

    CLDR's names in some 300 languages include English and former names
    (Turkey, Ivory Coast, Swaziland, Burma, Czech Republic, Cape Verde, ...).
    Names shorter than four letters or shared by two countries are left out.
    Reading every locale takes seconds, so the table is cached on disk per
    Babel version (in the user's cache folder; kept in memory only when that
    cannot be written).
    """
    cache_file = Path(platformdirs.user_cache_dir("koppel")) / f"territory-names-babel-{babel.__version__}.json"
    try:
        return json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    codes: dict[str, set[str]] = {}
    for identifier in localedata.locale_identifiers():
        if "_" in identifier:
            continue  # regional variants repeat their language's names
        try:
            territories = Locale.parse(identifier).territories
        except (ValueError, LookupError):
            continue
        for alpha2, name in territories.items():
            country = pycountry.countries.get(alpha_2=alpha2) if len(alpha2) == 2 and alpha2.isalpha() else None
            folded = fold(name)
            if country is not None and len(folded) >= 4 and _latin(name):
                codes.setdefault(folded, set()).add(country.alpha_3)
    table = {name: next(iter(found)) for name, found in codes.items() if len(found) == 1}
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(temporary, cache_file)
    except OSError:
        pass
    return table


@dataclass
class SearchIndex:
    """Folded names (``names[i]``) and the entity each belongs to (``entries[i]``: key, label, name, name_en, matched)."""

    names: list[str]
    entries: list[dict[str, Any]]

    @classmethod
    def build(cls, store: GraphStore) -> SearchIndex:
        """Read every searchable node's key, names and aliases from ``store``."""
        names: list[str] = []
        entries: list[dict[str, Any]] = []
        for label in SEARCHABLE_LABELS:
            rows = store.run(
                f"MATCH (n:{label}) RETURN n.key AS key, n.name AS name, n.name_nl AS name_nl, n.name_en AS name_en, n.aliases AS aliases"
            ).records()
            for row in rows:
                entry = {"key": row["key"], "label": label, "name": row["name"], "name_en": row["name_en"]}
                # In a fixed order (not a set), so ties report the same matched name in every process.
                for name in dict.fromkeys([row["name"], row["name_nl"], row["name_en"], *(row["aliases"] or []), row["key"]]):
                    if name and fold(name):
                        names.append(fold(name))
                        entries.append({**entry, "matched": name})
        return cls(names, entries)

    def search(self, text: str, *, limit: int = 20, cutoff: float = DEFAULT_CUTOFF) -> list[dict[str, Any]]:
        """Entities matching ``text``, best first, each with the name that matched and a 0-100 score.

        Raises :class:`ValidationError` for an empty query or one longer than 200 characters.
        """
        if len(text) > 200:
            raise ValidationError("search text is longer than 200 characters")
        query = fold(text)
        if not query:
            raise ValidationError("search text is empty (or has no letters or digits)")
        best: dict[str, dict[str, Any]] = {}
        padded, joined = f" {query} ", query.replace(" ", "")
        for name, entry in zip(self.names, self.entries, strict=True):
            if name == query:
                score = 100.0
            elif len(joined) >= MIN_FUZZY and name.replace(" ", "") == joined:
                score = 98.0  # "visum facilitatie", "EU-China" written apart or together
            elif len(name) < MIN_FUZZY and f" {name} " in padded and len(query) < 2 * MIN_FUZZY:
                score = 85.0  # a short name standing as a word of a short query ("OS middelen")
            elif len(query) < 2 or len(name) < MIN_FUZZY:
                continue
            elif name.startswith(query + " "):
                score = 95.0 - min(len(name) - len(query), 20) * 0.1
            elif f" {query} " in f" {name} ":
                score = 90.0 - min(len(name) - len(query), 20) * 0.1
            else:
                continue
            _keep(best, entry, score)
        code = territory_names().get(query) if len(query) >= 4 else None
        if code:
            for entry in self.entries:
                if entry["key"] == code and entry["label"] == "Country":
                    _keep(best, {**entry, "matched": text}, 97.0)
                    break
        if len(query) >= MIN_FUZZY:
            for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
                for _, score, index in process.extract(query, self.names, scorer=scorer, limit=limit * 5, score_cutoff=cutoff):
                    name = self.names[index]
                    if len(name) >= MIN_FUZZY:
                        _keep(best, self.entries[index], min(float(score), _differing_words(query, name), 89.0))
        ranked = sorted((e for e in best.values() if e["score"] >= cutoff), key=lambda e: (-e["score"], e["label"] != "Country", e["name"] or ""))
        return ranked[:limit]


def _differing_words(query: str, name: str) -> float:
    """How alike the words are in which a multi-word query and name differ (100 when one holds the other's words).

    "republic of guinea" and "republic of ghana" share two words; only
    "guinea" against "ghana" (ratio 73) decides, so Ghana does not match.
    """
    query_words, name_words = set(query.split()), set(name.split())
    only_query, only_name = query_words - name_words, name_words - query_words
    if len(query_words) < 2 and len(name_words) < 2 or not only_query or not only_name:
        return 100.0
    return float(fuzz.ratio(" ".join(sorted(only_query)), " ".join(sorted(only_name))))


def _keep(best: dict[str, dict[str, Any]], entry: dict[str, Any], score: float) -> None:
    current = best.get(entry["key"])
    if current is None or score > current["score"]:
        best[entry["key"]] = {**entry, "score": round(score, 1)}


def search(store: GraphStore, text: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Entities whose name or alias matches ``text``, best first (see :meth:`SearchIndex.search`)."""
    return SearchIndex.build(store).search(text, limit=limit)
