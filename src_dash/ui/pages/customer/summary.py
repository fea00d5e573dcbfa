"""The card's summary tab: the identity and the free fields, the dunning (profile, scenario,
stop), the contacts by service with the dialog that adds one, the aging and the score's parts."""

from __future__ import annotations

import reflex as rx

from src_dash.ui.kit.controls import column, dialog, soft_button
from src_dash.ui.kit.rows import Figure
from src_dash.ui.kit.widgets import callout, words
from src_dash.ui.pages.customer.parts import (
    captioned,
    dialog_buttons,
    error_line,
    halves,
    listing,
    section,
    worded_select,
)
from src_dash.ui.pages.customer.rows import AUTO, Bar
from src_dash.ui.pages.customer.state import CardState


def _field_list(fields: rx.Var[list[Figure]], list_id: str) -> rx.Component:
    return rx.grid(
        rx.foreach(
            fields,
            lambda f: rx.fragment(
                rx.text(f.label, size="2", color_scheme="gray"),
                rx.text(f.value, size="2", white_space="pre-line", word_break="break-word"),
            ),
        ),
        columns="minmax(90px, max-content) minmax(0, 1fr)",
        column_gap="16px",
        row_gap="6px",
        width="100%",
        id=list_id,
    )


def _bar(b: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(b.label, size="2"),
            rx.spacer(),
            rx.text(b.value, size="2", weight="medium", white_space="nowrap"),
            width="100%",
        ),
        rx.box(
            rx.box(
                width=b.width,
                height="6px",
                border_radius="3px",
                background_color=f"var(--{b.color}-9)",
            ),
            width="100%",
            height="6px",
            border_radius="3px",
            background_color="var(--gray-a3)",
        ),
        rx.cond(b.detail != "", rx.text(b.detail, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
        data_testid="bar",
    )


def _bars(bars: rx.Var[list[Bar]], list_id: str) -> rx.Component:
    return rx.vstack(rx.foreach(bars, _bar), spacing="3", width="100%", id=list_id)


def _value_line(key: str, value: rx.Component, *more: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.text(words(key), size="2", color_scheme="gray"),
        value,
        *more,
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _profile_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="profile",
                default_value=CardState.card.profile,
                list="profile-choices",
                placeholder=words("card.profile.placeholder"),
                size="2",
                flex="1",
                id="profile-input",
            ),
            rx.el.datalist(
                rx.foreach(CardState.profile_options, lambda p: rx.el.option(value=p)),
                id="profile-choices",
            ),
            rx.button(words("card.save"), type="submit", size="2", id="profile-save"),
            width="100%",
            spacing="2",
        ),
        on_submit=CardState.save_profile,
        width="100%",
    )


def _scenario_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", id="scenario-select"),
        rx.select.content(
            rx.select.item(words("card.scenario.auto"), value=AUTO),
            rx.foreach(CardState.card.scenarios, lambda s: rx.select.item(s.label, value=s.value)),
        ),
        value=CardState.card.scenario_value,
        on_change=CardState.choose_scenario,
        size="2",
    )


def _profile_box() -> rx.Component:
    return column(
        _value_line(
            "card.profile",
            rx.text(
                rx.cond(CardState.card.profile != "", CardState.card.profile, "—"),
                size="2",
                weight="medium",
                id="profile-value",
            ),
            rx.cond(
                CardState.card.profile_by_hand,
                rx.badge(words("card.by_hand"), variant="outline", size="1"),
            ),
        ),
        _value_line(
            "card.scenario",
            rx.text(CardState.card.scenario, size="2", weight="medium", id="scenario-value"),
        ),
        rx.cond(
            CardState.can_work,
            rx.vstack(
                _profile_form(),
                _scenario_select(),
                error_line(CardState.profile_error),
                spacing="2",
                width="100%",
            ),
        ),
        rx.cond(
            CardState.card.stop_text != "",
            callout(
                "circle-pause",
                CardState.card.stop_text,
                color_scheme="orange",
                size="1",
                id="stop-text",
            ),
        ),
        error_line(CardState.stop_error),
    )


