"""The "dun now" dialog: the level (the scenario's next one proposed, a reason asked when it is
skipped past), the channel among the level's, a preview of the message as the customer will
read it, and the button that sends it (or plans the call)."""

from __future__ import annotations

import reflex as rx

from src_dash.services.dun_now import LEVELS
from src_dash.ui.components.item_actions.fields import (
    action_dialog,
    cancel_button,
    field,
    general_error,
    small_notice,
)
from src_dash.ui.components.item_actions.state import ItemActionsState
from src_dash.ui.kit.controls import button, column, row
from src_dash.ui.kit.widgets import words

A = ItemActionsState


def _preview_line(key: str, value: rx.Var[str], line_id: str) -> rx.Component:
    return rx.cond(
        value != "",
        rx.flex(
            rx.text(words(key), size="2", color_scheme="gray", flex_shrink="0", min_width="52px"),
            rx.text(value, size="2", word_break="break-word", id=line_id),
            spacing="2",
            width="100%",
        ),
    )


def _note(icon: str, key: str, **props) -> rx.Component:  # noqa: ANN003
    return small_notice(icon, words(key), **props)


def _loading() -> rx.Component:
    return row(
        rx.spinner(size="2"),
        rx.text(words("act.preview.loading"), size="2", color_scheme="gray"),
        padding_y="24px",
        justify="center",
        width="100%",
    )


def _body() -> rx.Component:
    # The body as the customer will see it, in a sandbox: no script, no link.
    return rx.cond(
        A.dun_html != "",
        rx.el.iframe(
            src_doc=A.dun_html,
            sandbox="",
            title=A.dun_subject,
            width="100%",
            height=rx.breakpoints(initial="42vh", sm="46vh"),
            style={
                "border": "1px solid var(--gray-a5)",
                "borderRadius": "var(--radius-2)",
                "background": "white",
            },
            id="preview-body",
        ),
    )


def _preview() -> rx.Component:
    return rx.cond(
        A.dun_loading,
        _loading(),
        rx.cond(
            A.dun_ready,
            column(
                rx.cond(
                    A.dun_approval,
                    _note("shield-check", "act.preview.approval", color_scheme="amber"),
                ),
                rx.match(
                    A.dun_channel,
                    ("phone", _note("phone", "act.preview.phone")),
                    ("letter", _note("mail", "act.preview.letter")),
                    rx.fragment(),
                ),
                column(
                    _preview_line("act.preview.to", A.dun_to, "preview-to"),
                    _preview_line("act.preview.cc", A.dun_cc, "preview-cc"),
                    _preview_line("act.preview.subject", A.dun_subject, "preview-subject"),
                    spacing="1",
                ),
                _body(),
                spacing="2",
            ),
        ),
    )


def _level_field() -> rx.Component:
    return field(
        "act.field.level",
        rx.select.root(
            rx.select.trigger(width="100%", id="level-input"),
            rx.select.content(
                *[rx.select.item(words(f"act.level.{n}"), value=str(n)) for n in LEVELS]
            ),
            value=A.dun_level,
            on_change=A.set_dun_level,
            disabled=A.dun_loading | A.saving,
        ),
        "level",
    )


def _channel_words(c: rx.Var[str]) -> rx.Var:
    return rx.match(
        c,
        ("email", words("act.channel.email")),
        ("letter", words("act.channel.letter")),
        words("act.channel.phone"),
    )


def _channel_field() -> rx.Component:
    return rx.cond(
        A.dun_channels.length() > 0,
        field(
            "act.field.channel",
            rx.segmented_control.root(
                rx.foreach(
                    A.dun_channels,
                    lambda c: rx.segmented_control.item(_channel_words(c), value=c),
                ),
                value=A.dun_channel,
                on_change=A.set_dun_channel,
                size="2",
                width="100%",
                id="channel-input",
            ),
            "channel",
        ),
    )


def _skip_reason() -> rx.Component:
    return rx.cond(
        A.dun_skips,
        field(
            "act.field.skip_reason",
            rx.text_area(
                value=A.dun_reason,
                on_change=A.set_dun_reason,
                max_length=500,
                rows="2",
                width="100%",
                placeholder=words("act.skip_reason.hint"),
                id="skip-reason-input",
            ),
            "skip_reason",
        ),
    )


def _footer() -> rx.Component:
    return row(
        rx.cond(
            A.dun_ready,
            rx.text(A.dun_step, " · ", A.dun_total, size="1", color_scheme="gray"),
        ),
        rx.spacer(),
        cancel_button(),
        button(
            "send",
            rx.cond(A.dun_channel == "phone", words("act.plan_call"), words("act.send")),
            icon_size=15,
            on_click=A.send_dun,
            disabled=~A.dun_ready,
            loading=A.saving,
            id="dun-submit",
        ),
        width="100%",
    )


def dun_dialog() -> rx.Component:
    """The "dun now" dialog."""
    return action_dialog(
        "dun",
        "act.dun",
        column(
            rx.text(A.target.level_text, size="1", color_scheme="gray", id="dun-reached"),
            rx.flex(
                _level_field(),
                _channel_field(),
                direction=rx.breakpoints(initial="column", sm="row"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                A.dun_proposed_text != "",
                rx.text(A.dun_proposed_text, size="1", color_scheme="gray", id="dun-proposed"),
            ),
            _skip_reason(),
            _preview(),
            general_error(),
            _footer(),
        ),
        max_width="760px",
    )
