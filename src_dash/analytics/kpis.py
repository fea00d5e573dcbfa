"""Dashboard KPIs: DSO (countback, standard), best possible DSO, ADD, CEI, overdue ratio, cash
collected, promises, disputes, customers without a usable contact.

Sales are the net credit sales of the ledger: invoices minus credit notes posted in the period
(carried-forward lines are not sales). Receivables are the net outstanding (unapplied cash and
credit notes lower it). All amounts are computed in integer cents; ratios and days are Decimal,
rounded to 0.1.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.balances import money
from src_dash.analytics.ledger import (
    KIND_CREDIT_NOTE,
    KIND_INVOICE,
    KIND_PAYMENT,
    Ledger,
    LedgerView,
    get_ledger,
)
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.clock import today as clock_today

TENTH = Decimal("0.1")


def _ratio(num: int, den: int, scale: int = 1) -> Decimal | None:
    """num / den * scale, exact then rounded to 0.1; None when den is 0."""
    if den == 0:
        return None
    return (Decimal(num) * scale / Decimal(den)).quantize(TENTH, rounding=ROUND_HALF_EVEN)


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class PromiseStats:
    """Promises falling due in the month of the date asked, by status as known on that date."""

    due: int
    due_amount: Decimal
    kept: int
    kept_amount: Decimal
    broken: int
    broken_amount: Decimal
    pending: int
    pending_amount: Decimal


@dataclass(frozen=True)
class Kpis:
    """The dashboard figures of a scope as of a date (see each function for its formula).

    `doubtful` is the part of `outstanding` on doubtful receivables (416, clients douteux).
    """

    as_of: date
    book_currency: str
    customers: int
    customers_with_balance: int
    open_items: int
    outstanding: Decimal
    gross_receivables: Decimal
    overdue: Decimal
    not_due: Decimal
    credits: Decimal
    overdue_ratio: Decimal | None
    sales_90_days: Decimal
    dso_countback: Decimal | None
    dso: Decimal | None
    best_possible_dso: Decimal | None
    average_days_delinquent: Decimal | None
    cei: Decimal | None
    cash_collected_month: Decimal
    promises: PromiseStats
    open_disputes: int
    disputed_amount: Decimal
    customers_without_contact: int
    doubtful: Decimal = Decimal("0.00")


def countback_dso(receivables: int, sales_by_month: dict[date, int], as_of: date) -> Decimal | None:
    """DSO by the countback (exhaustion) method.

    Formula (Credit Research Foundation, "countback DSO"; also in Salek, "Accounts Receivable
    Management Best Practices", 2005): start from the receivables at `as_of` and walk back month
    by month (the current month counts its days up to `as_of`); while the receivables left
    exceed the month's credit sales, add the month's days and subtract its sales; in the month
    that exhausts them add days x (receivables left / sales of the month). Stops when the
    history runs out.

    Args:
        receivables: net receivables in cents.
        sales_by_month: net credit sales in cents by first day of month.
        as_of: the date.

    Returns:
        Days, rounded to 0.1; 0 when nothing is owed; None without any sales.
    """
    if receivables <= 0:
        return Decimal("0.0")
    if not sales_by_month or all(v <= 0 for v in sales_by_month.values()):
        return None
    left = Decimal(receivables)
    days_total = Decimal(0)
    month = month_start(as_of)
    oldest = min(sales_by_month)
    while month >= oldest:
        days = (
            as_of.day
            if month == month_start(as_of)
            else calendar.monthrange(month.year, month.month)[1]
        )
        sales = Decimal(sales_by_month.get(month, 0))
        if sales > 0 and left <= sales:
            days_total += Decimal(days) * left / sales
            return days_total.quantize(TENTH, rounding=ROUND_HALF_EVEN)
        days_total += days
        left -= max(sales, Decimal(0))
        month = add_months(month, -1)
    return days_total.quantize(TENTH, rounding=ROUND_HALF_EVEN)


def standard_dso(receivables: int, sales: int, days: int) -> Decimal | None:
    """DSO = receivables / credit sales of the last `days` days x `days` (CRF, "regular DSO")."""
    return _ratio(receivables, sales, days)


def best_possible_dso(current_receivables: int, sales: int, days: int) -> Decimal | None:
    """Best possible DSO = current (not yet due) receivables / credit sales x days.

    Formula of the Credit Research Foundation: the DSO the ledger would have if every customer
    paid on its terms; compare it with the DSO of the same period.
    """
    return _ratio(current_receivables, sales, days)


def average_days_delinquent(dso: Decimal | None, best: Decimal | None) -> Decimal | None:
    """ADD = DSO - best possible DSO, over the same period (Credit Research Foundation)."""
    if dso is None or best is None:
        return None
    return dso - best


def collection_effectiveness_index(
    beginning: int, sales: int, ending_total: int, ending_current: int
) -> Decimal | None:
    """CEI = (beginning receivables + credit sales - ending total receivables)
    / (beginning receivables + credit sales - ending current receivables) x 100.

    Formula of the Credit Research Foundation; 100 means everything collectible in the period
    was collected.
    """
    return _ratio(beginning + sales - ending_total, beginning + sales - ending_current, 100)


def overdue_ratio(overdue: int, gross_receivables: int) -> Decimal | None:
    """Overdue ratio = overdue / gross receivables (positive residuals) x 100, in percent."""
    return _ratio(overdue, gross_receivables, 100)


def daily_flows(ledger: Ledger, scope: Scope, as_of: date) -> pl.DataFrame:
    """Net credit sales and cash collected (cents) per day posted by `as_of`, in scope.

    Carried-forward lines are neither sales nor cash. Computed per company once per date and
    ledger version; scopes finer than companies are summed from their own lines.
    """

    def flows(posted: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        kind = pl.col("kind")
        return (
            posted.filter(~pl.col("carried_forward"))
            .group_by(keys)
            .agg(
                pl.col("amount")
                .filter(kind.is_in([KIND_INVOICE, KIND_CREDIT_NOTE]))
                .sum()
                .alias("sales"),
                (-pl.col("amount")).filter(kind == KIND_PAYMENT).sum().alias("cash"),
            )
        )

    view = ledger.view(as_of)
    coarse = scope.sales_rep_ids is None and scope.collector_ids is None
    if coarse and scope.customer_ids is None:
        by_company = ledger.memo(
            ("flows", as_of), lambda: flows(view.posted, ["company_id", "posting_date"])
        )
        companies = ledger.active_company_ids(scope)
        by_company = by_company.filter(pl.col("company_id").is_in(companies.implode()))
        return by_company.group_by("posting_date").agg(pl.col("sales", "cash").sum())
    return flows(ledger.scoped(view.posted, scope), ["posting_date"])


def _promise_stats(ledger: Ledger, scope: Scope, as_of: date) -> PromiseStats:
    promises = ledger.scoped(ledger.promises, scope).filter(
        (pl.col("created_on") <= as_of)
        & (pl.col("promised_on") >= month_start(as_of))
        & (pl.col("promised_on") < add_months(as_of, 1))
    )
    known = pl.col("resolved_on").is_not_null() & (pl.col("resolved_on") <= as_of)
    promises = promises.with_columns(
        state=pl.when(pl.col("status") == "cancelled")
        .then(pl.lit("cancelled"))
        .when(known)
        .then(pl.col("status"))
        .otherwise(pl.lit("pending"))
    ).filter(pl.col("state") != "cancelled")

    def count(state: str | None) -> tuple[int, Decimal]:
        rows = promises if state is None else promises.filter(pl.col("state") == state)
        return rows.height, money(rows["amount"].sum())

    due, kept, broken, pending = count(None), count("kept"), count("broken"), count("pending")
    return PromiseStats(*due, *kept, *broken, *pending)


def open_disputes(ledger: Ledger, scope: Scope, view: LedgerView) -> tuple[int, int]:
    """Disputes open as of the view's date and the residual (cents) of the items they cover.

    An item whose entry has left the books counts for the amount recorded on the dispute item.
    """
    as_of = view.as_of
    disputes = ledger.scoped(ledger.disputes, scope).filter(
        (pl.col("opened_on") <= as_of)
        & (pl.col("closed_on").is_null() | (pl.col("closed_on") > as_of))
        & ((pl.col("status") == "open") | pl.col("closed_on").is_not_null())
    )
    if disputes.is_empty():
        return 0, 0
    items = ledger.dispute_items.filter(
        pl.col("dispute_id").is_in(disputes["dispute_id"].implode())
    )
    residuals = view.open_items.select(pl.col("id").alias("entry_id"), "residual")
    known = ledger.entries.select(pl.col("id").alias("entry_id"), pl.lit(True).alias("known"))
    items = (
        items.unique("entry_id", keep="first")
        .join(residuals, on="entry_id", how="left")
        .join(known, on="entry_id", how="left")
        .with_columns(
            value=pl.when(pl.col("known").fill_null(False))
            .then(pl.col("residual").fill_null(0))
            .otherwise(pl.col("amount"))
        )
    )
    return disputes.height, int(items["value"].sum() or 0)


def customers_without_contact(ledger: Ledger, scope: Scope, view: LedgerView) -> int:
    """Customers who owe something (outstanding > 0) and have no usable contact.

    Usable: an email or a phone on the customer, or on one of its contacts whose dunning role
    (its own, else its service's) is not "never".
    """
    owing = (
        ledger.scoped(view.open_items, scope)
        .group_by("customer_id")
        .agg(pl.col("residual").sum())
        .filter(pl.col("residual") > 0)
    )
    reachable = ledger.memo(("reachable",), lambda: _reachable(ledger))
    return owing.filter(~pl.col("customer_id").is_in(reachable.implode())).height


def _reachable(ledger: Ledger) -> pl.Series:
    contacts = ledger.contacts.with_columns(
        role=pl.when(pl.col("role") != "").then(pl.col("role")).otherwise(pl.col("service_role"))
    ).filter(
        (pl.col("role") != "never")
        & ((pl.col("email") != "") | (pl.col("phone") != "") | (pl.col("mobile") != ""))
    )
    direct = ledger.customers.filter((pl.col("email") != "") | (pl.col("phone") != ""))
    return pl.concat([contacts["customer_id"], direct["customer_id"]]).unique()


def kpi_values(
    ledger: Ledger, scope: Scope, as_of: date, period_days: int = 90, cei_days: int = 30
) -> Kpis:
    """The KPIs from a loaded ledger (see `kpis`)."""
    view = ledger.view(as_of)
    items = ledger.scoped(view.open_items, scope)
    positive = pl.col("residual").clip(lower_bound=0)
    overdue_mask = pl.col("due") < as_of
    totals = items.select(
        pl.col("residual").sum().alias("outstanding"),
        positive.sum().alias("gross"),
        positive.filter(overdue_mask).sum().alias("overdue"),
        positive.filter(~overdue_mask).sum().alias("not_due"),
        pl.col("residual").clip(upper_bound=0).sum().alias("credits"),
        pl.len().alias("open_items"),
        pl.col("customer_id").n_unique().alias("customers"),
        pl.col("residual").filter(pl.col("doubtful")).sum().alias("doubtful"),
    ).row(0, named=True)
    outstanding = int(totals["outstanding"] or 0)
    not_due = int(totals["not_due"] or 0)

    days = daily_flows(ledger, scope, as_of)
    by_month = dict(
        days.group_by(pl.col("posting_date").dt.truncate("1mo"))
        .agg(pl.col("sales").sum())
        .iter_rows()
    )

    def sales_between(start: date, end: date) -> int:
        """Net sales posted after `start` up to `end` included."""
        return int(
            days.filter(pl.col("posting_date").is_between(start, end, closed="right"))[
                "sales"
            ].sum()
            or 0
        )

    sales_period = sales_between(as_of - timedelta(days=period_days), as_of)
    dso = standard_dso(outstanding, sales_period, period_days)
    best = best_possible_dso(not_due, sales_period, period_days)

    start = as_of - timedelta(days=cei_days)
    before = ledger.scoped(ledger.view(start).open_items, scope)["residual"].sum() or 0
    cei = collection_effectiveness_index(
        int(before), sales_between(start, as_of), outstanding, not_due
    )
    cash = int(days.filter(pl.col("posting_date") >= month_start(as_of))["cash"].sum() or 0)
    disputes, disputed = open_disputes(ledger, scope, view)
    ids = ledger.customer_ids(scope)
    currencies = ledger.companies.filter(
        pl.col("company_id").is_in(ledger.active_company_ids(scope).implode())
    )
    return Kpis(
        as_of=as_of,
        book_currency=",".join(sorted(set(currencies["book_currency"].to_list()))) or "EUR",
        customers=ledger.customers.height if ids is None else ids.len(),
        customers_with_balance=int(totals["customers"] or 0),
        open_items=int(totals["open_items"] or 0),
        outstanding=money(outstanding),
        gross_receivables=money(totals["gross"]),
        overdue=money(totals["overdue"]),
        not_due=money(not_due),
        credits=money(totals["credits"]),
        overdue_ratio=overdue_ratio(int(totals["overdue"] or 0), int(totals["gross"] or 0)),
        sales_90_days=money(sales_period),
        dso_countback=countback_dso(outstanding, by_month, as_of),
        dso=dso,
        best_possible_dso=best,
        average_days_delinquent=average_days_delinquent(dso, best),
        cei=cei,
        cash_collected_month=money(cash),
        promises=_promise_stats(ledger, scope, as_of),
        open_disputes=disputes,
        disputed_amount=money(disputed),
        customers_without_contact=customers_without_contact(ledger, scope, view),
        doubtful=money(totals["doubtful"]),
    )


def kpis(
    engine: Engine,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
    period_days: int = 90,
    cei_days: int = 30,
) -> Kpis:
    """The dashboard KPIs of a scope as of a date.

    Args:
        engine: the store.
        scope: the viewer's scope.
        as_of: the date (default today).
        period_days: period of the standard and best possible DSO (default 90 days).
        cei_days: period of the collection effectiveness index (default 30 days).
    """
    return kpi_values(get_ledger(engine), scope, as_of or clock_today(), period_days, cei_days)
