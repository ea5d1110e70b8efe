"""Workers share the program store: admin reload requests and drift tallies.

Tables: model_reloads (one row per POST /v1/admin/reload; every worker acts on the rows newer
than the last it saw) and drift_tallies (what one loaded model in one worker has scored, in its
drift reference's bins; the service adds up the tallies of the version it serves). Frozen: later
changes are new revisions, never edits here.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 16:15:43.937407
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drift_tallies",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("model_name", sa.String(length=200), nullable=False),
        sa.Column("model_version", sa.String(length=200), nullable=True),
        sa.Column("reference_digest", sa.String(length=64), nullable=False),
        sa.Column("rows_seen", sa.BigInteger(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("rows_seen >= 0", name=op.f("ck_drift_tallies_rows_seen_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drift_tallies")),
    )
    with op.batch_alter_table("drift_tallies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_drift_tallies_reference_digest"), ["reference_digest"], unique=False
        )

    op.create_table(
        "model_reloads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("force", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_reloads")),
    )


def downgrade() -> None:
    op.drop_table("model_reloads")
    with op.batch_alter_table("drift_tallies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drift_tallies_reference_digest"))

    op.drop_table("drift_tallies")
