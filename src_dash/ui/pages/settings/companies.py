"""Settings tab "Sociétés": each company, its Sage connection (test it, sync now), its last runs
with their errors, the schedule of the automatic sync (on or off, every so many minutes), and
the upload of a FEC file (its preview and import are in `settings_fec`)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied
from src_dash.services.admin import SettingsError
from src_dash.services.companies import (
    CompanyView,
    RunView,
    check_connection,
    list_companies,
    save_sage_company,
    set_company_active,
    sync_now,
)
from src_dash.services.sync_schedule import (
    MAX_SYNC_MINUTES,
    MIN_SYNC_MINUTES,
    Schedule,
    set_sync_schedule,
    sync_schedule,
)
from src_dash.store.engine import get_engine
from src_dash.sync import SyncError
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.components.company_card import STATUS_COLORS
from src_dash.ui.i18n import Formats, t
from src_dash.ui.pages.settings.common import error_note, error_text, field, ok_note, section
from src_dash.ui.pages.settings.fec import FecState, fec_section
from src_dash.ui.state import UiState

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class RunRow:
    """One run, formatted."""

    id: int = 0
    started: str = ""
    mode: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    counts: str = ""
    duration: str = ""
    error: str = ""


@dataclasses.dataclass
class CompanyRow:
    """One company, formatted for its card."""

    id: int = 0
    code: str = ""
    name: str = ""
    kind: str = ""
    kind_label: str = ""
    source: str = ""
    encoding: str = ""
    customers: str = ""
    active: bool = True
    status_label: str = ""
    status_color: str = "gray"
    last_sync: str = ""
    runs: list[RunRow] = dataclasses.field(default_factory=list)


def run_row(run: RunView, fmt: Formats) -> RunRow:
    """A run in the viewer's formats."""
    lang = fmt.lang
    seconds = run.duration_ms / 1000
    return RunRow(
        id=run.id,
        started=fmt.moment(run.started_at),
        mode=i18n.text(f"set.mode.{run.mode}", lang)
        if f"set.mode.{run.mode}" in i18n.CATALOG[lang]
        else run.mode,
        status=run.status,
        status_label=i18n.sync_status_label(run.status, lang),
        status_color=STATUS_COLORS.get(run.status, "gray"),
        counts=f"+{fmt.count(run.added)} ~{fmt.count(run.changed)} −{fmt.count(run.deleted)}",
        duration=fmt.number(seconds, 1) + " s" if run.finished_at else "",
        error=run.error,
    )


def schedule_text(schedule: Schedule, fmt: Formats) -> str:
    """What the page says of the automatic sync: off, when it is next due, or its interval."""
    lang = fmt.lang
    if not schedule.enabled:
        return i18n.text("set.co.schedule_off", lang)
    minutes = fmt.count(schedule.minutes)
    if schedule.next_run_at is not None:
        said = i18n.text("set.co.schedule_next", lang).format(
            at=fmt.moment(schedule.next_run_at), minutes=minutes
        )
    else:
        said = i18n.text("set.co.schedule", lang).format(minutes=minutes)
    if schedule.source == "environment":
        env = i18n.text("set.co.schedule_env", lang).format(setting=schedule.setting)
        said = f"{said} {env}"
    return said


def company_row(company: CompanyView, fmt: Formats) -> CompanyRow:
    """A company in the viewer's formats."""
    lang = fmt.lang
    last = company.runs[0] if company.runs else None
    return CompanyRow(
        id=company.id,
        code=company.code,
        name=company.name,
        kind=company.source_kind,
        kind_label=i18n.text(f"set.kind.{company.source_kind}", lang)
        if f"set.kind.{company.source_kind}" in i18n.CATALOG[lang]
        else company.source_kind,
        source=company.source,
        encoding=company.source_encoding,
        customers=i18n.text("set.co.customers", lang).format(n=fmt.count(company.customers)),
        active=company.active,
        status_label=i18n.sync_status_label(last.status if last else "", lang),
        status_color=STATUS_COLORS.get(last.status if last else "", "gray"),
        last_sync=fmt.moment(last.finished_at or last.started_at) if last else "",
        runs=[run_row(r, fmt) for r in company.runs],
    )


