"""A lexer and parser for the reading part of Neo4j 5 Cypher, shared by the guard and the dialect translation.

Why a parser of our own (evaluated on the registries, November 2026; figures
from the analyst corpus in ``tests/queries/analyst_corpus.yaml``):

* graphglot 0.14.3 (GQL parser and transpiler with a Neo4j dialect) took 10-40 ms
  per query and failed on ``shortestPath``, map projections and ``EXISTS { pattern }``;
* antlr4-cypher 0.1.2 (the openCypher 9 grammar generated for Python) took 4-100 ms
  per query and has no ``CALL { }``, ``EXISTS { }``, map projections, ``reduce``,
  ``SHORTEST`` or ``UNION`` as Neo4j 5 writes them;
* cypher-guard 3.0.0 (a Rust parser) answers yes/no questions but exposes no tree.

None reaches the 2 ms per query the guard may cost, and the guard must
reproduce exactly how Neo4j's lexer reads the text. So this module holds a
small recursive-descent parser for an allow-list grammar: only reading
clauses exist in it, so a write, an administration command, a procedure call,
``LOAD CSV``/``LOAD FROM``, ``COPY``, ``EXPORT``, ``CHECKPOINT`` or ``INSTALL``
is either refused by name or does not parse (and what does not parse is refused).

Lexing follows Neo4j 5.26 (measured with EXPLAIN on the server):

* ``\\uXXXX`` escapes (any number of ``u``) are decoded before lexing, inside
  and outside strings, when the backslash is preceded by an even number of
  backslashes (the Java rule);
* a ``//`` comment ends at the first line terminator of any kind
  (LF, CR alone, CR LF, NEL, LS, PS): ending it earlier than Neo4j only shows
  the guard more, never less;
* whitespace is every Unicode white space character; anything else that is not
  a token (a zero-width space, say) is refused.

The text that is finally executed is :attr:`Parsed.canonical`: the tokens the
parser accepted, re-serialised (comments dropped, strings re-quoted, no
escapes left to decode), so the engine runs exactly what the guard checked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from collections.abc import Callable
from typing import Any

from .errors import QueryError, ReadOnlyViolation

MAX_NESTING = 32
"""Brackets nest at most this deep (the embedded parser stalls or crashes beyond; measured on ladybug 0.22)."""
MAX_NUMBER_LENGTH = 40
"""Characters in one number literal at most (an INT64 has 19 digits)."""

# Words that open a write, schema, administration, file or network clause in Neo4j or LadybugDB.
# None of them may name a variable, so that no reading of the text can turn one into a clause.
CLAUSE_WORDS = frozenset(
    """CREATE MERGE SET DELETE DETACH REMOVE DROP ALTER COPY LOAD INSTALL UNINSTALL EXPORT IMPORT
    ATTACH DETACH USE CHECKPOINT BEGIN COMMIT ROLLBACK FOREACH SHOW GRANT DENY REVOKE START STOP TERMINATE
    FINISH YIELD PROFILE EXPLAIN RENAME TRUNCATE ENABLE DISABLE ANALYZE INSERT UPDATE UPSERT FILTER LET
    NEXT CYPHER""".split()
)

_LINE_TERMINATORS = "\n\r\x85\u2028\u2029"
_PUNCT3 = ("<--", "-->")
_PUNCT2 = ("..", "<>", "<=", ">=", "=~", "+=", "||", "::")
_PUNCT1 = "(){}[]:;.,=<>+-*/%^|!?&$"
# Every character _is_space() accepts (Python's str.isspace() plus the Unicode Zs, Zl and Zp categories);
# tests/graph/test_guard.py checks this class against _is_space over all of Unicode.
_SPACE_CLASS = "\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# The common tokens in one pattern: the white space and comments before a token (skipped), then the token.
# Each alternative matches only where the careful code in tokenize() would lex the same token, so the
# pattern is a shortcut, not a second definition: ASCII words and parameters not followed by other word
# characters, strings whose escapes are the one-letter ones, backticked names without a doubled backtick,
# whole numbers of at most MAX_NUMBER_LENGTH digits not followed by a letter, digit, '_' or '.',
# punctuation that starts no comment and no number. Anything else matches 'other' and is lexed by the
# careful code (one token or one character of white space), after which the pattern takes over again.
_TOKEN = re.compile(
    rf"""(?:[{_SPACE_CLASS}]++|//[^\n\r\x85\u2028\u2029]*+|/\*[^*]*+\*++(?:[^/*][^*]*+\*++)*+/)*+
    (?:(?P<word>[A-Za-z_][A-Za-z0-9_]*+)(?![^\x00-\x7f])
      |(?P<punct>\(|\)|\{{|\}}|\[|\]|,|-->|<--|\.\.|<>|<=|>=|=~|\+=|\|\||::|\.(?![0-9])|/(?![/*])|[:;=<>+\-*%^|!?&])
      |(?P<string>'[^'\\]*+(?:\\[tbnrf'"\\][^'\\]*+)*+'|"[^"\\]*+(?:\\[tbnrf'"\\][^"\\]*+)*+")
      |(?P<param>\$[A-Za-z0-9_]++)(?![^\x00-\x7f])
      |(?P<number>[0-9]{{1,{MAX_NUMBER_LENGTH}}}+)(?![0-9A-Za-z_.]|[^\x00-\x7f])
      |(?P<name>`[^`]*+`)(?!`)
      |(?P<end>\Z)
      |(?P<other>(?s:.)))""",
    re.VERBOSE,
)
_CAREFUL_ONLY = re.compile(
    r"(?:(?P<word>(?!x)x)|(?P<punct>(?!x)x)|(?P<string>(?!x)x)|(?P<param>(?!x)x)|(?P<number>(?!x)x)|(?P<name>(?!x)x)|(?P<end>\Z)|(?P<other>(?s:.)))"
)
"""_TOKEN's groups with only 'end' and 'other' able to match: every token lexed by the careful code (for tests)."""
assert _CAREFUL_ONLY.groupindex == _TOKEN.groupindex
assert _TOKEN.groupindex == {"word": 1, "punct": 2, "string": 3, "param": 4, "number": 5, "name": 6, "end": 7, "other": 8}  # tokenize() relies on it
_SIMPLE_ESCAPE = re.compile(r"\\(.)")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_COMMENT = re.compile("//[^\n\r\x85\u2028\u2029]*")
_ESCAPE = re.compile(r"\\(u+)([0-9A-Fa-f]{4})")
_STRING_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "'": "'", '"': '"', "\\": "\\"}


@dataclass(slots=True)
class Token:
    """One token: ``kind`` is 'word', 'number', 'string', 'name' (backticked), 'param', 'punct' or 'end'.

    ``text`` is the token as lexed (for a string or backticked name: its value),
    ``start`` its offset in the caller's original text (before escapes were
    decoded), ``space`` whether white space or a comment stood before it.
    """

    kind: str
    text: str
    start: int
    space: bool
    upper: str = ""  # the text in capitals, for a word


def decode_unicode_escapes(text: str) -> tuple[str, list[int]]:
    """``text`` with ``\\uXXXX`` escapes decoded as Neo4j does before lexing, and for each output
    character its offset in ``text``."""
    if "\\" not in text:
        return text, list(range(len(text)))
    out: list[str] = []
    offsets: list[int] = []
    index = 0
    backslashes = 0  # contiguous backslashes just before index (in the input)
    while index < len(text):
        char = text[index]
        if char == "\\" and backslashes % 2 == 0:
            match = _ESCAPE.match(text, index)
            if match:
                out.append(chr(int(match.group(2), 16)))
                offsets.append(index)
                index = match.end()
                backslashes = 0
                continue
        backslashes = backslashes + 1 if char == "\\" else 0
        out.append(char)
        offsets.append(index)
        index += 1
    return "".join(out), offsets


def _unescape(escape: re.Match[str]) -> str:
    return _STRING_ESCAPES[escape.group(1)]


def _is_space(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp")


def _is_word_start(char: str) -> bool:
    return char == "_" or unicodedata.category(char)[0] == "L"


def _is_word_part(char: str) -> bool:
    return char == "_" or unicodedata.category(char) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "Mn", "Mc", "Pc")


_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def location(original: str, offset: int) -> str:
    """'line L, column C' of ``offset`` in ``original`` (lines end at any Neo4j line terminator)."""
    line, column_start = 1, 0
    for match in _LINE_BREAK.finditer(original, 0, max(offset, 0)):
        line, column_start = line + 1, match.end()
    return f"line {line}, column {offset - column_start + 1}"


def tokenize(original: str, *, careful_only: bool = False) -> list[Token]:
    """The tokens of ``original`` as Neo4j 5 lexes them, ending with an 'end' token.

    ``careful_only`` lexes every token with the per-character code instead of
    the compiled pattern that takes the common tokens (the result is the same;
    tests compare the two).

    Raises :class:`QueryError` (a syntax error naming line and column) for a
    character that starts no token, an unclosed string, comment or backticked
    name, or a number longer than :data:`MAX_NUMBER_LENGTH`.
    """
    text, offsets = decode_unicode_escapes(original)
    offsets.append(len(original))
    surrogate = _SURROGATE.search(text)
    if surrogate:
        raise QueryError(
            f"the query does not parse at {location(original, offsets[surrogate.start()])}: a UTF-16 surrogate"
            " (U+D800-U+DFFF, from an escape or the request) is not a character; write the character itself"
        )
    tokens: list[Token] = []
    index, size, space = 0, len(text), False
    append = tokens.append
    pattern = _CAREFUL_ONLY if careful_only else _TOKEN

    def fail(at: int, what: str) -> QueryError:
        return QueryError(f"the query does not parse at {location(original, offsets[at])}: {what}")

    while True:
        # The common tokens, many at a time (see _TOKEN); 'other' hands one step to the careful code below.
        finished = False
        for match in pattern.finditer(text, index):
            group = match.lastindex  # which alternative of _TOKEN matched: 1 word, 2 punct, ... 8 other
            at, end = match.span(group)
            before = space or at > match.start()
            space = False
            if group == 1:  # word
                word = text[at:end]
                append(Token("word", word, offsets[at], before, word.upper()))
            elif group == 2:  # punct
                if end - at == 3:  # an arrow is three tokens for the grammar ('<' '-' '-'); keep them apart
                    append(Token("punct", text[at], offsets[at], before))
                    append(Token("punct", text[at + 1], offsets[at + 1], False))
                    append(Token("punct", text[at + 2], offsets[at + 2], False))
                else:
                    append(Token("punct", text[at:end], offsets[at], before))
            elif group == 3:  # string
                literal = text[at + 1 : end - 1]
                if "\\" in literal:
                    literal = _SIMPLE_ESCAPE.sub(_unescape, literal)
                append(Token("string", literal, offsets[at], before))
            elif group == 4:  # param
                append(Token("param", text[at + 1 : end], offsets[at], before))
            elif group == 5:  # number
                append(Token("number", text[at:end], offsets[at], before))
            elif group == 6:  # backticked name
                append(Token("name", text[at + 1 : end - 1], offsets[at], before))
            elif group == 7:  # the end of the text
                finished = True
                space = before
                break
            else:  # 'other': one step of the careful code
                index, space = at, before
                break
        if finished:
            break
        char = text[index]
        if _is_space(char):
            index, space = index + 1, True
            continue
        if text.startswith("//", index):
            index = _LINE_COMMENT.match(text, index).end()  # type: ignore[union-attr]
            space = True
            continue
        if text.startswith("/*", index):
            close = text.find("*/", index + 2)
            if close < 0:
                raise fail(index, "a /* comment is never closed")
            index, space = close + 2, True
            continue
        start = index
        if char in "'\"":
            value: list[str] = []
            index += 1
            while True:
                if index >= size:
                    raise fail(start, "a string is never closed")
                current = text[index]
                if current == char:
                    index += 1
                    break
                if current == "\\":
                    following = text[index + 1 : index + 2]
                    if following in _STRING_ESCAPES:
                        value.append(_STRING_ESCAPES[following])
                        index += 2
                        continue
                    if following == "U" and re.fullmatch(r"[0-9A-Fa-f]{8}", text[index + 2 : index + 10]):
                        value.append(chr(min(int(text[index + 2 : index + 10], 16), 0x10FFFF)))
                        index += 10
                        continue
                    raise fail(index, f"unknown escape sequence \\{following} in a string")
                value.append(current)
                index += 1
            tokens.append(Token("string", "".join(value), offsets[start], space))
        elif char == "`":
            value = []
            index += 1
            while True:
                if index >= size:
                    raise fail(start, "a backticked name is never closed")
                if text[index] == "`":
                    if text[index + 1 : index + 2] == "`":
                        value.append("`")
                        index += 2
                        continue
                    index += 1
                    break
                value.append(text[index])
                index += 1
            tokens.append(Token("name", "".join(value), offsets[start], space))
        elif char.isdigit() and char.isascii():
            match = re.compile(r"0[xX][0-9A-Fa-f_]+|0o[0-7_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?|\d[\d_]*", re.ASCII).match(text, index)
            assert match is not None
            number = match.group()
            if text.startswith("..", match.start() + len(number.split(".")[0])) and "." in number and "e" not in number.lower():
                number = number.split(".")[0]  # 1..5 is a range, not 1. followed by .5
            if len(number) > MAX_NUMBER_LENGTH:
                raise QueryError(
                    f"the number at {location(original, offsets[start])} has {len(number)} characters; numbers have at most {MAX_NUMBER_LENGTH}"
                )
            index += len(number)
            if index < size and _is_word_part(text[index]):
                raise fail(index, f"a number runs into a name ({text[start:index + 1]!r})")
            tokens.append(Token("number", number, offsets[start], space))
        elif char == "." and index + 1 < size and text[index + 1].isdigit() and text[index + 1].isascii() and not (tokens and tokens[-1].kind in ("word", "name", "param") or (tokens and tokens[-1].text in (")", "]", "}")) and not space):
            match = re.compile(r"\.\d+(?:[eE][+-]?\d+)?", re.ASCII).match(text, index)
            assert match is not None
            index = match.end()
            tokens.append(Token("number", "0" + match.group(), offsets[start], space))
        elif _is_word_start(char):
            index += 1
            while index < size and _is_word_part(text[index]):
                index += 1
            word = text[start:index]
            tokens.append(Token("word", word, offsets[start], space, word.upper()))
        elif char == "$":
            index += 1
            if index < size and text[index] == "`":
                end = text.find("`", index + 1)
                if end < 0:
                    raise fail(start, "a backticked parameter name is never closed")
                name, index = text[index + 1 : end], end + 1
            else:
                begin = index
                while index < size and (_is_word_part(text[index])):
                    index += 1
                name = text[begin:index]
            if not name:
                raise fail(start, "'$' is not followed by a parameter name")
            tokens.append(Token("param", name, offsets[start], space))
        else:
            if text[index : index + 3] in _PUNCT3:
                candidate = text[index : index + 3]
            elif text[index : index + 2] in _PUNCT2:
                candidate = text[index : index + 2]
            else:
                candidate = char if char in _PUNCT1 else ""
            if not candidate:
                raise fail(index, f"unexpected character {char!r} (U+{ord(char):04X})")
            if candidate in _PUNCT3:
                # An arrow is two tokens for the grammar ('<' '--' is '<' '-' '-'); keep them apart.
                for offset_in, piece in enumerate(candidate):
                    tokens.append(Token("punct", piece, offsets[start + offset_in], space and offset_in == 0))
                index += 3
                space = False
                continue
            tokens.append(Token("punct", candidate, offsets[start], space))
            index += len(candidate)
        space = False
    tokens.extend([Token("end", "", len(original), space)] * 8)  # padding: look-ahead never runs off the end
    return tokens


def quote_string(value: str) -> str:
    """``value`` as a single-quoted Cypher string both engines read back unchanged (no ``\\u`` escapes)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return "'" + escaped + "'"


def quote_name(value: str) -> str:
    """``value`` as a name: bare when it is a plain identifier, else backticked."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        return value
    if "\\" in value or any(char in _LINE_TERMINATORS for char in value):
        raise QueryError(f"the backticked name {value[:40]!r} holds a backslash or a line break; rename it")
    return "`" + value.replace("`", "``") + "`"


def render_token(token: Token) -> str:
    """The canonical text of one token."""
    if token.kind == "string":
        return quote_string(token.text)
    if token.kind == "name":
        return quote_name(token.text)
    if token.kind == "param":
        return "$" + quote_name(token.text)
    return token.text


def render(tokens: list[Token], replacements: dict[int, str] | None = None) -> str:
    """Tokens joined into canonical text: one space where the input had white space or a comment.

    ``replacements`` maps a token index to the text written instead of it
    (the dialect translation uses this; an empty string drops the token).
    """
    parts: list[str] = []
    space = False  # white space (or a dropped token) stood since the last written text
    glued = True  # the last written text stood right there in the input: adjacency is known to be safe
    for index, token in enumerate(tokens):
        if token.kind == "end":
            break
        replaced = bool(replacements) and index in replacements  # type: ignore[operator]
        text = replacements[index] if replaced else render_token(token)  # type: ignore[index]
        space = space or token.space
        if not text:
            space = True
            continue
        rewritten = replaced or token.kind in ("string", "name", "param")
        if parts and (space or ((rewritten or not glued) and _glues(parts[-1], text))):
            parts.append(" ")
        parts.append(text)
        space, glued = False, not rewritten
    return "".join(parts).strip()


def _glues(before: str, after: str) -> bool:
    """Whether writing ``after`` right behind ``before`` would lex as one different token."""
    if not before or not after:
        return False
    a, b = before[-1], after[0]
    if (_is_word_part(a) or a == "$") and (_is_word_part(b) or b == "`"):
        return True
    return (a + b) in ("..", "<>", "<=", ">=", "=~", "+=", "||", "::", "//", "/*", "*/", "<-", "->", "--") or (a == "." and b.isdigit())


# --------------------------------------------------------------------------------------------- tree


@dataclass(slots=True)
class Node:
    """One node of the parse tree: ``kind`` (e.g. 'match', 'call', 'function'), the index of its first
    token, named values in ``attrs`` and child nodes in ``children``."""

    kind: str
    token: int
    attrs: dict[str, Any] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)

    def walk(self):
        """This node and every node below it, depth first."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass
class Parsed:
    """A parsed query: its tokens, its tree and the canonical text the engine will run."""

    original: str
    tokens: list[Token]
    tree: Node

    @cached_property
    def canonical(self) -> str:
        """The accepted tokens re-serialised: comments dropped, strings re-quoted, no escapes (computed once)."""
        return render(self.tokens)

    def where(self, token_index: int) -> str:
        """'line L, column C' of a token in the original text."""
        return location(self.original, self.tokens[token_index].start)


_CLAUSE_STARTS = {"MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CALL", "UNION"}
_ATOM_WORDS = frozenset("TRUE FALSE NULL INF INFINITY NAN CASE EXISTS COUNT COLLECT ANY ALL NONE SINGLE REDUCE SHORTESTPATH ALLSHORTESTPATHS".split())
"""Words that may open an expression of their own (literals, CASE, subqueries, predicates, reduce(), shortestPath())."""
_NOT_LEVEL = 4
_PREDICATE_LEVEL = 6
_WORD_LEVELS = {"OR": 1, "XOR": 2, "AND": 3, "STARTS": _PREDICATE_LEVEL, "ENDS": _PREDICATE_LEVEL, "CONTAINS": _PREDICATE_LEVEL,
                "IN": _PREDICATE_LEVEL, "IS": _PREDICATE_LEVEL}
"""Binding level of each word operator (higher binds tighter); NOT, a prefix, stands at :data:`_NOT_LEVEL`."""
_PUNCT_LEVELS = {"=": 5, "<>": 5, "<": 5, ">": 5, "<=": 5, ">=": 5, "=~": 5, "+": 7, "-": 7, "||": 7, "*": 8, "/": 8, "%": 8, "^": 9}
"""Binding level of each operator written with punctuation (above the predicates' :data:`_PREDICATE_LEVEL`: + - ||, * / %, ^)."""


class _Depth:
    """Counts bracket nesting while the parser is inside one; refuses more than :data:`MAX_NESTING`."""

    __slots__ = ("parser",)

    def __init__(self, parser: Parser) -> None:
        self.parser = parser

    def __enter__(self) -> None:
        parser = self.parser
        parser.depth += 1
        if parser.depth > MAX_NESTING:
            raise QueryError(f"the query nests brackets more than {MAX_NESTING} deep (at {location(parser.original, parser.peek().start)}); simplify it")

    def __exit__(self, *exc: object) -> None:
        self.parser.depth -= 1


class _Failure(Exception):
    def __init__(self, index: int, expected: str) -> None:
        super().__init__(expected)
        self.index, self.expected = index, expected


class Parser:
    """Recursive descent over the tokens of one query; see :func:`parse`."""

    def __init__(self, original: str) -> None:
        self.original = original
        self.tokens = tokenize(original)
        self.pos = 0
        self.depth = 0
        self.furthest = (0, "")
        self.memo: dict[tuple[str, int], tuple[Node | None, int]] = {}

    # -------------------------------------------------------------- helpers
    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[self.pos + ahead]

    def at_word(self, *words: str, ahead: int = 0) -> bool:
        return self.tokens[self.pos + ahead].upper in words

    def at(self, *puncts: str, ahead: int = 0) -> bool:
        token = self.tokens[self.pos + ahead]
        return token.kind == "punct" and token.text in puncts

    def fail(self, expected: str) -> _Failure:
        if self.pos >= self.furthest[0]:
            self.furthest = (self.pos, expected)
        return _Failure(self.pos, expected)

    def expect(self, punct: str) -> int:
        if not self.at(punct):
            raise self.fail(f"'{punct}'")
        self.pos += 1
        return self.pos - 1

    def expect_word(self, *words: str) -> int:
        if not self.at_word(*words):
            raise self.fail(" or ".join(words))
        self.pos += 1
        return self.pos - 1

    def accept(self, punct: str) -> bool:
        if self.at(punct):
            self.pos += 1
            return True
        return False

    def accept_word(self, *words: str) -> bool:
        if self.at_word(*words):
            self.pos += 1
            return True
        return False

    def name(self, what: str = "a name") -> Node:
        """A symbolic name: a word or a backticked name (labels, keys, properties)."""
        token = self.peek()
        if token.kind not in ("word", "name"):
            raise self.fail(what)
        self.pos += 1
        return Node("name", self.pos - 1, {"name": token.text})

    def variable(self) -> Node:
        token = self.peek()
        if token.kind not in ("word", "name"):
            raise self.fail("a variable")
        if token.kind == "word" and token.upper in CLAUSE_WORDS:
            raise ReadOnlyViolation(f"refused: {token.upper} at {location(self.original, token.start)} is not a reading clause")
        self.pos += 1
        return Node("variable", self.pos - 1, {"name": token.text})

    def nested(self) -> _Depth:
        return _Depth(self)

    def attempt(self, rule):
        """Run ``rule``; on failure, rewind and return None (for the few ambiguous spots).

        Results are remembered per (rule, position), so that nested ambiguous
        spots cost linear, not exponential, time.
        """
        key = (rule.__name__, self.pos)
        if key in self.memo:
            node, end = self.memo[key]
            if node is not None:
                self.pos = end
            return node
        saved = self.pos
        try:
            node = rule()
        except _Failure:
            self.pos = saved
            self.memo[key] = (None, saved)
            return None
        self.memo[key] = (node, self.pos)
        return node

    # -------------------------------------------------------------- statements
    def statement(self) -> Node:
        tree = self.union()
        self.accept(";")
        if self.peek().kind != "end":
            if self.at(";"):
                token = self.peek()
                raise ReadOnlyViolation(f"refused: one statement per query (a ';' at {location(self.original, token.start)})")
            raise self.fail("the end of the query")
        return tree

    def union(self) -> Node:
        first = self.peek()
        node = Node("union", self.pos, children=[self.single_query()])
        while self.at_word("UNION"):
            start = self.pos
            self.pos += 1
            every = self.accept_word("ALL")
            if not every:
                self.accept_word("DISTINCT")
            node.children.append(Node("union_part", start, {"all": every}, [self.single_query()]))
        del first
        return node

    def single_query(self) -> Node:
        node = Node("query", self.pos)
        while True:
            token = self.peek()
            word = token.upper
            if word in ("MATCH", "OPTIONAL"):
                node.children.append(self.match())
            elif word == "UNWIND":
                node.children.append(self.unwind())
            elif word == "WITH":
                node.children.append(self.projection("with"))
            elif word == "RETURN":
                node.children.append(self.projection("return"))
            elif word == "CALL":
                node.children.append(self.call())
            elif word in CLAUSE_WORDS:
                raise ReadOnlyViolation(f"refused: {word} at {location(self.original, token.start)} is not a reading clause")
            else:
                break
        if not node.children:
            # Words that open a non-reading clause were refused (403) before parsing; anything else is a syntax error.
            raise self.fail("MATCH, OPTIONAL MATCH, UNWIND, WITH, CALL { } or RETURN")
        return node

    def match(self) -> Node:
        node = Node("match", self.pos)
        node.attrs["optional"] = self.accept_word("OPTIONAL")
        self.expect_word("MATCH")
        node.children.append(self.pattern_list())
        if self.accept_word("WHERE"):
            node.children.append(Node("where", self.pos - 1, children=[self.expression()]))
        return node

    def unwind(self) -> Node:
        node = Node("unwind", self.expect_word("UNWIND"))
        node.children.append(self.expression())
        self.expect_word("AS")
        node.children.append(self.variable())
        return node

    def projection(self, kind: str) -> Node:
        node = Node(kind, self.pos)
        self.pos += 1
        node.attrs["distinct"] = self.accept_word("DISTINCT")
        items = Node("items", self.pos)
        if self.accept("*"):
            items.attrs["star"] = True
            if not self.accept(","):
                node.children.append(items)
                return self._projection_tail(node, kind)
        while True:
            item = Node("item", self.pos, children=[self.expression()])
            if self.accept_word("AS"):
                item.children.append(self.variable())
            items.children.append(item)
            if not self.accept(","):
                break
        node.children.append(items)
        return self._projection_tail(node, kind)

    def _projection_tail(self, node: Node, kind: str) -> Node:
        if self.at_word("ORDER"):
            order = Node("order", self.pos)
            self.pos += 1
            self.expect_word("BY")
            while True:
                sort = Node("sort", self.pos, children=[self.expression()])
                if self.accept_word("DESC", "DESCENDING"):
                    sort.attrs["desc"] = True
                else:
                    self.accept_word("ASC", "ASCENDING")
                order.children.append(sort)
                if not self.accept(","):
                    break
            node.children.append(order)
        if self.at_word("SKIP", "OFFSET"):
            node.children.append(Node("skip", self.pos, children=[self._advance_then(self.expression)]))
        if self.at_word("LIMIT"):
            node.children.append(Node("limit", self.pos, children=[self._advance_then(self.expression)]))
        if kind == "with" and self.accept_word("WHERE"):
            node.children.append(Node("where", self.pos - 1, children=[self.expression()]))
        return node

    def _advance_then(self, rule):
        self.pos += 1
        return rule()

    def call(self) -> Node:
        start = self.expect_word("CALL")
        node = Node("call", start)
        if self.at("("):
            # CALL (a, b) { ... }: a scoped subquery
            self.pos += 1
            scope = Node("scope", self.pos - 1)
            if self.accept("*"):
                scope.attrs["star"] = True
            elif not self.at(")"):
                while True:
                    scope.children.append(self.variable())
                    if not self.accept(","):
                        break
            self.expect(")")
            node.children.append(scope)
        if not self.at("{"):
            token = self.peek()
            raise ReadOnlyViolation(
                f"refused: CALL of a procedure at {location(self.original, self.tokens[start].start)}"
                f"{' (' + token.text + ')' if token.kind == 'word' else ''}; only CALL {{ ... }} subqueries that read are accepted"
            )
        with self.nested():
            self.expect("{")
            node.children.append(self.union())
            self.expect("}")
        if self.at_word("IN"):
            raise ReadOnlyViolation(f"refused: CALL {{ }} IN TRANSACTIONS at {location(self.original, self.peek().start)} is for writes")
        return node

    # -------------------------------------------------------------- patterns
    def pattern_list(self) -> Node:
        node = Node("patterns", self.pos)
        while True:
            node.children.append(self.pattern_part())
            if not self.accept(","):
                return node

    def pattern_part(self) -> Node:
        node = Node("pattern", self.pos)
        if self.peek().kind in ("word", "name") and self.at("=", ahead=1):
            node.attrs["path"] = self.variable()
            self.pos += 1
        selector = self.path_selector()
        if selector is not None:
            node.attrs["selector"] = selector
        if self.at_word("SHORTESTPATH", "ALLSHORTESTPATHS"):
            function = Node("shortest_function", self.pos, {"all": self.peek().upper == "ALLSHORTESTPATHS"})
            self.pos += 1
            with self.nested():
                self.expect("(")
                function.children.append(self.pattern_element())
                self.expect(")")
            node.children.append(function)
            return node
        node.children.append(self.pattern_element())
        return node

    def path_selector(self) -> Node | None:
        start = self.pos
        if self.at_word("ANY") and (self.at_word("SHORTEST", ahead=1) or self.peek(1).kind == "number" or self.at("(", ahead=1)):
            self.pos += 1
            selector = Node("selector", start, {"kind": "any"})
            if self.accept_word("SHORTEST"):
                selector.attrs["kind"] = "any shortest"
            elif self.peek().kind == "number":
                selector.attrs["count"] = self.peek().text
                self.pos += 1
            self.accept_word("PATH", "PATHS")
            return selector
        if self.at_word("ALL") and (self.at_word("SHORTEST", ahead=1) or self.at("(", ahead=1) or self.at_word("PATH", "PATHS", ahead=1)):
            self.pos += 1
            kind = "all shortest" if self.accept_word("SHORTEST") else "all"
            self.accept_word("PATH", "PATHS")
            return Node("selector", start, {"kind": kind})
        if self.at_word("SHORTEST"):
            self.pos += 1
            selector = Node("selector", start, {"kind": "shortest"})
            if self.peek().kind == "number":
                selector.attrs["count"] = self.peek().text
                self.pos += 1
            self.accept_word("PATH", "PATHS")
            if self.accept_word("GROUP", "GROUPS"):
                selector.attrs["groups"] = True
            return selector
        return None

    def pattern_element(self) -> Node:
        node = Node("path", self.pos)
        node.children.append(self.path_factor())
        while self.at("-", "<"):
            node.children.append(self.relationship())
            node.children.append(self.path_factor())
        return node

    def path_factor(self) -> Node:
        """A node pattern, or a parenthesised path pattern with an optional quantifier."""
        if self.at("(") and self.at("(", ahead=1):
            start = self.pos
            with self.nested():
                self.pos += 1
                inner = Node("group", start, children=[self.pattern_element()])
                if self.accept_word("WHERE"):
                    inner.children.append(Node("where", self.pos - 1, children=[self.expression()]))
                self.expect(")")
            quantifier = self.quantifier()
            if quantifier is not None:
                inner.children.append(quantifier)
            return inner
        return self.node_pattern()

    def quantifier(self) -> Node | None:
        start = self.pos
        if self.at("+") or self.at("*"):
            self.pos += 1
            return Node("quantifier", start, {"low": 1 if self.tokens[start].text == "+" else 0, "high": None})
        if self.at("{") and (self.peek(1).kind == "number" or self.at(",", ahead=1)):
            self.pos += 1
            low = high = None
            if self.peek().kind == "number":
                low = self._integer()
            if self.accept(","):
                if self.peek().kind == "number":
                    high = self._integer()
            else:
                high = low
            self.expect("}")
            return Node("quantifier", start, {"low": low if low is not None else 0, "high": high})
        return None

    def _integer(self) -> int:
        token = self.peek()
        if token.kind != "number" or not token.text.isdigit():
            raise self.fail("a whole number")
        self.pos += 1
        return int(token.text)

    def node_pattern(self) -> Node:
        start = self.pos
        with self.nested():
            self.expect("(")
            node = Node("node", start)
            if self.peek().kind in ("word", "name") and not self.at_word("WHERE"):
                node.attrs["variable"] = self.variable()
            if self.at(":") or self.at_word("IS"):
                node.children.append(self.label_expression())
            if self.at("{"):
                node.children.append(self.map_literal())
            elif self.peek().kind == "param":
                node.children.append(Node("param", self.pos, {"name": self.peek().text}))
                self.pos += 1
            if self.accept_word("WHERE"):
                node.children.append(Node("where", self.pos - 1, children=[self.expression()]))
            self.expect(")")
        return node

    def relationship(self) -> Node:
        start = self.pos
        node = Node("relationship", start)
        left = self.accept("<")
        self.expect("-")
        if self.at("["):
            with self.nested():
                self.pos += 1
                if self.peek().kind in ("word", "name") and not self.at_word("WHERE"):
                    node.attrs["variable"] = self.variable()
                if self.at(":") or self.at_word("IS"):
                    node.children.append(self.label_expression())
                if self.at("*"):
                    node.children.append(self.var_length())
                if self.at("{"):
                    node.children.append(self.map_literal())
                elif self.peek().kind == "param":
                    node.children.append(Node("param", self.pos, {"name": self.peek().text}))
                    self.pos += 1
                if self.accept_word("WHERE"):
                    node.children.append(Node("where", self.pos - 1, children=[self.expression()]))
                self.expect("]")
        self.expect("-")
        right = self.accept(">")
        node.attrs["direction"] = "both" if left and right else "left" if left else "right" if right else "none"
        quantifier = self.quantifier()
        if quantifier is not None:
            node.children.append(quantifier)
        return node

    def var_length(self) -> Node:
        start = self.expect("*")
        node = Node("var_length", start, {"low": None, "high": None, "fixed": False})
        if self.accept_word("ALL"):
            self.expect_word("SHORTEST")
            node.attrs["shortest"] = "all"
        elif self.accept_word("SHORTEST"):
            node.attrs["shortest"] = "one"  # LadybugDB's -[* SHORTEST 1..6]-, which the translation writes
        if self.peek().kind == "number":
            node.attrs["low"] = self._integer()
            if not self.at(".."):
                node.attrs["high"] = node.attrs["low"]
                node.attrs["fixed"] = True
                return node
        if self.accept(".."):
            if self.peek().kind == "number":
                node.attrs["high"] = self._integer()
        elif node.attrs["low"] is None:
            pass  # a bare *
        return node

    def label_expression(self) -> Node:
        start = self.pos
        node = Node("labels", start)
        if self.accept_word("IS"):
            node.children.append(self.label_or())
            return node
        while self.accept(":"):
            node.children.append(self.label_or())
        return node

    def label_or(self) -> Node:
        node = Node("label_or", self.pos, children=[self.label_and()])
        while self.accept("|"):
            self.accept(":")
            node.children.append(self.label_and())
        return node if len(node.children) > 1 else node.children[0]

    def label_and(self) -> Node:
        node = Node("label_and", self.pos, children=[self.label_not()])
        while self.accept("&"):
            node.children.append(self.label_not())
        return node if len(node.children) > 1 else node.children[0]

    def label_not(self) -> Node:
        start = self.pos
        if self.accept("!"):
            return Node("label_not", start, children=[self.label_not()])
        if self.accept("%"):
            return Node("label_any", start)
        if self.at("("):
            with self.nested():
                self.pos += 1
                inner = self.label_or()
                self.expect(")")
            return inner
        return Node("label", start, {"name": self.name("a label or relationship type").attrs["name"]})

    # -------------------------------------------------------------- expressions
    def expression(self) -> Node:
        """An expression. Operators bind, loosest first: OR, XOR, AND, NOT (prefix), the comparisons,
        the string and list predicates (STARTS WITH, ENDS WITH, CONTAINS, IN, IS [NOT] NULL), + - ||,
        * / %, ^, unary + -; binary operators of one level group to the left."""
        return self.operators(1)

    def operators(self, level: int) -> Node:
        """The expression made of operators of ``level`` (see :data:`_PUNCT_LEVELS`, :data:`_WORD_LEVELS`)
        or tighter, parsed by precedence climbing: one loop per operand instead of one call per level.
        After an operator of level L, only operators of level L or looser may follow (what binds tighter
        was taken by its right operand; after IS NULL, which has none, it is a syntax error)."""
        tokens = self.tokens
        ceiling = 99
        if level <= _NOT_LEVEL and tokens[self.pos].upper == "NOT":
            start = self.pos
            self.pos += 1
            left = Node("not", start, children=[self.operators(_NOT_LEVEL)])
            ceiling = _NOT_LEVEL
        else:
            token = tokens[self.pos]
            left = self.unary() if token.kind == "punct" and token.text in ("+", "-") else self.postfix()
        while True:
            token = tokens[self.pos]
            kind = token.kind
            if kind == "punct":
                operator = token.text
                bind = _PUNCT_LEVELS.get(operator, 0)
                if bind < level or bind > ceiling:
                    return left
                ceiling = bind
                start = self.pos
                self.pos += 1
                left = Node("binary", start, {"op": operator}, [left, self.operators(bind + 1)])
                continue
            if kind != "word":
                return left
            word = token.upper
            bind = _WORD_LEVELS.get(word, 0)
            if bind < level or bind > ceiling:
                return left
            ceiling = bind
            start = self.pos
            if bind == _PREDICATE_LEVEL:
                if word == "IS":
                    self.pos += 1
                    negated = self.accept_word("NOT")
                    self.expect_word("NULL")
                    left = Node("is_null", start, {"not": negated}, [left])
                    continue
                if word in ("STARTS", "ENDS"):
                    if tokens[start + 1].upper != "WITH":
                        return left
                    word += " WITH"
                    self.pos += 1
            self.pos += 1
            left = Node("binary", start, {"op": word}, [left, self.operators(bind + 1)])

    def unary(self) -> Node:
        if self.at("+", "-"):
            start = self.pos
            self.pos += 1
            return Node("unary", start, {"op": self.tokens[start].text}, [self.unary()])
        return self.postfix()

    def postfix(self) -> Node:
        node = self.atom()
        tokens = self.tokens
        while True:
            start = self.pos
            token = tokens[start]
            if token.kind != "punct":
                return node
            punct = token.text
            if punct == "." and tokens[start + 1].kind in ("word", "name"):
                self.pos += 1
                node = Node("property", start, {"key": self.name().attrs["name"]}, [node])
            elif punct == "[":
                with self.nested():
                    self.pos += 1
                    low = None if self.at("..") else self.expression()
                    if self.accept(".."):
                        high = None if self.at("]") else self.expression()
                        node = Node("slice", start, {"low": low is not None, "high": high is not None},
                                    [node] + [part for part in (low, high) if part is not None])
                    else:
                        if low is None:
                            raise self.fail("an index")
                        node = Node("index", start, children=[node, low])
                    self.expect("]")
            elif punct == ":" and node.kind == "variable":
                node = Node("has_labels", start, children=[node, self.label_expression()])
            elif punct == "{" and node.kind == "variable":
                node = self.map_projection(node)
            else:
                return node

    def map_projection(self, variable: Node) -> Node:
        start = self.pos
        node = Node("map_projection", start, children=[variable])
        with self.nested():
            self.expect("{")
            if not self.at("}"):
                while True:
                    item_start = self.pos
                    if self.accept("."):
                        if self.accept("*"):
                            node.children.append(Node("all_properties", item_start))
                        else:
                            node.children.append(Node("property_selector", item_start, {"key": self.name().attrs["name"]}))
                    elif self.peek().kind in ("word", "name") and self.at(":", ahead=1):
                        key = self.name().attrs["name"]
                        self.pos += 1
                        node.children.append(Node("literal_entry", item_start, {"key": key}, [self.expression()]))
                    else:
                        node.children.append(Node("variable_selector", item_start, children=[self.variable()]))
                    if not self.accept(","):
                        break
            self.expect("}")
        return node

    def atom(self) -> Node:
        token = self.peek()
        start = self.pos
        if token.kind == "number":
            self.pos += 1
            return Node("number", start, {"text": token.text})
        if token.kind == "string":
            self.pos += 1
            return Node("string", start, {"value": token.text})
        if token.kind == "param":
            self.pos += 1
            return Node("param", start, {"name": token.text})
        if token.kind == "punct":
            if token.text == "[":
                return self.list_atom()
            if token.text == "{":
                return self.map_literal()
            if token.text == "(":
                pattern = self.attempt(self.pattern_predicate)
                if pattern is not None:
                    return pattern
                with self.nested():
                    self.pos += 1
                    inner = self.expression()
                    self.expect(")")
                return Node("parens", start, children=[inner])
            raise self.fail("an expression")
        if token.kind == "name":
            self.pos += 1
            return Node("variable", start, {"name": token.text})
        if token.kind != "word":
            raise self.fail("an expression")
        word = token.upper
        if word not in _ATOM_WORDS:  # the common case: a variable or a function call
            following = self.tokens[start + 1]
            if following.kind == "punct" and (following.text == "(" or (following.text == "." and self._namespaced_call_ahead())):
                return self.function_call()
            if word in CLAUSE_WORDS:
                raise ReadOnlyViolation(f"refused: {word} at {location(self.original, token.start)} is not a reading clause")
            self.pos += 1
            return Node("variable", start, {"name": token.text})
        if word in ("TRUE", "FALSE"):
            self.pos += 1
            return Node("boolean", start, {"value": word == "TRUE"})
        if word == "NULL":
            self.pos += 1
            return Node("null", start)
        if word in ("INF", "INFINITY", "NAN") and not self.at("(", ahead=1):
            self.pos += 1
            return Node("number", start, {"text": token.text})
        if word == "CASE":
            return self.case()
        if word in ("EXISTS", "COUNT", "COLLECT") and self.at("{", ahead=1):
            return self.subquery_expression(word.lower())
        if word == "COUNT" and self.at("(", ahead=1) and self.at("*", ahead=2):
            self.pos += 3
            self.expect(")")
            return Node("count_star", start)
        if word in ("ANY", "ALL", "NONE", "SINGLE") and self.at("(", ahead=1) and self.peek(2).kind in ("word", "name") and self.at_word("IN", ahead=3):
            return self.list_predicate(word.lower())
        if word == "REDUCE" and self.at("(", ahead=1):
            return self.reduce()
        if word in ("SHORTESTPATH", "ALLSHORTESTPATHS") and self.at("(", ahead=1):
            raise self.fail("shortestPath() inside a MATCH pattern")
        if self.at("(", ahead=1) or (self.at(".", ahead=1) and self._namespaced_call_ahead()):
            return self.function_call()
        if word in CLAUSE_WORDS:
            raise ReadOnlyViolation(f"refused: {word} at {location(self.original, token.start)} is not a reading clause")
        self.pos += 1
        return Node("variable", start, {"name": token.text})

    def _namespaced_call_ahead(self) -> bool:
        ahead = 0
        while self.at(".", ahead=ahead + 1) and self.peek(ahead + 2).kind == "word":
            ahead += 2
        return ahead > 0 and self.at("(", ahead=ahead + 1)

    def function_call(self) -> Node:
        start = self.pos
        parts = [self.peek().text]
        self.pos += 1
        while self.accept("."):
            parts.append(self.name("a function name").attrs["name"])
        node = Node("function", start, {"name": ".".join(parts), "distinct": False})
        with self.nested():
            self.expect("(")
            if self.accept_word("DISTINCT"):
                node.attrs["distinct"] = True
            else:
                self.accept_word("ALL")
            if node.attrs["name"].lower() == "cast" and not self.at(")"):
                # LadybugDB's CAST(x AS TYPE), which the dialect translation writes
                node.children.append(self.expression())
                self.expect_word("AS")
                node.attrs["type"] = self.name("a type name").attrs["name"]
            elif not self.at(")"):
                while True:
                    if (
                        self.at("(") and self.peek(1).kind == "word" and self.at(",", ahead=2) and self.peek(3).kind == "word"
                        and self.at(")", ahead=4) and self.at("-", ahead=5) and self.at(">", ahead=6)
                    ):
                        # LadybugDB's (accumulator, x) -> expression (list_reduce)
                        lambda_node = Node("lambda", self.pos)
                        self.pos += 1
                        lambda_node.children.append(self.variable())
                        self.pos += 1
                        lambda_node.children.append(self.variable())
                        self.pos += 3
                        lambda_node.children.append(self.expression())
                        node.children.append(lambda_node)
                    elif self.peek().kind == "word" and self.at("-", ahead=1) and self.at(">", ahead=2):
                        # LadybugDB's lambda x -> expression (list_filter, list_transform)
                        lambda_node = Node("lambda", self.pos, children=[self.variable()])
                        self.pos += 2
                        lambda_node.children.append(self.expression())
                        node.children.append(lambda_node)
                    else:
                        node.children.append(self.expression())
                    if not self.accept(","):
                        break
            self.expect(")")
        return node

    def list_atom(self) -> Node:
        start = self.pos
        with self.nested():
            # [x IN list WHERE p | e]: a list comprehension
            if self.peek(1).kind in ("word", "name") and self.at_word("IN", ahead=2):
                self.pos += 1
                variable = self.variable()
                in_at = self.pos
                self.pos += 1
                node = Node("list_comprehension", start, {"where": False, "map": False, "in_at": in_at}, [variable, self.expression()])
                if self.accept_word("WHERE"):
                    node.attrs["where"] = self.pos - 1
                    node.children.append(self.expression())
                if self.accept("|"):
                    node.attrs["map"] = self.pos - 1
                    node.children.append(self.expression())
                node.attrs["close"] = self.expect("]")
                return node
            if self.at("(", ahead=1) or (self.peek(1).kind in ("word", "name") and self.at("=", ahead=2)):
                comprehension = self.attempt(self.pattern_comprehension)
                if comprehension is not None:
                    return comprehension
            self.pos += 1
            node = Node("list", start)
            if not self.at("]"):
                while True:
                    node.children.append(self.expression())
                    if not self.accept(","):
                        break
            self.expect("]")
            return node

    def pattern_comprehension(self) -> Node:
        start = self.expect("[")
        node = Node("pattern_comprehension", start)
        if self.peek().kind in ("word", "name") and self.at("=", ahead=1):
            node.attrs["path"] = self.variable()
            self.pos += 1
        node.children.append(self.pattern_element())
        if len(node.children[0].children) < 2:
            raise self.fail("a relationship in a pattern comprehension")
        if self.accept_word("WHERE"):
            node.children.append(Node("where", self.pos - 1, children=[self.expression()]))
        self.expect("|")
        node.children.append(self.expression())
        self.expect("]")
        return node

    def pattern_predicate(self) -> Node:
        start = self.pos
        element = self.pattern_element()
        if len(element.children) < 2:
            raise self.fail("a relationship")
        return Node("pattern_predicate", start, children=[element])

    def map_literal(self) -> Node:
        start = self.pos
        node = Node("map", start)
        with self.nested():
            self.expect("{")
            if not self.at("}"):
                while True:
                    key_start = self.pos
                    key = self.name("a map key").attrs["name"]
                    self.expect(":")
                    node.children.append(Node("entry", key_start, {"key": key}, [self.expression()]))
                    if not self.accept(","):
                        break
            self.expect("}")
        return node

    def case(self) -> Node:
        start = self.expect_word("CASE")
        node = Node("case", start, {"simple": False, "else": False})
        if not self.at_word("WHEN"):
            node.attrs["simple"] = True
            node.children.append(self.expression())
        if not self.at_word("WHEN"):
            raise self.fail("WHEN")
        while self.accept_word("WHEN"):
            when = Node("when", self.pos - 1, children=[self.expression()])
            self.expect_word("THEN")
            when.children.append(self.expression())
            node.children.append(when)
        if self.accept_word("ELSE"):
            node.attrs["else"] = True
            node.children.append(Node("else", self.pos - 1, children=[self.expression()]))
        self.expect_word("END")
        return node

    def subquery_expression(self, kind: str) -> Node:
        start = self.pos
        self.pos += 1
        node = Node(f"{kind}_subquery", start, {"form": "query"})
        with self.nested():
            brace = self.expect("{")
            node.attrs["brace"] = brace
            if self.at_word(*(_CLAUSE_STARTS - {"UNION"})) or self.peek().upper in CLAUSE_WORDS:
                node.children.append(self.union())
            else:
                node.attrs["form"] = "pattern"
                node.children.append(self.pattern_list())
                if self.accept_word("WHERE"):
                    node.children.append(Node("where", self.pos - 1, children=[self.expression()]))
            self.expect("}")
        return node

    def list_predicate(self, kind: str) -> Node:
        start = self.pos
        self.pos += 1
        with self.nested():
            self.expect("(")
            variable = self.variable()
            self.expect_word("IN")
            node = Node("list_predicate", start, {"kind": kind}, [variable, self.expression()])
            if self.accept_word("WHERE"):
                node.children.append(self.expression())
            self.expect(")")
        return node

    def reduce(self) -> Node:
        start = self.pos
        self.pos += 1
        with self.nested():
            self.expect("(")
            accumulator = self.variable()
            at = {"eq": self.expect("=")}
            initial = self.expression()
            at["comma"] = self.expect(",")
            variable = self.variable()
            at["in"] = self.expect_word("IN")
            items = self.expression()
            at["bar"] = self.expect("|")
            step = self.expression()
            at["close"] = self.expect(")")
        return Node("reduce", start, at, children=[accumulator, initial, variable, items, step])


def parse(cypher: str, lexed: Callable[[str], None] | None = None) -> Parsed:
    """Parse one read-only Neo4j 5 Cypher statement.

    ``lexed``, when given, is called with the canonical text (see
    :attr:`Parsed.canonical`) as soon as the text is lexed and holds no
    clause word, before the parse proper (the guard hands it to Neo4j's
    parser then, which works on it in parallel). Raises
    :class:`ReadOnlyViolation` when the text holds a clause that is not a read
    (named, with line and column) and :class:`QueryError` when it does not
    parse (line, column, what was expected, and the offending line quoted).
    """
    if not cypher.strip():
        raise ReadOnlyViolation("refused: the query is empty")
    parser = Parser(cypher)
    _refuse_clause_words(parser)
    canonical = None
    if lexed is not None:
        canonical = render(parser.tokens)
        lexed(canonical)
    try:
        tree = parser.statement()
    except _Failure as failure:
        index, expected = max((failure.index, failure.expected), parser.furthest)
        raise _syntax_error(parser, index, expected) from None
    except RecursionError:
        raise QueryError(f"the query nests too deeply to check; simplify it (at most {MAX_NESTING} levels)") from None
    parsed = Parsed(cypher, parser.tokens, tree)
    if canonical is not None:
        parsed.__dict__["canonical"] = canonical  # the cached property, already rendered
    return parsed


def _refuse_clause_words(parser: Parser) -> None:
    """Refuse, before parsing, a write or command word standing where a clause could start.

    A clause word after ``.``, ``:`` or ``$`` or before ``:`` in a map is a
    property, label or key and is left to the parser; anywhere else it is
    refused, parse or not, so that a query which fails to parse still gets the
    403 "refused" answer when it tried something else than reading.
    """
    tokens = parser.tokens
    for index, token in enumerate(tokens):
        if token.kind != "word" or token.upper not in CLAUSE_WORDS:
            continue
        before = tokens[index - 1] if index else None
        after = tokens[index + 1]
        if before is not None and before.kind == "punct" and before.text in (".", ":"):
            continue
        if after.kind == "punct" and after.text == ":" and before is not None and before.text in ("{", ","):
            continue
        raise ReadOnlyViolation(f"refused: {token.upper} at {location(parser.original, token.start)} is not a reading clause")


def _syntax_error(parser: Parser, index: int, expected: str) -> QueryError:
    token = parser.tokens[min(index, len(parser.tokens) - 1)]
    found = "the end of the query" if token.kind == "end" else repr(render_token(token))
    where = location(parser.original, token.start)
    line_start = max(parser.original.rfind(char, 0, token.start) for char in _LINE_TERMINATORS) + 1
    line_end = min((i for i in (parser.original.find(char, token.start) for char in _LINE_TERMINATORS) if i >= 0), default=len(parser.original))
    quoted = parser.original[line_start:line_end]
    return QueryError(f"the query does not parse at {where}: expected {expected}, found {found} in \"{quoted}\"")
