"""The card's follow-up: the timeline tab (every event with its icon), and the follow-up tab
(comments and their form, flags and theirs, promises, disputes)."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from src_dash.services import followup
from src_dash.ui.kit.controls import soft_button
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.customer.parts import (
    error_line,
    halves,
    line_button,
    listing,
    ruled,
    section,
    when_by,
    worded_select,
)
from src_dash.ui.pages.customer.state import CardState
from src_dash.ui.pages.customer.timeline_rows import TIMELINE_FILTERS

_EVENT_ICONS = {
    "entry": ("file-text", "gray"),
    "payment": ("banknote", "green"),
    "good": ("circle-check", "green"),
    "bad": ("circle-x", "red"),
    "message": ("mail", "blue"),
    "promise": ("handshake", "amber"),
    "dispute": ("scale", "orange"),
    "comment": ("message-square", "indigo"),
    "flag": ("flag", "red"),
    "call": ("phone", "teal"),
    "stop": ("circle-pause", "orange"),
}


def _bubble(icon: str, color: str) -> rx.Component:
    return rx.center(
        rx.icon(icon, size=14, color=f"var(--{color}-11)"),
        width="28px",
        height="28px",
        min_width="28px",
        border_radius="50%",
        background_color=f"var(--{color}-a3)",
    )


def _event_icon(group: rx.Var[str]) -> rx.Component:
    return rx.match(
        group,
        *[(name, _bubble(icon, color)) for name, (icon, color) in _EVENT_ICONS.items()],
        _bubble("circle-dot", "gray"),
    )


def _event(e: rx.Var) -> rx.Component:
    return rx.hstack(
        _event_icon(e.group),
        rx.vstack(
            rx.flex(
                rx.text(e.label, size="2", weight="bold"),
                rx.spacer(),
                rx.text(e.amount, size="2", weight="medium", white_space="nowrap"),
                width="100%",
                gap="var(--space-2)",
            ),
            rx.cond(e.title != "", rx.text(e.title, size="2", word_break="break-word")),
            rx.cond(
                e.detail != "",
                rx.text(e.detail, size="1", color_scheme="gray", word_break="break-word"),
            ),
            when_by(e.when, e.by),
            spacing="0",
            width="100%",
            min_width="0",
        ),
        spacing="3",
        align="start",
        **ruled("timeline-event"),
    )


def _timeline_filter() -> rx.Component:
    """Chips: every event, or those of one kind."""
    return rx.flex(
        *[
            rx.button(
                words(f"card.timeline.filter.{key}"),
                size="1",
                radius="full",
                variant=rx.cond(CardState.timeline_filter == key, "solid", "soft"),
                on_click=CardState.set_timeline_filter(key),
                data_testid="timeline-filter",
                data_kind=key,
            )
            for key in ("all", *TIMELINE_FILTERS, "notes")
        ],
        gap="6px",
        wrap="wrap",
        id="timeline-filter",
    )


def timeline_tab() -> rx.Component:
    """The customer's events, newest first, a page at a time, filtered by kind; and how many
    the card did not read."""
    return rx.card(
        rx.vstack(
            _timeline_filter(),
            listing(CardState.timeline_shown, _event, "card.timeline.none"),
            rx.cond(
                CardState.timeline_more,
                rx.button(
                    words("card.timeline.more_button"),
                    variant="soft",
                    size="2",
                    on_click=CardState.more_timeline,
                    id="timeline-more",
                ),
            ),
            rx.cond(
                CardState.card.timeline_note != "",
                rx.text(CardState.card.timeline_note, size="1", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="timeline",
    )


def _note(n: rx.Var, testid: str, action: rx.Component | None = None) -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.text(n.title, size="2", weight="bold"),
            rx.cond(n.status != "", rx.badge(n.status, color_scheme=n.status_color)),
            rx.spacer(),
            rx.text(n.amount, size="2", weight="medium", white_space="nowrap"),
            action if action is not None else rx.fragment(),
            gap="var(--space-2)",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(n.body != "", rx.text(n.body, size="2", white_space="pre-line")),
        when_by(n.when, n.by),
        spacing="1",
        **ruled(testid, "6px"),
    )


def _list(
    items: rx.Var,
    testid: str,
    none_key: str,
    action: Callable[[rx.Var], rx.Component] | None = None,
) -> rx.Component:
    return listing(items, lambda n: _note(n, testid, action(n) if action else None), none_key)


def _note_form(fields: rx.Component, on_submit: rx.EventHandler) -> rx.Component:
    """A comment's or a flag's form, for who may note; empty again once sent."""
    return rx.cond(
        CardState.can_note,
        rx.form(fields, on_submit=on_submit, reset_on_submit=True, width="100%"),
    )


def _comment_form() -> rx.Component:
    return _note_form(
        rx.vstack(
            rx.text_area(
                name="body",
                placeholder=words("card.comment.placeholder"),
                required=True,
                width="100%",
                rows="3",
                id="comment-body",
            ),
            error_line(CardState.comment_error),
            rx.button(words("card.comment.add"), type="submit", size="2", id="comment-submit"),
            spacing="2",
            width="100%",
            align="end",
        ),
        CardState.add_comment,
    )


def _flag_form() -> rx.Component:
    return _note_form(
        rx.flex(
            worded_select("kind", followup.FLAG_KINDS, "card.flag", {"id": "flag-kind"}),
            rx.input(
                name="label",
                placeholder=words("card.flag.placeholder"),
                flex="1",
                min_width="160px",
                id="flag-label",
            ),
            soft_button(
                "flag",
                "card.flag.add",
                icon_size=14,
                type="submit",
                color_scheme="red",
                id="flag-submit",
            ),
            gap="var(--space-2)",
            wrap="wrap",
            width="100%",
        ),
        CardState.raise_flag,
    )


def _clear_flag_button(n: rx.Var) -> rx.Component:
    return rx.cond(
        CardState.can_note,
        line_button(
            "flag-off",
            "card.flag.clear",
            "clear-flag",
            on_click=CardState.clear_flag(n.id),
            color_scheme="gray",
        ),
    )


def follow_tab() -> rx.Component:
    """Comments and flags on the left, promises and disputes on the right."""
    return halves(
        (
            section(
                "card.comments",
                _comment_form(),
                _list(CardState.card.comments, "comment", "card.comments.none"),
                section_id="comments",
            ),
            section(
                "card.flags",
                _flag_form(),
                error_line(CardState.flag_error),
                _list(CardState.card.flags, "flag", "card.flags.none", _clear_flag_button),
                section_id="flags",
            ),
        ),
        (
            section(
                "card.promises",
                _list(CardState.card.promises, "promise", "card.promises.none"),
                section_id="promises",
            ),
            section(
                "card.disputes",
                _list(CardState.card.disputes, "dispute", "card.disputes.none"),
                section_id="disputes",
            ),
        ),
    )
