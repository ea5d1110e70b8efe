"""The latest list issued from each file and its settings, claimed as the list is recorded.

list_sources: one row per source digest (SHA-256 of the page's file and its settings, as
issued_lists.source_digest), naming the latest list issued from it and when. The row is written
in the transaction that records the list, and its primary key makes two uploads of the same
file at the same moment meet in the database: one is recorded, the other refused as a repeat.
Filled from the lists already issued with a digest (the latest of each). Frozen: later changes
are new revisions, never edits here.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The latest list of each digest (ties on the time: the greater id), as `issued_from` read it.
_BACKFILL = """
INSERT INTO list_sources (source_digest, list_id, issued_at)
SELECT latest.source_digest, latest.id, latest.created_at
FROM issued_lists AS latest
WHERE latest.source_digest IS NOT NULL
  AND NOT EXISTS (
    SELECT 1 FROM issued_lists AS later
    WHERE later.source_digest = latest.source_digest
      AND (later.created_at > latest.created_at
           OR (later.created_at = latest.created_at AND later.id > latest.id))
  )
"""


def upgrade() -> None:
    op.create_table(
        "list_sources",
        sa.Column("source_digest", sa.String(length=64), nullable=False),
        sa.Column("list_id", sa.String(length=36), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["issued_lists.id"],
            name=op.f("fk_list_sources_list_id_issued_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_digest", name=op.f("pk_list_sources")),
    )
    op.execute(_BACKFILL)


def downgrade() -> None:
    op.drop_table("list_sources")
