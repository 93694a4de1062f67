"""Settings: given in code, else read from the environment (``KOPPEL_*``, ``NEO4J_*``).

A plain pydantic model whose fields not given are taken from their
environment variables (the names in each field's ``validation_alias``, first
set one wins). It does what pydantic-settings did here, in a few lines,
because importing pydantic-settings cost every ``koppel`` command about a
fifth of a second (see BENCHMARKS.md, CLI start-up).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator
from pydantic.fields import FieldInfo


def _variables(name: str, field: FieldInfo) -> list[str]:
    """The environment variables of a field: its validation aliases."""
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    return [alias] if isinstance(alias, str) else []


class Settings(BaseModel):
    """Where the store is, how to reach it and where the sources are.

    ``Settings(store="bolt://...", neo4j_password="...")`` (field names) or
    ``Settings(KOPPEL_STORE=...)`` (variable names) set values in code; every
    field not given is read from its environment variable, else its default.
    Unknown names are ignored.
    """

    # Fields also by name (not only by their environment variable), so settings given in code,
    # or handed to another process as JSON, arrive whole.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    store: str = Field("embedded", validation_alias=AliasChoices("KOPPEL_STORE"))
    sources: Path | None = Field(None, validation_alias=AliasChoices("KOPPEL_SOURCES"))
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "NEO4J_USERNAME"))
    neo4j_password: str | None = Field(None, validation_alias=AliasChoices("NEO4J_PASSWORD"))
    neo4j_database: str | None = Field(None, validation_alias=AliasChoices("NEO4J_DATABASE"))
    query_threads: int | None = Field(None, ge=0, le=256, validation_alias=AliasChoices("KOPPEL_QUERY_THREADS"))
    """Worker threads one query may use on the embedded store: ``0`` one per core (the engine's default), ``None`` the face's choice
    (``koppel serve``: one per core; the CLI, which asks one question per process: one, which saves it about 0.03 s CPU per command)."""

    @model_validator(mode="before")
    @classmethod
    def _from_environment(cls, data: Any) -> Any:
        given = dict(data) if isinstance(data, Mapping) else {}
        for name, field in cls.model_fields.items():
            variables = _variables(name, field)
            if name in given or any(v in given for v in variables):
                continue
            for variable in variables:
                if variable in os.environ:
                    given[variable] = os.environ[variable]
                    break
        return given

    @staticmethod
    def default_embedded_path() -> Path:
        """The embedded store's folder when none is given: ``graph`` in the user data folder (platformdirs)."""
        from platformdirs import user_data_dir

        return Path(user_data_dir("koppel")) / "graph"
