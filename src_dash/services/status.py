"""What was synced, per company: customers, open items, outstanding and overdue, last sync."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, case, func, type_coerce
from sqlmodel import Session, select

from src_dash.money import from_cents
from src_dash.store import Company, Customer, Entry, SyncRun


@dataclass(frozen=True)
class CompanyStatus:
    """The figures of one company as of a date."""

    code: str
    name: str
    currency: str
    customers: int
    open_items: int
    outstanding: Decimal
    overdue: Decimal
    last_sync_at: datetime | None
    last_sync_status: str
    last_sync_error: str


def company_statuses(
    session: Session, as_of: date, company_code: str | None = None
) -> list[CompanyStatus]:
    """Return the status of every active company (or of one), as of a date.

    Outstanding is the signed sum of the residuals of open items posted up to `as_of` (unapplied
    credits lower it). Overdue is the sum of the positive residuals whose due date is before
    `as_of`. Lettering is taken as it is now; replaying it as of a past date is the ledger's job.

    Args:
        session: a store session.
        as_of: the date the figures are computed for.
        company_code: only this company when given.
    """
    companies = session.exec(select(Company).where(Company.active).order_by(Company.code)).all()
    if company_code is not None:
        companies = [c for c in companies if c.code == company_code]
    result: list[CompanyStatus] = []
    for company in companies:
        customers = session.exec(
            select(func.count(Customer.id)).where(
                Customer.company_id == company.id, Customer.removed_from_source.is_(False)
            )
        ).one()
        residual = type_coerce(Entry.__table__.c.residual, BigInteger)  # raw cents, exact
        open_items, outstanding, overdue = session.exec(
            select(
                func.count(Entry.id),
                func.coalesce(func.sum(residual), 0),
                func.coalesce(
                    func.sum(
                        case(
                            ((Entry.due_date < as_of) & (residual > 0), residual),
                            else_=0,
                        )
                    ),
                    0,
                ),
            ).where(
                Entry.company_id == company.id,
                residual != 0,
                Entry.posting_date <= as_of,
            )
        ).one()
        last = session.exec(
            select(SyncRun)
            .where(SyncRun.company_id == company.id)
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
            .limit(1)
        ).first()
        result.append(
            CompanyStatus(
                code=company.code,
                name=company.name,
                currency=company.currency,
                customers=int(customers),
                open_items=int(open_items),
                outstanding=from_cents(int(outstanding)),
                overdue=from_cents(int(overdue)),
                last_sync_at=last.finished_at or last.started_at if last else None,
                last_sync_status=last.status if last else "",
                last_sync_error=last.error if last else "",
            )
        )
    return result
