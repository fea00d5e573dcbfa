"""The open items a viewer asks for: filtered, sorted and paged, the choices of the filters, and the
ids of every item a filter keeps.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.analytics.balances import money
from src_dash.analytics.ledger import KIND_FEE, Ledger
from src_dash.clock import today as clock_today
from src_dash.money import to_cents
from src_dash.services.inputs import InvalidInput, check_one_of
from src_dash.services.open_items.frames import (
    _customer_free,
    _entry_free,
    _frame,
    _free_choices,
    _free_match,
    _texts,
    _texts_by_ids,
)
from src_dash.services.open_items.model import (
    GRADES,
    MAX_PAGE_SIZE,
    SORTS,
    STATES,
    FilterChoices,
    OpenItemFilters,
    OpenItemRow,
    OpenItemsPage,
)
from src_dash.services.rows import from_row
from src_dash.services.scope_choices import scope_choices

# ---------------------------------------------------------------------------------------------
# Queries


def _conditions(engine: Engine, ledger: Ledger, as_of: date, f: OpenItemFilters) -> list[pl.Expr]:
    out: list[pl.Expr] = []
    if f.company_ids:
        out.append(pl.col("company_id").is_in(list(f.company_ids)))
    if f.sales_rep_ids:
        out.append(pl.col("sales_rep_id").is_in(list(f.sales_rep_ids)))
    if f.customer_ids:
        out.append(pl.col("customer_id").is_in(list(f.customer_ids)))
    if f.profiles:
        out.append(pl.col("profile").is_in(list(f.profiles)))
    if f.grades:
        check_one_of("grades", f.grades, GRADES)
        out.append(pl.col("grade").is_in(list(f.grades)))
    if f.min_days_late is not None:
        out.append(pl.col("days_late") >= int(f.min_days_late))
    if f.max_days_late is not None:
        out.append(pl.col("days_late") <= int(f.max_days_late))
    if f.min_residual is not None:
        out.append(pl.col("residual") >= to_cents(Decimal(str(f.min_residual))))
    if f.max_residual is not None:
        out.append(pl.col("residual") <= to_cents(Decimal(str(f.max_residual))))
    if f.levels:
        out.append(pl.col("level").is_in([int(v) for v in f.levels]))
    if f.journals:
        out.append(pl.col("journal").is_in(list(f.journals)))
    if f.kinds:
        out.append(pl.col("kind").cast(pl.String).is_in(list(f.kinds)))
    if f.due_from is not None:
        out.append(pl.col("due") >= f.due_from)
    if f.due_to is not None:
        out.append(pl.col("due") <= f.due_to)
    if f.states:
        check_one_of("states", f.states, STATES)
        out.append(pl.col("state").is_in(list(f.states)))
    if f.doubtful is not None:
        out.append(pl.col("doubtful") if f.doubtful else ~pl.col("doubtful"))
    if f.free_fields:
        free = _customer_free(engine, ledger)
        out.extend(_free_match(free, "customer_id", f.free_fields, "free_fields"))
    if f.entry_free_fields:
        free = _entry_free(engine, ledger)
        out.extend(_free_match(free, "id", f.entry_free_fields, "entry_free_fields"))
    search = f.search.strip().lower()
    if search:
        texts = _texts(engine, ledger, as_of)
        found = texts.filter(pl.col("text").str.contains(search, literal=True))["id"]
        out.append(
            pl.col("customer_text").str.contains(search, literal=True)
            | pl.col("id").is_in(found.implode())
        )
    return out


def _kept(
    engine: Engine, who: Viewer, filters: OpenItemFilters | None, as_of: date
) -> tuple[Ledger, pl.DataFrame]:
    """The open items of the viewer's scope that the filters keep."""
    ledger, frame = _frame(engine, as_of)
    conditions = _conditions(engine, ledger, as_of, filters or OpenItemFilters())
    allowed = ledger.customer_ids(who.scope)
    if allowed is not None:
        conditions.insert(0, pl.col("customer_id").is_in(allowed.implode()))
    return ledger, (frame.filter(*conditions) if conditions else frame)


