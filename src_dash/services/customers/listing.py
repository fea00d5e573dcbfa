"""The customer list a viewer asks for: columns resolved, filtered, sorted and paged, with the
options of its filters.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.access import Viewer, require
from src_dash.analytics.balances import money
from src_dash.analytics.ledger import get_ledger
from src_dash.analytics.scoring import GRADES
from src_dash.clock import today as clock_today
from src_dash.money import to_cents
from src_dash.services.customers.frame import customers_frame
from src_dash.services.customers.model import (
    AMOUNT_COLUMNS,
    COLUMN_KEYS,
    COLUMNS,
    FREE_PREFIX,
    MAX_PAGE_SIZE,
    READ,
    TEXT,
    Choice,
    Column,
    CurrencyTotal,
    CustomerPage,
    CustomerQuery,
    CustomerRow,
    FilterOptions,
    QueryError,
)
from src_dash.services.rows import from_row
from src_dash.services.scope_choices import RepChoice, scope_choices

# --- the query -----------------------------------------------------------------------------------


def _free_names(frame: pl.DataFrame) -> list[str]:
    return [c.removeprefix(FREE_PREFIX) for c in frame.columns if c.startswith(FREE_PREFIX)]


def resolve_columns(keys: tuple[str, ...] | list[str], frame: pl.DataFrame) -> tuple[Column, ...]:
    """The columns of keys, in order; free fields the store does not hold are left out.

    Raises:
        QueryError: for a key that is neither a column nor a free field.
    """
    known = {c.key: c for c in COLUMNS}
    free = set(_free_names(frame))
    out = []
    for key in keys:
        if key in known:
            out.append(known[key])
        elif key.startswith(FREE_PREFIX):
            name = key.removeprefix(FREE_PREFIX)
            if name in free:
                out.append(Column(key, TEXT, name))
        else:
            raise QueryError(f"unknown column {key!r}")
    return tuple(out)


def _filtered(frame: pl.DataFrame, query: CustomerQuery) -> pl.DataFrame:
    """The rows of the frame the query's filters keep (scope already applied)."""
    conditions: list[pl.Expr] = []
    if query.with_balance:
        conditions.append(pl.col("open_items") > 0)
    words = query.search.lower().split()
    conditions += [pl.col("haystack").str.contains(w, literal=True) for w in words]
    if query.company_ids:
        conditions.append(pl.col("company_id").is_in(list(query.company_ids)))
    if query.sales_rep_ids:
        reps = [r for r in query.sales_rep_ids if r]
        cond = pl.col("sales_rep_id").is_in(reps)
        if 0 in query.sales_rep_ids:
            cond = cond | pl.col("sales_rep_id").is_null()
        conditions.append(cond)
    if query.profiles:
        conditions.append(pl.col("profile").is_in(list(query.profiles)))
    if query.grades:
        conditions.append(pl.col("grade").is_in([g.upper() for g in query.grades]))
    if query.min_days_overdue is not None:
        conditions.append(pl.col("oldest_days") >= int(query.min_days_overdue))
    if query.min_amount is not None or query.max_amount is not None:
        if query.amount_on not in AMOUNT_COLUMNS:
            raise QueryError(f"amount filter on {query.amount_on!r}; use one of {AMOUNT_COLUMNS}")
        if query.min_amount is not None:
            conditions.append(pl.col(query.amount_on) >= to_cents(query.min_amount))
        if query.max_amount is not None:
            conditions.append(pl.col(query.amount_on) <= to_cents(query.max_amount))
    free_names = set(_free_names(frame))
    for name, value in query.free:
        if name not in free_names:
            # No customer has this field: nothing matches a filter on it.
            conditions.append(pl.lit(False))
            continue
        column = pl.col(FREE_PREFIX + name).str.to_lowercase()
        conditions += [column.str.contains(w, literal=True) for w in value.lower().split()]
    if query.flagged_only:
        conditions.append(pl.col("flagged"))
    if query.stopped_only:
        conditions.append(pl.col("stopped"))
    return frame.filter(*conditions) if conditions else frame


def _sorted(frame: pl.DataFrame, query: CustomerQuery) -> pl.DataFrame:
    """The rows in the query's order; ties stay in number order (the frame's own order)."""
    key = query.sort
    if key not in COLUMN_KEYS and key not in frame.columns:
        raise QueryError(f"cannot sort on {key!r}")
    if key == "grade":
        key = "score"
    if key == "number":
        return frame.reverse() if query.descending else frame
    return frame.sort(key, descending=query.descending, nulls_last=True, maintain_order=True)


