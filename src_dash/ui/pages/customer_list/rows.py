"""What the customers table shows, built from the service's answers without Reflex: the query
from the filters' values, the header, the rows' cells, the count and the totals lines, in the
viewer's language and formats."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from src_dash.services.customers import (
    AMOUNT_COLUMNS,
    FLAG,
    GRADE,
    INTEGER,
    MONEY,
    Column,
    CustomerPage,
    CustomerQuery,
    CustomerRow,
)
from src_dash.ui import i18n, routes
from src_dash.ui.components.data_table import TableColumn
from src_dash.ui.components.filter_values import (
    GRADE_COLORS,
    NONE,
    amount_range,
    common_active,
    free_pairs,
    ids_of,
    profiles_of,
)
from src_dash.ui.i18n import Formats

LINK_COLUMNS = ("number", "name")


@dataclasses.dataclass
class ColumnChoice:
    """A column the user may show or hide."""

    key: str = ""
    label: str = ""
    shown: bool = False


def column_label(column: Column, lang: str) -> str:
    """A column's header in the language (free fields keep their Sage name)."""
    if column.is_free_field:
        return column.label
    return i18n.text(f"customers.col.{column.key}", lang)


def cell_text(row: CustomerRow, column: Column, fmt: Formats) -> str:
    """One cell, formatted: money in the row's currency, "12 jours", counts, flags' words."""
    value = row.value(column.key)
    if column.kind == MONEY:
        return fmt.money(value, row.currency)  # type: ignore[arg-type]
    if column.key == "oldest_days":
        if not row.oldest_days:
            return ""
        return i18n.text("unit.days", fmt.lang).format(value=fmt.count(row.oldest_days))
    if column.kind == INTEGER:
        return "" if value is None else fmt.count(int(value))  # type: ignore[arg-type]
    if column.kind == FLAG:
        return i18n.text(f"customers.flag.{column.key}", fmt.lang) if value else ""
    return str(value or "")


def column_kind(column: Column) -> str:
    """How the data table draws a column: link, number, badge or text."""
    if column.key in LINK_COLUMNS:
        return "link"
    if column.kind in (MONEY, INTEGER):
        return "number"
    if column.kind in (GRADE, FLAG):
        return "badge"
    return "text"


def table_columns(columns: tuple[Column, ...], lang: str) -> list[TableColumn]:
    """The header of the table for the chosen columns."""
    return [
        TableColumn(
            key=c.key,
            label=column_label(c, lang),
            kind=column_kind(c),
            sortable=True,
            in_card=c.key not in LINK_COLUMNS,
        )
        for c in columns
    ]


def _tones(row: CustomerRow) -> dict[str, str]:
    tones = {}
    if row.overdue > 0:
        tones["_tone.overdue"] = "red"
    if row.oldest_days > 60:
        tones["_tone.oldest_days"] = "red"
    elif row.oldest_days > 30:
        tones["_tone.oldest_days"] = "orange"
    return tones


def table_rows(page: CustomerPage, fmt: Formats) -> list[dict[str, str]]:
    """The page's rows formatted, with the reserved keys of the data table."""
    out = []
    for r in page.rows:
        cells = {c.key: cell_text(r, c, fmt) for c in page.columns}
        cells["_id"] = str(r.customer_id)
        cells["_href"] = routes.customer_href(r.customer_id)
        cells["_title"] = r.name
        cells["_subtitle"] = " · ".join(p for p in (r.number, r.company) if p)
        cells.update(_tones(r))
        cells["_color.grade"] = GRADE_COLORS.get(r.grade, "gray")
        cells["_color.stopped"] = "orange"
        cells["_color.flagged"] = "red"
        out.append(cells)
    return out


def count_text(n: int, fmt: Formats) -> str:
    """ "1 client", "1 234 clients"."""
    key = "customers.count_one" if n == 1 else "customers.count_many"
    return i18n.text(key, fmt.lang).format(n=fmt.count(n))


def totals_texts(page: CustomerPage, fmt: Formats) -> list[str]:
    """The matching customers' outstanding and overdue, one line per book currency (with its
    count of customers when there are several currencies)."""
    words = i18n.CATALOG[i18n.normalise_lang(fmt.lang)]
    several = len(page.totals) > 1
    lines = []
    for total in page.totals:
        line = words["customers.totals"].format(
            outstanding=fmt.money(total.outstanding, total.currency),
            overdue=fmt.money(total.overdue, total.currency),
        )
        lines.append(f"{count_text(total.customers, fmt)} · {line}" if several else line)
    return lines


def export_headers(columns: tuple[Column, ...], lang: str) -> dict[str, str]:
    """The exported file's column headers in the language (with the currency's)."""
    headers = {c.key: column_label(c, lang) for c in columns}
    headers["currency"] = i18n.text("customers.col.currency", lang)
    return headers


def active_filters(f: Mapping[str, Any]) -> int:
    """How many of the filters' values narrow the view (the search box aside)."""
    return sum([*common_active(f), not f["with_balance"], f["flagged_only"], f["stopped_only"]])


def customer_query(
    f: Mapping[str, Any], *, search: str, sort: str, descending: bool, page: int, page_size: str,
    columns: list[str],
) -> tuple[CustomerQuery, bool]:  # fmt: skip
    """The service's query from the filters' values (`FILTERS` of the state) and the table's
    search, sort, page and columns; and whether an amount typed is not one (it is then left
    out)."""
    low, high, amount_error = amount_range(f["min_amount"], f["max_amount"])
    sales_rep = f["sales_rep"]
    query = CustomerQuery(
        search=search,
        company_ids=ids_of(f["company"]),
        sales_rep_ids=(0,) if sales_rep == NONE else ids_of(sales_rep),
        profiles=profiles_of(f["profile"]),
        grades=tuple(f["grades"]),
        min_days_overdue=int(f["min_days"]) if f["min_days"].isdigit() else None,
        amount_on=f["amount_on"] if f["amount_on"] in AMOUNT_COLUMNS else "outstanding",
        min_amount=low,
        max_amount=high,
        free=free_pairs(f["free_field"], f["free_value"]),
        with_balance=f["with_balance"],
        flagged_only=f["flagged_only"],
        stopped_only=f["stopped_only"],
        sort=sort,
        descending=descending,
        page=page,
        page_size=int(page_size) if page_size.isdigit() else 25,
        columns=tuple(columns),
    )
    return query, amount_error
