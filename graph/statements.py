"""Statements, not overwrites: what each source says about a node or relationship.

koppel follows the statement model of FollowTheMoney/OpenSanctions: a node or
relationship is the sum of the statements sources make about it, and each
property value remembers which source states it and since when koppel knows.
Statements are grouped per (entity, source): every stored node and
relationship carries a hidden ``_statements`` property, a JSON object::

    {"<source document id>": {
        "date": "2014-02-25",         # the source document's date (known time), or null
        "seen": "2026-11-30T04:10:00Z", # when koppel first loaded this source's statement
        "props": {"name": "Irak", "aliases": ["Iraakse"], ...},
        "inferred": {"outcome": "basis note"}}}   # properties koppel's curators inferred

The visible properties of the entity are derived from its statements by one
rule (:func:`shown`):

* list properties (``sources``, ``aliases``, ``risk_factors``, ...) are the
  union of every source's items, in the order koppel first saw the sources
  (a later source appends; it never reorders what is there);
* a single-valued property shows the value of the **newest source that states
  it** (by source date; a source without a date ranks below dated ones; equal
  dates are ordered by document id, the later id winning). The other values stay
  stored and :func:`disagreements` lists them.

A later source therefore adds statements and never erases another's; reloading
a source replaces only that source's statement; unloading a source removes it.
Also here: the value checks every record passes before it reaches a store
(:func:`check_records`).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson

from .errors import ValidationError
from .schema import Property

STATEMENTS = "_statements"
"""The hidden property holding an entity's statements (stripped from every query result)."""
INFERRED = "inferred"
"""The visible property listing which properties of an entity koppel inferred rather than a source stated."""
WHOLE_RECORD = "record"
"""The name under ``inferred`` that marks the fact itself (not one property) as an inference."""
UNATTRIBUTED = "unattributed"
"""The source of a record that names no source and cites no locator."""

KNOWN_FROM = "known_from"
"""The visible property holding the date of the earliest source that states an entity (its known time)."""

DERIVED = frozenset({STATEMENTS, INFERRED, KNOWN_FROM})
"""Properties koppel computes; a source never states them."""

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ISO_ALPHA3 = re.compile(r"^[A-Z]{3}$")
# C0 controls except tab and newline, DEL, C1 controls, and the invisible format characters
# (zero-width space/joiners, word joiner, BOM, bidi marks) that make two equal-looking names differ.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


# -- value checks ----------------------------------------------------------------------------

def key_problem(label: str, key: Any) -> str | None:
    """Why ``key`` cannot key a node of ``label``, or None.

    Keys are slugs (lower-case letters, digits, single hyphens); a Country is
    keyed by its ISO 3166-1 alpha-3 code in upper case, or a slug when it has none.
    """
    if not isinstance(key, str) or not key:
        return "a key is a non-empty string"
    if CONTROL.search(key) or INVISIBLE.search(key):
        return f"key {key!r} holds a control or invisible character"
    if label == "Country" and re.fullmatch("[a-z]{3}", key):
        return f"key {key!r} is not an ISO alpha-3 code in upper case (IRQ) or a slug: a three-letter country key is an ISO code, {key.upper()}"
    if SLUG.match(key) or (label == "Country" and ISO_ALPHA3.match(key)):
        return None
    rule = "an ISO alpha-3 code in upper case (IRQ) or a slug" if label == "Country" else "a slug"
    return f"key {key!r} is not {rule}: lower-case letters, digits and single hyphens (e.g. silk-route-countries)"


