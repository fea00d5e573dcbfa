"""scenarios, steps, profile rules (dunning planner)

Revision ID: 0002
Revises: 0001

Columns are added in place (ALTER TABLE ... ADD COLUMN, no table copy on SQLite: a copy of
`customer` would cascade to the rows that reference it). Hence no foreign key on
`customer.scenario_id` and a unique index, not a constraint, on the templates.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import src_dash.store.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "profile_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("profile", _text(length=40), nullable=False),
        sa.Column("description", _text(length=200), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("grades", sa.JSON(), nullable=False),
        sa.Column("free_field", _text(length=60), nullable=False),
        sa.Column("free_field_values", sa.JSON(), nullable=False),
        sa.Column("min_outstanding", src_dash.store.types.Money(), nullable=True),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("outside_countries", sa.JSON(), nullable=False),
        sa.Column("foreign_currency", sa.Boolean(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scenario", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("description", _text(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("language", _text(length=5), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("penalties", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", _text(length=80), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("archived", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scenario_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("template", schema=None) as batch_op:
        batch_op.create_index("ux_template_code_language", ["code", "language"], unique=True)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("template", schema=None) as batch_op:
        batch_op.drop_index("ux_template_code_language")
    # SQLite (3.35+) drops a plain column in place; no table copy of `customer`.
    op.execute("ALTER TABLE customer DROP COLUMN scenario_id")
    op.execute("ALTER TABLE step DROP COLUMN archived")
    op.execute("ALTER TABLE step DROP COLUMN name")
    for name in ("penalties", "language", "description"):
        op.execute(f"ALTER TABLE scenario DROP COLUMN {name}")
    op.drop_table("profile_rule")
