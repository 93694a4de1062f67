"""The HTTP API and the explorer: ``create_app()`` wires settings, store, routers and middleware.

Every endpoint that reaches the store is a plain ``def``: FastAPI runs it in
its thread pool, so no store call blocks the event loop. Repeated ``GET`` requests are
answered from memory by :mod:`koppel.api.cache` before they reach a thread.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from . import docs, problems
from .cache import ResponseCache, ResponseMemory
from koppel.queries.answers import Health, Readiness

from .deps import Holder, StoreHolder
from .middleware import LimitsAndAccessLog
from .routers import analyse, brief, countries, documents, graph, queries, review, schema, search, views
from .settings import ApiSettings
from koppel.graph.settings import Settings

STATIC = Path(str(resources.files("koppel.api").joinpath("static")))


def serve_app() -> FastAPI:
    """The app of a ``koppel serve`` worker process: the settings the command read, not a second reading of the environment."""
    return create_app(ApiSettings.from_serve())


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app over ``settings``: :class:`ApiSettings`, or koppel's base :class:`~koppel.graph.settings.Settings`
    (the API's own settings then take their defaults, or ``KOPPEL_*`` variables where set); ``None``: from the environment.

    A script that serves it must guard its start with ``if __name__ == "__main__":``: ad-hoc Cypher runs in a
    spawned worker process that imports the script again (see README, "Settings in code").
    """
    if settings is None:
        settings = ApiSettings()
    elif not isinstance(settings, ApiSettings):
        settings = ApiSettings(**{name: getattr(settings, name) for name in type(settings).model_fields})

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
    app.state.responses = ResponseMemory(settings.cache_bytes, settings.cache_lifetime)
    app.state.holder = StoreHolder(settings, on_close=app.state.responses.clear)
    problems.install(app)
    # The last added runs first: log and limit, then CORS headers on every answer, then the cache.
    app.add_middleware(ResponseCache, memory=app.state.responses)
    if settings.origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.origins, allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type", "If-None-Match"], expose_headers=["ETag"])
    app.add_middleware(LimitsAndAccessLog, max_body_bytes=settings.max_body_bytes)

    for module in (countries, graph, search, queries, documents, schema, analyse, brief, views, review):
        app.include_router(module.router, responses=problems.PROBLEM_RESPONSES)
    docs.install(app)  # /docs from koppel's own Swagger UI files, no CDN (api/docs.py)

    @app.get("/healthz", tags=["health"], summary="The process is up", response_model=Health)
    async def healthz() -> Health:
        return Health(status="ok")

    @app.head("/healthz", include_in_schema=False)
    async def healthz_head() -> Response:
        return Response(status_code=200)

    @app.get("/readyz", tags=["health"], summary="The store is reachable", response_model=Readiness, responses={503: {"description": "Store unreachable"}})
    def readyz(holder: Holder) -> Readiness:
        ready = holder.engine.ready()
        # Unauthenticated: the kind of store, never its path or address (issue 17).
        return Readiness(**{**ready, "location": problems.scrub(ready["location"])})

    if (STATIC / "index.html").is_file():
        app.mount("/assets", StaticFiles(directory=STATIC / "assets", check_dir=False), name="assets")

        @app.get("/", include_in_schema=False)
        def explorer() -> FileResponse:
            return FileResponse(STATIC / "index.html")

    return app
