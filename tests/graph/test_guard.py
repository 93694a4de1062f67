"""The guard's lexer and parser against Neo4j's own: they agree on what a query contains.

The property test asks the real Neo4j server (EXPLAIN) whether a generated
query holds a forbidden clause, and asserts the guard refuses every such query.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from koppel.graph.cypher import decode_unicode_escapes, location, parse, tokenize
from koppel.graph.errors import QueryError, ReadOnlyViolation
from koppel.graph.guard import check_plan, check_read_only, regex_problem

from tests.conftest import open_test_store


def test_unicode_escapes_are_decoded_as_java_does():
    assert decode_unicode_escapes("\\u0041")[0] == "A"
    assert decode_unicode_escapes("\\uuu0041")[0] == "A"
    assert decode_unicode_escapes("\\\\u0041")[0] == "\\\\u0041"  # an escaped backslash does not start an escape
    assert decode_unicode_escapes("\\\\\\u0041")[0] == "\\\\A"
    assert decode_unicode_escapes("\\u00")[0] == "\\u00"


@pytest.mark.parametrize("terminator", ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029"])
def test_a_line_comment_ends_at_every_line_terminator(terminator):
    words = [t.text for t in tokenize(f"RETURN 1 // comment{terminator}AS x") if t.kind == "word"]
    assert words == ["RETURN", "AS", "x"]


def test_positions_count_lines_as_neo4j_does():
    assert location("a\rb\r\nc", 5) == "line 3, column 1"
    with pytest.raises(QueryError, match="line 2, column 8"):
        parse("MATCH (n)\r\nRETURN ,")


def test_the_canonical_text_keeps_the_query_and_drops_comments_and_escapes():
    parsed = parse("MATCH (n:Country) // the countries\rWHERE n.name = 'it\\'s \\u0041' /* x */ RETURN n.key AS `the key`")
    assert parsed.canonical == "MATCH (n:Country) WHERE n.name = 'it\\'s A' RETURN n.key AS `the key`"
    assert parse(parsed.canonical).canonical == parsed.canonical


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH p = shortestPath((a:Country {key: 'IRQ'})-[*..6]-(b:Forum)) RETURN p",
        "MATCH (c:Country) CALL { WITH c MATCH (c)<-[:CONCERNS]-(l) RETURN count(l) AS n } RETURN c.key, n",
        "MATCH (c:Country) RETURN c {.key, .name, linkages: 1} AS m",
        "MATCH (c:Country) RETURN [x IN c.aliases WHERE x STARTS WITH 'A' | toUpper(x)] AS a",
        "MATCH (c:Country) WHERE EXISTS { (c)<-[:CONCERNS]-(:Linkage) } RETURN c.key, COUNT { (c)<-[:CONCERNS]-() } AS n",
        "MATCH (n) WHERE n:Country OR n:Forum RETURN labels(n)[0] AS l, elementId(n) AS id",
        "RETURN reduce(s = 0, x IN [1, 2] | s + x) AS r, duration.between(date('2020-01-01'), date('2021-01-01')) AS d",
        "MATCH (a)-[r]->(b) RETURN type(r), startNode(r).key, endNode(r).key",
        "MATCH p = SHORTEST 1 (a:Country)-[:CONCERNS]-{1,5}(b) RETURN p",
        "MATCH (n:Country) RETURN n.key AS k UNION ALL MATCH (m:Forum) RETURN m.key AS k",
        "MATCH (c:Country) RETURN [(c)<-[:CONCERNS]-(l:Linkage) | l.key] AS keys, CASE WHEN c.key = 'IRQ' THEN 1 ELSE 0 END AS iraq",
        "MATCH (a:Country)-[:MEMBER_OF]->(g)<-[:MEMBER_OF]-(b:Country) WHERE a <> b AND (a)--(b) RETURN a.key, b.key",
    ],
)
def test_analyst_reads_parse(cypher):
    check_read_only(cypher)


def test_regex_checks():
    assert regex_problem("Ir.*k") == ""
    assert regex_problem("[A-Z]{3}") == ""
    assert "nests" in regex_problem("(a+)+$")
    assert "back-reference" in regex_problem("(a)\\1")
    assert regex_problem("x" * 600).startswith("has 600")


def test_ambiguous_nesting_costs_linear_time():
    """Node patterns and parenthesised expressions look alike; the parser remembers what it tried."""
    import time

    deep = "RETURN " + "({k: " * 15 + "1" + "})" * 15 + " AS x"
    started = time.perf_counter()
    check_read_only(deep)
    assert time.perf_counter() - started < 2


# -- the lexer's fast pattern and the operators' binding (the guard's cost was cut without changing them) --

LEX_PIECES = [
    "MATCH", "RETURN", "n", "x_1", "é", "_", "á", "Ω", "1", "42", "0x1F", "0o17", "1.5", ".5", "1e3", "1..3", "1_000", "9" * 45,
    "'s'", "'it\\'s'", "'\\t\\n'", "'\\U0001F600'", "'\\q'", "\"d\"", "'", '"', "`a b`", "`a``b`", "`", "$p", "$`q r`", "$1", "$",
    " ", "\t", "\n", "\r", "\r\n", "\x85", "\u2028", "\u00a0", "\u3000", "\u200b", "\x1c",
    "//", "// c\n", "/*", "*/", "/* c */", "/", "*", "-->", "<--", "<-->", "->", "<-", "-", "--", "..", ".", "::", ":", "=~", "<>", "<=", ">=",
    "+=", "||", "|", "(", ")", "[", "]", "{", "}", ",", ";", "=", "<", ">", "+", "%", "^", "!", "?", "&",
    "\\u0041", "\\u000a", "\\uuu0027", "\\\\u0041", "\\u00", "\\", "\\ud800",
]


def _lexed(text: str, careful_only: bool):
    try:
        return [(t.kind, t.text, t.start, t.space, t.upper) for t in tokenize(text, careful_only=careful_only)]
    except (QueryError, ReadOnlyViolation) as error:
        return type(error).__name__, str(error)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LEX_PIECES), max_size=12).map("".join) | st.text(max_size=40))
@example("MATCH (a)-->(b) WHERE a.x =~ 'y\\'z' AND b.`k``l` = $p // c\rRETURN 1.5, 42, [1..3] /* d */")
def test_the_fast_lexing_pattern_lexes_as_the_careful_code(text):
    """The compiled pattern takes the common tokens; the per-character code alone gives the same tokens or error."""
    assert _lexed(text, False) == _lexed(text, True)


def test_the_fast_pattern_s_white_space_is_every_character_the_lexer_takes_for_white_space():
    import re
    import sys

    from koppel.graph.cypher import _SPACE_CLASS, _is_space

    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert set(re.findall(f"[{_SPACE_CLASS}]", everything)) == {c for c in everything if _is_space(c)}


def _shape(node):
    if node.kind == "binary":
        return (node.attrs["op"], _shape(node.children[0]), _shape(node.children[1]))
    if node.kind in ("not", "unary"):
        return (node.attrs.get("op", "NOT"), _shape(node.children[0]))
    if node.kind == "is_null":
        return ("IS NOT NULL" if node.attrs["not"] else "IS NULL", _shape(node.children[0]))
    return node.attrs.get("name") or node.attrs.get("text")


@pytest.mark.parametrize(
    "expression, shape",
    [
        ("a OR b XOR c AND NOT d = e", ("OR", "a", ("XOR", "b", ("AND", "c", ("NOT", ("=", "d", "e")))))),
        ("NOT NOT a AND b", ("AND", ("NOT", ("NOT", "a")), "b")),
        ("a + b * c ^ d - e", ("-", ("+", "a", ("*", "b", ("^", "c", "d"))), "e")),
        ("a = b IN c < d", ("<", ("=", "a", ("IN", "b", "c")), "d")),
        ("a IN b STARTS WITH c + d CONTAINS e", ("CONTAINS", ("STARTS WITH", ("IN", "a", "b"), ("+", "c", "d")), "e")),
        ("- a ^ 2 || b", ("||", ("^", ("-", "a"), "2"), "b")),
        ("a IS NOT NULL AND b + 1 IS NULL = c", ("AND", ("IS NOT NULL", "a"), ("=", ("IS NULL", ("+", "b", "1")), "c"))),
    ],
)
def test_operators_bind_as_in_neo4j_s_grammar(expression, shape):
    assert _shape(parse(f"RETURN {expression} AS v").tree.children[0].children[0].children[0].children[0].children[0]) == shape


@pytest.mark.parametrize("expression", ["a IS NULL + 1", "a = b IS NULL * 2", "NOT a IS NULL ^ 2", "a STARTS b"])
def test_an_operator_that_binds_tighter_cannot_follow_is_null(expression):
    """After IS NULL (which has no right operand) only a looser operator may follow, as in Neo4j's grammar."""
    with pytest.raises(QueryError, match="does not parse"):
        parse(f"RETURN {expression} AS v")


