"""Where the program store lives: `UMKM_DATABASE_URL`, SQLite in the working folder by default."""

from __future__ import annotations

from functools import cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Beside MLflow's mlflow.db: one folder holds the models and the program that uses them.
DEFAULT_DATABASE_URL = "sqlite:///umkm.db"


class StoreSettings(BaseSettings):
    """Settings of the program store, read from `UMKM_*` environment variables (or `.env`)."""

    model_config = SettingsConfigDict(
        env_prefix="UMKM_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # A PostgreSQL URL may carry a password (and the service's settings, keys).
        hide_input_in_errors=True,
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        min_length=1,
        description="SQLAlchemy URL of the program store: sqlite:///umkm.db (default) or "
        "postgresql+psycopg://user:password@host/database.",
    )
    database_wait_seconds: float = Field(
        default=60.0,
        ge=0,
        le=3600,
        allow_inf_nan=False,
        description="Seconds `umkm serve` waits for a PostgreSQL server that is not up yet "
        "before giving up (0: not at all); SQLite is never waited for.",
    )


@cache
def get_store_settings() -> StoreSettings:
    """The store's settings from the environment, read once per process (tests pass a URL)."""
    return StoreSettings()


def database_url(url: str | None = None) -> str:
    """`url` when given, else the configured one."""
    return url if url is not None else get_store_settings().database_url
