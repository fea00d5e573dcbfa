"""letters printed and posted; dispatcher attempts

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

import src_dash.store.types  # noqa: F401

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    _letters_and_attempts_upgrade()


def downgrade() -> None:
    """Revert this revision."""
    _letters_and_attempts_downgrade()


# ---- letters printed and posted; the dispatcher's leases (issue 12, sections 5 and 6)

_MESSAGE_COLUMNS = (  # (name, SQLite column definition)
    ("lease_until", "DATETIME"),
    ("print_file", "VARCHAR(300) NOT NULL DEFAULT ''"),
    ("printed_at", "DATETIME"),
    ("printed_by", "INTEGER REFERENCES app_user (id)"),
    ("posted_on", "DATE"),
    ("posted_by", "INTEGER REFERENCES app_user (id)"),
)


def _letters_and_attempts_upgrade() -> None:
    # SQLite: added in place (a batch copy of `message` would drop a table others point at).
    if op.get_bind().dialect.name == "sqlite":
        for name, ddl in _MESSAGE_COLUMNS:
            op.execute(f"ALTER TABLE message ADD COLUMN {name} {ddl}")
        return
    op.add_column("message", sa.Column("lease_until", src_dash.store.types.UTCDateTime()))
    op.add_column(
        "message",
        sa.Column("print_file", sqlmodel.AutoString(length=300), nullable=False, server_default=""),
    )
    op.add_column("message", sa.Column("printed_at", src_dash.store.types.UTCDateTime()))
    op.add_column("message", sa.Column("printed_by", sa.Integer(), nullable=True))
    op.add_column("message", sa.Column("posted_on", sa.Date(), nullable=True))
    op.add_column("message", sa.Column("posted_by", sa.Integer(), nullable=True))
    op.create_foreign_key("fk_message_printed_by", "message", "app_user", ["printed_by"], ["id"])
    op.create_foreign_key("fk_message_posted_by", "message", "app_user", ["posted_by"], ["id"])


def _letters_and_attempts_downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, _ in reversed(_MESSAGE_COLUMNS):
            op.execute(f"ALTER TABLE message DROP COLUMN {name}")
        return
    op.drop_constraint("fk_message_posted_by", "message", type_="foreignkey")
    op.drop_constraint("fk_message_printed_by", "message", type_="foreignkey")
    for name, _ in reversed(_MESSAGE_COLUMNS):
        op.drop_column("message", name)


# ---- end of the letters and attempts block
