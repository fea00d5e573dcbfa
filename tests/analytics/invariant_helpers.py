"""The invariant's checks, shared by the generated-ledger tests (test_invariant*.py): the open
items' residuals per customer, the aging adding up to the same total, and the reconciliation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.aging import aging
from src_dash.analytics.reconcile import reconcile
from src_dash.analytics.scope import Scope


def residuals_by_customer(items: pl.DataFrame, key: dict[int, object]) -> dict[object, Decimal]:
    """The open items' residuals summed per customer (by `key[customer_id]`), zeros left out."""
    return {
        key[c]: r
        for c, r in items.group_by("customer_id")
        .agg(pl.col("residual").sum())
        .filter(pl.col("residual") != 0)
        .iter_rows()
    }


def assert_aging_adds_up(store: Engine, scope: Scope, as_of: date, total: Decimal) -> None:
    """The aging buckets plus the credits, and the rows' totals, make `total`."""
    rows = aging(store, scope, as_of)
    aged = sum((sum(a for _, a in r.buckets) + r.credits for r in rows), Decimal("0.00"))
    assert aged == total == sum((r.total for r in rows), Decimal(0)), as_of


def assert_reconciled(
    store: Engine, code: str, as_of: date, total: Decimal, source_known: bool
) -> None:
    """The reconciliation of company `code` finds `total` in the app and in the books, with no
    difference; and in the source too when its balance is comparable (`source_known`)."""
    (found,) = reconcile(store, code, as_of)
    assert found.app_total == found.books_total == total, as_of
    assert found.difference == 0 and found.customers_differing == 0, found.as_dict()
    if source_known:
        assert found.source_total == total
