"""Balances: outstanding, overdue and not yet due, per customer, company, sales rep, collector,
currency, or consolidated.

Definitions (as of D, on the open items of `LedgerView`):
- outstanding: the signed sum of residuals; unapplied payments and credit notes lower it.
- overdue: the sum of positive residuals whose due date is before D (an item with no due date is
  due on its posting date).
- not due: the sum of positive residuals due on D or later.
- credits: the sum of negative residuals (unapplied payments, credit notes); so
  outstanding = overdue + not due + credits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import Ledger, get_ledger
from src_dash.analytics.scope import EVERYTHING, Scope
from src_dash.clock import today as clock_today
from src_dash.money import from_cents

GROUPINGS = ("customer", "company", "sales_rep", "collector", "currency", "total")


def money(cents: int | None) -> Decimal:
    """Integer cents (None = 0) as a Decimal amount."""
    return from_cents(int(cents or 0))


def amounts(row: Mapping[str, int | None], *names: str) -> dict[str, Decimal]:
    """The row's cents columns `names` as Decimal amounts (to give to `from_row`)."""
    return {name: money(row[name]) for name in names}


def with_groups(frame: pl.DataFrame, ledger: Ledger, by: str) -> pl.DataFrame:
    """Add `key`, `label` and `book_currency` columns to a frame with customer_id and company_id.

    `by="collector"` repeats a customer's rows under each collector whose portfolio holds it
    (its `collector_id` and its portfolio assignments); customers with none go under key "".

    Raises:
        ValueError: for an unknown grouping.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}")
    companies = ledger.companies.select("company_id", "book_currency", pl.col("code").alias("cc"))
    frame = frame.join(companies, on="company_id", how="left")
    if by == "customer":
        customers = ledger.customers.select("customer_id", "number", "name")
        return frame.join(customers, on="customer_id", how="left").with_columns(
            key=pl.col("number"), label=pl.col("name")
        )
    if by == "company":
        names = ledger.companies.select("company_id", "name")
        return frame.join(names, on="company_id", how="left").with_columns(
            key=pl.col("cc"), label=pl.col("name")
        )
    if by == "sales_rep":
        reps = ledger.sales_reps.select(
            "sales_rep_id",
            pl.concat_str("first_name", "last_name", separator=" ").str.strip_chars().alias("rn"),
        )
        customers = ledger.customers.select("customer_id", "sales_rep_id")
        return _keyed_by(frame, customers, reps, "sales_rep_id", "rn")
    if by == "collector":
        links = pl.concat(
            [
                ledger.customers.select("customer_id", pl.col("collector_id").alias("user_id")),
                ledger.portfolio.select("customer_id", "user_id"),
            ]
        ).unique()
        links = links.filter(pl.col("user_id").is_not_null())
        users = ledger.users.select("user_id", "name")
        return _keyed_by(frame, links, users, "user_id", "name")
    if by == "currency":
        return frame.with_columns(
            key=pl.when(pl.col("currency") == "")
            .then(pl.col("book_currency"))
            .otherwise(pl.col("currency")),
            label=pl.lit(""),
        )
    return frame.with_columns(key=pl.lit("all"), label=pl.lit("all companies"))


@dataclass(frozen=True)
class Balance:
    """What one group owes, as of a date.

    Attributes:
        key: the group: customer number, company code, sales rep id, collector (user) id,
            currency code, or "all".
        label: its name.
        book_currency: the book currency of the amounts (consolidation adds companies that
            keep their books in the same currency; one row per book currency).
        outstanding: signed sum of residuals.
        overdue: positive residuals past due.
        not_due: positive residuals not yet due.
        credits: negative residuals (unapplied payments, credit notes).
        open_items: number of open items.
        customers: number of customers with open items.
        outstanding_currency: for `by="currency"`, the outstanding in that currency (None for
            the book currency itself).
    """

    key: str
    label: str
    book_currency: str
    outstanding: Decimal
    overdue: Decimal
    not_due: Decimal
    credits: Decimal
    open_items: int
    customers: int
    outstanding_currency: Decimal | None = None


def _keyed_by(
    frame: pl.DataFrame, links: pl.DataFrame, names: pl.DataFrame, id_column: str, name_column: str
) -> pl.DataFrame:
    """Group a frame's rows by the person its customers link to (a sales rep, a collector): key
    their id ("" for none), label their name."""
    return (
        frame.join(links, on="customer_id", how="left")
        .join(names, on=id_column, how="left")
        .with_columns(
            key=pl.col(id_column).cast(pl.String).fill_null(""),
            label=pl.col(name_column).fill_null(""),
        )
    )


def balance_frame(ledger: Ledger, scope: Scope, as_of: date, by: str) -> pl.DataFrame:
    """Balances as a frame of cents, one row per group and book currency."""
    items = ledger.scoped(ledger.view(as_of).open_items, scope)
    items = with_groups(items, ledger, by)
    positive = pl.col("residual").clip(lower_bound=0)
    overdue = pl.col("due") < as_of
    return (
        items.group_by("key", "book_currency")
        .agg(
            pl.col("label").first(),
            pl.col("residual").sum().alias("outstanding"),
            positive.filter(overdue).sum().alias("overdue"),
            positive.filter(~overdue).sum().alias("not_due"),
            pl.col("residual").clip(upper_bound=0).sum().alias("credits"),
            pl.len().alias("open_items"),
            pl.col("customer_id").n_unique().alias("customers"),
            pl.col("residual_currency").sum().alias("outstanding_currency"),
            (pl.col("currency") != "").any().alias("foreign"),
        )
        .sort("outstanding", "key", descending=[True, False])
    )


def balances(
    engine: Engine,
    scope: Scope = EVERYTHING,
    as_of: date | None = None,
    by: str = "customer",
) -> list[Balance]:
    """Outstanding, overdue, not due and credits per group, largest outstanding first.

    Args:
        engine: the store.
        scope: the viewer's scope.
        as_of: the date (default today).
        by: customer, company, sales_rep, collector, currency or total (consolidated).
    """
    as_of = as_of or clock_today()
    frame = balance_frame(get_ledger(engine), scope, as_of, by)
    return [
        Balance(
            key=row["key"],
            label=row["label"] or "",
            book_currency=row["book_currency"],
            outstanding=money(row["outstanding"]),
            overdue=money(row["overdue"]),
            not_due=money(row["not_due"]),
            credits=money(row["credits"]),
            open_items=row["open_items"],
            customers=row["customers"],
            outstanding_currency=(
                money(row["outstanding_currency"]) if by == "currency" and row["foreign"] else None
            ),
        )
        for row in frame.iter_rows(named=True)
    ]
