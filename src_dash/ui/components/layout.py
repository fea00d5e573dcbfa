"""The frame of every page: a header with the logo, the page title and the language switch."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType

from src_dash.ui.i18n import t
from src_dash.ui.state import UiState

MAX_WIDTH = "1200px"


def language_switch(on_change: EventType[()] | None = None) -> rx.Component:
    """A FR / EN switch bound to `UiState.lang`.

    Args:
        on_change: events to run after the language changed, such as the page's reload (its
            figures are formatted on the server, in the chosen language).
    """
    handlers: list = [UiState.set_lang]
    if on_change is not None:
        handlers.extend(on_change if isinstance(on_change, list) else [on_change])
    return rx.segmented_control.root(
        rx.segmented_control.item("FR", value="fr", id="lang-fr"),
        rx.segmented_control.item("EN", value="en", id="lang-en"),
        value=UiState.lang,
        on_change=handlers,
        size="1",
        radius="full",
        id="lang-switch",
        aria_label=t("lang.label", UiState.lang),
    )


def header(on_lang_change: EventType[()] | None = None) -> rx.Component:
    """The top bar: logo and name on the left, language switch on the right."""
    return rx.box(
        rx.hstack(
            rx.hstack(
                rx.image(src="/logo.svg", alt="", width="28px", height="28px"),
                rx.vstack(
                    rx.text("src_dash", weight="bold", size="3", line_height="1"),
                    rx.text(
                        t("app.tagline", UiState.lang),
                        size="1",
                        color_scheme="gray",
                        line_height="1",
                    ),
                    spacing="1",
                ),
                align="center",
                spacing="2",
            ),
            rx.spacer(),
            language_switch(on_lang_change),
            align="center",
            width="100%",
            max_width=MAX_WIDTH,
            margin_x="auto",
            padding_x=rx.breakpoints(initial="12px", md="24px"),
            padding_y="10px",
        ),
        as_="header",
        border_bottom="1px solid var(--gray-a5)",
        background_color="var(--color-panel-solid)",
        position="sticky",
        top="0",
        z_index="10",
        width="100%",
    )


def page_frame(
    *children: rx.Component, on_lang_change: EventType[()] | None = None
) -> rx.Component:
    """Wrap a page's content in the common header and a centred, padded column.

    Args:
        *children: the page's content.
        on_lang_change: events the language switch runs after changing the language.
    """
    return rx.box(
        header(on_lang_change),
        rx.box(
            *children,
            as_="main",
            width="100%",
            max_width=MAX_WIDTH,
            margin_x="auto",
            padding_x=rx.breakpoints(initial="12px", md="24px"),
            padding_y=rx.breakpoints(initial="16px", md="32px"),
        ),
        min_height="100vh",
        background_color="var(--gray-2)",
    )
