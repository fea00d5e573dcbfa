"""The companies tab's views: the company cards, the connection form, the schedule."""

from __future__ import annotations

import reflex as rx

from src_dash.services.sync_schedule import (
    MAX_SYNC_MINUTES,
    MIN_SYNC_MINUTES,
)
from src_dash.ui.kit.controls import button, column, ghost_button, row, soft_button
from src_dash.ui.kit.widgets import small_label, words
from src_dash.ui.pages.settings.common import (
    FormFields,
    card_grid,
    card_head,
    check_label,
    error_note,
    field,
    form_section,
    input_and_button,
    ok_note,
    red_line,
    save_button,
    section,
)
from src_dash.ui.pages.settings.companies.rows import CompanyRow, RunRow
from src_dash.ui.pages.settings.companies.state import CompaniesState
from src_dash.ui.pages.settings.fec.views import fec_section


def _run_line(run: RunRow) -> rx.Component:
    return rx.box(
        row(
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
        ),
        red_line(run.error, data_testid="run-error"),
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
    return card_head(
        (
            row(
                rx.text(company.code, weight="bold", size="3"),
                rx.badge(company.kind_label, variant="outline", color_scheme="gray"),
                rx.badge(company.status_label, color_scheme=company.status_color),
            ),
            rx.text(company.name, size="2"),
            rx.text(company.customers, size="1", color_scheme="gray"),
        ),
        rx.hstack(
            small_label("set.co.active"),
            rx.switch(
                checked=company.active,
                on_change=lambda v: CompaniesState.toggle_active(company.id, v),
                size="1",
            ),
            align="center",
            spacing="2",
        ),
    )


def _company_buttons(company: CompanyRow) -> rx.Component:
    """Test the connection (Sage 100), synchronise, edit the connection (Sage 100)."""
    s = CompaniesState
    busy, sage = s.busy_id == company.id, company.kind == "sage100"
    return row(
        rx.cond(
            sage,
            soft_button(
                "plug-zap",
                "set.co.test",
                icon_size=14,
                on_click=s.test(company.id),
                loading=busy & (s.check_id == company.id),
                disabled=s.busy_id != 0,
                size="1",
                data_testid="company-test",
            ),
        ),
        button(
            "refresh-cw",
            "set.co.sync",
            icon_size=14,
            on_click=s.sync(company.id),
            loading=busy & (s.check_id != company.id),
            disabled=s.busy_id != 0,
            size="1",
            data_testid="company-sync",
        ),
        rx.cond(
            sage,
            ghost_button(
                "pencil",
                "set.co.edit",
                on_click=s.edit_company(company.id),
                data_testid="company-edit",
            ),
        ),
    )


def _company_runs(company: CompanyRow) -> rx.Component:
    """The company's last synchronisation runs, when it has some."""
    return rx.cond(
        company.runs.length() > 0,
        column(
            rx.text(words("set.co.runs"), size="1", weight="medium"),
            rx.foreach(company.runs, _run_line),
            spacing="1",
        ),
    )


def _company_card(company: CompanyRow) -> rx.Component:
    return rx.card(
        column(
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
        ),
        width="100%",
        data_testid="settings-company",
        data_code=company.code,
    )


def _connection_form() -> rx.Component:
    """The connection form: code and name, ODBC connection string, encoding, what its test said,
    and its buttons (test, save, cancel)."""
    s = CompaniesState
    form = FormFields(s.set_form, "company-", values=s.form)
    return form_section(
        "set.co.form_title",
        (
            form.text("set.co.code", "code", disabled=s.form_existing),
            form.text("set.co.name", "name"),
        ),
        field(
            "set.co.dsn",
            rx.text_area(
                value=s.form["dsn"],
                on_change=lambda v: CompaniesState.set_form("dsn", v),
                placeholder=rx.cond(
                    s.form_existing,
                    words("set.co.dsn_keep"),
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
                value=s.form["encoding"],
                on_change=lambda v: CompaniesState.set_form("encoding", v),
                placeholder="cp1252",
                id="company-encoding",
                max_width="200px",
            ),
        ),
        rx.cond(
            s.form_check != "",
            _check_callout(s.form_check, s.form_check_ok, id="company-form-check"),
        ),
        submit=row(
            soft_button(
                "plug-zap",
                "set.co.test",
                icon_size=14,
                on_click=s.test_form,
                loading=s.form_busy,
                id="company-form-test",
            ),
            save_button(on_click=s.save_form, id="company-form-save"),
            rx.button(
                words("set.cancel"), on_click=s.close_form, variant="ghost", color_scheme="gray"
            ),
        ),
        error=s.form_error,
        error_id="company-form-error",
        section_id="company-form",
    )


def _schedule_form() -> rx.Component:
    s = CompaniesState
    return section(
        "set.co.schedule_title",
        rx.text(s.schedule, size="2", color_scheme="gray", id="sync-schedule"),
        check_label(
            rx.switch(checked=s.sched_enabled, on_change=s.set_sched_enabled, id="sync-enabled"),
            "set.co.auto",
            weight="medium",
            cursor="pointer",
        ),
        # The button sits beside the input, so the error under them never pushes it out of line.
        field(
            "set.co.interval",
            input_and_button(
                save_button(on_click=s.save_schedule, id="sync-schedule-save"),
                value=s.sched_minutes,
                on_change=s.set_sched_minutes,
                type="number",
                min=MIN_SYNC_MINUTES,
                max=MAX_SYNC_MINUTES,
                step=1,
                inputmode="numeric",
                id="sync-interval",
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
            soft_button(
                "plus", "set.co.new", icon_size=14, on_click=s.new_company, id="company-new"
            ),
            justify="end",
            width="100%",
        ),
        error_note(s.error, "companies-error"),
        ok_note(s.done, "companies-done"),
        rx.cond(s.form_open, _connection_form()),
        card_grid(s.companies, _company_card, "settings-companies"),
        _schedule_form(),
        fec_section(),
        spacing="4",
        width="100%",
    )
