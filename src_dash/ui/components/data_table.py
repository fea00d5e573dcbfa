"""A server-paged table: a sortable table on tablets and desktops, a list of cards on phones.

The state behind it keeps only the current page, already formatted on the server: the columns
(`TableColumn`) and the rows as `dict[str, str]` keyed by column key. A few row keys are
reserved:

- `_id`: the row's id (becomes `data-row-id`);
- `_href`: where the row leads (its link cells and its card title point there);
- `_title`, `_subtitle`: the card's heading and the line under it on phones;
- `_color.<key>`: the colour of a "badge" cell (a Radix colour: red, green, ...);
- `_tone.<key>`: the colour of the text of a "text" or "number" cell.

The page gives the events: sorting (`on_sort(key)`) and paging (`state_pager`). `table_page` lays
out a whole table page (title, toolbar, filters' panel, load error, rows).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec, EventType

from src_dash.ui.components.filters import load_error
from src_dash.ui.components.layout import loaded_page, title_block
from src_dash.ui.i18n import t
from src_dash.ui.kit.controls import row
from src_dash.ui.kit.widgets import notice
from src_dash.ui.state import UiState

# Below this breakpoint (48em = 768px) rows are cards; from it up, a table.
TABLE_FROM = "sm"


@dataclasses.dataclass
class TableColumn:
    """One column of a data table.

    Attributes:
        key: the key of the cells in the rows.
        label: the header, in the user's language.
        kind: text, number (right-aligned figures), link (to the row's `_href`) or badge.
        sortable: whether clicking the header sorts on it.
        in_card: whether phones' cards list it (the title and subtitle usually repeat the
            name and the number already).
    """

    key: str = ""
    label: str = ""
    kind: str = "text"
    sortable: bool = True
    in_card: bool = True


def _tone(row: rx.Var, key: rx.Var[str]) -> rx.Var[str]:
    return row["_tone." + key].to(str)


def _cell_content(row: rx.Var, col: rx.Var) -> rx.Component:
    value = row[col.key].to(str)
    tone = _tone(row, col.key)
    colored = rx.cond(
        tone,
        rx.text.span(value, color=f"var(--{tone}-11)", weight="medium"),
        rx.text.span(value),
    )
    return rx.match(
        col.kind,
        (
            "link",
            rx.link(
                value,
                href=row["_href"].to(str),
                color_scheme="gray",
                high_contrast=True,
                underline="hover",
                weight="medium",
            ),
        ),
        (
            "badge",
            rx.cond(
                value != "",
                rx.badge(
                    value,
                    color_scheme=row["_color." + col.key].to(str),
                    variant="soft",
                ),
            ),
        ),
        colored,
    )


def sort_icon(
    key: rx.Var[str] | str, sort_key: rx.Var[str], sort_desc: rx.Var[bool]
) -> rx.Component:
    """The arrow beside a sortable header: down or up on the column sorted on, faint elsewhere."""
    return rx.cond(
        sort_key == key,
        rx.cond(sort_desc, rx.icon("arrow-down", size=14), rx.icon("arrow-up", size=14)),
        rx.icon("arrow-up-down", size=14, opacity="0.35"),
    )


def aria_sort(key: rx.Var[str] | str, sort_key: rx.Var[str], sort_desc: rx.Var[bool]) -> rx.Var:
    """A header's `aria-sort`: descending or ascending on the column sorted on, else none."""
    return rx.cond(sort_key == key, rx.cond(sort_desc, "descending", "ascending"), "none")


def sort_button(
    label: rx.Component,
    key: rx.Var[str] | str,
    sort_key: rx.Var[str],
    sort_desc: rx.Var[bool],
    on_click: EventSpec,
    right: rx.Var[bool] | bool,
    **props: object,
) -> rx.Component:
    """A sortable header's words and arrow, as a plain button that sorts on `key`."""
    return rx.el.button(
        rx.hstack(
            label,
            sort_icon(key, sort_key, sort_desc),
            spacing="1",
            align="center",
            justify=rx.cond(right, "end", "start"),
            width="100%",
        ),
        on_click=on_click,
        type="button",
        data_sort_key=key,
        style={"all": "unset", "cursor": "pointer", "width": "100%", "display": "block"},
        **props,
    )


