"""official open data: open job ads, Arbetsförmedlingen's outlook and the municipalities' key figures, each row
with its source URL, the data's date and the fetch date; how each source last went; an editor's local note on a
demand row

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AutoString = sqlmodel.sql.sqltypes.AutoString


def _dated() -> list[sa.Column]:
    return [
        sa.Column("source_url", AutoString(), nullable=False),
        sa.Column("data_date", sa.Date(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.add_column("occupationdemand", sa.Column("note", sa.Text(), nullable=True))
    op.create_table(
        "datasource",
        sa.Column("name", AutoString(length=16), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("via", AutoString(length=16), nullable=True),
        sa.Column("source_url", AutoString(), nullable=True),
        sa.Column("data_date", sa.Date(), nullable=True),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("rows_changed", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "jobadcount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("ads", sa.Integer(), nullable=False),
        sa.Column("newest", sa.JSON(), nullable=False),
        *_dated(),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["occupation_id"], ["occupation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("occupation_id", "municipality_id"),
    )
    op.create_index("ix_jobadcount_occupation_id", "jobadcount", ["occupation_id"])
    op.create_index("ix_jobadcount_municipality_id", "jobadcount", ["municipality_id"])
    op.create_table(
        "labouroutlook",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occupation_id", sa.Integer(), nullable=False),
        sa.Column("county", AutoString(length=2), nullable=True),
        sa.Column("barometer_occupation", AutoString(), nullable=False),
        sa.Column("ssyk", AutoString(), nullable=False),
        sa.Column("prospects", AutoString(), nullable=False),
        sa.Column("recruitment", AutoString(), nullable=True),
        sa.Column("forecast", AutoString(), nullable=True),
        sa.Column("round", AutoString(), nullable=False),
        *_dated(),
        sa.ForeignKeyConstraint(["occupation_id"], ["occupation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_labouroutlook_occupation_id", "labouroutlook", ["occupation_id"])
    op.create_table(
        "keyfigure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("kpi", AutoString(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        *_dated(),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("municipality_id", "kpi", "year"),
    )
    op.create_index("ix_keyfigure_municipality_id", "keyfigure", ["municipality_id"])


def downgrade() -> None:
    for table in ("keyfigure", "labouroutlook", "jobadcount", "datasource"):
        op.drop_table(table)
    op.execute("ALTER TABLE occupationdemand DROP COLUMN note")
