"""The scenarios, thresholds and services tabs' views: the scenario form with a card per step, the
thresholds table, the services list.
"""

from __future__ import annotations

import reflex as rx

from src_dash.ui import i18n
from src_dash.ui.i18n import t
from src_dash.ui.kit.controls import button, column, round_button, row, soft_button, table
from src_dash.ui.pages.settings.common import (
    Choice,
    check_label,
    error_note,
    field,
    field_grid,
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
    ScenarioRow,
    ServiceRow,
    StepRow,
)
from src_dash.ui.pages.settings.dunning.state import ScenariosState, ServicesState
from src_dash.ui.state import UiState


def _flag(key: str, name: str, value: rx.Var[bool]) -> rx.Component:
    return check_label(
        rx.switch(
            checked=value,
            on_change=lambda v: ScenariosState.set_flag(name, v),
            size="1",
            id=f"scenario-{name}",
        ),
        key,
    )


def _input(key: str, value: rx.Var[str], on_change, **props) -> rx.Component:  # noqa: ANN001
    """A text input under its label, the full width of its column."""
    return field(key, rx.input(value=value, on_change=on_change, width="100%", **props))


def _text_input(key: str, name: str, value: rx.Var[str], **props) -> rx.Component:
    return _input(
        key, value, lambda v: ScenariosState.set_text(name, v), id=f"scenario-{name}", **props
    )


