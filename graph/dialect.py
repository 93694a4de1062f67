"""Where the two Cyphers differ: a handful of portable macros, translated per store.

koppel's queries are written once, in the Cypher that Neo4j 5 and LadybugDB
0.22 both run, and values always travel as ``$params``. Measured on ladybug
0.22, the shared part is large: ``MATCH``/``OPTIONAL MATCH``, ``EXISTS {}``
and ``COUNT {}`` subqueries, ``collect(DISTINCT ...)``, ``UNION``, ``UNWIND``,
map literals, list properties and ``IN``, dates and date parameters, label
alternatives ``:A|B`` and relationship type alternatives ``[:A|B]``. What is
not shared is small and lives here, as macros written ``{{name(args)}}``:

==========================  ===================================  =======================================
macro                       Neo4j 5                              LadybugDB 0.22
==========================  ===================================  =======================================
``{{type(r)}}``             ``type(r)``                          ``label(r)``
``{{label(n)}}``            ``labels(n)[0]``                     ``label(n)``
``{{labels(n)}}``           ``labels(n)``                        ``[label(n)]`` (ladybug gives a string)
``{{str(x)}}``              ``toString(x)``                      ``CAST(x AS STRING)``
``{{int(x)}}``              ``toInteger(x)``                     ``to_int64(x)`` (sum() of integers is INT128 there)
``{{keys(list)}}``          ``[_x IN list | _x.key]``            ``properties(list, 'key')``
``{{props(list, name)}}``   ``[_x IN list | _x.name]``           ``properties(list, 'name')``
``{{types(rels)}}``         ``[_r IN rels | type(_r)]``          ``list_transform(rels, _r -> label(_r))``
``{{labels_of(nodes)}}``    ``[_x IN nodes | labels(_x)[0]]``    ``list_transform(nodes, _x -> label(_x))``
``{{at(list, 0)}}``         ``list[0]`` (0-based)                ``list[1]`` (LadybugDB counts from 1)
``{{shortest(p, (a), (b), 1, 4)}}``  ``p = SHORTEST 1 (a)-[*1..4]-(b)``  ``p = (a)-[* SHORTEST 1..4]-(b)``
``{{shortest(p, (a), (b), 1, 4, T1|T2)}}``  same, restricted to ``[:T1|T2*1..4]``  ``[:T1|T2* SHORTEST 1..4]``
``{{all_shortest(p, (a), (b), 1, 4)}}``  ``p = ALL SHORTEST (a)-[*1..4]-(b)``  ``p = (a)-[* ALL SHORTEST 1..4]-(b)``
==========================  ===================================  =======================================

Also measured, and handled by the query writer rather than by a macro:

* LadybugDB has no list comprehension (``[x IN l | e]``, ``[x IN l WHERE p]``),
  no ``startNode()``/``endNode()``/``elementId()`` and no map projection
  (``n {.key}``): write map literals (``{key: n.key}``) instead.
* LadybugDB names an unaliased column after its expression (``LABEL(n._ID,[...])``):
  every returned column is aliased with ``AS``.
* LadybugDB refuses a ``null`` parameter whose type it cannot infer: optional
  parameters get a non-null default (``''`` for "any", a far date).
* ``collect()`` has no defined order in either store and Neo4j has no list
  sort: list-valued columns are sorted after the query (see
  :func:`koppel.queries.catalogue.run_named`), and every query orders its
  rows by a total order so both stores return the same rows in the same order.
* ``WITH ... ORDER BY`` without ``SKIP``/``LIMIT`` is refused by LadybugDB,
  and so is ``ORDER BY`` a list (the catalogue's ``sort:`` header sorts in Python).
* Which of several equally short paths ``{{shortest(...)}}`` returns differs
  between the stores: use ``{{all_shortest(...)}}`` where the answer must match.
* ``{{str(x)}}`` of a float differs (``300000.0`` against ``300000.000000``):
  use it on integers and text only.
* List indexes count from 0 in Neo4j and from 1 in LadybugDB (``{{at(list, i)}}``).
* Words that are keywords in LadybugDB (``end``, ``group``) cannot name a
  parameter or a column: ``$end`` or ``AS group`` fail to parse there.
* A ``UNION`` of whole nodes from different tables does not bind in
  LadybugDB, and a ``UNION`` column that is a typed value in one part and a
  bare ``null`` in another is refused: union parts return the same typed
  scalar columns (see :func:`nodes_by_key` for fetching nodes of several labels).
* ``:A|B`` label alternatives cannot be combined with a property map in
  LadybugDB (``(n:A|B {key: $k})``): write ``(n:A|B) WHERE n.key = $k``.

:func:`translate` expands the macros of one query for one store kind;
:func:`check` lists the problems of a query's macros without a store. Labels
and relationship types given to macros are checked against the schema, so
they are never interpolated unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import QueryError
from .schema import SCHEMA

KINDS = ("neo4j", "embedded")

_NAME = re.compile(r"\{\{\s*([a-z_]+)\s*\(")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TYPES = re.compile(r"^[A-Z_][A-Z0-9_]*(\|[A-Z_][A-Z0-9_]*)*$")


def _one(args: list[str], name: str, count: int) -> list[str]:
    if len(args) != count:
        raise QueryError(f"macro {{{{{name}(...)}}}} takes {count} argument(s), got {len(args)}")
    return args


def _variable(text: str, macro: str) -> str:
    if not _VARIABLE.match(text):
        raise QueryError(f"macro {{{{{macro}(...)}}}}: {text!r} is not a variable name")
    return text


def _hops(text: str, macro: str) -> int:
    if not text.isdigit():
        raise QueryError(f"macro {{{{{macro}(...)}}}}: hop count {text!r} is not a whole number")
    return int(text)


def _rel_types(text: str, macro: str) -> str:
    if not _TYPES.match(text):
        raise QueryError(f"macro {{{{{macro}(...)}}}}: {text!r} is not a list of relationship types like A|B")
    for rel_type in text.split("|"):
        if rel_type not in SCHEMA.relationships:
            raise QueryError(f"macro {{{{{macro}(...)}}}}: unknown relationship type {rel_type!r}")
    return text


def _shortest(kind: str, args: list[str], *, every: bool = False) -> str:
    name = "all_shortest" if every else "shortest"
    if len(args) not in (5, 6):
        raise QueryError(f"macro {{{{{name}(p, (a), (b), min, max[, T1|T2])}}}} takes 5 or 6 arguments")
    path, start, end = _variable(args[0], name), args[1], args[2]
    low, high = _hops(args[3], name), _hops(args[4], name)
    types = ":" + _rel_types(args[5], name) if len(args) == 6 else ""
    for node in (start, end):
        if not (node.startswith("(") and node.endswith(")")):
            raise QueryError(f"macro {{{{{name}(...)}}}}: {node!r} is not a node pattern in parentheses")
    if kind == "neo4j":
        return f"{path} = {'ALL SHORTEST' if every else 'SHORTEST 1'} {start}-[{types}*{low}..{high}]-{end}"
    return f"{path} = {start}-[{types}* {'ALL SHORTEST' if every else 'SHORTEST'} {low}..{high}]-{end}"


def _at(kind: str, args: list[str]) -> str:
    items, index = _one(args, "at", 2)
    if not index.lstrip("-").isdigit():
        raise QueryError(f"macro {{{{at(...)}}}}: index {index!r} is not a whole number")
    position = int(index)
    return f"{items}[{position if kind == 'neo4j' or position < 0 else position + 1}]"


def _list_prop(kind: str, items: str, prop: str) -> str:
    _variable(prop, "props")
    if kind == "neo4j":
        return f"[_x IN {items} | _x.{prop}]"
    return f"properties({items}, '{prop}')"


MACROS: dict[str, Callable[[str, list[str]], str]] = {
    "type": lambda kind, a: f"type({_one(a, 'type', 1)[0]})" if kind == "neo4j" else f"label({a[0]})",
    "label": lambda kind, a: f"labels({_one(a, 'label', 1)[0]})[0]" if kind == "neo4j" else f"label({a[0]})",
    "labels": lambda kind, a: f"labels({_one(a, 'labels', 1)[0]})" if kind == "neo4j" else f"[label({a[0]})]",
    "str": lambda kind, a: f"toString({_one(a, 'str', 1)[0]})" if kind == "neo4j" else f"CAST({a[0]} AS STRING)",
    # An integer (LadybugDB's sum() of integers is a 128-bit integer the driver gives as a Decimal).
    "int": lambda kind, a: f"toInteger({_one(a, 'int', 1)[0]})" if kind == "neo4j" else f"to_int64({a[0]})",
    "keys": lambda kind, a: _list_prop(kind, _one(a, "keys", 1)[0], "key"),
    "props": lambda kind, a: _list_prop(kind, *_one(a, "props", 2)),
    "labels_of": lambda kind, a: (
        f"[_x IN {_one(a, 'labels_of', 1)[0]} | labels(_x)[0]]" if kind == "neo4j" else f"list_transform({a[0]}, _x -> label(_x))"
    ),
    "types": lambda kind, a: (
        f"[_r IN {_one(a, 'types', 1)[0]} | type(_r)]" if kind == "neo4j" else f"list_transform({a[0]}, _r -> label(_r))"
    ),
    "shortest": _shortest,
    "all_shortest": lambda kind, a: _shortest(kind, a, every=True),
    "at": _at,
}
"""Each macro: ``(store kind, arguments) -> Cypher text``."""


def split_args(text: str) -> list[str]:
    """Split macro arguments on top-level commas (commas inside (), [], {} or quotes stay)."""
    args, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            continue
        if char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            args.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    tail = "".join(current).strip()
    if tail or args:
        args.append(tail)
    return args


def _macro_at(cypher: str, start: int) -> tuple[str, list[str], int]:
    """Parse the macro opening at ``start``: its name, arguments and the index after ``}}``."""
    match = _NAME.match(cypher, start)
    if not match:
        raise QueryError(f"'{{{{' at offset {start} does not open a macro like {{{{type(r)}}}}")
    name = match.group(1)
    depth, index = 1, match.end()
    quote = ""
    while index < len(cypher) and depth:
        char = cypher[index]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        index += 1
    if depth:
        raise QueryError(f"macro {{{{{name}(...)}}}} at offset {start} has unbalanced parentheses")
    inner = cypher[match.end() : index - 1]
    rest = cypher[index:]
    closing = len(rest) - len(rest.lstrip())
    if not rest[closing:].startswith("}}"):
        raise QueryError(f"macro {{{{{name}(...)}}}} at offset {start} is not closed with '}}}}'")
    if name not in MACROS:
        raise QueryError(f"unknown macro {{{{{name}(...)}}}}; known: {', '.join(sorted(MACROS))}")
    return name, split_args(inner), index + closing + 2


def translate(cypher: str, kind: str) -> str:
    """The query with every ``{{macro(...)}}`` expanded for a store of this kind.

    >>> translate("MATCH (a)-[r]->(b) RETURN {{type(r)}} AS t", "embedded")
    'MATCH (a)-[r]->(b) RETURN label(r) AS t'
    >>> translate("MATCH {{shortest(p, (a {key: $x}), (b {key: $y}), 1, 4)}} RETURN p", "neo4j")
    'MATCH p = SHORTEST 1 (a {key: $x})-[*1..4]-(b {key: $y}) RETURN p'
    """
    if kind not in KINDS:
        raise QueryError(f"unknown store kind {kind!r}; known: {', '.join(KINDS)}")
    out: list[str] = []
    position = 0
    while True:
        start = cypher.find("{{", position)
        if start < 0:
            out.append(cypher[position:])
            return "".join(out)
        out.append(cypher[position:start])
        name, args, position = _macro_at(cypher, start)
        # Arguments may hold macros themselves: {{keys({{...}})}} is not needed so far,
        # but a nested macro is expanded rather than passed through.
        args = [translate(arg, kind) if "{{" in arg else arg for arg in args]
        out.append(MACROS[name](kind, args))


def nodes_by_key(kind: str, keys_by_label: dict[str, list[str]]) -> list[tuple[str, dict[str, list[str]]]]:
    """Queries (with their parameters) returning, in a column ``node``, every node whose key is listed under its label.

    Fetching nodes of several labels by key is where the stores part ways:
    Neo4j runs one query, a ``UNION ALL`` of per-label index seeks; LadybugDB
    cannot bind a ``UNION`` of nodes from different tables ("node has data
    type NODE but NODE was expected"), so it gets one query per label. Both
    use ``UNWIND $keys AS k MATCH (n:Label {key: k})``: measured on ladybug
    0.22 with a million nodes, that is a primary-key lookup per key (1 ms for
    40 keys) where ``WHERE n.key IN $keys`` scans the table (440 ms on 930k events).

    >>> nodes_by_key("neo4j", {"Dossier": ["d1"], "Forum": ["f1"]})[0][0]
    'UNWIND $k0 AS k MATCH (n:Dossier {key: k}) RETURN n AS node UNION ALL UNWIND $k1 AS k MATCH (n:Forum {key: k}) RETURN n AS node'
    """
    if kind not in KINDS:
        raise QueryError(f"unknown store kind {kind!r}; known: {', '.join(KINDS)}")
    labels = [label for label in sorted(keys_by_label) if keys_by_label[label]]
    for label in labels:
        SCHEMA.check_label(label)
    if kind == "neo4j":
        if not labels:
            return []
        parts = [f"UNWIND $k{i} AS k MATCH (n:{label} {{key: k}}) RETURN n AS node" for i, label in enumerate(labels)]
        return [(" UNION ALL ".join(parts), {f"k{i}": sorted(set(keys_by_label[label])) for i, label in enumerate(labels)})]
    return [(f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN n AS node", {"keys": sorted(set(keys_by_label[label]))}) for label in labels]


def check(cypher: str) -> list[str]:
    """Problems with the macros of a query (empty when it translates for every store kind)."""
    problems = []
    for kind in KINDS:
        try:
            translate(cypher, kind)
        except QueryError as error:
            problems.append(f"{kind}: {error}")
    return problems


def for_store(store: object, cypher: str) -> str:
    """The query translated for ``store`` (anything with a ``kind`` of 'neo4j' or 'embedded')."""
    return translate(cypher, getattr(store, "kind", ""))


# ------------------------------------------------------------------------------------------------------
# Ad-hoc Neo4j Cypher on the embedded store: a translation from the parse tree (koppel.graph.cypher).
# ------------------------------------------------------------------------------------------------------

ADHOC_RENAMES = {"type": "label", "tointeger": "to_int64", "tofloat": "to_double"}
"""Neo4j function -> LadybugDB 0.22 function with the same arguments and answer (measured on the seed graph)."""

ADHOC_REFUSED = {
    "elementid": "elementId() of a node pattern's variable is translated (label:key); else return n.key, the key every koppel node has",
    "id": "return n.key, the key every koppel node has (LadybugDB's id() is an {offset, table} map)",
    "startnode": "name both endpoints in the one directed pattern that binds r, (a)-[r]->(b), and return a",
    "endnode": "name both endpoints in the one directed pattern that binds r, (a)-[r]->(b), and return b",
    "tail": "slice the list: list[1..]",
    "stdev": "compute it from avg() and sum() of squares, or run the query on Neo4j",
    "stdevp": "compute it from avg() and sum() of squares, or run the query on Neo4j",
    "percentilecont": "order the values and pick one with collect(x)[i]",
    "percentiledisc": "order the values and pick one with collect(x)[i]",
    "datetime": "use date(); koppel stores dates, not times",
    "localdatetime": "use date(); koppel stores dates, not times",
    "time": "use date(); koppel stores dates, not times",
    "localtime": "use date(); koppel stores dates, not times",
    "duration": "subtract dates (date(b) - date(a)) on Neo4j; LadybugDB answers days, not a duration",
    "duration.between": "subtract dates (date(b) - date(a)) on Neo4j; LadybugDB answers days, not a duration",
    "duration.indays": "subtract dates (date(b) - date(a)) on Neo4j; LadybugDB answers days, not a duration",
    "duration.inmonths": "subtract dates (date(b) - date(a)) on Neo4j; LadybugDB answers days, not a duration",
    "duration.inseconds": "subtract dates (date(b) - date(a)) on Neo4j; LadybugDB answers days, not a duration",
    "date.truncate": "compare the date parts with date_part() ... or run the query on Neo4j",
    "datetime.truncate": "use date(); koppel stores dates, not times",
    "toboolean": "compare the value: x = 'true'",
    "keys": "name the properties you need; the embedded store also lists internal ones",
    "properties": "name the properties you need in a map: {key: n.key, name: n.name}",
    "exists": "write n.prop IS NOT NULL, or EXISTS { MATCH ... } for a pattern",
    "valuetype": "run the query on Neo4j",
    "split": "LadybugDB's string_split() drops empty parts ('a,,b' gives 2, not 3); split on Neo4j, or use string_split() knowingly",
}

LADYBUG_KEYWORDS = frozenset(
    """GROUP END ORDER DESC ASC DESCENDING ASCENDING UNION WHERE WITH ALL DISTINCT CASE WHEN THEN ELSE AND OR
    XOR NOT IN IS NULL TRUE FALSE STARTS ENDS EXISTS SHORTEST LIMIT SKIP OPTIONAL UNWIND ON PRIMARY TABLE
    CAST COLUMN DEFAULT GLOB SINGLE ANY NONE MACRO PROFILE""".split()
)
"""Words LadybugDB 0.22 does not accept as bare names (``AS group`` fails to parse): written backticked."""
"""Neo4j functions with no equal on the embedded store, and what to write instead."""


def _matching(tokens: list) -> dict[int, int]:
    """Index of each opening bracket token -> index of its closing bracket."""
    pairs, stack = {}, []
    for index, token in enumerate(tokens):
        if token.kind != "punct":
            continue
        if token.text in "([{":
            stack.append(index)
        elif token.text in ")]}" and stack:
            pairs[stack.pop()] = index
    return pairs


class _Edits:
    """Text to put before, instead of, or after single tokens of a parsed query."""

    def __init__(self, parsed) -> None:
        self.parsed = parsed
        self.before: dict[int, str] = {}
        self.instead: dict[int, str] = {}
        self.after: dict[int, str] = {}

    def replace(self, index: int, text: str) -> None:
        self.instead[index] = text

    def drop(self, *indexes: int) -> None:
        for index in indexes:
            self.instead[index] = ""

    def prefix(self, index: int, text: str) -> None:
        self.before[index] = text + self.before.get(index, "")

    def suffix(self, index: int, text: str) -> None:
        self.after[index] = self.after.get(index, "") + text

    def render(self) -> str:
        from .cypher import render, render_token

        tokens = self.parsed.tokens
        texts = {}
        for index in set(self.before) | set(self.instead) | set(self.after):
            body = self.instead.get(index, render_token(tokens[index]))
            texts[index] = self.before.get(index, "") + body + self.after.get(index, "")
        return render(tokens, texts)


def _refuse(parsed, token: int, construct: str, instead: str) -> QueryError:
    return QueryError(f"{construct} at {parsed.where(token)} has no equal on the embedded store; {instead}")


def _first_token(node) -> int:
    return min(n.token for n in node.walk())


def _call_args(tokens: list, pairs: dict[int, int], name_token: int) -> tuple[int, int, list[tuple[int, int]]]:
    """For a call whose name starts at ``name_token``: its '(' and ')' and each argument's token range."""
    open_index = name_token
    while not (tokens[open_index].kind == "punct" and tokens[open_index].text == "("):
        open_index += 1
    close = pairs[open_index]
    args, start, depth = [], open_index + 1, 0
    for index in range(open_index + 1, close):
        token = tokens[index]
        if token.kind == "punct" and token.text in "([{":
            depth += 1
        elif token.kind == "punct" and token.text in ")]}":
            depth -= 1
        elif token.kind == "punct" and token.text == "," and depth == 0:
            args.append((start, index - 1))
            start = index + 1
    if start < close:
        args.append((start, close - 1))
    return open_index, close, args


def _plus_one(edits: _Edits, node, end_token: int) -> None:
    """Shift a 0-based index expression (``node``, ending before ``end_token``) to LadybugDB's 1-based count."""
    if node.kind == "number" and node.attrs["text"].isdigit():
        edits.replace(node.token, str(int(node.attrs["text"]) + 1))
    elif node.kind == "unary" and node.attrs["op"] == "-":
        return  # counted from the end: the same in both
    else:
        edits.prefix(_first_token(node), "(")
        edits.prefix(end_token, ")+1")


def to_embedded(parsed) -> str:
    """The embedded-store (LadybugDB 0.22) text of a parsed read-only Neo4j query.

    Rewrites, from the tree: ``type(r)`` -> ``label(r)``; ``labels(n)`` ->
    ``[label(n)]``; ``toString``/``toInteger``/``toFloat``/``split``/``head``/
    ``last``/``round``/``substring`` to LadybugDB's names and 1-based counts;
    list indexes and slices from 0-based to 1-based; list comprehensions to
    ``list_filter``/``list_transform``; map projections to map literals;
    ``n:A|B`` in expressions to ``label(n) IN [...]``; pattern predicates and
    ``EXISTS``/``COUNT { pattern }`` to ``{ MATCH pattern }``;
    ``shortestPath``/``allShortestPaths`` to ``-[* SHORTEST lo..hi]-``;
    ``startNode(r)``/``endNode(r)`` to the pattern's endpoint variables;
    ``elementId(n)`` of a node to ``label(n) + ':' + n.key``; ``reduce`` to
    ``list_reduce`` (mapping the list first for an ``acc + g(x)`` step);
    ``duration.between(a, b).months``/``.years`` to whole months from ``date_part``.
    Raises :class:`QueryError` naming the construct, its line and column and
    what to write instead for what has no equal there (see :data:`ADHOC_REFUSED`).
    """
    tokens = parsed.tokens
    pairs = _matching(tokens)
    edits = _Edits(parsed)
    endpoints = _endpoints(parsed.tree)
    late, late_drops, handled = [], [], set()
    counted = set()
    for node in parsed.tree.walk():
        if node.kind == "query":
            for index, clause in enumerate(node.children):
                if clause.kind == "call" and index > 0 and _call_as_count(edits, pairs, clause):
                    counted.add(id(clause))
    for node in parsed.tree.walk():
        kind = node.kind
        if kind == "call" and id(node) not in counted:
            raise _refuse(
                parsed, node.token, "a CALL { } subquery",
                "write it with WITH ... OPTIONAL MATCH, or COUNT { MATCH ... } / EXISTS { MATCH ... }"
                " (CALL { WITH x MATCH ... RETURN count(*) AS n } is translated)",
            )
        if kind == "reduce":
            late_drops.extend(_reduce(edits, node))
        if kind == "quantifier":
            raise _refuse(parsed, node.token, "a quantified path pattern", "write a variable-length relationship, -[:TYPE*1..5]-")
        if kind == "collect_subquery":
            raise _refuse(parsed, node.token, "COLLECT { }", "use OPTIONAL MATCH ... WITH collect(...)")
        if kind in ("label_and", "label_not", "label_any"):
            raise _refuse(parsed, node.token, "a label expression with &, ! or %", "use label(n) = 'A' or label(n) IN ['A', 'B'] in WHERE")
        if kind == "selector":
            raise _refuse(parsed, node.token, f"the path selector {node.attrs['kind'].upper()}", "write shortestPath((a)-[*..6]-(b))")
        if kind == "all_properties":
            raise _refuse(parsed, node.token, "a map projection with .*", "name the properties: n {.key, .name}")
        if kind == "pattern_comprehension":
            raise _refuse(parsed, node.token, "a pattern comprehension", "use OPTIONAL MATCH ... WITH collect(...) or COUNT { MATCH ... }")
        if kind == "variable" and node.attrs["name"].upper() in LADYBUG_KEYWORDS and tokens[node.token].kind == "word":
            edits.replace(node.token, f"`{node.attrs['name']}`")
        if kind == "property" and _between_months(edits, pairs, node):
            handled.add(id(node.children[0]))
        if kind == "function" and id(node) in handled:
            pass
        elif kind == "function" and node.attrs["name"].lower() in ("startnode", "endnode"):
            late.append(_endpoint(parsed, pairs, endpoints, node))
        elif kind == "function" and node.attrs["name"].lower() == "elementid":
            late.append(_element_id(parsed, pairs, node, "embedded"))
        elif kind == "function":
            _function(parsed, edits, pairs, node)
        elif kind == "index":
            _plus_one(edits, node.children[1], pairs[node.token])
        elif kind == "slice":
            if node.attrs["low"]:
                low = node.children[1]
                dots = next(i for i in range(_first_token(low), pairs[node.token]) if tokens[i].kind == "punct" and tokens[i].text == ".." and _depth_zero(tokens, node.token, i, pairs))
                _plus_one(edits, low, dots)
        elif kind == "list_comprehension":
            _comprehension(edits, node)
        elif kind == "map_projection":
            _map_projection(parsed, edits, pairs, node)
        elif kind == "has_labels":
            _has_labels(parsed, edits, node)
        elif kind == "pattern_predicate":
            element = node.children[0]
            last = element.children[-1]
            edits.prefix(node.token, "EXISTS { MATCH ")
            edits.suffix(pairs[last.token], " }")
        elif kind in ("exists_subquery", "count_subquery") and node.attrs["form"] == "pattern":
            edits.suffix(node.attrs["brace"], " MATCH")
        elif kind == "shortest_function":
            _shortest_function(parsed, edits, pairs, node)
    edits.drop(*late_drops)  # after the walk, so no quoting of a dropped variable survives
    for first, last, name in late:  # after the walk, so no edit of the argument's own tokens survives
        edits.replace(first, name)
        edits.drop(*range(first + 1, last + 1))
    return edits.render()


_MONTHS_BETWEEN = (
    "12 * (date_part('year', _between[2]) - date_part('year', _between[1]))"
    " + date_part('month', _between[2]) - date_part('month', _between[1])"
)


def _between_months(edits: _Edits, pairs: dict[int, int], node) -> bool:
    """duration.between(a, b).months / .years -> the whole months (years) from date a to date b, as Neo4j counts them.

    Neo4j counts the months between the two dates' months, one fewer when b's day of month is before a's
    (one more when negative and after): (2020-01-31, 2020-03-01) is 1 month, (2021-03-01, 2020-01-01) is -14;
    years are the months divided by 12, truncated toward zero. Each argument appears once in the text:
    ``list_transform([[a, b]], _between -> months)[1]``. False (and no edit) for anything else; the other
    components (``.days``, ``.seconds``, ...) stay refused.
    """
    function = node.children[0]
    if node.attrs["key"] not in ("months", "years") or function.kind != "function" or function.attrs["name"].lower() != "duration.between" or len(function.children) != 2:
        return False
    tokens = edits.parsed.tokens
    open_index = next(i for i in range(function.token, len(tokens)) if tokens[i].text == "(")
    close = pairs[open_index]
    months = (
        f"(({_MONTHS_BETWEEN}) + CASE WHEN ({_MONTHS_BETWEEN}) > 0 AND date_part('day', _between[2]) < date_part('day', _between[1]) THEN -1"
        f" WHEN ({_MONTHS_BETWEEN}) < 0 AND date_part('day', _between[2]) > date_part('day', _between[1]) THEN 1 ELSE 0 END)"
    )
    if node.attrs["key"] == "years":
        months = f"({months} / 12)"
    edits.replace(function.token, "list_transform([[")
    edits.drop(*range(function.token + 1, open_index + 1))
    edits.replace(close, f"]], _between -> {months})[1]")
    edits.drop(*range(close + 1, node.token + 2))  # the '.' and the component's name
    return True


def _node_variables(tree) -> set[str]:
    """Variables bound by a node pattern ``(n)`` and never renamed or rebound by ``... AS n``."""
    nodes = {n.attrs["variable"].attrs["name"] for n in tree.walk() if n.kind == "node" and n.attrs.get("variable") is not None}
    others = {r.attrs["variable"].attrs["name"] for r in tree.walk() if r.kind == "relationship" and r.attrs.get("variable") is not None}
    others |= {item.children[1].attrs["name"] for item in tree.walk() if item.kind == "item" and len(item.children) == 2}
    others |= {u.children[1].attrs["name"] for u in tree.walk() if u.kind == "unwind" and len(u.children) == 2 and u.children[1].kind == "variable"}
    return nodes - others


def _element_id(parsed, pairs: dict[int, int], node, kind: str) -> tuple[int, int, str]:
    """elementId(n) -> koppel's element id of node ``n``, ``'<label>:<key>'``, written the same way on both stores.

    Neo4j's own element ids (``4:<database uuid>:<n>``) differ between databases and are unknown to the
    embedded store; a node's one label and its key name it on both. Only for a variable a node pattern binds;
    a relationship's or any other argument is refused on the embedded store (and left as written on Neo4j).
    """
    from .cypher import quote_name

    argument = node.children[0] if len(node.children) == 1 else None
    if argument is None or argument.kind != "variable" or argument.attrs["name"] not in _node_variables(parsed.tree):
        if kind == "embedded":
            raise _refuse(parsed, node.token, f"{node.attrs['name']}()", ADHOC_REFUSED["elementid"])
        return None
    name = argument.attrs["name"]
    name = f"`{name}`" if name.upper() in LADYBUG_KEYWORDS else quote_name(name)
    label = f"label({name})" if kind == "embedded" else f"labels({name})[0]"
    open_index = next(i for i in range(node.token, len(parsed.tokens)) if parsed.tokens[i].text == "(")
    return node.token, pairs[open_index], f"({label} + ':' + {name}.key)"


def _neo4j(parsed) -> str:
    """The Neo4j text of a parsed read-only query: the guard's canonical text, with ``elementId(n)`` of a
    node written as koppel's element id (see :func:`_element_id`) so both stores answer the same string."""
    functions = [n for n in parsed.tree.walk() if n.kind == "function" and n.attrs["name"].lower() == "elementid"]
    if not functions:
        return parsed.canonical
    pairs = _matching(parsed.tokens)
    edits = _Edits(parsed)
    for function in functions:
        found = _element_id(parsed, pairs, function, "neo4j")
        if found is not None:
            first, last, text = found
            edits.replace(first, text)
            edits.drop(*range(first + 1, last + 1))
    return edits.render()


def _endpoints(tree) -> dict[str, tuple[str, str] | None]:
    """Relationship variable -> (start node variable, end node variable), read from the patterns that bind it.

    ``None`` for a relationship whose endpoints are not both named, whose direction is not given, which is
    variable-length (a list of relationships), or which is bound in more than one place.
    """
    found: dict[str, tuple[str, str] | None] = {}
    for path in tree.walk():
        if path.kind != "path":
            continue
        children = path.children
        for index, rel in enumerate(children):
            if rel.kind != "relationship" or rel.attrs.get("variable") is None:
                continue
            name = rel.attrs["variable"].attrs["name"]
            left = children[index - 1] if index > 0 else None
            right = children[index + 1] if index + 1 < len(children) else None
            names = [
                end.attrs["variable"].attrs["name"] if end is not None and end.kind == "node" and end.attrs.get("variable") is not None else None
                for end in (left, right)
            ]
            direction = rel.attrs.get("direction")
            variable_length = any(child.kind == "var_length" for child in rel.children)
            if name in found or None in names or direction not in ("left", "right") or variable_length:
                found[name] = None
            else:
                found[name] = (names[0], names[1]) if direction == "right" else (names[1], names[0])
    aliases = {item.children[1].attrs["name"] for item in tree.walk() if item.kind == "item" and len(item.children) == 2}
    for name, ends in found.items():
        if name in aliases or (ends is not None and set(ends) & aliases):
            found[name] = None  # renamed by a WITH ... AS: the pattern's names may no longer mean what they did
    return found


def _endpoint(parsed, pairs: dict[int, int], endpoints: dict, node) -> tuple[int, int, str]:
    """startNode(r)/endNode(r) -> the node variable the pattern binding ``r`` names at that end:
    (first token, last token, replacement text). Refused when the pattern does not tell (see :func:`_endpoints`)."""
    from .cypher import quote_name

    function = node.attrs["name"]
    argument = node.children[0] if len(node.children) == 1 else None
    ends = endpoints.get(argument.attrs["name"]) if argument is not None and argument.kind == "variable" else None
    if ends is None:
        raise _refuse(parsed, node.token, f"{function}()", ADHOC_REFUSED[function.lower()])
    open_index = next(i for i in range(node.token, len(parsed.tokens)) if parsed.tokens[i].text == "(")
    name = ends[0 if function.lower() == "startnode" else 1]
    return node.token, pairs[open_index], f"`{name}`" if name.upper() in LADYBUG_KEYWORDS else quote_name(name)


def _reduce(edits: _Edits, node) -> list[int]:
    """reduce(acc = init, x IN list | step) -> list_reduce(list_concat([init], list), (acc, x) -> step).

    LadybugDB's list_reduce folds a list whose elements have the accumulator's type. When the step is
    ``acc + g(x)`` with ``acc`` nowhere in ``g(x)``, the elements are first mapped to that type:
    list_reduce(list_concat([init], list_transform(list, x -> g(x))), (acc, x) -> acc + x), the same left fold
    (same order, same null propagation) whatever the list's own element type. Returns the tokens dropped.
    """
    from .cypher import quote_name

    def name(variable) -> str:
        text = variable.attrs["name"]
        return f"`{text}`" if text.upper() in LADYBUG_KEYWORDS else quote_name(text)

    accumulator, variable = name(node.children[0]), name(node.children[2])
    step = node.children[4] if len(node.children) > 4 else None
    mapped = (
        step is not None and step.kind == "binary" and step.attrs["op"] == "+"
        and step.children[0].kind == "variable" and step.children[0].attrs["name"] == node.children[0].attrs["name"]
        and not any(n.kind == "variable" and n.attrs["name"] == node.children[0].attrs["name"] for n in step.children[1].walk())
    )
    edits.replace(node.token, "list_reduce")
    edits.replace(node.children[0].token, "list_concat([")
    dropped = [node.attrs["eq"], node.children[2].token, node.attrs["in"]]
    if mapped:
        edits.replace(node.attrs["comma"], "], list_transform(")
        edits.replace(node.attrs["bar"], f", {variable} ->")
        dropped += [step.children[0].token, step.token]
        edits.prefix(node.attrs["close"], f")), ({accumulator}, {variable}) -> {accumulator} + {variable}")
    else:
        edits.replace(node.attrs["comma"], "],")
        edits.replace(node.attrs["bar"], f"), ({accumulator}, {variable}) ->")
    edits.drop(*dropped)
    return dropped


def _call_as_count(edits: _Edits, pairs: dict[int, int], call) -> bool:
    """CALL { [WITH a, b] MATCH pattern [WHERE p] RETURN count(*|x) AS n } -> WITH *, COUNT { MATCH ... } AS n.

    Only that shape (one non-optional MATCH, one count without DISTINCT) has the same answer
    (a count of zero rows is 0 in both); False leaves the CALL to be refused.
    """
    body = call.children[-1]
    if len(body.children) != 1:
        return False
    clauses = body.children[0].children
    if clauses and clauses[0].kind == "with":
        items = clauses[0].children[0]
        if len(clauses[0].children) != 1 or clauses[0].attrs["distinct"] or any(
            len(item.children) != 1 or item.children[0].kind != "variable" for item in items.children
        ):
            return False
        imports, clauses = clauses[0], clauses[1:]
    else:
        imports = None
    if [c.kind for c in clauses] != ["match", "return"] or clauses[0].attrs["optional"]:
        return False
    final = clauses[1]
    if len(final.children) != 1 or final.attrs["distinct"] or len(final.children[0].children) != 1:
        return False
    item = final.children[0].children[0]
    if len(item.children) != 2 or not (
        item.children[0].kind == "count_star"
        or (item.children[0].kind == "function" and item.children[0].attrs["name"].lower() == "count"
            and not item.children[0].attrs["distinct"] and len(item.children[0].children) == 1
            and item.children[0].children[0].kind == "variable")
    ):
        return False
    tokens = edits.parsed.tokens
    brace = next(i for i in range(call.token, len(tokens)) if tokens[i].kind == "punct" and tokens[i].text == "{")
    edits.replace(call.token, "WITH *, COUNT")
    edits.drop(*range(call.token + 1, brace))
    if imports is not None:
        edits.drop(*range(imports.token, clauses[0].token))
    alias = item.children[1].token
    edits.replace(final.token, "}")
    edits.drop(*range(final.token + 1, alias - 1))
    edits.drop(pairs[brace])
    return True


def _depth_zero(tokens: list, open_index: int, index: int, pairs: dict[int, int]) -> bool:
    depth = 0
    for i in range(open_index + 1, index):
        if tokens[i].kind == "punct" and tokens[i].text in "([{":
            depth += 1
        elif tokens[i].kind == "punct" and tokens[i].text in ")]}":
            depth -= 1
    return depth == 0


def _function(parsed, edits: _Edits, pairs: dict[int, int], node) -> None:
    name = node.attrs["name"].lower()
    if name in ADHOC_REFUSED:
        raise _refuse(parsed, node.token, f"{node.attrs['name']}()", ADHOC_REFUSED[name])
    tokens = parsed.tokens
    if name in ADHOC_RENAMES:
        edits.replace(node.token, ADHOC_RENAMES[name])
        return
    if name not in ("labels", "tostring", "head", "last", "round", "substring"):
        return
    _, close, args = _call_args(tokens, pairs, node.token)
    if name == "labels":
        edits.replace(node.token, "label")
        edits.prefix(node.token, "[")
        edits.suffix(close, "]")
    elif name == "tostring" and len(args) == 1:
        edits.replace(node.token, "CAST")
        edits.prefix(close, " AS STRING")
    elif name in ("head", "last") and len(args) == 1:
        edits.replace(node.token, "list_element")
        edits.prefix(close, ", 1" if name == "head" else ", -1")
    elif name == "round" and len(args) == 1:
        edits.prefix(close, ", 0")
    elif name == "substring" and len(args) in (2, 3):
        _plus_one(edits, node.children[1], args[1][1] + 1)
        if len(args) == 2:
            raise _refuse(parsed, node.token, "substring() with two arguments", "give the length too: substring(s, start, size(s))")


def _comprehension(edits: _Edits, node) -> None:
    variable = node.children[0].attrs["name"]
    from .cypher import quote_name

    name = quote_name(variable)
    where, mapping = node.attrs["where"], node.attrs["map"]
    edits.drop(node.children[0].token, node.attrs["in_at"])
    if where and mapping:
        edits.replace(node.token, "list_transform(list_filter(")
        edits.replace(where, f", {name} ->")
        edits.replace(mapping, f"), {name} ->")
    elif where:
        edits.replace(node.token, "list_filter(")
        edits.replace(where, f", {name} ->")
    elif mapping:
        edits.replace(node.token, "list_transform(")
        edits.replace(mapping, f", {name} ->")
    else:
        edits.replace(node.token, "(")
    edits.replace(node.attrs["close"], ")")


def _map_projection(parsed, edits: _Edits, pairs: dict[int, int], node) -> None:
    from .cypher import quote_name

    variable = node.children[0]
    name = quote_name(variable.attrs["name"])
    edits.drop(variable.token)
    for item in node.children[1:]:
        if item.kind == "property_selector":
            key = quote_name(item.attrs["key"])
            edits.drop(item.token)  # the '.'
            edits.replace(item.token + 1, f"{key}: {name}.{key}")
        elif item.kind == "variable_selector":
            inner = quote_name(item.children[0].attrs["name"])
            edits.replace(item.children[0].token, f"{inner}: {inner}")


def _has_labels(parsed, edits: _Edits, node) -> None:
    from .cypher import quote_name, quote_string

    variable, labels = node.children
    names = []
    for child in labels.children:
        if child.kind == "label":
            names.append(child.attrs["name"])
        elif child.kind == "label_or" and all(c.kind == "label" for c in child.children):
            names.extend(c.attrs["name"] for c in child.children)
        else:
            raise _refuse(parsed, child.token, "a label expression with &, ! or %", "use label(n) = 'A' or label(n) IN ['A', 'B']")
    if len(labels.children) > 1:
        raise _refuse(parsed, labels.token, "n:A:B (several labels at once)", "a koppel node has one label: use label(n) = 'A'")
    last = max(n.token for n in node.walk())
    for index in range(node.token, last + 1):
        edits.drop(index)
    text = f"label({quote_name(variable.attrs['name'])}) IN [{', '.join(quote_string(n) for n in names)}]"
    edits.replace(variable.token, f"({text})")


def _shortest_function(parsed, edits: _Edits, pairs: dict[int, int], node) -> None:
    tokens = parsed.tokens
    element = node.children[0]
    relationships = [c for c in element.children if c.kind == "relationship"]
    lengths = [c for r in relationships for c in r.children if c.kind == "var_length"]
    if len(relationships) != 1 or len(lengths) != 1 or lengths[0].attrs["fixed"]:
        raise _refuse(parsed, node.token, "shortestPath() over more than one relationship", "write shortestPath((a)-[*..6]-(b))")
    open_index = node.token + 1
    edits.drop(node.token, open_index, pairs[open_index])
    star = lengths[0].token
    edits.replace(star, "* ALL SHORTEST" if node.attrs["all"] else "* SHORTEST")
    if lengths[0].attrs["low"] is None:
        dots = next(i for i in range(star, len(tokens)) if tokens[i].text == "..")
        edits.prefix(dots, "1")


def adhoc_for(kind: str, cypher: str, params: dict | None = None) -> str:
    """What runs on a store of ``kind`` for an analyst's read-only Neo4j ``cypher``: the guard's canonical text
    on Neo4j, its translation (:func:`to_embedded`) on the embedded store.

    Raises :class:`~koppel.graph.errors.ReadOnlyViolation` or :class:`QueryError` as the guard does, and
    :class:`QueryError` for a construct the embedded store has no equal for.
    """
    from .guard import check_read_only

    parsed = check_read_only(cypher, params)
    if kind == "embedded":
        return to_embedded(parsed)
    return _neo4j(parsed)
