"""Valid time: whether a fact already held, and still held, on a date."""

from __future__ import annotations

import datetime as dt
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
