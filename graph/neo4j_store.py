"""The Neo4j store, through the official ``neo4j`` driver (with its Rust extension).

Works with ``bolt://`` (one server), ``neo4j://`` (routing: a cluster or Aura
unchanged) and their ``+s``/``+ssc`` TLS variants. Reads run in READ-mode
transactions, so a cluster routes them to readers and the server refuses any
write in them; loads are ``UNWIND $rows`` batches in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import neo4j
from neo4j import GraphDatabase
from neo4j import exceptions as neo4j_errors
from neo4j.graph import Node, Path, Relationship

from .ddl import neo4j_ddl
from .errors import ConfigError, QueryError, QueryTimeout, ReadOnlyViolation, StoreUnavailable
from .models import NodeRecord, RelRecord
from .store import GraphStore, LoadReport, Progress, QueryResult, entity, plain, record_params

BATCH_SIZE = 10_000


class Neo4jStore(GraphStore):
    kind = "neo4j"

    def __init__(self, uri: str, *, user: str, password: str | None, database: str | None = None, read_only: bool = False) -> None:
        self.uri = uri
        self.location = uri
        self.database = database or None
        self.read_only = read_only
        if password is None:
            raise ConfigError(f"no password for {uri}: set NEO4J_PASSWORD (and NEO4J_USER if not 'neo4j')")
        try:
            # Retries of a failed read or write stop after 5 s (the driver waits 30 s by default),
            # so an outage reaches the API as a prompt 503 rather than a hung request.
            self._driver = GraphDatabase.driver(
                uri,
                auth=(user, password),
                connection_timeout=10,
                max_transaction_retry_time=5,
                notifications_min_severity="OFF",  # no warning per label or property the graph lacks yet
            )
            self._driver.verify_connectivity()
        except neo4j_errors.AuthError:
            raise ConfigError(f"Neo4j at {uri} refused the credentials of user {user!r}: check NEO4J_USER and NEO4J_PASSWORD") from None
        except (neo4j_errors.ServiceUnavailable, OSError) as error:
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {error}") from None
        except (ValueError, neo4j_errors.ConfigurationError) as error:
            raise ConfigError(f"unusable Neo4j URI {uri!r}: {error}") from None
        except neo4j_errors.Neo4jError as error:
            raise StoreUnavailable(f"Neo4j at {uri} answered: {error.message}") from None
        self._schema_ready = False

    def close(self) -> None:
        if getattr(self, "_driver", None) is not None:
            self._driver.close()
            self._driver = None

    def _session(self, read_only: bool) -> neo4j.Session:
        mode = neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        self._require_writable()
        with self._session(read_only=False) as session:
            for statement in neo4j_ddl(self.schema):
                session.run(statement).consume()
        self._schema_ready = True

    def run(self, cypher: str, params: dict[str, Any] | None = None, *, read_only: bool = True, timeout: float | None = None) -> QueryResult:
        if not read_only:
            self._require_writable()

        def work(tx: neo4j.ManagedTransaction) -> QueryResult:
            result = tx.run(cypher, params or {})
            columns = list(result.keys())
            return QueryResult(columns, [[_normalise(v) for v in record.values()] for record in result])

        work = neo4j.unit_of_work(timeout=timeout)(work) if timeout else work
        try:
            with self._session(read_only) as session:
                return session.execute_read(work) if read_only else session.execute_write(work)
        except neo4j_errors.ClientError as error:
            raise _client_error(error, read_only) from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as error:
            raise StoreUnavailable(f"lost Neo4j at {self.uri}: {error}") from None
        except neo4j_errors.Neo4jError as error:
            raise QueryError(error.message or str(error)) from None

    def explain_type(self, cypher: str, params: dict[str, Any] | None = None) -> str:
        """The query type the server's planner reports: 'r', 'w', 'rw' or 's' (schema)."""
        try:
            with self._session(read_only=True) as session:
                summary = session.run("EXPLAIN " + cypher, params or {}).consume()
        except neo4j_errors.ClientError as error:
            raise _client_error(error, True) from None
        return summary.query_type or ""

    def _write(self, nodes: Sequence[NodeRecord], rels: Sequence[RelRecord], *, atomic: bool, progress: Progress | None) -> LoadReport:
        report = LoadReport()
        by_label: dict[str, list[NodeRecord]] = defaultdict(list)
        for node in nodes:
            by_label[node.label].append(node)
        by_type: dict[tuple[str, str, str], list[RelRecord]] = defaultdict(list)
        for rel in rels:
            by_type[(rel.type, rel.start_label, rel.end_label)].append(rel)

        statements: list[tuple[str, list[dict[str, Any]], str]] = []
        for label, records in by_label.items():
            rows = [{"key": r.key, "props": {"key": r.key, **record_params(r)}} for r in records]
            statements.append(
                (f"UNWIND $rows AS row OPTIONAL MATCH (old:{label} {{key: row.key}}) "
                 f"WITH row, old IS NULL AS is_new MERGE (n:{label} {{key: row.key}}) SET n = row.props "
                 "RETURN count(CASE WHEN is_new THEN 1 END) AS created", rows, "nodes")
            )
        for (rel_type, start_label, end_label), records in by_type.items():
            rows = [{"start": r.start, "end": r.end, "props": record_params(r)} for r in records]
            statements.append(
                (f"UNWIND $rows AS row MATCH (a:{start_label} {{key: row.start}}) MATCH (b:{end_label} {{key: row.end}}) "
                 f"OPTIONAL MATCH (a)-[old:{rel_type}]->(b) WITH a, b, row, old IS NULL AS is_new "
                 f"MERGE (a)-[r:{rel_type}]->(b) SET r = row.props "
                 "RETURN count(CASE WHEN is_new THEN 1 END) AS created", rows, "relationships")
            )

        def apply(tx: neo4j.ManagedTransaction | neo4j.Transaction, statement: str, batch: list[dict[str, Any]], stage: str) -> None:
            created = tx.run(statement, rows=batch).single()["created"]
            if stage == "nodes":
                report.nodes_created += created
                report.nodes_updated += len(batch) - created
            else:
                report.relationships_created += created
                report.relationships_updated += len(batch) - created

        try:
            with self._session(read_only=False) as session:
                if atomic:
                    with session.begin_transaction() as tx:
                        done: dict[str, int] = defaultdict(int)
                        for statement, rows, stage in statements:
                            for start in range(0, len(rows), BATCH_SIZE):
                                batch = rows[start : start + BATCH_SIZE]
                                apply(tx, statement, batch, stage)
                                done[stage] += len(batch)
                                if progress:
                                    progress(stage, done[stage])
                        tx.commit()
                else:
                    for statement, rows, stage in statements:
                        for start in range(0, len(rows), BATCH_SIZE):
                            batch = rows[start : start + BATCH_SIZE]
                            session.execute_write(lambda tx, s=statement, b=batch, st=stage: apply(tx, s, b, st))
        except neo4j_errors.ClientError as error:
            raise _client_error(error, False) from None
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as error:
            raise StoreUnavailable(f"lost Neo4j at {self.uri} during the load (nothing was committed): {error}") from None
        return report

    def clear(self, *, drop_schema: bool = False) -> None:
        self._require_writable()
        with self._session(read_only=False) as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
            if drop_schema:
                for record in session.run("SHOW CONSTRAINTS YIELD name").data():
                    session.run(f"DROP CONSTRAINT `{record['name']}` IF EXISTS").consume()
                for record in session.run("SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP'").data():
                    session.run(f"DROP INDEX `{record['name']}` IF EXISTS").consume()
                self._schema_ready = False


def _client_error(error: neo4j_errors.Neo4jError, read_only: bool) -> Exception:
    code = error.code or ""
    message = error.message or str(error)
    if read_only and ("AccessMode" in code or "ForbiddenDueToTransactionType" in code or "WriteOnReadOnlyAccessDbException" in code):
        return ReadOnlyViolation(f"refused: this query writes, and it ran read-only ({message})")
    if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
        return QueryTimeout(f"query cancelled: it ran past its time limit ({message})")
    return QueryError(message)


def _normalise(value: Any) -> Any:
    if isinstance(value, Node):
        labels = sorted(value.labels)
        return entity("_label", labels[0] if labels else "", dict(value))
    if isinstance(value, Relationship):
        return entity("_type", value.type, dict(value))
    if isinstance(value, Path):
        return {"nodes": [_normalise(n) for n in value.nodes], "relationships": [_normalise(r) for r in value.relationships]}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return plain(value)
