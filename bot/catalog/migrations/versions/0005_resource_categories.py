"""Resource categories: which categories 「資源」 names, kept with the category.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 02:00:00 UTC

「資源の日はいつ？」 asks about every category marked ``resource``. Until this revision the
answers held the two names in code; an existing catalog gets those two marked, so it answers
as before, and staff change the mark in /admin or the staff API from then on. As in 0002,
a column that exists already (a catalog made by ``create_all``) is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The categories the answers took for resources before this revision (fixed history, as
#: a migration's data is: the live list is the column).
RESOURCES_BEFORE = ("資源プラスチック", "びん・缶・ペットボトル")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    if "resource" in {c["name"] for c in inspector.get_columns("categories")}:
        return
    op.add_column(
        "categories",
        sa.Column("resource", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    categories = sa.table(
        "categories", sa.column("name", sa.String), sa.column("resource", sa.Boolean)
    )
    op.execute(
        categories.update()
        .where(categories.c.name.in_(RESOURCES_BEFORE))
        .values(resource=sa.true())
    )


def downgrade() -> None:
    with op.batch_alter_table("categories") as batch:
        batch.drop_column("resource")
