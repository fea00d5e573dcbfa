"""The call sheet: the customer's phone and email, key figures, the script, the contacts to
call, the open items to tick for a promise or a dispute, the recent history, and the outcome
form under them."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from src_dash.ui import routes
from src_dash.ui.kit.controls import check_label, column, row
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.worklist.outcome import outcome_form, section_title
from src_dash.ui.pages.worklist.state import WorklistState

# The icons of the history's lines other than a comment's ("message-square").
HISTORY_ICONS = ("mail", "handshake", "scale")
RULED = {"width": "100%", "border_bottom": "1px solid var(--gray-a4)"}  # a line of a list


def _lines(*children: rx.Component, **props: object) -> rx.Component:
    """Short texts stacked tight, shrinking with their column."""
    return rx.vstack(*children, **{"spacing": "0", "min_width": "0", **props})


def _grey(text: rx.Var[str], size: str = "1") -> rx.Component:
    return rx.text(text, size=size, color_scheme="gray")


def _icon_link(icon: str, text: rx.Var[str], href: rx.Var[str], **props: object) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon(icon, size=14), text, spacing="1", align="center"),
        href=href,
        size="2",
        **props,
    )


def _tel(number: rx.Var, icon: str) -> rx.Component:
    return rx.cond(
        number != "",
        _icon_link(icon, number, "tel:" + number.to(str), white_space="nowrap"),
    )


def _figure(f: rx.Var) -> rx.Component:
    return _lines(
        _grey(f.label),
        rx.text(
            f.value,
            size="3",
            weight="bold",
            white_space="nowrap",
            color=rx.cond(f.tone != "", f"var(--{f.tone}-11)", "var(--gray-12)"),
        ),
        data_testid="sheet-figure",
        data_key=f.key,
    )


def _contact(c: rx.Var) -> rx.Component:
    return rx.vstack(
        row(
            rx.text(c.name, size="2", weight="medium"),
            rx.cond(c.role != "", rx.badge(c.role, color_scheme=c.role_color, size="1")),
        ),
        rx.cond(c.detail != "", _grey(c.detail)),
        row(
            _tel(c.phone, "phone"),
            _tel(c.mobile, "smartphone"),
            rx.cond(
                c.email != "",
                rx.link(
                    c.email, href="mailto:" + c.email.to(str), size="2", word_break="break-all"
                ),
            ),
            spacing="3",
        ),
        spacing="1",
        padding_y="6px",
        data_testid="sheet-contact",
        **RULED,
    )


def _sheet_item(i: rx.Var) -> rx.Component:
    return check_label(
        {
            "checked": i.checked,
            "on_change": lambda _v: WorklistState.toggle_item(i.entry_id),
            "data_entry_id": i.entry_id,
        },
        _lines(rx.text(i.piece, size="2", weight="medium"), _grey(i.due)),
        rx.spacer(),
        _lines(
            rx.text(i.residual, size="2", weight="medium", white_space="nowrap"),
            rx.cond(
                i.late != "",
                rx.text(i.late, size="1", color_scheme="red", white_space="nowrap"),
            ),
            align="end",
        ),
        line={"padding_y": "5px", **RULED},
        data_testid="sheet-item",
        style={"cursor": "pointer", "width": "100%"},
    )


def _history_line(h: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.match(
                h.icon,
                *[(icon, rx.icon(icon, size=14)) for icon in HISTORY_ICONS],
                rx.icon("message-square", size=14),
            ),
            color="var(--gray-10)",
            flex_shrink="0",
            padding_top="3px",
        ),
        _lines(
            rx.text(h.text, size="2", word_break="break-word"),
            rx.cond(h.detail != "", _grey(h.detail)),
            flex="1",
        ),
        rx.cond(h.status != "", rx.badge(h.status, color_scheme=h.status_color, size="1")),
        align="start",
        spacing="2",
        width="100%",
        data_testid="sheet-history",
    )


def _head() -> rx.Component:
    s = WorklistState
    return rx.hstack(
        rx.vstack(
            rx.dialog.title(s.sheet.title, margin="0", id="sheet-title"),
            _grey(s.sheet.subtitle, "2"),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.cond(s.sheet_loading, rx.spinner(size="2")),
        width="100%",
        align="start",
    )


def _reach() -> rx.Component:
    s = WorklistState
    return row(
        rx.cond(
            s.sheet.phone != "",
            rx.link(
                rx.button(rx.icon("phone", size=16), s.sheet.phone, variant="soft"),
                href="tel:" + s.sheet.phone.to(str),
                id="sheet-phone",
            ),
        ),
        rx.cond(
            s.sheet.email != "",
            _icon_link(
                "mail", s.sheet.email, "mailto:" + s.sheet.email.to(str), word_break="break-all"
            ),
        ),
        _icon_link(
            "id-card",
            words("work.sheet.card"),
            f"{routes.CUSTOMERS}/" + s.action.customer_id.to(str),
        ),
        rx.cond(s.sheet.sales_rep != "", _grey(s.sheet.sales_rep, "2")),
        spacing="3",
    )


def _figures_and_script() -> tuple[rx.Component, ...]:
    s = WorklistState
    return (
        rx.card(
            rx.grid(
                rx.foreach(s.sheet.figures, _figure),
                columns=rx.breakpoints(initial="2", sm="3", md="5"),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="sheet-figures",
        ),
        rx.cond(
            s.sheet.script.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("message-circle")),
                rx.vstack(
                    rx.text(words("work.sheet.script"), size="2", weight="bold"),
                    rx.foreach(s.sheet.script, lambda line: rx.text(line, size="2")),
                    spacing="1",
                ),
                color_scheme="indigo",
                variant="surface",
                width="100%",
                id="sheet-script",
            ),
        ),
    )


def _listed(
    title_key: str,
    rows: rx.Var[list],
    draw: Callable[[rx.Var], rx.Component],
    empty_key: str,
    *,
    scroll: bool = False,
    **props: object,
) -> rx.Component:
    """A part of the sheet: its title over its rows (in a box of their own that scrolls, when
    `scroll`), or the words that it has none."""
    scrolled = {"max_height": "260px", "overflow_y": "auto"} if scroll else {}
    return column(
        section_title(title_key),
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, draw), spacing="0", width="100%", **scrolled),
            _grey(words(empty_key), "2"),
        ),
        spacing="2",
        min_width="0",
        **props,
    )


def _contacts_and_items() -> rx.Component:
    s = WorklistState
    return rx.grid(
        _listed("work.sheet.contacts", s.sheet.contacts, _contact, "work.sheet.no_contact"),
        _listed(
            "work.sheet.items",
            s.sheet.open_items,
            _sheet_item,
            "work.sheet.no_item",
            scroll=True,
            id="sheet-items",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def sheet_dialog() -> rx.Component:
    """The call sheet of the action opened, in a dialog."""
    s = WorklistState
    return rx.dialog.root(
        rx.dialog.content(
            column(
                _head(),
                _reach(),
                *_figures_and_script(),
                _contacts_and_items(),
                rx.cond(
                    s.sheet.history.length() > 0,
                    column(
                        section_title("work.sheet.history"),
                        rx.foreach(s.sheet.history, _history_line),
                        spacing="2",
                    ),
                ),
                rx.separator(size="4"),
                outcome_form(),
                spacing="4",
            ),
            max_width="880px",
            width="100%",
            max_height="92vh",
            overflow_y="auto",
            padding=rx.breakpoints(initial="14px", sm="24px"),
            id="call-sheet",
        ),
        open=s.sheet_open,
        on_open_change=s.set_sheet_open,
    )
