"""The guard's second parse: Neo4j 5.26's own Cypher 5 parser in its JVM sidecar (real Java, real jars)."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from koppel.graph import neo4j_parser
from koppel.graph.cypher import Parsed, parse, tokenize
from koppel.graph.errors import QueryError, ReadOnlyViolation
from koppel.graph.guard import READ_RULES, check_neo4j_grammar, check_read_only
from koppel.graph.neo4j_parser import GrammarUnavailable

from tests.api.test_cli import koppel, one_clear_line, store_spec  # noqa: F401 - store_spec is a fixture
from tests.api.test_http import assert_problem, make_client
from tests.conftest import API_TOKEN
from tests.graph.test_guard import FORBIDDEN, separators


def rules_used(tree) -> list[str]:
    if isinstance(tree, str):
        return []
    return [tree[0], *(name for child in tree[1:] for name in rules_used(child))]


# -- the sidecar ---------------------------------------------------------------------------------------


def test_the_sidecar_outlines_neo4j_s_parse_tree():
    answer = neo4j_parser.parse("MATCH (c:Country)-[:BORDERS*1..2]->(n) WHERE n.name =~ 'A.*' RETURN toUpper(n.name) AS name", tree=True)
    assert "error" not in answer
    assert {"matchClause", "returnClause", "pathLength", "functionInvocation", "whereClause"} <= set(answer["rules"])
    assert answer["clauses"] == ["matchClause", "returnClause"] and answer["calls"] == [["toUpper", 1]]
    assert answer["hops"] == 1 and answer["regexes"] == 1
    summary = neo4j_parser.parse(
        "MATCH (a)-[:R]-{1,2}(b) RETURN count(*) AS n UNION ALL MATCH (a) RETURN reduce(s = 0, x IN [1] | s + `duration`.`between`(a, a)) AS n"
    )
    assert "tree" not in summary and summary["clauses"] == ["matchClause", "returnClause", "UNION", "matchClause", "returnClause"]
    assert summary["calls"] == [["countStar", -1], ["reduceExpression", -1], ["duration.between", 2]] and summary["hops"] == 1
    tree = answer["tree"]
    assert tree[0] == "statements"
    outline = rules_used(tree)
    assert outline.count("matchClause") == 1 and outline.count("functionInvocation") == 1
    assert "expression11" not in outline  # single-child chains are collapsed ...
    assert "expression11" in answer["rules"]  # ... but every rule used is listed


def test_the_sidecar_reports_neo4j_s_syntax_errors_with_a_position():
    answer = neo4j_parser.parse("MATCH (n)\nRETURN n +")
    assert answer["line"] == 2 and answer["column"] == 10 and "EOF" in answer["error"]
    bad_escape = neo4j_parser.parse("RETURN '\\uZZZZ'")
    assert "hexadecimal" in bad_escape["error"] and bad_escape["line"] == 1


def test_the_sidecar_lexes_as_neo4j_does():
    """A lone CR ends a // comment and \\uXXXX is decoded before lexing: what hid a clause from the old guard."""
    for hidden in ["RETURN 1 //\rSHOW SETTINGS", "RETURN 1 //\\u000aSHOW SETTINGS"]:
        assert "error" in neo4j_parser.parse(hidden)  # two statements without ';': Neo4j reads the SHOW
    # NEL and LS do not end Neo4j's comment (koppel's lexer ends it there: the guard sees more, never less)
    for terminator in ("\x85", "\u2028"):
        assert "showSettings" not in neo4j_parser.parse(f"RETURN 1 //{terminator}SHOW SETTINGS")["rules"]
        with pytest.raises(ReadOnlyViolation):
            check_read_only(f"RETURN 1 //{terminator}SHOW SETTINGS")
    escaped = neo4j_parser.parse("S\\u0048OW SETTINGS")
    assert "showSettings" in escaped["rules"]
    quote = neo4j_parser.parse("RETURN '\\u0027 + x")  # the escaped quote closes the string for Neo4j
    assert "error" not in quote and "variable" in quote["rules"]


