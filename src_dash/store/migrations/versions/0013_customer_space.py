"""the customer's space: personal links, their throttle, events and attachments

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import src_dash.store.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, src_dash.store.types.UTCDateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "space_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        _text("token_hash", 64),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("expires_at"),
        _when("revoked_at", True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        _when("last_used_at", True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["revoked_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_space_link_company_id"), "space_link", ["company_id"])
    op.create_index(op.f("ix_space_link_customer_id"), "space_link", ["customer_id"])
    op.create_table(
        "space_throttle",
        _text("key", 200),
        _when("window_start"),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "space_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        _text("kind", 20),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        _text("address", 64),
        _when("at"),
        sa.ForeignKeyConstraint(["link_id"], ["space_link.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_space_event_link_id"), "space_event", ["link_id"])
    op.create_index(op.f("ix_space_event_customer_id"), "space_event", ["customer_id"])
    op.create_index(op.f("ix_space_event_at"), "space_event", ["at"])
    op.create_table(
        "space_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=True),
        _text("stored_name", 80),
        _text("original_name", 120),
        _text("content_type", 40),
        sa.Column("size", sa.Integer(), nullable=False),
        _text("sha256", 64),
        _when("uploaded_at"),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["dispute_id"], ["dispute.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stored_name"),
    )
    op.create_index(op.f("ix_space_attachment_customer_id"), "space_attachment", ["customer_id"])


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index(op.f("ix_space_attachment_customer_id"), table_name="space_attachment")
    op.drop_table("space_attachment")
    for column in ("at", "customer_id", "link_id"):
        op.drop_index(op.f(f"ix_space_event_{column}"), table_name="space_event")
    op.drop_table("space_event")
    op.drop_table("space_throttle")
    op.drop_index(op.f("ix_space_link_customer_id"), table_name="space_link")
    op.drop_index(op.f("ix_space_link_company_id"), table_name="space_link")
    op.drop_table("space_link")