# -- the guard against Neo4j's own parser --------------------------------------------------------------

FORBIDDEN = [
    "CREATE (h:Forum {key: 'hypothesis'})",
    "SET c.name = 'hypothesis'",
    "DETACH DELETE c",
    "SHOW SETTINGS",
    "SHOW TRANSACTIONS",
    "TERMINATE TRANSACTIONS 'neo4j-transaction-1'",
    "LOAD CSV FROM 'http://127.0.0.1:9/x' AS l",
    "CALL db.labels() YIELD label",
]
PIECES = [
    " ", "\t", "\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\u00a0", "\u3000",
    "//", "/*", "*/", "'", '"', "`", "\\", "x",
    "\\u000a", "\\u000d", "\\u002f", "\\u002a", "\\u0027", "\\u0022", "\\uuu000a", "\\u005c", "\\\\",
]
separators = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)


@pytest.fixture(scope="module")
def neo4j_store(neo4j_env):
    store = open_test_store("neo4j", Path(), neo4j_env, read_only=True)
    yield store
    store.close()


def neo4j_sees_forbidden(store, cypher: str) -> bool:
    """Whether Neo4j's own parse and plan of ``cypher`` hold a write, a command, a procedure or LOAD CSV."""
    try:
        check_plan(store, cypher)
    except ReadOnlyViolation:
        return True
    except QueryError:
        return False  # Neo4j does not parse it: it would not run
    return False


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    prefix=st.sampled_from(["", "MATCH (c:Country) ", "MATCH (c:Country) RETURN c.key AS k "]),
    before=separators,
    forbidden=st.sampled_from(FORBIDDEN),
    after=separators,
    suffix=st.sampled_from(["", " RETURN 1 AS x", " RETURN c.key AS k"]),
)
@example(prefix="MATCH (c:Country) ", before="//\r", forbidden="SET c.name = 'hypothesis'", after="", suffix=" RETURN c.key AS k")
@example(prefix="", before="//\r", forbidden="SHOW SETTINGS", after="", suffix="")
@example(prefix="MATCH (c:Country) ", before="//\\u000a", forbidden="DETACH DELETE c", after="", suffix="")
def test_the_guard_refuses_whatever_neo4j_reads_as_forbidden(neo4j_store, prefix, before, forbidden, after, suffix):
    cypher = prefix + before + forbidden + after + suffix
    try:
        canonical = check_read_only(cypher).canonical
    except QueryError:
        return  # refused (or not parsed): nothing runs
    assert not neo4j_sees_forbidden(neo4j_store, cypher), f"the guard accepted {cypher!r}, which Neo4j reads as forbidden"
    assert not neo4j_sees_forbidden(neo4j_store, canonical), f"the canonical text {canonical!r} is forbidden for Neo4j"


