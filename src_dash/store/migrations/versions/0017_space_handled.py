"""the worklist's "côté client": what a collector handled of a customer's actions in their space

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import src_dash.store.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "space_handled",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.Column("handled_at", src_dash.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["space_event.id"]),
        sa.ForeignKeyConstraint(["handled_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.PrimaryKeyConstraint("event_id"),
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table("space_handled")
