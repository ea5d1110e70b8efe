"""Requests remembered by their Idempotency-Key.

request_claims: one row per (API key name, Idempotency-Key) of a POST /v1/lists, page list
upload or POST /v1/outcomes that sent the header: the SHA-256 of its body, when it was claimed,
and once answered, when, the answer (gzip JSON), its language and the list issued, so a retry
is answered the same without being carried out twice. Rows older than a day are deleted as new
ones come. Frozen: later changes are new revisions, never edits here.

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
        "request_claims",
        sa.Column("key_name", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("list_id", sa.String(length=36), nullable=True),
        sa.Column("reply", sa.LargeBinary(), nullable=True),
        sa.Column("reply_language", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["issued_lists.id"],
            name=op.f("fk_request_claims_list_id_issued_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key_name", "idempotency_key", name=op.f("pk_request_claims")),
    )
    with op.batch_alter_table("request_claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_claims_claimed_at"), ["claimed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("request_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_claims_claimed_at"))
    op.drop_table("request_claims")
