"""Reconciliation: the app's outstanding against the books, per company and customer.

Three figures per customer, as of a date:
- **app**: what the app shows as open (the residuals of the open items: items, partly settled
  items, unapplied credits and payments), the figure of every page;
- **books**: debit - credit of the customer's receivable lines posted by that date in the open
  period, as the store holds them (carried-forward lines on their first day only);
- **source**: the balance the source itself gave at the last run (Sage: summed by the server
  over the open years; FEC: the file's own customer lines), known for the latest date only.

The difference shown to the DAF is source - app where the source is comparable (as of a date on
or after the company's last line), else books - app. `services.reconcile` records it with each
run and raises the alert.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import BigInteger, func, select, type_coerce
from sqlalchemy.engine import Engine

from src_dash.analytics.balances import money
from src_dash.analytics.ledger import Ledger, get_ledger
from src_dash.clock import today as clock_today
from src_dash.store import SourceBalance, SyncRun

GAPS_SHOWN = 50  # customers listed with a reconciliation, largest differences first


@dataclass(frozen=True)
class CustomerGap:
    """One customer whose figures differ."""

    number: str
    name: str
    source: Decimal | None
    books: Decimal
    app: Decimal

    @property
    def difference(self) -> Decimal:
        """Source (or books) minus app."""
        return (self.source if self.source is not None else self.books) - self.app


@dataclass(frozen=True)
class Reconciliation:
    """One company's reconciliation as of a date.

    Attributes:
        company: the company's code.
        as_of: the date.
        source_total: the source's balance (None when not comparable as of this date, or no
            run recorded one).
        books_total: the balance of the store's lines.
        app_total: the app's outstanding.
        difference: source (else books) minus app.
        customers_differing: how many customers differ.
        customers: the first GAPS_SHOWN of them, largest difference first.
    """

    company: str
    as_of: date
    source_total: Decimal | None
    books_total: Decimal
    app_total: Decimal
    difference: Decimal
    customers_differing: int
    customers: tuple[CustomerGap, ...]

    @property
    def ok(self) -> bool:
        """True when every figure agrees to the cent."""
        return self.customers_differing == 0 and self.difference == 0

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON and the run's details (amounts as text)."""

        def text(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "company": self.company,
            "as_of": self.as_of.isoformat(),
            "source_total": text(self.source_total),
            "books_total": str(self.books_total),
            "app_total": str(self.app_total),
            "difference": str(self.difference),
            "customers_differing": self.customers_differing,
            "customers": [
                {
                    "number": g.number,
                    "name": g.name,
                    "source": text(g.source),
                    "books": str(g.books),
                    "app": str(g.app),
                    "difference": str(g.difference),
                }
                for g in self.customers
            ],
        }


# The source's balances per company, kept while the store's rows are the same: a warm
# reconciliation reads one aggregate instead of every customer's row.
_SOURCE_CACHE: dict[tuple[str, int], tuple[tuple[int, ...], pl.DataFrame | None]] = {}
_SOURCE_LOCK = threading.Lock()


def _source_frame(engine: Engine, company_id: int) -> pl.DataFrame | None:
    """The source's balance per customer number, in cents (read as the store keeps them)."""
    t, r = SourceBalance.__table__, SyncRun.__table__
    cents = type_coerce(t.c.balance, BigInteger)
    mine = t.c.company_id == company_id
    key = (engine.url.render_as_string(hide_password=False), company_id)
    with engine.connect() as conn:
        count, total = conn.execute(select(func.count(), func.sum(cents)).where(mine)).one()
        # Every successful run replaces the company's balances: its id is part of the stamp.
        run = conn.execute(
            select(func.max(r.c.id)).where(r.c.company_id == company_id, r.c.status == "ok")
        ).scalar()
        stamp = (int(count), int(total or 0), int(run or 0))
        with _SOURCE_LOCK:
            cached = _SOURCE_CACHE.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        rows = conn.execute(select(t.c.customer_number, cents).where(mine)).all()
    frame = (
        pl.DataFrame(rows, schema={"number": pl.String, "source": pl.Int64}, orient="row")
        if rows
        else None
    )
    with _SOURCE_LOCK:
        _SOURCE_CACHE[key] = (stamp, frame)
    return frame


def _company_frame(ledger: Ledger, company_id: int, as_of: date) -> pl.DataFrame:
    """Per customer of the company: books and app in cents (customers with either not zero)."""
    view = ledger.view(as_of)
    mine = pl.col("company_id") == company_id
    books = view.posted.filter(mine).group_by("customer_id").agg(pl.col("amount").sum().alias("b"))
    app = (
        view.open_items.filter(mine)
        .group_by("customer_id")
        .agg(pl.col("residual").sum().alias("a"))
    )
    return (
        books.join(app, on="customer_id", how="full", coalesce=True)
        .join(ledger.customers.select("customer_id", "number", "name"), on="customer_id")
        .select("number", "name", pl.col("b").fill_null(0), pl.col("a").fill_null(0))
    )


def reconcile_company(
    engine: Engine, code: str, as_of: date | None = None, ledger: Ledger | None = None
) -> Reconciliation:
    """Reconcile one company as of a date (default today).

    Raises:
        LookupError: for an unknown company.
    """
    as_of = as_of or clock_today()
    ledger = ledger or get_ledger(engine)
    row = ledger.companies.filter(pl.col("code") == code)
    if row.is_empty():
        raise LookupError(f"unknown company {code!r}")
    company_id = int(row["company_id"][0])
    frame = _company_frame(ledger, company_id, as_of)
    last_posted = ledger.entries.filter(pl.col("company_id") == company_id)["posting_date"].max()
    source = _source_frame(engine, company_id)
    comparable = source is not None and (last_posted is None or as_of >= last_posted)
    if comparable:
        frame = frame.join(source, on="number", how="full", coalesce=True).with_columns(
            pl.col("b", "a", "source").fill_null(0), pl.col("name").fill_null("")
        )
        reference = pl.col("source")
    else:
        frame = frame.with_columns(source=pl.lit(None, dtype=pl.Int64))
        reference = pl.col("b")
    frame = frame.with_columns(gap=reference - pl.col("a"))
    differing = frame.filter((pl.col("gap") != 0) | (pl.col("b") != pl.col("a")))
    shown = differing.sort(pl.col("gap").abs(), "number", descending=[True, False]).head(GAPS_SHOWN)
    source_total = money(int(frame["source"].sum())) if comparable else None
    books_total = money(int(frame["b"].sum()))
    app_total = money(int(frame["a"].sum()))
    return Reconciliation(
        company=code,
        as_of=as_of,
        source_total=source_total,
        books_total=books_total,
        app_total=app_total,
        difference=(source_total if source_total is not None else books_total) - app_total,
        customers_differing=differing.height,
        customers=tuple(
            CustomerGap(
                number=r["number"],
                name=r["name"] or "",
                source=money(r["source"]) if comparable else None,
                books=money(r["b"]),
                app=money(r["a"]),
            )
            for r in shown.iter_rows(named=True)
        ),
    )


def reconcile(
    engine: Engine, code: str | None = None, as_of: date | None = None
) -> list[Reconciliation]:
    """Reconcile one company, or every active company, as of a date (default today)."""
    ledger = get_ledger(engine)
    if code is not None:
        return [reconcile_company(engine, code, as_of, ledger)]
    companies = ledger.companies.filter(pl.col("active")).sort("code")
    return [reconcile_company(engine, c, as_of, ledger) for c in companies["code"]]
