"""The views of the customer's space: phone first, one column of cards that widens on a laptop."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.i18n import t
from src_dash.ui.pages.space.state import SpaceState

L = SpaceState.lang


def _card(title_key: str, *children: rx.Component, **props: object) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(t(title_key, L), as_="h2", size="4"), *children, spacing="3"),
        width="100%",
        **props,
    )


def _figure(label_key: str, value: rx.Var, id_: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key, L), size="2", color_scheme="gray"),
        rx.text(value, size="6", weight="bold", id=id_),
        spacing="0",
    )


def _cell(label_key: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key, L), size="1", color_scheme="gray"),
        rx.text(value, size="2"),
        spacing="0",
    )


def _item(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(row["piece"], weight="bold"),
            rx.spacer(),
            rx.cond(
                row["state"] == "promised", rx.badge(t("space.promised", L), color_scheme="blue")
            ),
            rx.cond(
                row["state"] == "disputed", rx.badge(t("space.disputed", L), color_scheme="orange")
            ),
        ),
        rx.grid(
            _cell("space.date", row["date"]),
            _cell("space.due", row["due"]),
            _cell("space.amount", row["amount"]),
            _cell("space.received", row["received"]),
            _cell("space.remaining", row["remaining"]),
            columns=rx.breakpoints(initial="3", md="5"),
            spacing="2",
            width="100%",
        ),
        class_name="space-item",
        data_item=row["id"],
        padding="0.6em 0",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
    )


def _items() -> rx.Component:
    return _card(
        "space.items",
        rx.hstack(
            _figure("space.outstanding", SpaceState.outstanding, "space-outstanding"),
            _figure("space.overdue", SpaceState.overdue, "space-overdue"),
            spacing="6",
            wrap="wrap",
        ),
        rx.cond(
            SpaceState.rows.length() > 0,
            rx.vstack(rx.foreach(SpaceState.rows, _item), spacing="0", width="100%"),
            rx.text(t("space.none", L)),
        ),
        rx.button(
            t("space.statement", L), on_click=SpaceState.statement, variant="soft", id="space-pdf"
        ),
    )


def _payment() -> rx.Component:
    return _card(
        "space.pay.title",
        rx.cond(
            SpaceState.iban != "",
            rx.grid(
                _cell("space.pay.iban", SpaceState.iban),
                _cell("space.pay.bic", SpaceState.bic),
                _cell("space.pay.bank", SpaceState.bank),
                _cell("space.pay.reference", SpaceState.reference),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="2",
            ),
            rx.text(t("space.pay.none", L)),
        ),
    )


def _choices(prefix: str) -> rx.Component:
    """Boxes to tick among the customer's open items."""
    return rx.vstack(
        rx.text(t("space.choose", L), size="2", weight="medium"),
        rx.foreach(
            SpaceState.rows,
            lambda row: rx.cond(
                row["open"] == "1",
                rx.el.label(
                    rx.el.input(
                        type="checkbox", name="item-" + row["id"], id=prefix + "-item-" + row["id"]
                    ),
                    rx.text(row["piece"] + " · " + row["remaining"], as_="span", size="2"),
                    display="flex",
                    gap="0.5em",
                    align_items="center",
                ),
            ),
        ),
        spacing="1",
    )


def _field(label_key: str, name: str, kind: str = "text", form: str = "") -> rx.Component:
    field_id = f"space-{form}-{name}"
    return rx.vstack(
        rx.el.label(rx.text(t(label_key, L), size="2"), html_for=field_id),
        rx.input(name=name, id=field_id, type=kind, width="100%", size="3"),
        spacing="1",
        width="100%",
    )


