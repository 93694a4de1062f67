"""Dependencies of the HTTP API: settings, the engine (and its store), the ad-hoc query sandbox, the token check.

One :class:`~koppel.queries.engine.Koppel` per app, built from the app's
settings (never re-read from the environment), answers every route.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Request

from koppel.graph import errors
from koppel.graph.factory import StoreConfig
from koppel.graph.store import GraphStore
from koppel.queries.engine import Koppel
from koppel.queries.search import SearchIndex

from .sandbox import CypherSandbox
from .settings import ApiSettings


class StoreHolder:
    """The app's engine, and the sandbox for ad-hoc Cypher, over the configured store (read-only).

    The engine opens the store on first use and again after :meth:`close`
    (an outage closes it, so the next request reconnects).
    """

    def __init__(self, settings: ApiSettings, on_close: Callable[[], None] = lambda: None) -> None:
        self.settings = settings
        config = StoreConfig.from_settings(settings)
        self.sandbox = CypherSandbox(config)  # the engine runs read-only ad-hoc Cypher there, not in the server's process
        self.engine = Koppel(settings, read_only=True, cache_ttl=settings.cache_ttl, sandbox=self.sandbox)
        self.engine.on_close(on_close)  # cached answers go with the store they came from

    def get(self) -> GraphStore:
        return self.engine.store

    def search_index(self) -> SearchIndex:
        """The store's names, read once and kept as long as cached answers are (see :mod:`koppel.api.cache`)."""
        return self.engine.search_index()

    def close(self) -> None:
        self.engine.close()
        self.sandbox.close()


async def get_settings(request: Request) -> ApiSettings:
    return request.app.state.settings


async def get_holder(request: Request) -> StoreHolder:
    return request.app.state.holder


async def get_engine(request: Request) -> Koppel:
    return request.app.state.holder.engine


def get_store(holder: Annotated[StoreHolder, Depends(get_holder)]) -> GraphStore:
    return holder.get()


def require_token(
    request: Request,
    settings: Annotated[ApiSettings, Depends(get_settings)],
    authorization: Annotated[str | None, Header(description="Bearer token from KOPPEL_API_TOKENS.")] = None,
) -> None:
    """Let the request through with a bearer token of ``KOPPEL_API_TOKENS``: :class:`Unauthorized` without one, :class:`Disabled` when none is configured."""
    if not settings.tokens:
        raise Disabled("ad-hoc Cypher is" if request.url.path.endswith("/cypher") else "ingest and review are")
    scheme, _, token = (authorization or "").partition(" ")
    # Compared as bytes: the server decodes headers as Latin-1, so a token with other
    # characters arrives as its UTF-8 bytes (compare_digest refuses non-ASCII text).
    presented = token.strip().encode("latin-1", errors="replace")
    if scheme.lower() != "bearer" or not any(secrets.compare_digest(presented, t.encode("utf-8")) for t in settings.tokens):
        raise Unauthorized("a valid bearer token is required: send 'Authorization: Bearer <token>'")


class Disabled(errors.KoppelError):
    """The endpoint is switched off by configuration: ``Disabled("ingest and review are")`` names what is off (default: ad-hoc Cypher)."""

    def __str__(self) -> str:
        what = self.args[0] if self.args else "ad-hoc Cypher is"
        return f"{what} disabled on this server: no API token is configured (set KOPPEL_API_TOKENS)"


class Unauthorized(errors.KoppelError):
    """No valid bearer token."""


Settings = Annotated[ApiSettings, Depends(get_settings)]
Store = Annotated[GraphStore, Depends(get_store)]
Holder = Annotated[StoreHolder, Depends(get_holder)]
Engine = Annotated[Koppel, Depends(get_engine)]
Token = Annotated[None, Depends(require_token)]
