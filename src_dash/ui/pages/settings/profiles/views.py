"""The profile rules tab's views: a card per rule, the counts per profile, the rule dialog and the
confirmation.
"""

from __future__ import annotations

import reflex as rx

from src_dash.services.profile_rules import (
    GRADE_LETTERS,
)
from src_dash.ui import i18n
from src_dash.ui.kit.controls import (
    button,
    buttons,
    close_button,
    column,
    dialog,
    header_cell,
    row,
    soft_button,
    table,
)
from src_dash.ui.kit.widgets import item_card, words
from src_dash.ui.pages.settings.common import (
    Choice,
    FormFields,
    check_label,
    choice_field,
    error_note,
    field,
    field_grid,
    save_button,
    section,
)
from src_dash.ui.pages.settings.profiles.rows import CURRENCIES, CountLine, RuleLine
from src_dash.ui.pages.settings.profiles.state import ProfileRulesState
from src_dash.ui.state import UiState


def _condition(text: rx.Var[str]) -> rx.Component:
    return rx.badge(text, variant="surface", color_scheme="gray", size="1", white_space="normal")


def _warning(icon: str, key: str, test_id: str) -> rx.Component:
    return rx.flex(
        rx.icon(icon, size=13, flex_shrink="0", margin_top="2px"),
        rx.text(words(key), size="1"),
        spacing="1",
        align="start",
        color=rx.color("amber", 11),
        data_testid=test_id,
    )


def _rule_button(icon: str, label: str, on_click, test_id: str, **props) -> rx.Component:  # noqa: ANN001
    return rx.tooltip(
        rx.icon_button(
            rx.icon(icon, size=15),
            on_click=on_click,
            variant="soft",
            size="2",
            aria_label=words(label),
            data_testid=test_id,
            **props,
        ),
        content=words(label),
    )


def _rule_title(line: RuleLine) -> rx.Component:
    """The rule's profile, inactive badge and scenarios."""
    return row(
        rx.text(line.profile, weight="bold", size="3", data_testid="rule-profile"),
        rx.cond(~line.active, rx.badge(words("set.pr.inactive"), color_scheme="gray")),
        rx.cond(
            line.scenarios != "",
            rx.text(
                words("set.pr.scenarios"), "\u00a0: ", line.scenarios, size="1", color_scheme="gray"
            ),
        ),
    )


def _rule_body(line: RuleLine) -> rx.Component:
    """The title, description, conditions and warnings of a rule."""
    return rx.vstack(
        _rule_title(line),
        rx.cond(
            line.description != "",
            rx.text(line.description, size="2", color_scheme="gray"),
        ),
        rx.flex(
            rx.foreach(line.conditions, _condition),
            spacing="1",
            wrap="wrap",
            data_testid="rule-conditions",
        ),
        rx.cond(
            line.no_scenario,
            _warning("triangle-alert", "set.pr.no_scenario", "rule-no-scenario"),
        ),
        rx.cond(
            line.shadowed,
            _warning("eye-off", "set.pr.shadowed", "rule-shadowed"),
        ),
        spacing="1",
        min_width="0",
        flex="1",
    )


def _rule_buttons(line: RuleLine) -> rx.Component:
    """Move up, move down, edit, delete."""
    s = ProfileRulesState
    return rx.flex(
        _rule_button("arrow-up", "set.pr.up", s.move(line.id, -1), "rule-up", disabled=line.first),
        _rule_button(
            "arrow-down", "set.pr.down", s.move(line.id, 1), "rule-down", disabled=line.last
        ),
        _rule_button("pencil", "set.pr.edit_short", s.open_edit(line.id), "rule-edit"),
        _rule_button(
            "trash-2", "set.delete", s.ask_delete(line.id), "rule-delete", color_scheme="red"
        ),
        spacing="2",
        justify="end",
        flex_shrink="0",
    )


def _rule_card(line: RuleLine) -> rx.Component:
    return item_card(
        (
            rx.flex(
                rx.badge(line.position.to_string(), variant="solid", radius="full", size="2"),
                _rule_body(line),
                spacing="3",
                align="start",
                width="100%",
            ),
        ),
        _rule_buttons(line),
        testid="profile-rule",
        opacity=rx.cond(line.active, "1", "0.65"),
    )


def _count_row(line: CountLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(line.profile, weight="medium")),
        rx.table.cell(
            rx.text(
                line.customers,
                rx.cond(
                    line.by_hand != "",
                    rx.text.span(
                        " (", words("set.pr.by_hand"), " ", line.by_hand, ")",
                        color_scheme="gray", size="1",
                    ),
                ),
                data_testid="count-customers",
            ),
            text_align="right",
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.cond(
                line.no_scenario,
                rx.badge(words("set.pr.none_short"), color_scheme="amber"),
                rx.text(line.scenarios, size="2", color_scheme="gray"),
            )
        ),
        data_testid="profile-count",
    )  # fmt: skip


