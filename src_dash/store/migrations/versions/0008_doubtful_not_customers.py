"""doubtful receivables (416) flagged on entries; accounts a company's admin says are no customers

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import src_dash.store.types  # noqa: F401

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # Added in place, with a server default, so SQLite does not copy the entry table.
    op.add_column(
        "entry",
        sa.Column("doubtful", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "company",
        sa.Column("not_customers", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE entry DROP COLUMN doubtful")
        op.execute("ALTER TABLE company DROP COLUMN not_customers")
    else:
        op.drop_column("entry", "doubtful")
        op.drop_column("company", "not_customers")
