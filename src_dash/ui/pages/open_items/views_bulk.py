"""The bulk actions of "/echeances": the buttons of the selection bar (Bloquer, Commenter,
Changer le niveau) and their dialogs, one form each, acting on every selected item."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType

from src_dash.ui.kit.controls import buttons, column, soft_button
from src_dash.ui.kit.widgets import callout, words
from src_dash.ui.pages.open_items.bulk_state import BulkState

B = BulkState


def bulk_buttons() -> rx.Component:
    """The selection bar's buttons opening the bulk dialogs."""
    return rx.hstack(
        soft_button("octagon-pause", "items.bulk.stop", on_click=B.open("stop"), size="2",
                    color_scheme="orange", id="bulk-stop"),
        soft_button("message-square-plus", "items.bulk.comment", on_click=B.open("comment"),
                    size="2", id="bulk-comment"),
        soft_button("signal", "items.bulk.level", on_click=B.open("level"), size="2",
                    id="bulk-level"),
        spacing="2",
        wrap="wrap",
    )  # fmt: skip


def _label(key: str) -> rx.Component:
    return rx.el.label(rx.text(words(key), size="2", weight="medium"), width="100%")


def _dialog(
    kind: str, title_key: str, on_submit: EventType, fields: tuple, submit_id: str
) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(words(title_key)),
            rx.dialog.description(
                B.for_text,
                size="2",
                color_scheme="gray",
            ),
            rx.form(
                column(
                    *fields,
                    rx.cond(
                        B.error != "",
                        callout(
                            "circle-alert",
                            B.error,
                            color_scheme="red",
                            size="1",
                            width="100%",
                            id="bulk-error",
                        ),
                    ),  # fmt: skip
                    buttons(
                        rx.dialog.close(
                            rx.button(
                                words("act.cancel"),
                                variant="soft",
                                color_scheme="gray",
                                type="button",
                            )
                        ),  # fmt: skip
                        rx.button(
                            words(title_key.replace("_title", "")),
                            type="submit",
                            loading=B.saving,
                            id=submit_id,
                        ),
                    ),  # fmt: skip
                    spacing="3",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
            ),
            max_width="480px",
            id=f"bulk-{kind}-dialog",
        ),
        open=B.dialog == kind,
        on_open_change=B.set_open,
    )


def _stop_dialog() -> rx.Component:
    return _dialog(
        "stop", "items.bulk.stop_title", B.submit_stop,
        (
            _label("act.field.stop_reason"),
            rx.input(name="reason", max_length=200, width="100%", id="bulk-reason-input"),
            _label("act.field.until"),
            rx.input(name="until", type="date", min=B.today, width="100%", id="bulk-until-input"),
        ),
        "bulk-stop-submit",
    )  # fmt: skip


def _comment_dialog() -> rx.Component:
    return _dialog(
        "comment", "items.bulk.comment_title", B.submit_comment,
        (
            _label("act.field.body"),
            rx.text_area(name="body", rows="4", max_length=4000, width="100%",
                         id="bulk-body-input"),
        ),
        "bulk-comment-submit",
    )  # fmt: skip


def _level_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", id="bulk-level-input"),
        rx.select.content(rx.foreach(B.levels, lambda c: rx.select.item(c.label, value=c.value))),
        name="level",
        default_value="1",
    )


def _level_dialog() -> rx.Component:
    return _dialog(
        "level", "items.bulk.level_title", B.submit_level,
        (
            _label("items.bulk.field.level"),
            _level_select(),
        ),
        "bulk-level-submit",
    )  # fmt: skip


def bulk_dialogs() -> rx.Component:
    """The three bulk dialogs (mounted once, opened by the bar's buttons)."""
    return rx.fragment(_stop_dialog(), _comment_dialog(), _level_dialog())
