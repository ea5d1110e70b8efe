"""Issued lists keep a digest of the file and settings they were issued from.

issued_lists.source_digest: SHA-256 (hex) of the page's candidates file and its settings, the
draw's seed left out, indexed, so the same file issued again with the same settings within a day
is known as a repeat whichever device or manager sends it. Nullable: lists recorded before this
revision, and lists issued through POST /v1/lists, have none. Frozen: later changes are new
revisions, never edits here.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# recreate="never": plain ALTER TABLE ADD/DROP COLUMN (SQLite 3.35+). Recreating issued_lists
# would drop the old table under foreign keys, and ON DELETE CASCADE would take its MSMEs.


def upgrade() -> None:
    with op.batch_alter_table("issued_lists", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("source_digest", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_issued_lists_source_digest"), ["source_digest"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_lists", schema=None, recreate="never") as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_lists_source_digest"))
        batch_op.drop_column("source_digest")