def value_problem(value: Any) -> str | None:
    """Why a property value cannot be stored, or None: non-finite floats and control characters are refused."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a finite number"
    if isinstance(value, str):
        if CONTROL.search(value):
            return f"{value[:40]!r} holds a control character"
        return None
    if isinstance(value, list):
        for item in value:
            if problem := value_problem(item):
                return problem
    return None


def interval_problem(properties: dict[str, Any]) -> str | None:
    """Why ``valid_from``/``valid_to`` cannot both hold, or None."""
    start, end = properties.get("valid_from"), properties.get("valid_to")
    if start is not None and end is not None and str(end) < str(start):
        return f"valid_to {end} is before valid_from {start}"
    return None


def check_records(nodes: Sequence[Any], rels: Sequence[Any]) -> None:
    """Refuse records no store may hold, naming each: bad keys, non-finite numbers, control characters, reversed intervals.

    Facts files are checked earlier with file and line (:mod:`koppel.loaders.facts`);
    this is the last guard for every loader that hands records to a store directly.
    Raises :class:`ValidationError` listing up to ten problems; nothing is written.
    """
    if _all_clean(nodes, rels):
        return
    problems: list[str] = []
    seen: dict[str, str] = {}
    for node in nodes:
        where = f"{node.label} {node.key!r}"
        if problem := key_problem(node.label, node.key):
            problems.append(f"{where}: {problem}")
        elif seen.setdefault(node.key, node.label) != node.label:
            problems.append(f"{where}: key {node.key!r} is also used by a {seen[node.key]} in this load; keys are unique across labels")
        problems += _property_problems(where, node.properties)
    for rel in rels:
        where = f"{rel.type} {rel.start!r} -> {rel.end!r}"
        for label, key in ((rel.start_label, rel.start), (rel.end_label, rel.end)):
            if problem := key_problem(label, key):
                problems.append(f"{where}: {problem}")
        problems += _property_problems(where, rel.properties)
    if problems:
        shown = problems[:10] + ([f"... and {len(problems) - 10} more"] if len(problems) > 10 else [])
        raise ValidationError("nothing was written: records with values koppel cannot store:\n" + "\n".join(f"  {p}" for p in shown))


def _all_clean(nodes: Sequence[Any], rels: Sequence[Any]) -> bool:
    """The fast path of :func:`check_records`: one pass over all keys and strings of a sound load."""
    keys: dict[str, str] = {}
    texts: list[str] = []
    for node in nodes:
        if keys.setdefault(node.key, node.label) != node.label:
            return False
        if not isinstance(node.key, str) or not (SLUG.match(node.key) or (node.label == "Country" and ISO_ALPHA3.match(node.key))):
            return False
        if node.label == "Country" and len(node.key) == 3 and node.key.islower():
            return False
        if not _clean_properties(node.properties, texts):
            return False
    for rel in rels:
        for label, key in ((rel.start_label, rel.start), (rel.end_label, rel.end)):
            if not isinstance(key, str) or not (SLUG.match(key) or (label == "Country" and ISO_ALPHA3.match(key))):
                return False
        if not _clean_properties(rel.properties, texts):
            return False
    return not CONTROL.search("\n".join(texts))


def _clean_properties(properties: dict[str, Any], texts: list[str]) -> bool:
    for value in properties.values():
        if value is None:
            continue
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    texts.append(item)
                elif isinstance(item, float) and not math.isfinite(item):
                    return False
        elif isinstance(value, float) and not math.isfinite(value):
            return False
    start, end = properties.get("valid_from"), properties.get("valid_to")
    return start is None or end is None or str(end) >= str(start)


def _property_problems(where: str, properties: dict[str, Any]) -> list[str]:
    problems = [f"{where} field '{name}': {problem}" for name, value in properties.items() if (problem := value_problem(value))]
    if problem := interval_problem(properties):
        problems.append(f"{where} field 'valid_to': {problem}")
    return problems


# -- one source's statement ------------------------------------------------------------------

def record_source(record: Any) -> str:
    """The source document whose statement a record is: its ``source``, else the document of its first locator."""
    source = getattr(record, "source", None)
    if source:
        return source
    for locator in record.properties.get("sources") or ():
        if isinstance(locator, str) and "#" in locator:
            return locator.split("#", 1)[0]
    return UNATTRIBUTED


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def statement(record: Any, source_date: dt.date | str | None, seen: str) -> dict[str, Any]:
    """One source's statement about an entity: its set properties (JSON-ready), source date, first seen, inferences."""
    props = {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in record.properties.items()
        if value is not None and value != [] and name not in DERIVED and name != "key"
    }
    return {
        "date": _json_value(source_date),
        "seen": seen,
        "props": props,
        "inferred": dict(getattr(record, "inferred", None) or {}),
    }


