"""free fields of the entries

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import src_dash.store.types  # noqa: F401

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # The entries' free fields (informations libres of F_ECRITUREC); existing rows get '{}'.
    # Added in place on SQLite too: a batch copy of `entry` would rewrite every row of the
    # biggest table (millions) where an ALTER TABLE with a default is instant.
    op.add_column(
        "entry",
        sa.Column("free_fields", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column in place (3.35+), without copying the table.
        op.execute("ALTER TABLE entry DROP COLUMN free_fields")
    else:
        op.drop_column("entry", "free_fields")
