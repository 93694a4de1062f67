"""Settings, read from the environment (``KOPPEL_*``, ``NEO4J_*``) by pydantic-settings."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_dir
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    # Fields also by name (not only by their environment variable), so settings given in code,
    # or handed to another process as JSON, arrive whole.
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    store: str = Field("embedded", validation_alias=AliasChoices("KOPPEL_STORE"))
    sources: Path | None = Field(None, validation_alias=AliasChoices("KOPPEL_SOURCES"))
    neo4j_user: str = Field("neo4j", validation_alias=AliasChoices("NEO4J_USER", "NEO4J_USERNAME"))
    neo4j_password: str | None = Field(None, validation_alias=AliasChoices("NEO4J_PASSWORD"))
    neo4j_database: str | None = Field(None, validation_alias=AliasChoices("NEO4J_DATABASE"))

    @staticmethod
    def default_embedded_path() -> Path:
        return Path(user_data_dir("koppel")) / "graph"
