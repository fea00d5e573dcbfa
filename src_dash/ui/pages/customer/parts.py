"""The pieces the card's tabs draw alike: a section with its heading, two columns of sections, a
list or its "none" words, a ruled line of a list, "when · by", a field under its caption, a
select of fixed values, a form's error, a dialog's buttons and the small icon button of a line."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from src_dash.ui.kit.controls import buttons, close_button, column
from src_dash.ui.kit.widgets import words


def section(title_key: str, *children: rx.Component, section_id: str, **props) -> rx.Component:  # noqa: ANN003
    """A card of the page with its heading."""
    return rx.card(
        column(rx.heading(words(title_key), as_="h2", size="3"), *children),
        width="100%",
        min_width="0",
        id=section_id,
        **props,
    )


def halves(left: tuple[rx.Component, ...], right: tuple[rx.Component, ...]) -> rx.Component:
    """Two columns of sections side by side, one under the other on a phone."""
    return rx.grid(
        column(*left),
        column(*right),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="3",
        width="100%",
    )


def none_text(key: str) -> rx.Component:
    """The grey words of an empty list."""
    return rx.text(words(key), size="2", color_scheme="gray")


def listing(
    items: rx.Var,
    line: Callable[[rx.Var], rx.Component],
    none_key: str,
    spacing: str = "0",
) -> rx.Component:
    """Each of `items` drawn by `line`, one under the other; the "none" words when empty."""
    return rx.cond(
        items.length() > 0,
        rx.vstack(rx.foreach(items, line), spacing=spacing, width="100%"),
        none_text(none_key),
    )


def ruled(testid: str, padding_y: str = "8px") -> dict[str, str]:
    """The props of a line of a list: the full width, a rule under it, its test id."""
    return {
        "width": "100%",
        "padding_y": padding_y,
        "border_bottom": "1px solid var(--gray-a4)",
        "data_testid": testid,
    }


def when_by(when: rx.Var[str], by: rx.Var[str]) -> rx.Component:
    """ "12/03/2026 14:05 · Marie", or the date alone."""
    return rx.text(when, rx.cond(by != "", rx.text.span(" · ", by)), size="1", color_scheme="gray")


def captioned(key: str, child: rx.Component) -> rx.Component:
    """A form's field under its caption."""
    return rx.vstack(rx.text(words(key), size="2"), child, spacing="1", width="100%")


def worded_select(
    name: str, values: tuple[str, ...], key_prefix: str, trigger: dict[str, str]
) -> rx.Component:
    """A form's select of fixed values, each said by the words of "<key_prefix>.<value>"; the
    first is chosen at first (`trigger`: the trigger's props, its id)."""
    return rx.select.root(
        rx.select.trigger(**trigger),
        rx.select.content(*[rx.select.item(words(f"{key_prefix}.{v}"), value=v) for v in values]),
        name=name,
        default_value=values[0],
    )


def error_line(error: rx.Var[str]) -> rx.Component:
    """A form's error in red, when there is one."""
    return rx.cond(error != "", rx.text(error, color_scheme="red", size="2"))


def dialog_buttons(submit_key: str, submit_id: str) -> rx.Component:
    """Cancel and submit, on the right of a dialog's form."""
    return buttons(
        close_button("card.cancel"), rx.button(words(submit_key), type="submit", id=submit_id)
    )


def line_button(icon: str, label_key: str, testid: str, **props: object) -> rx.Component:
    """The small flat icon button of a line (`props`: on_click, colour); its words name it."""
    return rx.icon_button(
        rx.icon(icon, size=14),
        variant="ghost",
        size="1",
        aria_label=words(label_key),
        data_testid=testid,
        **props,
    )
