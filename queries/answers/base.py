"""The base classes of every answer.

No module of this package uses ``from __future__ import annotations``: pydantic would evaluate every field's
annotation string when the class is created (about 5 ms of start-up per command). Classes are defined before
they are used in a field, so no annotation needs quoting.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    """Base of every answer: JSON out via :meth:`as_json`; unknown fields are refused."""

    # Schemas are built on first use: a command builds the few models it answers with, not all of them.
    model_config = ConfigDict(extra="forbid", defer_build=True)

    def as_json(self) -> dict[str, Any]:
        """The answer as JSON-ready data, exactly as the HTTP API sends it."""
        return self.model_dump(mode="json", by_alias=True)


class Open(Answer):
    """An answer that may carry more fields than it declares (their producers are still growing)."""

    model_config = ConfigDict(extra="allow", defer_build=True)
