"""the official municipality code (kommunkod), to read official open data by

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

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


def downgrade() -> None:
    op.execute("ALTER TABLE municipality DROP COLUMN code")
