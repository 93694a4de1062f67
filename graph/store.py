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
import json
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import statements as st
from .errors import ConfigError, NotFound, ValidationError
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
    """What a load did: entities created, updated (a source's statement changed or was added) and unchanged (every statement already stored)."""

    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    per_label: dict[str, int] = field(default_factory=dict)
    nodes_unchanged: int = 0
    relationships_unchanged: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "nodes_created": self.nodes_created,
            "nodes_updated": self.nodes_updated,
            "nodes_unchanged": self.nodes_unchanged,
            "relationships_created": self.relationships_created,
            "relationships_updated": self.relationships_updated,
            "relationships_unchanged": self.relationships_unchanged,
        }

    @property
    def unchanged(self) -> bool:
        """True when the load changed nothing (a reload of the same source)."""
        return not (self.nodes_created or self.nodes_updated or self.relationships_created or self.relationships_updated)


@dataclass
class UnloadReport:
    """What removing one source did: entities it alone stated are removed, the others lose its statements."""

    document: str
    nodes_removed: int = 0
    nodes_updated: int = 0
    relationships_removed: int = 0
    relationships_updated: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "nodes_removed": self.nodes_removed,
            "nodes_updated": self.nodes_updated,
            "relationships_removed": self.relationships_removed,
            "relationships_updated": self.relationships_updated,
        }


@dataclass(frozen=True)
class Deletion:
    """One removal a write runs after its records, in the same transaction: ``UNWIND $rows ...`` over ``rows``.

    ``stage`` names it for progress (``relationships removed``, ``nodes removed``).
    """

    stage: str
    cypher: str
    rows: list[Any]


@dataclass
class _Plan:
    """The records a load must write after merging its statements with the stored ones."""

    nodes: list[NodeRecord]
    rels: list[RelRecord]
    nodes_unchanged: int
    rels_unchanged: int


