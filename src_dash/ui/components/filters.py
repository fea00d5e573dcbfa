"""Filter controls shared by the table pages (/clients, /echeances): the search box, the button
that shows the filters' panel and the panel itself, toggle buttons (grades, levels), the amount
range, the free-field filter, the load error. The values they set are read by
`components.filter_values` (no Reflex)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import reflex as rx
from reflex.event import EventSpec

from src_dash.ui.components.filter_values import ALL, GRADE_COLORS, GRADES
from src_dash.ui.i18n import t
from src_dash.ui.kit.widgets import error_notice
from src_dash.ui.state import UiState

__all__ = [
    "ALL",
    "amount_inputs",
    "filter_label",
    "filters_button",
    "filters_card",
    "free_field_filter",
    "grade_buttons",
    "load_error",
    "search_box",
    "select_of",
    "toggle_buttons",
]

# One toggle button: its value, its words, its colour.
Toggle = tuple[str, rx.Var[str] | str, str]


def filter_label(key: str) -> rx.Component:
    """A filter's small grey label, in the UI language."""
    return rx.text(t(key, UiState.lang), size="1", color_scheme="gray")


def free_field_filter(
    label_key: str,
    none_key: str,
    value_key: str,
    fields: rx.Var[list[str]],
    field: rx.Var[str],
    value: rx.Var[str],
    on_field: rx.EventHandler | EventSpec,
    on_value: rx.EventHandler | EventSpec,
    id_prefix: str,
) -> rx.Component:
    """A free-field filter: the field chosen among `fields` (Sage's names, as they are), then
    the text it must contain (sent after a short pause in the typing).

    Args:
        label_key, none_key, value_key: the words of the label, of the "no field" option and of
            the text's placeholder.
        id_prefix: the ids are `<id_prefix>-field` and `<id_prefix>-value`.
    """
    return rx.vstack(
        filter_label(label_key),
        rx.select.root(
            rx.select.trigger(width="100%", id=f"{id_prefix}-field"),
            rx.select.content(
                rx.select.item(t(none_key, UiState.lang), value=ALL),
                rx.foreach(fields, lambda f: rx.select.item(f, value=f)),
            ),
            value=field,
            on_change=on_field,
            size="2",
        ),
        rx.input(
            value=value,
            on_change=on_value.debounce(400),
            placeholder=t(value_key, UiState.lang),
            disabled=field == ALL,
            size="2",
            width="100%",
            id=f"{id_prefix}-value",
            aria_label=t(label_key, UiState.lang),
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def select_of(
    items: Sequence[rx.Component], value: rx.Var[str], on_change: EventSpec, id_: str
) -> rx.Component:
    """A select of the options given (already drawn), without its label."""
    return rx.select.root(
        rx.select.trigger(width="100%", id=id_),
        rx.select.content(*items),
        value=value,
        on_change=on_change,
        size="2",
    )


def toggle_buttons(
    label_key: str,
    values: Sequence[Toggle],
    chosen: rx.Var[list[str]],
    on_click: Callable[[str], EventSpec],
    prefix: str,
    size: str = "2",
) -> rx.Component:
    """A row of buttons that each add their value to a list filter or take it out (solid when
    in it); their ids are `<prefix>-<value>`."""
    return rx.vstack(
        filter_label(label_key),
        rx.hstack(
            *[
                rx.button(
                    text,
                    on_click=on_click(value),
                    variant=rx.cond(chosen.contains(value), "solid", "outline"),
                    color_scheme=color,
                    size=size,
                    id=f"{prefix}-{value}",
                    aria_pressed=chosen.contains(value),
                )
                for value, text, color in values
            ],
            spacing="1",
            wrap="wrap",
        ),
        spacing="1",
        width="100%",
    )


def grade_buttons(
    label_key: str,
    chosen: rx.Var[list[str]],
    on_click: Callable[[str], EventSpec],
    size: str = "2",
) -> rx.Component:
    """The grades A to E in their colours (ids `filter-grade-A` ...)."""
    values = [(g, g, GRADE_COLORS[g]) for g in GRADES]
    return toggle_buttons(label_key, values, chosen, on_click, "filter-grade", size)


def _typed_box(
    value: rx.Var[str],
    on_change: EventSpec | rx.EventHandler,
    pause_ms: int,
    placeholder_key: str,
    id_: str,
    *slots: rx.Component,
    **props: object,
) -> rx.Component:
    """A filter's text box, its value sent once the typing pauses for `pause_ms`."""
    return rx.input(
        *slots,
        value=value,
        on_change=on_change.debounce(pause_ms),
        placeholder=t(placeholder_key, UiState.lang),
        size="2",
        id=id_,
        **props,
    )


def _amount_input(value: rx.Var[str], on_change: EventSpec, placeholder_key: str, id_: str):  # noqa: ANN202
    return _typed_box(
        value, on_change, 500, placeholder_key, id_, input_mode="decimal", width="100%"
    )


def amount_inputs(
    low: rx.Var[str],
    high: rx.Var[str],
    on_low: EventSpec,
    on_high: EventSpec,
    error: rx.Var[bool],
    words_prefix: str,
) -> tuple[rx.Component, rx.Component]:
    """The lowest and highest amounts side by side (`filter-min-amount`, `filter-max-amount`),
    then a red line when one is not an amount; `words_prefix` is the catalogue's ("customers",
    "items") for the `<prefix>.filter.min`, `.max` and `.bad_amount` words."""
    return (
        rx.hstack(
            _amount_input(low, on_low, f"{words_prefix}.filter.min", "filter-min-amount"),
            _amount_input(high, on_high, f"{words_prefix}.filter.max", "filter-max-amount"),
            spacing="2",
            width="100%",
        ),
        rx.cond(
            error,
            rx.text(
                t(f"{words_prefix}.filter.bad_amount", UiState.lang), size="1", color_scheme="red"
            ),
        ),
    )


def search_box(
    value: rx.Var[str], on_change: rx.EventHandler, placeholder_key: str, id_: str
) -> rx.Component:
    """The search box of a table (sent after a short pause in the typing)."""
    return _typed_box(
        value,
        on_change,
        300,
        placeholder_key,
        id_,
        rx.input.slot(rx.icon("search", size=16)),
        type="search",
        flex="1",
        min_width=rx.breakpoints(initial="100%", sm="240px"),
    )


def filters_button(
    label_key: str, active: rx.Var[int], shown: rx.Var[bool], on_click: rx.EventHandler
) -> rx.Component:
    """The button that shows or hides the filters' panel, with the count of active filters."""
    return rx.button(
        rx.icon("sliders-horizontal", size=16),
        t(label_key, UiState.lang),
        rx.cond(active > 0, rx.badge(active, variant="solid", radius="full")),
        on_click=on_click,
        variant=rx.cond(shown, "solid", "soft"),
        id="filters-button",
        aria_expanded=shown,
    )


def filters_card(
    fields: Sequence[rx.Component], reset_key: str, on_reset: rx.EventHandler
) -> rx.Component:
    """The filters' panel: the fields in a grid (one to four columns), and the reset button."""
    return rx.card(
        rx.vstack(
            rx.grid(
                *fields,
                columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                spacing="4",
                width="100%",
            ),
            rx.hstack(
                rx.spacer(),
                rx.button(
                    rx.icon("eraser", size=14),
                    t(reset_key, UiState.lang),
                    on_click=on_reset,
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    id="filters-reset",
                ),
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="filters-panel",
    )


def load_error(error: rx.Var[str]) -> rx.Component:
    """The red callout saying why the table could not be read (nothing when it could)."""
    return error_notice(error)
