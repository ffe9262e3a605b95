"""translation provenance, municipality names in other scripts, related articles, the language offered

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRANSLATION_TABLES = ("articletranslation", "eventtranslation")


# Plain ADD and DROP COLUMN on both databases: SQLite has both (3.35 and newer), and a batch copy of the
# municipality or article table would trip over the foreign keys that point at them.
def upgrade() -> None:
    for table in TRANSLATION_TABLES:
        op.add_column(table, sa.Column("translated_by", sa.String(length=200), nullable=True))
        op.add_column(table, sa.Column("reviewed_by", sa.String(length=200), nullable=True))
    op.add_column("municipality", sa.Column("names", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    op.add_column("article", sa.Column("related", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column("botuser", sa.Column("offered_lang", sa.String(length=16), nullable=True))


def downgrade() -> None:
    for table, column in (
        ("botuser", "offered_lang"),
        ("article", "related"),
        ("municipality", "names"),
        *((table, column) for table in TRANSLATION_TABLES for column in ("reviewed_by", "translated_by")),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
