"""LINE reminders the evening before a collection day: who asked for them, each reminder
sent (one row per subscriber and date, written before the push), and the time staff set.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 03:00:00 UTC

New tables only, made ``IF NOT EXISTS`` as 0003's is; the settings row starts at 19:00.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The time reminders go out until staff set another (``DEFAULT_REMINDER_TIME``), written
#: here because a migration must not change when the model's default does.
FIRST_SEND_TIME = time(19, 0)


def upgrade() -> None:
    op.create_table(
        "reminder_subscriptions",
        sa.Column("line_user_id", sa.String(length=64), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False, server_default="ja"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("line_user_id"),
        if_not_exists=True,
    )
    op.create_index(
        "ix_reminder_subscriptions_area_id",
        "reminder_subscriptions",
        ["area_id"],
        if_not_exists=True,
    )
    op.create_table(
        "reminder_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_user_id", sa.String(length=64), nullable=True),
        sa.Column("collection_date", sa.Date(), nullable=False),
        sa.Column("retry_key", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=False, server_default=sa.text("''")),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("line_user_id", "collection_date"),
        if_not_exists=True,
    )
    for column in ("collection_date", "status"):
        op.create_index(
            f"ix_reminder_deliveries_{column}",
            "reminder_deliveries",
            [column],
            if_not_exists=True,
        )
    settings = op.create_table(
        "reminder_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("send_time", sa.Time(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    if not op.get_bind().execute(sa.select(sa.func.count()).select_from(settings)).scalar():
        op.bulk_insert(settings, [{"id": 1, "send_time": FIRST_SEND_TIME}])


def downgrade() -> None:
    op.drop_table("reminder_settings")
    op.drop_index("ix_reminder_deliveries_status", table_name="reminder_deliveries")
    op.drop_index("ix_reminder_deliveries_collection_date", table_name="reminder_deliveries")
    op.drop_table("reminder_deliveries")
    op.drop_index("ix_reminder_subscriptions_area_id", table_name="reminder_subscriptions")
    op.drop_table("reminder_subscriptions")