def _contact_row(c: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(
            c.first_of_service,
            rx.hstack(
                rx.text(c.service, weight="bold", size="2"),
                rx.badge(c.service_role, color_scheme=c.service_role_color, variant="outline"),
                spacing="2",
                align="center",
                padding_top="6px",
            ),
        ),
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(c.name, size="2", weight="medium"),
                    rx.cond(
                        c.typed_in_app,
                        rx.badge(words("card.contact.app"), variant="outline", size="1"),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(c.function != "", rx.text(c.function, size="1", color_scheme="gray")),
                rx.cond(
                    c.email != "",
                    rx.link(c.email, href="mailto:" + c.email, size="1", word_break="break-all"),
                ),
                rx.cond(c.phone != "", rx.text(c.phone, size="1", color_scheme="gray")),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            rx.badge(c.role, color_scheme=c.role_color, data_testid="contact-role"),
            width="100%",
            align="start",
        ),
        spacing="1",
        width="100%",
        data_testid="contact",
    )


def _contact_selects() -> tuple[rx.Component, rx.Component]:
    service = rx.select.root(
        rx.select.trigger(width="100%", id="contact-service"),
        rx.select.content(
            rx.foreach(CardState.card.services, lambda s: rx.select.item(s.label, value=s.value))
        ),
        name="service",
    )
    role = worded_select(
        "role",
        ("service", "to", "cc", "never"),
        "card.role",
        {"width": "100%", "id": "contact-role"},
    )
    return captioned("card.contact.service", service), captioned("card.contact.role", role)


def _contact_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.grid(
                captioned(
                    "card.contact.first_name",
                    rx.input(name="first_name", id="contact-first-name"),
                ),
                captioned(
                    "card.contact.last_name",
                    rx.input(name="last_name", required=True, id="contact-last-name"),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="2",
                width="100%",
            ),
            captioned("card.contact.function", rx.input(name="function")),
            captioned(
                "card.contact.email", rx.input(name="email", type="email", id="contact-email")
            ),
            captioned("card.contact.phone", rx.input(name="phone", type="tel")),
            *_contact_selects(),
            error_line(CardState.contact_error),
            dialog_buttons("card.save", "contact-submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=CardState.add_contact,
        reset_on_submit=False,
    )


def _contact_dialog() -> rx.Component:
    return dialog(
        "card.contact.add",
        _contact_form(),
        open_=CardState.contact_open,
        on_open_change=CardState.set_contact_open,
        max_width="480px",
        trigger=soft_button("user-plus", "card.contact.add", size="2", id="add-contact"),
    )


def _contacts_section() -> rx.Component:
    return section(
        "card.contacts",
        listing(CardState.card.contacts, _contact_row, "card.contacts.none", spacing="2"),
        rx.cond(CardState.can_work, _contact_dialog()),
        section_id="contacts",
    )


def _identity_section() -> rx.Component:
    return section(
        "card.identity",
        _field_list(CardState.card.identity, "identity"),
        rx.cond(
            CardState.card.free_fields.length() > 0,
            rx.vstack(
                rx.separator(size="4"),
                rx.text(words("card.free_fields"), size="2", weight="bold"),
                _field_list(CardState.card.free_fields, "free-fields"),
                spacing="2",
                width="100%",
            ),
        ),
        section_id="identity-card",
    )


def summary_tab() -> rx.Component:
    """Identity, dunning and contacts on the left; aging and score on the right."""
    return halves(
        (
            _identity_section(),
            section("card.dunning", _profile_box(), section_id="dunning"),
            _contacts_section(),
        ),
        (
            section("card.aging", _bars(CardState.card.aging, "aging-bars"), section_id="aging"),
            section(
                "card.score",
                rx.text(words("card.score.hint"), size="1", color_scheme="gray"),
                _bars(CardState.card.score_parts, "score-parts"),
                section_id="score",
            ),
        ),
    )
