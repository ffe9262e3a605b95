"""when the outbox sender was last alive (for the admin to say when nothing is sent); failed logins kept in the
database, so the login limit holds across processes and restarts; the day a person last used the bot, so that
someone gone for long is deleted; a finished broadcast's report, kept when its delivery rows are deleted

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "heartbeat",
        sa.Column("name", AutoString(length=16), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "loginfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", AutoString(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_loginfailure_key", "loginfailure", ["key"])
    op.create_index("ix_loginfailure_at", "loginfailure", ["at"])
    op.add_column("botuser", sa.Column("last_seen", sa.Date(), nullable=True))
    op.add_column("broadcast", sa.Column("report", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))


def downgrade() -> None:
    op.execute("ALTER TABLE broadcast DROP COLUMN report")
    op.execute("ALTER TABLE botuser DROP COLUMN last_seen")
    op.drop_table("loginfailure")
    op.drop_table("heartbeat")
