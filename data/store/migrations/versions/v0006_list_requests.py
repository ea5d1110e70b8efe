"""Requests to issue a list, remembered by their Idempotency-Key.

list_requests: one row per (API key name, Idempotency-Key) of a POST /v1/lists (or the page's
upload) that sent the header: the SHA-256 of its body, when it was claimed, and once the list
is recorded its id, the answer given (gzip JSON) and its language, so a retry is answered the
same without issuing a second list. Rows older than a day are deleted as new ones come.
Frozen: later changes are new revisions, never edits here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 05:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "list_requests",
        sa.Column("key_name", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("list_id", sa.String(length=36), nullable=True),
        sa.Column("reply", sa.LargeBinary(), nullable=True),
        sa.Column("reply_language", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["issued_lists.id"],
            name=op.f("fk_list_requests_list_id_issued_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key_name", "idempotency_key", name=op.f("pk_list_requests")),
    )
    with op.batch_alter_table("list_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_list_requests_claimed_at"), ["claimed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("list_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_requests_claimed_at"))
    op.drop_table("list_requests")
