"""users' display settings and what the app's reading side needs

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

import src_dash.store.types  # noqa: F401

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # Users' display settings (the language and the time zone were there from the start).
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(
            sa.Column(
                "currency_format",
                sqlmodel.sql.sqltypes.AutoString(length=12),
                nullable=False,
                server_default="symbol",
            )
        )
        batch.add_column(
            sa.Column(
                "date_format",
                sqlmodel.sql.sqltypes.AutoString(length=12),
                nullable=False,
                server_default="default",
            )
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("date_format")
        batch.drop_column("currency_format")
