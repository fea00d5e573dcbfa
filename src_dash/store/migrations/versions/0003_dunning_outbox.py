"""outbox, letters, alerts, reports (dunning delivery)

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401
from alembic import op

import src_dash.store.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", _text(length=80), nullable=True))
        batch_op.add_column(sa.Column("run", _text(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("phase", _text(length=14), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_action_key"), ["key"], unique=True)
        batch_op.create_index(batch_op.f("ix_action_run"), ["run"], unique=False)
        batch_op.create_foreign_key("fk_action_parent_id", "action", ["parent_id"], ["id"])

    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("previous_level", sa.Integer(), nullable=False, server_default="0")
        )

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("run", _text(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("dunned_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("level", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("template_code", _text(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("total", src_dash.store.types.Money(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("currency", _text(length=3), nullable=False, server_default="EUR")
        )
        batch_op.add_column(
            sa.Column("approved_at", src_dash.store.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(sa.Column("claim", _text(length=40), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("claimed_at", src_dash.store.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("smtp_message_id", _text(length=200), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_message_run"), ["run"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_status"), ["status"], unique=False)

    with op.batch_alter_table("message_item", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reference", _text(length=30), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("due_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("amount", src_dash.store.types.Money(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("previous_level", sa.Integer(), nullable=False, server_default="0")
        )

    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", _text(length=120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("action_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_alert_key"), ["key"], unique=False)
        batch_op.create_foreign_key("fk_alert_action_id", "action", ["action_id"], ["id"])
        batch_op.create_foreign_key("fk_alert_resolved_by", "app_user", ["resolved_by"], ["id"])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_constraint("fk_alert_resolved_by", type_="foreignkey")
        batch_op.drop_constraint("fk_alert_action_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_alert_key"))
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("action_id")
        batch_op.drop_column("key")

    with op.batch_alter_table("message_item", schema=None) as batch_op:
        for name in ("previous_level", "amount", "due_date", "reference"):
            batch_op.drop_column(name)

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_status"))
        batch_op.drop_index(batch_op.f("ix_message_run"))
        for name in (
            "smtp_message_id",
            "claimed_at",
            "claim",
            "approved_at",
            "currency",
            "total",
            "template_code",
            "level",
            "dunned_on",
            "run",
        ):
            batch_op.drop_column(name)

    with op.batch_alter_table("action_item", schema=None) as batch_op:
        batch_op.drop_column("previous_level")

    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_constraint("fk_action_parent_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_action_run"))
        batch_op.drop_index(batch_op.f("ix_action_key"))
        batch_op.drop_column("parent_id")
        batch_op.drop_column("phase")
        batch_op.drop_column("run")
        batch_op.drop_column("key")
