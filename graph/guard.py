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
  parameter bounds and builds at most :data:`MAX_LIST` elements; ``reduce()``
  uses its accumulator once per step; the pattern of ``=~`` is a string literal
  or a parameter, at most :data:`MAX_REGEX_LENGTH` characters, without nested
  quantifiers or back-references (they take exponential time in Java's and in
  LadybugDB's regex engines);
* size is bounded on one row (400, :func:`check_sizes`): every value the query
  builds has a static upper bound on its elements and characters, and every
  ``UNWIND`` on the rows it makes of one row; a bound above
  :data:`MAX_ELEMENTS`, :data:`MAX_COPIES` or :data:`MAX_ROWS`, or one that
  cannot be given (a product of two sizes read from the store), is refused.

The caller then runs :attr:`~koppel.graph.cypher.Parsed.canonical`, the
accepted tokens re-serialised, never the raw text: comments and escapes the
engine might read differently are gone before the engine sees the query.

That canonical text is also parsed by Neo4j 5.26's own Cypher 5 parser
(:mod:`koppel.graph.neo4j_parser`, a JVM sidecar) and the decision is taken on
Neo4j's tree too (:func:`check_neo4j_grammar`): what that parser cannot parse
is refused (400); a parse using any rule outside :data:`READ_RULES` (writes,
commands, procedure calls, ``LOAD CSV``, ``USE``, ``FOREACH``) is refused
(403) by rule name; every function Neo4j reads must be on the lists; and
Neo4j's tree must agree with koppel's on the clauses, the function calls, the
variable-length and quantified patterns and the ``=~`` operators, which the
cost and size checks above rely on. Without Java the guard refuses with
:class:`~koppel.graph.neo4j_parser.GrammarUnavailable` (503).

Read-only transactions are not enough on their own: measured on ladybug 0.22,
a read-only database still let ``LOAD FROM`` read /etc/passwd, ``COPY ... TO``
and ``EXPORT DATABASE`` write files, ``INSTALL`` reach the network, and
``CHECKPOINT`` crash the process; on Neo4j 5.26, ``SHOW SETTINGS``,
``SHOW TRANSACTIONS``, ``TERMINATE TRANSACTIONS`` and ``LOAD CSV`` all run in
a read transaction and EXPLAIN classifies them as reads ('r').
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .cypher import MAX_NESTING, MAX_NUMBER_LENGTH, Node, Parsed, parse
from .errors import QueryError, ReadOnlyViolation

__all__ = [
    "MAX_NESTING", "MAX_NUMBER_LENGTH", "MAX_HOPS", "MAX_LIST", "MAX_REGEX_LENGTH", "MAX_ELEMENTS", "MAX_COPIES", "MAX_ROWS",
    "FUNCTIONS", "NAMESPACED_FUNCTIONS", "READ_RULES", "check_read_only", "check_neo4j_grammar", "check_sizes", "judge_settings", "unsafe_settings",
]

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

_Outline = tuple[list[str], Counter, int, int]
"""What the guard compares between koppel's parse and Neo4j's: the clauses in order, the function calls
(name, argument count; None where forms differ) counted, the variable-length and quantified patterns, the ``=~``."""


def check_read_only(cypher: str, params: dict[str, Any] | None = None, *, neo4j_grammar: bool = True) -> Parsed:
    """Parse ``cypher`` and return it when it is one statement that only reads at a bounded cost.

    ``params`` (the query's parameters, when known) are checked where they
    feed ``range()`` or ``=~``. With ``neo4j_grammar`` (the default) the
    canonical text is also parsed by Neo4j's own Cypher 5 parser and checked
    there (:func:`check_neo4j_grammar`); ``False`` only for text koppel itself
    derived from a query that passed that check (the embedded store's
    translation, which is LadybugDB's dialect, not Neo4j's). Raises
    :class:`ReadOnlyViolation` ("refused: ..."; HTTP 403) for anything that is
    not a read, :class:`QueryError` (HTTP 400, exit 5) for a syntax error or
    an unbounded cost, each naming line and column, and
    :class:`~koppel.graph.neo4j_parser.GrammarUnavailable` (HTTP 503, exit 2)
    when Neo4j's parser cannot run here.
    """
    if not neo4j_grammar:
        parsed = parse(cypher)
        _check(parsed, params or {})
        return parsed
    from . import neo4j_parser

    # Neo4j's parser works on the canonical text (sent as soon as it is lexed) while koppel's parses and checks.
    with neo4j_parser.pending() as request:
        parsed = parse(cypher, request.send)
        outline = _check(parsed, params or {})
        _compare_with_neo4j(parsed, request.answer(), outline)
    return parsed


def _check(parsed: Parsed, params: dict[str, Any]) -> _Outline:
    """Check every node of ``parsed`` (functions, hops, regular expressions, reduce) and bound its sizes, in one
    walk that also collects what :func:`check_neo4j_grammar` compares with Neo4j's parse (:func:`_our_outline`)."""
    clauses: list[str] = []
    calls: Counter = Counter()
    hops = regexes = 0
    stack = [parsed.tree]
    pop, extend = stack.pop, stack.extend
    while stack:  # depth first, in text order (as Node.walk)
        node = pop()
        children = node.children
        if children:
            extend(children[::-1])
        kind = node.kind
        if kind == "binary":
            if node.attrs["op"] == "=~":
                _check_regex(parsed, children[1], params)
                regexes += 1
        elif kind == "function":
            _check_function(parsed, node, params)
            name = node.attrs["name"].lower()
            calls[(name, None if name in _NAME_ONLY else len(children))] += 1
        elif kind in _OURS_CLAUSES:
            clauses.append(kind)
        elif kind == "var_length":
            _check_hops(parsed, node, "variable-length relationship", f"[*..{MAX_HOPS}]")
            hops += 1
        elif kind == "quantifier":
            _check_hops(parsed, node, "quantified path pattern", f"{{1,{MAX_HOPS}}}")
            hops += 1
        elif kind == "reduce":
            _check_reduce(parsed, node)
            calls[("reduce", None)] += 1
        elif kind == "lambda":
            if len(children) == 3:
                _check_reduce(parsed, node)
        elif kind == "count_star":
            calls[("count(*)", None)] += 1
        elif kind == "list_predicate":
            calls[(node.attrs["kind"], None)] += 1
    check_sizes(parsed, params)
    return clauses, calls, hops, regexes


# ---------------------------------------------------------------- Neo4j's own grammar
# The rules of Neo4j 5.26's Cypher5Parser a reading query may use (allow-list: any other rule in the
# parse, a write, a command, a procedure call, LOAD CSV, USE, FOREACH, CALL ... IN TRANSACTIONS, is refused).
READ_RULES = frozenset(
    """statements statement regularQuery singleQuery clause returnClause returnBody returnItem returnItems
    orderItem ascToken descToken orderBy skip limit whereClause withClause matchClause matchMode hint
    unwindClause subqueryClause subqueryScope orderBySkipLimitClause patternList pattern quantifier
    anonymousPattern shortestPathPattern patternElement selector groupToken pathToken pathPatternNonEmpty
    nodePattern parenthesizedPath nodeLabels nodeLabelsIs dynamicExpression dynamicAnyAllExpression
    dynamicLabelType labelType relType labelOrRelType properties relationshipPattern leftArrow arrowLine
    rightArrow pathLength labelExpression labelExpression4 labelExpression4Is labelExpression3
    labelExpression3Is labelExpression2 labelExpression2Is labelExpression1 labelExpression1Is expression
    expression11 expression10 expression9 expression8 expression7 comparisonExpression6 normalForm
    expression6 expression5 expression4 expression3 expression2 postFix property dynamicProperty
    propertyExpression dynamicPropertyExpression expression1 literal caseExpression caseAlternative
    extendedCaseExpression extendedCaseAlternative extendedWhen listComprehension patternComprehension
    reduceExpression listItemsPredicate normalizeFunction trimFunction patternExpression
    shortestPathExpression parenthesizedExpression mapProjection mapProjectionElement countStar
    existsExpression countExpression collectExpression numberLiteral signedIntegerLiteral listLiteral
    propertyKeyName parameter parameterName functionInvocation functionArgument functionName namespace
    variable nonEmptyNameList type typePart typeName typeNullability typeListSuffix stringLiteral map
    symbolicVariableNameString escapedSymbolicVariableNameString unescapedSymbolicVariableNameString
    symbolicNameString escapedSymbolicNameString unescapedSymbolicNameString symbolicLabelNameString
    unescapedLabelSymbolicNameString unescapedLabelSymbolicNameString_ endOfFile""".split()
)
"""Cypher5Parser rules that only read (Neo4j 5.26's grammar, ``Cypher5Parser.ruleNames``)."""

# Clause rules of Neo4j's grammar -> the node kind of koppel's parser that must stand in the same place.
_NEO4J_CLAUSES = {
    "matchClause": "match", "unwindClause": "unwind", "withClause": "with", "returnClause": "return",
    "subqueryClause": "call", "orderBySkipLimitClause": "ORDER BY/SKIP/LIMIT as a clause",
}
_OURS_CLAUSES = {"match", "unwind", "with", "return", "call", "union_part"}
_FORMS = {"countStar": "count(*)", "reduceExpression": "reduce", "normalizeFunction": "normalize", "trimFunction": "trim"}
_NAME_ONLY = {"normalize", "trim"}  # argument counts differ by form (normalize(s, NFC), trim(BOTH 'x' FROM s))


def _neo4j_outline(answer: dict[str, Any]) -> tuple[list[str], Counter, int, int, list[str]]:
    """Clauses (in order), function calls (name, arguments), hop patterns and ``=~`` of Neo4j's parse, plus
    every called function's name as written, from :func:`koppel.graph.neo4j_parser.parse`'s answer."""
    clauses = [_NEO4J_CLAUSES.get(rule, rule) if rule != "UNION" else "union_part" for rule in answer["clauses"]]
    calls: Counter = Counter()
    names: list[str] = []
    for name, arguments in answer["calls"]:
        if arguments < 0:
            calls[(_FORMS.get(name, name), None)] += 1
            continue
        names.append(name)
        lowered = name.lower()
        calls[(lowered, None if lowered in _NAME_ONLY else arguments)] += 1
    return clauses, calls, answer["hops"], answer["regexes"], names


def _our_outline(parsed: Parsed) -> _Outline:
    """Clauses (in order), function calls (name, arguments), hop patterns and ``=~`` of koppel's parse: what
    :func:`_check` collects too, in the same terms as :func:`_neo4j_outline`."""
    clauses: list[str] = []
    calls: Counter = Counter()
    hops = regexes = 0
    for node in parsed.tree.walk():
        kind = node.kind
        if kind in _OURS_CLAUSES:
            clauses.append(kind)
        elif kind in ("var_length", "quantifier"):
            hops += 1
        elif kind == "binary" and node.attrs["op"] == "=~":
            regexes += 1
        elif kind == "function":
            name = node.attrs["name"].lower()
            calls[(name, None if name in _NAME_ONLY else len(node.children))] += 1
        elif kind == "count_star":
            calls[("count(*)", None)] += 1
        elif kind == "reduce":
            calls[("reduce", None)] += 1
        elif kind == "list_predicate":
            calls[(node.attrs["kind"], None)] += 1
    return clauses, calls, hops, regexes


def _short(message: str) -> str:
    cut = message.find(" expecting {")
    if cut >= 0 and len(message) > 160:
        return message[:cut] + " (expecting one of many tokens)"
    return message[:300]


def check_neo4j_grammar(parsed: Parsed, answer: dict[str, Any] | None = None) -> None:
    """Parse ``parsed.canonical`` (the text the engine runs) with Neo4j 5.26's own Cypher 5 parser and check it.

    Refused: text Neo4j's grammar cannot parse (:class:`QueryError`, with
    line and column of the canonical text); a parse that uses a grammar rule
    not in :data:`READ_RULES` (a write, command, procedure call, ``LOAD CSV``,
    ``USE``, ``FOREACH``; :class:`ReadOnlyViolation`, by rule name); a
    function Neo4j reads that is not on :data:`FUNCTIONS` /
    :data:`NAMESPACED_FUNCTIONS`; and any disagreement between Neo4j's tree
    and koppel's on what the cost and size checks rely on (the clauses in
    order, the functions called with their argument counts, the
    variable-length and quantified patterns, the ``=~`` operators), so a
    lexing difference can never hide anything from those checks. ``answer``:
    Neo4j's parse of ``parsed.canonical`` when the caller already has it
    (:func:`koppel.graph.neo4j_parser.parse`). Raises
    :class:`~koppel.graph.neo4j_parser.GrammarUnavailable` when the parser
    cannot run.
    """
    if answer is None:
        from . import neo4j_parser

        answer = neo4j_parser.parse(parsed.canonical)
    _compare_with_neo4j(parsed, answer, _our_outline(parsed))


def _compare_with_neo4j(parsed: Parsed, answer: dict[str, Any], ours: _Outline) -> None:
    """:func:`check_neo4j_grammar` on Neo4j's ``answer``, with koppel's side (``ours``) already collected."""
    text = parsed.canonical
    if "error" in answer:
        raise QueryError(
            f"Neo4j's Cypher 5 parser cannot parse this query (line {answer.get('line')}, column {answer.get('column')} "
            f"of the query as koppel re-serialised it: {text[:200]!r}): {_short(str(answer['error']))}"
        )
    foreign = sorted(set(answer["rules"]) - READ_RULES)
    if foreign:
        raise ReadOnlyViolation(f"refused: Neo4j's parser reads {', '.join(foreign)} in this query; only reading clauses are accepted")
    clauses, calls, hops, regexes, names = _neo4j_outline(answer)
    for written in names:
        lowered = written.lower()
        if ("." in lowered and lowered not in NAMESPACED_FUNCTIONS) or ("." not in lowered and lowered not in FUNCTIONS):
            raise ReadOnlyViolation(f"refused: Neo4j's parser reads a call of {written!r}, which is not on the read-only function list")
    for what, neo4j_side, our_side in (
        ("clauses", clauses, ours[0]), ("function calls", calls, ours[1]), ("variable-length or quantified patterns", hops, ours[2]),
        ("=~ operators", regexes, ours[3]),
    ):
        if neo4j_side != our_side:
            raise ReadOnlyViolation(
                f"refused: the guard and Neo4j's parser read this query differently ({what}: "
                f"{_describe(our_side)} for the guard, {_describe(neo4j_side)} for Neo4j)"
            )


def _describe(value: Any) -> str:
    if isinstance(value, Counter):
        return "[" + ", ".join(f"{name}/{count}" if count is not None else name for (name, count), n in sorted(value.items(), key=str) for _ in range(n)) + "]"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


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
    "db.memory.transaction.max": ("a limit below the heap", "one transaction may use the whole heap"),
    "dbms.memory.transaction.total.max": ("a limit below the heap", "transactions together may use the whole heap"),
    "db.transaction.timeout": ("a timeout", "a transaction may run for ever"),
    "dbms.security.procedures.allowlist": ("a list without '*', e.g. koppel.none", "every plug-in procedure installed (APOC, GDS, ...) is loaded"),
    "dbms.security.procedures.unrestricted": ("empty", "the procedures named there run outside the security sandbox"),
}
"""Neo4j settings koppel's ad-hoc Cypher relies on: the safe value and the risk of another one.

``internal.dbms.cypher_ip_blocklist`` (``LOAD CSV`` reaches no URL) is not among them: Neo4j 5.26
does not show internal settings in ``SHOW SETTINGS``, so it cannot be checked from a client.
"""

