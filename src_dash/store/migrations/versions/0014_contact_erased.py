"""a contact erased on request stays erased across syncs

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import src_dash.store.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("contact") as batch:
        batch.add_column(
            sa.Column("erased_at", src_dash.store.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("contact") as batch:
        batch.drop_column("erased_at")