def _header_cell(
    col: rx.Var,
    sort_key: rx.Var[str] | None,
    sort_desc: rx.Var[bool] | None,
    on_sort: Callable[[rx.Var[str]], EventSpec] | None,
) -> rx.Component:
    right = col.kind == "number"
    label = rx.text.span(col.label, white_space="nowrap")
    if on_sort is None or sort_key is None or sort_desc is None:
        return rx.table.column_header_cell(label, text_align=rx.cond(right, "right", "left"))
    return rx.table.column_header_cell(
        rx.cond(
            col.sortable,
            sort_button(
                label, col.key, sort_key, sort_desc, on_sort(col.key), right, aria_label=col.label
            ),
            label,
        ),
        text_align=rx.cond(right, "right", "left"),
        aria_sort=aria_sort(col.key, sort_key, sort_desc),
        data_testid="column-header",
        data_key=col.key,
    )


def _table(
    columns: rx.Var[list[TableColumn]],
    rows: rx.Var[list[dict[str, str]]],
    table_id: str,
    sort_key: rx.Var[str] | None,
    sort_desc: rx.Var[bool] | None,
    on_sort: Callable[[rx.Var[str]], EventSpec] | None,
) -> rx.Component:
    def row(r: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.foreach(
                columns,
                lambda col: rx.table.cell(
                    _cell_content(r, col),
                    text_align=rx.cond(col.kind == "number", "right", "left"),
                    white_space=rx.cond(
                        (col.kind == "number") | (col.kind == "badge"), "nowrap", "normal"
                    ),
                    data_key=col.key,
                ),
            ),
            data_testid="table-row",
            data_row_id=r["_id"].to(str),
        )

    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.foreach(columns, lambda col: _header_cell(col, sort_key, sort_desc, on_sort))
                )
            ),
            rx.table.body(rx.foreach(rows, row)),
            size="1",
            variant="surface",
            width="100%",
            id=table_id,
        ),
        display=rx.breakpoints(initial="none", **{TABLE_FROM: "block"}),
        width="100%",
        overflow_x="auto",
    )


def card_line(label: rx.Var[str], value: rx.Component, **props: object) -> rx.Component:
    """A line of a phone's card: the column's name on the left, its value on the right."""
    return rx.hstack(
        rx.text(label, size="1", color_scheme="gray", flex_shrink="0"),
        rx.spacer(),
        rx.box(value, text_align="right", min_width="0"),
        width="100%",
        align="center",
        spacing="2",
        **props,
    )


def _cards(
    columns: rx.Var[list[TableColumn]], rows: rx.Var[list[dict[str, str]]], table_id: str
) -> rx.Component:
    def field(r: rx.Var, col: rx.Var) -> rx.Component:
        return rx.cond(
            col.in_card & (r[col.key].to(str) != ""),
            card_line(col.label, _cell_content(r, col), data_key=col.key),
        )

    def card(r: rx.Var) -> rx.Component:
        return rx.card(
            rx.vstack(
                rx.link(
                    rx.text(r["_title"].to(str), weight="bold", size="3"),
                    href=r["_href"].to(str),
                    color_scheme="gray",
                    high_contrast=True,
                    underline="none",
                ),
                rx.cond(
                    r["_subtitle"].to(str) != "",
                    rx.text(r["_subtitle"].to(str), size="1", color_scheme="gray"),
                ),
                rx.separator(size="4"),
                rx.foreach(columns, lambda col: field(r, col)),
                spacing="2",
                width="100%",
            ),
            width="100%",
            data_testid="table-card",
            data_row_id=r["_id"].to(str),
        )

    return rx.vstack(
        rx.foreach(rows, card),
        display=rx.breakpoints(initial="flex", **{TABLE_FROM: "none"}),
        spacing="2",
        width="100%",
        id=f"{table_id}-cards",
    )


