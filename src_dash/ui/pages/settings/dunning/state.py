"""The scenarios, thresholds and services tabs' states: the scenario form and its steps, the
contact services.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
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
    FLAGS,
    NEW,
    NONE,
    STEP_FLAGS,
    STEP_TEXT,
    TEXT_FIELDS,
    THRESHOLDS,
    ScenarioRow,
    ServiceRow,
    StepRow,
    plain_amount,
    scenario_row,
    scenario_spec,
    step_row,
)


def _scenario_data(engine: Engine, who: Viewer) -> tuple[list[ScenarioSpec], list, list[str]]:
    """The scenarios, the templates their steps may send and the services' names, read together."""
    return scenarios_for(engine, who), templates_for(engine, who), service_names(engine, who)


def _replace_at(rows: list, index: int, **changes: object) -> None:
    """Change fields of the row at `index` (the row replaced, so the page sees it)."""
    if 0 <= index < len(rows):
        rows[index] = dataclasses.replace(rows[index], **changes)


class ScenariosState(rx.State):
    """The scenario being edited with its steps, and the thresholds of every scenario."""

    scenarios: list[Choice] = []
    selected: str = ""
    form: ScenarioRow = ScenarioRow()
    steps: list[StepRow] = []
    templates: list[Choice] = []
    services: str = ""
    error: str = ""
    done: str = ""
    loaded: bool = False

    thresholds: list[ScenarioRow] = []
    threshold_error: str = ""
    threshold_done: str = ""

    _specs: dict[int, ScenarioSpec] = {}

    def _show(self, spec: ScenarioSpec | None, fmt: Formats) -> None:
        spec = spec or ScenarioSpec(name="", steps=(StepSpec("relance", 1, 10),))
        self.selected = str(spec.id) if spec.id else NEW
        self.form = scenario_row(spec, fmt)
        self.steps = [step_row(s) for s in spec.steps]
        self.error = ""

    async def _read(self, keep: str | None = None) -> None:
        done = await call(self, _scenario_data)
        if not done.settle(self):
            return
        specs, templates, services = done.value
        self._specs = {s.id: s for s in specs if s.id is not None}
        self.scenarios = [
            Choice(str(s.id), f"{s.name} ({s.profile})" if s.profile else s.name) for s in specs
        ]
        codes = sorted({x.code for x in templates})
        self.templates = [Choice(NONE, "—"), *[Choice(c, c) for c in codes]]
        self.services = ", ".join(services)
        self.thresholds = [scenario_row(s, done.fmt) for s in specs]
        wanted = keep if keep is not None else self.selected
        chosen = self._specs.get(int(wanted)) if wanted and wanted.isdigit() else None
        if chosen is None and wanted != NEW:
            chosen = specs[0] if specs else None
        self._show(chosen, done.fmt)
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
        """One of the scenario's text fields (or the language of its messages)."""
        if name in TEXT_FIELDS:
            self.form = dataclasses.replace(self.form, **{name: value})

    @rx.event
    def set_flag(self, name: str, value: bool) -> None:
        """One of the scenario's switches."""
        if name in FLAGS:
            self.form = dataclasses.replace(self.form, **{name: bool(value)})

    @rx.event
    def set_step(self, index: int, key: str, value: str) -> None:
        """One text field of a step (a phase brings its level: 0 before, 6 after, 1 back)."""
        if key not in STEP_TEXT or not 0 <= index < len(self.steps):
            return
        changes = {key: value}
        if key == "phase":
            level = {"prevenance": "0", "remerciement": "6"}.get(value, self.steps[index].level)
            changes["level"] = "1" if value == "relance" and level in ("0", "6") else level
        _replace_at(self.steps, index, **changes)

    @rx.event
    def set_step_flag(self, index: int, key: str, value: bool) -> None:
        """One switch of a step."""
        if key in STEP_FLAGS:
            _replace_at(self.steps, index, **{key: bool(value)})

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

    @rx.event
    async def save(self) -> rx.event.EventSpec | None:
        """Check and save the scenario with its steps; every problem is named by its field."""
        self.done = ""
        base = self._specs.get(int(self.selected)) if self.selected.isdigit() else None
        done = await call(self, save_scenario_for, scenario_spec(self.form, self.steps, base))
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
        name = self.form.name
        self.selected = ""
        await self._read()
        self.done = i18n.text("set.sc.deleted", done.lang).format(name=name)

    @rx.event
    def set_threshold(self, index: int, key: str, value: str) -> None:
        """One threshold of a scenario's row."""
        if key in THRESHOLDS:
            _replace_at(self.thresholds, index, **{key: value})

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
        if not done.settle(self):
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
