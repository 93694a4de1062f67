"""Values both stores can hold: checked before a parameter or property reaches a driver.

Measured on ladybug 0.22 (``RETURN $x``) and Neo4j 5.26, the common ground is:

* integers are signed 64-bit (``-2**63 .. 2**63-1``): a 20-digit integer gives a
  pybind cast error on the embedded store and ends the Neo4j driver's packer;
* a list holds one kind of value (numbers, text, true/false, lists of one shape,
  or maps with the same keys): ``[1, "a"]`` and ``[true, 1]`` are errors on the
  embedded store, and ``[{a: 1}, {b: 2}]`` is silently rewritten there;
* an empty list has no type the embedded store can infer (it refuses ``[]`` and
  ``[[]]``), so ad-hoc parameters may not be empty lists;
* a map value is never null (the embedded store fails an internal assertion);
* nesting is at most :data:`MAX_DEPTH` deep.

Every refusal is a :class:`~koppel.graph.errors.ValidationError` naming the
parameter and the path inside it, e.g. ``parameter 'ids'[2]: ...``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from .errors import ValidationError

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
MAX_DEPTH = 16
MAX_TEXT = 1_000_000  # characters in one text value


def check_params(params: Mapping[str, Any], *, allow_empty_lists: bool = False, what: str = "parameter") -> dict[str, Any]:
    """Return ``params`` as a dict if every value fits both stores, else raise :class:`ValidationError`.

    ``params`` maps names to JSON-like values (None, bool, int, float, str,
    date, list, dict). ``allow_empty_lists`` is for catalogue queries, whose
    headers type their list parameters; ad-hoc Cypher cannot type ``[]``.
    """
    if not isinstance(params, Mapping):
        raise ValidationError(f"{what}s are a map of names to values, not {type(params).__name__}")
    for name, value in params.items():
        if not isinstance(name, str) or not name:
            raise ValidationError(f"{what} names are non-empty text, not {name!r}")
        _shape(value, f"{what} {name!r}", 0, allow_empty_lists)
    return dict(params)


def check_value(value: Any, where: str) -> None:
    """Raise :class:`ValidationError` (naming ``where``) unless ``value`` fits both stores; empty lists allowed."""
    _shape(value, where, 0, True)


def _shape(value: Any, where: str, depth: int, allow_empty: bool) -> Any:
    """The value's kind for list homogeneity: 'bool', 'number', 'text', 'date', ('list', kind), ('map', keys...)."""
    if depth > MAX_DEPTH:
        raise ValidationError(f"{where}: nested more than {MAX_DEPTH} deep")
    if value is None:
        return None
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            digits = len(str(abs(value)))
            raise ValidationError(f"{where}: the integer with {digits} digits is outside the 64-bit range the stores hold ({INT64_MIN} to {INT64_MAX})")
        return "number"
    if isinstance(value, float):
        if math.isnan(value):
            raise ValidationError(f"{where}: NaN is not a number the stores compare reliably")
        return "number"
    if isinstance(value, str):
        if len(value) > MAX_TEXT:
            raise ValidationError(f"{where}: text longer than {MAX_TEXT} characters")
        return "text"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, list | tuple):
        if not value and not allow_empty:
            raise ValidationError(f"{where}: an empty list has no type the embedded store can infer; leave it out or give a value")
        kinds = {_shape(item, f"{where}[{i}]", depth + 1, allow_empty) for i, item in enumerate(value)} - {None}
        if len(kinds) > 1:
            raise ValidationError(f"{where}: a list holds one kind of value, this one mixes {', '.join(sorted({_describe(k) for k in kinds}))}")
        return ("list", next(iter(kinds), None))
    if isinstance(value, Mapping):
        keys = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValidationError(f"{where}: map keys are text, not {key!r}")
            member = f"{where}.{key}" if key.isidentifier() else f"{where}[{key!r}]"  # a key with a line break stays on one line
            if item is None:
                raise ValidationError(f"{member}: a map value may not be null; leave the key out")
            keys.append((key, _shape(item, member, depth + 1, allow_empty)))
        return ("map", tuple(sorted(keys, key=lambda pair: pair[0])))
    raise ValidationError(f"{where}: a {type(value).__name__} is not a value the stores hold")


def _describe(kind: Any) -> str:
    if isinstance(kind, tuple):
        return "lists" if kind[0] == "list" else "maps with different keys" if kind[0] == "map" else str(kind[0])
    return {"number": "numbers", "text": "text", "bool": "true/false", "date": "dates", "datetime": "date-times"}.get(kind, str(kind))
