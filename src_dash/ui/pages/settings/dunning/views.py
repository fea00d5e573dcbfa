"""The scenarios, thresholds and services tabs' views: the scenario form with a card per step, the
thresholds table, the services list.
"""

from __future__ import annotations

import reflex as rx

from src_dash.ui import i18n
from src_dash.ui.i18n import t
from src_dash.ui.pages.settings.common import (
    Choice,
    error_note,
    field,
    ok_note,
    section,
    select,
)
from src_dash.ui.pages.settings.dunning.rows import (
    CHANNELS,
    CUSTOMER_LANGUAGE,
    NEW,
    OFFSET_FROM,
    PHASES,
    ServiceRow,
    StepRow,
    ThresholdRow,
)
from src_dash.ui.pages.settings.dunning.state import ScenariosState, ServicesState
from src_dash.ui.state import UiState


def _labelled(control: rx.Component, key: str) -> rx.Component:
    """A switch or a checkbox followed by its label, the whole line clickable."""
    return rx.text(
        rx.flex(control, t(key, UiState.lang), spacing="2", align="center"),
        as_="label",
        size="2",
    )


def _flag(key: str, name: str, value: rx.Var[bool]) -> rx.Component:
    return _labelled(
        rx.switch(
            checked=value,
            on_change=lambda v: ScenariosState.set_flag(name, v),
            size="1",
            id=f"scenario-{name}",
        ),
        key,
    )


def _text_input(key: str, name: str, value: rx.Var[str], **props) -> rx.Component:
    return field(
        key,
        rx.input(
            value=value,
            on_change=lambda v: ScenariosState.set_text(name, v),
            id=f"scenario-{name}",
            width="100%",
            **props,
        ),
    )


def _choices(values: tuple[str, ...], prefix: str) -> rx.Var:
    """Choices whose labels follow the UI language, resolved in the browser."""
    return rx.Var.create(
        {
            lang: [{"value": v, "label": i18n.CATALOG[lang][f"{prefix}.{v}"]} for v in values]
            for lang in i18n.LANGS
        }
    )[UiState.lang].to(list[Choice])


def _step_text(
    index: rx.Var[int], key: str, name: str, value: rx.Var[str], **props
) -> rx.Component:
    return field(
        key,
        rx.input(
            value=value,
            on_change=lambda v: ScenariosState.set_step(index, name, v),
            width="100%",
            data_testid=f"step-{name}",
            **props,
        ),
    )


def _step_pick(
    index: rx.Var[int], key: str, name: str, value: rx.Var[str], options: rx.Var
) -> rx.Component:
    return field(
        key,
        rx.select.root(
            rx.select.trigger(width="100%", data_testid=f"step-{name}"),
            rx.select.content(
                rx.foreach(options, lambda c: rx.select.item(c.label, value=c.value))
            ),
            value=value,
            on_change=lambda v: ScenariosState.set_step(index, name, v),
        ),
    )


def _step_flag(index: rx.Var[int], key: str, name: str, value: rx.Var[bool]) -> rx.Component:
    return _labelled(
        rx.checkbox(
            checked=value,
            on_change=lambda v: ScenariosState.set_step_flag(index, name, v),
        ),
        key,
    )


def _step_header(index: rx.Var[int]) -> rx.Component:
    """The step's number and its remove button."""
    return rx.flex(
        rx.badge(
            t("set.sc.step", UiState.lang),
            " ",
            (index + 1).to_string(),
            variant="soft",
        ),
        rx.spacer(),
        rx.icon_button(
            rx.icon("trash-2", size=14),
            on_click=ScenariosState.remove_step(index),
            variant="ghost",
            color_scheme="red",
            size="1",
            aria_label=t("set.sc.remove_step", UiState.lang),
            data_testid="step-remove",
        ),
        width="100%",
        align="center",
    )


