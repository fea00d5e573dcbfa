"""The parts every inline action's dialog is made of: the dialog itself with the item it acts
on, a labelled field with its error, the general error, the buttons, and the inputs the forms
share (an amount, a date, a note, a dispute reason, a promise's amount and date)."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType

from src_dash.ui.components.item_actions.state import ItemActionsState
from src_dash.ui.kit.controls import buttons, close_button, column, row
from src_dash.ui.kit.widgets import callout, words

A = ItemActionsState


def field(label_key: str, control: rx.Component, name: str) -> rx.Component:
    """A form's field: its label, its control, and its error under it (from the server)."""
    return column(
        rx.el.label(rx.text(words(label_key), size="2", weight="medium"), width="100%"),
        control,
        rx.cond(
            A.errors.contains(name),
            rx.text(
                A.errors[name],
                size="1",
                color_scheme="red",
                data_testid="field-error",
                data_field=name,
                id=f"error-{name.replace('_', '-')}",
            ),
        ),
        spacing="1",
    )


def small_notice(icon: str, text: rx.Var[str], **props: object) -> rx.Component:
    """A small callout the width of the dialog (`props`: its colour, its id)."""
    return callout(icon, text, size="1", width="100%", **props)


def general_error() -> rx.Component:
    """An error that is not about a field of the open form, on top of the buttons."""
    return rx.cond(
        A.general_error != "",
        small_notice("circle-alert", A.general_error, color_scheme="red", id="action-error"),
    )


def _target_line() -> rx.Component:
    return row(
        rx.badge(A.target.piece, variant="surface", id="action-piece"),
        rx.text(A.target.customer, size="2", weight="medium", trim="both"),
        rx.text(
            words("act.residual"),
            " ",
            rx.text.span(A.target.residual, weight="medium"),
            size="2",
            color_scheme="gray",
        ),
        width="100%",
    )


def cancel_button() -> rx.Component:
    """The button that closes the dialog without doing anything."""
    return close_button("act.cancel", type="button")


def _buttons(submit_key: str, submit_id: str, **submit_props) -> rx.Component:  # noqa: ANN003
    return buttons(
        cancel_button(),
        rx.button(words(submit_key), type="submit", loading=A.saving, id=submit_id, **submit_props),
        padding_top="4px",
    )


def action_dialog(
    kind: str, title_key: str, body: rx.Component, max_width: str = "460px"
) -> rx.Component:
    """An action's dialog: its title, the item it acts on, then `body`; open while the state's
    dialog is `kind` (id `dialog-<kind>`)."""
    return rx.dialog.root(
        rx.dialog.content(
            column(
                rx.dialog.title(words(title_key), margin_bottom="0"),
                _target_line(),
                rx.separator(size="4"),
                body,
            ),
            max_width=max_width,
            width="calc(100vw - 24px)",
            max_height="calc(100dvh - 24px)",
            overflow_y="auto",
            id=f"dialog-{kind.replace('_', '-')}",
        ),
        open=A.dialog == kind,
        on_open_change=A.close,
    )


def form_dialog(
    kind: str,
    title_key: str,
    on_submit: EventType[dict[str, str]],
    fields: tuple[rx.Component, ...],
    submit: tuple[str, str],
    **submit_props,  # noqa: ANN003
) -> rx.Component:
    """An action's dialog holding one form (id `form-<kind>`): its fields, the general error,
    then cancel and submit (`submit` gives the submit button's words and id)."""
    return action_dialog(
        kind,
        title_key,
        rx.form(
            column(*fields, general_error(), _buttons(*submit, **submit_props)),
            on_submit=on_submit,
            reset_on_submit=False,
            id=f"form-{kind.replace('_', '-')}",
            width="100%",
        ),
    )


def amount_input(name: str = "amount") -> rx.Component:
    """An amount typed as the user writes it (the residual by default)."""
    return rx.input(
        name=name,
        default_value=A.default_amount,
        input_mode="decimal",
        width="100%",
        id=f"{name.replace('_', '-')}-input",
    )


def date_input(name: str, default: rx.Var[str] | str = "", minimum: bool = True) -> rx.Component:
    """A date, from today on unless `minimum` is False."""
    return rx.input(
        name=name,
        type="date",
        default_value=default,
        min=A.today if minimum else None,
        width="100%",
        id=f"{name.replace('_', '-')}-input",
    )


def note(max_length: int = 1000) -> rx.Component:
    """A short free note."""
    return field(
        "act.field.note",
        rx.text_area(name="note", max_length=max_length, rows="2", width="100%", id="note-input"),
        "note",
    )


def reason_select() -> rx.Component:
    """The dispute's reason, among the configured ones."""
    return rx.select.root(
        rx.select.trigger(
            width="100%", id="reason-input", placeholder=words("act.field.reason_placeholder")
        ),
        rx.select.content(rx.foreach(A.reasons, lambda r: rx.select.item(r.label, value=r.value))),
        name="reason",
    )


def promise_fields() -> rx.Component:
    """A promise's amount and date, side by side from tablets up."""
    return rx.grid(
        field("act.field.amount", amount_input(), "amount"),
        field(
            "act.field.promised_on",
            date_input("promised_on", A.default_promised_on),
            "promised_on",
        ),
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="3",
        width="100%",
    )
