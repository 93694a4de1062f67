"""One rule for finding a country from what a person typed.

Every question about one country (profile, linkages, returns, brokers,
similar, on the CLI and over HTTP) turns the text it was given into a Country
key with :func:`country_key`, so ``irq``, ``IRQ``, `` Irq `` and ``Iraq`` name
the same node everywhere, and an unknown country gets the same answer.

The rule, in order:

1. the text, stripped, must be 1-64 characters (else :class:`ValidationError`);
2. three ASCII letters are an ISO 3166-1 alpha-3 code, upper-cased (``irq`` ->
   ``IRQ``); anything else is a slug, lower-cased (``Somaliland`` ->
   ``somaliland``), as the loaders write the keys of territories without a code;
3. if no Country has that key, a Country whose Dutch or English name or alias
   equals the text (folded as the search folds it: case, accents and
   punctuation ignored) is the one meant: exact names only, never a fuzzy
   guess, so a typo is an error, not another country;
4. otherwise :class:`NotFound` (``no country 'X' in the graph``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from koppel.graph.errors import NotFound, ValidationError

if TYPE_CHECKING:
    from koppel.graph.store import GraphStore

    from .search import SearchIndex

_ALPHA3 = re.compile(r"[A-Za-z]{3}")
MAX_KEY = 64


def normalise(text: str) -> str:
    """The key ``text`` spells under the rule (alpha-3 upper-cased, a slug lower-cased), not checked against a store.

    Raises :class:`ValidationError` for empty text or text longer than 64 characters.
    """
    key = text.strip()
    if not key or len(key) > MAX_KEY:
        raise ValidationError(f"country key {text!r} is not a valid key (an ISO 3166-1 alpha-3 code such as IRQ, a slug such as somaliland, or a country's name)")
    return key.upper() if _ALPHA3.fullmatch(key) else key.lower()


def country_key(store: GraphStore, text: str, *, index: Callable[[], SearchIndex] | None = None) -> str:
    """The key of the Country that ``text`` names in ``store`` (the rule in this module's docstring).

    ``index`` gives the store's name index (an engine passes its cached one);
    without it the names are read from the store when the key alone does not
    match. Raises :class:`ValidationError` for unusable text and
    :class:`NotFound` when no Country matches (also on a store without a schema).
    """
    key = normalise(text)
    if not store.has_schema():
        raise NotFound(f"no country {text!r} in the graph: the store is empty")
    if store.run("MATCH (c:Country {key: $key}) RETURN c.key", {"key": key}, read_only=True).value() is not None:
        return key
    from .search import SearchIndex, fold

    names = index() if index is not None else SearchIndex.build(store)
    wanted = fold(text)
    found = {entry["key"] for name, entry in zip(names.names, names.entries, strict=True) if entry["label"] == "Country" and name == wanted}
    if len(found) == 1:
        return found.pop()
    raise NotFound(f"no country {text!r} in the graph")
