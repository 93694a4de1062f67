"""Request size limit and structured access log, as plain ASGI.

Plain ASGI rather than ``@app.middleware("http")``: Starlette's
``BaseHTTPMiddleware`` runs every request through an extra task and memory
stream, which under load costs more than the cached answers themselves.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from . import problems

access_log = logging.getLogger("koppel.access")


class LimitsAndAccessLog:
    """Refuse bodies over ``max_body_bytes`` (413), and log method, path, status and milliseconds."""

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
        try:
            if length.isdigit() and int(length) > self.max_body_bytes:
                response = problems.problem(413, "Request too large", f"request bodies are limited to {self.max_body_bytes} bytes")
                await response(scope, receive, note_status)
            else:
                await self.app(scope, receive, note_status)
        finally:
            # Structured, and without headers: tokens never reach the log.
            access_log.info(
                "request",
                extra={"method": scope["method"], "path": scope["path"], "status": status, "ms": round((time.perf_counter() - started) * 1000, 1)},
            )
