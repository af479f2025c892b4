"""Knowledge entries and category order: examples and a link on ward texts; order and a
description on categories.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 03:20:00 UTC

A ward text with example questions is a knowledge entry (よくある質問) that general
questions are matched against. A category's order replaces the list of four names the
answers used to sort by, and its description is said when a resident asks about the
category itself. Existing rows get the defaults; the importer fills in the seeded values of
rows it did not create only where they are still the defaults.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "categories", sa.Column("sort_order", sa.Integer(), nullable=False, server_default="100")
    )
    op.add_column(
        "categories", sa.Column("description", sa.Text(), nullable=False, server_default="")
    )
    op.add_column("ward_texts", sa.Column("examples", sa.Text(), nullable=False, server_default=""))
    op.add_column("ward_texts", sa.Column("url", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ward_texts") as batch:
        batch.drop_column("url")
        batch.drop_column("examples")
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("description")
        batch.drop_column("sort_order")