_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
          "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30, "t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40}


def _bytes(value: str) -> float | None:
    """Bytes of a Neo4j size setting ('384.00MiB', '640m', '0B'), or None when it is not one."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", value.lower())
    if not match or match.group(2) not in _UNITS:
        return None
    return float(match.group(1)) * _UNITS[match.group(2)]


def judge_settings(values: dict[str, str]) -> list[str]:
    """Warnings, one per unsafe value, for Neo4j settings as ``SHOW SETTINGS`` gives them (name to value).

    Unsafe: file URLs allowed for ``LOAD CSV``; a transaction memory limit of 0 (none) or not below
    ``server.memory.heap.max_size``; a transaction timeout of 0 (none); a procedure allow-list that is
    empty or holds '*'; any unrestricted procedure. A setting not in ``values`` gives no warning.
    """
    heap = _bytes(values.get("server.memory.heap.max_size", "")) or None
    warnings = []
    for name, (safe, risk) in SAFE_SETTINGS.items():
        value = values.get(name)
        if value is None:
            continue
        text = value.strip().lower()
        if name == "dbms.security.allow_csv_import_from_file_urls":
            unsafe = text != "false"
        elif name.endswith("transaction.max") or name.endswith("total.max"):
            size = _bytes(text)
            unsafe = not size or (heap is not None and size >= heap)
        elif name == "db.transaction.timeout":
            unsafe = re.fullmatch(r"(0+(\.0+)?\s*[a-z]*|null|)", text) is not None
        elif name == "dbms.security.procedures.allowlist":
            unsafe = not text.strip("[] ") or "*" in text
        else:
            unsafe = bool(text.strip("[] "))
        if unsafe:
            warnings.append(f"Neo4j setting {name}={value}: {risk} (set {safe}; see the README, 'Ad-hoc Cypher')")
    return warnings


def unsafe_settings(store: Any) -> list[str]:
    """Warnings about settings of a Neo4j server that leave ad-hoc Cypher less contained (:func:`judge_settings`);
    [] when all are safe, when the store is not Neo4j, or when the user may not read the settings (``SHOW SETTINGS``).
    """
    if getattr(store, "kind", "") != "neo4j":
        return []
    from neo4j import exceptions as neo4j_errors

    names = list(SAFE_SETTINGS) + ["server.memory.heap.max_size"]
    try:
        with store._session(read_only=True) as session:
            values = {r["name"]: str(r["value"]) for r in session.run("SHOW SETTINGS YIELD name, value WHERE name IN $names RETURN name, value", names=names)}
    except neo4j_errors.Neo4jError:
        return []
    return judge_settings(values)


# ----------------------------------------------------------------------------------- size bounds

MAX_ELEMENTS = 100_000
"""Elements and characters one value built by the query may hold on one row, when its size is known."""
MAX_COPIES = 64
"""Times a value of unknown size (read from the store, or collected over rows) may be copied into one value."""
MAX_ROWS = 1_000_000
"""Rows that UNWIND of lists built by the query may multiply a row into."""

# A size bound is a polynomial over the unknowns of a query, all of them at least 1, kept as
# {monomial: coefficient}. Monomials are strings of symbols:
#   ''  a known size (elements and characters);
#   'S' the size of one value read from the store (a property, labels, keys, a parameter not given);
#   'R' the number of rows read from the store (MATCH), and so the length of a list collect()ed over them;
#   'A' the accumulator of a reduce(), while its step is being bounded.
# A symbol may appear at most once in a monomial: a product of two unknowns (a value read from the store
# copied once per row, a collect() of collect()s) is refused as unbounded.

_ONE = {"": 1}
_ZERO: dict[str, int] = {}
_AGGREGATES = frozenset("count collect sum avg min max percentilecont percentiledisc stdev stdevp".split())
_SCALAR_FUNCTIONS = frozenset(
    """count sum avg min max size length char_length character_length abs ceil floor round sign sqrt exp log log10 e pi
    sin cos tan cot asin acos atan atan2 degrees radians haversin id elementid exists date datetime localdatetime localtime
    time duration tointeger tofloat toboolean tointegerornull tofloatornull tobooleanornull valuetype isempty isnan
    timestamp percentilecont percentiledisc stdev stdevp list_contains list_has_all list_sum list_product starts_with
    ends_with contains regexp_matches date_part date_trunc to_int64 to_double startnode endnode type label""".split()
)
_SAME_SIZE_FUNCTIONS = frozenset(
    """tolower toupper lower upper trim ltrim rtrim btrim substring left right reverse tail tostring tostringornull
    normalize lcase ucase prefix suffix list_distinct list_sort list_reverse_sort list_reverse list_slice nullif cast
    tointegerlist tofloatlist tostringlist tobooleanlist list_filter""".split()
)
_STORE_FUNCTIONS = frozenset("keys labels properties".split())
_PATH_FUNCTIONS = frozenset("nodes relationships rels".split())


class _Unbounded(Exception):
    """Raised inside the size walk: ``node`` builds a value or rows beyond the budget; ``why`` says how."""

    def __init__(self, node: Node, why: str) -> None:
        super().__init__(why)
        self.node, self.why = node, why


def _add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


def _mul(a: dict[str, int], b: dict[str, int], node: Node) -> dict[str, int]:
    out: dict[str, int] = {}
    for ka, va in a.items():
        for kb, vb in b.items():
            if ka and kb and set(ka) & set(kb):
                raise _Unbounded(node, _PRODUCT.get((set(ka) & set(kb)).pop(), _PRODUCT["X"]))
            key = "".join(sorted(ka + kb))
            out[key] = out.get(key, 0) + va * vb
    return out


def _max(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    out = dict(a)
    for key, value in b.items():
        if value > out.get(key, 0):
            out[key] = value
    return out


_PRODUCT = {
    "S": "multiplies a value read from the store by another such value, so its size cannot be bounded",
    "R": "multiplies a list collected over rows by another such list (e.g. collect() of collect(), or a comprehension"
    " over a collected list that copies a collected list on each element), so its size cannot be bounded",
    "A": "multiplies the accumulator of reduce(), so its size doubles on every element",
    "X": "multiplies the size of one element of a list (of unknown size) by itself, so its size cannot be bounded",
}


class _Value:
    """Size bound of one expression's value on one row: ``total`` elements and characters, ``length``
    elements at the top level, ``item`` the total of one element (each a polynomial, see above)."""

    __slots__ = ("total", "length", "item")

    def __init__(self, total: dict[str, int], length: dict[str, int] | None = None, item: dict[str, int] | None = None) -> None:
        self.total = total
        self.length = total if length is None else length
        self.item = total if item is None else item


_SCALAR = _Value(_ONE, _ONE, _ONE)
_STORED = _Value({"S": 1})


def _param_size(value: Any) -> int:
    if isinstance(value, str):
        return max(1, len(value))
    if isinstance(value, list | tuple):
        return sum(_param_size(v) for v in value) or 1
    if isinstance(value, dict):
        return sum(_param_size(v) for v in value.values()) or 1
    return 1


_CONSTRUCTS = {
    "list_comprehension": "list comprehension", "pattern_comprehension": "pattern comprehension", "list": "list",
    "map": "map", "reduce": "reduce()", "unwind": "UNWIND", "binary": "'+'", "collect_subquery": "COLLECT { }",
    "map_projection": "map projection", "lambda": "lambda", "case": "CASE", "string": "string",
}


class _Sizes:
    """The size walk over one parsed query; see :func:`check_sizes`."""

    def __init__(self, parsed: Parsed, params: dict[str, Any]) -> None:
        self.parsed, self.params = parsed, params
        self.symbols = list("BCDEFGHIJKLMNOPQTUVWXYZ")  # free symbols for the size of a list's element

    # ------------------------------------------------------------------ budget
    def checked(self, node: Node, value: _Value) -> _Value:
        for key, count in value.total.items():
            if key == "":
                if count > MAX_ELEMENTS:
                    raise _Unbounded(node, f"would hold up to {count:,} elements on one row; at most {MAX_ELEMENTS:,} are allowed")
            elif key in ("R", "S", "RS") and count > MAX_COPIES:
                what = "a list collected over rows" if "R" in key else "a value read from the store"
                raise _Unbounded(node, f"copies {what} up to {count:,} times into one value; at most {MAX_COPIES} are allowed")
        return value

    def rows_checked(self, node: Node, rows: dict[str, int]) -> dict[str, int]:
        # Rows read from the store are streamed (their count is bounded by the query timeout, not here):
        # R x R rows stay R; the known factor multiplied in by UNWIND is what the budget bounds.
        collapsed: dict[str, int] = {}
        for key, count in rows.items():
            key = "".join(sorted(set(key)))
            collapsed[key] = collapsed.get(key, 0) + count
        for count in collapsed.values():
            if count > MAX_ROWS:
                raise _Unbounded(node, f"multiplies each row into up to {count:,} rows; at most {MAX_ROWS:,} are allowed")
        return collapsed

    # ------------------------------------------------------------------ queries
    def union(self, node: Node, scope: dict[str, _Value], rows: dict[str, int]) -> tuple[dict[str, _Value], dict[str, int], _Value | None]:
        result = None
        for part in node.children:
            query = part.children[0] if part.kind == "union_part" else part
            result = self.query(query, dict(scope), dict(rows))
        return result  # type: ignore[return-value]

    def query(self, node: Node, scope: dict[str, _Value], rows: dict[str, int]) -> tuple[dict[str, _Value], dict[str, int], _Value | None]:
        last: _Value | None = None
        for clause in node.children:
            kind = clause.kind
            if kind == "match":
                self.patterns(clause.children[0], scope)
                for child in clause.children[1:]:
                    self.expression(child.children[0], scope, rows)
                rows = self.rows_checked(clause, _mul_rows(rows, {"R": 1}))
            elif kind == "unwind":
                value = self.expression(clause.children[0], scope, rows)
                rows = self.rows_checked(clause, _mul_rows(rows, value.length))
                scope[clause.children[1].attrs["name"]] = _Value(value.item)
            elif kind in ("with", "return"):
                scope, rows, last = self.projection(clause, scope, rows)
            elif kind == "call":
                inner_scope = dict(scope)
                body = clause.children[-1]
                returned_scope, inner_rows, _ = self.union(body, inner_scope, {"": 1})
                scope.update(returned_scope)
                rows = self.rows_checked(clause, _mul_rows(rows, inner_rows))
        return scope, rows, last

    def projection(self, clause: Node, scope: dict[str, _Value], rows: dict[str, int]) -> tuple[dict[str, _Value], dict[str, int], _Value | None]:
        items = clause.children[0]
        new_scope = dict(scope) if items.attrs.get("star") else {}
        aggregating = grouping = False
        last = None
        for item in items.children:
            expression = item.children[0]
            value = self.expression(expression, scope, rows)
            last = value
            if _aggregates(expression):
                aggregating = True
            else:
                grouping = True
            if len(item.children) > 1:
                new_scope[item.children[1].attrs["name"]] = value
            elif expression.kind == "variable":
                new_scope[expression.attrs["name"]] = value
        if aggregating and not grouping and not items.attrs.get("star"):
            rows = {"": 1}
        for child in clause.children[1:]:
            if child.kind == "order":
                for sort in child.children:
                    self.expression(sort.children[0], {**scope, **new_scope}, rows)
            elif child.kind == "where":
                self.expression(child.children[0], new_scope, rows)
            else:
                self.expression(child.children[0], new_scope, rows)
                if child.kind == "limit":
                    limit = _value(child.children[0], self.params)
                    if isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0:
                        rows = {"": min(rows[""], limit)} if list(rows) == [""] else {"": max(1, limit)}
        return new_scope, rows, last

    # ------------------------------------------------------------------ patterns
    def patterns(self, node: Node, scope: dict[str, _Value]) -> None:
        """Bind the variables of a pattern list and bound the expressions in its property maps and WHEREs."""
        for pattern in node.children:
            path = pattern.attrs.get("path")
            if path is not None:
                scope[path.attrs["name"]] = _Value({"": 2 * MAX_HOPS + 1})
            for element in pattern.children:
                self.pattern_element(element.children[0] if element.kind == "shortest_function" else element, scope)

    def pattern_element(self, node: Node, scope: dict[str, _Value]) -> None:
        kind = node.kind
        if kind in ("path", "group"):
            for child in node.children:
                self.pattern_element(child, scope)
            return
        if kind in ("node", "relationship"):
            variable = node.attrs.get("variable")
            if variable is not None:
                many = kind == "relationship" and any(c.kind in ("var_length", "quantifier") for c in node.children)
                scope[variable.attrs["name"]] = _Value({"": MAX_HOPS}, {"": MAX_HOPS}, _ONE) if many else _SCALAR
            for child in node.children:
                self.pattern_element(child, scope)
            return
        if kind == "map":
            self.expression(node, scope, {"R": 1})
        elif kind == "where":
            self.expression(node.children[0], scope, {"R": 1})

    # ------------------------------------------------------------------ expressions
    def expression(self, node: Node, scope: dict[str, _Value], rows: dict[str, int]) -> _Value:
        kind = node.kind
        if kind in ("number", "boolean", "null", "count_star"):
            return _SCALAR
        if kind in ("not", "is_null", "has_labels"):
            for child in node.children:
                if child.kind != "labels":
                    self.expression(child, scope, rows)
            return _SCALAR
        if kind == "string":
            size = max(1, len(node.attrs["value"]))
            return self.checked(node, _Value({"": size}, {"": size}, _ONE))
        if kind == "param":
            value = self.params.get(node.attrs["name"], ...)
            if value is ...:
                return _STORED
            size = _param_size(value)
            length = len(value) if isinstance(value, list | tuple | str) else 1
            return _Value({"": size}, {"": max(1, length)})
        if kind == "variable":
            return scope.get(node.attrs["name"], _STORED)
        if kind == "parens":
            return self.expression(node.children[0], scope, rows)
        if kind == "list":
            values = [self.expression(child, scope, rows) for child in node.children]
            total: dict[str, int] = {}
            item: dict[str, int] = {}
            for value in values:
                total, item = _add(total, value.total), _max(item, value.total)
            return self.checked(node, _Value(total or _ONE, {"": max(1, len(values))}, item or _ONE))
        if kind == "map":
            total = {}
            for entry in node.children:
                total = _add(total, self.expression(entry.children[0], scope, rows).total)
            return self.checked(node, _Value(total or _ONE))
        if kind == "map_projection":
            base = self.expression(node.children[0], scope, rows)
            total = dict(base.total)
            for entry in node.children[1:]:
                if entry.kind in ("all_properties", "property_selector"):
                    total = _add(total, {"S": 1})
                elif entry.kind == "literal_entry":
                    total = _add(total, self.expression(entry.children[0], scope, rows).total)
                else:
                    total = _add(total, self.expression(entry.children[0], scope, rows).total)
            return self.checked(node, _Value(total))
        if kind == "property":
            base = self.expression(node.children[0], scope, rows)
            return self.checked(node, _Value(_add(base.total, {"S": 1})))
        if kind == "index":
            base = self.expression(node.children[0], scope, rows)
            self.expression(node.children[1], scope, rows)
            return _Value(base.item)
        if kind == "slice":
            base = self.expression(node.children[0], scope, rows)
            for child in node.children[1:]:
                self.expression(child, scope, rows)
            return base
        if kind == "unary":
            self.expression(node.children[0], scope, rows)
            return _SCALAR
        if kind == "binary":
            left = self.expression(node.children[0], scope, rows)
            right = self.expression(node.children[1], scope, rows)
            if node.attrs["op"] in ("+", "||"):
                return self.checked(node, _Value(_add(left.total, right.total), _add(left.length, right.length), _max(left.item, right.item)))
            return _SCALAR
        if kind == "case":
            result: dict[str, int] = {}
            for child in node.children:
                if child.kind == "when":
                    self.expression(child.children[0], scope, rows)
                    result = _max(result, self.expression(child.children[1], scope, rows).total)
                elif child.kind == "else":
                    result = _max(result, self.expression(child.children[0], scope, rows).total)
                else:
                    self.expression(child, scope, rows)
            return _Value(result or _ONE)
        if kind == "list_comprehension":
            source = self.expression(node.children[1], scope, rows)
            symbol, element = self.element(source)
            inner = {**scope, node.children[0].attrs["name"]: element}
            mapped = None
            rest = node.children[2:]
            if node.attrs.get("where"):
                self.expression(rest[0], inner, rows)
                rest = rest[1:]
            if node.attrs.get("map"):
                mapped = self.expression(rest[0], inner, rows)
            self.symbols.append(symbol)
            if mapped is None:
                return source
            return self.checked(node, self.over(node, source, mapped.total, symbol))
        if kind == "list_predicate":
            source = self.expression(node.children[1], scope, rows)
            symbol, element = self.element(source)
            inner = {**scope, node.children[0].attrs["name"]: element}
            for child in node.children[2:]:
                self.expression(child, inner, rows)
            self.symbols.append(symbol)
            return _SCALAR
        if kind == "reduce":
            accumulator, initial, variable, items, step = node.children
            start = self.expression(initial, scope, rows)
            source = self.expression(items, scope, rows)
            return self.reduce(node, accumulator.attrs["name"], start, variable.attrs["name"], source, step, scope, rows)
        if kind == "pattern_comprehension":
            inner = dict(scope)
            self.patterns(Node("patterns", node.token, children=[Node("pattern", node.token, dict(node.attrs), [node.children[0]])]), inner)
            for child in node.children[1:-1]:
                self.expression(child.children[0], inner, rows)
            mapped = self.expression(node.children[-1], inner, rows)
            return self.checked(node, _Value(_mul({"R": 1}, mapped.total, node), {"R": 1}, mapped.total))
        if kind in ("exists_subquery", "count_subquery", "collect_subquery"):
            body = node.children[0]
            inner = dict(scope)
            if node.attrs.get("form") == "pattern":
                self.patterns(body, inner)
                for child in node.children[1:]:
                    self.expression(child.children[0], inner, rows)
                return _SCALAR
            _, inner_rows, last = self.union(body, inner, {"": 1})
            if kind != "collect_subquery" or last is None:
                return _SCALAR
            length = _collected(inner_rows)
            return self.checked(node, _Value(_mul(length, last.total, node), length, last.total))
        if kind == "pattern_predicate":
            self.patterns(Node("patterns", node.token, children=[Node("pattern", node.token, children=node.children)]), dict(scope))
            return _SCALAR
        if kind == "function":
            return self.function(node, scope, rows)
        if kind == "lambda":
            return self.expression(node.children[-1], scope, rows)
        # anything else (labels, names): no value of its own
        for child in node.children:
            if child.kind not in ("labels", "label", "name"):
                self.expression(child, scope, rows)
        return _SCALAR

    def element(self, source: _Value) -> tuple[str, _Value]:
        """A fresh symbol standing for the size of one element of ``source`` and the value bound to it."""
        if not self.symbols or set(source.item) <= {""}:
            return "", _Value(source.item)
        symbol = self.symbols.pop()
        return symbol, _Value({symbol: 1})

    def over(self, node: Node, source: _Value, mapped: dict[str, int], symbol: str) -> _Value:
        """The bound of a list mapping each element of ``source`` to a value of size ``mapped``, which may
        hold ``symbol`` (the element's own size): summed over the elements, ``symbol`` adds up to the
        source's total and the rest is multiplied by its length."""
        total: dict[str, int] = {}
        item: dict[str, int] = {}
        for key, count in mapped.items():
            if symbol and symbol in key:
                rest = {key.replace(symbol, ""): count}
                total = _add(total, _mul(source.total, rest, node))
                item = _add(item, _mul(source.item, rest, node))
            else:
                total = _add(total, _mul(source.length, {key: count}, node))
                item = _add(item, {key: count})
        return _Value(total or _ONE, source.length, item or _ONE)

    def reduce(self, node: Node, accumulator: str, start: _Value, variable: str, source: _Value, step: Node,
               scope: dict[str, _Value], rows: dict[str, int]) -> _Value:
        symbol, element = self.element(source)
        inner = {**scope, accumulator: _Value({"A": 1}), variable: element}
        grown = self.expression(step, inner, rows).total
        self.symbols.append(symbol)
        growth: dict[str, int] = {}
        for key, count in grown.items():
            if "A" in key:
                if key != "A" or count > 1:
                    raise _Unbounded(node, _PRODUCT["A"])
            else:
                growth[key] = count
        return self.checked(node, _Value(_add(start.total, self.over(node, source, growth, symbol).total)))

    def function(self, node: Node, scope: dict[str, _Value], rows: dict[str, int]) -> _Value:
        name = node.attrs["name"].lower()
        children = node.children
        if name in ("list_transform", "list_filter", "list_reduce") and len(children) >= 2 and children[-1].kind == "lambda":
            source = self.expression(children[0], scope, rows)
            for extra in children[1:-1]:
                self.expression(extra, scope, rows)
            body = children[-1]
            if name == "list_reduce" and len(body.children) == 3:
                return self.reduce(node, body.children[0].attrs["name"], _Value(source.item), body.children[1].attrs["name"], source, body.children[2], scope, rows)
            symbol, element = self.element(source)
            inner = {**scope, body.children[0].attrs["name"]: element}
            mapped = self.expression(body.children[-1], inner, rows)
            self.symbols.append(symbol)
            if name == "list_filter":
                return source
            return self.checked(node, self.over(node, source, mapped.total, symbol))
        args = [self.expression(child, scope, rows) for child in children]
        if name == "range":
            values = [_value(child, self.params) for child in children]
            if len(values) in (2, 3) and all(isinstance(v, int) for v in values):
                step = values[2] if len(values) == 3 else 1
                count = max(1, (values[1] - values[0]) // step + 1) if step else 1
                return self.checked(node, _Value({"": count}, {"": count}, _ONE))
            raise _Unbounded(node, "has bounds that are not whole-number literals or $parameters, so its size cannot be bounded")
        if name == "collect":
            value = args[0] if args else _SCALAR
            length = _collected(rows)
            return self.checked(node, _Value(_mul(length, value.total, node), length, value.total))
        if name in _SCALAR_FUNCTIONS:
            return _SCALAR
        if name in _STORE_FUNCTIONS:
            total: dict[str, int] = {"S": 1}
            for arg in args:
                total = _add(total, arg.total)
            return self.checked(node, _Value(total))
        if name in _PATH_FUNCTIONS:
            path = args[0] if args else _SCALAR
            if set(path.total) <= {""}:
                return _Value(path.total, path.total, _ONE)  # the nodes or relationships of a path: references
            return path
        if name in ("head", "last", "list_element"):
            return _Value(args[0].item) if args else _SCALAR
        if name in _SAME_SIZE_FUNCTIONS:
            return args[0] if args else _SCALAR
        if name in ("split", "string_split"):
            base = args[0] if args else _SCALAR
            return self.checked(node, _Value(_add(base.total, base.total), base.total, base.total))
        if name == "replace" and len(args) == 3:
            return self.checked(node, _Value(_add(args[0].total, _mul(args[0].total, args[2].total, node))))
        # coalesce, list_concat, array_concat and the rest: at most the sum of the arguments
        total = {}
        for arg in args:
            total = _add(total, arg.total)
        return self.checked(node, _Value(total or _ONE))


def _mul_rows(rows: dict[str, int], factor: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for ka, va in rows.items():
        for kb, vb in factor.items():
            key = "".join(sorted(set(ka + kb.replace("A", ""))))
            out[key] = out.get(key, 0) + va * vb
    return out


def _collected(rows: dict[str, int]) -> dict[str, int]:
    """The length of a list collected over ``rows``: known when no row was read from the store, else the
    unknown R (Neo4j counts collect()'s memory against the transaction limit)."""
    return {"R": 1} if any(rows.keys() - {""}) else dict(rows)


def _aggregates(node: Node) -> bool:
    for child in node.walk():
        if child.kind == "count_star" or (child.kind == "function" and child.attrs["name"].lower() in _AGGREGATES):
            return True
    return False


def check_sizes(parsed: Parsed, params: dict[str, Any] | None = None) -> None:
    """Refuse a query whose values or rows could outgrow the budget on one row.

    Every expression gets an upper bound on the elements and characters its
    value can hold on one row: literals count their elements and characters,
    ``range()`` its length (from literal or parameter bounds), a comprehension
    the length of its list times the size of what it maps each element to,
    ``+`` the sum of both sides, ``reduce()`` its initial value plus the list's
    length times what one step adds, ``collect()`` the rows times the size of
    each collected value; variables carry their bound through ``WITH``,
    ``UNWIND`` and ``CALL { }``. Rows are multiplied by the length of each
    ``UNWIND``'s list. Sizes that depend on the store are kept as unknowns:
    a value read from the store, and the rows a ``MATCH`` reads.

    Refused (:class:`QueryError`, HTTP 400, exit 5), naming the construct and
    its line and column: a known size above :data:`MAX_ELEMENTS`; a value
    copying a store value or a collected list more than :data:`MAX_COPIES`
    times; a product of two unknown sizes (``collect()`` of ``collect()``, a
    comprehension over a collected list that copies a collected list per
    element, a store value multiplied by another); a ``reduce()`` whose step
    uses its accumulator more than once or multiplies it; an ``UNWIND`` chain
    of more than :data:`MAX_ROWS` rows per row.

    Why: Neo4j 5.26's transaction memory limit does not count lists and strings
    built inside an expression, so such a value can exhaust the heap before any
    limit or timeout acts (``RETURN size([x IN range(1, 100000000) | x])``
    threw OutOfMemoryError, issue 18).
    """
    walker = _Sizes(parsed, params or {})
    try:
        walker.union(parsed.tree, {}, {"": 1})
    except _Unbounded as unbounded:
        node = unbounded.node
        if node.kind == "function":
            what = f"{node.attrs['name']}()"
        elif node.kind == "binary":
            what = f"'{node.attrs['op']}'"
        else:
            what = _CONSTRUCTS.get(node.kind, node.kind.replace("_", " "))
        raise QueryError(f"refused: the {what} at {parsed.where(node.token)} {unbounded.why}") from None
    except RecursionError:  # e.g. a sum of thousands of terms: a left-deep tree deeper than Python's stack
        raise QueryError("refused: the query's expressions are too long to bound (thousands of operators in a chain); split it") from None
