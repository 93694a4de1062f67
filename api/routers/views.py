"""Saved explorer views and what the explorer may offer on this server.

A *view* is a named explorer state: the URL fragment the explorer writes
(``#/country/IRQ?as_of=2013-01-01&expand=...``), which already holds the
country or countries, the as-of date, the filters and the expanded nodes. The
server keeps views in one JSON file, ``views.json`` in koppel's user data
folder, or the file the settings name (``views_file``, from ``KOPPEL_VIEWS_FILE``); the graph store is opened
read-only while served, so views live beside it, not in it.

Writes are serialised with an advisory file lock (``fcntl.flock``) across the
worker processes of ``koppel serve`` and land with ``os.replace``, so a
reader sees the old file or the new one, never half of one.

``GET /api/capabilities`` tells the explorer whether ad-hoc Cypher is on
(``KOPPEL_API_TOKENS`` set), so the console can say so before anyone types.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, Field

from koppel.graph import errors

from ..deps import Settings

router = APIRouter(prefix="/api", tags=["explorer"])

MAX_VIEWS = 500
NO_STORE = {"Cache-Control": "no-store"}  # the response cache keeps no copy (views change)


class ViewIn(BaseModel):
    """A view to save: a name and the explorer's URL fragment."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120, description="A name people recognise.", examples=["Irak, stand 2013"])
    hash: str = Field(min_length=2, max_length=2000, pattern=r"^#/[^\s<>\"]*$", description="The explorer's URL fragment, starting with `#/`.", examples=["#/country/IRQ?as_of=2013-01-01"])


class View(ViewIn):
    """A saved view: its id, and when it was saved (UTC, ISO 8601)."""

    id: str = Field(pattern=r"^[a-z0-9]{12}$")
    created: str


class Views(BaseModel):
    views: list[View]


class Capabilities(BaseModel):
    cypher: bool = Field(description="Whether POST /api/cypher is on (KOPPEL_API_TOKENS set).")
    cypher_hint: str = Field(description="How to switch ad-hoc Cypher on, when it is off.")


@contextlib.contextmanager
def _locked(path: FilePath) -> Iterator[None]:
    """Hold the views file's lock; ``ConfigError`` (503: the server's setting, not the request, is wrong) when its folder cannot be made or written."""
    try:
        if path.is_dir():
            raise IsADirectoryError(f"{path} is a folder")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_suffix(path.suffix + ".lock"), "a+")
    except OSError as exc:
        raise errors.ConfigError(f"KOPPEL_VIEWS_FILE: the saved views file {path} cannot be created or written ({exc.strerror or exc})") from None
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _read(path: FilePath) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise errors.ConfigError(f"the saved views file {path} cannot be read: {exc}") from None
    views = data.get("views") if isinstance(data, dict) else None
    if not isinstance(views, list):
        raise errors.ConfigError(f"the saved views file {path} holds no 'views' list")
    return [v for v in views if isinstance(v, dict)]


def _write(path: FilePath, views: list[dict[str, Any]]) -> None:
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"views": views}, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise errors.ConfigError(f"KOPPEL_VIEWS_FILE: the saved views file {path} cannot be written ({exc.strerror or exc})") from None


ViewId = Annotated[str, Path(pattern=r"^[a-z0-9]{12}$", description="The id the server gave the view.")]


@router.get("/views", summary="Saved explorer views, newest first", response_model=Views)
def list_views(settings: Settings, response: Response) -> dict[str, Any]:
    response.headers.update(NO_STORE)
    return {"views": sorted(_read(settings.saved_views), key=lambda v: v.get("created", ""), reverse=True)}


@router.post("/views", summary="Save a view (name and URL fragment)", status_code=201, response_model=View)
def save_view(body: ViewIn, settings: Settings, response: Response) -> dict[str, Any]:
    path = settings.saved_views
    with _locked(path):
        views = _read(path)
        if len(views) >= MAX_VIEWS:
            raise errors.ValidationError(f"at most {MAX_VIEWS} views can be saved on this server; delete one first")
        view = {"id": secrets.token_hex(6), "name": body.name.strip(), "hash": body.hash, "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        views.append(view)
        _write(path, views)
    response.headers.update(NO_STORE)
    response.headers["Location"] = f"/api/views/{view['id']}"
    return view


@router.get("/views/{view_id}", summary="One saved view", response_model=View)
def get_view(view_id: ViewId, settings: Settings, response: Response) -> dict[str, Any]:
    response.headers.update(NO_STORE)
    for view in _read(settings.saved_views):
        if view.get("id") == view_id:
            return view
    raise errors.NotFound(f"no saved view {view_id!r}")


@router.delete("/views/{view_id}", summary="Delete a saved view", status_code=204)
def delete_view(view_id: ViewId, settings: Settings) -> Response:
    path = settings.saved_views
    with _locked(path):
        views = _read(path)
        kept = [v for v in views if v.get("id") != view_id]
        if len(kept) == len(views):
            raise errors.NotFound(f"no saved view {view_id!r}")
        _write(path, kept)
    return Response(status_code=204)


@router.get("/capabilities", summary="What the explorer may offer on this server", response_model=Capabilities)
def capabilities(settings: Settings, response: Response) -> dict[str, Any]:
    response.headers.update(NO_STORE)
    return {"cypher": bool(settings.tokens), "cypher_hint": "set KOPPEL_API_TOKENS to one or more tokens and restart koppel serve"}
