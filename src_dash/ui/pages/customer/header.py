"""The card's head: the way back to the list, the customer's name, grade, stop, flags and
profile, the stop (or resume) button with its dialog, and the key figures."""

from __future__ import annotations

import reflex as rx

from src_dash.ui import routes
from src_dash.ui.components.layout import page_title
from src_dash.ui.kit.controls import dialog, soft_button
from src_dash.ui.kit.widgets import kpi_tile, words
from src_dash.ui.pages.customer.parts import captioned, dialog_buttons, error_line
from src_dash.ui.pages.customer.state import CardState


def _kpi(key: str, tone: str | None = None) -> rx.Component:
    value = rx.text(
        CardState.card.kpis[key],
        size=rx.breakpoints(initial="3", md="4"),
        weight="bold",
        color_scheme=tone,
        white_space="nowrap",
        data_testid="kpi-value",
    )
    return kpi_tile(words(f"card.kpi.{key}"), value, f"kpi-{key}", card=False)


def _badges() -> rx.Component:
    return rx.hstack(
        rx.cond(
            CardState.card.grade != "",
            rx.badge(
                words("card.grade"),
                " ",
                CardState.card.grade,
                " · ",
                CardState.card.score,
                color_scheme=CardState.card.grade_color,
                size="2",
                id="grade-badge",
            ),
        ),
        rx.cond(
            CardState.card.stop_text != "",
            rx.badge(
                rx.icon("circle-pause", size=12),
                words("card.stopped"),
                color_scheme="orange",
                size="2",
                id="stopped-badge",
            ),
        ),
        rx.foreach(
            CardState.card.flags,
            lambda f: rx.badge(
                rx.icon("flag", size=12),
                f.title,
                color_scheme="red",
                size="2",
                data_testid="flag-badge",
            ),
        ),
        rx.cond(
            CardState.card.profile != "",
            rx.badge(CardState.card.profile, color_scheme="indigo", size="2"),
        ),
        spacing="2",
        wrap="wrap",
    )


def _kpis() -> rx.Component:
    return rx.card(
        rx.grid(
            _kpi("outstanding"),
            _kpi("overdue", "red"),
            _kpi("not_due"),
            _kpi("credits"),
            _kpi("open_items"),
            _kpi("oldest"),
            rx.cond(CardState.card.kpis["doubtful"], _kpi("doubtful", "purple")),
            columns=rx.breakpoints(initial="2", sm="3", lg="6"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="card-kpis",
    )


def card_header() -> rx.Component:
    """The way back, the name and its badges, the stop button and the key figures."""
    return rx.vstack(
        rx.link(
            rx.hstack(
                rx.icon("arrow-left", size=14), words("card.back"), spacing="1", align="center"
            ),
            href=routes.CUSTOMERS,
            size="2",
            color_scheme="gray",
            id="back-to-list",
        ),
        rx.flex(
            rx.vstack(
                page_title(CardState.card.title),
                rx.text(CardState.card.subtitle, size="2", color_scheme="gray", id="card-subtitle"),
                _badges(),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            rx.hstack(_stop_button(), spacing="2", wrap="wrap"),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="var(--space-3)",
            width="100%",
            align=rx.breakpoints(initial="start", sm="start"),
        ),
        _kpis(),
        spacing="3",
        width="100%",
    )


def _stop_button() -> rx.Component:
    return rx.cond(
        CardState.can_work,
        rx.cond(
            CardState.card.app_stopped,
            soft_button(
                "circle-play",
                "card.resume",
                on_click=CardState.resume,
                color_scheme="green",
                id="resume-button",
            ),
            _stop_dialog(),
        ),
    )


def _stop_dialog() -> rx.Component:
    return dialog(
        "card.stop.title",
        rx.form(
            rx.vstack(
                captioned(
                    "card.stop.reason",
                    rx.input(name="reason", required=True, width="100%", id="stop-reason"),
                ),
                captioned(
                    "card.stop.until_label",
                    rx.input(name="until", type="date", width="100%", id="stop-until"),
                ),
                error_line(CardState.stop_error),
                dialog_buttons("card.stop", "stop-submit"),
                spacing="2",
                width="100%",
            ),
            on_submit=CardState.stop,
        ),
        open_=CardState.stop_open,
        on_open_change=CardState.set_stop_open,
        max_width="420px",
        trigger=soft_button("circle-pause", "card.stop", color_scheme="orange", id="stop-button"),
    )
