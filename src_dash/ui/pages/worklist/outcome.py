"""The outcome form under the call sheet: the call's outcome (reached, no answer, promise,
dispute, call back) with what each asks for, a note, and "skip" or "done"."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.widgets import labelled, select_field, words
from src_dash.ui.pages.worklist.rows import OUTCOMES
from src_dash.ui.pages.worklist.state import WorklistState


def section_title(key: str) -> rx.Component:
    """The grey heading of a part of the sheet."""
    return rx.text(words(key), size="2", weight="bold", color_scheme="gray")


def _outcome_button(value: str) -> rx.Component:
    chosen = WorklistState.outcome == value
    return rx.button(
        words(f"work.outcome.{value}"),
        on_click=WorklistState.set_outcome(value),
        variant=rx.cond(chosen, "solid", "soft"),
        color_scheme=rx.cond(chosen, "indigo", "gray"),
        size="2",
        type="button",
        id=f"outcome-{value}",
        aria_pressed=chosen,
    )


def _date_input(value: rx.Var[str], on_change: rx.EventHandler, id_: str) -> rx.Component:
    return rx.input(
        type="date",
        value=value,
        on_change=on_change,
        min=WorklistState.min_day,
        width="100%",
        id=id_,
    )


def _details() -> rx.Component:
    s = WorklistState
    return rx.fragment(
        rx.cond(
            s.outcome == "promise",
            rx.grid(
                labelled(
                    "work.promise.amount",
                    rx.input(
                        value=s.promise_amount,
                        on_change=s.set_promise_amount,
                        inputmode="decimal",
                        width="100%",
                        id="promise-amount",
                    ),
                ),
                labelled(
                    "work.promise.date",
                    _date_input(s.promised_on, s.set_promised_on, "promise-date"),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
        ),
        rx.cond(
            s.outcome == "dispute",
            select_field(
                "work.dispute.reason", s.reasons, s.reason, s.set_reason, "dispute-reason"
            ),
        ),
        rx.cond(
            s.outcome == "call_back",
            labelled(
                "work.call_back.date",
                _date_input(s.call_back_on, s.set_call_back_on, "call-back-date"),
            ),
        ),
        rx.cond(
            (s.outcome == "promise") | (s.outcome == "dispute"),
            rx.text(words("work.items.hint"), size="1", color_scheme="gray"),
        ),
    )


def _buttons(is_step: rx.Var[bool]) -> rx.Component:
    s = WorklistState
    return rx.flex(
        rx.dialog.close(
            rx.button(words("work.close"), variant="ghost", color_scheme="gray", type="button")
        ),
        rx.spacer(),
        rx.button(
            rx.icon("skip-forward", size=16),
            words("work.skip"),
            on_click=s.finish("skipped"),
            variant="soft",
            color_scheme="gray",
            loading=s.saving,
            type="button",
            id="action-skip",
        ),
        rx.cond(
            ~is_step,
            rx.button(
                rx.icon("check", size=16),
                words("work.done"),
                on_click=s.finish("done"),
                loading=s.saving,
                type="button",
                id="action-done",
            ),
        ),
        spacing="2",
        align="center",
        width="100%",
        wrap="wrap",
    )


def outcome_form() -> rx.Component:
    """The outcome (a step's action only says it is sent from the campaigns), the note, the
    error, and the buttons."""
    s = WorklistState
    is_step = s.action_kind == "step"
    return rx.vstack(
        section_title("work.outcome.title"),
        rx.cond(
            is_step,
            rx.callout.root(
                rx.callout.icon(rx.icon("info")),
                rx.callout.text(words("work.step_hint")),
                size="1",
                width="100%",
            ),
            rx.vstack(
                rx.flex(*[_outcome_button(v) for v in OUTCOMES], spacing="2", wrap="wrap"),
                _details(),
                spacing="3",
                width="100%",
            ),
        ),
        labelled(
            "work.note",
            rx.text_area(
                value=s.note,
                on_change=s.set_note,
                placeholder=words("work.note.placeholder"),
                rows="2",
                width="100%",
                id="outcome-note",
            ),
        ),
        rx.cond(
            s.form_error != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(s.form_error),
                color_scheme="red",
                size="1",
                width="100%",
                id="sheet-error",
            ),
        ),
        _buttons(is_step),
        spacing="3",
        width="100%",
        id="outcome-form",
    )
