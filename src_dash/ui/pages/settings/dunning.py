"""Settings tabs of the dunning: scenarios and their steps, thresholds per scenario, and how
each contact service is dunned (To, Cc or never)."""

from __future__ import annotations

import asyncio
import dataclasses
from decimal import Decimal

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied
from src_dash.dunning.scenarios import ScenarioError, ScenarioSpec, StepSpec
from src_dash.services.contact_services import (
    DUNNING_ROLES,
    list_contact_services,
    set_contact_service_role,
)
from src_dash.services.followup import InvalidInput
from src_dash.services.scenario_settings import (
    delete_scenario_for,
    save_scenario_for,
    save_thresholds,
    scenarios_for,
    service_names,
)
from src_dash.services.template_drafts import templates_for
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.i18n import Formats, t
from src_dash.ui.pages.settings.common import (
    Choice,
    error_note,
    error_text,
    field,
    ok_note,
    section,
    select,
)
from src_dash.ui.state import UiState

NEW = "new"
NONE = "-"  # a select's "nothing" (Radix refuses empty values)
CUSTOMER_LANGUAGE = "customer"
PHASES = ("prevenance", "relance", "remerciement")
CHANNELS = ("email", "letter", "phone", "other")
OFFSET_FROM = ("due_date", "previous_step")
TEXT_FIELDS = ("name", "profile", "description", "journals", "min_item", "min_customer", "min_gap")
FLAGS = ("active", "account_situation", "penalties", "include_credit_notes")
STEP_TEXT = (
    "phase",
    "level",
    "day_offset",
    "offset_from",
    "channel",
    "template",
    "to_text",
    "cc_text",
    "name",
)
STEP_FLAGS = ("cc_sales_rep", "needs_approval")


@dataclasses.dataclass
class StepRow:
    """One step as edited (every value as text, as the inputs give it)."""

    id: int = 0
    phase: str = "relance"
    level: str = "1"
    day_offset: str = "0"
    offset_from: str = "due_date"
    channel: str = "email"
    template: str = NONE
    to_text: str = ""
    cc_text: str = ""
    cc_sales_rep: bool = False
    needs_approval: bool = False
    name: str = ""


@dataclasses.dataclass
class ThresholdRow:
    """A scenario's thresholds as edited."""

    id: int = 0
    name: str = ""
    profile: str = ""
    min_item: str = ""
    min_customer: str = ""
    min_gap: str = ""


@dataclasses.dataclass
class ServiceRow:
    """A contact service and its dunning role."""

    id: int = 0
    company: str = ""
    code: str = ""
    name: str = ""
    role: str = "cc"


