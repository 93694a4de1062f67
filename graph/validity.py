"""Valid time: whether a fact already held, and still held, on a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Properties that say when a fact started: an event's date, an assessment's as_of.
_START_PROPERTIES = ("valid_from", "date", "as_of", "date_signed")


def valid_on(properties: dict[str, Any], as_of: dt.date | None) -> bool:
    """True when nothing in ``properties`` says the fact began after ``as_of`` or ended before it.

    A fact with no start date is not counted before it was known: before its
    earliest source's date (``known_from``) it does not hold (issue 10).

    >>> valid_on({"date": "2013-07-01"}, dt.date(2013, 1, 1))
    False
    >>> valid_on({"valid_to": "2012-12-31"}, dt.date(2013, 1, 1))
    False
    >>> valid_on({"name": "no dates"}, dt.date(2000, 1, 1))
    True
    >>> valid_on({"name": "undated", "known_from": "2014-02-25"}, dt.date(2010, 1, 1))
    False
    """
    if as_of is None:
        return True
    day = as_of.isoformat()
    started = False
    for name in _START_PROPERTIES:
        value = properties.get(name)
        if value:
            started = True
            if str(value)[:10] > day:
                return False
    known = properties.get("known_from")
    if not started and known and str(known)[:10] > day:
        return False
    end = properties.get("valid_to")
    return not (end and str(end)[:10] < day)


# -- the two times of one view: valid time (as_of) and known time (known_by) -----------------------

UNDATED = "undated"
"""The marker property of a dated kind of fact (an event, linkage, assessment, agreement) that has no start date."""
FIRST_REPORTED = "first_reported"
"""Beside :data:`UNDATED`: the date of the earliest dated source that states the fact (ISO text), or None."""

# Properties that make a kind of fact dated (the rule of koppel.graph.statements._DATED):
# countries, groups, forums and relationships are things and ties, not dated facts.
_DATED_KINDS = ("date", "as_of", "date_signed")


def _iso_text(value: Any) -> Any:
    """A date as ISO text (as both stores return dates); anything else unchanged."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _iso(value: Any) -> str | None:
    return str(value)[:10] if value else None


