"""Dependencies of the HTTP API: settings, the store, the ad-hoc query sandbox, the token check."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request

from koppel.graph import errors
from koppel.graph.store import GraphStore, open_store
from koppel.queries.search import SearchIndex

from .sandbox import CypherSandbox
from .settings import ApiSettings


class StoreHolder:
    """Opens the configured store (read-only) on first use and again after it became unreachable."""

    def __init__(self, settings: ApiSettings, on_close: Callable[[], None] = lambda: None) -> None:
        self.settings = settings
        self._on_close = on_close  # cached answers go with the store they came from
        self._store: GraphStore | None = None
        self._index: SearchIndex | None = None
        self._index_built = 0.0
        self._lock = threading.Lock()
        self.sandbox = CypherSandbox(settings.store, settings.model_dump(by_alias=False, include={"neo4j_user", "neo4j_password", "neo4j_database"}))

    def get(self) -> GraphStore:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.settings.store, read_only=True, settings=self.settings)
            return self._store

    def search_index(self) -> SearchIndex:
        """The store's names, read once and kept as long as cached answers are (see :mod:`koppel.api.cache`)."""
        store = self.get()
        with self._lock:
            lifetime = self.settings.cache_lifetime
            if self._index is None or (lifetime is not None and time.monotonic() - self._index_built > lifetime):
                self._index, self._index_built = SearchIndex.build(store), time.monotonic()
            return self._index

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
            self._index = None
            self._on_close()
        self.sandbox.close()


async def get_settings(request: Request) -> ApiSettings:
    return request.app.state.settings


async def get_holder(request: Request) -> StoreHolder:
    return request.app.state.holder


def get_store(holder: Annotated[StoreHolder, Depends(get_holder)]) -> GraphStore:
    return holder.get()


def require_token(
    settings: Annotated[ApiSettings, Depends(get_settings)],
    authorization: Annotated[str | None, Header(description="Bearer token from KOPPEL_API_TOKENS.")] = None,
) -> None:
    if not settings.tokens:
        raise Disabled()
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not any(secrets.compare_digest(token.strip(), t) for t in settings.tokens):
        raise Unauthorized("a valid bearer token is required: send 'Authorization: Bearer <token>'")


class Disabled(errors.KoppelError):
    """The endpoint is switched off by configuration."""

    def __str__(self) -> str:
        return "ad-hoc Cypher is disabled on this server: no API token is configured (set KOPPEL_API_TOKENS)"


class Unauthorized(errors.KoppelError):
    """No valid bearer token."""


Settings = Annotated[ApiSettings, Depends(get_settings)]
Store = Annotated[GraphStore, Depends(get_store)]
Holder = Annotated[StoreHolder, Depends(get_holder)]
Token = Annotated[None, Depends(require_token)]
