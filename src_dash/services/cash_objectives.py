"""Cash objectives: a target of cash-in for a month, for a company (or all) and a collector (or
all), set and deleted by an admin.

Every change is admin-only, made in one transaction with its audit line and a bump of the data
version. Bad input raises InvalidInput (a ValueError naming the field) and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer, audit
from src_dash.services.admin import require_admin as _admin
from src_dash.services.inputs import InvalidInput, amount_field, date_field
from src_dash.services.rows import row_by_id
from src_dash.store import (
    CashObjective,
    Company,
    User,
)
from src_dash.store.versions import bump_data_version


@dataclass(frozen=True)
class CashObjectiveView:
    """A target of cash-in for a month, for a company (or all) and a collector (or all)."""

    id: int
    month: date
    amount: Decimal
    company_id: int | None
    company_code: str
    user_id: int | None
    user_name: str


def _objective_view(conn: Connection, objective_id: int) -> CashObjectiveView:
    o, co, u = CashObjective.__table__, Company.__table__, User.__table__
    row = conn.execute(
        select(o, co.c.code, u.c.name.label("user_name"))
        .select_from(o.outerjoin(co, co.c.id == o.c.company_id).outerjoin(u, u.c.id == o.c.user_id))
        .where(o.c.id == objective_id)
    ).one()
    return CashObjectiveView(
        row.id, row.month, row.amount, row.company_id, row.code or "", row.user_id,
        row.user_name or "",
    )  # fmt: skip


def list_cash_objectives(
    engine: Engine, who: Viewer, year: int | None = None
) -> list[CashObjectiveView]:
    """The cash objectives (of one year), by month, company and collector.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    o = CashObjective.__table__
    query = select(o.c.id).order_by(o.c.month, o.c.company_id, o.c.user_id, o.c.id)
    if year is not None:
        query = query.where(o.c.month >= date(year, 1, 1), o.c.month <= date(year, 12, 31))
    with engine.connect() as conn:
        return [_objective_view(conn, i) for i in conn.execute(query).scalars().all()]


def set_cash_objective(
    engine: Engine,
    who: Viewer,
    month: date | str,
    amount: Decimal | str | int,
    company_id: int | None = None,
    user_id: int | None = None,
) -> CashObjectiveView:
    """Set the objective of a month (any day of it), for a company and/or a collector (None:
    all); replaces the one already set for the same month, company and collector.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an amount not above 0, an unknown company, or a user who is not an
            active collector or admin.
    """
    _admin(who)
    month = date_field(month, "month").replace(day=1)
    amount = amount_field(amount)
    o, co, u = CashObjective.__table__, Company.__table__, User.__table__
    with engine.begin() as conn:
        if company_id is not None and (
            conn.execute(select(co.c.id).where(co.c.id == company_id)).first() is None
        ):
            raise InvalidInput("company", f"no company {company_id}")
        if user_id is not None:
            user = conn.execute(select(u.c.role, u.c.active).where(u.c.id == user_id)).first()
            if user is None or not user.active or user.role not in ("collector", "admin"):
                raise InvalidInput("user", f"user {user_id} is not an active collector")
        same = select(o.c.id).where(
            o.c.month == month,
            o.c.company_id.is_(None) if company_id is None else o.c.company_id == company_id,
            o.c.user_id.is_(None) if user_id is None else o.c.user_id == user_id,
        )
        found = conn.execute(same).scalar()
        if found is None:
            found = conn.execute(
                o.insert().values(
                    month=month, amount=amount, company_id=company_id, user_id=user_id
                )
            ).inserted_primary_key[0]
        else:
            conn.execute(update(o).where(o.c.id == found).values(amount=amount))
        audit(
            conn,
            who,
            "cash_objective.set",
            "cash_objective",
            found,
            month=month,
            amount=amount,
            company_id=company_id,
            user_id=user_id,
        )
        bump_data_version(conn)
        return _objective_view(conn, found)


def delete_cash_objective(engine: Engine, who: Viewer, objective_id: int) -> None:
    """Remove a cash objective.

    Raises:
        AccessDenied: for a non-admin.
        InvalidInput: for an unknown objective.
    """
    _admin(who)
    o = CashObjective.__table__
    with engine.begin() as conn:
        missing = InvalidInput("objective", f"no cash objective {objective_id}")
        row = row_by_id(conn, o, objective_id, missing)
        conn.execute(delete(o).where(o.c.id == row.id))
        audit(
            conn,
            who,
            "cash_objective.delete",
            "cash_objective",
            row.id,
            month=row.month,
            amount=row.amount,
            company_id=row.company_id,
            user_id=row.user_id,
        )
        bump_data_version(conn)
