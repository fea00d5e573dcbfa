"""The viewer's scope: which companies, sales reps' and collectors' customers a figure covers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from src_dash.store import Company, User


@dataclass(frozen=True)
class Scope:
    """A filter on customers; None on a field means no filter on it.

    Attributes:
        company_ids: only customers of these companies.
        sales_rep_ids: only customers whose sales rep (`sales_rep.id`) is one of these.
        collector_ids: only customers in these collectors' portfolios (`app_user.id`): the
            customer's `collector_id`, or a `portfolio_assignment` row.
        customer_ids: only these customers.
    """

    company_ids: frozenset[int] | None = None
    sales_rep_ids: frozenset[int] | None = None
    collector_ids: frozenset[int] | None = None
    customer_ids: frozenset[int] | None = None

    @property
    def is_everything(self) -> bool:
        """True when the scope filters nothing."""
        return (
            self.company_ids is None
            and self.sales_rep_ids is None
            and self.collector_ids is None
            and self.customer_ids is None
        )

    def narrowed(self, **fields: frozenset[int] | set[int] | list[int] | None) -> Scope:
        """A copy with some fields further restricted (intersected with what is already there)."""
        values = {}
        for name, new in fields.items():
            if new is None:
                continue
            new = frozenset(new)
            old = getattr(self, name)
            values[name] = new if old is None else old & new
        return Scope(
            **{
                "company_ids": self.company_ids,
                "sales_rep_ids": self.sales_rep_ids,
                "collector_ids": self.collector_ids,
                "customer_ids": self.customer_ids,
            }
            | values
        )


EVERYTHING = Scope()


def scope_for_user(engine: Engine, user_id: int, company_code: str | None = None) -> Scope:
    """The scope a user may see: the server-side rule of portfolios.

    Admins and read-only users see every customer; a sales rep sees the customers of their
    `sales_rep_id` (nothing when they have none); a collector sees their portfolio unless
    `sees_all_customers` is set.

    Args:
        engine: the store.
        user_id: the viewer.
        company_code: restrict further to one company.

    Raises:
        LookupError: when the user or the company is unknown, or the user is inactive.
    """
    users, companies = User.__table__, Company.__table__
    with engine.connect() as conn:
        user = conn.execute(select(users).where(users.c.id == user_id)).first()
        if user is None or not user.active:
            raise LookupError(f"unknown or inactive user {user_id}")
        company_ids = None
        if company_code is not None:
            found = conn.execute(
                select(companies.c.id).where(companies.c.code == company_code)
            ).scalar()
            if found is None:
                raise LookupError(f"unknown company {company_code!r}")
            company_ids = frozenset({found})
    if user.role == "sales_rep":
        reps = frozenset({user.sales_rep_id}) if user.sales_rep_id is not None else frozenset()
        return Scope(company_ids=company_ids, sales_rep_ids=reps)
    if user.role == "collector" and not user.sees_all_customers:
        return Scope(company_ids=company_ids, collector_ids=frozenset({user.id}))
    return Scope(company_ids=company_ids)


def company_scope(engine: Engine, code: str | None) -> Scope:
    """The scope of one company by its code (everything when `code` is None).

    Raises:
        LookupError: when the company is unknown.
    """
    if code is None:
        return EVERYTHING
    table = Company.__table__
    with engine.connect() as conn:
        found = conn.execute(select(table.c.id).where(table.c.code == code)).scalar()
    if found is None:
        raise LookupError(f"unknown company {code!r}")
    return Scope(company_ids=frozenset({found}))
