"""Small pieces the views of /campagnes share: a card with its title, a count badge and a row of
them, a message's channel and level, a big figure, a line of a list and the box that ticks it,
a list or "nothing" in grey, a pager of two arrows around the page number, a hint beside its
buttons."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from src_dash.ui.kit.controls import column, row
from src_dash.ui.kit.widgets import words


def title(key: str) -> rx.Component:
    """A card's title."""
    return rx.heading(words(key), as_="h2", size="3")


def card(*children: rx.Component, spacing: str = "3", **props: object) -> rx.Component:
    """A card of the page, the full width, its parts stacked (`props`: its id)."""
    return rx.card(column(*children, spacing=spacing), width="100%", **props)


def chip(c: rx.Var) -> rx.Component:
    """A count as a badge ("Email 20")."""
    return rx.badge(
        c.label,
        rx.text.span(c.count, weight="bold"),
        color_scheme=c.color,
        variant="soft",
        size="2",
        data_testid="chip",
        data_key=c.key,
    )


def chips(*lists: rx.Var, **props: object) -> rx.Component:
    """The chips of `lists` side by side, wrapping (`props`: spacing, id)."""
    return rx.flex(
        *[rx.foreach(c, chip) for c in lists], **{"spacing": "2", "wrap": "wrap", **props}
    )


def channel_icon(channel: rx.Var[str]) -> rx.Component:
    """The icon of a channel (email, letter, phone)."""
    return rx.match(
        channel,
        ("email", rx.icon("mail", size=12)),
        ("letter", rx.icon("file-text", size=12)),
        ("phone", rx.icon("phone", size=12)),
        rx.icon("circle", size=12),
    )


def channel_and_level(r: rx.Var) -> tuple[rx.Component, rx.Component]:
    """A message's channel (its icon, its name) and level, as two badges."""
    return (
        rx.badge(channel_icon(r.channel), r.channel_label, color_scheme="indigo"),
        rx.badge(r.level_label, variant="outline"),
    )


def big(text: rx.Var, tone: str | None = None, **props) -> rx.Component:  # noqa: ANN003
    """A key figure's value, large and bold."""
    props.setdefault("data_testid", "kpi-value")
    return rx.text(
        text,
        size=rx.breakpoints(initial="4", md="5"),
        weight="bold",
        color_scheme=tone,
        white_space="nowrap",
        **props,
    )


def _arrow(icon: str, on_click: rx.EventSpec, disabled: rx.Var, id_: str, label: str):  # noqa: ANN202
    return rx.icon_button(
        rx.icon(icon, size=16),
        on_click=on_click,
        disabled=disabled,
        variant="soft",
        id=id_,
        aria_label=label,
    )


def small_pager(
    page: rx.Var[int], pages: rx.Var[int], step: rx.EventHandler, id_: str
) -> rx.Component:
    """ "‹ 2 ›" under a list, when it has more than one page (`page` counts from 0); the arrows
    call `step(-1)` and `step(1)`."""
    has_prev, has_next = page > 0, (page + 1) < pages
    return rx.cond(
        has_prev | has_next,
        row(
            _arrow("chevron-left", step(-1), ~has_prev, f"{id_}-prev", "‹"),
            rx.text(page + 1, size="2"),
            _arrow("chevron-right", step(1), ~has_next, f"{id_}-next", "›"),
            spacing="3",
            justify="center",
            width="100%",
        ),
    )


def line(
    *children: rx.Component,
    padding_y: str = "10px",
    align: str = "start",
    rule: str = "var(--gray-a4)",
    **props,  # noqa: ANN003
) -> rx.Component:
    """A line of a list (a proposal, a run's message, a reason, a recent run): its parts side
    by side, a thin rule under it."""
    return rx.flex(
        *children,
        spacing="3",
        align=align,
        width="100%",
        padding_y=padding_y,
        border_bottom=f"1px solid {rule}",
        **props,
    )


def tick(r: rx.Var, on_change: Callable[[bool], rx.EventSpec]) -> rx.Component:
    """The box that ticks a line, its name that of the line's customer."""
    return rx.checkbox(
        checked=r.checked, on_change=on_change, size="2", margin_top="3px", aria_label=r.customer
    )


def middle(*children: rx.Component) -> rx.Component:
    """The middle of a line, taking the room left and shrinking first."""
    return rx.vstack(*children, spacing="1", min_width="0", flex="1")


def grey(text: rx.Var | str, size: str = "1", **props) -> rx.Component:  # noqa: ANN003
    """A grey note: a subtitle, a hint, "nothing to show"."""
    return rx.text(text, size=size, color_scheme="gray", **props)


def listed(
    items: rx.Var,
    draw: Callable[[rx.Var], rx.Component],
    empty_key: str,
    *after: rx.Component,
    **props: object,
) -> rx.Component:
    """`items` drawn one under the other by `draw` (then `after`, a pager), or a grey "nothing"
    (`empty_key`) when there are none; `props`: the list's spacing, id."""
    return rx.cond(
        items.length() > 0,
        column(rx.foreach(items, draw), *after, **{"spacing": "0", **props}),
        grey(words(empty_key), "2"),
    )


def hinted(hint_key: str, *controls: rx.Component, **props: object) -> rx.Component:
    """A grey hint on the left, `controls` on the right; stacked on a phone (`props`: the
    alignment, the direction)."""
    return rx.flex(
        grey(words(hint_key), flex="1"),
        *controls,
        **{
            "spacing": "3",
            "align": "center",
            "width": "100%",
            "direction": rx.breakpoints(initial="column", sm="row"),
            **props,
        },
    )
