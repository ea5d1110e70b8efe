"""Alembic migrations of the program store, configured in code: no alembic.ini, any folder.

`umkm serve` and `umkm db upgrade` call `upgrade`; the migrations ship inside this package.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from data.store.engine import driver_reason, make_engine
from data.store.errors import MigrationError
from data.store.settings import database_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "head"
BASE = "base"


def alembic_config() -> Config:
    """Alembic's configuration for the store's migrations (the database is passed per call)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the store ships at least one revision"
    return head


def upgrade(url: str | None = None, revision: str = HEAD) -> str | None:
    """Migrate the store at `url` (default: `UMKM_DATABASE_URL`) up to `revision`; return the
    revision it is at afterwards."""
    _run("upgrade", url, revision)
    return current(url)


def downgrade(url: str | None, revision: str) -> str | None:
    """Migrate the store at `url` down to `revision` ("base": no tables); return where it is."""
    _run("downgrade", url, revision)
    return current(url)


def current(url: str | None = None) -> str | None:
    """The revision the store at `url` is at; None for an empty (never migrated) database."""
    url = database_url(url)
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as error:
        reason = driver_reason(error, url)
        raise MigrationError(f"cannot read the store's revision: {reason}") from None
    finally:
        engine.dispose()


def _run(direction: str, url: str | None, revision: str) -> None:
    url = database_url(url)
    engine = make_engine(url)
    config = alembic_config()
    try:
        with engine.begin() as connection:
            # env.py runs the migrations on this connection, so SQLite's pragmas apply.
            config.attributes["connection"] = connection
            if direction == "upgrade":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
    except CommandError as error:
        raise MigrationError(f"cannot {direction} to {revision}: {error}") from None
    except SQLAlchemyError as error:
        raise MigrationError(f"cannot {direction} the store: {driver_reason(error, url)}") from None
    finally:
        engine.dispose()
