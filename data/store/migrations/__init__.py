"""Alembic migrations of the program store (run through `data.store.migrate`)."""