def _names(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def _amount_text(value: Decimal, fmt: Formats) -> str:
    return fmt.number(value, 2) if value else "0"


def _plain_amount(text: str) -> str:
    """ "1 234,50" -> "1234.50" (what the scenario's checks read)."""
    cleaned = (text or "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    return cleaned.replace(",", ".") or "0"


def step_row(step: StepSpec) -> StepRow:
    """A stored step as the form shows it."""
    return StepRow(
        id=step.id or 0,
        phase=step.phase,
        level=str(step.level),
        day_offset=str(step.day_offset),
        offset_from=step.offset_from,
        channel=step.channel,
        template=step.template_code or NONE,
        to_text=", ".join(step.to_services),
        cc_text=", ".join(step.cc_services),
        cc_sales_rep=step.cc_sales_rep,
        needs_approval=step.needs_approval,
        name=step.name,
    )


def step_spec(row: StepRow) -> StepSpec:
    """The step to save from the form's row (bad numbers are left for the checks to name)."""
    return StepSpec(
        id=row.id or None,
        phase=row.phase,
        level=row.level.strip(),  # type: ignore[arg-type]
        day_offset=row.day_offset.strip(),  # type: ignore[arg-type]
        offset_from=row.offset_from,
        channel=row.channel,
        template_code="" if row.template == NONE else row.template,
        to_services=_names(row.to_text),
        cc_services=_names(row.cc_text),
        cc_sales_rep=row.cc_sales_rep,
        needs_approval=row.needs_approval,
        name=row.name.strip(),
    )


class ScenariosState(rx.State):
    """The scenario being edited with its steps, and the thresholds of every scenario."""

    scenarios: list[Choice] = []
    selected: str = ""
    name: str = ""
    profile: str = ""
    description: str = ""
    language: str = CUSTOMER_LANGUAGE
    journals: str = ""
    min_item: str = "0"
    min_customer: str = "0"
    min_gap: str = "5"
    active: bool = True
    account_situation: bool = True
    penalties: bool = True
    include_credit_notes: bool = False
    steps: list[StepRow] = []
    templates: list[Choice] = []
    services: str = ""
    error: str = ""
    done: str = ""
    loaded: bool = False

    thresholds: list[ThresholdRow] = []
    threshold_error: str = ""
    threshold_done: str = ""

    _specs: dict[int, ScenarioSpec] = {}

    def _show(self, spec: ScenarioSpec | None, fmt: Formats) -> None:
        spec = spec or ScenarioSpec(name="", steps=(StepSpec("relance", 1, 10),))
        self.selected = str(spec.id) if spec.id else NEW
        self.name, self.profile, self.description = spec.name, spec.profile, spec.description
        self.language = spec.language or CUSTOMER_LANGUAGE
        self.journals = ", ".join(spec.journals)
        self.min_item = _amount_text(spec.min_item_amount, fmt)
        self.min_customer = _amount_text(spec.min_customer_amount, fmt)
        self.min_gap = str(spec.min_gap_days)
        self.active, self.account_situation = spec.active, spec.account_situation
        self.penalties = spec.penalties
        self.include_credit_notes = spec.include_unexpired_credit_notes
        self.steps = [step_row(s) for s in spec.steps]
        self.error = ""

    async def _read(self, keep: str | None = None) -> None:
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        engine = get_engine()
        try:
            specs = await asyncio.to_thread(scenarios_for, engine, who)
            templates = await asyncio.to_thread(templates_for, engine, who)
            services = await asyncio.to_thread(service_names, engine, who)
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, fmt.lang)
            self.loaded = True
            return
        self._specs = {s.id: s for s in specs if s.id is not None}
        self.scenarios = [
            Choice(str(s.id), f"{s.name} ({s.profile})" if s.profile else s.name) for s in specs
        ]
        codes = sorted({x.code for x in templates})
        self.templates = [Choice(NONE, "—"), *[Choice(c, c) for c in codes]]
        self.services = ", ".join(services)
        self.thresholds = [
            ThresholdRow(
                id=s.id or 0,
                name=s.name,
                profile=s.profile,
                min_item=_amount_text(s.min_item_amount, fmt),
                min_customer=_amount_text(s.min_customer_amount, fmt),
                min_gap=str(s.min_gap_days),
            )
            for s in specs
        ]
        wanted = keep if keep is not None else self.selected
        chosen = self._specs.get(int(wanted)) if wanted and wanted.isdigit() else None
        if chosen is None and wanted != NEW:
            chosen = specs[0] if specs else None
        self._show(chosen, fmt)
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        """Read the scenarios, the templates and the services' names."""
        self.done = self.threshold_done = self.threshold_error = ""
        await self._read()

    @rx.event
    async def choose(self, value: str) -> None:
        """Edit another scenario (or a new one)."""
        fmt = await current_formats(self)
        self.done = ""
        self._show(self._specs.get(int(value)) if value.isdigit() else None, fmt)

    @rx.event
    def set_text(self, name: str, value: str) -> None:
        """One of the scenario's text fields."""
        if name in TEXT_FIELDS:
            setattr(self, name, value)

    @rx.event
    def set_language(self, value: str) -> None:
        """The language of the messages (or the customer's)."""
        self.language = value

    @rx.event
    def set_flag(self, name: str, value: bool) -> None:
        """One of the scenario's switches."""
        if name in FLAGS:
            setattr(self, name, bool(value))

    @rx.event
    def set_step(self, index: int, key: str, value: str) -> None:
        """One text field of a step."""
        if key in STEP_TEXT and 0 <= index < len(self.steps):
            row = self.steps[index]
            setattr(row, key, value)
            if key == "phase":
                row.level = {"prevenance": "0", "remerciement": "6"}.get(value, row.level)
                if row.level in ("0", "6") and value == "relance":
                    row.level = "1"
            self.steps[index] = row

    @rx.event
    def set_step_flag(self, index: int, key: str, value: bool) -> None:
        """One switch of a step."""
        if key in STEP_FLAGS and 0 <= index < len(self.steps):
            row = self.steps[index]
            setattr(row, key, bool(value))
            self.steps[index] = row

    @rx.event
    def add_step(self) -> None:
        """Add a relance step after the last one."""
        levels = [int(s.level) for s in self.steps if s.phase == "relance" and s.level.isdigit()]
        offsets = [
            int(s.day_offset)
            for s in self.steps
            if s.phase == "relance" and s.day_offset.strip().lstrip("-").isdigit()
        ]
        level = min(max(levels, default=0) + 1, 5)
        self.steps.append(StepRow(level=str(level), day_offset=str(max(offsets, default=0) + 15)))

    @rx.event
    def remove_step(self, index: int) -> None:
        """Take a step out of the scenario (kept, archived, when actions point at it)."""
        if 0 <= index < len(self.steps):
            self.steps.pop(index)

    def _spec(self) -> ScenarioSpec:
        base = self._specs.get(int(self.selected)) if self.selected.isdigit() else None
        return ScenarioSpec(
            id=base.id if base else None,
            name=self.name.strip(),
            profile=self.profile.strip(),
            description=self.description.strip(),
            language="" if self.language == CUSTOMER_LANGUAGE else self.language,
            account_situation=self.account_situation,
            min_item_amount=_plain_amount(self.min_item),  # type: ignore[arg-type]
            min_customer_amount=_plain_amount(self.min_customer),  # type: ignore[arg-type]
            min_gap_days=self.min_gap.strip(),  # type: ignore[arg-type]
            journals=_names(self.journals),
            document_kinds=base.document_kinds if base else (),
            include_unexpired_credit_notes=self.include_credit_notes,
            penalties=self.penalties,
            active=self.active,
            steps=tuple(step_spec(r) for r in self.steps),
        )

    @rx.event
    async def save(self) -> rx.event.EventSpec | None:
        """Check and save the scenario with its steps; every problem is named by its field."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        self.done = ""
        spec = self._spec()
        try:
            saved = await asyncio.to_thread(save_scenario_for, get_engine(), who, spec)
        except (ScenarioError, AccessDenied) as exc:
            self.error = error_text(exc, lang)
            return None
        await self._read(keep=str(saved.id))
        self.done = i18n.text("set.sc.saved", lang).format(name=saved.name)
        return rx.toast.success(self.done)

    @rx.event
    async def delete(self) -> None:
        """Delete the scenario (refused when actions were made from it: deactivate it then)."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        if not self.selected.isdigit():
            await self._read()
            return
        try:
            await asyncio.to_thread(delete_scenario_for, get_engine(), who, int(self.selected))
        except (ScenarioError, AccessDenied) as exc:
            self.error = error_text(exc, lang)
            return
        name = self.name
        self.selected = ""
        await self._read()
        self.done = i18n.text("set.sc.deleted", lang).format(name=name)

    @rx.event
    def set_threshold(self, index: int, key: str, value: str) -> None:
        """One threshold of a scenario's row."""
        if key in ("min_item", "min_customer", "min_gap") and 0 <= index < len(self.thresholds):
            row = self.thresholds[index]
            setattr(row, key, value)
            self.thresholds[index] = row

    @rx.event
    async def save_threshold(self, index: int) -> None:
        """Save the thresholds of one scenario."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        if not 0 <= index < len(self.thresholds):
            return
        row = self.thresholds[index]
        self.threshold_error = self.threshold_done = ""
        try:
            await asyncio.to_thread(
                save_thresholds,
                get_engine(),
                who,
                row.id,
                _plain_amount(row.min_item),
                _plain_amount(row.min_customer),
                row.min_gap,
            )
        except (ScenarioError, AccessDenied) as exc:
            self.threshold_error = f"{row.name} — {error_text(exc, lang)}"
            return
        await self._read()
        self.threshold_done = i18n.text("set.sc.saved", lang).format(name=row.name)


class ServicesState(rx.State):
    """The contact services of every company and how dunning treats each."""

    services: list[ServiceRow] = []
    roles: list[Choice] = []
    error: str = ""
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        """Read the services."""
        who = await current_viewer(self)
        if who is None:
            return
        lang = (await current_formats(self)).lang
        self.roles = [Choice(r, i18n.text(f"set.sv.role.{r}", lang)) for r in DUNNING_ROLES]
        try:
            found = await asyncio.to_thread(list_contact_services, get_engine(), who)
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, lang)
            self.loaded = True
            return
        self.error = ""
        self.services = [
            ServiceRow(s.id, s.company_code, str(s.code), s.name, s.dunning_role) for s in found
        ]
        self.loaded = True

    @rx.event
    async def set_role(self, service_id: int, role: str) -> rx.event.EventSpec | None:
        """Say whether a service gets dunning messages as To, Cc, or never."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        try:
            saved = await asyncio.to_thread(
                set_contact_service_role, get_engine(), who, service_id, role
            )
        except (AccessDenied, InvalidInput) as exc:
            self.error = error_text(exc, lang)
            return None
        self.error = ""
        self.services = [
            dataclasses.replace(s, role=saved.dunning_role) if s.id == saved.id else s
            for s in self.services
        ]
        return rx.toast.success(
            i18n.text("set.sv.saved", lang).format(
                name=saved.name, role=i18n.text(f"set.sv.role.{saved.dunning_role}", lang)
            )
        )


def _flag(key: str, name: str, value: rx.Var[bool]) -> rx.Component:
    return rx.text(
        rx.flex(
            rx.switch(
                checked=value,
                on_change=lambda v: ScenariosState.set_flag(name, v),
                size="1",
                id=f"scenario-{name}",
            ),
            t(key, UiState.lang),
            spacing="2",
            align="center",
        ),
        as_="label",
        size="2",
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


def _step_card(step: StepRow, index: rx.Var[int]) -> rx.Component:
    def text(key: str, name: str, value: rx.Var[str], **props) -> rx.Component:
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

    def pick(key: str, name: str, value: rx.Var[str], options: rx.Var) -> rx.Component:
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

    def flag(key: str, name: str, value: rx.Var[bool]) -> rx.Component:
        return rx.text(
            rx.flex(
                rx.checkbox(
                    checked=value,
                    on_change=lambda v: ScenariosState.set_step_flag(index, name, v),
                ),
                t(key, UiState.lang),
                spacing="2",
                align="center",
            ),
            as_="label",
            size="2",
        )

    return rx.card(
        rx.vstack(
            rx.flex(
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
            ),
            rx.grid(
                pick("set.field.phase", "phase", step.phase, _choices(PHASES, "set.phase")),
                text("set.field.level", "level", step.level, type="number"),
                text("set.field.day_offset", "day_offset", step.day_offset, type="number"),
                pick(
                    "set.field.offset_from",
                    "offset_from",
                    step.offset_from,
                    _choices(OFFSET_FROM, "set.from"),
                ),
                pick(
                    "set.field.channel", "channel", step.channel, _choices(CHANNELS, "set.channel")
                ),
                pick(
                    "set.field.template_code", "template", step.template, ScenariosState.templates
                ),
                text("set.field.to_services", "to_text", step.to_text),
                text("set.field.cc_services", "cc_text", step.cc_text),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="2",
                width="100%",
            ),
            rx.flex(
                text("set.field.name", "name", step.name),
                flag("set.field.cc_sales_rep", "cc_sales_rep", step.cc_sales_rep),
                flag("set.field.needs_approval", "needs_approval", step.needs_approval),
                spacing="3",
                wrap="wrap",
                align="end",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        variant="surface",
        data_testid="scenario-step",
    )


def scenarios_tab() -> rx.Component:
    """The scenario editor: settings, thresholds and steps."""
    s = ScenariosState
    languages = _choices((CUSTOMER_LANGUAGE, "fr", "en"), "set.sc.lang")
    return rx.vstack(
        rx.flex(
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
        ),
        ok_note(s.done, "scenario-done"),
        section(
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
                _text_input(
                    "set.field.min_item_amount", "min_item", s.min_item, inputmode="decimal"
                ),
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
        ),
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
            rx.button(
                rx.icon("plus", size=14),
                t("set.sc.add_step", UiState.lang),
                on_click=s.add_step,
                variant="soft",
                size="2",
                id="scenario-add-step",
            ),
            section_id="scenario-steps",
        ),
        error_note(s.error, "scenario-error"),
        rx.flex(
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
        ),
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
