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
  an upper bound of at most :data:`MAX_HOPS`; ``range()`` takes literal or
  parameter bounds and all ranges of a query build at most :data:`MAX_LIST`
  elements together; ``reduce()`` uses its accumulator once per step; the pattern of ``=~``
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
    date_part date_trunc list_concat array_concat cast list_element list_filter list_transform list_slice
    to_int64 to_double list_reduce""".split()
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
        elif kind == "reduce" or (kind == "lambda" and len(node.children) == 3):
            _check_reduce(parsed, node)
    _check_range_product(parsed, params)
    return parsed


def _check_range_product(parsed: Parsed, params: dict[str, Any]) -> None:
    """Ranges nest (a comprehension over a range inside another): their sizes together stay under :data:`MAX_LIST`."""
    total = 1
    for node in parsed.tree.walk():
        if node.kind == "function" and node.attrs["name"].lower() == "range" and len(node.children) in (2, 3):
            values = [_value(child, params) for child in node.children]
            step = values[2] if len(values) == 3 else 1
            if step:
                total *= max(1, (values[1] - values[0]) // step + 1)
    if total > MAX_LIST:
        raise QueryError(f"refused: the range() calls of this query build {total:,} elements together; at most {MAX_LIST:,} are allowed")


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
    where = parsed.where(node.token)
    values = [_value(child, params) for child in node.children]
    if len(values) not in (2, 3):
        return  # the engine reports the wrong number of arguments
    for child, value in zip(node.children, values, strict=True):
        if not isinstance(value, int) or isinstance(value, bool):
            raise QueryError(
                f"refused: range() at {where} takes whole-number literals or $parameters as bounds, so that its size is known"
                " (to walk a list, write [x IN list | ...] instead of indexes)"
            )
    start, end = values[0], values[1]
    step = values[2] if len(values) == 3 else 1
    if step == 0:
        return  # the engine reports the zero step
    count = max(0, (end - start) // step + 1)
    if count > MAX_LIST:
        raise QueryError(f"refused: range() at {where} would build {count:,} elements; at most {MAX_LIST:,} are allowed")


def _check_reduce(parsed: Parsed, node: Node) -> None:
    """The accumulator may appear once in the step: ``acc + acc`` doubles a value on every element."""
    accumulator = node.children[0].attrs["name"]
    step = node.children[-1]  # reduce(acc = init, x IN list | step), or LadybugDB's (acc, x) -> step
    uses = sum(1 for child in step.walk() if child.kind == "variable" and child.attrs["name"] == accumulator)
    if uses > 1:
        raise QueryError(
            f"refused: reduce() at {parsed.where(node.token)} uses its accumulator {accumulator} {uses} times in one step;"
            " its size would double on every element"
        )


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


# ----------------------------------------------------------------------------------- Neo4j gates

FORBIDDEN_OPERATORS = (
    "Show", "Terminate", "LoadCSV", "ProcedureCall", "SystemProcedureCall", "Create", "Merge", "Delete",
    "DetachDelete", "Set", "Remove", "Foreach", "TransactionApply", "TransactionForeach", "Grant", "Deny",
    "Revoke", "Alter", "Drop", "Start", "Stop", "Assert", "Ensure", "Enable", "Rename", "Copy", "Log",
)
"""Neo4j plan operators (matched by prefix, without the '@database' suffix) an ad-hoc query may not contain.

Measured on Neo4j 5.26: EXPLAIN gives query type 'r' for ``SHOW SETTINGS``,
``SHOW TRANSACTIONS``, ``TERMINATE TRANSACTIONS``, ``LOAD CSV`` and procedure
calls; their plans hold ShowSettings, ShowTransactions, TerminateTransactions,
LoadCSV and ProcedureCall operators.
"""


def plan_operators(plan: dict[str, Any] | None) -> list[str]:
    """Operator names of a Neo4j EXPLAIN plan (``ResultSummary.plan``), depth first, '@database' cut off."""
    if not plan:
        return []
    names = [str(plan.get("operatorType", "")).split("@")[0]]
    for child in plan.get("children", []):
        names.extend(plan_operators(child))
    return names


def check_plan(store: Any, cypher: str, params: dict[str, Any] | None = None) -> None:
    """Second gate on a Neo4j store: EXPLAIN ``cypher`` and refuse unless it is a read ('r') whose plan has
    no operator from :data:`FORBIDDEN_OPERATORS`. Does nothing on a store without a planner to ask.

    Raises :class:`ReadOnlyViolation` naming the query type or operator, :class:`QueryError` when the
    server cannot plan the query.
    """
    if getattr(store, "kind", "") != "neo4j":
        return
    from neo4j import exceptions as neo4j_errors

    try:
        with store._session(read_only=True) as session:
            summary = session.run("EXPLAIN " + cypher, params or {}).consume()
    except neo4j_errors.ClientError as error:
        raise QueryError(error.message or str(error)) from None
    kind = summary.query_type or ""
    if kind != "r":
        raise ReadOnlyViolation(f"refused: the planner classifies this query as {kind!r}, not read-only")
    for name in plan_operators(summary.plan):
        if name.startswith(FORBIDDEN_OPERATORS):
            raise ReadOnlyViolation(f"refused: the planner shows a {name} operator, which is not a read")


SAFE_SETTINGS = {
    "dbms.security.allow_csv_import_from_file_urls": ("false", "LOAD CSV may read the server's files"),
    "db.memory.transaction.max": ("a limit", "one transaction may use the whole heap"),
    "dbms.memory.transaction.total.max": ("a limit", "transactions together may use the whole heap"),
    "db.transaction.timeout": ("a timeout", "a transaction may run for ever"),
}
"""Neo4j settings koppel's ad-hoc Cypher relies on: the safe value and the risk of another one."""


def unsafe_settings(store: Any) -> list[str]:
    """Warnings about settings of a Neo4j server that leave ad-hoc Cypher less contained; [] when all are
    safe, when the store is not Neo4j, or when the user may not read the settings (``SHOW SETTINGS``).
    """
    if getattr(store, "kind", "") != "neo4j":
        return []
    from neo4j import exceptions as neo4j_errors

    names = list(SAFE_SETTINGS) + ["internal.dbms.cypher_ip_blocklist"]
    try:
        with store._session(read_only=True) as session:
            values = {r["name"]: str(r["value"]) for r in session.run("SHOW SETTINGS YIELD name, value WHERE name IN $names RETURN name, value", names=names)}
    except neo4j_errors.Neo4jError:
        return []
    warnings = []
    for name, (safe, risk) in SAFE_SETTINGS.items():
        value = values.get(name)
        if value is None:
            continue
        unsafe = value.lower() != "false" if safe == "false" else re.fullmatch(r"(0+(\.0+)?\s*[a-z]*|null|)", value.strip().lower()) is not None
        if unsafe:
            warnings.append(f"Neo4j setting {name}={value}: {risk} (set {safe}; see the README, 'Ad-hoc Cypher')")
    if "internal.dbms.cypher_ip_blocklist" in values and not values["internal.dbms.cypher_ip_blocklist"].strip("[] "):
        warnings.append("Neo4j setting internal.dbms.cypher_ip_blocklist is empty: LOAD CSV may reach any URL (see the README, 'Ad-hoc Cypher')")
    return warnings
