"""The customer card's page: the head, the replies to read, and the five tabs."""

from __future__ import annotations

import reflex as rx

from src_dash.ui import routes
from src_dash.ui.components.data_table import data_table
from src_dash.ui.components.layout import page_frame
from src_dash.ui.components.replies import replies_card
from src_dash.ui.kit.controls import column
from src_dash.ui.kit.widgets import callout, loading, words
from src_dash.ui.pages.customer.follow import follow_tab, timeline_tab
from src_dash.ui.pages.customer.header import card_header
from src_dash.ui.pages.customer.live import live_poller
from src_dash.ui.pages.customer.messages import messages_tab
from src_dash.ui.pages.customer.space import space_section
from src_dash.ui.pages.customer.space_requests import space_requests_card
from src_dash.ui.pages.customer.state import CardState
from src_dash.ui.pages.customer.summary import summary_tab


def _items_tab() -> rx.Component:
    return data_table(
        CardState.card.items_header,
        CardState.card.item_rows,
        table_id="open-items",
        empty_text=words("card.items.none"),
    )


def _tab(value: str, count: rx.Var[int] | None) -> rx.Component:
    suffix = rx.fragment()
    if count is not None:
        suffix = rx.cond(count > 0, rx.text.span("\u00a0(", count, ")"))
    return rx.tabs.trigger(
        words(f"card.tab.{value}"),
        suffix,
        value=value,
        id=f"tab-{value}",
        flex_shrink="0",
    )


def _tabs() -> rx.Component:
    # Each tab: its value (and words "card.tab.<value>"), its view, the count beside its name.
    tabs = (
        ("summary", summary_tab, None),
        ("items", _items_tab, CardState.card.item_rows.length()),
        ("timeline", timeline_tab, None),
        ("follow", follow_tab, None),
        ("messages", messages_tab, CardState.card.messages.length()),
    )
    return rx.tabs.root(
        rx.box(
            rx.tabs.list(
                *[_tab(value, count) for value, _, count in tabs],
                size="2",
                # Five tabs do not fit a phone's width: they go on two lines there.
                flex_wrap="wrap",
            ),
            width="100%",
        ),
        *[rx.tabs.content(view(), value=value, padding_top="12px") for value, view, _ in tabs],
        default_value="summary",
        width="100%",
    )


def _not_found() -> rx.Component:
    return column(
        callout(
            "search-x",
            rx.cond(CardState.error != "", CardState.error, words("card.not_found")),
            color_scheme=rx.cond(CardState.error != "", "red", "gray"),
            id="card-not-found",
            width="100%",
        ),
        rx.link(words("card.back"), href=routes.CUSTOMERS),
    )


def customer_page() -> rx.Component:
    """The card of the customer in the URL, or "not found" when the viewer may not see it."""
    return page_frame(
        loading(
            CardState.loaded,
            rx.cond(
                CardState.found,
                rx.vstack(
                    live_poller(),
                    card_header(),
                    replies_card(after=CardState.load),
                    space_requests_card(after=CardState.load),
                    _tabs(),
                    space_section(),
                    spacing="4",
                    width="100%",
                    id="customer-card",
                ),
                _not_found(),
            ),
        ),
        on_lang_change=CardState.load,
    )
