"""Form widgets and dialogs every page draws the same way: a labelled select with an "all"
option, a switch with its label, a key figure (KPI) tile, the dialog that shows a message sent
to a customer. The words come from the catalogue in the viewer's language (`words`)."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.filter_values import ALL
from src_dash.ui.i18n import t
from src_dash.ui.state import UiState

NONE = "none"  # the value of a select's "none of them" option ("no sales rep", "no profile")


def words(key: str) -> rx.Var[str]:
    """The words of `key` in the viewer's language, as a var of the page."""
    return t(key, UiState.lang)


def small_label(key: str, **props: object) -> rx.Component:
    """The grey caption above a field (`props`: more of its style)."""
    return rx.text(words(key), size="1", color_scheme="gray", **props)


def labelled(label_key: str, control: rx.Component, **label_props: object) -> rx.Component:
    """A field: its caption above its control, shrinking with the column."""
    return rx.vstack(
        small_label(label_key, **label_props), control, spacing="1", width="100%", min_width="0"
    )


def select_field(
    label_key: str,
    options: rx.Var,
    value: rx.Var[str],
    on_change: rx.EventHandler,
    id_: str,
    all_key: str | None = None,
    none_key: str | None = None,
    *,
    plain: bool = False,
    caption_on_phone: bool = True,
) -> rx.Component:
    """A labelled select over `options` (items with `value` and `label`, or plain strings when
    `plain`), first offering "all" (`all_key`) and "none" (`none_key`) when their words are
    given; without `caption_on_phone`, a phone shows the select alone (its text says enough).

    With an "all" option and a single value to choose from, the field shows that value as text
    (choosing it could not change anything)."""
    first = [rx.select.item(words(all_key), value=ALL)] if all_key else []
    if none_key:
        first.append(rx.select.item(words(none_key), value=NONE))
    item = (
        (lambda o: rx.select.item(o, value=o))
        if plain
        else (lambda o: rx.select.item(o.label, value=o.value))
    )
    hidden = {} if caption_on_phone else {"display": rx.breakpoints(initial="none", sm="block")}
    select = labelled(
        label_key,
        rx.select.root(
            rx.select.trigger(width="100%", id=id_),
            rx.select.content(*first, rx.foreach(options, item)),
            value=value,
            on_change=on_change,
            size="2",
        ),
        **hidden,
    )
    if not all_key or none_key:
        return select
    # "All" and a single value are the same rows: the filter cannot change anything, so it says
    # what it is ("Commercial : Jérôme SCHMITT", whose portfolio this is) instead of offering it.
    only = options[0] if plain else options[0].label
    return rx.cond(
        options.length() == 1,
        labelled(
            label_key,
            rx.text(only, size="2", weight="medium", id=f"{id_}-only", padding_y="6px"),
        ),
        select,
    )


def switch_field(
    label_key: str, checked: rx.Var[bool], on_change: rx.EventHandler, id_: str
) -> rx.Component:
    """A small switch with its words beside it (the whole line toggles it)."""
    return rx.el.label(
        rx.hstack(
            rx.switch(checked=checked, on_change=on_change, id=id_, size="1"),
            rx.text(words(label_key), size="2"),
            spacing="2",
            align="center",
        ),
    )


def kpi_tile(
    label: rx.Var[str] | str,
    value: rx.Component,
    id_: str,
    note: rx.Var[str] | None = None,
    card: bool = True,
) -> rx.Component:
    """A key figure: its caption, its value (already drawn) and an optional grey note under it."""
    body = rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        value,
        *(
            [rx.text(note, size="1", color_scheme="gray", id=f"{id_}-note")]
            if note is not None
            else []
        ),
        spacing="1" if card else "0",
        min_width="0",
    )
    if not card:
        return rx.box(body, min_width="0", id=id_)
    return rx.card(body, min_width="0", id=id_, data_testid="kpi")


def _addressee(label_key: str, value: rx.Var[str]) -> rx.Component:
    return rx.text(
        rx.text.span(words(label_key), " ", color_scheme="gray"),
        value,
        size="2",
        word_break="break-all",
    )


def message_body(
    html: rx.Var[str], text: rx.Var[str], height: str, title: rx.Var[str] | str = ""
) -> rx.Component:
    """A message's body as the customer reads it: the HTML in a sandboxed frame (no script, no
    form, no link), else the plain text."""
    return rx.cond(
        html != "",
        rx.el.iframe(
            src_doc=html,
            sandbox="",
            title=title,
            width="100%",
            height=height,
            style={
                "border": "1px solid var(--gray-a5)",
                "borderRadius": "var(--radius-2)",
                "background": "white",
            },
            id="message-body",
        ),
        rx.cond(
            text != "",
            rx.box(
                rx.text(text, size="2", white_space="pre-wrap"),
                max_height=height,
                overflow_y="auto",
                width="100%",
                id="message-text",
            ),
        ),
    )


