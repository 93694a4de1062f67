"""One interface, two real graph stores.

:class:`GraphStore` is what every other part of koppel talks to. The embedded
store (:mod:`.embedded_store`, LadybugDB, the default) and the Neo4j store
(:mod:`.neo4j_store`) implement it; :func:`open_store` picks one from a store
spec such as ``embedded:/path/to/folder`` or ``neo4j://host:7687`` (it lives in :mod:`.factory`).

Query results are normalised so that both stores answer identically: nodes
become ``{"_label": ..., "key": ..., ...}``, relationships ``{"_type": ...,
...}``, paths ``{"nodes": [...], "relationships": [...]}`` whose relationships
also name their ends (``_start``, ``_end``), dates ISO strings, unset
properties absent.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, ValidationError
from .factory import store_scheme  # noqa: F401 - importable from here as before
from .models import NodeRecord, RelRecord
from .schema import SCHEMA, Schema

if TYPE_CHECKING:
    import networkx as nx

Progress = Callable[[str, int], None]
"""Called as ``progress(stage, rows_done)`` while a load runs."""


class MissingEndpoints(Exception):  # noqa: N818 - an internal signal between a store's _write and upsert
    """A store's write found fewer relationship endpoints than rows; :meth:`GraphStore.upsert` explains which."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def value(self) -> Any:
        """The single value of a one-row, one-column result."""
        return self.rows[0][0] if self.rows else None


@dataclass
class LoadReport:
    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    per_label: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes_created": self.nodes_created,
            "nodes_updated": self.nodes_updated,
            "relationships_created": self.relationships_created,
            "relationships_updated": self.relationships_updated,
        }


