"""The outcome form under the call sheet: the call's outcome (reached, no answer, promise,
dispute, call back) with what each asks for, a note, and "skip" or "done"."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from src_dash.ui.kit.controls import (
    button,
    close_button,
    column,
    row,
    soft_button,
    text_input,
    toggle_button,
)
from src_dash.ui.kit.widgets import callout, labelled, select_field, words
from src_dash.ui.pages.worklist.rows import OUTCOMES
from src_dash.ui.pages.worklist.state import WorklistState


def section_title(key: str) -> rx.Component:
    """The grey heading of a part of the sheet."""
    return rx.text(words(key), size="2", weight="bold", color_scheme="gray")


def _typed(field: str) -> Callable[[rx.Var[str]], rx.event.EventSpec]:
    """What sets a text of the form as it is typed."""
    return lambda value: WorklistState.set_form(field, value)


def _outcome_button(value: str) -> rx.Component:
    chosen = WorklistState.form.outcome == value
    return toggle_button(
        words(f"work.outcome.{value}"),
        pressed=chosen,
        on_click=WorklistState.set_outcome(value),
        id=f"outcome-{value}",
    )


def _form_input(label_key: str, field: str, id_: str, **props: object) -> rx.Component:
    """A text of the form under its caption (`props`: a date's type and first day, ...)."""
    return text_input(label_key, WorklistState.form[field], _typed(field), id=id_, **props)


def _day_input(label_key: str, field: str, id_: str) -> rx.Component:
    return _form_input(label_key, field, id_, type="date", min=WorklistState.min_day)


def _details() -> rx.Component:
    s = WorklistState
    return rx.fragment(
        rx.cond(
            s.form.outcome == "promise",
            rx.grid(
                _form_input(
                    "work.promise.amount", "promise_amount", "promise-amount", inputmode="decimal"
                ),
                _day_input("work.promise.date", "promised_on", "promise-date"),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
        ),
        rx.cond(
            s.form.outcome == "dispute",
            select_field(
                "work.dispute.reason", s.reasons, s.form.reason, _typed("reason"), "dispute-reason"
            ),
        ),
        rx.cond(
            s.form.outcome == "call_back",
            _day_input("work.call_back.date", "call_back_on", "call-back-date"),
        ),
        rx.cond(
            (s.form.outcome == "promise") | (s.form.outcome == "dispute"),
            rx.text(words("work.items.hint"), size="1", color_scheme="gray"),
        ),
    )


def _buttons(is_step: rx.Var[bool]) -> rx.Component:
    s = WorklistState
    return row(
        close_button("work.close", variant="ghost", type="button"),
        rx.spacer(),
        soft_button(
            "skip-forward",
            "work.skip",
            on_click=s.finish("skipped"),
            color_scheme="gray",
            loading=s.saving,
            type="button",
            id="action-skip",
        ),
        rx.cond(
            ~is_step,
            button(
                "check",
                "work.done",
                on_click=s.finish("done"),
                loading=s.saving,
                type="button",
                id="action-done",
            ),
        ),
        width="100%",
    )


def outcome_form() -> rx.Component:
    """The outcome (a step's action only says it is sent from the campaigns), the note, the
    error, and the buttons."""
    s = WorklistState
    is_step = s.action.kind == "step"
    return column(
        section_title("work.outcome.title"),
        rx.cond(
            is_step,
            callout("info", words("work.step_hint"), size="1", width="100%"),
            column(row(*[_outcome_button(v) for v in OUTCOMES]), _details()),
        ),
        labelled(
            "work.note",
            rx.text_area(
                value=s.form.note,
                on_change=_typed("note"),
                placeholder=words("work.note.placeholder"),
                rows="2",
                width="100%",
                id="outcome-note",
            ),
        ),
        rx.cond(
            s.form_error != "",
            callout(
                "triangle-alert",
                s.form_error,
                color_scheme="red",
                size="1",
                width="100%",
                id="sheet-error",
            ),
        ),
        _buttons(is_step),
        id="outcome-form",
    )
