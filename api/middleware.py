"""Request size limit and structured access log, as plain ASGI.

Plain ASGI rather than ``@app.middleware("http")``: Starlette's
``BaseHTTPMiddleware`` runs every request through an extra task and memory
stream, which under load costs more than the cached answers themselves.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.exceptions import HTTPException

from . import problems

access_log = logging.getLogger("koppel.access")


class BodyTooLarge(HTTPException):
    """A request body grew past the limit while it was read (any transfer encoding); answered 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request bodies are limited to {limit} bytes")


class LimitsAndAccessLog:
    """Refuse bodies over ``max_body_bytes`` (413), and log method, path, status and milliseconds.

    A declared ``Content-Length`` over the limit is refused before the app
    runs; a body without one (``Transfer-Encoding: chunked``) is counted as
    it is read and refused with 413 as soon as it passes the limit, so no
    more than the limit (plus one chunk) is ever held.
    """

    def __init__(self, app: Any, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def note_status(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        length = dict(scope["headers"]).get(b"content-length", b"")
        received = 0

        async def counted_receive() -> dict[str, Any]:
            # Chunked bodies carry no Content-Length: count what arrives and stop at the limit.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge(self.max_body_bytes)
            return message

        try:
            if length.isdigit() and int(length) > self.max_body_bytes:
                response = problems.problem(413, "Request too large", f"request bodies are limited to {self.max_body_bytes} bytes")
                await response(scope, receive, note_status)
            else:
                await self.app(scope, counted_receive, note_status)
        finally:
            # Structured, and without headers: tokens never reach the log.
            access_log.info(
                "request",
                extra={"method": scope["method"], "path": scope["path"], "status": status, "ms": round((time.perf_counter() - started) * 1000, 1)},
            )
