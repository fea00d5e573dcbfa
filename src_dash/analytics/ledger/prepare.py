"""Rules applied once per load: the open period, the kind of each line, the lettering groups.

- Only the open fiscal years count: entries posted before the company's `open_from` (or after
  `open_to`) are left out, and carried-forward lines count only when posted on or before the
  company's first ordinary line in the open period.
- Each line gets a kind: in a "bank" journal (more credit than debit lines) a credit is a payment
  and a debit an other debit; elsewhere a debit is an invoice (or a fee) and a credit a credit
  note.
- A lettering group is the lines of one customer with one lettering code, with whether all are
  lettered, its settlement date, its net amount and its last posting date.
"""

from __future__ import annotations

import polars as pl

from src_dash.analytics.ledger.kinds import (
    KIND_CREDIT_NOTE,
    KIND_FEE,
    KIND_INVOICE,
    KIND_OTHER_DEBIT,
    KIND_PAYMENT,
    KINDS,
)


def prepare_entries(
    entries: pl.DataFrame, companies: pl.DataFrame, fee_ids: list[int] | None = None
) -> pl.DataFrame:
    """Apply the open-period rule, classify lines and compute lettering groups."""
    frame = _in_open_period(entries, companies)
    # One integer per lettering group (customer, code); lines without a code get none.
    code = pl.col("lettering_code")
    group_key = (
        pl.when(code != "")
        .then(
            pl.col("customer_id").cast(pl.Int64) * (1 << 32)
            + code.cast(pl.Categorical).to_physical().cast(pl.Int64)
        )
        .otherwise(None)
    )
    frame = frame.with_columns(
        kind=_kind(frame, fee_ids or []),
        due=pl.coalesce("due_date", "posting_date"),
        group_key=group_key,
    )
    return _with_groups(frame)


def _in_open_period(entries: pl.DataFrame, companies: pl.DataFrame) -> pl.DataFrame:
    """The entries of the open period, with only the first opening's carried-forward lines."""
    bounds = companies.select("company_id", "open_from", "open_to")
    in_period = (
        pl.col("open_from").is_null() | (pl.col("posting_date") >= pl.col("open_from"))
    ) & (pl.col("open_to").is_null() | (pl.col("posting_date") <= pl.col("open_to")))
    dated = entries.lazy().join(bounds.lazy(), on="company_id", how="left").filter(in_period)
    # The opening that counts is the first one: carried-forward lines posted on or before the
    # company's first ordinary line. Later ones open a year whose own lines are here too.
    # Detailed carried-forward lines keep their original dates, all before that first line.
    first_plain = (
        dated.filter(~pl.col("carried_forward"))
        .group_by("company_id")
        .agg(pl.col("posting_date").min().alias("first_plain"))
    )
    return (
        dated.join(first_plain, on="company_id", how="left")
        .filter(
            ~pl.col("carried_forward")
            | pl.col("first_plain").is_null()
            | (pl.col("posting_date") <= pl.col("first_plain"))
        )
        .drop("open_from", "open_to", "first_plain")
        .collect()
    )


def _kind(frame: pl.DataFrame, fee_ids: list[int]) -> pl.Expr:
    """The kind of each line (KINDS), from its journal, sign, due date and label."""
    # Bank journals: more credit than debit lines (few pairs: compared one by one).
    banks = (
        frame.filter(~pl.col("carried_forward"))
        .group_by("company_id", "journal")
        .agg(((pl.col("amount") < 0).sum() > (pl.col("amount") > 0).sum()).alias("bank"))
        .filter(pl.col("bank"))
    )
    is_bank = pl.lit(False)
    for company_id, journal in banks.select("company_id", "journal").iter_rows():
        is_bank = is_bank | ((pl.col("company_id") == company_id) & (pl.col("journal") == journal))
    credit = pl.col("amount") < 0
    # A debit outside the bank journals with no due date (or a fee's label) is a fee: due on its
    # posting date, dunned, but neither a sale nor the invoice that makes a customer late.
    fee_list = pl.Series(fee_ids, dtype=pl.Int64).implode()
    fee = pl.col("due_date").is_null() | pl.col("id").is_in(fee_list)
    return (
        pl.when(is_bank & ~pl.col("carried_forward"))
        .then(pl.when(credit).then(pl.lit(KIND_PAYMENT)).otherwise(pl.lit(KIND_OTHER_DEBIT)))
        .when(credit)
        .then(pl.lit(KIND_CREDIT_NOTE))
        .when(fee & ~pl.col("carried_forward"))
        .then(pl.lit(KIND_FEE))
        .otherwise(pl.lit(KIND_INVOICE))
        .cast(KINDS)
    )


def _with_groups(frame: pl.DataFrame) -> pl.DataFrame:
    """Add each line's group columns; an entry without a code is a group of its own."""
    groups = (
        frame.lazy()
        .filter(pl.col("group_key").is_not_null())
        .group_by("group_key")
        .agg(
            pl.col("lettered").all().alias("group_lettered"),
            pl.coalesce(
                pl.col("lettering_date").max(),
                pl.col("posting_date").filter(pl.col("amount") < 0).max(),
                pl.col("posting_date").max(),
            ).alias("group_settled_on"),
            pl.col("amount").sum().alias("group_net"),
            pl.col("posting_date").max().alias("group_last_posted"),
        )
    )
    return (
        frame.lazy()
        .join(groups, on="group_key", how="left")
        .with_columns(
            group_lettered=pl.coalesce("group_lettered", "lettered"),
            group_net=pl.coalesce("group_net", "amount"),
            group_last_posted=pl.coalesce("group_last_posted", "posting_date"),
            group_settled_on=pl.when(pl.col("group_key").is_null())
            .then(
                pl.when(pl.col("lettered")).then(
                    pl.coalesce("lettering_date", "settled_on", "posting_date")
                )
            )
            .otherwise(pl.col("group_settled_on")),
        )
        .collect()
    )