@dataclass(frozen=True)
class Timeline:
    """The two times one answer is read at, and the source dates it needs: one meaning for every view.

    * ``as_of``: valid time, "what held on that date" (:func:`valid_on`).
    * ``known_by``: known time, "what the sources said by that date": an entity
      none of whose sources is dated on or before ``known_by`` is left out, and
      the locators of sources dated after it are dropped from ``sources``.
      A source's date is its ``Document`` node's ``date`` (the source of a
      locator ``doc#L12`` is ``doc``); an entity's earliest source date is also
      its ``known_from`` where the load set one. Statements whose sources have
      no date at all are kept: nothing says they came later.
    * ``documents``: the date (ISO text) of each source document by lower-cased
      id, read by :meth:`of` from the store's ``Document`` nodes (only when
      ``known_by`` is given; an undated fact's ``first_reported`` is its ``known_from``).
    * ``dated_labels``: the labels whose nodes are dated facts (:func:`dated_kind`).

    Build it with :meth:`of`; :meth:`holds` filters, :meth:`shown` marks.
    """

    as_of: dt.date | None = None
    known_by: dt.date | None = None
    documents: Mapping[str, str] = field(default_factory=dict)
    dated_labels: frozenset[str] = frozenset()
    store: Any = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, store: Any, as_of: dt.date | None = None, known_by: dt.date | None = None) -> Timeline:
        """The timeline of one answer over ``store`` (a :class:`~koppel.graph.store.GraphStore`): Document dates read once."""
        documents: dict[str, str] = {}
        schema = store.schema
        dated = frozenset(label for label in schema.labels if dated_kind(schema.node(label).properties))
        if known_by is not None and store.has_schema():  # only known time needs them
            rows = store.run("MATCH (d:Document) RETURN d.key AS key, d.date AS date").rows
            documents = {str(key).lower(): iso for key, date in rows if (iso := _iso(date))}
        return cls(as_of, known_by, documents, dated, store)

    def source_dates(self, item: dict[str, Any]) -> list[str]:
        """The dates (ISO text, sorted) of the dated source documents an entity's locators cite."""
        found = {self.documents.get(str(loc).split("#", 1)[0].lower()) for loc in item.get("sources") or () if isinstance(loc, str)}
        return sorted(date for date in found if date)

    def first_reported(self, item: dict[str, Any]) -> str | None:
        """The date the entity was first reported: its ``known_from``, else its earliest cited source's date (ISO text)."""
        dates = [d for d in (_iso(item.get("known_from")), *self.source_dates(item)[:1]) if d]
        return min(dates) if dates else None

    def known(self, item: dict[str, Any]) -> bool:
        """Whether some source stated the entity by ``known_by`` (always, without ``known_by`` or without any dated source)."""
        if self.known_by is None:
            return True
        first = self.first_reported(item)
        return first is None or first <= self.known_by.isoformat()

    def holds(self, item: dict[str, Any] | None) -> bool:
        """Whether the entity (a node's or relationship's properties; None passes) belongs in an answer at this timeline."""
        return item is None or (valid_on(item, self.as_of) and self.known(item))

    def shown(self, item: dict[str, Any], label: str | None = None, *, ends: tuple[str, str] | None = None) -> dict[str, Any]:
        """The entity as this timeline shows it: later sources' locators dropped, and undated facts marked.

        Under ``known_by``, a node or relationship that later sources restated
        shows the single values and list items of the earlier sources only
        (:meth:`_as_stated_by`). A relationship (``_type``) is found by the keys
        of its ends: ``ends`` (start, end), else its ``source``/``target`` or
        ``_start``/``_end`` entries; without them only its locators are filtered.

        ``label``: the node's label when ``item`` carries no ``_label`` (a
        relationship passes none: ties are not dated facts). A node of a dated
        kind (:attr:`dated_labels`: Event, Linkage, Assessment, Agreement, ...)
        without any start date gets ``undated: True`` and ``first_reported``
        (ISO date or None), so no view silently treats it as always true.
        """
        out = dict(item)
        if self.known_by is not None and out.get("sources"):
            day = self.known_by.isoformat()
            out["sources"] = [
                loc for loc in out["sources"]
                if (self.documents.get(str(loc).split("#", 1)[0].lower()) or "") <= day
            ]
            if len(out["sources"]) < len(item["sources"]) and out["sources"] and self.store is not None:
                if item.get("_label"):
                    out = self._as_stated_by(out, day)
                elif item.get("_type") and (ends := ends or _ends(item)):
                    out = self._as_stated_by(out, day, ends)
        if (item.get("_label") or label) in self.dated_labels and not any(item.get(name) for name in _START_PROPERTIES):
            out[UNDATED] = True
            out[FIRST_REPORTED] = self.first_reported(item)
        return out

    def _as_stated_by(self, node: dict[str, Any], day: str, ends: tuple[str, str] | None = None) -> dict[str, Any]:
        """A node's (or, with ``ends``, a relationship's) properties as only the statements of sources dated by ``day`` (or undated) make them.

        Single values a later source stated give way to the earlier sources' (the
        rule of :func:`koppel.graph.statements.shown`), list items only later
        sources stated go. Read from the entity's hidden statements, for the few
        entities that later sources restated; a relationship is read by its
        type and the keys of its ends (``ends``: start key, end key).
        """
        from . import statements as st

        schema = self.store.schema
        if ends is None:
            label = node["_label"]
            text = self.store.run(f"MATCH (n:{schema.check_label(label)} {{key: $key}}) RETURN n.{st.STATEMENTS} AS s", {"key": node["key"]}).value()
            properties = schema.node(label).properties
        else:
            rel_type = node["_type"]
            if rel_type not in schema.rel_types:
                return node
            text = self.store.run(
                f"MATCH (a)-[r:{rel_type}]->(b) WHERE a.key = $from_key AND b.key = $to_key RETURN r.{st.STATEMENTS} AS s LIMIT 1",
                {"from_key": ends[0], "to_key": ends[1]},
            ).value()
            properties = schema.relationship(rel_type).properties
        kept = {source: entry for source, entry in st.decode(text).items() if not entry.get("date") or str(entry["date"])[:10] <= day}
        if not kept:
            return node
        props = st.shown(kept, properties)
        props.pop(st.STATEMENTS, None)
        # As the stores return values: dates as ISO text (koppel.graph.store.plain).
        return {**node, **{name: _iso_text(value) for name, value in props.items() if value is not None or name in node}}

    def query(self) -> dict[str, str | None]:
        """The timeline as an answer reports it: ``{"as_of", "known_by"}`` (ISO text or None)."""
        return {"as_of": self.as_of.isoformat() if self.as_of else None, "known_by": self.known_by.isoformat() if self.known_by else None}


def _ends(item: dict[str, Any]) -> tuple[str, str] | None:
    """The keys of a relationship's ends as answers carry them (``source``/``target`` or ``_start``/``_end``), or None."""
    for start, end in (("source", "target"), ("_start", "_end")):
        if item.get(start) and item.get(end):
            return str(item[start]), str(item[end])
    return None


def dated_kind(properties: Mapping[str, Any]) -> bool:
    """Whether a schema entry's properties (name -> Property) make its entities dated facts (a date, as_of or date_signed)."""
    return any(name in properties for name in _DATED_KINDS)