def _view(engine: Engine, who: Viewer, query: CustomerQuery, as_of: date | None):  # noqa: ANN202
    """The scoped, filtered, sorted frame of a query, and its date."""
    require(who, READ)
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    frame = ledger.scoped(customers_frame(engine, ledger, as_of), who.scope)
    return _sorted(_filtered(frame, query), query), as_of


def _row(row: dict, free_names: list[str]) -> CustomerRow:
    score = row["score"]
    return from_row(
        CustomerRow,
        row,
        company=row["company"] or "",
        currency=row["currency"] or "EUR",
        outstanding=money(row["outstanding"]),
        overdue=money(row["overdue"]),
        not_due=money(row["not_due"]),
        credits=money(row["credits"]),
        credit_limit=money(row["credit_limit"]),
        open_items=int(row["open_items"]),
        oldest_days=int(row["oldest_days"]),
        score=None if score is None else int(score),
        stopped=bool(row["stopped"]),
        flagged=bool(row["flagged"]),
        free_fields=tuple(
            (n, row[FREE_PREFIX + n]) for n in free_names if row[FREE_PREFIX + n] != ""
        ),
    )


def list_customers(
    engine: Engine,
    who: Viewer,
    query: CustomerQuery = CustomerQuery(),  # noqa: B008 (a frozen dataclass)
    as_of: date | None = None,
) -> CustomerPage:
    """One page of the customers the viewer may see, filtered and sorted.

    Args:
        engine: the store.
        who: the viewer; only their portfolio is listed.
        query: filters, sort, page and columns.
        as_of: the date of the figures (default today).

    Raises:
        AccessDenied: when nobody is signed in.
        QueryError: for an unknown column or amount field.
    """
    frame, as_of = _view(engine, who, query, as_of)
    size = max(1, min(int(query.page_size), MAX_PAGE_SIZE))
    total = frame.height
    pages = max(1, -(-total // size))
    page = max(0, min(int(query.page), pages - 1))
    totals = (
        frame.group_by("currency")
        .agg(
            pl.len().alias("n"),
            pl.col("outstanding").sum(),
            pl.col("overdue").sum(),
        )
        .sort("currency")
    )
    free_names = _free_names(frame)
    rows = frame.slice(page * size, size)
    return CustomerPage(
        rows=tuple(_row(r, free_names) for r in rows.iter_rows(named=True)),
        total=total,
        page=page,
        page_size=size,
        pages=pages,
        totals=tuple(
            CurrencyTotal(
                currency=r["currency"] or "EUR",
                customers=r["n"],
                outstanding=money(r["outstanding"]),
                overdue=money(r["overdue"]),
            )
            for r in totals.iter_rows(named=True)
        ),
        columns=resolve_columns(query.columns, frame),
        as_of=as_of,
    )


def filter_options(engine: Engine, who: Viewer, as_of: date | None = None) -> FilterOptions:
    """The companies, sales reps, profiles and free fields found in the viewer's portfolio.

    Raises:
        AccessDenied: when nobody is signed in.
    """
    require(who, READ)
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    frame = ledger.scoped(customers_frame(engine, ledger, as_of), who.scope)
    companies, reps = scope_choices(ledger, frame)
    # Customers without a sales rep: the "none" choice, last (value 0, no name).
    no_rep = (RepChoice(0, ""),) if frame["sales_rep_id"].null_count() else ()
    profiles = sorted(set(frame["profile"].to_list()))
    free = [n for n in _free_names(frame) if bool((frame[FREE_PREFIX + n] != "").any())]
    rep_choices = (*reps, *no_rep)
    # One sales rep in the whole portfolio (a sales rep's own): their column would say the same
    # on every row, so it is not offered.
    columns = tuple(c for c in COLUMNS if len(rep_choices) > 1 or c.key != "sales_rep")
    return FilterOptions(
        companies=tuple(Choice(str(c.company_id), c.label) for c in companies),
        sales_reps=tuple(Choice(str(r.sales_rep_id), r.name) for r in rep_choices),
        profiles=tuple(Choice(p, p) for p in profiles),
        grades=tuple(letter for _, letter in GRADES),
        free_fields=tuple(free),
        columns=columns + tuple(Column(FREE_PREFIX + n, TEXT, n) for n in free),
    )