class GraphStore(ABC):
    """A graph store koppel can load, query and export."""

    kind: str
    location: str
    read_only: bool
    schema: Schema = SCHEMA
    changes_while_served: bool = True
    """Whether other processes may write the store while it is open read-only (answers kept in memory then expire)."""

    # -- what each store implements -------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None:
        """Create the tables, constraints and indexes the schema declares (idempotent)."""

    @abstractmethod
    def run(
        self,
        cypher: str,
        params: dict[str, Any] | None = None,
        *,
        read_only: bool = True,
        timeout: float | None = None,
    ) -> QueryResult:
        """Run Cypher and return normalised rows; ``read_only`` runs refuse every write."""

    @abstractmethod
    def _write(self, nodes: Sequence[NodeRecord], rels: Sequence[RelRecord], *, atomic: bool, progress: Progress | None) -> LoadReport:
        """Write new and changed records; all or nothing when ``atomic``."""

    @abstractmethod
    def clear(self, *, drop_schema: bool = False) -> None:
        """Delete every node and relationship; ``drop_schema`` also drops the tables, constraints and indexes."""

    @abstractmethod
    def close(self) -> None: ...

    # -- capabilities: where the stores differ, asked here and nowhere else -------------
    def has_schema(self) -> bool:
        """Whether the store can answer queries about every label (false after ``clear(drop_schema=True)`` on a store that needs tables)."""
        return True

    def check_read_only(self, cypher: str, params: dict[str, Any] | None = None) -> None:
        """Refuse ad-hoc Cypher that is not provably read-only (:func:`koppel.graph.guard.check_read_only`).

        Stores whose planner classifies queries add that check. Raises
        :class:`~koppel.graph.errors.ReadOnlyViolation` or :class:`~koppel.graph.errors.QueryError`.
        """
        from .guard import check_read_only

        check_read_only(cypher)

    # -- shared behaviour -----------------------------------------------------------
    def upsert(
        self,
        nodes: Iterable[NodeRecord],
        rels: Iterable[RelRecord] = (),
        *,
        atomic: bool = True,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Merge nodes on key and relationships on (start, type, end); loading twice changes nothing."""
        self._require_writable()
        self.ensure_schema()
        nodes, rels = list(nodes), list(rels)
        try:
            return self._write(nodes, rels, atomic=atomic, progress=progress)
        except MissingEndpoints:
            raise self._endpoints_error(nodes, rels) from None

    def _endpoints_error(self, nodes: Sequence[NodeRecord], rels: Sequence[RelRecord]) -> ValidationError:
        """Name the relationship endpoints that are neither in this load nor in the store.

        Looked up only after a write came up short, so a sound load pays nothing for it.
        """
        from .dialect import nodes_by_key

        loaded = {(n.label, n.key) for n in nodes}
        wanted: dict[str, set[str]] = {}
        for rel in rels:
            for label, key in ((rel.start_label, rel.start), (rel.end_label, rel.end)):
                if (label, key) not in loaded:
                    wanted.setdefault(label, set()).add(key)
        found: set[tuple[str, str]] = set()
        for cypher, params in nodes_by_key(self.kind, {label: sorted(keys) for label, keys in wanted.items()}):
            found.update((row[0]["_label"], row[0]["key"]) for row in self.run(cypher, params).rows)
        missing = sorted((label, key) for label, keys in wanted.items() for key in keys if (label, key) not in found)
        shown = ", ".join(f"{label} {key!r}" for label, key in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        return ValidationError(f"nothing was written: relationships refer to nodes that are neither in this load nor in the store: {shown or 'unknown'}")

    def _require_writable(self) -> None:
        if self.read_only:
            raise ConfigError(f"the store {self.location} is open read-only; this command writes")

    def counts(self) -> dict[str, dict[str, int]]:
        """Node count per label and relationship count per type (zero counts included; all zero on a store without schema)."""
        if not self.has_schema():
            return {"nodes": dict.fromkeys(self.schema.labels, 0), "relationships": dict.fromkeys(self.schema.rel_types, 0)}
        labels = {label: self.run(f"MATCH (n:{label}) RETURN count(n)").value() for label in self.schema.labels}
        types = {t: self.run(f"MATCH ()-[r:{t}]->() RETURN count(r)").value() for t in self.schema.rel_types}
        return {"nodes": labels, "relationships": types}

    def stats(self) -> dict[str, Any]:
        counts = self.counts()
        return {
            "store": self.kind,
            "location": self.location,
            "nodes": sum(counts["nodes"].values()),
            "relationships": sum(counts["relationships"].values()),
            "labels": counts["nodes"],
            "relationship_types": counts["relationships"],
        }

    def all_nodes(self) -> list[dict[str, Any]]:
        """Every node, label by label in schema order, by key (none on a store without schema)."""
        rows: list[dict[str, Any]] = []
        if not self.has_schema():
            return rows
        for label in self.schema.labels:
            rows += [r[0] for r in self.run(f"MATCH (n:{label}) RETURN n ORDER BY n.key").rows]
        return rows

    def all_relationships(self) -> list[dict[str, Any]]:
        """Every relationship with the keys of its ends (``source``, ``target``), type by type (none on a store without schema)."""
        rows: list[dict[str, Any]] = []
        if not self.has_schema():
            return rows
        for rel_type in self.schema.rel_types:
            result = self.run(
                f"MATCH (a)-[r:{rel_type}]->(b) RETURN a.key AS source, b.key AS target, r ORDER BY source, target"
            )
            for source, target, rel in result.rows:
                rows.append({"source": source, "target": target, **rel})
        return rows

    def to_networkx(self, labels: Sequence[str] | None = None, rel_types: Sequence[str] | None = None) -> nx.MultiDiGraph:
        """The graph (or the part with these labels and relationship types) as a networkx MultiDiGraph.

        Nodes are keyed by ``key`` and carry their properties and ``label``;
        edges carry their properties, ``type`` and ``key`` (the type).
        """
        import networkx as nx

        wanted_labels = set(labels or self.schema.labels)
        graph = nx.MultiDiGraph()
        for node in self.all_nodes():
            if node["_label"] in wanted_labels:
                props = {k: v for k, v in node.items() if k != "_label"}
                graph.add_node(node["key"], label=node["_label"], **props)
        for rel in self.all_relationships():
            if rel_types and rel["_type"] not in rel_types:
                continue
            if rel["source"] in graph and rel["target"] in graph:
                props = {k: v for k, v in rel.items() if k not in ("_type", "source", "target")}
                graph.add_edge(rel["source"], rel["target"], key=rel["_type"], type=rel["_type"], **props)
        return graph

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- value normalisation shared by the stores -------------------------------------------

def plain(value: Any) -> Any:
    """A JSON-ready form of a value a driver returned (dates as ISO strings)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def entity(kind_key: str, kind: str, properties: dict[str, Any]) -> dict[str, Any]:
    """A node (``_label``) or relationship (``_type``) as a dict without unset properties."""
    out: dict[str, Any] = {kind_key: kind}
    for name in sorted(properties):
        value = properties[name]
        if value is None or (isinstance(value, list) and not value):
            continue
        out[name] = plain(value)
    return out


RelTable = tuple[str, str, str]
"""(type, start label, end label): where one group of relationships is written."""


def by_label(nodes: Iterable[NodeRecord]) -> dict[str, list[NodeRecord]]:
    """Node records grouped by label, in the order first seen."""
    groups: dict[str, list[NodeRecord]] = defaultdict(list)
    for node in nodes:
        groups[node.label].append(node)
    return groups


def by_table(rels: Iterable[RelRecord]) -> dict[RelTable, list[RelRecord]]:
    """Relationship records grouped by type and endpoint labels, in the order first seen."""
    groups: dict[RelTable, list[RelRecord]] = defaultdict(list)
    for rel in rels:
        groups[(rel.type, rel.start_label, rel.end_label)].append(rel)
    return groups


def path_step(relationship: dict[str, Any], start: str | None, end: str | None) -> dict[str, Any]:
    """A relationship of a path with the keys of its start and end nodes (``_start``, ``_end``): a path alone does not say which way it points."""
    return {**relationship, "_start": start, "_end": end}


def record_params(record: NodeRecord | RelRecord) -> dict[str, Any]:
    """Properties of a record as query parameters, with unset and empty values dropped."""
    return {k: v for k, v in record.properties.items() if v is not None and v != []}


# -- choosing a store: moved to :mod:`.factory` ------------------------------------------------

def __getattr__(name: str) -> Any:
    """``open_store``, ``store_scheme`` and ``NEO4J_SCHEMES`` live in :mod:`.factory`; still importable from here."""
    if name in ("open_store", "NEO4J_SCHEMES", "StoreConfig", "store_class"):
        from . import factory

        return getattr(factory, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
