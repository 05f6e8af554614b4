"""All configuration in one place: environment variables prefixed ``WEFRAME_``, plus ``DATABASE_URL``.

Nothing else in weframe reads the environment. Every field is listed in the README's settings
table (a test checks this) and in ``.env.example``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.paths import ROOT


class Settings(BaseSettings):
    """Typed settings with safe defaults for running on one machine."""

    model_config = SettingsConfigDict(
        env_prefix="WEFRAME_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    data_dir: Path = Field(
        default=ROOT / "var",
        description="Folder for the embedded SQLite database (created on first run).",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "WEFRAME_DATABASE_URL"),
        description="SQLAlchemy URL; unset means a SQLite file in data_dir. "
        "Example: postgresql+psycopg://user:password@db:5432/weframe",
    )
    retention_days: int = Field(
        default=30, ge=1, le=3650, description="Rehearsals untouched this long are deleted."
    )
    purge_interval_seconds: int = Field(
        default=3600, ge=0, description="How often each process purges expired rehearsals (0: only at start)."
    )
    max_body_bytes: int = Field(
        default=65536, ge=1024, description="Request bodies larger than this are answered with 413."
    )
    sqlite_busy_timeout_ms: int = Field(
        default=5000, ge=0, description="How long a SQLite writer waits for the lock before giving up."
    )
    docs: bool = Field(default=True, description="Serve the OpenAPI schema at /openapi.json and /docs.")
    cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="Mark the rehearsal cookie Secure: auto means when the request came over HTTPS.",
    )
    quick_exit_url: str = Field(
        default="https://www.wikipedia.org/",
        description="Where the page's quick-exit button goes (replacing the page in the history).",
    )
    extra_resources: Path | None = Field(
        default=None,
        description="Optional TOML file of safety resources (local hotlines) added to the shipped ones.",
    )
    workers: int = Field(default=1, ge=1, le=64, description="uvicorn worker processes for `weframe serve`.")
    forwarded_allow_ips: str = Field(
        default="",
        description="Proxies whose X-Forwarded-For/-Proto headers are trusted (comma-separated IPs, or *). "
        "Empty: none; the client is the address that connected, and X-Forwarded-For is ignored.",
    )
    rate_limit_per_minute: int = Field(
        default=60,
        ge=0,
        description="API requests (/api/...) one client may make per minute; more answer 429. 0: no limit.",
    )
    rate_limit_burst: int = Field(
        default=30,
        ge=1,
        description="How many API requests one client may send at once before the rate applies.",
    )
    log_level: Literal["critical", "error", "warning", "info", "debug"] = Field(
        default="info", description="Log level of the server (never includes user text)."
    )

    def effective_database_url(self) -> str:
        """DATABASE_URL, or the embedded SQLite file under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'weframe.db').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment once."""
    return Settings()
