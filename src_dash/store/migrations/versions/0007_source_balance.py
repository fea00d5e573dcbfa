"""the source's own receivable balance per customer, for the reconciliation

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import src_dash.store.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "source_balance",
        sa.Column("company_id", sa.Integer(), sa.ForeignKey("company.id"), nullable=False),
        sa.Column("customer_number", sa.String(length=40), nullable=False),
        sa.Column("balance", src_dash.store.types.Money(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("company_id", "customer_number"),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("source_balance")