def test_the_known_bypasses_are_forbidden_for_neo4j_itself(neo4j_store):
    """The attack list is real: Neo4j's own parser reads these as the forbidden commands they hide."""
    for cypher in [
        "//\rSHOW SETTINGS",
        "S\\u0048OW SETTINGS",
        "MATCH (c:Country) //\\u000a DETACH DELETE c",
        "MATCH (c:Country) WHERE c.key <> '\\u0027 DETACH DELETE c RETURN 1 AS x //' RETURN 2 AS y",
        'MATCH (c:Country {key: "IRQ"}) WHERE c.key <> "\\u0022 SET c.name = \\u0022pwned" RETURN c.key AS k',
    ]:
        assert neo4j_sees_forbidden(neo4j_store, cypher), cypher
        with pytest.raises(ReadOnlyViolation):
            check_read_only(cypher)


@pytest.mark.parametrize("space", ["\u00a0", "\u2003", "\u3000", "\x85"])
def test_a_word_before_unicode_space_is_one_token(space):
    """A keyword followed by non-ASCII white space is read whole (not as 'SE' 'T'), so the guard names it."""
    words = [t.text for t in tokenize(f"MATCH (n){space}SET{space}n.x = 1") if t.kind == "word"]
    assert words[:3] == ["MATCH", "n", "SET"]
    with pytest.raises(ReadOnlyViolation, match="SET"):
        check_read_only(f"MATCH (n){space}SET{space}n.x = 1 RETURN n")