class GraphStore(ABC):
    """A graph store koppel can load, query and export."""

    kind: str
    location: str
    read_only: bool
    schema: Schema = SCHEMA
    changes_while_served: bool = True
    """Whether other processes may write the store while it is open read-only (answers kept in memory then expire)."""
    probe_interval: float | None = None
    """Seconds a caller waiting on this store (a query running in another process) may let pass between two
    :meth:`answers` probes; ``None`` for a store with no server to stop answering (nothing to probe)."""
    server_settings: bool = False
    """Whether the store is a server whose settings bear on how contained ad-hoc Cypher is
    (:func:`koppel.graph.guard.unsafe_settings` reads them); without, there is nothing to open the store for."""

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
    def _write(
        self, nodes: Sequence[NodeRecord], rels: Sequence[RelRecord], *, atomic: bool, progress: Progress | None,
        deletions: Sequence[Deletion] = (),
    ) -> LoadReport:
        """Write new and changed records, then run ``deletions`` (each ``UNWIND $rows ...`` over its rows); all or nothing when ``atomic``."""

    @abstractmethod
    def clear(self, *, drop_schema: bool = False) -> None:
        """Delete every node and relationship; ``drop_schema`` also drops the tables, constraints and indexes."""

    @abstractmethod
    def close(self) -> None: ...

    # -- capabilities: where the stores differ, asked here and nowhere else -------------
    @classmethod
    def answers(cls, spec: str) -> bool:
        """Whether the store ``spec`` names (as :class:`~koppel.graph.factory.StoreConfig` holds it) answers a
        fresh connection now, within a few seconds, without opening the store; a store with no server always does.

        Probed every :attr:`probe_interval` seconds while a query runs elsewhere; never raises.
        """
        return True

    @classmethod
    def memory_held(cls, memory: int) -> int:
        """Bytes of a memory bound of ``memory`` bytes (``StoreConfig.open(memory=...)``) that the store, once open,
        already holds in its process for its own pages and caches (so they count in its size when ready);
        the rest is left for queries. ``0`` for no bound, and for a store whose memory is a server's.
        """
        return 0

    def content_version(self) -> str | None:
        """A name for everything this open store holds, fixed while it is open: two opens with the same name hold
        the same graph, so what was read from one may be reused for the other (hex text); ``None`` where the
        store cannot vouch for that (a writable open; a server others may write at any time).
        """
        return None

    def has_schema(self) -> bool:
        """Whether the store can answer queries about every label (false after ``clear(drop_schema=True)`` on a store that needs tables)."""
        return True

    def check_read_only(self, cypher: str, params: dict[str, Any] | None = None) -> None:
        """Refuse ad-hoc Cypher that is not provably read-only (:func:`koppel.graph.guard.check_read_only`).

        Stores whose planner classifies queries add that check. Raises
        :class:`~koppel.graph.errors.ReadOnlyViolation` or :class:`~koppel.graph.errors.QueryError`.
        """
        from .guard import check_read_only

        # This re-check sees the text koppel runs: the embedded store's is LadybugDB's dialect, translated
        # from a query Neo4j's own parser already checked (koppel.graph.dialect.adhoc_for), so not again here.
        check_read_only(cypher, params, neo4j_grammar=False)

    # -- shared behaviour -----------------------------------------------------------
    def upsert(
        self,
        nodes: Iterable[NodeRecord],
        rels: Iterable[RelRecord] = (),
        *,
        atomic: bool = True,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Add the statements of these records: nodes merge on key, relationships on (start, type, end).

        Each record is one source's statement (:func:`koppel.graph.statements.record_source`);
        it replaces that source's earlier statement about the entity and leaves every
        other source's statements alone (:mod:`koppel.graph.statements`). Records are
        checked first (:func:`~koppel.graph.statements.check_records`); a key already
        used under another label, or a relationship endpoint neither loaded nor stored,
        raises :class:`ValidationError` and nothing is written. Loading the same
        records twice reports them unchanged the second time.
        """
        self._require_writable()
        self.ensure_schema()
        nodes, rels = list(nodes), list(rels)
        st.check_records(nodes, rels)
        with st.gc_paused():  # the merge allocates a dict per record; collections would walk every record again
            plan = self._plan(nodes, rels)
        try:
            report = self._write(plan.nodes, plan.rels, atomic=atomic, progress=progress)
        except MissingEndpoints:
            raise self._endpoints_error(nodes, rels) from None
        report.nodes_unchanged = plan.nodes_unchanged
        report.relationships_unchanged = plan.rels_unchanged
        return report

    # -- statements -----------------------------------------------------------------------
    def _table_has_rows(self, label: str) -> bool:
        return bool(self.run(f"MATCH (n:{label}) RETURN count(n) AS n").value())

    def _stored_nodes(self, keys: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """The label and stored statements of each of these keys the store holds, whatever its label."""
        wanted = sorted(set(keys))
        found: dict[str, tuple[str, str | None]] = {}
        if not wanted or not self.has_schema():
            return found
        for label in self.schema.labels:  # one key look-up per label
            if self.kind == "embedded" and not self._table_has_rows(label):
                continue  # ladybug pays for converting the key list even into an empty table; Neo4j's index seek on none is free
            rows = self.run(f"UNWIND $keys AS k MATCH (n:{label} {{key: k}}) RETURN n.key AS key, n._statements AS statements", {"keys": wanted}).rows
            for key, statements in rows:
                found[key] = (label, statements)
        return found

    def labels_of(self, keys: Iterable[str]) -> dict[str, str]:
        """The label of each of these keys the store holds (keys are unique across labels)."""
        return {key: label for key, (label, _) in self._stored_nodes(keys).items()}

    def _stored_relationships(self, rel_type: str) -> dict[tuple[str, str], str | None]:
        """The stored statements of every relationship of one type, by (start key, end key): keys are unique across labels."""
        rows = self.run(f"MATCH (a)-[r:{rel_type}]->(b) RETURN a.key AS a, b.key AS b, r._statements AS statements").rows
        return {(a, b): statements for a, b, statements in rows}

    def _source_dates(self, sources: set[str], nodes: Sequence[NodeRecord]) -> dict[str, Any]:
        """The date of each source document (its known time): from a Document node in this load, else from the store."""
        # A Document's key is a slug (lower case); a source may be named by its document id as
        # written in its locators (BWBV0004766 for the treaty keyed bwbv0004766).
        by_key = {source.lower(): source for source in sources}
        dates: dict[str, Any] = {}
        for node in nodes:
            if node.label == "Document" and node.key in by_key and node.properties.get("date"):
                dates[by_key[node.key]] = node.properties["date"]
        missing = sorted({source.lower() for source in sources - dates.keys() - {st.UNATTRIBUTED}})
        if missing and self._table_has_rows("Document"):
            rows = self.run("UNWIND $keys AS k MATCH (d:Document {key: k}) RETURN d.key AS key, d.date AS date", {"keys": missing}).rows
            dates.update({by_key[key]: date for key, date in rows if date and key in by_key})
        return dates

    def _plan(self, nodes: Sequence[NodeRecord], rels: Sequence[RelRecord]) -> _Plan:
        """Merge each record's statement with what the store holds; keep only entities whose statements changed."""
        seen = st.now_seen()
        sources = {st.record_source(r) for r in [*nodes, *rels]}
        dates = self._source_dates(sources, nodes)
        stored = self._stored_nodes(n.key for n in nodes)
        clashes = sorted({(n.label, n.key, stored[n.key][0]) for n in nodes if n.key in stored and stored[n.key][0] != n.label})
        if clashes:
            shown = ", ".join(f"{label} {key!r} (stored as {other})" for label, key, other in clashes[:5])
            raise ValidationError(f"nothing was written: keys are unique across labels, and these are already used by another label: {shown}")

        def merge(current: dict[Any, dict[str, Any]], changed: dict[Any, Any], ident: Any, record: Any, stored_text: str | None) -> None:
            if ident not in current:
                current[ident] = st.decode(stored_text)
            statements = current[ident]
            source = st.record_source(record)
            entry = st.statement(record, dates.get(source), seen)
            previous = statements.get(source)
            if previous is not None and st.same_statement(previous, entry):
                return
            if previous is not None:
                entry["seen"] = previous["seen"]
            statements[source] = entry
            changed[ident] = record

        node_statements: dict[Any, dict[str, Any]] = {}
        changed_nodes: dict[Any, Any] = {}
        for node in nodes:
            merge(node_statements, changed_nodes, (node.label, node.key), node, stored.get(node.key, (None, None))[1])
        planned_nodes = [
            NodeRecord(label, key, st.shown(node_statements[(label, key)], self.schema.node(label).properties, record))
            for (label, key), record in changed_nodes.items()
        ]
        rel_statements: dict[Any, dict[str, Any]] = {}
        changed_rels: dict[Any, Any] = {}
        stored_by_type: dict[str, dict[tuple[str, str], str | None]] = {}
        for table, records in by_table(rels).items():
            if table[0] not in stored_by_type:
                stored_by_type[table[0]] = self._stored_relationships(table[0])
            stored_rels = stored_by_type[table[0]]
            for rel in records:
                merge(rel_statements, changed_rels, (table, rel.start, rel.end), rel, stored_rels.get((rel.start, rel.end)))
        planned_rels = [
            RelRecord(table[0], start, end, table[1], table[2], st.shown(rel_statements[(table, start, end)], self.schema.relationship(table[0]).properties, record))
            for (table, start, end), record in changed_rels.items()
        ]
        return _Plan(planned_nodes, planned_rels, len(node_statements) - len(changed_nodes), len(rel_statements) - len(changed_rels))

    def statements(self, key: str) -> dict[str, Any]:
        """Every statement about the node ``key`` and its relationships: sources, values, certainty, disagreements.

        Raises :class:`NotFound` for an unknown key.
        """
        stored = self._stored_nodes([key])
        if key not in stored:
            raise NotFound(f"no node with key {key!r}")
        label, text = stored[key]
        statements = st.decode(text)
        rels = []
        for rel_type, spec in self.schema.relationships.items():
            for start_label, end_label in spec.endpoints:
                if label not in (start_label, end_label):
                    continue
                rows = self.run(
                    f"MATCH (a:{start_label})-[r:{rel_type}]->(b:{end_label}) WHERE a.key = $key OR b.key = $key "
                    "RETURN a.key AS start_key, b.key AS end_key, r._statements AS statements ORDER BY start_key, end_key",
                    {"key": key},
                ).rows
                for a, b, rel_text in rows:
                    rel_st = st.decode(rel_text)
                    rels.append({"type": rel_type, "from": a, "to": b, "sources": st.sources_of(rel_st),
                                 "statements": st.statement_rows(rel_st), "disagreements": st.disagreements(rel_st)})
        return {
            "key": key,
            "label": label,
            "sources": st.sources_of(statements),
            "statements": st.statement_rows(statements),
            "disagreements": st.disagreements(statements),
            "relationships": rels,
        }

    def unload(self, document: str, *, progress: Progress | None = None) -> UnloadReport:
        """Remove every statement of the source ``document``: what no other source states goes, the rest shows the remaining statements.

        A removed node takes its relationships with it (a relationship cannot
        outlive an endpoint, whichever source stated it). The rewrites and the
        removals are one transaction: a failure or a kill midway leaves the
        store as it was. ``progress`` is called as a load's is, with the stages
        ``nodes``, ``relationships``, ``relationships removed`` and ``nodes removed``.
        Raises :class:`NotFound` when the store holds no statement of ``document``.
        """
        self._require_writable()
        self.ensure_schema()
        needle = json.dumps(document, ensure_ascii=False) + ":"
        report = UnloadReport(document)
        keep_nodes: list[NodeRecord] = []
        drop_nodes: dict[str, list[str]] = defaultdict(list)
        for label in self.schema.labels:
            rows = self.run(f"MATCH (n:{label}) WHERE n._statements CONTAINS $needle RETURN n.key AS key, n._statements AS statements", {"needle": needle}).rows
            for key, text in rows:
                statements = st.decode(text)
                if statements.pop(document, None) is None:
                    continue
                if statements:
                    keep_nodes.append(NodeRecord(label, key, st.shown(statements, self.schema.node(label).properties)))
                else:
                    drop_nodes[label].append(key)
        keep_rels: list[RelRecord] = []
        drop_rels: dict[RelTable, list[dict[str, str]]] = defaultdict(list)
        for rel_type, spec in self.schema.relationships.items():
            for start_label, end_label in spec.endpoints:
                rows = self.run(
                    f"MATCH (a:{start_label})-[r:{rel_type}]->(b:{end_label}) WHERE r._statements CONTAINS $needle "
                    "RETURN a.key AS a, b.key AS b, r._statements AS statements",
                    {"needle": needle},
                ).rows
                for a, b, text in rows:
                    statements = st.decode(text)
                    if statements.pop(document, None) is None:
                        continue
                    if statements:
                        keep_rels.append(RelRecord(rel_type, a, b, start_label, end_label, st.shown(statements, spec.properties)))
                    else:
                        drop_rels[(rel_type, start_label, end_label)].append({"a": a, "b": b})
        if not (keep_nodes or drop_nodes or keep_rels or drop_rels):
            raise NotFound(f"the store holds no statement of the source {document!r}")
        dropped = {key for keys in drop_nodes.values() for key in keys}
        keep_rels = [r for r in keep_rels if r.start not in dropped and r.end not in dropped]  # they go with their end
        deletions = [
            Deletion("relationships removed", f"UNWIND $rows AS p MATCH (a:{start_label} {{key: p.a}})-[r:{rel_type}]->(b:{end_label} {{key: p.b}}) DELETE r", pairs)
            for (rel_type, start_label, end_label), pairs in drop_rels.items()
        ] + [
            Deletion("nodes removed", f"UNWIND $rows AS k MATCH (n:{label} {{key: k}}) DETACH DELETE n", keys)
            for label, keys in drop_nodes.items()
        ]
        self._write(keep_nodes, keep_rels, atomic=True, progress=progress, deletions=deletions)
        report.nodes_updated, report.relationships_updated = len(keep_nodes), len(keep_rels)
        report.nodes_removed = sum(len(keys) for keys in drop_nodes.values())
        report.relationships_removed = sum(len(pairs) for pairs in drop_rels.values())
        return report

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
        if name.startswith("_"):
            continue  # hidden: the statements behind the shown values (koppel.graph.statements)
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
