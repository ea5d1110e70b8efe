"""Program store: lists, listed MSMEs, outcomes and their history.

Tables: issued_lists, listed_msmes (one row per candidate of a list), outcomes (one per listed
MSME, current version) and outcome_history (earlier versions). Frozen: later changes are new
revisions, never edits here.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-04 04:22:29.094713
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "issued_lists",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("model_name", sa.String(length=200), nullable=False),
        sa.Column("model_version", sa.String(length=200), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("constraints", sa.JSON(), nullable=False),
        sa.Column("source_file", sa.String(length=500), nullable=True),
        sa.Column("exploration_share", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "exploration_share >= 0 AND exploration_share <= 1",
            name=op.f("ck_issued_lists_exploration_share_range"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_lists")),
    )
    with op.batch_alter_table("issued_lists", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issued_lists_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "listed_msmes",
        sa.Column("list_id", sa.String(length=36), nullable=False),
        sa.Column("msme_id", sa.String(length=128), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("p_if_mentored", sa.Float(), nullable=True),
        sa.Column("p_if_not", sa.Float(), nullable=True),
        sa.Column("uplift", sa.Float(), nullable=True),
        sa.Column("segment", sa.String(length=200), nullable=True),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("selected_by", sa.String(length=16), nullable=True),
        sa.Column("selection_probability", sa.Float(), nullable=False),
        sa.Column("reason_code", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "selected_by IS NULL OR selected_by IN ('model', 'exploration')",
            name=op.f("ck_listed_msmes_selected_by_values"),
        ),
        sa.CheckConstraint(
            "(selected AND selected_by IS NOT NULL) OR (NOT selected AND selected_by IS NULL)",
            name=op.f("ck_listed_msmes_selected_has_selected_by"),
        ),
        sa.CheckConstraint(
            "selection_probability >= 0 AND selection_probability <= 1",
            name=op.f("ck_listed_msmes_selection_probability_range"),
        ),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["issued_lists.id"],
            name=op.f("fk_listed_msmes_list_id_issued_lists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("list_id", "msme_id", name=op.f("pk_listed_msmes")),
    )
    op.create_table(
        "outcome_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("list_id", sa.String(length=36), nullable=False),
        sa.Column("msme_id", sa.String(length=128), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mentored", sa.Boolean(), nullable=False),
        sa.Column("digitalized", sa.Boolean(), nullable=False),
        sa.Column("mentored_on", sa.Date(), nullable=True),
        sa.Column("observed_on", sa.Date(), nullable=True),
        sa.Column("verified_by", sa.String(length=200), nullable=True),
        sa.Column("program", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["list_id", "msme_id"],
            ["listed_msmes.list_id", "listed_msmes.msme_id"],
            name=op.f("fk_outcome_history_list_id_listed_msmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_history")),
    )
    with op.batch_alter_table("outcome_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_history_list_id"), ["list_id"], unique=False)

    op.create_table(
        "outcomes",
        sa.Column("list_id", sa.String(length=36), nullable=False),
        sa.Column("msme_id", sa.String(length=128), nullable=False),
        sa.Column("mentored", sa.Boolean(), nullable=False),
        sa.Column("digitalized", sa.Boolean(), nullable=False),
        sa.Column("mentored_on", sa.Date(), nullable=True),
        sa.Column("observed_on", sa.Date(), nullable=True),
        sa.Column("verified_by", sa.String(length=200), nullable=True),
        sa.Column("program", sa.String(length=200), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["list_id", "msme_id"],
            ["listed_msmes.list_id", "listed_msmes.msme_id"],
            name=op.f("fk_outcomes_list_id_listed_msmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("list_id", "msme_id", name=op.f("pk_outcomes")),
    )


def downgrade() -> None:
    op.drop_table("outcomes")
    with op.batch_alter_table("outcome_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_history_list_id"))

    op.drop_table("outcome_history")
    op.drop_table("listed_msmes")
    with op.batch_alter_table("issued_lists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_lists_created_at"))

    op.drop_table("issued_lists")