# The values as Neo4j 5.26's SHOW SETTINGS gives them for the server scripts/neo4j starts.
SAFE_SERVER = {
    "dbms.security.allow_csv_import_from_file_urls": "false",
    "db.memory.transaction.max": "384.00MiB",
    "dbms.memory.transaction.total.max": "640.00MiB",
    "db.transaction.timeout": "10m",
    "dbms.security.procedures.allowlist": "koppel.none",
    "dbms.security.procedures.unrestricted": "",
    "server.memory.heap.max_size": "1.00GiB",
}


@pytest.mark.parametrize(
    "name, value, fragment",
    [
        ("dbms.security.allow_csv_import_from_file_urls", "true", "LOAD CSV may read the server's files"),
        ("db.memory.transaction.max", "0B", "one transaction may use the whole heap"),
        ("db.memory.transaction.max", "1.00GiB", "one transaction may use the whole heap"),  # not below the heap
        ("dbms.memory.transaction.total.max", "2.00GiB", "transactions together"),
        ("db.transaction.timeout", "0s", "may run for ever"),
        ("dbms.security.procedures.allowlist", "*", "every plug-in procedure"),
        ("dbms.security.procedures.allowlist", "apoc.*,koppel.none", "every plug-in procedure"),
        ("dbms.security.procedures.unrestricted", "apoc.*", "outside the security sandbox"),
    ],
)
def test_koppel_serve_warns_about_each_unsafe_setting_it_can_read(name, value, fragment):
    from koppel.graph.guard import judge_settings

    assert judge_settings(SAFE_SERVER) == []
    warnings = judge_settings({**SAFE_SERVER, name: value})
    assert len(warnings) == 1 and name in warnings[0] and fragment in warnings[0], warnings


def test_the_settings_koppel_serve_reads_are_the_ones_the_server_shows(seeded_store):
    """On Neo4j, every setting judged is one SHOW SETTINGS shows (so a warning can fire), and the server
    scripts/neo4j starts gives none; the URL block list is internal and not shown (the README says so)."""
    from koppel.graph.guard import SAFE_SETTINGS, unsafe_settings

    assert unsafe_settings(seeded_store) == []
    if seeded_store.kind == "neo4j":
        names = list(SAFE_SETTINGS) + ["server.memory.heap.max_size", "internal.dbms.cypher_ip_blocklist"]
        with seeded_store._session(read_only=True) as session:
            shown = {r["name"] for r in session.run("SHOW SETTINGS YIELD name WHERE name IN $n RETURN name", n=names)}
        assert shown == set(names) - {"internal.dbms.cypher_ip_blocklist"}


def test_a_very_long_operator_chain_is_refused_not_a_traceback():
    """A sum of 5,000 terms parses (koppel's parser builds it in a loop) but is deeper than the size bound's walk."""
    with pytest.raises(QueryError, match="too long to bound"):
        check_read_only("RETURN " + "+".join(["1"] * 5000) + " AS x")
    assert check_read_only("RETURN " + "+".join(["1"] * 300) + " AS x").canonical.startswith("RETURN 1+1")
