"""Filter controls shared by the table pages (customers, open items)."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.i18n import t
from src_dash.ui.state import UiState

ALL = "all"  # the value of a select's "any" option


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
    on_field: rx.EventHandler,
    on_value: rx.EventHandler,
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
