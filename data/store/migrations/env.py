"""Alembic's entry point: run the migrations on the connection `data.store.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from data.store.schema import Base


def run_migrations(connection: Connection) -> None:
    """Migrate on `connection`; batch mode lets later revisions alter tables on SQLite."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run the store's migrations through data.store.migrate (umkm db upgrade)")
run_migrations(connection)
