"""Choosing and opening a store: a store spec and credentials in, a :class:`~koppel.graph.store.GraphStore` out.

Kept apart from :mod:`koppel.graph.store` (the interface), which both stores
import: the factory imports the stores, the stores import the interface, and
nothing imports back. A :class:`StoreConfig` is plain, frozen and picklable,
so a worker process (the Cypher sandbox) opens exactly the store the parent
was configured with, credentials given in code included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    from .store import GraphStore

NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def store_scheme(spec: str) -> str:
    """The scheme of a store spec: ``embedded`` or a Neo4j URI scheme, lower case."""
    return spec.split(":", 1)[0].lower()


def store_class(spec: str) -> type[GraphStore]:
    """The store class a spec names, without opening anything (its class attributes are its capabilities).

    Raises :class:`ConfigError` for a scheme that is neither ``embedded`` nor a Neo4j URI scheme.
    """
    scheme = store_scheme(spec)
    if scheme == "embedded":
        from .embedded_store import EmbeddedStore

        return EmbeddedStore
    if scheme in NEO4J_SCHEMES:
        from .neo4j_store import Neo4jStore

        return Neo4jStore
    raise ConfigError(
        f"unknown store {spec!r}: use 'embedded:PATH' or a Neo4j URI with scheme "
        + ", ".join(f"{s}://" for s in NEO4J_SCHEMES)
    )


@dataclass(frozen=True)
class StoreConfig:
    """Everything needed to open one store: its spec and, for Neo4j, the credentials and database.

    ``spec`` is ``embedded:PATH`` (the path resolved) or a Neo4j URI. Picklable,
    so it crosses process boundaries; ``repr`` hides the password.
    """

    spec: str
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str | None = None
    query_threads: int = 0
    """Worker threads one query may use on the embedded store (``0``: one per core); Neo4j plans its own."""

    def __repr__(self) -> str:
        return f"StoreConfig(spec={self.spec!r}, neo4j_user={self.neo4j_user!r}, neo4j_database={self.neo4j_database!r})"

    @classmethod
    def from_settings(cls, settings: Any, spec: str | None = None) -> StoreConfig:
        """The store ``spec`` (default: ``settings.store``) with the credentials of ``settings`` (a :class:`~koppel.graph.settings.Settings`)."""
        spec = spec or settings.store
        if store_scheme(spec) == "embedded":
            path = spec.split(":", 1)[1] if ":" in spec else ""
            spec = f"embedded:{path or settings.default_embedded_path()}"
        return cls(spec, settings.neo4j_user, settings.neo4j_password, settings.neo4j_database, getattr(settings, "query_threads", None) or 0)

    @property
    def store_class(self) -> type[GraphStore]:
        """The class of the store this config opens (:func:`store_class`): ask its capabilities without opening it."""
        return store_class(self.spec)

    def open(self, *, read_only: bool = False, memory: int = 0) -> GraphStore:
        """Open the store (read-only refuses every write).

        ``memory`` (bytes, ``0``: none) bounds what a read-only store takes in this process: the
        embedded store sizes its buffer pool and address-space reservation to it (see
        :meth:`~koppel.graph.store.GraphStore.memory_held`); Neo4j ignores it, its memory is the
        server's. Raises ``ValueError`` for a bound on a writable open (a load may outgrow any bound).
        """
        if memory and not read_only:
            raise ValueError("a memory bound is for read-only opens: a load may outgrow it")
        cls = self.store_class
        if store_scheme(self.spec) == "embedded":
            return cls(self.spec.split(":", 1)[1], read_only=read_only, threads=self.query_threads, memory=memory)
        return cls(self.spec, user=self.neo4j_user, password=self.neo4j_password, database=self.neo4j_database, read_only=read_only)


def open_store(spec: str | None = None, *, read_only: bool = False, settings: Any | None = None) -> GraphStore:
    """Open the store a spec names: ``embedded[:PATH]`` or a Neo4j URI (``bolt://``, ``neo4j://``, ``neo4j+s://``).

    ``settings`` (default: read from the environment) gives the default spec and the Neo4j credentials.
    """
    if settings is None:
        from .settings import Settings

        settings = Settings()
    return StoreConfig.from_settings(settings, spec).open(read_only=read_only)
