"""The call sheet: the customer's phone and email, key figures, the script, the contacts to
call, the open items to tick for a promise or a dispute, the recent history, and the outcome
form under them."""

from __future__ import annotations

import reflex as rx

from src_dash.ui import routes
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.worklist.outcome import outcome_form, section_title
from src_dash.ui.pages.worklist.state import WorklistState


def _figure(f: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(f.label, size="1", color_scheme="gray"),
        rx.text(
            f.value,
            size="3",
            weight="bold",
            white_space="nowrap",
            color=rx.cond(f.tone != "", f"var(--{f.tone}-11)", "var(--gray-12)"),
        ),
        spacing="0",
        min_width="0",
        data_testid="sheet-figure",
        data_key=f.key,
    )


def _tel(number: rx.Var, icon: str) -> rx.Component:
    return rx.cond(
        number != "",
        rx.link(
            rx.hstack(rx.icon(icon, size=14), number, spacing="1", align="center"),
            href="tel:" + number.to(str),
            size="2",
            white_space="nowrap",
        ),
    )


def _contact(c: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(c.name, size="2", weight="medium"),
            rx.cond(c.role != "", rx.badge(c.role, color_scheme=c.role_color, size="1")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(c.detail != "", rx.text(c.detail, size="1", color_scheme="gray")),
        rx.flex(
            _tel(c.phone, "phone"),
            _tel(c.mobile, "smartphone"),
            rx.cond(
                c.email != "",
                rx.link(
                    c.email, href="mailto:" + c.email.to(str), size="2", word_break="break-all"
                ),
            ),
            spacing="3",
            wrap="wrap",
        ),
        spacing="1",
        width="100%",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
        data_testid="sheet-contact",
    )


def _sheet_item(i: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=i.checked,
                on_change=lambda _v: WorklistState.toggle_item(i.entry_id),
                data_entry_id=i.entry_id,
            ),
            rx.vstack(
                rx.text(i.piece, size="2", weight="medium"),
                rx.text(i.due, size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(i.residual, size="2", weight="medium", white_space="nowrap"),
                rx.cond(
                    i.late != "",
                    rx.text(i.late, size="1", color_scheme="red", white_space="nowrap"),
                ),
                spacing="0",
                align="end",
            ),
            align="center",
            spacing="2",
            width="100%",
            padding_y="5px",
            border_bottom="1px solid var(--gray-a4)",
        ),
        data_testid="sheet-item",
        style={"cursor": "pointer", "width": "100%"},
    )


def _history_line(h: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.match(
                h.icon,
                ("mail", rx.icon("mail", size=14)),
                ("handshake", rx.icon("handshake", size=14)),
                ("scale", rx.icon("scale", size=14)),
                rx.icon("message-square", size=14),
            ),
            color="var(--gray-10)",
            flex_shrink="0",
            padding_top="3px",
        ),
        rx.vstack(
            rx.text(h.text, size="2", word_break="break-word"),
            rx.cond(h.detail != "", rx.text(h.detail, size="1", color_scheme="gray")),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.cond(h.status != "", rx.badge(h.status, color_scheme=h.color, size="1")),
        align="start",
        spacing="2",
        width="100%",
        data_testid="sheet-history",
    )


def _head() -> rx.Component:
    s = WorklistState
    return rx.hstack(
        rx.vstack(
            rx.dialog.title(s.sheet_title, margin="0", id="sheet-title"),
            rx.text(s.sheet_subtitle, size="2", color_scheme="gray"),
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
    return rx.flex(
        rx.cond(
            s.sheet_phone != "",
            rx.link(
                rx.button(rx.icon("phone", size=16), s.sheet_phone, variant="soft"),
                href="tel:" + s.sheet_phone.to(str),
                id="sheet-phone",
            ),
        ),
        rx.cond(
            s.sheet_email != "",
            rx.link(
                rx.hstack(rx.icon("mail", size=14), s.sheet_email, spacing="1"),
                href="mailto:" + s.sheet_email.to(str),
                size="2",
                word_break="break-all",
            ),
        ),
        rx.link(
            rx.hstack(rx.icon("id-card", size=14), words("work.sheet.card"), spacing="1"),
            href=f"{routes.CUSTOMERS}/" + s.customer_id.to(str),
            size="2",
        ),
        rx.cond(s.sheet_rep != "", rx.text(s.sheet_rep, size="2", color_scheme="gray")),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def _figures_and_script() -> tuple[rx.Component, ...]:
    s = WorklistState
    return (
        rx.card(
            rx.grid(
                rx.foreach(s.figures, _figure),
                columns=rx.breakpoints(initial="2", sm="3", md="5"),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="sheet-figures",
        ),
        rx.cond(
            s.script.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("message-circle")),
                rx.vstack(
                    rx.text(words("work.sheet.script"), size="2", weight="bold"),
                    rx.foreach(s.script, lambda line: rx.text(line, size="2")),
                    spacing="1",
                ),
                color_scheme="indigo",
                variant="surface",
                width="100%",
                id="sheet-script",
            ),
        ),
    )


def _contacts_and_items() -> rx.Component:
    s = WorklistState
    return rx.grid(
        rx.vstack(
            section_title("work.sheet.contacts"),
            rx.cond(
                s.contacts.length() > 0,
                rx.vstack(rx.foreach(s.contacts, _contact), spacing="0", width="100%"),
                rx.text(words("work.sheet.no_contact"), size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
            min_width="0",
        ),
        rx.vstack(
            section_title("work.sheet.items"),
            rx.cond(
                s.items.length() > 0,
                rx.vstack(
                    rx.foreach(s.items, _sheet_item),
                    spacing="0",
                    width="100%",
                    max_height="260px",
                    overflow_y="auto",
                ),
                rx.text(words("work.sheet.no_item"), size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
            min_width="0",
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
            rx.vstack(
                _head(),
                _reach(),
                *_figures_and_script(),
                _contacts_and_items(),
                rx.cond(
                    s.history.length() > 0,
                    rx.vstack(
                        section_title("work.sheet.history"),
                        rx.foreach(s.history, _history_line),
                        spacing="2",
                        width="100%",
                    ),
                ),
                rx.separator(size="4"),
                outcome_form(),
                spacing="4",
                width="100%",
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