class CompaniesState(rx.State):
    """The companies with their runs, the connection form and the schedule."""

    companies: list[CompanyRow] = []
    schedule: str = ""
    loaded: bool = False

    # the schedule form, filled when the tab loads and after a save (not by other refreshes)
    sched_enabled: bool = True
    sched_minutes: str = ""
    sched_error: str = ""
    error: str = ""
    done: str = ""

    busy_id: int = 0  # the company being tested or synced
    check_id: int = 0  # the company whose connection test is shown
    check_ok: bool = False
    check_text: str = ""

    form_open: bool = False
    form_code: str = ""
    form_name: str = ""
    form_dsn: str = ""
    form_encoding: str = ""
    form_existing: bool = False
    form_error: str = ""
    form_check: str = ""
    form_check_ok: bool = False
    form_busy: bool = False

    async def _read(self, form: bool = False) -> None:
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        try:
            found = await asyncio.to_thread(list_companies, get_engine(), who)
            schedule = await asyncio.to_thread(sync_schedule, get_engine(), who)
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, fmt.lang)
            self.companies = []
            self.loaded = True
            return
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
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        try:
            await asyncio.to_thread(
                set_sync_schedule, get_engine(), who, self.sched_minutes, self.sched_enabled
            )
        except (AccessDenied, SettingsError, SQLAlchemyError) as exc:
            self.sched_error = error_text(exc, lang)
            return None
        await self._read(form=True)
        return rx.toast.success(i18n.text("set.co.schedule_saved", lang))

    @rx.event
    async def test(self, company_id: int) -> None:
        """Open the Sage base of a company and count its customers."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        self.busy_id, self.check_id = company_id, company_id
        self.check_text = ""
        yield
        try:
            check = await asyncio.to_thread(check_connection, get_engine(), who, company_id)
        except (AccessDenied, SettingsError) as exc:
            self.check_ok, self.check_text = False, error_text(exc, lang)
        else:
            self.check_ok = check.ok
            self.check_text = _check_text(check, lang)
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
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        try:
            await asyncio.to_thread(set_company_active, get_engine(), who, company_id, active)
        except (AccessDenied, SettingsError) as exc:
            self.error = error_text(exc, lang)
            return
        await self._read()

    @rx.event
    def new_company(self) -> None:
        """Open the form empty, to declare a new Sage base."""
        self.form_open, self.form_existing = True, False
        self.form_code = self.form_name = self.form_dsn = self.form_encoding = ""
        self.form_error = self.form_check = ""

    @rx.event
    def edit_company(self, company_id: int) -> None:
        """Open the form on a company (the connection string stays empty: it keeps the old)."""
        row = next((c for c in self.companies if c.id == company_id), None)
        if row is None:
            return
        self.form_open, self.form_existing = True, True
        self.form_code, self.form_name, self.form_dsn = row.code, row.name, ""
        self.form_encoding = row.encoding
        self.form_error = self.form_check = ""

    @rx.event
    def close_form(self) -> None:
        """Close the connection form."""
        self.form_open = False

    @rx.event
    def set_form_code(self, value: str) -> None:
        """The company's code."""
        self.form_code = value

    @rx.event
    def set_form_name(self, value: str) -> None:
        """The company's name."""
        self.form_name = value

    @rx.event
    def set_form_dsn(self, value: str) -> None:
        """The ODBC connection string."""
        self.form_dsn = value

    @rx.event
    def set_form_encoding(self, value: str) -> None:
        """The text encoding of the base (empty: the server's usual one)."""
        self.form_encoding = value

    @rx.event
    async def test_form(self) -> None:
        """Test the connection string typed in the form (or the company's, when left empty)."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        company_id = None
        if self.form_existing:
            row = next((c for c in self.companies if c.code == self.form_code), None)
            company_id = row.id if row else None
        self.form_busy, self.form_check = True, ""
        yield
        try:
            check = await asyncio.to_thread(
                check_connection,
                get_engine(),
                who,
                company_id,
                self.form_dsn,
                self.form_encoding,
            )
        except (AccessDenied, SettingsError) as exc:
            self.form_check_ok, self.form_check = False, error_text(exc, lang)
        else:
            self.form_check_ok, self.form_check = check.ok, _check_text(check, lang)
        self.form_busy = False

    @rx.event
    async def save_form(self) -> rx.event.EventSpec | None:
        """Register the Sage base, or change the company's connection."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        try:
            saved = await asyncio.to_thread(
                save_sage_company,
                get_engine(),
                who,
                self.form_code,
                self.form_name,
                self.form_dsn,
                self.form_encoding,
            )
        except (AccessDenied, SettingsError) as exc:
            self.form_error = error_text(exc, lang)
            return None
        self.form_open, self.form_error, self.form_dsn = False, "", ""
        await self._read()
        return rx.toast.success(i18n.text("set.co.saved", lang).format(code=saved.code))


