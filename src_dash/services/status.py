"""What was synced, per company: customers, open items, outstanding and overdue, last sync."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from src_dash.analytics.balances import balances
from src_dash.money import ZERO
from src_dash.services.reconcile import last_reconciliations
from src_dash.services.rows import from_row
from src_dash.sources.left_out import LeftOutLines, run_report
from src_dash.store import Company, Customer, SyncRun


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
    # The reconciliation recorded with the last successful run (services.reconcile): source
    # (else books) minus app, and the customers that differ (first ones). None: never checked.
    reconciliation_gap: Decimal | None = None
    reconciliation_customers: int = 0
    reconciliation_examples: tuple[tuple[str, str, Decimal], ...] = ()
    # The report of the last successful run: the lines of class 41 it left out (by reason and
    # account, with their amount) and its warnings.
    left_out: tuple[LeftOutLines, ...] = ()
    warnings: tuple[str, ...] = ()

    def report_dict(self) -> dict[str, object]:
        """The last run's report as plain data, for JSON."""
        return {
            "excluded": [e.as_dict() for e in self.left_out],
            "warnings": list(self.warnings),
        }


def last_run_reports(session: Session) -> dict[int, tuple[list[LeftOutLines], list[str]]]:
    """Per company id, the lines left out and the warnings of its last successful run."""
    last = select(func.max(SyncRun.id)).where(SyncRun.status == "ok").group_by(SyncRun.company_id)
    rows = session.exec(
        select(SyncRun.company_id, SyncRun.details).where(SyncRun.id.in_(last))
    ).all()
    return {company_id: run_report(details) for company_id, details in rows}


def company_statuses(
    session: Session, as_of: date, company_code: str | None = None
) -> list[CompanyStatus]:
    """Return the status of every active company (or of one), as of a date.

    Open items, outstanding and overdue come from the analytics ledger replayed as of `as_of`:
    entries posted later are ignored and lettering done later is undone. Outstanding is the
    signed sum of the residuals (unapplied credits lower it); overdue is the sum of the positive
    residuals due before `as_of`.

    Args:
        session: a store session.
        as_of: the date the figures are computed for.
        company_code: only this company when given.
    """
    companies = session.exec(select(Company).where(Company.active).order_by(Company.code)).all()
    if company_code is not None:
        companies = [c for c in companies if c.code == company_code]
    by_company = {b.key: b for b in balances(session.get_bind(), as_of=as_of, by="company")}
    customer_counts = dict(
        session.exec(
            select(Customer.company_id, func.count(Customer.id))
            .where(Customer.removed_from_source.is_(False))
            .group_by(Customer.company_id)
        ).all()
    )
    checked = last_reconciliations(session.get_bind())
    reports = last_run_reports(session)
    result: list[CompanyStatus] = []
    for company in companies:
        rec = checked.get(company.code) or {}
        left_out, warnings = reports.get(company.id, ([], []))
        balance = by_company.get(company.code)
        last = session.exec(
            select(SyncRun)
            .where(SyncRun.company_id == company.id)
            .order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
            .limit(1)
        ).first()
        result.append(
            from_row(
                CompanyStatus,
                company,
                customers=int(customer_counts.get(company.id, 0)),
                open_items=balance.open_items if balance else 0,
                outstanding=balance.outstanding if balance else ZERO,
                overdue=balance.overdue if balance else ZERO,
                last_sync_at=(last.finished_at or last.started_at) if last else None,
                last_sync_status=last.status if last else "",
                last_sync_error=last.error if last else "",
                reconciliation_gap=Decimal(rec["difference"]) if rec else None,
                reconciliation_customers=int(rec.get("customers_differing", 0)),
                reconciliation_examples=tuple(
                    (g["number"], g["name"], Decimal(g["difference"]))
                    for g in rec.get("customers", ())[:5]
                ),
                left_out=tuple(left_out),
                warnings=tuple(warnings),
            )
        )
    return result
