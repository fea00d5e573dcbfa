"""the customer's space: requests queued for a collector, and each company's look (colour, logo)

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import src_dash.store.types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, src_dash.store.types.UTCDateTime(timezone=True), nullable=nullable)


def _text(name: str, length: int) -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False)


def _key(name: str) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=True)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "space_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        _text("kind", 10),
        _text("status", 10),
        _key("entry_id"),
        _text("phone", 40),
        _text("moment", 100),
        _text("contact_name", 80),
        _text("contact_email", 120),
        _text("contact_phone", 40),
        _text("note", 500),
        _key("action_id"),
        _key("contact_id"),
        _when("created_at"),
        _key("decided_by"),
        _when("decided_at", True),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"]),
        sa.ForeignKeyConstraint(["link_id"], ["space_link.id"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"]),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["decided_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("company_id", "customer_id", "status"):
        op.create_index(op.f(f"ix_space_request_{column}"), "space_request", [column])
    op.create_table(
        "space_brand",
        sa.Column("company_id", sa.Integer(), autoincrement=False, nullable=False),
        _text("accent", 7),
        _text("logo_name", 80),
        _text("logo_type", 40),
        _key("updated_by"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("company_id"),
    )


def downgrade() -> None:
    """Undo this revision."""
    op.drop_table("space_brand")
    for column in ("status", "customer_id", "company_id"):
        op.drop_index(op.f(f"ix_space_request_{column}"), table_name="space_request")
    op.drop_table("space_request")