def test_a_dead_sidecar_is_restarted():
    neo4j_parser.parse("RETURN 1")
    neo4j_parser._SIDECAR._process.kill()
    neo4j_parser._SIDECAR._process.wait()
    assert neo4j_parser.parse("RETURN 2")["clauses"] == ["returnClause"]
    assert neo4j_parser.startup_seconds() is not None and neo4j_parser.startup_seconds() < 30


# -- the guard decides on Neo4j's tree ------------------------------------------------------------------


def test_what_koppel_parses_but_neo4j_does_not_is_refused():
    """LadybugDB's lambda and CAST forms parse for koppel (the embedded translation writes them) but are no
    Neo4j Cypher: an analyst's query is refused with Neo4j's parser's position."""
    for cypher in ["RETURN list_filter([1, 2], x -> x > 1) AS l", "RETURN cast(1 AS STRING) AS s"]:
        parse(cypher)  # koppel's parser reads it
        with pytest.raises(QueryError, match="Neo4j's Cypher 5 parser cannot parse this query \\(line 1, column"):
            check_read_only(cypher)
        check_read_only(cypher, neo4j_grammar=False)


def crossed(ours: str, neo4j_text: str) -> Parsed:
    """koppel's tree of ``ours`` over the tokens of ``neo4j_text``: what a lexing difference would produce."""
    return Parsed(neo4j_text, tokenize(neo4j_text), parse(ours).tree)


@pytest.mark.parametrize(
    "ours, neo4j_text, fragment",
    [
        ("MATCH (n) RETURN n", "MATCH (n) WITH n RETURN n", "clauses: [match, return] for the guard, [match, with, return] for Neo4j"),
        ("RETURN toUpper('a') AS x", "RETURN toLower('a') AS x", "function calls: [toupper/1] for the guard, [tolower/1] for Neo4j"),
        ("RETURN range(1, 2) AS x", "RETURN range(1, 2, 3) AS x", "function calls"),
        ("MATCH (a)-[*1..2]->(b) RETURN b", "MATCH (a)-[]->(b) RETURN b", "variable-length or quantified patterns: 1 for the guard, 0"),
        ("RETURN 'a' =~ 'b' AS x", "RETURN 'a' = 'b' AS x", "=~ operators"),
        ("MATCH (n) RETURN n", "MATCH (n) RETURN n UNION MATCH (n) RETURN n", "clauses"),
    ],
)
def test_a_disagreement_with_neo4j_s_parse_is_refused(ours, neo4j_text, fragment):
    with pytest.raises(ReadOnlyViolation, match="the guard and Neo4j's parser read this query differently") as caught:
        check_neo4j_grammar(crossed(ours, neo4j_text))
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    "neo4j_text, rule",
    [
        ("SHOW SETTINGS", "showSettings"),
        ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "terminateTransactions"),
        ("MATCH (n) SET n.x = 1", "setClause"),
        ("CREATE (n:Forum {key: 'x'})", "createClause"),
        ("MATCH (n) DETACH DELETE n", "deleteClause"),
        ("LOAD CSV FROM 'http://127.0.0.1:9/x' AS l RETURN l", "loadCSVClause"),
        ("CALL db.labels() YIELD label RETURN label", "callClause"),
        ("USE neo4j MATCH (n) RETURN n", "useClause"),
        ("MATCH (n) FOREACH (x IN [1] | SET n.y = x)", "foreachClause"),
        ("MATCH (n) CALL (n) { RETURN 1 AS one } IN TRANSACTIONS RETURN one", "subqueryInTransactionsParameters"),
        ("CREATE INDEX i FOR (n:Country) ON (n.name)", "createIndex"),
        ("DROP DATABASE neo4j", "dropDatabase"),
    ],
)
def test_any_rule_outside_the_read_allow_list_is_refused_by_name(neo4j_text, rule):
    """Decided on Neo4j's tree alone: koppel's tree here is an innocent RETURN."""
    with pytest.raises(ReadOnlyViolation, match=f"Neo4j's parser reads .*{rule}") as caught:
        check_neo4j_grammar(crossed("RETURN 1 AS one", neo4j_text))
    assert "only reading clauses are accepted" in str(caught.value)


