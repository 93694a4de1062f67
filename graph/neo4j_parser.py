"""Neo4j's own Cypher 5 parser, run in a small JVM sidecar, for the guard (:mod:`koppel.graph.guard`).

The guard must decide on the grammar the engine uses. No Python grammar
library reads Cypher 5 as Neo4j does at the guard's cost (evaluated November
2026: antlr4-cypher/cypherast 33-36 ms a query and lexing differently;
Python's ANTLR ``ParserInterpreter`` on Neo4j's serialized ATN fails with
runtime errors), so koppel runs the parser Neo4j generates from its own
grammar: ``Cypher5Lexer``/``Cypher5Parser`` (ANTLR 4.13.2) from the jars
``org.neo4j:cypher-v5-antlr-parser`` and ``org.neo4j:cypher-antlr-ast-common``
at :data:`NEO4J_VERSION`, the version koppel's Neo4j server runs.

``graph/CypherOutline.java`` (shipped with the package) feeds the text to the
lexer as Neo4j does (``UnicodeEscapeReplacementReader``: ``\\uXXXX`` decoded
first), parses it as Neo4j's ``AntlrAstParser`` does (SLL, then full LL on
failure), and answers with an outline of the parse tree (see :func:`parse`).
It is compiled once with ``javac`` into ``$XDG_CACHE_HOME/koppel/cypher-parser/``
(``~/.cache`` by default; ``KOPPEL_PARSER_CACHE`` overrides the folder), keyed
on the source's hash and the jar versions, by ``scripts/setup`` or
:func:`build`; the jars come from Maven Central through ``mvn`` (a private
local repository in that folder, ``~/.m2`` untouched). The Neo4j home is not
needed, so the embedded store does not need a Neo4j install.

One JVM per process is started on first use (``java`` on PATH, or
``KOPPEL_JAVA``), warmed with a few parses (an error among them, so that every
class an answer needs is loaded while the compiled classes on disk are those
it started from), and restarted when it dies or does
not answer within :data:`TIMEOUT` seconds. When Java, the jars or the
compiled class are missing, :class:`GrammarUnavailable` (a
:class:`~koppel.graph.errors.ConfigError`: HTTP 503, CLI exit 2) names what
is missing and how to set it up: ad-hoc Cypher fails closed.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["NEO4J_VERSION", "JARS", "TIMEOUT", "GrammarUnavailable", "build", "parse", "pending", "status", "java"]

NEO4J_VERSION = "5.26.30"
"""The Neo4j release whose Cypher 5 parser is used (the one ``scripts/neo4j`` installs)."""

JARS = (
    ("org.neo4j", "cypher-v5-antlr-parser", NEO4J_VERSION),  # Cypher5Lexer, Cypher5Parser
    ("org.neo4j", "cypher-antlr-common", NEO4J_VERSION),  # what the generated parser extends
    ("org.neo4j", "cypher-antlr-ast-common", NEO4J_VERSION),  # UnicodeEscapeReplacementReader
    ("org.neo4j", "neo4j-util", NEO4J_VERSION),  # InputPosition, which the escape reader records
    ("org.scala-lang", "scala-library", "2.13.11"),  # InputPosition is a Scala class
    ("org.eclipse.collections", "eclipse-collections", "11.1.0"),  # the escape reader's offset table
    ("org.eclipse.collections", "eclipse-collections-api", "11.1.0"),
    ("org.antlr", "antlr4-runtime", "4.13.2"),
)
"""Maven coordinates of exactly the jars the sidecar loads (their transitive dependencies are not needed)."""

TIMEOUT = 5.0
"""Seconds one parse may take before the sidecar is killed and the query refused."""

JVM_OPTIONS = ("-Xmx64m", "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto")
"""A small heap, one GC thread, a deeper stack for nested expressions, and the C1 compiler only: C2 halves
a fully warm parse (0.20 against 0.42 ms median on the catalogue, measured in-process) but needs thousands
of parses and CPU to compile first, which an analyst's trickle of queries never repays on a shared machine
(2026-11-30, load 7-8 on 2 CPUs: the whole guard's catalogue median over calls 120-720 after a start was
1.3-2.7 ms with C1 only and 3.5-6.7 ms with C2 compiling)."""

_SOURCE = Path(__file__).with_name("CypherOutline.java")
_DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1"
_SETUP = "run scripts/setup, which needs Java 17+ and, once, Maven to fetch Neo4j's parser from Maven Central"


class GrammarUnavailable(ConfigError):
    """Neo4j's Cypher parser cannot run here (no Java, jars not fetched, not compiled); ad-hoc Cypher is refused."""


