"""The API's interactive documentation at ``/docs``, served entirely by koppel (no CDN).

FastAPI's default ``/docs`` page loads Swagger UI's JavaScript and CSS from
cdn.jsdelivr.net, so on a machine without internet it is blank. This module follows
FastAPI's documented self-hosting recipe ("Custom Docs UI Static Assets"): the page is
``get_swagger_ui_html`` with ``swagger_js_url``/``swagger_css_url``/``swagger_favicon_url``
pointing at files koppel serves itself under ``/swagger-ui/``. Those files come from the
npm package swagger-ui-dist (web/package.json), copied into ``api/static/swagger-ui`` by
the explorer's build (web/vite.config.js; ``scripts/setup`` runs it).

ReDoc (``/redoc``) is switched off: its standalone bundle needs React and friends as npm
peer dependencies, and a page that needs the internet is worse than none.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.routing import Route

from . import problems

#: Where the build puts Swagger UI's files (api/static/swagger-ui), and the URL prefix they are served under.
ASSETS = Path(__file__).resolve().parent / "static" / "swagger-ui"
PREFIX = "/swagger-ui"
#: The files the page loads; all must exist for /docs to render.
FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")


def install(app: FastAPI, *, docs_url: str = "/docs", assets: Path = ASSETS) -> None:
    """Serve Swagger UI for ``app.openapi_url`` at ``docs_url`` from local files; remove FastAPI's CDN pages.

    Replaces the routes FastAPI adds by default at ``app.docs_url`` and ``app.redoc_url``
    (both load scripts from a CDN) and leaves them ``None``. FastAPI's OAuth2 redirect page
    (self-contained) is kept. The page loads ``{PREFIX}/swagger-ui-bundle.js``,
    ``{PREFIX}/swagger-ui.css`` and ``{PREFIX}/favicon-32x32.png`` from ``assets``.
    If those files have not been built, ``docs_url`` answers 503 problem+json naming the
    missing file and the fix (``scripts/setup``), never a blank page.
    """
    stale = {url for url in (app.docs_url, app.redoc_url) if url}
    app.router.routes[:] = [r for r in app.router.routes if not (isinstance(r, Route) and r.path in stale)]
    app.docs_url = None
    app.redoc_url = None
    app.mount(PREFIX, StaticFiles(directory=assets, check_dir=False), name="swagger-ui")
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(docs_url, include_in_schema=False, response_model=None)
    def swagger_ui() -> Response:
        missing = [name for name in FILES if not (assets / name).is_file()]
        if missing:
            return problems.problem(
                503, "API documentation not built",
                f"Swagger UI's {missing[0]} is missing from the package's static/swagger-ui folder: run scripts/setup (it builds web/)",
            )
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - API",
            swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/favicon-32x32.png",
            oauth2_redirect_url=oauth2_redirect_url,
            init_oauth=app.swagger_ui_init_oauth,
            swagger_ui_parameters=app.swagger_ui_parameters,
        )

    if oauth2_redirect_url and not any(isinstance(r, Route) and r.path == oauth2_redirect_url for r in app.router.routes):
        @app.get(oauth2_redirect_url, include_in_schema=False)
        def swagger_ui_redirect() -> HTMLResponse:
            return get_swagger_ui_oauth2_redirect_html()
