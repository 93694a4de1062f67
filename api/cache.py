"""Answer repeated ``GET /api/...`` requests from memory.

A linkage table or a neighbourhood costs tens of milliseconds of Python on the
store; a frontend asks for the same few countries again and again. So the JSON
of every successful ``GET`` under ``/api/`` is kept, up to a size in bytes
(least recently used out first), and sent again with an ``ETag`` (a request
whose ``If-None-Match`` names it gets ``304 Not Modified``). Concurrent misses
on one URL wait for the first to finish instead of computing it again.

Freshness: ``koppel serve`` holds an embedded store read-only under a shared
lock, so no load can change it while entries live; they expire only when the
store is closed (after an outage, or at shutdown). A Neo4j database can be
written by others at any time, so there entries expire after
``KOPPEL_CACHE_TTL`` seconds.

Built on ``cachetools`` for the bounded, expiring mapping; the ASGI part is
written here because the libraries on offer decode and re-encode JSON on every
hit and do not coalesce concurrent misses.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache, TTLCache

Scope = dict[str, Any]
Message = dict[str, Any]


@dataclass(frozen=True)
class CachedResponse:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


class ResponseMemory:
    """Thread-safe, size-bounded store of responses; ``ttl=None`` keeps them until :meth:`clear`."""

    def __init__(self, max_bytes: int, ttl: float | None) -> None:
        self.max_bytes = max_bytes
        self._entries: LRUCache = (
            TTLCache(maxsize=max_bytes, ttl=ttl, getsizeof=_size) if ttl else LRUCache(maxsize=max_bytes, getsizeof=_size)
        )
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def get(self, key: tuple[bytes, bytes]) -> CachedResponse | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: tuple[bytes, bytes], response: CachedResponse) -> None:
        with self._lock:
            try:
                self._entries[key] = response
            except ValueError:  # larger than the whole cache: serve it, do not keep it
                pass

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


def _size(entry: CachedResponse) -> int:
    return len(entry.body) + 256  # the headers and the bookkeeping, roughly


class ResponseCache:
    """ASGI middleware serving successful ``GET /api/...`` JSON answers from a :class:`ResponseMemory`."""

    def __init__(self, app: Any, memory: ResponseMemory) -> None:
        self.app = app
        self.memory = memory
        self._pending: dict[tuple[bytes, bytes], asyncio.Future[None]] = {}

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if not self._cacheable(scope):
            await self.app(scope, receive, send)
            return
        key = (scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b""))
        if key in self._pending:
            await asyncio.shield(self._pending[key])
        cached = self.memory.get(key)
        if cached is not None:
            await _replay(cached, scope, send, b"hit")
            return
        first = key not in self._pending
        if first:
            self._pending[key] = asyncio.get_running_loop().create_future()
        try:
            await self._compute(key, scope, receive, send)
        finally:
            if first:
                self._pending.pop(key).set_result(None)

    def _cacheable(self, scope: Scope) -> bool:
        return scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith("/api/") and self.memory.enabled

    async def _compute(self, key: tuple[bytes, bytes], scope: Scope, receive: Any, send: Any) -> None:
        """Run the app, holding its answer back until it is whole, and keep it when it is a 200."""
        start: Message = {}
        body = bytearray()

        async def hold(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await self.app(scope, receive, hold)
        no_store = any(k.lower() == b"cache-control" and b"no-store" in v.lower() for k, v in start.get("headers", []))
        if start.get("status") != 200 or no_store:
            await send(start)
            await send({"type": "http.response.body", "body": bytes(body)})
            return
        content = bytes(body)
        etag = b'"' + hashlib.blake2b(content, digest_size=12).hexdigest().encode() + b'"'
        cached = CachedResponse([(k, v) for k, v in start["headers"] if k.lower() != b"etag"], content, etag)
        self.memory.put(key, cached)
        await _replay(cached, scope, send, b"miss")


async def _replay(cached: CachedResponse, scope: Scope, send: Any, outcome: bytes) -> None:
    extra = [(b"etag", cached.etag), (b"x-cache", outcome)]
    if cached.etag in _if_none_match(scope):
        headers = [(k, v) for k, v in cached.headers if k.lower() not in (b"content-length", b"content-type")]
        await send({"type": "http.response.start", "status": 304, "headers": headers + extra})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": cached.headers + extra})
    await send({"type": "http.response.body", "body": cached.body})


def _if_none_match(scope: Scope) -> list[bytes]:
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return [tag.strip().removeprefix(b"W/") for tag in value.split(b",")]
    return []
