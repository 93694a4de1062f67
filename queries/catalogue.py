"""The query catalogue: named, parameterized Cypher that both stores run.

Each ``catalogue/NAME.cypher`` file opens with a header of ``//`` comment
lines, then the query::

    // name: country-dossiers
    // question: Which dossiers exist between a country and the Netherlands or the EU?
    // param iso3 (string, required): ISO 3166-1 alpha-3 code of the country, e.g. IRQ.
    // param domain (string, default "", values Dossier.domain): only this domain; "" for all.
    // column dossier (node): the dossier.
    // column wanted_by (string[]): keys of who wants it.
    MATCH ...

* ``param NAME (TYPE[, required][, default VALUE][, values ...]): description``.
  Types: ``string``, ``int``, ``float``, ``bool``, ``date``, ``string[]``.
  A parameter is required or has a default (never ``null``: LadybugDB cannot
  type a null parameter). ``values`` is either ``Label.property`` (the values
  the schema allows there) or ``a|b|c``; a string parameter whose default is
  ``""`` also accepts ``""``, which the queries read as "any".
* ``column NAME (TYPE): description``. Types: ``string``, ``int``, ``float``,
  ``bool``, ``date``, ``node``, ``relationship``, ``path``, ``map``, a list
  ``X[]`` (a set: sorted after the query, since ``collect()`` has no order),
  or ``sequence`` (an ordered list, left as it is: the keys along a path).
* ``sort: col1, col2`` (optional): run_named sorts the rows by these columns
  (nulls last). For ``UNION`` queries, whose order Cypher leaves open.
* A line indented further than ``//`` continues the entry above it.

Queries use ``{{macros}}`` from :mod:`koppel.graph.dialect` where the two
Cyphers differ; values only ever as ``$params``. :func:`run_named` checks and
coerces the parameters against the header, translates the query for the
store, runs it read-only and sorts set-valued columns, so the embedded store
and Neo4j return identical results.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from koppel.graph import dialect
from koppel.graph.errors import NotFound, QueryError, ValidationError
from koppel.graph.schema import SCHEMA
from koppel.graph.store import GraphStore, QueryResult
from koppel.graph.validity import Timeline

PARAM_TYPES = ("string", "int", "float", "bool", "date", "string[]")
SCALAR_COLUMN_TYPES = ("string", "int", "float", "bool", "date", "node", "relationship", "path", "map", "sequence")
ENTITY_COLUMN_TYPES = {"node": "nodes", "node[]": "nodes", "relationship": "relationships", "relationship[]": "relationships", "path": "paths"}

_ENTRY = re.compile(r"^(param|column)\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^)]*)\)\s*:\s*(.*)$")
_FIELD = re.compile(r"^(name|question|sort)\s*:\s*(.*)$")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Param:
    """One parameter of a named query, as its header declares it."""

    name: str
    type: str
    description: str
    required: bool = False
    default: Any = None
    values: tuple[str, ...] | None = None

    def as_dict(self) -> dict[str, Any]:
        default = self.default.isoformat() if isinstance(self.default, dt.date) else self.default
        out = {"name": self.name, "type": self.type, "description": self.description, "required": self.required}
        if not self.required:
            out["default"] = default
        if self.values:
            out["values"] = list(self.values)
        return out


@dataclass(frozen=True)
class Column:
    """One result column of a named query."""

    name: str
    type: str
    description: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type, "description": self.description}


@dataclass(frozen=True)
class NamedQuery:
    """A catalogue entry: what it answers, what it takes, what it returns, and the Cypher."""

    name: str
    question: str
    parameters: list[Param]
    columns: list[Column]
    cypher: str
    file: str = field(default="", compare=False)
    sort: tuple[str, ...] = ()

    def param(self, name: str) -> Param | None:
        return next((p for p in self.parameters if p.name == name), None)

    def cypher_for(self, kind: str) -> str:
        """The query text for a store kind ('neo4j' or 'embedded'), macros expanded."""
        return _translated(self.cypher, kind)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "question": self.question,
            "parameters": [p.as_dict() for p in self.parameters],
            "columns": [c.as_dict() for c in self.columns],
            "cypher": self.cypher,
        }


@cache
def _translated(cypher: str, kind: str) -> str:
    return dialect.translate(cypher, kind)


# -- parsing ---------------------------------------------------------------------------------

def _values(spec: str, where: str) -> tuple[str, ...]:
    spec = spec.strip()
    if "." in spec and "|" not in spec:
        label, _, prop = spec.partition(".")
        try:
            allowed = SCHEMA.node(label).properties[prop].values
        except KeyError:
            raise ValidationError(f"{where}: values {spec!r} names no schema property") from None
        if not allowed:
            raise ValidationError(f"{where}: the schema gives no list of values for {spec}")
        return allowed
    return tuple(v.strip() for v in spec.split("|") if v.strip())


def _param(name: str, options: str, description: str, where: str) -> Param:
    parts = [p for p in dialect.split_args(options) if p]
    if not parts or parts[0] not in PARAM_TYPES:
        raise ValidationError(f"{where}: parameter {name!r} needs a type first, one of {', '.join(PARAM_TYPES)}")
    kind, required, default, values, has_default = parts[0], False, None, None, False
    for part in parts[1:]:
        word, _, rest = part.partition(" ")
        if word == "required":
            required = True
        elif word == "default":
            try:
                default, has_default = (yaml.safe_load(rest) if rest.strip() else ""), True
            except yaml.YAMLError:
                raise ValidationError(f"{where}: parameter {name!r}: default {rest.strip()!r} is not a value") from None
        elif word == "values":
            values = _values(rest, where)
        else:
            raise ValidationError(f"{where}: parameter {name!r}: unknown option {part!r} (required, default X, values ...)")
    if required == has_default:
        raise ValidationError(f"{where}: parameter {name!r} is either required or has a default (not {'both' if required else 'neither'})")
    param = Param(name, kind, description.strip(), required, None, values)
    if has_default:
        allow_empty = kind == "string" and default == ""
        default = _coerce(param, default, allow_empty=allow_empty, where=where)
    return Param(name, kind, description.strip(), required, default, values)


def _column(name: str, options: str, description: str, where: str) -> Column:
    kind = options.strip()
    base = kind[:-2] if kind.endswith("[]") else kind
    if base not in SCALAR_COLUMN_TYPES:
        raise ValidationError(f"{where}: column {name!r} has unknown type {kind!r}")
    return Column(name, kind, description.strip())


def parse_query(text: str, file: str = "<text>") -> NamedQuery:
    """Parse one catalogue file: its ``//`` header and the Cypher after it."""
    lines = text.splitlines()
    header: list[str] = []
    body_start = len(lines)
    for index, line in enumerate(lines):
        if line.startswith("//"):
            header.append(line[2:])
        elif line.strip() == "" and not header:
            continue
        else:
            body_start = index
            break
    cypher = "\n".join(lines[body_start:]).strip()
    if not header:
        raise ValidationError(f"{file}: no header: a catalogue query opens with '// name: ...' comment lines")
    if not cypher:
        raise ValidationError(f"{file}: the header is not followed by a query")

    entries: list[list[str]] = []
    for raw in header:
        if not raw.strip():
            continue
        if raw.startswith("  ") and entries:
            entries[-1][-1] += " " + raw.strip()
            continue
        entries.append([raw.strip()])

    fields: dict[str, str] = {}
    params: list[Param] = []
    columns: list[Column] = []
    for (entry,) in entries:
        where = f"{file}: header line '{entry[:40]}'"
        match = _ENTRY.match(entry)
        if match:
            kind, name, options, description = match.groups()
            if kind == "param":
                if any(p.name == name for p in params):
                    raise ValidationError(f"{where}: parameter {name!r} is declared twice")
                params.append(_param(name, options, description, where))
            else:
                if any(c.name == name for c in columns):
                    raise ValidationError(f"{where}: column {name!r} is declared twice")
                columns.append(_column(name, options, description, where))
            continue
        match = _FIELD.match(entry)
        if match:
            fields[match.group(1)] = match.group(2).strip()
            continue
        raise ValidationError(f"{where}: not a header entry (name:, question:, param NAME (TYPE): ..., column NAME (TYPE): ...)")

    for required in ("name", "question"):
        if not fields.get(required):
            raise ValidationError(f"{file}: the header has no '{required}:'")
    if not _NAME.match(fields["name"]):
        raise ValidationError(f"{file}: query name {fields['name']!r} is not lower-case-with-dashes")
    if not columns:
        raise ValidationError(f"{file}: the header declares no 'column' entries")
    used = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", cypher))
    declared = {p.name for p in params}
    if used - declared:
        raise ValidationError(f"{file}: the query uses undeclared parameter(s) {', '.join(sorted(used - declared))}")
    if declared - used:
        raise ValidationError(f"{file}: declared parameter(s) {', '.join(sorted(declared - used))} are not used")
    problems = dialect.check(cypher)
    if problems:
        raise ValidationError(f"{file}: " + "; ".join(problems))
    sort = tuple(c.strip() for c in fields.get("sort", "").split(",") if c.strip())
    unknown = [c for c in sort if c not in {col.name for col in columns}]
    if unknown:
        raise ValidationError(f"{file}: 'sort:' names undeclared column(s) {', '.join(unknown)}")
    return NamedQuery(fields["name"], fields["question"], params, columns, cypher, file, sort)


