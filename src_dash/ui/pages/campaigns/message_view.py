"""The dialog that shows a message: to whom (an email), or that it is a letter or a call, then
the body as the customer reads it."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.widgets import message_addressees, message_dialog, words
from src_dash.ui.pages.campaigns.message_state import MessageState


def _head() -> rx.Component:
    m = MessageState.msg
    return rx.match(
        m.channel,
        (
            "email",
            rx.box(
                message_addressees(m, "camp.message.to", "camp.message.cc"),
                id="message-to",
            ),
        ),
        ("letter", rx.badge(rx.icon("file-text", size=12), words("camp.message.letter"))),
        ("phone", rx.text(words("camp.message.call"), size="2")),
        rx.fragment(),
    )


def message_box() -> rx.Component:
    """The message opened, in a dialog."""
    return message_dialog(
        MessageState.msg,
        head=_head(),
        open_=MessageState.msg_open,
        on_open_change=MessageState.set_msg_open,
        close_key="camp.close",
        height="55vh",
        max_width="780px",
    )
