"""Small lists the admin's forms pick from: customers (to preview a template on, or in a
collector's portfolio) and the Sage sales reps a user can be linked to.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.services.admin import require_admin as _admin
from src_dash.store import (
    Company,
    Customer,
    PortfolioAssignment,
    SalesRep,
)


@dataclass(frozen=True)
class CustomerChoice:
    """A customer to pick in a form."""

    id: int
    number: str
    name: str
    company_code: str


@dataclass(frozen=True)
class SalesRepChoice:
    """A Sage sales rep to link a sales rep user to."""

    id: int
    company_code: str
    code: int
    name: str


def find_customers(
    engine: Engine, who: Viewer, text: str = "", limit: int = 30
) -> list[CustomerChoice]:
    """Customers whose number or name contains `text` (all of them when empty), by name.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    c, co = Customer.__table__, Company.__table__
    query = (
        select(c.c.id, c.c.number, c.c.name, co.c.code)
        .select_from(c.join(co, co.c.id == c.c.company_id))
        .where(c.c.removed_from_source.is_(False))
        .order_by(c.c.name, c.c.id)
        .limit(max(1, min(int(limit), 200)))
    )
    words = (text or "").strip()
    if words:
        # lower() of SQLite folds ASCII only: match the words as typed too ("Élise").
        lower, typed = f"%{words.lower()}%", f"%{words}%"
        query = query.where(
            or_(
                func.lower(c.c.number).like(lower),
                func.lower(c.c.name).like(lower),
                c.c.number.like(typed),
                c.c.name.like(typed),
            )
        )
    with engine.connect() as conn:
        return [CustomerChoice(r.id, r.number, r.name, r.code) for r in conn.execute(query)]


# ---- users


def sales_rep_choices(engine: Engine, who: Viewer) -> list[SalesRepChoice]:
    """The Sage sales reps of every company, by company and name.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    s, co = SalesRep.__table__, Company.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(s.c.id, s.c.code, s.c.first_name, s.c.last_name, co.c.code.label("company"))
            .select_from(s.join(co, co.c.id == s.c.company_id))
            .order_by(co.c.code, s.c.last_name, s.c.first_name, s.c.id)
        ).all()
    return [
        SalesRepChoice(
            r.id, r.company, r.code, " ".join(p for p in (r.first_name, r.last_name) if p).strip()
        )
        for r in rows
    ]


def portfolio_customers(engine: Engine, who: Viewer, user_id: int) -> list[CustomerChoice]:
    """The customers assigned to a collector's portfolio, by name.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    p, c, co = PortfolioAssignment.__table__, Customer.__table__, Company.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(c.c.id, c.c.number, c.c.name, co.c.code)
            .select_from(p.join(c, c.c.id == p.c.customer_id).join(co, co.c.id == c.c.company_id))
            .where(p.c.user_id == int(user_id))
            .order_by(c.c.name, c.c.id)
        ).all()
    return [CustomerChoice(r.id, r.number, r.name, r.code) for r in rows]
