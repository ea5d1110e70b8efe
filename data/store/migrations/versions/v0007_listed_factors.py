"""Recorded lists keep the factors their selected MSMEs were shown with.

listed_msmes.factors: a selected MSME's top factors as the page showed them when the list was
made, language-free ([feature, value, contribution] each), so a reopened list words its reasons
in the reader's language without explaining the model again, and keeps them after the champion
changes. JSON and nullable: lists recorded before this revision, and lists issued through the
API (which shows no reasons), have none and reopen as they did. Frozen: later changes are new
revisions, never edits here.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 08:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# recreate="never": plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+). Recreating listed_msmes
# would drop the old table under foreign keys, and ON DELETE CASCADE would take the outcomes.


def upgrade() -> None:
    with op.batch_alter_table("listed_msmes", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("factors", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("listed_msmes", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("factors")
