"""The card's "Espace client" section: whether the customer has a live link (until when, last
used), what they did in their space, newest first, with their messages (to answer) and files (to
download); "Envoyer le lien" and "Révoquer l'accès" (confirmed) for those who may work the
customer."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.controls import buttons, close_button, column, dialog, row, soft_button
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.customer.parts import error_line, listing, ruled, section
from src_dash.ui.pages.customer.space_state import CardSpaceState
from src_dash.ui.pages.customer.state import CardState

KINDS = ("visit", "statement", "promise", "dispute", "paid", "message", "answer")


def _kind(kind: rx.Var[str]) -> rx.Var:
    return rx.match(kind, *[(k, words(f"cspace.kind.{k}")) for k in KINDS], kind)


def _file(f: rx.Var) -> rx.Component:
    return rx.button(
        rx.icon("paperclip", size=14),
        f.name,
        variant="ghost",
        size="1",
        aria_label=words("cspace.file"),
        on_click=CardSpaceState.download(f.id),
        data_testid="space-file",
    )


def _line(x: rx.Var) -> rx.Component:
    return rx.vstack(
        row(
            rx.badge(_kind(x.kind), color_scheme=x.color, variant="soft"),
            rx.text(x.when, size="1", color_scheme="gray"),
            rx.cond(x.detail != "", rx.text(x.detail, size="2", weight="medium")),
            rx.cond(
                x.answered,
                rx.badge(words("cspace.answered"), color_scheme="green", variant="outline"),
            ),
        ),
        rx.cond(
            x.text != "",
            rx.text(x.text, size="2", white_space="pre-wrap", overflow_wrap="anywhere"),
        ),
        rx.cond(x.files.length() > 0, row(rx.foreach(x.files, _file))),
        rx.cond(
            x.answerable,
            soft_button(
                "reply",
                "cspace.answer",
                size="1",
                on_click=CardSpaceState.open_answer(x.ref_id, x.text),
                data_testid="space-answer",
            ),
        ),
        spacing="1",
        **ruled("space-line"),
    )


def _revoke_dialog() -> rx.Component:
    s = CardSpaceState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(words("cspace.revoke.title")),
            rx.alert_dialog.description(words("cspace.revoke.text"), size="2"),
            buttons(
                rx.alert_dialog.cancel(
                    rx.button(words("card.cancel"), variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        words("cspace.revoke.confirm"),
                        color_scheme="red",
                        on_click=s.revoke,
                        id="space-revoke-confirm",
                    )
                ),
                margin_top="12px",
            ),
            max_width="440px",
        ),
        open=s.revoke_open,
        on_open_change=s.set_revoke_open,
    )


def _answer_dialog() -> rx.Component:
    s = CardSpaceState
    return dialog(
        "cspace.answer.title",
        rx.text(s.answer_quote, size="2", color_scheme="gray", white_space="pre-wrap"),
        rx.text(words("cspace.answer.hint"), size="1", color_scheme="gray"),
        rx.form(
            column(
                rx.text_area(
                    name="body",
                    placeholder=words("cspace.answer.body"),
                    rows="5",
                    width="100%",
                    id="space-answer-body",
                ),
                error_line(s.answer_error),
                buttons(
                    close_button("card.cancel"),
                    rx.button(words("cspace.answer.send"), type="submit", id="space-answer-send"),
                ),
            ),
            on_submit=s.answer,
            reset_on_submit=False,
            width="100%",
        ),
        open_=s.answer_open,
        on_open_change=s.set_answer_open,
    )


def _link() -> rx.Component:
    s = CardSpaceState.section
    return row(
        rx.cond(
            s.live,
            rx.badge(words("cspace.live"), color_scheme="green", id="space-link-state"),
            rx.badge(words("cspace.none"), color_scheme="gray", id="space-link-state"),
        ),
        rx.text(s.status, size="2", color_scheme="gray", id="space-link-status"),
    )


def _actions() -> rx.Component:
    s = CardSpaceState
    return rx.cond(
        s.section.can_work,
        row(
            soft_button("send", "cspace.send", on_click=s.send, id="space-send"),
            soft_button(
                "link-2-off",
                "cspace.revoke",
                color_scheme="red",
                disabled=~s.section.live,
                on_click=s.set_revoke_open(True),
                id="space-revoke",
            ),
        ),
    )


def space_section() -> rx.Component:
    """The "Espace client" section of the card (read when it shows)."""
    s = CardSpaceState
    # Read for the card's customer: another card opened in the same page reads its own.
    return rx.cond(
        s.loaded & (s.customer_id == CardState.customer_id),
        section(
            "cspace.title",
            _link(),
            _actions(),
            rx.heading(words("cspace.activity"), as_="h3", size="2"),
            listing(s.section.lines, _line, "cspace.activity.none"),
            _revoke_dialog(),
            _answer_dialog(),
            section_id="space-section",
        ),
        rx.box(on_mount=s.load, id="space-section-loading", width="100%"),
    )