def same_statement(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two statements say the same (when koppel first saw them does not count)."""
    return all(a.get(part) == b.get(part) for part in ("date", "props", "inferred"))


def encode(statements: dict[str, dict[str, Any]]) -> str:
    """The stored form: compact JSON (orjson; non-finite numbers never get here, :func:`check_records` refuses them)."""
    return orjson.dumps(statements).decode()


def decode(text: str | None) -> dict[str, dict[str, Any]]:
    """Statements from their stored form (an entity without any decodes to ``{}``)."""
    return orjson.loads(text) if text else {}


def now_seen() -> str:
    """The first-seen stamp of statements loaded now (UTC, to the second)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# -- what the entity shows --------------------------------------------------------------------

def _rank(item: tuple[str, dict[str, Any]]) -> tuple[int, str, str]:
    source, entry = item
    date = entry.get("date")
    return (1 if date else 0, date or "", source)


def ordered(statements: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Statements from the lowest ranked to the winning one: undated sources first, then by date, then by id."""
    return sorted(statements.items(), key=_rank)


def _typed(prop: Property, value: Any) -> Any:
    if value is None:
        return None
    if prop.type == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if prop.type == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


_NAMES: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _names(properties: dict[str, Property]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The stated property names of a schema entry, and those of them that are lists (cached per schema entry)."""
    found = _NAMES.get(id(properties))
    if found is None:
        names = tuple(name for name in properties if name not in DERIVED and name != "key")
        found = _NAMES[id(properties)] = (names, tuple(name for name in names if properties[name].type == "string[]"))
    return found


def shown(statements: dict[str, dict[str, Any]], properties: dict[str, Property], record: Any = None) -> dict[str, Any]:
    """The visible properties of an entity with these statements (see the module's rule), ``_statements`` included.

    Every schema property is present (``None`` where no source states it), so a
    store write replaces the whole row. ``inferred`` lists the shown properties a
    curator inferred (``record`` when every source marks the fact itself inferred).
    ``record``, when given, is the record of the only statement: its typed values
    are used as they are (the common case of a first load, without a JSON round trip).
    """
    if len(statements) == 1 and record is not None:
        # One source: the record's own (typed) values are what the entity shows.
        own = record.properties
        names, list_names = _names(properties)
        out = {name: own.get(name) for name in names}
        for name in list_names:
            if out[name] == []:
                out[name] = None
        if INFERRED in properties:
            marked = getattr(record, "inferred", None) or {}
            out[INFERRED] = sorted(name for name in marked if name == WHOLE_RECORD or out.get(name) is not None) or None
        if KNOWN_FROM in properties and _DATED.intersection(properties):
            out[KNOWN_FROM] = _known_from(statements)
        out[STATEMENTS] = encode(statements)
        return out
    ranked = ordered(statements)
    arrival = sorted(statements.items(), key=lambda item: (item[1].get("seen") or "", _rank(item)))
    out = {}
    inferred: set[str] = set()
    for name, prop in properties.items():
        if name in DERIVED or name == "key":
            continue
        if prop.type == "string[]":
            merged: list[Any] = []
            for _, entry in arrival:
                items = entry["props"].get(name) or []
                merged += [item for item in items if item not in merged]
                if items and name in entry.get("inferred", {}):
                    inferred.add(name)
            out[name] = merged or None
            continue
        winner = None
        for _, entry in ranked:
            if name in entry["props"]:
                winner = entry
        out[name] = _typed(prop, winner["props"][name]) if winner else None
        if winner and name in winner.get("inferred", {}):
            inferred.add(name)
    if ranked and all(WHOLE_RECORD in entry.get("inferred", {}) for _, entry in ranked):
        inferred.add(WHOLE_RECORD)
    if INFERRED in properties:
        out[INFERRED] = sorted(inferred) or None
    if KNOWN_FROM in properties and _DATED.intersection(properties):
        out[KNOWN_FROM] = _known_from(statements)
    out[STATEMENTS] = encode(statements)
    return out


_DATED = frozenset({"date", "as_of", "date_signed"})
"""Properties that date a fact (an event, a linkage, an assessment, an agreement): only such facts get ``known_from``.

Countries, groups, organisations, dossiers and forums are things rather than
dated facts; they hold as long as the graph has them, and a relationship holds
while both its ends do, unless it carries its own valid_from/valid_to.
"""


def _known_from(statements: dict[str, dict[str, Any]]) -> dt.date | None:
    """The earliest source date among the statements (None when no source is dated)."""
    dates = [entry["date"] for entry in statements.values() if entry.get("date")]
    return dt.date.fromisoformat(min(dates)[:10]) if dates else None


def disagreements(statements: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Single-valued properties on which sources disagree: each value with its source and date, the shown one last."""
    found: dict[str, list[dict[str, Any]]] = {}
    values: dict[str, list[dict[str, Any]]] = {}
    for source, entry in ordered(statements):
        for name, value in entry["props"].items():
            if not isinstance(value, list):
                values.setdefault(name, []).append({"value": value, "source": source, "source_date": entry.get("date")})
    for name, stated in values.items():
        if len({json.dumps(s["value"], sort_keys=True) for s in stated}) > 1:
            found[name] = stated
    return found


def statement_rows(statements: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Every (property, value, source) statement of an entity, for people: certainty, basis, first seen, and whether it is shown."""
    ranked = ordered(statements)
    winners: dict[str, str] = {}
    for source, entry in ranked:
        for name, value in entry["props"].items():
            if not isinstance(value, list):
                winners[name] = source
    rows = []
    for source, entry in ranked:
        inferred = entry.get("inferred", {})
        for name, value in sorted(entry["props"].items()):
            basis = inferred.get(name) or inferred.get(WHOLE_RECORD)
            rows.append({
                "property": name,
                "value": value,
                "source": source,
                "source_date": entry.get("date"),
                "first_seen": entry.get("seen"),
                "certainty": "inferred" if basis else "stated",
                "basis": basis,
                "shown": isinstance(value, list) or winners.get(name) == source,
            })
    return rows


def sources_of(statements: dict[str, dict[str, Any]]) -> list[str]:
    """The source documents that state anything about an entity, in the order koppel first loaded them."""
    return [source for source, _ in sorted(statements.items(), key=lambda item: (item[1].get("seen") or "", _rank(item)))]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for a bulk merge (it leaves no cycles), restored in ``finally``."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def cited_documents(locators: Iterable[str]) -> set[str]:
    """The document ids a list of locators cites."""
    return {loc.split("#", 1)[0] for loc in locators if isinstance(loc, str) and "#" in loc}