@cache
def _load() -> dict[str, NamedQuery]:
    folder = resources.files("koppel.queries").joinpath("catalogue")
    queries: dict[str, NamedQuery] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".cypher"):
            continue
        query = parse_query(entry.read_text(encoding="utf-8"), f"queries/catalogue/{entry.name}")
        if query.name != entry.name.removesuffix(".cypher"):
            raise ValidationError(f"queries/catalogue/{entry.name}: the header names it {query.name!r}; name the file after the query")
        queries[query.name] = query
    return queries


def load_catalogue() -> list[NamedQuery]:
    """Every named query, sorted by name."""
    return list(_load().values())


def get_query(name: str) -> NamedQuery:
    """The named query ``name``; :class:`NotFound` lists the known names otherwise."""
    try:
        return _load()[name]
    except KeyError:
        raise NotFound(f"no query named {name!r} in the catalogue; known: {', '.join(_load())}") from None


# -- parameters ------------------------------------------------------------------------------

def _coerce(param: Param, value: Any, *, allow_empty: bool, where: str = "") -> Any:
    """``value`` as the header's type, or :class:`ValidationError` naming the parameter and why."""
    prefix = f"{where}: " if where else ""

    def bad(reason: str) -> ValidationError:
        return ValidationError(f"{prefix}parameter {param.name!r} ({param.type}): {reason}")

    kind = param.type
    if value is None:
        raise bad("no value (null); give one" + ("" if param.required else " or leave the parameter out"))
    if kind == "string":
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise bad(f"expected text, got {type(value).__name__}")
        value = str(value).strip()
    elif kind == "int":
        if isinstance(value, bool):
            raise bad("expected a whole number, got true/false")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str):
            try:
                value = int(value.strip())
            except ValueError:
                raise bad(f"{value!r} is not a whole number") from None
        if not isinstance(value, int):
            raise bad(f"expected a whole number, got {type(value).__name__}")
    elif kind == "float":
        if isinstance(value, bool):
            raise bad("expected a number, got true/false")
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise bad(f"{value!r} is not a number") from None
        if not isinstance(value, int | float):
            raise bad(f"expected a number, got {type(value).__name__}")
        value = float(value)
    elif kind == "bool":
        if isinstance(value, str) and value.strip().lower() in ("true", "false", "yes", "no", "1", "0"):
            value = value.strip().lower() in ("true", "yes", "1")
        if not isinstance(value, bool):
            raise bad(f"expected true or false, got {value!r}")
    elif kind == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                raise bad(f"{value!r} is not a date YYYY-MM-DD") from None
        if not isinstance(value, dt.date):
            raise bad(f"expected a date YYYY-MM-DD, got {type(value).__name__}")
    elif kind == "string[]":
        if isinstance(value, str):
            value = [v for v in (part.strip() for part in value.split(",")) if v]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise bad("expected a list of text values (JSON list or comma-separated)")
        value = [v.strip() for v in value]
    if param.values:
        items = value if isinstance(value, list) else [value]
        wrong = [v for v in items if v not in param.values and not (allow_empty and v == "")]
        if wrong:
            raise bad(f"{', '.join(map(repr, wrong))} is not one of {', '.join(param.values)}")
    return value


