"""Recorded lists keep what a reopened list needs to read like the fresh one.

listed_msmes.source_row: each candidate's row in the uploaded spreadsheet (header = 1), for lists
made from a file. listed_msmes.reason_wording: the catalogue code that words a left-out MSME's
reason when it is a variant of its reason_code (over_budget_with_constraints). issued_lists.
reason_figures: the figures those reasons name (rank cutoff, budget left, minimum shares that
bound, exploration's drawn and pool), JSON. All nullable: lists recorded before this revision
reopen with rows shown as 0 and reasons in general words, as they did. Frozen: later changes are
new revisions, never edits here.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# recreate="never": plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+). Recreating listed_msmes
# would drop the old table under foreign keys, and ON DELETE CASCADE would take the outcomes.


def upgrade() -> None:
    with op.batch_alter_table("issued_lists", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("reason_figures", sa.JSON(), nullable=True))
    with op.batch_alter_table("listed_msmes", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reason_wording", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("listed_msmes", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("reason_wording")
        batch_op.drop_column("source_row")
    with op.batch_alter_table("issued_lists", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("reason_figures")
