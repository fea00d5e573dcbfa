"""login throttling and idle sessions

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import src_dash.store.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "login_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column(
            "last_failure_at", src_dash.store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("locked_until", src_dash.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("user_session") as batch:
        batch.add_column(
            sa.Column(
                "last_seen_at", src_dash.store.types.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("user_session") as batch:
        batch.drop_column("last_seen_at")
    op.drop_table("login_throttle")
