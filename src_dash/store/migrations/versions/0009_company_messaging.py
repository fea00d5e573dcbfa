"""per-company messaging: sender, Reply-To, signature, payment instructions, send windows

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import src_dash.store.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "company_messaging",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("sender_name", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("sender_email", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("reply_mailbox", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("signature", sa.String(length=1000), nullable=False, server_default=""),
        sa.Column("phone", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("iban", sa.String(length=40), nullable=False, server_default=""),
        sa.Column("bic", sa.String(length=11), nullable=False, server_default=""),
        sa.Column("bank_name", sa.String(length=80), nullable=False, server_default=""),
        sa.Column(
            "payment_reference", sa.String(length=12), nullable=False, server_default="invoice"
        ),
        sa.Column("reply_secret", sa.String(length=64), nullable=False, server_default=""),
        sa.Column(
            "send_days", sa.JSON(), nullable=False, server_default=sa.text("'[0, 1, 2, 3, 4]'")
        ),
        sa.Column("send_start", sa.String(length=5), nullable=False, server_default="08:30"),
        sa.Column("send_end", sa.String(length=5), nullable=False, server_default="18:00"),
        sa.Column("timezone", sa.String(length=40), nullable=False, server_default="Europe/Paris"),
        sa.Column("holidays_region", sa.String(length=10), nullable=False, server_default=""),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", src_dash.store.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_company_messaging_company_id", "company_messaging", ["company_id"], unique=True
    )
    # The contact's own language (empty: the customer's), for the templates.
    op.add_column(
        "contact",
        sa.Column("language", sa.String(length=5), nullable=False, server_default=""),
    )


def downgrade() -> None:
    """Revert this revision."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE contact DROP COLUMN language")
    else:
        op.drop_column("contact", "language")
    op.drop_index("ix_company_messaging_company_id", table_name="company_messaging")
    op.drop_table("company_messaging")
