"""Errors as ``application/problem+json`` (RFC 9457): a clear title and detail, never a stack trace."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from koppel.graph import errors

from .deps import Disabled, Unauthorized

log = logging.getLogger("koppel.api")

# Most specific first: the first matching class decides status and title.
STATUS: list[tuple[type[Exception], int, str]] = [
    (Unauthorized, 401, "Authentication required"),
    (Disabled, 403, "Endpoint disabled"),
    (errors.ReadOnlyViolation, 403, "Query refused: read-only"),
    (errors.QueryTimeout, 504, "Query timed out"),
    (errors.NotFound, 404, "Not found"),
    (errors.StoreUnavailable, 503, "Store unavailable"),
    (errors.StoreDamaged, 503, "Store damaged"),
    (errors.ValidationError, 422, "Invalid input"),
    (errors.QueryError, 400, "Invalid query"),
    (errors.ConfigError, 503, "Server misconfigured"),
    (errors.KoppelError, 400, "Bad request"),
]


class Problem(BaseModel):
    """An error as RFC 9457 describes it."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str


# Declared on every route, so the OpenAPI says what an error looks like.
PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"description": description, "content": {"application/problem+json": {"schema": Problem.model_json_schema()}}}
    for status, description in [
        (400, "Invalid query"),
        (401, "Authentication required"),
        (403, "Refused or disabled"),
        (404, "Not found"),
        (413, "Request too large"),
        (422, "Invalid input"),
        (503, "Store unavailable; retry after the Retry-After seconds"),
        (504, "Query timed out"),
    ]
}


MAX_DETAIL = 500


# What an error body never shows a client: the machine's absolute paths (the store,
# the sources folder), store URIs, and host:port addresses. Each becomes a word.
_URI = re.compile(r"\b(?:bolt|neo4j|bolt\+s|bolt\+ssc|neo4j\+s|neo4j\+ssc|https?|embedded):(?://)?[^\s'\"(),;]+", re.IGNORECASE)
_ADDRESS = re.compile(r"\b(?:\d{1,3}(?:\.\d{1,3}){3}|localhost|\[[0-9a-f:]+\])(?::\d{1,5})?\b", re.IGNORECASE)
_PATH = re.compile(r"(?<![\w.#:/])(?:~|/)[^\s'\"(),;:]*/[^\s'\"(),;:]*")


def scrub(detail: str) -> str:
    """``detail`` without absolute paths, store URIs or network addresses (each replaced by a plain word).

    >>> scrub("cannot reach Neo4j at bolt://10.0.0.5:7687 (store /srv/koppel/store)")
    'cannot reach Neo4j at <store> (store <path>)'
    """
    detail = _URI.sub("<store>", detail)
    detail = _ADDRESS.sub("<address>", detail)
    return _PATH.sub("<path>", detail)


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """An ``application/problem+json`` answer; 503 carries ``Retry-After``, 401 ``WWW-Authenticate``; the detail is scrubbed (:func:`scrub`) and capped."""
    defaults = {503: {"Retry-After": "5"}, 401: {"WWW-Authenticate": 'Bearer realm="koppel"'}}
    headers = {**defaults.get(status, {}), **(headers or {})}
    detail = scrub(detail)
    if len(detail) > MAX_DETAIL:  # an engine message may quote a whole 10,000-character query
        detail = detail[: MAX_DETAIL - 1] + "…"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.KoppelError)
    async def koppel_error(request: Request, error: errors.KoppelError) -> JSONResponse:
        for kind, status, title in STATUS:
            if isinstance(error, kind):
                detail = str(error)
                if status == 503:
                    # Not closing the store: other requests are using it, and the driver
                    # reconnects by itself. Answers cached before the outage go, though.
                    request.app.state.responses.clear()
                    detail = detail.splitlines()[0] if detail else "the store cannot be reached"
                return problem(status, title, detail)
        return problem(400, "Bad request", str(error))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        return problem(422, "Invalid input", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        # Keep the framework's headers: a 405 must say which methods are allowed (RFC 9110).
        title = HTTPStatus(error.status_code).phrase if error.status_code in HTTPStatus._value2member_map_ else str(error.detail)
        detail = str(error.detail)
        if error.status_code == 400 and isinstance(error.__cause__, RecursionError):  # FastAPI's "error parsing the body"
            detail = "the JSON body is nested too deeply to read (nesting too deep): send at most a few hundred levels"
        return problem(error.status_code, title, detail, headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "the server failed on this request; the error is logged")
