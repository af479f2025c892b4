"""Staff logins kept in the database, so that logging out, disabling an account or changing
its password ends its logins on every app worker.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 03:30:00 UTC

A new table only; existing logins (signed cookies without a row) end with the upgrade, and
staff log in again. Made ``IF NOT EXISTS``, as 0001's tables are, for a catalog that
``create_all`` already gave the table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["staff_users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash"),
        if_not_exists=True,
    )
    for column in ("user_id", "expires_at"):
        op.create_index(
            f"ix_staff_sessions_{column}", "staff_sessions", [column], if_not_exists=True
        )


def downgrade() -> None:
    op.drop_index("ix_staff_sessions_expires_at", table_name="staff_sessions")
    op.drop_index("ix_staff_sessions_user_id", table_name="staff_sessions")
    op.drop_table("staff_sessions")
