"""No code outside ``graph/`` asks which store it has (issue 14).

Where the stores differ, :class:`koppel.graph.store.GraphStore` declares it as
capabilities and methods (``has_schema``, ``check_read_only``,
``changes_while_served``, ``probe_interval``/``answers``, ``server_settings``,
``memory_held``, ``StoreConfig.open(memory=...)``). This test reads the source
of ``api/``, ``queries/`` and ``loaders/`` (the AST, not the text, so comments
and docstrings may name the stores) and fails on each place that decides by
the store instead:

* a comparison with a store's name or scheme (``store.kind == "neo4j"``,
  ``kind in ("bolt", "neo4j")``, ``case "embedded":``), or a dict keyed by them;
* ``spec.startswith("embedded:")`` and the like, with a store's scheme;
* an import of a store module (``koppel.graph.embedded_store``,
  ``koppel.graph.neo4j_store``) or of a store's driver (``ladybug``, ``neo4j``),
  or a store class named (``isinstance(store, Neo4jStore)``).

Passing ``store.kind`` on to :mod:`koppel.graph.dialect` (which decides, in
``graph/``) is not asking, nor is iterating over the store names to show what
each would run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from koppel.graph.factory import NEO4J_SCHEMES

ROOT = Path(__file__).resolve().parents[1]
OUTSIDE_GRAPH = ("api", "queries", "loaders")
STORE_NAMES = frozenset({"embedded", "neo4j", *NEO4J_SCHEMES})
STORE_MODULES = ("embedded_store", "neo4j_store")
DRIVERS = ("ladybug", "neo4j")
STORE_CLASSES = frozenset({"EmbeddedStore", "Neo4jStore"})


def _names_store(node: ast.AST | None) -> bool:
    """Whether ``node`` is a string naming a store or its scheme (``"neo4j"``, ``"embedded:"``, ``"bolt+s://"``),
    or a tuple, list or set holding one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip().lower().split(":", 1)[0] in STORE_NAMES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_store(element) for element in node.elts)
    return False


def _is_store_module(module: str) -> bool:
    parts = module.split(".")
    return parts[0] in DRIVERS or any(part in STORE_MODULES for part in parts)


def store_checks(source: str, filename: str = "<source>") -> list[str]:
    """Each place in ``source`` (Python) that decides by which store it has: ``"line N: what"``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare) and any(_names_store(side) for side in [node.left, *node.comparators]):
            found.append(f"line {line}: compares with a store's name: {ast.unparse(node)}")
        elif isinstance(node, ast.MatchValue) and _names_store(node.value):
            found.append(f"line {line}: matches a store's name: case {ast.unparse(node.value)}")
        elif isinstance(node, ast.Dict) and any(_names_store(key) for key in node.keys):
            found.append(f"line {line}: a dict keyed by store names: {ast.unparse(node)[:80]}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("startswith", "endswith")
            and any(_names_store(arg) for arg in node.args)
        ):
            found.append(f"line {line}: tests a store's scheme: {ast.unparse(node)}")
        elif isinstance(node, ast.Import):
            found += [f"line {line}: imports {alias.name}" for alias in node.names if _is_store_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if _is_store_module(module):
                found.append(f"line {line}: imports from {'.' * node.level}{module}")
            else:
                found += [f"line {line}: imports {alias.name} from {module}" for alias in node.names if alias.name in STORE_MODULES]
        elif isinstance(node, ast.Name) and node.id in STORE_CLASSES or isinstance(node, ast.Attribute) and node.attr in STORE_CLASSES:
            found.append(f"line {line}: names a store class: {ast.unparse(node)}")
    return sorted(found, key=lambda problem: int(problem.split(":")[0].removeprefix("line ")))


def test_no_code_outside_graph_asks_which_store_it_has():
    files = sorted(path for folder in OUTSIDE_GRAPH for path in (ROOT / folder).rglob("*.py"))
    assert len(files) > 20  # the scan sees the packages, not an empty folder
    found = [f"{path.relative_to(ROOT)} {problem}" for path in files for problem in store_checks(path.read_text(), str(path))]
    assert not found, "ask the store's capabilities (koppel.graph.store.GraphStore) instead:\n" + "\n".join(found)


# What the sandbox did before the store declared these as capabilities: each must be caught.
ASKING = [
    'if not memory or not config.spec.lower().startswith("embedded:"):\n    pass',
    'adhoc_for("embedded" if self.config.spec.lower().startswith("embedded:") else "neo4j", cypher, params)',
    'if not self.config.spec.lower().startswith(("bolt", "neo4j")):\n    pass',
    "from koppel.graph.neo4j_store import PROBE_INTERVAL, _answers_handshake",
    "from ..graph import embedded_store",
    "import ladybug",
    'if store.kind == "neo4j":\n    pass',
    'if getattr(store, "kind", "") != "neo4j":\n    pass',
    'if kind in ("bolt", "neo4j+s"):\n    pass',
    'match store.kind:\n    case "embedded":\n        pass',
    'timeout = {"neo4j": 5, "embedded": 1}[store.kind]',
    "if isinstance(store, Neo4jStore):\n    pass",
    'if store_scheme(spec) == "embedded":\n    pass',
]

# Legitimate: the dialect decides (in graph/), a loop shows what each store would run, text names a store.
NOT_ASKING = [
    "text = adhoc_for(self.config.store_class.kind, cypher, params)",
    "rows = store.run(dialect.translate(cypher, store.kind), params).rows",
    'for kind in ("neo4j", "embedded"):\n    answers[kind] = {"runs": adhoc_for(kind, cypher)}',
    'return {"status": "ready", "store": store.kind, "location": store.location}',
    'if not config.store_class.server_settings:\n    pass',
    '"""On the embedded store (embedded:PATH) or Neo4j (neo4j://host)."""',
    'if kind == "generic":\n    pass',
    'message = "Neo4j stopped answering"',
]


@pytest.mark.parametrize("source", ASKING)
def test_the_scan_catches_code_that_asks_which_store_it_has(source):
    assert store_checks(source), source


@pytest.mark.parametrize("source", NOT_ASKING)
def test_the_scan_lets_capabilities_and_the_dialect_through(source):
    assert store_checks(source) == []
