"""Knowledge entries and category order: examples and a link on ward texts; order and a
description on categories.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06 03:20:00 UTC

A ward text with example questions is a knowledge entry (よくある質問) that general
questions are matched against. A category's order replaces the list of four names the
answers used to sort by, and its description is said when a resident asks about the
category itself. Existing rows get the defaults; the importer fills in the seeded values of
rows it did not create only where they are still the defaults. A column that exists already
(a catalog made by ``create_all``) is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


#: The columns this revision adds, by table.
COLUMNS = {
    "categories": [
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="100"),
        sa.Column("description", sa.Text(), nullable=False, server_default=sa.text("''")),
    ],
    "ward_texts": [
        sa.Column("examples", sa.Text(), nullable=False, server_default=sa.text("''")),
        sa.Column("url", sa.String(length=500), nullable=True),
    ],
}


def upgrade() -> None:
    """Each column only where it is missing, as 0001 makes its tables: a catalog that
    ``create_all`` made from the current models already has them."""
    inspector = sa.inspect(op.get_bind())
    for table, columns in COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        for column in columns:
            if column.name not in present:
                op.add_column(table, column)


def downgrade() -> None:
    with op.batch_alter_table("ward_texts") as batch:
        batch.drop_column("url")
        batch.drop_column("examples")
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("description")
        batch.drop_column("sort_order")
