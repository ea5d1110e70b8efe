"""An engine for the program store from a URL: SQLite with foreign keys and WAL, or PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from data.store.errors import StoreError

SQLITE_BUSY_TIMEOUT_MS = 5_000  # a second writer waits this long for the lock instead of failing


def make_engine(url: str) -> Engine:
    """An engine for `url`; on SQLite every connection enforces foreign keys and uses WAL."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        # The URL itself may hold a password: never echo it.
        raise StoreError(
            "UMKM_DATABASE_URL is not a database URL", setting="database_url"
        ) from None
    engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        event.listen(engine, "connect", _sqlite_pragmas(in_memory))
    return engine


def _sqlite_pragmas(in_memory: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            if not in_memory:  # an in-memory database has no journal file to put in WAL mode
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    return on_connect
