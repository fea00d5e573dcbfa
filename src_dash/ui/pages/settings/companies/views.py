"""The companies tab's views: the company cards, the connection form, the schedule."""

from __future__ import annotations

import reflex as rx

from src_dash.services.sync_schedule import (
    MAX_SYNC_MINUTES,
    MIN_SYNC_MINUTES,
)
from src_dash.ui.i18n import t
from src_dash.ui.pages.settings.common import error_note, field, ok_note, section
from src_dash.ui.pages.settings.companies.rows import CompanyRow, RunRow
from src_dash.ui.pages.settings.companies.state import CompaniesState
from src_dash.ui.pages.settings.fec.views import fec_section
from src_dash.ui.state import UiState


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


def _check_callout(text: rx.Var[str], ok: rx.Var[bool], **marker) -> rx.Component:
    """What a connection test said, green when it worked (`marker`: its id or data-testid)."""
    return rx.callout.root(
        rx.callout.text(text, word_break="break-word"),
        color_scheme=rx.cond(ok, "green", "red"),
        size="1",
        width="100%",
        **marker,
    )


def _company_header(company: CompanyRow) -> rx.Component:
    """The company's code, kind, status, name and customers, and its active switch."""
    return rx.flex(
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
    )


def _company_buttons(company: CompanyRow) -> rx.Component:
    """Test the connection (Sage 100), synchronise, edit the connection (Sage 100)."""
    busy = CompaniesState.busy_id == company.id
    return rx.flex(
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
    )


def _company_runs(company: CompanyRow) -> rx.Component:
    """The company's last synchronisation runs, when it has some."""
    return rx.cond(
        company.runs.length() > 0,
        rx.vstack(
            rx.text(t("set.co.runs", UiState.lang), size="1", weight="medium"),
            rx.foreach(company.runs, _run_line),
            spacing="1",
            width="100%",
        ),
    )


def _company_card(company: CompanyRow) -> rx.Component:
    return rx.card(
        rx.vstack(
            _company_header(company),
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
            _company_buttons(company),
            rx.cond(
                (CompaniesState.check_id == company.id) & (CompaniesState.check_text != ""),
                _check_callout(
                    CompaniesState.check_text,
                    CompaniesState.check_ok,
                    data_testid="company-check",
                ),
            ),
            _company_runs(company),
            spacing="3",
            width="100%",
        ),
        width="100%",
        data_testid="settings-company",
        data_code=company.code,
    )


def _connection_fields() -> list[rx.Component]:
    """The connection form's fields: code and name, ODBC connection string, encoding."""
    s = CompaniesState
    return [
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
    ]


def _connection_buttons() -> rx.Component:
    """Test the connection of the form, save it, or close the form."""
    s = CompaniesState
    return rx.flex(
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
    )


def _connection_form() -> rx.Component:
    s = CompaniesState
    return section(
        "set.co.form_title",
        *_connection_fields(),
        rx.cond(
            s.form_check != "",
            _check_callout(s.form_check, s.form_check_ok, id="company-form-check"),
        ),
        error_note(s.form_error, "company-form-error"),
        _connection_buttons(),
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
