"""The HTTP API and the explorer: ``create_app()`` wires settings, store, routers and middleware.

Every endpoint is a plain ``def``: FastAPI runs it in its thread pool, so no
store call blocks the event loop.
"""

from __future__ import annotations

import logging
import time
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from . import problems
from .deps import Holder, StoreHolder
from .routers import countries, documents, graph, queries, search
from .settings import ApiSettings

access_log = logging.getLogger("koppel.access")
STATIC = Path(str(resources.files("koppel.api").joinpath("static")))


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.holder.close()

    app = FastAPI(
        title="koppel",
        version="0.1.0",
        summary="Bilateral linkages and return cooperation: profiles, linkage options, graph, catalogue and evidence.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.holder = StoreHolder(settings)
    problems.install(app)
    if settings.origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.origins, allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"])

    @app.middleware("http")
    async def limits_and_access_log(request: Request, call_next: Any):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_body_bytes:
            return problems.problem(413, "Request too large", f"request bodies are limited to {settings.max_body_bytes} bytes")
        started = time.perf_counter()
        response = await call_next(request)
        # Structured, and without headers: tokens never reach the log.
        access_log.info(
            "request",
            extra={"method": request.method, "path": request.url.path, "status": response.status_code, "ms": round((time.perf_counter() - started) * 1000, 1)},
        )
        return response

    for module in (countries, graph, search, queries, documents):
        app.include_router(module.router, responses=problems.PROBLEM_RESPONSES)

    @app.get("/healthz", tags=["health"], summary="The process is up")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"], summary="The store is reachable", responses={503: {"description": "Store unreachable"}})
    def readyz(holder: Holder) -> JSONResponse:
        store = holder.get()
        store.run("RETURN 1 AS one")
        return JSONResponse({"status": "ready", "store": store.kind, "location": store.location})

    if (STATIC / "index.html").is_file():
        app.mount("/assets", StaticFiles(directory=STATIC / "assets", check_dir=False), name="assets")

        @app.get("/", include_in_schema=False)
        def explorer() -> FileResponse:
            return FileResponse(STATIC / "index.html")

    return app
