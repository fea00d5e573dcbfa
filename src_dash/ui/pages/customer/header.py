"""The card's head: the way back to the list, the customer's name, grade, stop, flags and
profile, the stop (or resume) button with its dialog, and the key figures."""

from __future__ import annotations

import reflex as rx

from src_dash.ui import routes
from src_dash.ui.components.layout import page_title
from src_dash.ui.kit.widgets import kpi_tile, words
from src_dash.ui.pages.customer.state import CardState


def section(title_key: str, *children: rx.Component, section_id: str, **props) -> rx.Component:  # noqa: ANN003
    """A card of the page with its heading."""
    return rx.card(
        rx.vstack(
            rx.heading(words(title_key), as_="h2", size="3"),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        min_width="0",
        id=section_id,
        **props,
    )


def error_line(error: rx.Var[str]) -> rx.Component:
    """A form's error in red, when there is one."""
    return rx.cond(error != "", rx.text(error, color_scheme="red", size="2"))


def _kpi(key: str, tone: str | None = None) -> rx.Component:
    value = rx.text(
        CardState.kpis[key],
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
            CardState.grade != "",
            rx.badge(
                words("card.grade"),
                " ",
                CardState.grade,
                " · ",
                CardState.score,
                color_scheme=CardState.grade_color,
                size="2",
                id="grade-badge",
            ),
        ),
        rx.cond(
            CardState.stop_text != "",
            rx.badge(
                rx.icon("circle-pause", size=12),
                words("card.stopped"),
                color_scheme="orange",
                size="2",
                id="stopped-badge",
            ),
        ),
        rx.foreach(
            CardState.flags,
            lambda f: rx.badge(
                rx.icon("flag", size=12),
                f.title,
                color_scheme="red",
                size="2",
                data_testid="flag-badge",
            ),
        ),
        rx.cond(
            CardState.profile != "",
            rx.badge(CardState.profile, color_scheme="indigo", size="2"),
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
            rx.cond(CardState.kpis["doubtful"], _kpi("doubtful", "purple")),
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
                page_title(CardState.title),
                rx.text(CardState.subtitle, size="2", color_scheme="gray", id="card-subtitle"),
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
            CardState.app_stopped,
            rx.button(
                rx.icon("circle-play", size=16),
                words("card.resume"),
                on_click=CardState.resume,
                variant="soft",
                color_scheme="green",
                id="resume-button",
            ),
            _stop_dialog(),
        ),
    )


def dialog_buttons(submit_key: str, submit_id: str) -> rx.Component:
    """Cancel and submit, on the right of a dialog's form."""
    return rx.hstack(
        rx.dialog.close(rx.button(words("card.cancel"), variant="soft", color_scheme="gray")),
        rx.button(words(submit_key), type="submit", id=submit_id),
        justify="end",
        width="100%",
    )


def _stop_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("circle-pause", size=16),
                words("card.stop"),
                variant="soft",
                color_scheme="orange",
                id="stop-button",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(words("card.stop.title")),
            rx.form(
                rx.vstack(
                    rx.text(words("card.stop.reason"), size="2"),
                    rx.input(name="reason", required=True, width="100%", id="stop-reason"),
                    rx.text(words("card.stop.until_label"), size="2"),
                    rx.input(name="until", type="date", width="100%", id="stop-until"),
                    error_line(CardState.stop_error),
                    dialog_buttons("card.stop", "stop-submit"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=CardState.stop,
            ),
            max_width="420px",
        ),
        open=CardState.stop_open,
        on_open_change=CardState.set_stop_open,
    )