def _step_fields(step: StepRow, index: rx.Var[int]) -> rx.Component:
    """When the step comes, how it is sent and to whom."""
    return rx.grid(
        _step_pick(index, "set.field.phase", "phase", step.phase, _choices(PHASES, "set.phase")),
        _step_text(index, "set.field.level", "level", step.level, type="number"),
        _step_text(index, "set.field.day_offset", "day_offset", step.day_offset, type="number"),
        _step_pick(
            index,
            "set.field.offset_from",
            "offset_from",
            step.offset_from,
            _choices(OFFSET_FROM, "set.from"),
        ),
        _step_pick(
            index, "set.field.channel", "channel", step.channel, _choices(CHANNELS, "set.channel")
        ),
        _step_pick(
            index, "set.field.template_code", "template", step.template, ScenariosState.templates
        ),
        _step_text(index, "set.field.to_services", "to_text", step.to_text),
        _step_text(index, "set.field.cc_services", "cc_text", step.cc_text),
        columns=rx.breakpoints(initial="2", md="4"),
        spacing="2",
        width="100%",
    )


def _step_options(step: StepRow, index: rx.Var[int]) -> rx.Component:
    """The step's name, the sales rep in copy and the approval."""
    return rx.flex(
        _step_text(index, "set.field.name", "name", step.name),
        _step_flag(index, "set.field.cc_sales_rep", "cc_sales_rep", step.cc_sales_rep),
        _step_flag(index, "set.field.needs_approval", "needs_approval", step.needs_approval),
        spacing="3",
        wrap="wrap",
        align="end",
        width="100%",
    )


def _step_card(step: StepRow, index: rx.Var[int]) -> rx.Component:
    return rx.card(
        rx.vstack(
            _step_header(index),
            _step_fields(step, index),
            _step_options(step, index),
            spacing="2",
            width="100%",
        ),
        width="100%",
        variant="surface",
        data_testid="scenario-step",
    )


def _scenario_picker() -> rx.Component:
    """The scenario to edit, or a new one."""
    s = ScenariosState
    return rx.flex(
        rx.box(
            rx.select.root(
                rx.select.trigger(id="scenario-pick", width="100%"),
                rx.select.content(
                    rx.foreach(s.scenarios, lambda c: rx.select.item(c.label, value=c.value)),
                    rx.select.separator(),
                    rx.select.item(t("set.sc.new", UiState.lang), value=NEW),
                ),
                value=s.selected,
                on_change=s.choose,
            ),
            flex="1",
            min_width="0",
        ),
        spacing="2",
        width="100%",
    )