def coerce_params(query: NamedQuery, params: dict[str, Any] | None) -> dict[str, Any]:
    """Check ``params`` against the header: unknown names, missing required ones, types and values."""
    params = dict(params or {})
    unknown = sorted(set(params) - {p.name for p in query.parameters})
    if unknown:
        known = ", ".join(p.name for p in query.parameters) or "none"
        raise ValidationError(f"query {query.name!r}: unknown parameter(s) {', '.join(map(repr, unknown))}; it takes: {known}")
    out: dict[str, Any] = {}
    for param in query.parameters:
        if param.name not in params or (params[param.name] is None and not param.required):
            if param.required:
                raise ValidationError(f"query {query.name!r}: parameter {param.name!r} ({param.type}) is required: {param.description}")
            out[param.name] = param.default
            continue
        allow_empty = not param.required and param.default == ""
        out[param.name] = _coerce(param, params[param.name], allow_empty=allow_empty, where=f"query {query.name!r}")
    return out


# -- running ---------------------------------------------------------------------------------

def _sort_key(value: Any) -> tuple[str, Any]:
    """A total order over result values: numbers by value, text by text, the rest by canonical JSON."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("text", value)
    return ("json", json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))


def _canonical(value: Any, column: Column) -> Any:
    """Set-valued columns sorted, so both stores give the same list whatever collect() did."""
    if column.type.endswith("[]") and isinstance(value, list):
        return sorted(value, key=_sort_key)
    return value


def run_named(
    store: GraphStore, name: str, params: dict[str, Any] | None = None, *, timeout: float | None = None, timeline: Timeline | None = None
) -> QueryResult:
    """Run the catalogue query ``name`` read-only on ``store`` with checked, coerced parameters.

    Returns the store's :class:`~koppel.graph.store.QueryResult` with the
    header's column names, list-valued (set) columns sorted.

    ``timeline`` (:class:`koppel.graph.validity.Timeline`, the one rule of
    as-of and known-by of every view): a row whose node, relationship or path
    column holds something that does not hold then is left out, items of a
    ``node[]``/``relationship[]`` column that do not hold are dropped from it,
    and undated facts among them carry ``undated``/``first_reported``. A query
    that declares its own ``as_of`` parameter gets the timeline's ``as_of``
    when the caller gave none. Scalar columns are not judged (they carry no
    dates or sources); queries over dated facts return the nodes.
    """
    query = get_query(name)
    params = dict(params or {})
    if timeline is not None and timeline.as_of and "as_of" not in params and any(p.name == "as_of" for p in query.parameters):
        params["as_of"] = timeline.as_of.isoformat()
    values = coerce_params(query, params)
    result = store.run(query.cypher_for(store.kind), values, read_only=True, timeout=timeout)
    if result.columns != [c.name for c in query.columns]:
        raise QueryError(
            f"query {name!r} returned columns {result.columns}, its header declares {[c.name for c in query.columns]}"
        )
    rows = [[_canonical(v, c) for v, c in zip(row, query.columns, strict=True)] for row in result.rows]
    if query.sort:
        positions = [result.columns.index(c) for c in query.sort]
        rows.sort(key=lambda row: [(row[i] is None, _sort_key(row[i])) for i in positions])
    if timeline is not None:
        rows = [shown for row in rows if (shown := _at(timeline, query.columns, row)) is not None]
    return QueryResult(result.columns, rows)


_ENTITY_TYPES = ("node", "relationship")


def _at(timeline: Timeline, columns: list[Column], row: list[Any]) -> list[Any] | None:
    """One result row as ``timeline`` shows it (see :func:`run_named`), or None when it does not hold then."""
    out = []
    for value, column in zip(row, columns, strict=True):
        if column.type in _ENTITY_TYPES and isinstance(value, dict):
            if not timeline.holds(value):
                return None
            value = timeline.shown(value)
        elif column.type.removesuffix("[]") in _ENTITY_TYPES and column.type.endswith("[]") and isinstance(value, list):
            value = [timeline.shown(v) if isinstance(v, dict) else v for v in value if not isinstance(v, dict) or timeline.holds(v)]
        elif column.type == "path" and isinstance(value, dict):
            parts = {name: value.get(name) or [] for name in ("nodes", "relationships")}
            if not all(timeline.holds(item) for items in parts.values() for item in items):
                return None
            value = {**value, **{name: [timeline.shown(item) for item in items] for name, items in parts.items()}}
        out.append(value)
    return out


def entity_columns(query: NamedQuery | str) -> dict[str, list[str]]:
    """Which result columns hold nodes, relationships and paths (for a graph canvas).

    >>> entity_columns("neighbourhood")["nodes"]
    ['neighbour']
    """
    if isinstance(query, str):
        query = get_query(query)
    out: dict[str, list[str]] = {"nodes": [], "relationships": [], "paths": []}
    for column in query.columns:
        kind = ENTITY_COLUMN_TYPES.get(column.type)
        if kind:
            out[kind].append(column.name)
    return out