def _form(title_key: str, submit_key: str, handler: object, name: str, *fields) -> rx.Component:
    """A card with a form; the problem's form is not reset on submit (its file is read after)."""
    return _card(
        title_key,
        rx.form(
            rx.vstack(
                *fields,
                rx.button(t(submit_key, L), type="submit", size="3", id=f"space-{name}-submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=handler,
            reset_on_submit=name != "problem",
            id=f"space-{name}",
        ),
    )


def _problem_fields() -> list[rx.Component]:
    return [
        _choices("problem"),
        rx.el.label(
            rx.text(t("space.problem.reason", L), size="2"), html_for="space-problem-reason"
        ),
        rx.el.select(
            rx.foreach(SpaceState.reasons, lambda r: rx.el.option(r[1], value=r[0])),
            name="reason",
            id="space-problem-reason",
            style={"padding": "0.5em", "width": "100%"},
        ),
        rx.el.label(
            rx.text(t("space.problem.message", L), size="2"), html_for="space-problem-message"
        ),
        rx.text_area(name="message", id="space-problem-message", width="100%"),
        rx.el.label(rx.text(t("space.problem.file", L), size="2"), html_for="space-file"),
        rx.el.input(type="file", name="file", id="space-file", accept=".pdf,.png,.jpg,.jpeg"),
    ]


def _copy_fields() -> list[rx.Component]:
    return [
        rx.el.label(rx.text(t("space.copy.what", L), size="2"), html_for="space-copy-document"),
        rx.el.select(
            rx.el.option(t("space.copy.statement", L), value="statement"),
            rx.foreach(SpaceState.rows, lambda r: rx.el.option(r["piece"], value=r["id"])),
            name="document",
            id="space-copy-document",
            style={"padding": "0.5em", "width": "100%"},
        ),
        _field("space.copy.note", "note", "text", "copy"),
    ]


def _requests() -> list[rx.Component]:
    """Ask for a copy, to be called back, or give a new billing contact."""
    return [
        _form(
            "space.copy.title", "space.copy.submit", SpaceState.ask_copy, "copy", *_copy_fields()
        ),
        _form(
            "space.callback.title",
            "space.callback.submit",
            SpaceState.call_back,
            "callback",
            _field("space.callback.phone", "phone", "tel", "callback"),
            _field("space.callback.moment", "moment", "text", "callback"),
            _field("space.callback.note", "note", "text", "callback"),
        ),
        _form(
            "space.contact.title",
            "space.contact.submit",
            SpaceState.contact,
            "contact",
            _field("space.contact.name", "name", "text", "contact"),
            _field("space.contact.email", "email", "email", "contact"),
            _field("space.contact.phone", "phone", "tel", "contact"),
        ),
    ]


def _actions() -> rx.Component:
    return rx.vstack(
        _form(
            "space.promise.title",
            "space.promise.submit",
            SpaceState.promise,
            "promise",
            _choices("promise"),
            _field("space.promise.date", "date", "date", "promise"),
            _field("space.promise.amount", "amount", "text", "promise"),
            _field("space.promise.note", "note", "text", "promise"),
        ),
        _form(
            "space.problem.title",
            "space.problem.submit",
            SpaceState.report,
            "problem",
            *_problem_fields(),
        ),
        _form(
            "space.paid.title",
            "space.paid.submit",
            SpaceState.already_paid,
            "paid",
            _choices("paid"),
            _field("space.paid.date", "date", "date", "paid"),
            _field("space.paid.amount", "amount", "text", "paid"),
            _field("space.paid.reference", "reference", "text", "paid"),
        ),
        _form(
            "space.write.title",
            "space.write.submit",
            SpaceState.write,
            "write",
            rx.text_area(name="body", id="space-write-body", width="100%"),
        ),
        *_requests(),
        spacing="4",
        width="100%",
    )


def _messages() -> rx.Component:
    return _card(
        "space.messages",
        rx.cond(
            SpaceState.messages.length() > 0,
            rx.vstack(
                rx.foreach(
                    SpaceState.messages,
                    lambda m: rx.box(
                        rx.text(m["when"], size="1", color_scheme="gray"),
                        rx.text(m["subject"], weight="bold", size="2"),
                        rx.text(m["body"], size="2", white_space="pre-wrap"),
                        padding_bottom="0.5em",
                    ),
                ),
                width="100%",
            ),
            rx.text(t("space.messages.none", L), size="2"),
        ),
    )


def _space() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.cond(
                SpaceState.logo != "",
                rx.image(
                    src=SpaceState.logo,
                    alt=SpaceState.company,
                    max_height="48px",
                    max_width="160px",
                    id="space-logo",
                ),
            ),
            rx.heading(t("space.title", L), as_="h1", size="6", id="page-title"),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.text(t("space.with", L).replace("{company}", SpaceState.company), size="3"),
        rx.text(SpaceState.customer, weight="bold", id="space-customer"),
        rx.cond(
            SpaceState.notice != "",
            rx.callout(SpaceState.notice, color_scheme="green", id="space-notice"),
        ),
        rx.cond(
            SpaceState.error != "",
            rx.callout(SpaceState.error, color_scheme="red", id="space-error"),
        ),
        _items(),
        _payment(),
        _actions(),
        _messages(),
        spacing="4",
        width="100%",
    )


def space_page() -> rx.Component:
    """The customer's space, or the same refusal for any link that does not open one."""
    return rx.box(
        rx.cond(
            SpaceState.loaded,
            rx.cond(
                SpaceState.valid,
                _space(),
                rx.callout(t("space.refused", L), color_scheme="orange", id="space-refused"),
            ),
            rx.text(t("space.loading", L)),
        ),
        max_width="960px",
        margin="0 auto",
        padding=rx.breakpoints(initial="0.75em", md="2em"),
        lang=L,
        # The company's colour (when set) for the buttons and the band on top.
        style={"--accent-9": SpaceState.accent, "--accent-10": SpaceState.accent},
        border_top=rx.cond(SpaceState.accent != "", "6px solid " + SpaceState.accent, "none"),
        id="space-root",
    )
