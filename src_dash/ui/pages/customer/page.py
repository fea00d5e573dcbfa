"""The customer card's page: the head, the replies to read, and the five tabs."""

from __future__ import annotations

import reflex as rx

from src_dash.ui import routes
from src_dash.ui.components.data_table import data_table
from src_dash.ui.components.layout import page_frame
from src_dash.ui.components.replies import replies_card
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.customer.follow import follow_tab, timeline_tab
from src_dash.ui.pages.customer.header import card_header
from src_dash.ui.pages.customer.messages import messages_tab
from src_dash.ui.pages.customer.state import CardState
from src_dash.ui.pages.customer.summary import summary_tab


def _items_tab() -> rx.Component:
    return data_table(
        CardState.items_header,
        CardState.items,
        table_id="open-items",
        empty_text=words("card.items.none"),
    )


def _tab(value: str, key: str, count: rx.Var[int] | None = None) -> rx.Component:
    suffix = rx.fragment()
    if count is not None:
        suffix = rx.cond(count > 0, rx.text.span("\u00a0(", count, ")"))
    return rx.tabs.trigger(
        words(key),
        suffix,
        value=value,
        id=f"tab-{value}",
        flex_shrink="0",
    )


def _tabs() -> rx.Component:
    return rx.tabs.root(
        rx.box(
            rx.tabs.list(
                _tab("summary", "card.tab.summary"),
                _tab("items", "card.tab.items", CardState.items.length()),
                _tab("timeline", "card.tab.timeline"),
                _tab("follow", "card.tab.follow"),
                _tab("messages", "card.tab.messages", CardState.messages.length()),
                size="2",
                # Five tabs do not fit a phone's width: they go on two lines there.
                flex_wrap="wrap",
            ),
            width="100%",
        ),
        rx.tabs.content(summary_tab(), value="summary", padding_top="12px"),
        rx.tabs.content(_items_tab(), value="items", padding_top="12px"),
        rx.tabs.content(timeline_tab(), value="timeline", padding_top="12px"),
        rx.tabs.content(follow_tab(), value="follow", padding_top="12px"),
        rx.tabs.content(messages_tab(), value="messages", padding_top="12px"),
        default_value="summary",
        width="100%",
    )


def _not_found() -> rx.Component:
    return rx.vstack(
        rx.callout.root(
            rx.callout.icon(rx.icon("search-x")),
            rx.callout.text(
                rx.cond(CardState.error != "", CardState.error, words("card.not_found"))
            ),
            color_scheme=rx.cond(CardState.error != "", "red", "gray"),
            id="card-not-found",
            width="100%",
        ),
        rx.link(words("card.back"), href=routes.CUSTOMERS),
        spacing="3",
        width="100%",
    )


def customer_page() -> rx.Component:
    """The card of the customer in the URL, or "not found" when the viewer may not see it."""
    return page_frame(
        rx.cond(
            CardState.loaded,
            rx.cond(
                CardState.found,
                rx.vstack(
                    card_header(),
                    replies_card(after=CardState.load),
                    _tabs(),
                    spacing="4",
                    width="100%",
                    id="customer-card",
                ),
                _not_found(),
            ),
            rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
        ),
        on_lang_change=CardState.load,
    )
