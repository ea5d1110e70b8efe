"""Recorded lists keep the constraints that shaped them and their notes.

issued_lists.explanation: the list's binding constraints (kind, name, used, limit, what plain
ranking would use, catalogue code and parameters) and its notes (code and parameters), JSON, so
a reopened list says why it looks as it does in any language, as the fresh one did. Nullable:
lists recorded before this revision reopen without them, as they did. Frozen: later changes are
new revisions, never edits here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 22:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("issued_lists", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("explanation", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("issued_lists", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("explanation")
