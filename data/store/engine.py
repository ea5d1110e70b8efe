"""An engine for the program store from a URL: SQLite with foreign keys and WAL, or PostgreSQL.

Commands that only read the store open it with `existing=True`: a SQLite URL naming a file that
does not exist is refused by name instead of being created empty (SQLite creates the file it is
asked to open).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from data.store.errors import StoreMissingError, StoreUrlError

SQLITE_BUSY_TIMEOUT_MS = 5_000  # a second writer waits this long for the lock instead of failing


def make_engine(url: str, *, existing: bool = False) -> Engine:
    """An engine for `url`; on SQLite every connection enforces foreign keys and uses WAL.

    With `existing`, a SQLite file that does not exist is a `StoreMissingError` (nothing is
    created).
    """
    parsed = store_url(url)
    missing = missing_sqlite_file(parsed) if existing else None
    if missing is not None:
        raise StoreMissingError(str(missing))
    try:
        engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() != "sqlite")
    except ModuleNotFoundError:
        raise StoreUrlError("store_driver_missing") from None
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        event.listen(engine, "connect", _sqlite_pragmas(in_memory))
    return engine


# The drivers the store runs on; `postgres://` and `postgresql://` (as hosting panels write
# them) name PostgreSQL through psycopg.
SQLITE, POSTGRESQL = "sqlite", "postgresql+psycopg"
_POSTGRESQL_ALIASES = ("postgres", "postgresql")


def store_url(url: str) -> URL:
    """`url` parsed, on a driver the store runs on, or one `StoreError` line that never echoes
    the URL (it may hold a password): not a URL, another database or driver, a port that is not
    a number, an `@` left unencoded in the password (the rest of it would be read as the host
    and printed in the driver's error)."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018  (a port that is not a number raises here)
    except (ArgumentError, ValueError):
        raise StoreUrlError("store_url_not_url") from None
    if parsed.drivername in _POSTGRESQL_ALIASES:
        parsed = parsed.set(drivername=POSTGRESQL)
    if parsed.drivername not in (SQLITE, POSTGRESQL):
        raise StoreUrlError("store_url_other_database", driver=parsed.drivername)
    if "@" in (parsed.host or ""):
        raise StoreUrlError("store_url_unencoded_at")
    return parsed


def missing_sqlite_file(url: URL) -> Path | None:
    """The file a SQLite URL names, when it does not exist (relative to the working folder);
    None for other databases, in-memory ones and `file:` URIs (SQLite's own `mode=` rules)."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    path = path if path.is_absolute() else Path.cwd() / path
    return None if path.exists() else path


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
