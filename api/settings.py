"""Settings of the HTTP API: given in code, else from ``KOPPEL_*`` environment variables (see :class:`koppel.graph.settings.Settings`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator

from koppel.graph.settings import Settings
from koppel.graph.factory import store_class


SETTINGS_VARIABLE = "KOPPEL_SERVE_SETTINGS_FILE"
"""The environment variable through which ``koppel serve`` tells its worker processes where its settings are:
the path of a JSON file only the user can read (0600, in a private temporary folder removed when serve ends).
The environment never carries the settings themselves (the Neo4j password, the API tokens)."""

SECRET_VARIABLES = ("NEO4J_PASSWORD", "KOPPEL_API_TOKENS")
"""Environment variables holding secrets: ``koppel serve`` takes them out of its workers' environment once read."""


class ApiSettings(Settings):
    api_tokens: str = Field("", validation_alias=AliasChoices("KOPPEL_API_TOKENS"), description="Comma-separated bearer tokens; none disables /api/cypher.")
    cors_origins: str = Field("", validation_alias=AliasChoices("KOPPEL_CORS_ORIGINS"), description="Comma-separated origins allowed to call the API from a browser.")
    query_timeout: float = Field(5.0, gt=0, le=600, validation_alias=AliasChoices("KOPPEL_QUERY_TIMEOUT"))
    row_limit: int = Field(10_000, gt=0, le=1_000_000, validation_alias=AliasChoices("KOPPEL_ROW_LIMIT"))
    max_body_bytes: int = Field(64 * 1024, gt=0, validation_alias=AliasChoices("KOPPEL_MAX_BODY_BYTES"))
    cache_mb: float = Field(64, ge=0, le=65536, validation_alias=AliasChoices("KOPPEL_CACHE_MB"), description="Memory for answers to repeated GET requests; 0 switches the cache off.")
    cache_ttl: float = Field(60, gt=0, le=86400, validation_alias=AliasChoices("KOPPEL_CACHE_TTL"), description="Seconds a cached answer lives on Neo4j (an embedded store cannot change while served).")
    ingest_dir: Path | None = Field(None, validation_alias=AliasChoices("KOPPEL_INGEST_DIR"), description="The ingest workspace POST /api/ingest and /api/review use (default: ingest in koppel's user data folder).")
    views_file: Path | None = Field(None, validation_alias=AliasChoices("KOPPEL_VIEWS_FILE"), description="The JSON file of saved explorer views (default: views.json in koppel's user data folder).")

    @field_validator("views_file", "ingest_dir", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return None if value == "" else value  # an empty variable keeps the default, as before

    @field_validator("store", mode="before")
    @classmethod
    def _empty_store_is_default(cls, value: object) -> object:
        """``KOPPEL_STORE=`` (empty) means the default store, as ``--store ''`` does on the command line."""
        return cls.model_fields["store"].default if isinstance(value, str) and not value.strip() else value

    @property
    def cache_bytes(self) -> int:
        return int(self.cache_mb * 1024 * 1024)

    @property
    def cache_lifetime(self) -> float | None:
        """How long cached answers (and the search index) live: for ever on a store that cannot change while served."""
        return self.cache_ttl if store_class(self.store).changes_while_served else None

    @property
    def saved_views(self) -> Path:
        """The file saved explorer views live in: :attr:`views_file`, else ``views.json`` in koppel's user data folder (platformdirs)."""
        if self.views_file is not None:
            return self.views_file
        from platformdirs import user_data_dir

        return Path(user_data_dir("koppel")) / "views.json"

    @property
    def tokens(self) -> frozenset[str]:
        return frozenset(t.strip() for t in self.api_tokens.split(",") if t.strip())

    @property
    def origins(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]

    @classmethod
    def from_serve(cls) -> ApiSettings:
        """The settings ``koppel serve`` read once and wrote to the file :data:`SETTINGS_VARIABLE` names; else from the environment.

        Raises ``ConfigError`` when the variable names a file that cannot be read (serve removed it, or it is not the user's).
        """
        import os

        from koppel.graph.errors import ConfigError

        handed = os.environ.get(SETTINGS_VARIABLE)
        if not handed:
            return cls()
        try:
            text = Path(handed).read_text(encoding="utf-8")
        except OSError as error:
            raise ConfigError(f"{SETTINGS_VARIABLE} {handed}: cannot read koppel serve's settings ({error.strerror or error})") from None
        return cls.model_validate_json(text)
