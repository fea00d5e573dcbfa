"""The controls every page draws the same way: a button with its icon and words, a row of things
side by side, a table that scrolls sideways on a phone, a dialog with its title, body and
buttons, a text input under its caption.

Labels are catalogue keys (said in the viewer's language) or vars already worded. Every helper
takes the rest of the component's props (`id`, `data_testid`, `on_click`, colours) as they are,
so a call names only what differs from the house style.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from src_dash.ui.kit.widgets import labelled, words

Label = rx.Var | str


def said(label: Label) -> rx.Var | str:
    """A label as shown: a catalogue key's words, a var (or "") as it is."""
    return words(label) if isinstance(label, str) and label else label


def button(icon: str, label: Label, *, icon_size: int = 16, **props: object) -> rx.Component:
    """A button with its icon before its words (`props`: on_click, variant, id, ...)."""
    return rx.button(rx.icon(icon, size=icon_size), said(label), **props)


def soft_button(icon: str, label: Label, **props: object) -> rx.Component:
    """The secondary button: soft, its icon and words."""
    return button(icon, label, **{"variant": "soft", **props})


def ghost_button(icon: str, label: Label, **props: object) -> rx.Component:
    """The small, flat button of a row or card (edit, delete, open)."""
    return button(icon, label, icon_size=14, **{"variant": "ghost", "size": "1", **props})


def round_button(icon: str, label: Label, **props: object) -> rx.Component:
    """An icon alone; its words are its accessible name."""
    return rx.icon_button(
        rx.icon(icon, size=16), aria_label=said(label), **{"variant": "soft", **props}
    )


def phone_icon_button(icon: str, label_key: str, **props: object) -> rx.Component:
    """A soft grey button whose words hide on a phone, leaving its icon (and its name)."""
    return rx.button(
        rx.icon(icon, size=16),
        rx.text.span(words(label_key), display=rx.breakpoints(initial="none", sm="inline")),
        aria_label=words(label_key),
        **{"variant": "soft", "color_scheme": "gray", **props},
    )


def toggle_button(*children: rx.Component | rx.Var | str, pressed: rx.Var[bool], **props: object):
    """A button that stays pressed (solid indigo) while `pressed`, soft grey otherwise."""
    return rx.button(
        *children,
        variant=rx.cond(pressed, "solid", "soft"),
        color_scheme=rx.cond(pressed, "indigo", "gray"),
        aria_pressed=pressed,
        **{"size": "2", "type": "button", **props},
    )


def text_button(
    text: rx.Var[str], on_click: rx.EventSpec, testid: str, **props: object
) -> rx.Component:
    """Words in the link colour that act as a button (a message's subject opens it); `props`
    go to the words (weight, ...)."""
    return rx.el.button(
        rx.text(text, **{"size": "2", "color_scheme": "indigo", "text_align": "left", **props}),
        on_click=on_click,
        type="button",
        style={"all": "unset", "cursor": "pointer", "textAlign": "left", "maxWidth": "100%"},
        data_testid=testid,
    )


def customer_link(name: rx.Var[str], href: rx.Var[str], **props: object) -> rx.Component:
    """A customer's name in bold, a link to its card."""
    return rx.link(
        name,
        href=href,
        **{
            "weight": "bold",
            "size": "2",
            "color_scheme": "gray",
            "high_contrast": True,
            "underline": "hover",
            **props,
        },
    )


def check_label(
    checkbox: dict[str, object], *children: rx.Component, line: dict | None = None, **props: object
) -> rx.Component:
    """A checkbox (`checkbox`: its props) and its words in one label, so a click on the words
    ticks it; `line` styles the row they stand in, `props` the label."""
    return rx.el.label(
        rx.hstack(
            rx.checkbox(**checkbox),
            *children,
            **{"spacing": "2", "align": "center", **(line or {})},
        ),
        **props,
    )


def close_button(label: Label, **props: object) -> rx.Component:
    """The grey button that closes the dialog it stands in."""
    return rx.dialog.close(
        rx.button(said(label), **{"variant": "soft", "color_scheme": "gray", **props})
    )


def row(*children: rx.Component, **props: object) -> rx.Component:
    """Things side by side, centred on their line, wrapping on a narrow screen."""
    return rx.hstack(*children, **{"spacing": "2", "wrap": "wrap", "align": "center", **props})


def column(*children: rx.Component, **props: object) -> rx.Component:
    """Things stacked, the full width."""
    return rx.vstack(*children, **{"spacing": "3", "width": "100%", **props})


def buttons(*children: rx.Component, **props: object) -> rx.Component:
    """A form's or a dialog's buttons, on the right."""
    return rx.hstack(
        *children, **{"spacing": "2", "justify": "end", "width": "100%", "wrap": "wrap", **props}
    )


def header_cell(label: Label, *, right: bool = False) -> rx.Component:
    """A column's heading (`right` for amounts)."""
    return rx.table.column_header_cell(said(label), **({"text_align": "right"} if right else {}))


def table(head: tuple[rx.Component | str, ...], body: rx.Component, **props: object):
    """A table in a box that scrolls sideways on a phone: `head` its headings (catalogue keys,
    or cells already made), `body` its rows (an `rx.foreach`); `props` go to the table."""
    cells = [header_cell(h) if isinstance(h, str) else h for h in head]
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*cells)),
            rx.table.body(body),
            **{"size": "1", "variant": "surface", "width": "100%", **props},
        ),
        width="100%",
        overflow_x="auto",
    )


def scroll_list(*children: rx.Component, height: str = "220px", **props: object):
    """A short list that scrolls in its own box."""
    return rx.box(
        rx.vstack(*children, spacing="1", width="100%"),
        **{"max_height": height, "overflow_y": "auto", "width": "100%", **props},
    )


def dialog(
    title: Label,
    *body: rx.Component,
    open_: rx.Var[bool] | None = None,
    on_open_change: rx.EventHandler | None = None,
    max_width: str = "520px",
    trigger: rx.Component | None = None,
    **props: object,
) -> rx.Component:
    """A dialog: its title, its body stacked; opened by `open_` (or its `trigger`)."""
    parts = [rx.dialog.trigger(trigger)] if trigger is not None else []
    state = {"open": open_, "on_open_change": on_open_change} if open_ is not None else {}
    return rx.dialog.root(
        *parts,
        rx.dialog.content(
            rx.dialog.title(said(title)),
            column(*body),
            **{"max_width": max_width, **props},
        ),
        **state,
    )


def text_input(
    label_key: str, value: rx.Var[str], on_change: rx.EventHandler, **props: object
) -> rx.Component:
    """A text input under its caption, the full width of its column."""
    return labelled(
        label_key, rx.input(value=value, on_change=on_change, **{"width": "100%", **props})
    )


def shown_list(
    items: rx.Var,
    line: Callable[[rx.Var], rx.Component],
    title_key: str,
    id_: str,
    on_mount: rx.EventHandler,
) -> rx.Component:
    """A titled list drawn only while `items` has some (nothing at all when it is empty), with
    the handler that loads it when it mounts."""
    return rx.fragment(
        rx.cond(
            items.length() > 0,
            column(
                rx.heading(words(title_key), as_="h3", size="4"),
                rx.foreach(items, line),
                id=id_,
            ),
        ),
        on_mount=on_mount,
    )
