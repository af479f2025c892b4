"""Staff notices (お知らせ): collection cancelled or moved on some days, or something to know,
for all areas or some, and all categories or some.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 02:00:00 UTC

New tables only, made ``IF NOT EXISTS`` as the earlier revisions make theirs.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables that tie a notice to the rows it names, with the table each row is in.
LINKS = {"notice_areas": ("area_id", "areas"), "notice_categories": ("category_id", "categories")}


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("moved_to", sa.Date(), nullable=True),
        sa.Column("all_areas", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("text", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        if_not_exists=True,
    )
    for column in ("starts_on", "ends_on"):
        op.create_index(f"ix_notices_{column}", "notices", [column], if_not_exists=True)
    for name, (column, target) in LINKS.items():
        op.create_table(
            name,
            sa.Column("notice_id", sa.Integer(), nullable=False),
            sa.Column(column, sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("notice_id", column),
            if_not_exists=True,
        )


def downgrade() -> None:
    for name in reversed(LINKS):
        op.drop_table(name)
    op.drop_index("ix_notices_ends_on", table_name="notices")
    op.drop_index("ix_notices_starts_on", table_name="notices")
    op.drop_table("notices")
