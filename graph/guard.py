"""Accept only reading Cypher, decided on a real parse of the query (the same one the engine runs).

:func:`check_read_only` parses the query with :mod:`koppel.graph.cypher`
(which lexes exactly as Neo4j 5.26 does: ``\\uXXXX`` escapes decoded first,
a ``//`` comment ended by any line terminator including a lone CR, Unicode
white space) and walks the tree:

* the grammar has only reading clauses (MATCH, OPTIONAL MATCH, UNWIND, WITH,
  RETURN, UNION, CALL { } subqueries): a write, a schema or administration
  command (SHOW, TERMINATE, ...), a procedure CALL, LOAD CSV, LOAD FROM,
  COPY, EXPORT, CHECKPOINT or INSTALL is refused (403) by name, and text the
  parser cannot parse is refused as a syntax error (400) with line and column;
* every function call, wherever an expression may stand (map values, list
  comprehensions, CASE, subqueries ...), must be on :data:`FUNCTIONS`;
* cost is bounded on one row (400): a variable-length or quantified path needs
  an upper bound of at most :data:`MAX_HOPS`; a ``range()`` of literals or
  parameters has at most :data:`MAX_LIST` elements; the pattern of ``=~``
  is a string literal or a parameter, at most :data:`MAX_REGEX_LENGTH`
  characters, without nested quantifiers or back-references (they take
  exponential time in Java's and in LadybugDB's regex engines).

The caller then runs :attr:`~koppel.graph.cypher.Parsed.canonical`, the
accepted tokens re-serialised, never the raw text: comments and escapes the
engine might read differently are gone before the engine sees the query.

Read-only transactions are not enough on their own: measured on ladybug 0.22,
a read-only database still let ``LOAD FROM`` read /etc/passwd, ``COPY ... TO``
and ``EXPORT DATABASE`` write files, ``INSTALL`` reach the network, and
``CHECKPOINT`` crash the process; on Neo4j 5.26, ``SHOW SETTINGS``,
``SHOW TRANSACTIONS``, ``TERMINATE TRANSACTIONS`` and ``LOAD CSV`` all run in
a read transaction and EXPLAIN classifies them as reads ('r').
"""

from __future__ import annotations

import re
from typing import Any

from .cypher import MAX_NESTING, MAX_NUMBER_LENGTH, Node, Parsed, parse
from .errors import QueryError, ReadOnlyViolation

__all__ = ["MAX_NESTING", "MAX_NUMBER_LENGTH", "MAX_HOPS", "MAX_LIST", "MAX_REGEX_LENGTH", "FUNCTIONS", "check_read_only"]

MAX_HOPS = 10
"""Upper bound allowed on a variable-length relationship or a quantified path pattern."""
MAX_LIST = 100_000
"""Elements a ``range()`` of literal or parameter bounds may produce."""
MAX_REGEX_LENGTH = 500
"""Characters in a regular expression given to ``=~``."""

FUNCTIONS = frozenset(
    name.lower()
    for name in """count collect sum avg min max size length coalesce toLower toUpper lower upper trim ltrim
    rtrim btrim substring left right replace split reverse abs ceil floor round sign sqrt exp log log10 e pi
    sin cos tan cot asin acos atan atan2 degrees radians haversin range head last tail keys labels label type
    id elementId nodes relationships rels exists date datetime localdatetime localtime time duration
    toInteger toFloat toString toBoolean toIntegerOrNull toFloatOrNull toStringOrNull toBooleanOrNull
    toIntegerList toFloatList toStringList toBooleanList valueType isEmpty isNaN char_length
    character_length normalize properties startNode endNode percentileCont percentileDisc stDev stDevP
    timestamp nullIf
    list_contains list_distinct list_sort list_reverse_sort list_sum list_product list_has_all string_split
    lcase ucase starts_with ends_with contains regexp_matches prefix suffix
    date_part date_trunc list_concat array_concat cast""".split()
)
"""Functions that only read (Neo4j 5 names, plus the LadybugDB 0.22 names analysts meet in koppel's docs)."""

NAMESPACED_FUNCTIONS = frozenset(
    name.lower()
    for name in """duration.between duration.inMonths duration.inDays duration.inSeconds date.truncate
    datetime.truncate localdatetime.truncate datetime.fromEpoch datetime.fromEpochMillis point.distance""".split()
)
"""Namespaced functions that only read (anything else with a dot is a plug-in or a procedure)."""

_REGEX_FUNCTIONS = {"regexp_matches": 1}


def check_read_only(cypher: str, params: dict[str, Any] | None = None) -> Parsed:
    """Parse ``cypher`` and return it when it is one statement that only reads at a bounded cost.

    ``params`` (the query's parameters, when known) are checked where they
    feed ``range()`` or ``=~``. Raises :class:`ReadOnlyViolation` ("refused:
    ..."; HTTP 403) for anything that is not a read, and :class:`QueryError`
    (HTTP 400, exit 5) for a syntax error or an unbounded cost, each naming
    line and column.
    """
    parsed = parse(cypher)
    params = params or {}
    for node in parsed.tree.walk():
        kind = node.kind
        if kind == "function":
            _check_function(parsed, node, params)
        elif kind == "var_length":
            _check_hops(parsed, node, "variable-length relationship", f"[*..{MAX_HOPS}]")
        elif kind == "quantifier":
            _check_hops(parsed, node, "quantified path pattern", f"{{1,{MAX_HOPS}}}")
        elif kind == "binary" and node.attrs["op"] == "=~":
            _check_regex(parsed, node.children[1], params)
    return parsed


