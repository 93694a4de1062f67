"""Errors as ``application/problem+json`` (RFC 9457): a clear title and detail, never a stack trace."""

from __future__ import annotations

import logging

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


def problem(status: int, title: str, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    headers = {**({"Retry-After": "5"} if status == 503 else {}), **(headers or {})}
    if len(detail) > MAX_DETAIL:  # an engine message may quote a whole 10,000-character query
        detail = detail[: MAX_DETAIL - 1] + "…"
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.KoppelError)
    async def koppel_error(request: Request, error: errors.KoppelError) -> JSONResponse:
        for kind, status, title in STATUS:
            if isinstance(error, kind):
                if status == 503:
                    request.app.state.holder.close()  # reopen on the next request
                return problem(status, title, str(error))
        return problem(400, "Bad request", str(error))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        details = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors())
        return problem(422, "Invalid input", details)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        # Keep the framework's headers: a 405 must say which methods are allowed (RFC 9110).
        return problem(error.status_code, str(error.detail), str(error.detail), headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(500, "Internal error", "the server failed on this request; the error is logged")
