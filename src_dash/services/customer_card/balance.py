"""The customer's balance (outstanding, overdue, credits, aging), its first open items with their
state, promise and dispute, and its score.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.analytics.aging import DEFAULT_BOUNDS, bucket_labels
from src_dash.analytics.balances import money
from src_dash.analytics.ledger import get_ledger
from src_dash.analytics.scoring import CustomerScore, score_frame, score_of
from src_dash.services.customer_card.model import OPEN_ITEMS_LIMIT, Balance, OpenItem
from src_dash.store import (
    Entry,
    ItemState,
)


def _balance(items: pl.DataFrame, as_of: date) -> Balance:
    """What the customer's open items add up to: outstanding, overdue, credits, aging."""
    positive = pl.col("residual").clip(lower_bound=0)
    days = pl.col("days_overdue")
    labels = bucket_labels(DEFAULT_BOUNDS)
    exprs = [positive.filter(days == 0).sum().alias(f"b:{labels[0]}")]
    low = 1
    for label, high in zip(labels[1:-1], DEFAULT_BOUNDS, strict=True):
        exprs.append(positive.filter(days.is_between(low, high)).sum().alias(f"b:{label}"))
        low = high + 1
    exprs.append(positive.filter(days > DEFAULT_BOUNDS[-1]).sum().alias(f"b:{labels[-1]}"))
    sums = items.select(
        pl.col("residual").sum().alias("outstanding"),
        positive.filter(pl.col("due") < as_of).sum().alias("overdue"),
        positive.filter(pl.col("due") >= as_of).sum().alias("not_due"),
        pl.col("residual").clip(upper_bound=0).sum().alias("credits"),
        days.filter(pl.col("residual") > 0).max().alias("oldest"),
        pl.col("residual").filter(pl.col("doubtful")).sum().alias("doubtful"),
        *exprs,
    ).row(0, named=True)
    return Balance(
        outstanding=money(sums["outstanding"]),
        overdue=money(sums["overdue"]),
        not_due=money(sums["not_due"]),
        credits=money(sums["credits"]),
        open_items=items.height,
        oldest_days=int(sums["oldest"] or 0),
        aging=tuple((label, money(sums[f"b:{label}"])) for label in labels),
        doubtful=money(sums["doubtful"]),
    )


def _texts_and_states(
    conn: Connection, ids: list[int], as_of: date
) -> tuple[dict[int, tuple[str, str, str]], dict[int, tuple[int, str]]]:
    """Per item, its (piece, reference, label) and its (level, stop reason still in force)."""
    texts: dict[int, tuple[str, str, str]] = {}
    states: dict[int, tuple[int, str]] = {}
    e, st = Entry.__table__, ItemState.__table__
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in conn.execute(
            select(e.c.id, e.c.piece, e.c.reference, e.c.label).where(e.c.id.in_(chunk))
        ):
            texts[row.id] = (row.piece, row.reference, row.label)
        for row in conn.execute(
            select(st.c.entry_id, st.c.level, st.c.stop_reason, st.c.stop_until).where(
                st.c.entry_id.in_(chunk)
            )
        ):
            active = row.stop_reason and (row.stop_until is None or row.stop_until >= as_of)
            states[row.entry_id] = (row.level, row.stop_reason if active else "")
    return texts, states


def _covered(
    links: pl.DataFrame, heads: pl.DataFrame, key: str, customer_id: int, status: str
) -> set[int]:
    """The customer's items linked (by `key`) to a promise or dispute in this status."""
    mine = heads.filter((pl.col("customer_id") == customer_id) & (pl.col("status") == status))
    return set(links.join(mine, on=key)["entry_id"].to_list())


def _promised_and_disputed(ledger, customer_id: int) -> tuple[set[int], set[int]]:  # noqa: ANN001
    """The customer's items under a pending promise, and under an open dispute."""
    promised = _covered(ledger.promise_items, ledger.promises, "promise_id", customer_id, "pending")
    disputed = _covered(ledger.dispute_items, ledger.disputes, "dispute_id", customer_id, "open")
    return promised, disputed


def _balance_and_items(
    engine: Engine, conn: Connection, customer_id: int, as_of: date
) -> tuple[Balance, tuple[OpenItem, ...], CustomerScore | None]:
    ledger = get_ledger(engine)
    items = (
        ledger.view(as_of)
        .open_items.filter(pl.col("customer_id") == customer_id)
        .sort("due", "posting_date", "id")
    )
    balance = _balance(items, as_of)
    shown = items.head(OPEN_ITEMS_LIMIT)
    texts, states = _texts_and_states(conn, shown["id"].to_list(), as_of)
    promised, disputed = _promised_and_disputed(ledger, customer_id)
    open_items = tuple(
        OpenItem(
            entry_id=r["id"],
            kind=str(r["kind"]),
            journal=r["journal"],
            piece=texts.get(r["id"], ("", "", ""))[0],
            reference=texts.get(r["id"], ("", "", ""))[1],
            label=texts.get(r["id"], ("", "", ""))[2],
            posting_date=r["posting_date"],
            due_date=r["due_date"],
            amount=money(r["amount"]),
            residual=money(r["residual"]),
            days_overdue=int(r["days_overdue"]),
            level=states.get(r["id"], (0, ""))[0],
            stop_reason=states.get(r["id"], (0, ""))[1],
            promised=r["id"] in promised,
            disputed=r["id"] in disputed,
            doubtful=bool(r["doubtful"]),
        )
        for r in shown.iter_rows(named=True)
    )
    scored = score_frame(ledger, as_of).filter(pl.col("customer_id") == customer_id)
    score = score_of(scored.row(0, named=True)) if scored.height else None
    return balance, open_items, score
