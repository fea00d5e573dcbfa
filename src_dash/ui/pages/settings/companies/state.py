"""The companies tab's state: the companies with their runs, the connection form, the schedule."""

from __future__ import annotations

import asyncio

import reflex as rx
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied, Viewer
from src_dash.services.admin import SettingsError
from src_dash.services.companies import (
    check_connection,
    list_companies,
    save_sage_company,
    set_company_active,
    sync_now,
)
from src_dash.services.sync_schedule import (
    Schedule,
    set_sync_schedule,
    sync_schedule,
)
from src_dash.store.engine import get_engine
from src_dash.sync import SyncError
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.kit.service import Done
from src_dash.ui.pages.settings.common import TabState, call, error_text
from src_dash.ui.pages.settings.companies.rows import (
    CompanyRow,
    company_row,
    connection_text,
    schedule_text,
)
from src_dash.ui.pages.settings.fec.state import FecState


def _companies_and_schedule(engine: Engine, who: Viewer) -> tuple[list, Schedule]:
    """The companies with their runs, and the schedule of the automatic sync."""
    return list_companies(engine, who), sync_schedule(engine, who)


def _check_said(done: Done) -> tuple[bool, str]:
    """A connection test's outcome: whether it worked, and what to say of it."""
    if not done.ok:
        return False, done.error
    return done.value.ok, connection_text(done.value, done.lang)


# The connection form's texts: the company's code and name, the ODBC connection string, the text
# encoding of the base (empty: the server's usual one).
_EMPTY_FORM = {"code": "", "name": "", "dsn": "", "encoding": ""}


class CompaniesState(TabState, rx.State):
    """The companies with their runs, the connection form and the schedule."""

    companies: list[CompanyRow] = []
    schedule: str = ""

    # the schedule form, filled when the tab loads and after a save (not by other refreshes)
    sched_enabled: bool = True
    sched_minutes: str = ""
    sched_error: str = ""
    done: str = ""

    busy_id: int = 0  # the company being tested or synced
    check_id: int = 0  # the company whose connection test is shown
    check_ok: bool = False
    check_text: str = ""

    form_open: bool = False
    form: dict[str, str] = _EMPTY_FORM
    form_existing: bool = False
    form_error: str = ""
    form_check: str = ""
    form_check_ok: bool = False
    form_busy: bool = False

    async def _read(self, form: bool = False) -> None:
        done = await call(self, _companies_and_schedule)
        if done.signed_out:
            return
        if not done.ok:
            self.error = done.error
            self.companies = []
            self.loaded = True
            return
        fmt = done.fmt
        found, schedule = done.value
        self.error = ""
        self.companies = [company_row(c, fmt) for c in found]
        self.schedule = schedule_text(schedule, fmt)
        if form:
            self.sched_enabled = schedule.enabled
            self.sched_minutes = str(schedule.minutes)
            self.sched_error = ""
        upload = await self.get_state(FecState)
        if not upload.fec_code:
            fec = [c.code for c in found if c.source_kind == "fec"]
            upload.fec_code = fec[0] if fec else "FEC1"
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        """Read the companies, their runs and the schedule."""
        self.done = ""
        await self._read(form=True)

    @rx.event
    def set_sched_enabled(self, value: bool) -> None:
        """Turn the automatic sync on or off (saved with the button)."""
        self.sched_enabled = bool(value)

    @rx.event
    def set_sched_minutes(self, value: str) -> None:
        """The interval typed, in minutes."""
        self.sched_minutes = value
        self.sched_error = ""

    @rx.event
    async def save_schedule(self) -> rx.event.EventSpec | None:
        """Save the schedule of the automatic sync; a bad interval is said under its field."""
        done = await call(self, set_sync_schedule, self.sched_minutes, self.sched_enabled)
        if not done.ok:
            self.sched_error = done.error
            return None
        await self._read(form=True)
        return done.toast("set.co.schedule_saved")

    @rx.event
    async def test(self, company_id: int) -> None:
        """Open the Sage base of a company and count its customers."""
        self.busy_id, self.check_id = company_id, company_id
        self.check_text = ""
        yield
        done = await call(self, check_connection, company_id)
        self.check_ok, self.check_text = _check_said(done)
        self.busy_id = 0

    @rx.event(background=True)
    async def sync(self, company_id: int) -> None:
        """Sync a company now (in the background: a big base takes a while)."""
        async with self:
            if self.busy_id:
                return
            who = await current_viewer(self)
            lang = (await current_formats(self)).lang
            self.busy_id, self.done, self.error = company_id, "", ""
            self.check_id = 0
        try:
            run = await asyncio.to_thread(sync_now, get_engine(), who, company_id)
        except (AccessDenied, SettingsError, SyncError, SQLAlchemyError) as exc:
            async with self:
                self.error = error_text(exc, lang)
                self.busy_id = 0
            return
        async with self:
            self.busy_id = 0
            await self._read()
            if run.status == "ok":
                self.done = i18n.text("set.co.synced", lang)
            else:
                self.error = i18n.labelled(i18n.text("set.co.sync_failed", lang), run.error, lang)

    @rx.event
    async def toggle_active(self, company_id: int, active: bool) -> None:
        """Switch a company on or off."""
        done = await call(self, set_company_active, company_id, active)
        if not done.ok:
            self.error = done.error
            return
        await self._read()

    @rx.event
    def new_company(self) -> None:
        """Open the form empty, to declare a new Sage base."""
        self.form_open, self.form_existing = True, False
        self.form = dict(_EMPTY_FORM)
        self.form_error = self.form_check = ""

    @rx.event
    def edit_company(self, company_id: int) -> None:
        """Open the form on a company (the connection string stays empty: it keeps the old)."""
        row = next((c for c in self.companies if c.id == company_id), None)
        if row is None:
            return
        self.form_open, self.form_existing = True, True
        self.form = {"code": row.code, "name": row.name, "dsn": "", "encoding": row.encoding}
        self.form_error = self.form_check = ""

    @rx.event
    def close_form(self) -> None:
        """Close the connection form."""
        self.form_open = False

    @rx.event
    def set_form(self, name: str, value: str) -> None:
        """One text of the connection form."""
        if name in _EMPTY_FORM:
            self.form = {**self.form, name: value}

    @rx.event
    async def test_form(self) -> None:
        """Test the connection string typed in the form (or the company's, when left empty)."""
        company_id = None
        if self.form_existing:
            row = next((c for c in self.companies if c.code == self.form["code"]), None)
            company_id = row.id if row else None
        self.form_busy, self.form_check = True, ""
        yield
        form = self.form
        done = await call(self, check_connection, company_id, form["dsn"], form["encoding"])
        self.form_check_ok, self.form_check = _check_said(done)
        self.form_busy = False

    @rx.event
    async def save_form(self) -> rx.event.EventSpec | None:
        """Register the Sage base, or change the company's connection."""
        form = self.form
        done = await call(
            self, save_sage_company, form["code"], form["name"], form["dsn"], form["encoding"]
        )
        if not done.ok:
            self.form_error = done.error
            return None
        self.form_open, self.form_error = False, ""
        self.form = {**self.form, "dsn": ""}
        await self._read()
        return done.toast("set.co.saved", code=done.value.code)
