"""The page "/echeances": the toolbar, the filters' panel, the totals, the selection bar (with its
bulk actions), the rows with their pager, and the inline actions' dialogs (mounted once)."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.data_table import state_pager, table_page
from src_dash.ui.components.filters import filters_button, search_box
from src_dash.ui.components.item_actions import item_dialogs
from src_dash.ui.kit.controls import button, column, row
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.open_items.state import PAGE_SIZES, OpenItemsState
from src_dash.ui.pages.open_items.views_bulk import bulk_buttons, bulk_dialogs
from src_dash.ui.pages.open_items.views_filters import filters_panel
from src_dash.ui.pages.open_items.views_table import item_rows

S = OpenItemsState


def _toolbar() -> rx.Component:
    return row(
        search_box(S.search, S.set_search, "items.search", "items-search"),
        filters_button("items.filters", S.active_filters, S.show_filters, S.toggle_filters),
        width="100%",
    )


def _summary() -> rx.Component:
    return rx.flex(
        rx.text(S.total_text, weight="bold", size="2", id="items-total"),
        rx.text(S.totals_text, size="2", color_scheme="gray", id="items-totals"),
        direction=rx.breakpoints(initial="column", sm="row"),
        spacing=rx.breakpoints(initial="0", sm="3"),
        wrap="wrap",
        width="100%",
    )


def _selection_bar() -> rx.Component:
    return rx.cond(
        S.can_work & (S.selected.length() > 0),
        row(
            rx.icon("list-checks", size=18, color="var(--accent-11)"),
            rx.text(S.selected_text, size="2", weight="medium", id="selected-count"),
            bulk_buttons(),
            rx.spacer(),
            rx.button(
                words("items.clear_selection"),
                on_click=S.clear_selection,
                variant="ghost",
                color_scheme="gray",
                size="2",
                id="clear-selection",
            ),
            rx.link(
                button("send", "items.campaign", icon_size=15, size="2"),
                href=S.campaign_href,
                id="start-campaign",
                underline="none",
            ),
            spacing="3",
            wrap="wrap",
            width="100%",
            padding="10px 12px",
            border_radius="var(--radius-3)",
            background_color="var(--accent-a3)",
            border="1px solid var(--accent-a6)",
            id="selection-bar",
        ),
    )


def open_items_page() -> rx.Component:
    """Follow-up by due date: the viewer's open items with their inline actions."""
    return table_page(
        title=words("items.title"),
        as_of=(words("items.as_of"), S.as_of),
        toolbar=_toolbar(),
        filters_panel=filters_panel(),
        show_filters=S.show_filters,
        error=S.error,
        loaded=S.loaded,
        body=column(
            _summary(),
            _selection_bar(),
            column(item_rows(), state_pager(S, list(PAGE_SIZES), "items-pager", "items")),
        ),
        on_lang_change=S.load,
        extra=(item_dialogs(), bulk_dialogs()),
    )