def test_functions_neo4j_reads_are_checked_against_the_list():
    with pytest.raises(ReadOnlyViolation, match="Neo4j's parser reads a call of 'apoc.load.json'"):
        check_neo4j_grammar(crossed("RETURN 1 AS x", "RETURN apoc.load.json('http://127.0.0.1:9/') AS x"))
    with pytest.raises(ReadOnlyViolation, match="Neo4j's parser reads a call of 'gds.graph.drop'"):
        check_neo4j_grammar(crossed("RETURN 1 AS x", "RETURN {a: [y IN [1] | gds.graph.drop('g')]} AS x"))
    check_neo4j_grammar(parse("RETURN duration.between(date('2020-01-01'), date()) AS d, {a: [y IN [1] | toString(y)]} AS m"))


def test_the_read_allow_list_names_rules_of_neo4j_s_grammar():
    """Every rule a broad read uses is on the list, and the list holds no command or write rule."""
    cypher = (
        "MATCH (c:Country)-[:BORDERS]-{1,3}(n) WHERE n.name STARTS WITH 'A' AND EXISTS { MATCH (n)--() } "
        "OPTIONAL MATCH p = SHORTEST 1 (c)-[*..4]-(m:Country) "
        "WITH c, n, count(*) AS k, collect(DISTINCT n.key)[0..2] AS ks, COUNT { (c)--() } AS d "
        "CALL { WITH c RETURN c.key AS key } "
        "UNWIND ks AS x "
        "RETURN c {.key, .name} AS country, CASE WHEN k > 1 THEN 'many' ELSE 'one' END AS how, "
        "reduce(s = 0, v IN [1, 2] | s + v) AS total, [v IN [1, 2] WHERE v > 1 | v * 2] AS l, "
        "all(v IN [1] WHERE v = 1) AS a, $p AS p, x ORDER BY k DESC SKIP 0 LIMIT 5"
    )
    answer = neo4j_parser.parse(cypher)
    assert "error" not in answer and set(answer["rules"]) <= READ_RULES
    assert not {rule for rule in READ_RULES if rule.endswith("Command") or rule in ("createClause", "setClause", "callClause")}


# -- property: the guard and Neo4j's parser agree on what a query contains --------------------------------


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    prefix=st.sampled_from(["", "MATCH (c:Country) ", "MATCH (c:Country) RETURN c.key AS k "]),
    before=separators,
    forbidden=st.sampled_from(FORBIDDEN + ["RETURN 1 AS x", "WITH c RETURN c.key AS k", "UNION MATCH (c) RETURN c.key AS k"]),
    after=separators,
    suffix=st.sampled_from(["", " RETURN 1 AS x", " RETURN c.key AS k"]),
)
@example(prefix="", before="//\r", forbidden="SHOW SETTINGS", after="", suffix="")
@example(prefix="MATCH (c:Country) ", before="//\\u000a", forbidden="DETACH DELETE c", after="", suffix="")
@example(prefix="MATCH (c:Country) RETURN c.key AS k ", before="/*\u2028*/", forbidden="UNION MATCH (c) RETURN c.key AS k", after="", suffix="")
@example(prefix="MATCH (c:Country) ", before="//", forbidden="CREATE (h:Forum {key: 'hypothesis'})", after="\u2028", suffix=" RETURN 1 AS x")
def test_an_accepted_query_holds_only_reading_rules_for_neo4j(prefix, before, forbidden, after, suffix):
    """Whatever comments, escapes and line terminators surround a clause: when the guard accepts the raw
    text, Neo4j's parser reads that raw text as reading rules only, with the guard's clauses in the guard's
    order; when Neo4j reads a forbidden rule in it, the guard refused it."""
    cypher = prefix + before + forbidden + after + suffix
    answer = neo4j_parser.parse(cypher)
    neo4j_forbidden = "rules" in answer and not set(answer["rules"]) <= READ_RULES
    try:
        parsed = check_read_only(cypher)
    except QueryError:
        return
    assert not neo4j_forbidden, f"the guard accepted {cypher!r}, which Neo4j's parser reads as {sorted(set(answer['rules']) - READ_RULES)}"
    if "error" in answer:
        return  # Neo4j would not run the raw text; the guard's canonical text parses (checked by the guard)
    ours = [node.kind for node in parsed.tree.walk() if node.kind in ("match", "with", "return", "unwind", "call", "union_part")]
    theirs = [{"matchClause": "match", "withClause": "with", "returnClause": "return", "UNION": "union_part"}.get(rule, rule) for rule in answer["clauses"]]
    if any(terminator in cypher for terminator in "\x85\u2028\u2029"):
        # These end a // comment for koppel's lexer but not for Neo4j's: the guard may see more, never less
        # (and what runs is the canonical text, which Neo4j's parser checked).
        remaining = iter(ours)
        assert all(kind in remaining for kind in theirs), cypher
    else:
        assert ours == theirs, cypher