def _check_text(check, lang: str) -> str:  # noqa: ANN001
    if check.ok:
        return i18n.text("set.co.check_ok", lang).format(
            n=i18n.count(check.customers, lang), name=check.company_name or "—"
        )
    return i18n.labelled(i18n.text("set.co.check_failed", lang), check.message, lang)


def _run_line(run: RunRow) -> rx.Component:
    return rx.box(
        rx.flex(
            rx.badge(run.status_label, color_scheme=run.status_color, variant="soft"),
            rx.text(
                rx.text.span(run.started, weight="medium"),
                " · ",
                run.mode,
                " · ",
                rx.text.span(run.counts, white_space="nowrap"),
                rx.cond(run.duration != "", rx.text.span(" · ", run.duration)),
                size="1",
                color_scheme="gray",
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            run.error != "",
            rx.text(
                run.error,
                size="1",
                color_scheme="red",
                word_break="break-word",
                data_testid="run-error",
            ),
        ),
        padding_y="4px",
        border_top="1px solid var(--gray-a4)",
        width="100%",
        data_testid="run-row",
        data_status=run.status,
    )


def _company_card(company: CompanyRow) -> rx.Component:
    busy = CompaniesState.busy_id == company.id
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.hstack(
                        rx.text(company.code, weight="bold", size="3"),
                        rx.badge(company.kind_label, variant="outline", color_scheme="gray"),
                        rx.badge(company.status_label, color_scheme=company.status_color),
                        align="center",
                        spacing="2",
                        wrap="wrap",
                    ),
                    rx.text(company.name, size="2"),
                    rx.text(company.customers, size="1", color_scheme="gray"),
                    spacing="1",
                    min_width="0",
                ),
                rx.spacer(),
                rx.hstack(
                    rx.text(t("set.co.active", UiState.lang), size="1", color_scheme="gray"),
                    rx.switch(
                        checked=company.active,
                        on_change=lambda v: CompaniesState.toggle_active(company.id, v),
                        size="1",
                    ),
                    align="center",
                    spacing="2",
                ),
                spacing="2",
                width="100%",
                direction=rx.breakpoints(initial="column", sm="row"),
            ),
            rx.cond(
                company.source != "",
                rx.code(
                    company.source,
                    size="1",
                    variant="ghost",
                    word_break="break-all",
                    white_space="pre-wrap",
                ),
            ),
            rx.flex(
                rx.cond(
                    company.kind == "sage100",
                    rx.button(
                        rx.icon("plug-zap", size=14),
                        t("set.co.test", UiState.lang),
                        on_click=CompaniesState.test(company.id),
                        loading=busy & (CompaniesState.check_id == company.id),
                        disabled=CompaniesState.busy_id != 0,
                        variant="soft",
                        size="1",
                        data_testid="company-test",
                    ),
                ),
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    t("set.co.sync", UiState.lang),
                    on_click=CompaniesState.sync(company.id),
                    loading=busy & (CompaniesState.check_id != company.id),
                    disabled=CompaniesState.busy_id != 0,
                    size="1",
                    data_testid="company-sync",
                ),
                rx.cond(
                    company.kind == "sage100",
                    rx.button(
                        rx.icon("pencil", size=14),
                        t("set.co.edit", UiState.lang),
                        on_click=CompaniesState.edit_company(company.id),
                        variant="ghost",
                        size="1",
                        data_testid="company-edit",
                    ),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.cond(
                (CompaniesState.check_id == company.id) & (CompaniesState.check_text != ""),
                rx.callout.root(
                    rx.callout.text(CompaniesState.check_text, word_break="break-word"),
                    color_scheme=rx.cond(CompaniesState.check_ok, "green", "red"),
                    size="1",
                    width="100%",
                    data_testid="company-check",
                ),
            ),
            rx.cond(
                company.runs.length() > 0,
                rx.vstack(
                    rx.text(t("set.co.runs", UiState.lang), size="1", weight="medium"),
                    rx.foreach(company.runs, _run_line),
                    spacing="1",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="settings-company",
        data_code=company.code,
    )


def _connection_form() -> rx.Component:
    s = CompaniesState
    return section(
        "set.co.form_title",
        rx.grid(
            field(
                "set.co.code",
                rx.input(
                    value=s.form_code,
                    on_change=s.set_form_code,
                    disabled=s.form_existing,
                    id="company-code",
                    width="100%",
                ),
            ),
            field(
                "set.co.name",
                rx.input(
                    value=s.form_name, on_change=s.set_form_name, id="company-name", width="100%"
                ),
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        field(
            "set.co.dsn",
            rx.text_area(
                value=s.form_dsn,
                on_change=s.set_form_dsn,
                placeholder=rx.cond(
                    s.form_existing,
                    t("set.co.dsn_keep", UiState.lang),
                    "DRIVER={ODBC Driver 18 for SQL Server};SERVER=…;DATABASE=…;UID=…;PWD=…",
                ),
                rows="2",
                id="company-dsn",
                width="100%",
                font_family="var(--code-font-family)",
            ),
        ),
        field(
            "set.co.encoding",
            rx.input(
                value=s.form_encoding,
                on_change=s.set_form_encoding,
                placeholder="cp1252",
                id="company-encoding",
                max_width="200px",
            ),
        ),
        rx.cond(
            s.form_check != "",
            rx.callout.root(
                rx.callout.text(s.form_check, word_break="break-word"),
                color_scheme=rx.cond(s.form_check_ok, "green", "red"),
                size="1",
                width="100%",
                id="company-form-check",
            ),
        ),
        error_note(s.form_error, "company-form-error"),
        rx.flex(
            rx.button(
                rx.icon("plug-zap", size=14),
                t("set.co.test", UiState.lang),
                on_click=s.test_form,
                loading=s.form_busy,
                variant="soft",
                id="company-form-test",
            ),
            rx.button(
                rx.icon("save", size=14),
                t("set.save", UiState.lang),
                on_click=s.save_form,
                id="company-form-save",
            ),
            rx.button(
                t("set.cancel", UiState.lang),
                on_click=s.close_form,
                variant="ghost",
                color_scheme="gray",
            ),
            spacing="2",
            wrap="wrap",
        ),
        section_id="company-form",
    )


def _schedule_form() -> rx.Component:
    s = CompaniesState
    return section(
        "set.co.schedule_title",
        rx.text(s.schedule, size="2", color_scheme="gray", id="sync-schedule"),
        rx.text(
            rx.flex(
                rx.switch(
                    checked=s.sched_enabled, on_change=s.set_sched_enabled, id="sync-enabled"
                ),
                t("set.co.auto", UiState.lang),
                as_="span",
                align="center",
                spacing="2",
            ),
            as_="label",
            size="2",
            weight="medium",
            cursor="pointer",
        ),
        # The button sits beside the input, so the error under them never pushes it out of line.
        field(
            "set.co.interval",
            rx.flex(
                rx.input(
                    value=s.sched_minutes,
                    on_change=s.set_sched_minutes,
                    type="number",
                    min=MIN_SYNC_MINUTES,
                    max=MAX_SYNC_MINUTES,
                    step=1,
                    inputmode="numeric",
                    id="sync-interval",
                    flex="1",
                    min_width="0",
                ),
                rx.button(
                    rx.icon("save", size=14),
                    t("set.save", UiState.lang),
                    on_click=s.save_schedule,
                    id="sync-schedule-save",
                ),
                spacing="2",
                width="100%",
            ),
            error=s.sched_error,
            error_id="sync-interval-error",
            max_width="360px",
        ),
        section_id="sync-schedule-section",
    )


def companies_tab() -> rx.Component:
    """The companies tab's content."""
    s = CompaniesState
    return rx.vstack(
        rx.flex(
            rx.button(
                rx.icon("plus", size=14),
                t("set.co.new", UiState.lang),
                on_click=s.new_company,
                variant="soft",
                id="company-new",
            ),
            justify="end",
            width="100%",
        ),
        error_note(s.error, "companies-error"),
        ok_note(s.done, "companies-done"),
        rx.cond(s.form_open, _connection_form()),
        rx.grid(
            rx.foreach(s.companies, _company_card),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="3",
            width="100%",
            id="settings-companies",
        ),
        _schedule_form(),
        fec_section(),
        spacing="4",
        width="100%",
    )
