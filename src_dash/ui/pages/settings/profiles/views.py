"""The profile rules tab's views: a card per rule, the counts per profile, the rule dialog and the
confirmation.
"""

from __future__ import annotations

import reflex as rx

from src_dash.services.profile_rules import (
    GRADE_LETTERS,
)
from src_dash.ui import i18n
from src_dash.ui.i18n import t
from src_dash.ui.pages.settings.common import (
    Choice,
    error_note,
    field,
    section,
    select,
)
from src_dash.ui.pages.settings.profiles.rows import CURRENCIES, CountLine, RuleLine
from src_dash.ui.pages.settings.profiles.state import ProfileRulesState
from src_dash.ui.state import UiState


def _condition(text: rx.Var[str]) -> rx.Component:
    return rx.badge(text, variant="surface", color_scheme="gray", size="1", white_space="normal")


def _warning(icon: str, key: str, test_id: str) -> rx.Component:
    return rx.flex(
        rx.icon(icon, size=13, flex_shrink="0", margin_top="2px"),
        rx.text(t(key, UiState.lang), size="1"),
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
            aria_label=t(label, UiState.lang),
            data_testid=test_id,
            **props,
        ),
        content=t(label, UiState.lang),
    )


def _rule_title(row: RuleLine) -> rx.Component:
    """The rule's profile, inactive badge and scenarios."""
    return rx.flex(
        rx.text(row.profile, weight="bold", size="3", data_testid="rule-profile"),
        rx.cond(
            ~row.active,
            rx.badge(t("set.pr.inactive", UiState.lang), color_scheme="gray"),
        ),
        rx.cond(
            row.scenarios != "",
            rx.text(
                t("set.pr.scenarios", UiState.lang),
                "\u00a0: ",
                row.scenarios,
                size="1",
                color_scheme="gray",
            ),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _rule_body(row: RuleLine) -> rx.Component:
    """The title, description, conditions and warnings of a rule."""
    return rx.vstack(
        _rule_title(row),
        rx.cond(
            row.description != "",
            rx.text(row.description, size="2", color_scheme="gray"),
        ),
        rx.flex(
            rx.foreach(row.conditions, _condition),
            spacing="1",
            wrap="wrap",
            data_testid="rule-conditions",
        ),
        rx.cond(
            row.no_scenario,
            _warning("triangle-alert", "set.pr.no_scenario", "rule-no-scenario"),
        ),
        rx.cond(
            row.shadowed,
            _warning("eye-off", "set.pr.shadowed", "rule-shadowed"),
        ),
        spacing="1",
        min_width="0",
        flex="1",
    )


def _rule_buttons(row: RuleLine) -> rx.Component:
    """Move up, move down, edit, delete."""
    s = ProfileRulesState
    return rx.flex(
        _rule_button("arrow-up", "set.pr.up", s.move(row.id, -1), "rule-up", disabled=row.first),
        _rule_button(
            "arrow-down", "set.pr.down", s.move(row.id, 1), "rule-down", disabled=row.last
        ),
        _rule_button("pencil", "set.pr.edit_short", s.open_edit(row.id), "rule-edit"),
        _rule_button(
            "trash-2", "set.delete", s.ask_delete(row.id), "rule-delete", color_scheme="red"
        ),
        spacing="2",
        justify="end",
        flex_shrink="0",
    )


def _rule_card(row: RuleLine) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.flex(
                rx.badge(row.position.to_string(), variant="solid", radius="full", size="2"),
                _rule_body(row),
                spacing="3",
                align="start",
                flex="1",
                min_width="0",
            ),
            _rule_buttons(row),
            spacing="3",
            direction=rx.breakpoints(initial="column", sm="row"),
            align=rx.breakpoints(initial="stretch", sm="center"),
            width="100%",
        ),
        width="100%",
        data_testid="profile-rule",
        opacity=rx.cond(row.active, "1", "0.65"),
    )


