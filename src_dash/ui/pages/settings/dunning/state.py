"""The scenarios, thresholds and services tabs' states: the scenario form and its steps, the
contact services.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from src_dash.dunning.scenarios import ScenarioSpec, StepSpec
from src_dash.services.contact_services import (
    DUNNING_ROLES,
    list_contact_services,
    set_contact_service_role,
)
from src_dash.services.scenario_settings import (
    delete_scenario_for,
    save_scenario_for,
    save_thresholds,
    scenarios_for,
    service_names,
)
from src_dash.services.template_drafts import templates_for
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.settings.common import Choice, call
from src_dash.ui.pages.settings.dunning.rows import (
    CUSTOMER_LANGUAGE,
    FLAGS,
    NEW,
    NONE,
    STEP_FLAGS,
    STEP_TEXT,
    TEXT_FIELDS,
    ServiceRow,
    StepRow,
    ThresholdRow,
    amount_text,
    names_in,
    plain_amount,
    step_row,
    step_spec,
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
        self.min_item = amount_text(spec.min_item_amount, fmt)
        self.min_customer = amount_text(spec.min_customer_amount, fmt)
        self.min_gap = str(spec.min_gap_days)
        self.active, self.account_situation = spec.active, spec.account_situation
        self.penalties = spec.penalties
        self.include_credit_notes = spec.include_unexpired_credit_notes
        self.steps = [step_row(s) for s in spec.steps]
        self.error = ""

    async def _read(self, keep: str | None = None) -> None:
        read = []  # the three reads in a row, stopping at the first that fails
        for fn in (scenarios_for, templates_for, service_names):
            done = await call(self, fn)
            if done.signed_out:
                return
            if not done.ok:
                self.error = done.error
                self.loaded = True
                return
            read.append(done.value)
        specs, templates, services = read
        fmt = done.fmt
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
                min_item=amount_text(s.min_item_amount, fmt),
                min_customer=amount_text(s.min_customer_amount, fmt),
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
            min_item_amount=plain_amount(self.min_item),  # type: ignore[arg-type]
            min_customer_amount=plain_amount(self.min_customer),  # type: ignore[arg-type]
            min_gap_days=self.min_gap.strip(),  # type: ignore[arg-type]
            journals=names_in(self.journals),
            document_kinds=base.document_kinds if base else (),
            include_unexpired_credit_notes=self.include_credit_notes,
            penalties=self.penalties,
            active=self.active,
            steps=tuple(step_spec(r) for r in self.steps),
        )

    @rx.event
    async def save(self) -> rx.event.EventSpec | None:
        """Check and save the scenario with its steps; every problem is named by its field."""
        self.done = ""
        done = await call(self, save_scenario_for, self._spec())
        if not done.ok:
            self.error = done.error
            return None
        saved = done.value
        await self._read(keep=str(saved.id))
        self.done = i18n.text("set.sc.saved", done.lang).format(name=saved.name)
        return rx.toast.success(self.done)

    @rx.event
    async def delete(self) -> None:
        """Delete the scenario (refused when actions were made from it: deactivate it then)."""
        if not self.selected.isdigit():
            await self._read()
            return
        done = await call(self, delete_scenario_for, int(self.selected))
        if not done.ok:
            self.error = done.error
            return
        name = self.name
        self.selected = ""
        await self._read()
        self.done = i18n.text("set.sc.deleted", done.lang).format(name=name)

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
        if not 0 <= index < len(self.thresholds):
            return
        row = self.thresholds[index]
        self.threshold_error = self.threshold_done = ""
        done = await call(
            self,
            save_thresholds,
            row.id,
            plain_amount(row.min_item),
            plain_amount(row.min_customer),
            row.min_gap,
        )
        if not done.ok:
            self.threshold_error = f"{row.name} — {done.error}"
            return
        await self._read()
        self.threshold_done = i18n.text("set.sc.saved", done.lang).format(name=row.name)


class ServicesState(rx.State):
    """The contact services of every company and how dunning treats each."""

    services: list[ServiceRow] = []
    roles: list[Choice] = []
    error: str = ""
    loaded: bool = False

    @rx.event
    async def load(self) -> None:
        """Read the services."""
        done = await call(self, list_contact_services)
        if done.signed_out:
            return
        self.roles = [Choice(r, i18n.text(f"set.sv.role.{r}", done.lang)) for r in DUNNING_ROLES]
        if not done.ok:
            self.error = done.error
            self.loaded = True
            return
        self.error = ""
        self.services = [
            ServiceRow(s.id, s.company_code, str(s.code), s.name, s.dunning_role)
            for s in done.value
        ]
        self.loaded = True

    @rx.event
    async def set_role(self, service_id: int, role: str) -> rx.event.EventSpec | None:
        """Say whether a service gets dunning messages as To, Cc, or never."""
        done = await call(self, set_contact_service_role, service_id, role)
        if not done.ok:
            self.error = done.error
            return None
        saved = done.value
        self.error = ""
        self.services = [
            dataclasses.replace(s, role=saved.dunning_role) if s.id == saved.id else s
            for s in self.services
        ]
        role_words = i18n.text(f"set.sv.role.{saved.dunning_role}", done.lang)
        return done.toast("set.sv.saved", name=saved.name, role=role_words)