def _grade_box(letter: str) -> rx.Component:
    s = ProfileRulesState
    box = rx.checkbox(
        checked=s.grades.contains(letter),
        on_change=lambda v: s.toggle_grade(letter, v),
        id=f"rule-grade-{letter}",
    )
    return check_label(box, rx.Var.create(letter), spacing="1")


def _currency_choices() -> rx.Var:
    return rx.Var.create(
        {
            lang: [
                {"value": v, "label": i18n.CATALOG[lang][f"set.pr.currency.{v}"]}
                for v in CURRENCIES
            ]
            for lang in i18n.LANGS
        }
    )[UiState.lang].to(list[Choice])


def _form() -> FormFields:
    """The rule's text fields, set by name, their errors under them."""
    s = ProfileRulesState
    return FormFields(s.set_text, "rule-", errors=s.errors, values=s.texts)


def _criteria() -> rx.Component:
    """The free field, least outstanding, currency and countries a customer must match."""
    s, form = ProfileRulesState, _form()
    return field_grid(
        form.text("set.field.free_field", "free_field", placeholder="Segment"),
        form.text(
            "set.field.free_field_values",
            "free_field_values",
            placeholder="Grand compte, Collectivité",
        ),
        form.text("set.field.min_outstanding", "min_outstanding", inputmode="decimal"),
        choice_field(
            "set.field.foreign_currency",
            _currency_choices(),
            s.currency,
            s.set_currency,
            "rule-currency",
            s.errors["foreign_currency"],
        ),
        form.text("set.field.countries", "countries", placeholder="France"),
        form.text(
            "set.field.outside_countries",
            "outside_countries",
            placeholder="France",
        ),
    )


def _dialog() -> rx.Component:
    s, form = ProfileRulesState, _form()
    return dialog(
        rx.cond(s.edit_id != 0, words("set.pr.edit"), words("set.pr.new")),
        field_grid(
            form.text("set.field.profile", "profile", list="rule-profiles"),
            choice_field(
                "set.field.company_id",
                s.companies,
                s.company,
                s.set_company,
                "rule-company",
                s.errors["company_id"],
            ),
        ),
        form.text("set.field.rule_description", "description"),
        field(
            "set.field.grades",
            rx.flex(*[_grade_box(g) for g in GRADE_LETTERS], spacing="4", wrap="wrap"),
            s.errors["grades"],
            error_id="rule-grades-error",
        ),
        _criteria(),
        rx.text(words("set.pr.list_hint"), size="1", color_scheme="gray"),
        check_label(
            rx.switch(checked=s.active, on_change=s.set_active, id="rule-active"),
            "set.field.active",
        ),
        rx.el.datalist(rx.foreach(s.profiles, lambda p: rx.el.option(value=p)), id="rule-profiles"),
        error_note(s.errors["form"], "rule-form-error"),
        buttons(
            close_button("set.cancel"),
            save_button(on_click=s.save, id="rule-save"),
        ),
        open_=s.editing,
        on_open_change=s.close,
        max_width="640px",
        id="rule-dialog",
    )


def _confirm() -> rx.Component:
    s = ProfileRulesState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(words("set.pr.confirm_title")),
            rx.alert_dialog.description(s.deleting_text),
            buttons(
                rx.alert_dialog.cancel(
                    rx.button(words("set.cancel"), variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        words("set.delete"),
                        color_scheme="red",
                        on_click=s.confirm_delete,
                        id="rule-confirm-delete",
                    )
                ),
                margin_top="16px",
            ),
            max_width="460px",
        ),
        open=s.deleting != 0,
        on_open_change=s.cancel_delete,
    )


def profiles_tab() -> rx.Component:
    """The profile rules in order, the counts per profile and "apply now"."""
    s = ProfileRulesState
    return rx.vstack(
        rx.text(words("set.pr.intro"), size="2", color_scheme="gray"),
        error_note(s.error, "rules-error"),
        rx.flex(
            section(
                "set.pr.rules",
                rx.cond(
                    s.rules.length() > 0,
                    column(rx.foreach(s.rules, _rule_card), spacing="2"),
                    rx.text(words("set.pr.none"), size="2", color_scheme="gray"),
                ),
                soft_button("plus", "set.pr.add", icon_size=14, on_click=s.open_new, id="rule-add"),
                section_id="profile-rules",
                flex="2",
                min_width="0",
            ),
            section(
                "set.pr.counts",
                rx.text(words("set.pr.counts_intro"), size="1", color_scheme="gray"),
                table(
                    (
                        "set.pr.profile",
                        header_cell("set.pr.customers", right=True),
                        "set.pr.scenarios",
                    ),
                    rx.foreach(s.counts, _count_row),
                    id="profile-counts",
                ),
                button(
                    "play",
                    "set.pr.apply",
                    icon_size=14,
                    on_click=s.apply_now,
                    loading=s.applying,
                    id="rules-apply",
                ),
                section_id="profile-counts-card",
                flex="1",
                min_width="0",
            ),
            direction=rx.breakpoints(initial="column", lg="row"),
            spacing="4",
            align="start",
            width="100%",
        ),
        _dialog(),
        _confirm(),
        spacing="4",
        width="100%",
    )
