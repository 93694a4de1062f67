"""Accept only reading Cypher: a token-level allow-list for ad-hoc queries.

Read-only transactions are not enough on their own: measured on ladybug 0.22,
a read-only database still let ``LOAD FROM`` read /etc/passwd, ``COPY ... TO``
and ``EXPORT DATABASE`` write files, ``INSTALL`` reach the network, and
``CHECKPOINT`` crash the process. So an ad-hoc query is tokenised (strings,
comments and backtick names set aside) and every bare word must be one of:

* a reading keyword (MATCH, WHERE, RETURN, ...),
* a function from :data:`FUNCTIONS`, when followed by ``(``,
* a label, relationship type, property or map key (after ``:`` or ``.``, or before ``:``),
* a variable whose name is not a reserved word of either dialect.

Anything else (CREATE, CALL, LOAD, COPY, a procedure, a namespaced function,
a second statement) is refused with its position.

Two limits keep the embedded parser out of trouble (measured on ladybug 0.22):
brackets nest at most :data:`MAX_NESTING` deep (500 nested list brackets took
the parser about a minute, 3,000 nested parentheses crashed the process), and a
number has at most :data:`MAX_NUMBER_LENGTH` characters (10,000 zeros took it a
second, its time growing with the square of the length).
"""

from __future__ import annotations

import re

from .errors import QueryError, ReadOnlyViolation

MAX_NESTING = 32
MAX_NUMBER_LENGTH = 40  # an INT64 has 19 digits; a double written out in full about 25
_OPENING = {"(": ")", "[": "]", "{": "}"}

READING_KEYWORDS = frozenset(
    """MATCH OPTIONAL WHERE WITH RETURN UNWIND ORDER BY ASC ASCENDING DESC DESCENDING SKIP LIMIT
    UNION ALL DISTINCT AS AND OR XOR NOT IN IS NULL TRUE FALSE CASE WHEN THEN ELSE END
    STARTS ENDS CONTAINS EXISTS COUNT COLLECT SHORTEST""".split()
)

FUNCTIONS = frozenset(
    name.lower()
    for name in """count collect sum avg min max size length coalesce toLower toUpper lower upper trim ltrim
    rtrim substring left right replace split reverse abs ceil floor round sign sqrt range head last tail keys
    labels label type id nodes relationships rels exists date datetime duration toInteger toFloat toString
    toBoolean any all none single properties startNode endNode elementId percentileCont percentileDisc stDev
    list_contains list_distinct string_split lcase ucase starts_with ends_with contains regexp_matches""".split()
)

# Words that open a clause or a command in Cypher or in LadybugDB's dialect: never accepted
# as variable names, so that a variable cannot smuggle one in. Words that only mean
# something after one of these (KEY, TABLE, FROM, TO, ...) stay usable as names.
CLAUSE_WORDS = frozenset(
    """CREATE MERGE SET DELETE DETACH REMOVE DROP ALTER COPY LOAD INSTALL UNINSTALL CALL EXPORT IMPORT
    ATTACH USE CHECKPOINT BEGIN COMMIT ROLLBACK FOREACH SHOW GRANT DENY REVOKE START STOP TERMINATE
    FINISH YIELD PROFILE EXPLAIN RENAME TRUNCATE ENABLE DISABLE ANALYZE INSERT UPDATE UPSERT FILTER LET
    NEXT""".split()
)
RESERVED = CLAUSE_WORDS | READING_KEYWORDS

_TOKEN = re.compile(
    r"""(?P<space>\s+)
    |(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<backtick>`(?:[^`]|``)*`)
    |(?P<param>\$[A-Za-z_][A-Za-z0-9_]*|\$`[^`]*`)
    |(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    |(?P<word>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<punct>\.\.|<>|<=|>=|=~|->|<-|[(){}\[\]:;.,=<>+\-*/%^|!?&@#~\\])
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(cypher: str) -> list[tuple[str, str, int]]:
    tokens, position = [], 0
    while position < len(cypher):
        match = _TOKEN.match(cypher, position)
        if not match:
            raise ReadOnlyViolation(f"refused: unexpected character {cypher[position]!r} at position {position}")
        kind = match.lastgroup or ""
        if kind not in ("space", "comment"):
            tokens.append((kind, match.group(), position))
        position = match.end()
    return tokens


def check_read_only(cypher: str) -> None:
    """Raise :class:`ReadOnlyViolation` unless ``cypher`` is one statement made only of reading parts."""
    if not cypher.strip():
        raise ReadOnlyViolation("refused: the query is empty")
    tokens = _tokens(cypher)
    if tokens and tokens[-1][1] == ";":
        tokens = tokens[:-1]
    _check_nesting(tokens)
    _check_numbers(tokens)
    for index, (kind, text, position) in enumerate(tokens):
        if kind == "punct" and text == ";":
            raise ReadOnlyViolation(f"refused: one statement per query (a ';' at position {position})")
        if kind != "word":
            continue
        before = tokens[index - 1][1] if index else ""
        after = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        upper = text.upper()
        if after == "(" and before != "." and (upper in READING_KEYWORDS or text.lower() in FUNCTIONS):
            continue
        if before == "." and after == "(":
            raise ReadOnlyViolation(f"refused: namespaced function or procedure call at position {position}")
        if after == "." and index + 3 < len(tokens) and tokens[index + 3][1] == "(" and tokens[index + 2][0] == "word":
            # a.b( ... ): namespaced function such as apoc.load.json(...) or db.labels()
            raise ReadOnlyViolation(f"refused: namespaced function or procedure call '{text}.{tokens[index + 2][1]}' at position {position}")
        if before in (":", ".", "|") or (after == ":" and before in ("{", ",")):
            continue  # a label, relationship type, property or map key
        if upper in READING_KEYWORDS:
            continue
        if after == "(":
            raise ReadOnlyViolation(f"refused: function {text!r} at position {position} is not on the read-only list")
        if upper in RESERVED:
            raise ReadOnlyViolation(f"refused: {upper} at position {position} is not a reading clause")
        # anything else is a variable name


def _check_nesting(tokens: list[tuple[str, str, int]]) -> None:
    """Raise :class:`QueryError` when brackets nest deeper than :data:`MAX_NESTING`."""
    depth = 0
    for kind, text, position in tokens:
        if kind != "punct":
            continue
        if text in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError(f"the query nests brackets more than {MAX_NESTING} deep (at position {position}); simplify it")
        elif text in _OPENING.values():
            depth = max(depth - 1, 0)


def _check_numbers(tokens: list[tuple[str, str, int]]) -> None:
    """Raise :class:`QueryError` for a number longer than :data:`MAX_NUMBER_LENGTH` characters."""
    for kind, text, position in tokens:
        if kind == "number" and len(text) > MAX_NUMBER_LENGTH:
            raise QueryError(f"the number at position {position} has {len(text)} characters; numbers have at most {MAX_NUMBER_LENGTH}")
