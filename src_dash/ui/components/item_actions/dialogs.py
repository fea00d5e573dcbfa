"""The follow-up actions' dialogs, one form each: promise, open or close a dispute, comment,
stop or resume dunning, log a call (with a promise, a dispute or a call back as it went)."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.components.item_actions.fields import (
    date_input,
    field,
    form_dialog,
    note,
    promise_fields,
    reason_select,
)
from src_dash.ui.components.item_actions.state import OUTCOMES, ItemActionsState
from src_dash.ui.kit.widgets import words

A = ItemActionsState


def _promise_dialog() -> rx.Component:
    return form_dialog(
        "promise", "act.promise", A.submit_promise,
        (promise_fields(), note(500)),
        ("act.save", "promise-submit"),
    )  # fmt: skip


def _dispute_open_dialog() -> rx.Component:
    return form_dialog(
        "dispute_open", "act.dispute_open", A.submit_dispute_open,
        (field("act.field.reason", reason_select(), "reason"), note()),
        ("act.save", "dispute-submit"),
        color_scheme="orange",
    )  # fmt: skip


def _dispute_close_dialog() -> rx.Component:
    warning = rx.callout.root(
        rx.callout.icon(rx.icon("triangle-alert")),
        rx.callout.text(A.target.dispute_reason, " — ", words("act.close_confirm")),
        color_scheme="orange",
        size="1",
        width="100%",
    )
    return form_dialog(
        "dispute_close", "act.dispute_close", A.submit_dispute_close,
        (warning, note()),
        ("act.close_dispute", "dispute-close-submit"),
    )  # fmt: skip


def _comment_dialog() -> rx.Component:
    body = rx.text_area(name="body", rows="4", max_length=4000, width="100%", id="body-input")
    return form_dialog(
        "comment", "act.comment", A.submit_comment,
        (field("act.field.body", body, "body"),),
        ("act.save", "comment-submit"),
    )  # fmt: skip


def _stop_dialog() -> rx.Component:
    reason = rx.input(name="reason", max_length=200, width="100%", id="stop-reason-input")
    return form_dialog(
        "stop", "act.stop", A.submit_stop,
        (
            field("act.field.stop_reason", reason, "stop_reason"),
            field("act.field.until", date_input("until"), "until"),
        ),
        ("act.stop", "stop-submit"),
        color_scheme="orange",
    )  # fmt: skip


def _resume_dialog() -> rx.Component:
    return form_dialog(
        "resume", "act.resume", A.submit_resume,
        (rx.text(words("act.resume_confirm"), size="2"),),
        ("act.resume", "resume-submit"),
        color_scheme="green",
    )  # fmt: skip


def _outcome_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", id="outcome-input"),
        rx.select.content(*[rx.select.item(words(f"act.outcome.{o}"), value=o) for o in OUTCOMES]),
        name="outcome",
        value=A.outcome,
        on_change=A.set_outcome,
    )


def _call_dialog() -> rx.Component:
    outcome = A.outcome
    call_back = date_input("call_back_on", A.today)
    return form_dialog(
        "call", "act.call", A.submit_call,
        (
            field("act.field.outcome", _outcome_select(), "outcome"),
            rx.cond(outcome == "promise", promise_fields()),
            rx.cond(outcome == "dispute", field("act.field.reason", reason_select(), "reason")),
            rx.cond(
                outcome == "call_back",
                field("act.field.call_back_on", call_back, "call_back_on"),
            ),
            note(),
        ),
        ("act.save", "call-submit"),
    )  # fmt: skip


def followup_dialogs() -> tuple[rx.Component, ...]:
    """The follow-up actions' dialogs, in the order they are mounted."""
    return (
        _promise_dialog(),
        _dispute_open_dialog(),
        _dispute_close_dialog(),
        _comment_dialog(),
        _stop_dialog(),
        _resume_dialog(),
        _call_dialog(),
    )
