"""Store DDL generated from the schema: nothing here is declared twice.

>>> from koppel.graph.schema import SCHEMA
>>> ladybug_ddl(SCHEMA)[0].startswith("CREATE NODE TABLE IF NOT EXISTS Country(key STRING PRIMARY KEY")
True
>>> neo4j_ddl(SCHEMA)[0]
'CREATE CONSTRAINT country_key IF NOT EXISTS FOR (n:Country) REQUIRE n.key IS UNIQUE'
"""

from __future__ import annotations

import hashlib
import re

from .schema import Schema

LADYBUG_TYPES = {
    "string": "STRING",
    "string[]": "STRING[]",
    "int": "INT64",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def ladybug_ddl(schema: Schema) -> list[str]:
    """One node table per label (keyed on ``key``), one relationship table per type."""
    statements = []
    for label, spec in schema.nodes.items():
        columns = ["key STRING PRIMARY KEY"] + [
            f"{p.name} {LADYBUG_TYPES[p.type]}" for p in spec.properties.values() if p.name != "key"
        ]
        statements.append(f"CREATE NODE TABLE IF NOT EXISTS {label}({', '.join(columns)})")
    for rel_type, spec in schema.relationships.items():
        pairs = [f"FROM {a} TO {b}" for a, b in spec.endpoints]
        columns = [f"{p.name} {LADYBUG_TYPES[p.type]}" for p in spec.properties.values()]
        statements.append(f"CREATE REL TABLE IF NOT EXISTS {rel_type}({', '.join(pairs + columns)})")
    return statements


def neo4j_ddl(schema: Schema) -> list[str]:
    """A uniqueness constraint on ``key`` per label, and indexes on names for lookups."""
    statements = []
    for label in schema.nodes:
        statements.append(
            f"CREATE CONSTRAINT {_snake(label)}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.key IS UNIQUE"
        )
    for label in schema.nodes:
        statements.append(f"CREATE INDEX {_snake(label)}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)")
    return statements


def schema_fingerprint(schema: Schema) -> str:
    """A hash of the embedded DDL: a store built with another schema is detected, not misread."""
    return hashlib.sha256("\n".join(ladybug_ddl(schema)).encode()).hexdigest()[:16]