def _scenario_settings() -> rx.Component:
    """The scenario's name, profile, language, journals, thresholds and switches."""
    s = ScenariosState
    languages = _choices((CUSTOMER_LANGUAGE, "fr", "en"), "set.sc.lang")
    return section(
        "set.sc.settings",
        rx.grid(
            _text_input("set.field.name", "name", s.name),
            _text_input("set.field.profile", "profile", s.profile),
            field(
                "set.field.language",
                select(languages, s.language, s.set_language, "scenario-language"),
            ),
            _text_input("set.field.journals", "journals", s.journals, placeholder="VTE, VT2"),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        _text_input("set.field.description", "description", s.description),
        rx.grid(
            _text_input("set.field.min_item_amount", "min_item", s.min_item, inputmode="decimal"),
            _text_input(
                "set.field.min_customer_amount",
                "min_customer",
                s.min_customer,
                inputmode="decimal",
            ),
            _text_input("set.field.min_gap_days", "min_gap", s.min_gap, type="number"),
            columns=rx.breakpoints(initial="1", sm="3"),
            spacing="3",
            width="100%",
        ),
        rx.flex(
            _flag("set.field.active", "active", s.active),
            _flag("set.field.account_situation", "account_situation", s.account_situation),
            _flag("set.field.penalties", "penalties", s.penalties),
            _flag(
                "set.field.include_unexpired_credit_notes",
                "include_credit_notes",
                s.include_credit_notes,
            ),
            spacing="4",
            wrap="wrap",
        ),
        section_id="scenario-settings",
    )


def _scenario_steps() -> rx.Component:
    """The services hint, a card per step and the button adding one."""
    s = ScenariosState
    return section(
        "set.sc.steps",
        rx.text(
            t("set.sc.services_hint", UiState.lang),
            " ",
            rx.text.span(s.services, weight="medium"),
            size="1",
            color_scheme="gray",
        ),
        rx.foreach(s.steps, _step_card),
        rx.button(
            rx.icon("plus", size=14),
            t("set.sc.add_step", UiState.lang),
            on_click=s.add_step,
            variant="soft",
            size="2",
            id="scenario-add-step",
        ),
        section_id="scenario-steps",
    )


def _scenario_buttons() -> rx.Component:
    """Save, and delete for a scenario already saved."""
    s = ScenariosState
    return rx.flex(
        rx.button(
            rx.icon("save", size=14),
            t("set.save", UiState.lang),
            on_click=s.save,
            id="scenario-save",
        ),
        rx.cond(
            s.selected != NEW,
            rx.button(
                rx.icon("trash-2", size=14),
                t("set.delete", UiState.lang),
                on_click=s.delete,
                variant="soft",
                color_scheme="red",
                id="scenario-delete",
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def scenarios_tab() -> rx.Component:
    """The scenario editor: settings, thresholds and steps."""
    s = ScenariosState
    return rx.vstack(
        _scenario_picker(),
        ok_note(s.done, "scenario-done"),
        _scenario_settings(),
        _scenario_steps(),
        error_note(s.error, "scenario-error"),
        _scenario_buttons(),
        spacing="4",
        width="100%",
    )


def _threshold_row(row: ThresholdRow, index: rx.Var[int]) -> rx.Component:
    def box(key: str, name: str, value: rx.Var[str], **props) -> rx.Component:
        return field(
            key,
            rx.input(
                value=value,
                on_change=lambda v: ScenariosState.set_threshold(index, name, v),
                width="100%",
                **props,
            ),
        )

    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text(row.name, weight="bold", size="2"),
                rx.text(row.profile, size="1", color_scheme="gray"),
                spacing="1",
                min_width=rx.breakpoints(initial="100%", md="180px"),
            ),
            box("set.field.min_item_amount", "min_item", row.min_item, inputmode="decimal"),
            box(
                "set.field.min_customer_amount",
                "min_customer",
                row.min_customer,
                inputmode="decimal",
            ),
            box("set.field.min_gap_days", "min_gap", row.min_gap, type="number"),
            rx.button(
                rx.icon("save", size=14),
                t("set.save", UiState.lang),
                on_click=ScenariosState.save_threshold(index),
                variant="soft",
                data_testid="threshold-save",
            ),
            spacing="3",
            align=rx.breakpoints(initial="stretch", md="end"),
            direction=rx.breakpoints(initial="column", md="row"),
            width="100%",
        ),
        width="100%",
        data_testid="threshold-row",
    )


def thresholds_tab() -> rx.Component:
    """The thresholds of each scenario: least amount per item and per customer, least gap."""
    s = ScenariosState
    return rx.vstack(
        rx.text(t("set.th.intro", UiState.lang), size="2", color_scheme="gray"),
        error_note(s.threshold_error, "threshold-error"),
        ok_note(s.threshold_done, "threshold-done"),
        rx.foreach(s.thresholds, _threshold_row),
        spacing="3",
        width="100%",
    )


def _service_row(row: ServiceRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.company),
        rx.table.cell(row.code),
        rx.table.cell(row.name, weight="medium"),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(width="130px"),
                rx.select.content(
                    rx.foreach(
                        ServicesState.roles, lambda c: rx.select.item(c.label, value=c.value)
                    )
                ),
                value=row.role,
                on_change=lambda v: ServicesState.set_role(row.id, v),
                size="1",
            ),
        ),
        data_testid="service-row",
    )


def services_tab() -> rx.Component:
    """Each contact service of each company: main recipient, copy, or never dunned."""
    s = ServicesState
    return rx.vstack(
        rx.text(t("set.sv.intro", UiState.lang), size="2", color_scheme="gray"),
        error_note(s.error, "services-error"),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("set.sv.company", UiState.lang)),
                        rx.table.column_header_cell(t("set.sv.code", UiState.lang)),
                        rx.table.column_header_cell(t("set.sv.name", UiState.lang)),
                        rx.table.column_header_cell(t("set.sv.role", UiState.lang)),
                    )
                ),
                rx.table.body(rx.foreach(s.services, _service_row)),
                size="1",
                variant="surface",
                width="100%",
                id="services-table",
            ),
            width="100%",
            overflow_x="auto",
        ),
        spacing="3",
        width="100%",
    )
