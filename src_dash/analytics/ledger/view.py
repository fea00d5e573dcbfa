"""The ledger as of a date: open items with their residuals, settled items, lines posted.

Lines posted after the date are ignored; a lettered group whose settlement date is after it, or
that does not net to zero, is taken as not lettered, and the credits of the group posted by the
date are applied to its debits in due-date order (the partial settlements known at the date); a
line with no lettering code keeps its stored settlement only if it was settled by the date and
the customer's settlements balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from src_dash.analytics.ledger.kinds import KIND_FEE

# The columns that lead a posted or settled line.
_ITEM_COLUMNS = ("id", "company_id", "customer_id", "kind", "posting_date", "due", "amount")
# The columns of an open item, before its residual in currency and days overdue are added.
_OPEN_COLUMNS = [
    "id",
    "company_id",
    "customer_id",
    "journal",
    "kind",
    "posting_date",
    "due_date",
    "due",
    "amount",
    "residual",
    "currency",
    "amount_currency",
    "carried_forward",
    "doubtful",
]


@dataclass(frozen=True)
class LedgerView:
    """The ledger as of a date.

    Attributes:
        as_of: the date.
        open_items: entries posted by `as_of` with a residual not zero as of that date, with
            `residual` (Int64 cents, signed), `residual_currency`, `due` (due date, or the
            posting date when there is none), `days_overdue` (as_of - due, 0 when not due),
            `doubtful` (a 416 line: counted, shown apart, not dunned by default).
        settled: debit items (invoices, carried-forward debits, other debits with a due date)
            fully lettered by `as_of`, with `settled_on` and `days_late` (settled_on - due).
        posted: every entry posted by `as_of` (kind, amount, dates).
    """

    as_of: date
    open_items: pl.DataFrame
    settled: pl.DataFrame
    posted: pl.DataFrame


def build_view(entries: pl.DataFrame, as_of: date) -> LedgerView:
    """The ledger as of `as_of`, from the prepared entries (see `prepare_entries`)."""
    posted = entries.filter(pl.col("posting_date") <= as_of)
    # Lettering decides which items are open, never how much is owed: a group is settled only
    # when it is lettered by as_of, all its lines are posted by then and they net to zero. A
    # group that does not net to zero (lettered across years, with a difference written off
    # elsewhere, partial) keeps its difference open on its lines, like a group not yet lettered.
    done = (
        pl.col("group_lettered")
        & (pl.col("group_settled_on") <= as_of)
        & (pl.col("group_last_posted") <= as_of)
        & (pl.col("group_net") == 0)
    )
    alone = _alone_residuals(posted.filter(pl.col("group_key").is_null() & ~done), as_of)
    pending = _pending_residuals(posted.filter(pl.col("group_key").is_not_null() & ~done))
    open_items = pl.concat([alone.select(_OPEN_COLUMNS), pending.select(_OPEN_COLUMNS)]).filter(
        pl.col("residual") != 0
    )
    return LedgerView(
        as_of=as_of,
        open_items=_with_currency_and_delay(open_items, as_of),
        settled=_settled(posted, done),
        posted=posted.select(*_ITEM_COLUMNS, "carried_forward", "bounced"),
    )


def _alone_residuals(alone: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Residuals of the lines without a lettering code, from their stored settlements."""
    known = pl.col("settled_on").is_null() | (pl.col("settled_on") <= as_of)
    alone = alone.with_columns(
        applied=pl.when(known).then(pl.col("settled_amount")).otherwise(0),
    )
    # Settled amounts of unlettered lines (Sage's partial settlements) move money from a payment
    # to an invoice: per customer they add up to zero. Where they do not (a settlement whose other
    # side is outside the open period or not on this account), they are not applied at all, so
    # the customer's open items still add up to its balance.
    balanced = pl.col("applied").sum().over("customer_id") == 0
    return alone.with_columns(
        residual=pl.when(balanced)
        .then(pl.col("amount") - pl.col("applied"))
        .otherwise(pl.col("amount"))
    ).drop("applied")


def _pending_residuals(pending: pl.DataFrame) -> pl.DataFrame:
    """Residuals of the groups not lettered by as_of: their credits known by then settle their
    debits in due-date order."""
    pending = pending.sort("group_key", "due", "posting_date", "id")
    group = "group_key"
    debit = pl.col("amount").clip(lower_bound=0)
    credit = (-pl.col("amount")).clip(lower_bound=0)
    return pending.with_columns(
        debit_before=debit.cum_sum().over(group) - debit,
        credit_before=credit.cum_sum().over(group) - credit,
        debits=debit.sum().over(group),
        credits=credit.sum().over(group),
    ).with_columns(
        residual=pl.when(pl.col("amount") > 0)
        .then(
            pl.col("amount")
            - (pl.col("credits") - pl.col("debit_before")).clip(0, pl.col("amount"))
        )
        .otherwise(
            pl.col("amount")
            + (pl.col("debits") - pl.col("credit_before")).clip(0, -pl.col("amount"))
        )
    )


def _with_currency_and_delay(open_items: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Add the residual in currency (pro rata of the amount) and the days overdue."""
    ratio_num = pl.col("amount_currency").cast(pl.Int128) * pl.col("residual")
    amount = pl.col("amount").cast(pl.Int128)
    return open_items.with_columns(
        residual_currency=pl.when(pl.col("amount_currency").is_null())
        .then(None)
        .when(pl.col("residual") == pl.col("amount"))
        .then(pl.col("amount_currency"))
        .otherwise(
            # Rounded half away from zero: (2n + d) // 2d on positive d.
            ((2 * ratio_num * amount.sign() + amount.abs()) // (2 * amount.abs())).cast(pl.Int64)
        ),
        days_overdue=(pl.lit(as_of) - pl.col("due")).dt.total_days().clip(lower_bound=0),
    ).drop("amount_currency")


def _settled(posted: pl.DataFrame, done: pl.Expr) -> pl.DataFrame:
    """Debit items (not fees) with a due date, fully lettered by as_of, and how late."""
    return posted.filter(
        done
        & (pl.col("amount") > 0)
        & pl.col("due_date").is_not_null()
        & (pl.col("kind") != KIND_FEE)
    ).select(
        *_ITEM_COLUMNS,
        pl.col("group_settled_on").alias("settled_on"),
        (pl.col("group_settled_on") - pl.col("due")).dt.total_days().alias("days_late"),
    )
