"""Languages: aliases in English, Chinese and Korean, translations of what residents
read, and the language of each message in the staff's figures.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 07:00:00 UTC

Existing aliases are Japanese and checked by staff (``language`` ``ja``, ``reviewed``
true); existing unanswered questions and chat events were Japanese. The translations
table is new. As in 0002, a column that exists already (a catalog made by ``create_all``)
is left as it is, and the table is made only where missing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _language() -> sa.Column:
    return sa.Column("language", sa.String(length=8), nullable=False, server_default="ja")


#: The columns this revision adds, by table.
COLUMNS = {
    "aliases": [
        _language(),
        sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.true()),
    ],
    "unanswered_questions": [_language()],
    "chat_events": [_language()],
}
#: The indexes on the new columns, by table.
INDEXES = {"aliases": "ix_aliases_language", "chat_events": "ix_chat_events_language"}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, columns in COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        for column in columns:
            if column.name not in present:
                op.add_column(table, column)
    for table, index in INDEXES.items():
        op.create_index(index, table, ["language"], if_not_exists=True)
    op.create_table(
        "translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "key", "field", "language"),
        if_not_exists=True,
    )
    for column in ("kind", "language"):
        op.create_index(f"ix_translations_{column}", "translations", [column], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_translations_language", table_name="translations")
    op.drop_index("ix_translations_kind", table_name="translations")
    op.drop_table("translations")
    for table, index in INDEXES.items():
        op.drop_index(index, table_name=table)
    for table, columns in reversed(COLUMNS.items()):
        with op.batch_alter_table(table) as batch:
            for column in reversed(columns):
                batch.drop_column(column.name)
