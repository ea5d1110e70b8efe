"""Recorded lists keep the candidates' own columns (business name, phone, address, notes).

issued_lists.input_columns: every column of the candidates in the order they came (the file's,
on the page), so a reopened list shows and exports them in that order. listed_msmes.extra: each
candidate's own columns beside its profile, by name. Both JSON and nullable: lists recorded
before this revision have neither and reopen as they did. Frozen: later changes are new
revisions, never edits here.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 17:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# recreate="never": plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+). Recreating listed_msmes
# would drop the old table under foreign keys, and ON DELETE CASCADE would take the outcomes.


def upgrade() -> None:
    with op.batch_alter_table("issued_lists", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("input_columns", sa.JSON(), nullable=True))
    with op.batch_alter_table("listed_msmes", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("extra", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("listed_msmes", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("extra")
    with op.batch_alter_table("issued_lists", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("input_columns")