def _select(
    options: rx.Var, value: rx.Var[str], on_change, *more: rx.Component, size: str = "2", **trigger
) -> rx.Component:  # noqa: ANN001
    """A select over `Choice` options (then `more` items); `trigger`: its box's id, width."""
    return rx.select.root(
        rx.select.trigger(**{"width": "100%", **trigger}),
        rx.select.content(
            rx.foreach(options, lambda c: rx.select.item(c.label, value=c.value)), *more
        ),
        value=value,
        on_change=on_change,
        size=size,
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
    on_change = ScenariosState.set_step
    return _input(
        key, value, lambda v: on_change(index, name, v), data_testid=f"step-{name}", **props
    )


def _step_pick(
    index: rx.Var[int], key: str, name: str, value: rx.Var[str], options: rx.Var
) -> rx.Component:
    on_change = ScenariosState.set_step
    return field(
        key,
        _select(options, value, lambda v: on_change(index, name, v), data_testid=f"step-{name}"),
    )


def _step_flag(index: rx.Var[int], key: str, name: str, value: rx.Var[bool]) -> rx.Component:
    return check_label(
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
        round_button(
            "trash-2",
            "set.sc.remove_step",
            on_click=ScenariosState.remove_step(index),
            variant="ghost",
            color_scheme="red",
            size="1",
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
        column(
            _step_header(index),
            _step_fields(step, index),
            _step_options(step, index),
            spacing="2",
        ),
        width="100%",
        variant="surface",
        data_testid="scenario-step",
    )


_AMOUNTS = (
    ("set.field.min_item_amount", "min_item", {"inputmode": "decimal"}),
    ("set.field.min_customer_amount", "min_customer", {"inputmode": "decimal"}),
    ("set.field.min_gap_days", "min_gap", {"type": "number"}),
)


def _amount_inputs(values, on_change, id_prefix: str = "") -> tuple[rx.Component, ...]:  # noqa: ANN001
    """A scenario's thresholds: least amount per item and per customer, least gap in days
    (`values` has them by name, `on_change(name)` handles one; `id_prefix` names the inputs)."""
    return tuple(
        _input(
            key,
            getattr(values, name),
            on_change(name),
            **({"id": f"{id_prefix}{name}"} if id_prefix else {}),
            **mode,
        )
        for key, name, mode in _AMOUNTS
    )


def _scenario_settings() -> rx.Component:
    """The scenario's name, profile, language, journals, thresholds and switches."""
    s, form = ScenariosState, ScenariosState.form
    languages = _choices((CUSTOMER_LANGUAGE, "fr", "en"), "set.sc.lang")
    return section(
        "set.sc.settings",
        field_grid(
            _text_input("set.field.name", "name", form.name),
            _text_input("set.field.profile", "profile", form.profile),
            field(
                "set.field.language",
                select(
                    languages,
                    form.language,
                    lambda v: s.set_text("language", v),
                    "scenario-language",
                ),
            ),
            _text_input("set.field.journals", "journals", form.journals, placeholder="VTE, VT2"),
        ),
        _text_input("set.field.description", "description", form.description),
        field_grid(
            *_amount_inputs(form, lambda name: lambda v: s.set_text(name, v), "scenario-"),
            columns=rx.breakpoints(initial="1", sm="3"),
        ),
        rx.flex(
            _flag("set.field.active", "active", form.active),
            _flag("set.field.account_situation", "account_situation", form.account_situation),
            _flag("set.field.penalties", "penalties", form.penalties),
            _flag(
                "set.field.include_unexpired_credit_notes",
                "include_credit_notes",
                form.include_credit_notes,
            ),
            spacing="4",
            wrap="wrap",
        ),
        section_id="scenario-settings",
    )


def scenarios_tab() -> rx.Component:
    """The scenario editor: the scenario to edit, its settings and thresholds, its steps, then
    save (and delete for a scenario already saved)."""
    s = ScenariosState
    return column(
        _select(
            s.scenarios,
            s.selected,
            s.choose,
            rx.select.separator(),
            rx.select.item(t("set.sc.new", UiState.lang), value=NEW),
            id="scenario-pick",
        ),
        ok_note(s.done, "scenario-done"),
        _scenario_settings(),
        section(
            "set.sc.steps",
            rx.text(
                t("set.sc.services_hint", UiState.lang),
                " ",
                rx.text.span(s.services, weight="medium"),
                size="1",
                color_scheme="gray",
            ),
            rx.foreach(s.steps, _step_card),
            soft_button(
                "plus",
                "set.sc.add_step",
                icon_size=14,
                on_click=s.add_step,
                size="2",
                id="scenario-add-step",
            ),
            section_id="scenario-steps",
        ),
        error_note(s.error, "scenario-error"),
        row(
            button("save", "set.save", icon_size=14, on_click=s.save, id="scenario-save"),
            rx.cond(
                s.selected != NEW,
                soft_button(
                    "trash-2",
                    "set.delete",
                    icon_size=14,
                    on_click=s.delete,
                    color_scheme="red",
                    id="scenario-delete",
                ),
            ),
        ),
        spacing="4",
    )


def _list_tab(intro_key: str, error: rx.Var[str], error_id: str, *rows: rx.Component):
    """A tab listing rows: its intro, its error when there is one, then the rows."""
    return column(
        rx.text(t(intro_key, UiState.lang), size="2", color_scheme="gray"),
        error_note(error, error_id),
        *rows,
    )


def _threshold_row(scenario: ScenarioRow, index: rx.Var[int]) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.text(scenario.name, weight="bold", size="2"),
                rx.text(scenario.profile, size="1", color_scheme="gray"),
                spacing="1",
                min_width=rx.breakpoints(initial="100%", md="180px"),
            ),
            *_amount_inputs(
                scenario, lambda name: lambda v: ScenariosState.set_threshold(index, name, v)
            ),
            soft_button(
                "save",
                "set.save",
                icon_size=14,
                on_click=ScenariosState.save_threshold(index),
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
    return _list_tab(
        "set.th.intro",
        s.threshold_error,
        "threshold-error",
        ok_note(s.threshold_done, "threshold-done"),
        rx.foreach(s.thresholds, _threshold_row),
    )


def _service_row(service: ServiceRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(service.company),
        rx.table.cell(service.code),
        rx.table.cell(service.name, weight="medium"),
        rx.table.cell(
            _select(
                ServicesState.roles,
                service.role,
                lambda v: ServicesState.set_role(service.id, v),
                size="1",
                width="130px",
            ),
        ),
        data_testid="service-row",
    )


def services_tab() -> rx.Component:
    """Each contact service of each company: main recipient, copy, or never dunned."""
    s = ServicesState
    return _list_tab(
        "set.sv.intro",
        s.error,
        "services-error",
        table(
            ("set.sv.company", "set.sv.code", "set.sv.name", "set.sv.role"),
            rx.foreach(s.services, _service_row),
            id="services-table",
        ),
    )
