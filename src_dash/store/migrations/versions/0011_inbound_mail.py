"""replies and bounces read back from the collection mailbox

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import src_dash.store.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "mailbox_cursor",
        sa.Column("mailbox", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("uid_validity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", src_dash.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("mailbox"),
    )
    op.create_table(
        "inbound_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mailbox", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("uid_validity", sa.BigInteger(), nullable=False),
        sa.Column("uid", sa.BigInteger(), nullable=False),
        sa.Column("header_id", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("matched_by", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("from_address", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("from_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("sent_at", src_dash.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_at", src_dash.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("body_text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.Column("handled_at", src_dash.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["handled_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mailbox", "uid_validity", "uid", name="ux_inbound_mail_uid"),
    )
    op.create_index("ix_inbound_mail_message_id", "inbound_mail", ["message_id"], unique=False)
    op.create_index("ix_inbound_mail_received_at", "inbound_mail", ["received_at"], unique=False)
    op.create_index(
        "ix_inbound_mail_customer_status", "inbound_mail", ["customer_id", "status"], unique=False
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_inbound_mail_customer_status", table_name="inbound_mail")
    op.drop_index("ix_inbound_mail_received_at", table_name="inbound_mail")
    op.drop_index("ix_inbound_mail_message_id", table_name="inbound_mail")
    op.drop_table("inbound_mail")
    op.drop_table("mailbox_cursor")
