"""Settings read from CLAIMS_* environment variables, only by the factory or the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator
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
        description="Base URL clients reach the service at, used in every absolute URL the "
        "service writes (`next` and `Link` URLs, JSON-LD ids, feed hrefs) when it runs "
        "behind a proxy. Unset: taken from each request whose Host is trusted "
        "(`CLAIMS_TRUSTED_HOSTS`).",
    )
    trusted_hosts: Annotated[list[str], NoDecode] = Field(
        default=["localhost", "127.0.0.1", "[::1]", "testserver"],
        description="Hosts the service answers for when `CLAIMS_PUBLIC_URL` is unset: a "
        "request whose `Host` is none of them gets 400, since its links would lead there. "
        "A comma-separated or JSON list; `*.example.org` takes every subdomain, `*` any "
        "host (only behind a proxy that checks it). The default serves local use and the "
        "test client's `testserver`. Ignored when `CLAIMS_PUBLIC_URL` is set: links then "
        "never follow the request.",
    )
    body_timeout: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        description="Seconds a client has to send a whole request body, from its first "
        "byte asked for; one not all there by then is refused with 408 and the connection "
        "closed, so a stalled upload cannot hold it.",
    )
    write_timeout: float = Field(
        default=5.0,
        gt=0,
        le=600,
        description="Seconds a write waits for the store's write lock (SQLite allows one "
        "writer at a time) before it is refused with 503 and Retry-After.",
    )
    read_database_url: Annotated[list[str], NoDecode] = Field(
        default=[],
        description="PostgreSQL streaming replicas to send reads to: one URL, a "
        "comma-separated list or a JSON list. Writes, and reads that must see a write "
        "(see `Claims-Consistency`), go to `CLAIMS_DATABASE_URL`. Refused with a SQLite "
        "store.",
    )
    read_max_lag: float = Field(
        default=10.0,
        gt=0,
        description="Seconds a read replica may be behind the primary and still take "
        "reads; one further behind (or down) is skipped, and its reads go to the primary.",
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

    @field_validator("cors_origins", "read_database_url", "trusted_hosts", mode="before")
    @classmethod
    def _listed(cls, value: Any) -> Any:
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
                raise ValueError(f"{value!r} is not a JSON list") from None
        return [item.strip() for item in text.split(",") if item.strip()]

    @field_validator("read_database_url")
    @classmethod
    def _replicas_of_postgresql(cls, value: list[str], info: ValidationInfo) -> list[str]:
        """Read replicas are PostgreSQL's: a SQLite store has none to send reads to."""
        primary = str(info.data.get("database_url", ""))
        if value and not primary.startswith(("postgres://", "postgresql")):
            raise ValueError(
                "read replicas need a PostgreSQL store (CLAIMS_DATABASE_URL); "
                "SQLite has none: unset CLAIMS_READ_DATABASE_URL"
            )
        for url in value:
            if not url.startswith(("postgres://", "postgresql")):
                raise ValueError(f"{url.split('@')[-1]!r} is not a PostgreSQL URL")
        return value