def cache_dir() -> Path:
    """The folder holding the jars and the compiled sidecar."""
    override = os.environ.get("KOPPEL_PARSER_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "koppel" / "cypher-parser"


def java() -> str:
    """The ``java`` executable: ``KOPPEL_JAVA`` when set, else ``java`` on PATH; :class:`GrammarUnavailable` if neither runs."""
    chosen = os.environ.get("KOPPEL_JAVA")
    if chosen:
        if not (os.path.isfile(chosen) and os.access(chosen, os.X_OK)):
            raise GrammarUnavailable(f"KOPPEL_JAVA={chosen} is not an executable java; ad-hoc Cypher needs Java 17+ to check queries with Neo4j's parser")
        return chosen
    found = shutil.which("java")
    if not found:
        raise GrammarUnavailable(f"no java on PATH; ad-hoc Cypher needs Java 17+ to check queries with Neo4j's parser (install a JDK 17+ and {_SETUP}; or set KOPPEL_JAVA to a java)")
    return found


def _jar_dir() -> Path:
    return cache_dir() / f"jars-{NEO4J_VERSION}"


def _jar_paths() -> list[Path]:
    return [_jar_dir() / f"{artifact}-{version}.jar" for _, artifact, version in JARS]


def _classes_dir() -> Path:
    key = hashlib.sha256(_SOURCE.read_bytes() + repr(JARS).encode()).hexdigest()[:16]
    return cache_dir() / f"classes-{key}"


def _fetch_jars() -> None:
    """Download :data:`JARS` from Maven Central with ``mvn`` into :func:`_jar_dir` (nothing else, no transitive jars)."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise GrammarUnavailable(f"Neo4j's parser jars are not in {_jar_dir()} and mvn is not on PATH to fetch them ({_SETUP})")
    target = _jar_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    dependencies = "".join(
        f"<dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId><version>{version}</version></dependency>"
        for group, artifact, version in JARS
    )
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fetch-") as work:
        pom = Path(work) / "pom.xml"
        pom.write_text(
            '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
            "<groupId>local.koppel</groupId><artifactId>cypher-parser-jars</artifactId>"
            f"<version>{NEO4J_VERSION}</version><packaging>pom</packaging><dependencies>{dependencies}</dependencies></project>"
        )
        out = Path(work) / "jars"
        result = subprocess.run(
            [mvn, "-B", "-q", "-f", str(pom), f"-Dmaven.repo.local={cache_dir() / 'm2'}", f"{_DEPENDENCY_PLUGIN}:copy-dependencies",
             f"-DoutputDirectory={out}", "-DexcludeTransitive=true", "-DincludeScope=runtime"],
            capture_output=True, text=True,
        )
        missing = [p.name for p in _jar_paths() if not (out / p.name).is_file()]
        if result.returncode != 0 or missing:
            tail = (result.stdout + result.stderr).strip().splitlines()[-3:]
            raise GrammarUnavailable(f"mvn could not fetch Neo4j's parser jars from Maven Central ({'; '.join(tail) or 'missing: ' + ', '.join(missing)})")
        if target.exists():
            shutil.rmtree(target)
        out.rename(target)
    shutil.rmtree(cache_dir() / "m2", ignore_errors=True)  # the jars are what is kept


def build(fetch: bool = True) -> Path:
    """Fetch the jars (when ``fetch`` and missing) and compile the sidecar; returns the classes folder.

    Idempotent and safe to run from several processes at once (a lock file in
    :func:`cache_dir`). Raises :class:`GrammarUnavailable` naming what is missing.
    """
    import fcntl

    classes = _classes_dir()
    if (classes / "CypherOutline.class").is_file() and all(p.is_file() for p in _jar_paths()):
        return classes
    cache_dir().mkdir(parents=True, exist_ok=True)
    with open(cache_dir() / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not all(p.is_file() for p in _jar_paths()):
            if not fetch:
                raise GrammarUnavailable(f"Neo4j's parser jars are not in {_jar_dir()} ({_SETUP})")
            _fetch_jars()
        if (classes / "CypherOutline.class").is_file():
            return classes
        javac = os.environ.get("KOPPEL_JAVAC") or str(Path(java()).resolve().with_name("javac"))
        if not os.access(javac, os.X_OK):
            javac = shutil.which("javac") or ""
        if not javac:
            raise GrammarUnavailable(f"no javac next to {java()} or on PATH to compile Neo4j's parser sidecar (install a JDK 17+, then {_SETUP})")
        work = Path(tempfile.mkdtemp(dir=cache_dir(), prefix=".classes-"))
        result = subprocess.run(
            [javac, "-nowarn", "-encoding", "UTF-8", "-cp", os.pathsep.join(map(str, _jar_paths())), "-d", str(work), str(_SOURCE)],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            shutil.rmtree(work, ignore_errors=True)
            raise GrammarUnavailable(f"javac could not compile {_SOURCE.name}: {result.stderr.strip().splitlines()[0] if result.stderr.strip() else result.returncode}")
        if classes.exists():
            shutil.rmtree(classes)
        work.rename(classes)
        for stale in cache_dir().glob("classes-*"):  # earlier versions of the source
            if stale != classes:
                shutil.rmtree(stale, ignore_errors=True)
    return classes


class _Sidecar:
    """One JVM running CypherOutline; requests are serialised by a lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None
        self._pid = os.getpid()
        self.started_in: float | None = None

    def _start(self) -> subprocess.Popen:
        executable = java()
        classes = build(fetch=True)
        began = time.perf_counter()
        try:
            process = subprocess.Popen(
                [executable, *JVM_OPTIONS, "-cp", os.pathsep.join([str(classes), *map(str, _jar_paths())]), "CypherOutline"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            raise GrammarUnavailable(f"could not start {executable} for Neo4j's parser: {error}") from None
        self._process = process
        answer = self._ask(process, "RETURN 1")  # warm-up: loads the classes and builds the ATN caches
        if "rules" not in answer:
            self._stop()
            raise GrammarUnavailable(f"Neo4j's parser sidecar does not work: {answer.get('error')}")
        self.started_in = time.perf_counter() - began
        return process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.kill()
            process.wait()

    def _ask(self, process: subprocess.Popen, text: str, tree: bool = False) -> dict[str, Any]:
        self._send(process, text, tree)
        return self._receive(process)

    def _send(self, process: subprocess.Popen, text: str, tree: bool = False) -> None:
        data = text.encode("utf-8", "surrogatepass")
        assert process.stdin is not None
        try:
            process.stdin.write(b"%d%s\n" % (len(data), b" tree" if tree else b"") + data)
            process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            self._stop()
            raise GrammarUnavailable(f"Neo4j's parser sidecar is gone ({error}); it is restarted for the next query") from None

    def _receive(self, process: subprocess.Popen) -> dict[str, Any]:
        assert process.stdout is not None
        deadline = time.monotonic() + TIMEOUT * (4 if self.started_in is None else 1)
        line = b""
        try:
            fd = process.stdout.fileno()
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    self._stop()
                    raise GrammarUnavailable(f"Neo4j's parser did not answer within {TIMEOUT:g} s; it is restarted for the next query")
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    self._stop()
                    raise GrammarUnavailable("Neo4j's parser sidecar ended unexpectedly; it is restarted for the next query")
                line += chunk
        except (ValueError, OSError) as error:
            self._stop()
            raise GrammarUnavailable(f"Neo4j's parser sidecar is gone ({error}); it is restarted for the next query") from None
        return json.loads(line)

    def _ready(self) -> subprocess.Popen:
        """The running sidecar (started when needed); call with the lock held."""
        if self._pid != os.getpid():  # a forked child: the parent's sidecar is not this process's
            self._process, self._pid, self.started_in = None, os.getpid(), None
        process = self._process
        if process is None or process.poll() is not None:
            process = self._start()
        return process

    def _own_lock(self) -> threading.Lock:
        if self._pid != os.getpid():  # a forked child may have copied the lock held
            self._lock = threading.Lock()
        return self._lock

    def parse(self, text: str, tree: bool = False) -> dict[str, Any]:
        with self._own_lock():
            return self._ask(self._ready(), text, tree)

    @contextmanager
    def pending(self) -> Iterator[_Pending]:
        lock = self._own_lock()
        with lock:
            request = _Pending(self)
            try:
                yield request
            finally:
                if request.sent and not request.answered:  # keep the protocol in step: read the answer nobody took
                    try:
                        request.answer()
                    except GrammarUnavailable:
                        pass

    def close(self) -> None:
        with self._lock:
            self._stop()


class _Pending:
    """One request sent ahead of its answer (see :func:`pending`)."""

    def __init__(self, sidecar: _Sidecar) -> None:
        self.sidecar = sidecar
        self.process: subprocess.Popen | None = None
        self.sent = self.answered = False

    def send(self, text: str) -> None:
        """Send ``text`` for parsing; the sidecar works on it while the caller goes on. A sidecar that
        cannot run is reported by :meth:`answer`, so the caller's own refusals still come first."""
        self.problem: GrammarUnavailable | None = None
        try:
            self.process = self.sidecar._ready()
            self.sidecar._send(self.process, text)
        except GrammarUnavailable as problem:
            self.problem = problem
            return
        self.sent = True

    def answer(self) -> dict[str, Any]:
        """The answer to the text sent, as :func:`parse` gives it (waits for it)."""
        if getattr(self, "problem", None) is not None:
            raise self.problem  # type: ignore[misc]
        assert self.process is not None and self.sent and not self.answered
        self.answered = True
        return self.sidecar._receive(self.process)


_SIDECAR = _Sidecar()


def pending() -> AbstractContextManager[_Pending]:
    """Hold the sidecar for one request whose answer is read later: ``with pending() as request:``
    ``request.send(text)``, other work (koppel's own parse, while Java parses), then
    ``request.answer()``. An answer not read is read and dropped when the block ends."""
    return _SIDECAR.pending()


def parse(text: str, tree: bool = False) -> dict[str, Any]:
    """Parse ``text`` with Neo4j 5.26's own Cypher 5 lexer and parser.

    When Neo4j's grammar accepts the text, returns what the guard compares
    (collected by the sidecar in one walk of the full parse tree):

    * ``rules``: every grammar rule (``Cypher5Parser.ruleNames``) the parse used, sorted;
    * ``clauses``: the clause rules (``matchClause``, ``withClause``, ...) and ``UNION`` in text order;
    * ``calls``: ``[name, arguments]`` for each ``functionInvocation`` (namespace and name as
      written, backticks removed), ``[rule, -1]`` for ``countStar``, ``reduceExpression``,
      ``normalizeFunction``, ``trimFunction`` and ``[word, -1]`` for ``listItemsPredicate`` (all/any/...);
    * ``hops``: the ``pathLength`` and ``quantifier`` rules (variable-length and quantified paths);
    * ``regexes``: the ``=~`` operators;
    * with ``tree``, also ``tree``: an outline of the parse, a rule node ``[rule_name, child, ...]``
      or a token's text (``""`` for the end of input), a rule node whose only child is a rule node
      replaced by that child.

    When it does not, returns ``{"error": message, "line": L, "column": C}``
    (line from 1, column from 0, in the text after ``\\uXXXX`` decoding).
    Raises :class:`GrammarUnavailable` when the sidecar cannot run or does
    not answer within :data:`TIMEOUT` seconds.
    """
    return _SIDECAR.parse(text, tree)


def startup_seconds() -> float | None:
    """Seconds the current sidecar took to start and answer its warm-up parse (None before the first use)."""
    return _SIDECAR.started_in


def restart() -> None:
    """Stop the sidecar (the next :func:`parse` starts a fresh one); for tests and after a fork."""
    _SIDECAR.close()


def status() -> str | None:
    """None when Neo4j's parser is ready to run here, else what is missing (for ``koppel check``); never fetches or compiles."""
    try:
        java()
    except GrammarUnavailable as error:
        return str(error)
    if not all(p.is_file() for p in _jar_paths()):
        return f"Neo4j's parser jars are not in {_jar_dir()}; {_SETUP}"
    if not (_classes_dir() / "CypherOutline.class").is_file():
        return f"Neo4j's parser sidecar is not compiled in {_classes_dir()}; {_SETUP}"
    return None


if __name__ == "__main__":  # python -m koppel.graph.neo4j_parser: what scripts/setup runs
    import sys

    try:
        print(f"Neo4j {NEO4J_VERSION} Cypher parser ready in {build(fetch=True)}", file=sys.stderr)
        parse("RETURN 1")
        restart()
    except GrammarUnavailable as error:
        print(f"koppel: error: {error}", file=sys.stderr)
        sys.exit(GrammarUnavailable.exit_code)
