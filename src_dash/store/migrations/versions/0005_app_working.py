"""follow-up, worklist and settings services

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

import src_dash.store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    # The promise a promise_followup action follows (hidden from the worklist once resolved).
    # SQLite: added in place, since a batch copy of `action` would drop the table, and dropping a
    # table with foreign keys on deletes the action items that cascade from it.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE action ADD COLUMN promise_id INTEGER REFERENCES promise (id)")
    else:
        op.add_column("action", sa.Column("promise_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_action_promise_id", "action", "promise", ["promise_id"], ["id"])
    # The timeline reads the audit lines of a customer, a promise, a dispute or a flag.
    op.create_index("ix_audit_log_entity", "audit_log", ["entity", "entity_id"], unique=False)
    # The last action on an item (open-items table) is found from the item.
    op.create_index("ix_action_item_entry_id", "action_item", ["entry_id"], unique=False)
    # What was open on each item of a promise when it was made (a partial promise is kept when
    # the items went down by the amount promised).
    op.add_column(
        "promise_item",
        sa.Column("open_before", src_dash.store.types.Money(), nullable=True),
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("promise_item") as batch:
        batch.drop_column("open_before")
    op.drop_index("ix_action_item_entry_id", table_name="action_item")
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    with op.batch_alter_table("action") as batch:
        batch.drop_column("promise_id")
