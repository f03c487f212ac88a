"""Settings read from CLAIMS_* environment variables, only by the factory or the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMS_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///data/claims.db",
        description="SQLAlchemy URL of the store. SQLite paths are relative to the working "
        "directory; postgresql:// URLs use psycopg.",
    )
    fixtures_dir: Path = Field(
        default=PROJECT_ROOT / "fixtures",
        description="Folder of the fixture files loaded by `claims load` and `claims serve`.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="Origins browsers may call the API from: a JSON list "
        '(`["https://newsroom.example"]`), a comma-separated list, or `*`; unset or empty '
        "turns CORS off.",
    )
    max_body_bytes: int = Field(
        default=1_048_576,
        ge=1024,
        description="Largest request body accepted; larger ones get 413.",
    )
    public_url: str | None = Field(
        default=None,
        description="Base URL clients reach the service at, used in `next` links when the "
        "service runs behind a proxy. Unset: taken from each request.",
    )
    write_timeout: float = Field(
        default=5.0,
        gt=0,
        le=600,
        description="Seconds a write waits for the store's write lock (SQLite allows one "
        "writer at a time) before it is refused with 503 and Retry-After.",
    )
    feed_poll_interval: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="Seconds between the store polls of a waiting `/changes` long-poll or "
        "event stream (each server process polls the store itself: no notifications).",
    )
    feed_heartbeat: float = Field(
        default=15.0,
        gt=0,
        le=300,
        description="Seconds of quiet after which a `/changes` event stream sends a "
        "`: heartbeat` comment.",
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        """What the environment holds is text: empty is none, `[...]` is JSON, and
        anything else a comma-separated list."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return []
        if text.startswith("["):
            try:
                return json.loads(text)
            except ValueError:
                raise ValueError(f"{value!r} is not a JSON list of origins") from None
        return [origin.strip() for origin in text.split(",") if origin.strip()]