def _check_function(parsed: Parsed, node: Node, params: dict[str, Any]) -> None:
    name = node.attrs["name"].lower()
    if "." in name:
        if name not in NAMESPACED_FUNCTIONS:
            raise ReadOnlyViolation(f"refused: namespaced function or procedure call '{node.attrs['name']}' at {parsed.where(node.token)}")
    elif name not in FUNCTIONS:
        raise ReadOnlyViolation(f"refused: function {node.attrs['name']!r} at {parsed.where(node.token)} is not on the read-only list")
    if name == "range":
        _check_range(parsed, node, params)
    if name in _REGEX_FUNCTIONS and len(node.children) > _REGEX_FUNCTIONS[name]:
        _check_regex(parsed, node.children[_REGEX_FUNCTIONS[name]], params)


def _check_hops(parsed: Parsed, node: Node, what: str, instead: str) -> None:
    high = node.attrs.get("high")
    if high is not None and high <= MAX_HOPS:
        return
    where = parsed.where(node.token)
    if high is None:
        raise QueryError(f"refused: the {what} at {where} has no upper bound; give one of at most {MAX_HOPS}, e.g. {instead}")
    if high > MAX_HOPS:
        raise QueryError(f"refused: the {what} at {where} goes up to {high} hops; at most {MAX_HOPS} are allowed")


def _value(node: Node, params: dict[str, Any]) -> Any:
    """The value of a literal or parameter expression, or ``...`` (Ellipsis) when it has none yet."""
    if node.kind == "number":
        text = node.attrs["text"].replace("_", "")
        try:
            return int(text, 0) if not re.search(r"[.eE]", text) or text.lower().startswith("0x") else float(text)
        except ValueError:
            return ...
    if node.kind == "unary" and node.attrs["op"] == "-":
        inner = _value(node.children[0], params)
        return -inner if isinstance(inner, int | float) else ...
    if node.kind == "string":
        return node.attrs["value"]
    if node.kind == "param":
        return params.get(node.attrs["name"], ...)
    return ...


def _check_range(parsed: Parsed, node: Node, params: dict[str, Any]) -> None:
    values = [_value(child, params) for child in node.children]
    if len(values) not in (2, 3) or any(not isinstance(v, int) or isinstance(v, bool) for v in values):
        return  # computed bounds: the store's per-transaction memory limit applies
    start, end = values[0], values[1]
    step = values[2] if len(values) == 3 else 1
    if step == 0:
        return
    count = max(0, (end - start) // step + 1)
    if count > MAX_LIST:
        raise QueryError(f"refused: range() at {parsed.where(node.token)} would build {count:,} elements; at most {MAX_LIST:,} are allowed")


def _check_regex(parsed: Parsed, node: Node, params: dict[str, Any]) -> None:
    where = parsed.where(node.token)
    if node.kind not in ("string", "param"):
        raise QueryError(f"refused: the regular expression at {where} must be a string literal or a $parameter, so that it can be checked")
    pattern = _value(node, params)
    if pattern is ...:
        raise QueryError(f"refused: the parameter ${node.attrs['name']} holding the regular expression at {where} is not given")
    if not isinstance(pattern, str):
        return  # the engine reports the type error
    problem = regex_problem(pattern)
    if problem:
        raise QueryError(f"refused: the regular expression at {where} {problem}")


def regex_problem(pattern: str) -> str:
    """Why ``pattern`` could take exponential time to match, or '' when it cannot.

    Refused: more than :data:`MAX_REGEX_LENGTH` characters, a repetition
    inside a repetition (``(a+)+``, ``(a|aa)*`` counts via the inner ``+``),
    an alternation under a repetition whose branches can match the same text,
    and back-references. Java and RE2-style syntax that Python's parser does not
    know is refused too, since it cannot be checked.
    """
    if len(pattern) > MAX_REGEX_LENGTH:
        return f"has {len(pattern)} characters; at most {MAX_REGEX_LENGTH} are allowed"
    try:
        from re import _parser as sre_parse  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python < 3.11
        import sre_parse  # type: ignore[no-redef]
    try:
        tree = sre_parse.parse(pattern)
    except (re.error, OverflowError, RecursionError) as error:
        return f"cannot be checked ({error})"
    repeats = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}

    def visit(items: Any, under_repeat: bool) -> str:
        for op, argument in items:
            name = str(op)
            if name in ("GROUPREF", "GROUPREF_EXISTS"):
                return "uses a back-reference"
            if name in repeats:
                low, high, body = argument
                unbounded = high is sre_parse.MAXREPEAT or high > 1
                if under_repeat and unbounded:
                    return "nests a quantifier inside a quantifier (exponential matching time)"
                found = visit(body, under_repeat or unbounded)
                if found:
                    return found
            elif name == "BRANCH":
                if under_repeat:
                    return "repeats an alternation (exponential matching time when branches overlap); use a character class"
                for branch in argument[1]:
                    found = visit(branch, under_repeat)
                    if found:
                        return found
            elif name in ("SUBPATTERN",):
                found = visit(argument[-1], under_repeat)
                if found:
                    return found
            elif name in ("ASSERT", "ASSERT_NOT"):
                found = visit(argument[1], under_repeat)
                if found:
                    return found
        return ""

    return visit(tree, False)
