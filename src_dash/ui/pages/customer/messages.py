"""The card's messages tab: what was sent to the customer, each opening in the message dialog
(its addressees, its body as the customer saw it, its PDF)."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.controls import soft_button, text_button
from src_dash.ui.kit.widgets import message_addressees, message_dialog
from src_dash.ui.pages.customer.parts import line_button, listing, ruled
from src_dash.ui.pages.customer.state import CardState


def _message_dialog() -> rx.Component:
    s, m = CardState, CardState.message
    return message_dialog(
        m,
        head=rx.vstack(
            message_addressees(m, "card.message.to", "card.message.cc"),
            rx.text(m.when, size="1", color_scheme="gray"),
            spacing="1",
        ),
        open_=s.message_open,
        on_open_change=s.set_message_open,
        close_key="card.close",
        actions=(
            rx.cond(
                m.has_pdf,
                soft_button(
                    "file-down",
                    "card.message.pdf",
                    on_click=s.download_pdf(m.id),
                    id="message-pdf",
                ),
            ),
        ),
    )


def _row(m: rx.Var) -> rx.Component:
    return rx.flex(
        rx.vstack(
            text_button(m.subject, CardState.open_message(m.id), "open-message", weight="medium"),
            rx.text(m.when, " · ", m.channel, " · ", m.recipients, size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.badge(m.status, color_scheme=m.status_color),
        rx.cond(
            m.has_pdf,
            line_button(
                "file-down",
                "card.message.pdf",
                "message-pdf",
                on_click=CardState.download_pdf(m.id),
            ),
        ),
        gap="var(--space-2)",
        align="center",
        **ruled("message"),
    )


def messages_tab() -> rx.Component:
    """The messages sent, newest first, and the dialog that opens one."""
    return rx.card(
        listing(CardState.card.messages, _row, "card.messages.none"),
        _message_dialog(),
        width="100%",
        id="messages",
    )