def _count_row(row: CountLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.profile, weight="medium")),
        rx.table.cell(
            rx.text(
                row.customers,
                rx.cond(
                    row.by_hand != "",
                    rx.text.span(
                        " (", t("set.pr.by_hand", UiState.lang), " ", row.by_hand, ")",
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
                row.no_scenario,
                rx.badge(t("set.pr.none_short", UiState.lang), color_scheme="amber"),
                rx.text(row.scenarios, size="2", color_scheme="gray"),
            )
        ),
        data_testid="profile-count",
    )  # fmt: skip


def _text(key: str, name: str, value: rx.Var[str], **props) -> rx.Component:
    s = ProfileRulesState
    return field(
        key,
        rx.input(
            value=value,
            on_change=lambda v: s.set_text(name, v),
            id=f"rule-{name.replace('_', '-')}",
            width="100%",
            **props,
        ),
        s.errors[name],
        error_id=f"rule-{name.replace('_', '-')}-error",
    )


def _grade_box(letter: str) -> rx.Component:
    s = ProfileRulesState
    return rx.text(
        rx.flex(
            rx.checkbox(
                checked=s.grades.contains(letter),
                on_change=lambda v: s.toggle_grade(letter, v),
                id=f"rule-grade-{letter}",
            ),
            letter,
            spacing="1",
            align="center",
        ),
        as_="label",
        size="2",
    )


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


def _two_columns(*children: rx.Component) -> rx.Component:
    return rx.grid(
        *children,
        columns=rx.breakpoints(initial="1", sm="2"),
        spacing="3",
        width="100%",
    )


def _criteria() -> rx.Component:
    """The free field, least outstanding, currency and countries a customer must match."""
    s = ProfileRulesState
    return _two_columns(
        _text("set.field.free_field", "free_field", s.free_field, placeholder="Segment"),
        _text(
            "set.field.free_field_values",
            "free_field_values",
            s.free_field_values,
            placeholder="Grand compte, Collectivité",
        ),
        _text(
            "set.field.min_outstanding",
            "min_outstanding",
            s.min_outstanding,
            inputmode="decimal",
        ),
        field(
            "set.field.foreign_currency",
            select(_currency_choices(), s.currency, s.set_currency, "rule-currency"),
            s.errors["foreign_currency"],
        ),
        _text("set.field.countries", "countries", s.countries, placeholder="France"),
        _text(
            "set.field.outside_countries",
            "outside_countries",
            s.outside_countries,
            placeholder="France",
        ),
    )


def _active_switch() -> rx.Component:
    s = ProfileRulesState
    return rx.text(
        rx.flex(
            rx.switch(checked=s.active, on_change=s.set_active, id="rule-active"),
            t("set.field.active", UiState.lang),
            spacing="2",
            align="center",
        ),
        as_="label",
        size="2",
    )


def _dialog_buttons() -> rx.Component:
    """Cancel and save."""
    return rx.flex(
        rx.dialog.close(
            rx.button(t("set.cancel", UiState.lang), variant="soft", color_scheme="gray")
        ),
        rx.button(
            rx.icon("save", size=14),
            t("set.save", UiState.lang),
            on_click=ProfileRulesState.save,
            id="rule-save",
        ),
        spacing="2",
        justify="end",
        width="100%",
    )


def _dialog() -> rx.Component:
    s = ProfileRulesState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(
                    s.edit_id != 0, t("set.pr.edit", UiState.lang), t("set.pr.new", UiState.lang)
                )
            ),
            rx.vstack(
                _two_columns(
                    _text("set.field.profile", "profile", s.profile, list="rule-profiles"),
                    field(
                        "set.field.company_id",
                        select(s.companies, s.company, s.set_company, "rule-company"),
                        s.errors["company_id"],
                    ),
                ),
                _text("set.field.rule_description", "description", s.description),
                field(
                    "set.field.grades",
                    rx.flex(*[_grade_box(g) for g in GRADE_LETTERS], spacing="4", wrap="wrap"),
                    s.errors["grades"],
                    error_id="rule-grades-error",
                ),
                _criteria(),
                rx.text(t("set.pr.list_hint", UiState.lang), size="1", color_scheme="gray"),
                _active_switch(),
                rx.el.datalist(
                    rx.foreach(s.profiles, lambda p: rx.el.option(value=p)), id="rule-profiles"
                ),
                error_note(s.errors["form"], "rule-form-error"),
                _dialog_buttons(),
                spacing="3",
                width="100%",
            ),
            max_width="640px",
            id="rule-dialog",
        ),
        open=s.editing,
        on_open_change=s.close,
    )


def _confirm() -> rx.Component:
    s = ProfileRulesState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("set.pr.confirm_title", UiState.lang)),
            rx.alert_dialog.description(s.deleting_text),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(t("set.cancel", UiState.lang), variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        t("set.delete", UiState.lang),
                        color_scheme="red",
                        on_click=s.confirm_delete,
                        id="rule-confirm-delete",
                    )
                ),
                spacing="2",
                justify="end",
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
        rx.text(t("set.pr.intro", UiState.lang), size="2", color_scheme="gray"),
        error_note(s.error, "rules-error"),
        rx.flex(
            section(
                "set.pr.rules",
                rx.cond(
                    s.rules.length() > 0,
                    rx.vstack(rx.foreach(s.rules, _rule_card), spacing="2", width="100%"),
                    rx.text(t("set.pr.none", UiState.lang), size="2", color_scheme="gray"),
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    t("set.pr.add", UiState.lang),
                    on_click=s.open_new,
                    variant="soft",
                    id="rule-add",
                ),
                section_id="profile-rules",
                flex="2",
                min_width="0",
            ),
            section(
                "set.pr.counts",
                rx.text(t("set.pr.counts_intro", UiState.lang), size="1", color_scheme="gray"),
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(t("set.pr.profile", UiState.lang)),
                                rx.table.column_header_cell(
                                    t("set.pr.customers", UiState.lang), text_align="right"
                                ),
                                rx.table.column_header_cell(t("set.pr.scenarios", UiState.lang)),
                            )
                        ),
                        rx.table.body(rx.foreach(s.counts, _count_row)),
                        size="1",
                        variant="surface",
                        width="100%",
                        id="profile-counts",
                    ),
                    width="100%",
                    overflow_x="auto",
                ),
                rx.button(
                    rx.icon("play", size=14),
                    t("set.pr.apply", UiState.lang),
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
