"""Valid time: whether a fact already held, and still held, on a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

# Properties that say when a fact started: an event's date, an assessment's as_of.
_START_PROPERTIES = ("valid_from", "date", "as_of", "date_signed")


def valid_on(properties: dict[str, Any], as_of: dt.date | None) -> bool:
    """True when nothing in ``properties`` says the fact began after ``as_of`` or ended before it.

    >>> valid_on({"date": "2013-07-01"}, dt.date(2013, 1, 1))
    False
    >>> valid_on({"valid_to": "2012-12-31"}, dt.date(2013, 1, 1))
    False
    >>> valid_on({"name": "no dates"}, dt.date(2000, 1, 1))
    True
    """
    if as_of is None:
        return True
    day = as_of.isoformat()
    for name in _START_PROPERTIES:
        value = properties.get(name)
        if value and str(value)[:10] > day:
            return False
    end = properties.get("valid_to")
    return not (end and str(end)[:10] < day)
