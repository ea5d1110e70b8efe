"""An engine for the program store from a URL: SQLite with foreign keys and WAL, or PostgreSQL.

Commands that only read the store open it with `existing=True`: a SQLite URL naming a file that
does not exist is refused by name instead of being created empty (SQLite creates the file it is
asked to open).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from data.errors import without_passwords
from data.store.errors import StoreMissingError, StoreUnavailableError, StoreUrlError

CONNECT_TIMEOUT_SECONDS = 10  # a PostgreSQL connection attempt gives up after this
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
    server = parsed.get_backend_name() != "sqlite"
    # libpq waits for an unreachable host as long as TCP does (minutes): a probe or a request
    # would hang that long. Seconds are enough for a server that is up.
    connect_args = {"connect_timeout": CONNECT_TIMEOUT_SECONDS} if server else {}
    try:
        engine = create_engine(parsed, pool_pre_ping=server, connect_args=connect_args)
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


def wait_for_store(url: str, seconds: float, on_wait: Callable[[int, str], None]) -> None:
    """Return once the store at `url` takes a connection. A database server that takes none yet
    (refused, unknown host, starting up; libpq reports a refused login alike) is tried again at
    growing intervals of up to 5 s for up to `seconds` (`on_wait(attempt, reason)` before each
    wait), then `StoreUnavailableError`. SQLite, and `seconds` 0, are not waited for: the first
    failure is the answer."""
    from tenacity import (
        RetryCallState,
        Retrying,
        retry_if_exception_type,
        stop_after_delay,
        wait_exponential,
    )

    parsed = store_url(url)
    if parsed.get_backend_name() == "sqlite" or seconds <= 0:
        return

    def waiting(state: RetryCallState) -> None:
        failed = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failed, SQLAlchemyError):
            reason = driver_reason(failed, url)
        else:
            reason = without_passwords(str(failed), [url])
        on_wait(state.attempt_number, reason)

    engine = make_engine(url)
    try:
        for attempt in Retrying(
            stop=stop_after_delay(seconds),
            wait=wait_exponential(multiplier=0.5, max=5),
            retry=retry_if_exception_type(OperationalError),
            before_sleep=waiting,
            reraise=True,
        ):
            with attempt, engine.connect():
                pass
    except OperationalError as error:
        raise StoreUnavailableError(seconds, driver_reason(error, url)) from None
    finally:
        engine.dispose()


def driver_reason(error: SQLAlchemyError, url: str | None) -> str:
    """The driver's first line, without the statement or parameters SQLAlchemy appends, and
    without the password of the store's `url` (`data.errors.without_passwords`)."""
    original = getattr(error, "orig", None)
    text = str(original if original is not None else error)
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return without_passwords(first, [url])


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