def data_table(
    columns: rx.Var[list[TableColumn]],
    rows: rx.Var[list[dict[str, str]]],
    *,
    table_id: str,
    empty_text: rx.Var[str] | str,
    sort_key: rx.Var[str] | None = None,
    sort_desc: rx.Var[bool] | None = None,
    on_sort: Callable[[rx.Var[str]], EventSpec] | None = None,
    footer: rx.Component | None = None,
) -> rx.Component:
    """The rows of one page: a table from tablets up, cards on phones.

    Args:
        columns: the columns shown, in order.
        rows: the page's rows, formatted (see the module docstring for reserved keys).
        table_id: the table's id (its cards' list is `<table_id>-cards`).
        empty_text: what to say when there is no row.
        sort_key: the column sorted on (with `sort_desc` and `on_sort`, headers sort).
        sort_desc: whether the sort is descending.
        on_sort: the event a header click sends, with the column's key.
        footer: shown under the rows, e.g. a `state_pager`.
    """
    return rx.vstack(
        rx.cond(
            rows.length() > 0,
            rx.fragment(
                _table(columns, rows, table_id, sort_key, sort_desc, on_sort),
                _cards(columns, rows, table_id),
            ),
            notice("search-x", empty_text, f"{table_id}-empty"),
        ),
        footer if footer is not None else rx.fragment(),
        spacing="3",
        width="100%",
    )


def table_page(
    *,
    title: rx.Var[str],
    as_of: tuple[rx.Var[str], rx.Var[str]],
    toolbar: rx.Component,
    filters_panel: rx.Component,
    show_filters: rx.Var[bool],
    error: rx.Var[str],
    loaded: rx.Var[bool],
    body: rx.Component,
    on_lang_change: EventType[()],
    extra: tuple[rx.Component, ...] = (),
) -> rx.Component:
    """A server-paged table's page: its title and "as of" line (`as_of`: the words and the
    date), the toolbar, the filters' panel when shown, the load error, then `body` once loaded
    (a spinner before), and `extra` (dialogs mounted once)."""
    return loaded_page(
        title_block(title, as_of),
        toolbar,
        rx.cond(show_filters, filters_panel),
        load_error(error),
        loaded=loaded,
        content=body,
        on_lang_change=on_lang_change,
        extra=extra,
    )


def state_pager(
    state: type, page_sizes: list[str], pager_id: str, words_prefix: str = "table"
) -> rx.Component:
    """The pager of a `PagedTable` state: the rows-per-page choice, previous / next buttons
    around "page x of y" (ids `<pager_id>-size`, `-prev`, `-label`, `-next`); its words
    `<words_prefix>.prev`, `.next` and `.per_page` in the viewer's language, the buttons' words
    shown from tablets up (an arrow alone on phones)."""

    def words(key: str) -> rx.Var[str]:
        return t(f"{words_prefix}.{key}", UiState.lang)

    shown = rx.breakpoints(initial="none", **{TABLE_FROM: "inline"})
    return rx.flex(
        row(
            rx.select(
                page_sizes,
                value=state.page_size,
                on_change=state.set_page_size,
                size="1",
                id=f"{pager_id}-size",
            ),
            rx.text(words("per_page"), size="1", color_scheme="gray"),
        ),
        rx.spacer(),
        rx.hstack(
            rx.button(
                rx.icon("chevron-left", size=16),
                rx.text.span(words("prev"), display=shown),
                on_click=state.prev_page,
                disabled=~state.has_prev,
                variant="soft",
                size="2",
                id=f"{pager_id}-prev",
            ),
            rx.text(state.page_text, size="2", white_space="nowrap", id=f"{pager_id}-label"),
            rx.button(
                rx.text.span(words("next"), display=shown),
                rx.icon("chevron-right", size=16),
                on_click=state.next_page,
                disabled=~state.has_next,
                variant="soft",
                size="2",
                id=f"{pager_id}-next",
            ),
            align="center",
            spacing="3",
        ),
        align="center",
        gap="var(--space-3)",
        width="100%",
        wrap="wrap",
        id=pager_id,
    )