# -- without Java: fail closed ----------------------------------------------------------------------------


@pytest.fixture
def no_java(monkeypatch):
    neo4j_parser.restart()
    monkeypatch.setenv("KOPPEL_JAVA", "/nonexistent/java")
    yield
    monkeypatch.delenv("KOPPEL_JAVA")
    neo4j_parser.restart()


def test_without_java_the_guard_refuses_with_what_is_missing(no_java):
    with pytest.raises(GrammarUnavailable, match="KOPPEL_JAVA=/nonexistent/java is not an executable java"):
        check_read_only("RETURN 1 AS one")
    assert "KOPPEL_JAVA" in neo4j_parser.status()
    with pytest.raises(ReadOnlyViolation):  # what koppel's own checks refuse is still refused as before
        check_read_only("SHOW SETTINGS")
    with pytest.raises(QueryError, match="does not parse at line 1, column 11") as caught:
        check_read_only("RETURN 1 +")
    assert not isinstance(caught.value, GrammarUnavailable)
    with pytest.raises(QueryError, match="has no upper bound"):
        check_read_only("MATCH (a)-[*]->(b) RETURN b")


def test_without_java_http_answers_503(no_java, seeded_store):
    with make_client(seeded_store) as client:
        response = client.post("/api/cypher", json={"cypher": "MATCH (c:Country) RETURN count(c) AS n"}, headers={"Authorization": f"Bearer {API_TOKEN}"})
        assert_problem(response, 503, "KOPPEL_JAVA=", "is not an executable java", "Neo4j's parser")
        assert client.get("/api/countries").status_code == 200  # the rest of the API is not affected


def test_without_java_on_path_the_cli_gives_one_line(store_spec, tmp_path):
    koppel("load", "--store", store_spec, str(__import__("tests.api.test_cli", fromlist=["SMALL"]).SMALL))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("git",):  # a PATH without java (Python is started by its full path)
        if shutil.which(tool):
            os.symlink(shutil.which(tool), bin_dir / tool)
    env = {"PATH": str(bin_dir)}
    env_without = {k: v for k, v in os.environ.items() if k != "KOPPEL_JAVA"}
    result = koppel("query", "--cypher", "MATCH (c:Country) RETURN count(c) AS n", "--store", store_spec, check=False, env={**env_without, **env})
    message = one_clear_line(result)
    assert result.returncode == 2 and "no java on PATH" in message
    # --write does not go through the guard
    written = koppel("query", "--cypher", "MATCH (c:Country) RETURN count(c) AS n", "--write", "--store", store_spec, check=False, env={**env_without, **env})
    assert written.returncode == 0, written.stderr


def test_koppel_check_reports_whether_the_parser_runs(tmp_path):
    ready = koppel("check", "--cypher-parser")
    assert "ok: Neo4j's Cypher parser runs here" in ready.stderr
    missing = koppel("check", "--cypher-parser", check=False, env={"KOPPEL_JAVA": str(tmp_path / "no-java")})
    assert missing.returncode == 2 and "is not an executable java" in one_clear_line(missing)


def test_every_catalogue_query_passes_both_parsers():
    """The catalogue's Neo4j text (header comments included) is read alike by koppel's parser and Neo4j's."""
    import glob
    from pathlib import Path

    from koppel.graph import dialect

    files = sorted(glob.glob(str(Path(__file__).resolve().parents[2] / "queries/catalogue/*.cypher")))
    assert len(files) >= 20
    for file in files:
        check_read_only(dialect.translate(Path(file).read_text(), "neo4j"))
