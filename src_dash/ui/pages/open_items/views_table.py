"""The rows of "/echeances": a table from desktops up (with its sortable headers), cards on
phones and tablets; each row with its selection box and its inline actions' menu."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.data_table import aria_sort, card_line, sort_button
from src_dash.ui.components.item_actions import row_menu
from src_dash.ui.kit.controls import column, table
from src_dash.ui.kit.widgets import notice, words
from src_dash.ui.pages.open_items.state import OpenItemsState

S = OpenItemsState


def _row_check(r: rx.Var) -> rx.Component:
    return rx.checkbox(
        checked=S.selected.contains(r.entry_id),
        on_change=lambda _v: S.toggle_row(r.entry_id),
        aria_label=words("items.select_row"),
        data_testid="row-select",
    )


def _menu(r: rx.Var) -> rx.Component:
    return row_menu(r.entry_id, r.state, r.item_stopped, S.can_work, ~r.negative)


def _level_badge(r: rx.Var) -> rx.Component:
    return rx.badge(r.level_text, color_scheme=r.level_color, variant="soft", data_testid="level")


def _state_badge(r: rx.Var) -> rx.Component:
    return rx.cond(
        r.state_text != "",
        rx.badge(
            r.state_text,
            color_scheme=r.state_color,
            variant="soft",
            white_space="normal",
            data_testid="state",
        ),
    )


def _doubtful_badge(r: rx.Var) -> rx.Component:
    return rx.cond(
        r.doubtful,
        rx.badge(
            words("items.doubtful"),
            color_scheme="purple",
            variant="soft",
            width="fit-content",
            data_testid="doubtful",
        ),
    )


def _last(r: rx.Var) -> rx.Component:
    return rx.cond(
        r.last_action != "",
        rx.vstack(
            rx.text(r.last_action, size="1", data_testid="last-action"),
            rx.text(r.last_on, size="1", color_scheme="gray"),
            spacing="0",
        ),
    )


def _header_cell(key: str | None, label_key: str, right: bool = False) -> rx.Component:
    label = rx.text.span(words(label_key), white_space="nowrap")
    align = "right" if right else "left"
    if key is None:
        return rx.table.column_header_cell(label, text_align=align)
    return rx.table.column_header_cell(
        sort_button(label, key, S.sort, S.descending, S.sort_by(key), right),
        text_align=align,
        aria_sort=aria_sort(key, S.sort, S.descending),
        data_key=key,
    )


def _page_check(id_: str, **props) -> rx.Component:  # noqa: ANN003
    return rx.checkbox(
        checked=S.page_selected, on_change=lambda _v: S.toggle_page(), id=id_, **props
    )


def _head() -> tuple[rx.Component, ...]:
    return (
        rx.cond(
            S.can_work,
            rx.table.column_header_cell(
                _page_check("select-page", aria_label=words("items.select_page")),
                width="32px",
            ),
        ),
        _header_cell("due_date", "items.col.due"),
        _header_cell("customer_name", "items.col.customer"),
        _header_cell("piece", "items.col.piece"),
        _header_cell("journal", "items.col.journal"),
        _header_cell("residual", "items.col.residual", right=True),
        _header_cell("level", "items.col.level"),
        _header_cell("last_action", "items.col.last_action"),
        _header_cell("promised_on", "items.col.state"),
        rx.table.column_header_cell(
            rx.text.span(words("items.col.actions"), class_name="rt-sr-only"),
            width="40px",
        ),
    )


def _due_cell(r: rx.Var) -> rx.Component:
    return rx.table.cell(
        rx.vstack(
            rx.text(r.due, size="2", white_space="nowrap"),
            rx.text(r.days, size="1", color=f"var(--{r.days_tone}-11)", white_space="nowrap"),
            spacing="0",
        ),
        data_key="due",
    )


def _customer_link(r: rx.Var, underline: str, weight: str, size: str) -> rx.Component:
    return rx.link(
        r.customer,
        href=r.href,
        color_scheme="gray",
        high_contrast=True,
        underline=underline,
        weight=weight,
        size=size,
    )


def _customer_cell(r: rx.Var) -> rx.Component:
    return rx.table.cell(
        rx.vstack(
            _customer_link(r, "hover", "medium", "2"),
            rx.text(r.number, " · ", r.company, size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
        ),
        data_key="customer",
    )


def _piece_cell(r: rx.Var) -> rx.Component:
    return rx.table.cell(
        rx.vstack(
            rx.text(r.piece, size="2", white_space="nowrap"),
            rx.cond(r.reference != "", rx.text(r.reference, size="1", color_scheme="gray")),
            _doubtful_badge(r),
            spacing="0",
        ),
        data_key="piece",
    )


def _row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.cond(S.can_work, rx.table.cell(_row_check(r), width="32px")),
        _due_cell(r),
        _customer_cell(r),
        _piece_cell(r),
        rx.table.cell(rx.text(r.journal, size="2"), data_key="journal"),
        rx.table.cell(
            rx.text(
                r.residual,
                size="2",
                weight="medium",
                color=rx.cond(r.negative, "var(--green-11)", "inherit"),
            ),
            text_align="right",
            white_space="nowrap",
            data_key="residual",
        ),
        rx.table.cell(_level_badge(r), data_key="level"),
        rx.table.cell(_last(r), data_key="last_action"),
        rx.table.cell(_state_badge(r), data_key="state", max_width="180px"),
        rx.table.cell(_menu(r), text_align="right", width="40px", padding_y="4px"),
        data_testid="item-row",
        data_row_id=r.entry_id,
        align="center",
    )


def _table() -> rx.Component:
    return rx.box(
        table(_head(), rx.foreach(S.rows, _row), id="items-table"),
        display=rx.breakpoints(initial="none", md="block"),
        width="100%",
    )


def _card_line(label_key: str, value: rx.Component) -> rx.Component:
    return card_line(words(label_key), value)


def _card_head(r: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(S.can_work, _row_check(r)),
        rx.vstack(
            _customer_link(r, "none", "bold", "3"),
            rx.text(r.piece, " · ", r.journal, " · ", r.number, size="1", color_scheme="gray"),
            _doubtful_badge(r),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        _menu(r),
        width="100%",
        align="start",
        spacing="2",
    )


def _card(r: rx.Var) -> rx.Component:
    days = rx.text.span(r.days, color=f"var(--{r.days_tone}-11)", weight="medium")
    return rx.card(
        column(
            _card_head(r),
            rx.separator(size="4"),
            _card_line("items.col.due", rx.text(r.due, " · ", days, size="2")),
            _card_line("items.col.residual", rx.text(r.residual, size="2", weight="bold")),
            _card_line("items.col.level", _level_badge(r)),
            rx.cond(
                r.last_action != "",
                _card_line(
                    "items.col.last_action", rx.text(r.last_action, " · ", r.last_on, size="1")
                ),
            ),
            rx.cond(r.state_text != "", _card_line("items.col.state", _state_badge(r))),
            spacing="2",
        ),
        width="100%",
        data_testid="item-card",
        data_row_id=r.entry_id,
    )


def _cards() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.can_work & (S.rows.length() > 0),
            rx.el.label(
                rx.hstack(
                    _page_check("select-page-cards"),
                    rx.text(words("items.select_page"), size="2"),
                    spacing="2",
                    align="center",
                ),
            ),
        ),
        rx.foreach(S.rows, _card),
        display=rx.breakpoints(initial="flex", md="none"),
        spacing="2",
        width="100%",
        id="items-cards",
    )


def item_rows() -> rx.Component:
    """The page's rows as a table and as cards, or the words saying none matches."""
    return rx.cond(
        S.rows.length() > 0,
        rx.fragment(_table(), _cards()),
        notice("search-x", words("items.empty"), "items-empty"),
    )