def open_items(
    engine: Engine,
    who: Viewer,
    filters: OpenItemFilters | None = None,
    sort: str = "due_date",
    descending: bool = False,
    page: int = 0,
    page_size: int = 50,
    as_of: date | None = None,
) -> OpenItemsPage:
    """One page of the open items the viewer may see, filtered and sorted on the server.

    Args:
        engine: the store.
        who: the viewer (any role; the rows are those of their scope).
        filters: what to keep (default everything).
        sort: a key of SORTS; ties are broken by due date then entry id.
        descending: sort order.
        page: the page number, from 0 (past the end gives the last page).
        page_size: rows per page, 1..MAX_PAGE_SIZE.
        as_of: the day the items are open on (default today).

    Raises:
        InvalidInput: for an unknown sort key, grade or state, or a bad page size.
    """
    check_one_of("sort", [sort], SORTS)
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInput("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
    as_of = as_of or clock_today()
    ledger, kept = _kept(engine, who, filters, as_of)
    total = kept.height
    sums = kept.select(
        pl.col("residual").sum().alias("total"),
        pl.col("residual").filter((pl.col("residual") > 0) & (pl.col("days_late") > 0)).sum(),
    ).row(0)
    pages = max((total + page_size - 1) // page_size, 1)
    page = min(max(int(page), 0), pages - 1)
    column = SORTS[sort]
    if column in ("piece", "reference"):
        texts = _texts(engine, ledger, as_of).select("id", column)
        kept = kept.join(texts, on="id", how="left")
    by = [column] + [c for c in ("due", "id") if c != column]
    order = [descending] + [False] * (len(by) - 1)
    if sort == "due_date":
        # Invoices first: fees and interest, due on posting, would fill the first page.
        kept = kept.with_columns(_fee_last=pl.col("kind") == KIND_FEE)
        by, order = ["_fee_last", *by], [False, *order]
    rows = (
        kept.lazy()
        .sort(by, descending=order, nulls_last=True)
        .slice(page * page_size, page_size)
        .collect()
    )
    texts = _texts_by_ids(engine, rows["id"].to_list())
    by_id = {r["id"]: r for r in texts.iter_rows(named=True)}
    return OpenItemsPage(
        as_of=as_of,
        rows=tuple(_row(r, by_id.get(r["id"], {})) for r in rows.iter_rows(named=True)),
        total=total,
        page=page,
        page_size=page_size,
        pages=pages,
        total_residual=money(sums[0]),
        overdue_residual=money(sums[1]),
        sort=sort,
        descending=descending,
    )


def _row(r: dict, t: dict) -> OpenItemRow:
    return from_row(
        OpenItemRow,
        r,
        entry_id=r["id"],
        company_code=r["company_code"] or "",
        customer_number=r["number"] or "",
        customer_name=r["name"] or "",
        grade=r["grade"] or "",
        kind=str(r["kind"]),
        piece=t.get("piece") or "",
        reference=t.get("reference") or "",
        label=t.get("label") or "",
        amount=money(r["amount"]),
        residual=money(r["residual"]),
        currency=r["currency"] or "",
        residual_currency=None if r["residual_currency"] is None else money(r["residual_currency"]),
        stopped=bool(r["stopped"]),
        stop_reason=r["stop_reason"] or "",
        promise_amount=None if r["promise_amount"] is None else money(r["promise_amount"]),
        dispute_reason=r["dispute_reason"] or "",
        doubtful=bool(r["doubtful"]),
    )


def filter_choices(engine: Engine, who: Viewer, as_of: date | None = None) -> FilterChoices:
    """The values the filters offer, taken from the open items of the viewer's scope."""
    as_of = as_of or clock_today()
    ledger, frame = _frame(engine, as_of)
    frame = ledger.scoped(frame, who.scope)
    company_choices, rep_choices = scope_choices(ledger, frame)
    companies = tuple((c.company_id, c.code, c.name) for c in company_choices)
    reps = tuple((r.sales_rep_id, r.name) for r in rep_choices)
    free = _customer_free(engine, ledger).filter(
        pl.col("customer_id").is_in(frame["customer_id"].unique().implode())
    )
    entry_free = _entry_free(engine, ledger).filter(pl.col("id").is_in(frame["id"].implode()))
    return FilterChoices(
        companies=companies,
        sales_reps=reps,
        profiles=tuple(sorted(v for v in frame["profile"].unique().to_list() if v)),
        grades=GRADES,
        journals=tuple(sorted(frame["journal"].unique().to_list())),
        levels=tuple(sorted(frame["level"].unique().to_list())),
        kinds=tuple(sorted(frame["kind"].cast(pl.String).unique().to_list())),
        states=STATES,
        free_fields=_free_choices(free),
        entry_free_fields=_free_choices(entry_free),
    )


def open_item_ids(
    engine: Engine,
    who: Viewer,
    filters: OpenItemFilters | None = None,
    as_of: date | None = None,
) -> tuple[int, ...]:
    """The ids of every open item the filters keep (to act on a whole selection)."""
    _, kept = _kept(engine, who, filters, as_of or clock_today())
    return tuple(kept.sort("due", "id")["id"].to_list())
