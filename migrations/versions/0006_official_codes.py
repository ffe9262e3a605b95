"""the official municipality code (kommunkod), to read official open data by; SSYK groups as "8331, 8332";
room in the question statistics for "occupation:<slug>"; the channels a staff alert has gone out by

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ADD and DROP COLUMN, as in 0004: a batch copy of the municipality table would trip over its foreign keys.
def upgrade() -> None:
    op.add_column("municipality", sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True))
    # The admin took any ten characters as an SSYK code ("5321/5323", "532"); the content files now take four
    # digits per group, comma-separated: keep the groups that are four digits, drop what is not a code.
    # A question answered by an occupation is counted as "occupation:<slug>" (up to 59 characters).
    with op.batch_alter_table("questionstat") as batch:  # no foreign key points at it: a copy is safe on SQLite
        batch.alter_column(
            "answer_slug",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=48),
            type_=sqlmodel.sql.sqltypes.AutoString(length=64),
            existing_nullable=True,
        )
    op.add_column("staffalert", sa.Column("sent_by", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    connection = op.get_bind()
    occupation = sa.table("occupation", sa.column("id", sa.Integer), sa.column("ssyk", sa.String))
    for row in connection.execute(sa.select(occupation.c.id, occupation.c.ssyk)).all():
        groups = [group for group in re.split(r"[^0-9]+", row.ssyk or "") if re.fullmatch(r"[0-9]{4}", group)]
        cleaned = ", ".join(dict.fromkeys(groups)) or None
        if cleaned != row.ssyk:
            connection.execute(sa.update(occupation).where(occupation.c.id == row.id).values(ssyk=cleaned))


def downgrade() -> None:
    op.execute("ALTER TABLE staffalert DROP COLUMN sent_by")
    with op.batch_alter_table("questionstat") as batch:
        batch.alter_column(
            "answer_slug",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=64),
            type_=sqlmodel.sql.sqltypes.AutoString(length=48),
            existing_nullable=True,
        )
    op.execute("ALTER TABLE municipality DROP COLUMN code")