def addressees(to: rx.Var[str], cc: rx.Var[str], to_key: str, cc_key: str) -> rx.Component:
    """ "À : ..." and, when there is one, "Cc : ..."."""
    return rx.vstack(
        _addressee(to_key, to),
        rx.cond(cc != "", _addressee(cc_key, cc)),
        spacing="1",
    )


def message_addressees(message: rx.Var, to_key: str, cc_key: str) -> rx.Component:
    """The addressees of a shown message (`kit.rows.ShownMessage`)."""
    return addressees(message.recipients, message.copies, to_key, cc_key)


def message_dialog(
    message: rx.Var,
    *,
    head: rx.Component,
    open_: rx.Var[bool],
    on_open_change: rx.EventHandler,
    close_key: str,
    actions: tuple[rx.Component, ...] = (),
    height: str = "50vh",
    max_width: str = "760px",
) -> rx.Component:
    """The dialog that shows one message (a `kit.rows.ShownMessage` var): its subject, a head
    (addressees, channel, date), its body, then `actions` on the left and a close button on the
    right."""
    subject = message.subject
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(subject, id="message-subject"),
            rx.vstack(
                head,
                message_body(message.html, message.text, height, title=subject),
                rx.hstack(
                    *actions,
                    rx.spacer(),
                    rx.dialog.close(
                        rx.button(words(close_key), variant="soft", color_scheme="gray")
                    ),
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width=max_width,
            width="100%",
            padding=rx.breakpoints(initial="14px", sm="24px"),
        ),
        open=open_,
        on_open_change=on_open_change,
    )


def callout(icon: str, text: rx.Var[str] | str, **props: object) -> rx.Component:
    """A callout: its icon, its words; `props` (id, colour, size, width) as the place wants."""
    return rx.callout.root(rx.callout.icon(rx.icon(icon)), rx.callout.text(text), **props)


def notice(
    icon: str, text: rx.Var[str] | str, id_: str, color_scheme: str | None = None
) -> rx.Component:
    """A full-width callout with its icon: "nothing to do", "not for your role", an error."""
    colour = {"color_scheme": color_scheme} if color_scheme else {}
    return callout(icon, text, **colour, width="100%", id=id_)


def error_notice(error: rx.Var[str], id_: str = "load-error") -> rx.Component:
    """The page's error in a red callout, when there is one."""
    return rx.cond(error != "", notice("triangle-alert", error, id_, "red"))


def loading(loaded: rx.Var[bool], content: rx.Component) -> rx.Component:
    """`content` once the page is loaded, a spinner until then."""
    return rx.cond(loaded, content, rx.center(rx.spinner(size="3"), width="100%", padding="48px"))


def page_head(
    title: rx.Component, subtitle_key: str, *more: rx.Component, action: rx.Component
) -> rx.Component:
    """A page's head: its title, a grey subtitle and `more` lines on the left, `action` (its
    refresh button) on the right."""
    return rx.flex(
        rx.vstack(
            title,
            rx.text(words(subtitle_key), size="2", color_scheme="gray"),
            *more,
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        action,
        direction="row",
        spacing="3",
        width="100%",
        align="start",
    )


def refresh_button(on_click: rx.EventHandler, label_key: str, id_: str) -> rx.Component:
    """The round "read again" button of a page's head."""
    return rx.icon_button(
        rx.icon("refresh-cw", size=16),
        on_click=on_click,
        variant="soft",
        color_scheme="gray",
        aria_label=words(label_key),
        id=id_,
    )


def item_card(
    lines: tuple[rx.Component, ...],
    *actions: rx.Component,
    testid: str,
    **data: rx.Var | str | int,
) -> rx.Component:
    """A card of a list page: its lines stacked on the left, its buttons on the right (under
    the lines on a phone); `testid` and `data` (`data_kind=...`) mark it for the tests."""
    return rx.card(
        rx.flex(
            rx.vstack(*lines, spacing="1", min_width="0", flex="1"),
            *actions,
            direction=rx.breakpoints(initial="column", sm="row"),
            spacing="3",
            align=rx.breakpoints(initial="stretch", sm="center"),
            width="100%",
        ),
        width="100%",
        data_testid=testid,
        **data,
    )


POLL_MS = 3000  # how often a live page asks whether the store changed


def live_clock(on_tick: rx.EventHandler, interval_ms: int = POLL_MS) -> rx.Component:
    """An invisible clock calling `on_tick` every `interval_ms`: the poll of a live page (its
    handler reads the store's data version and reloads only when it moved)."""
    return rx.moment(interval=interval_ms, format="x", on_change=on_tick, display="none")
