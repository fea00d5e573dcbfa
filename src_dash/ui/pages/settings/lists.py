"""Settings tabs of two lists: the dispute reasons and the cash objectives per month."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx
from babel.dates import format_date

from src_dash import clock
from src_dash.services.cash_objectives import (
    delete_cash_objective,
    list_cash_objectives,
    set_cash_objective,
)
from src_dash.services.companies import list_companies
from src_dash.services.dispute_reasons import (
    add_dispute_reason,
    list_dispute_reasons,
    rename_dispute_reason,
    set_dispute_reason_active,
)
from src_dash.services.users import list_users
from src_dash.ui import i18n
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.controls import button, header_cell, row, table
from src_dash.ui.kit.widgets import words
from src_dash.ui.pages.settings.common import (
    Choice,
    FormFields,
    TabState,
    call,
    change,
    error_note,
    form_section,
    input_and_button,
    read_all,
    section,
)

ALL = "all"


@dataclasses.dataclass
class ReasonRow:
    """A dispute reason as edited."""

    id: int = 0
    label: str = ""
    draft: str = ""
    active: bool = True


@dataclasses.dataclass
class ObjectiveRow:
    """A cash objective, formatted."""

    id: int = 0
    month: str = ""
    company: str = ""
    collector: str = ""
    amount: str = ""


class ReasonsState(TabState, rx.State):
    """The dispute reasons (active and not)."""

    reasons: list[ReasonRow] = []
    new_label: str = ""

    async def _read(self) -> None:
        done = await read_all(self, (list_dispute_reasons, True))
        if done is None:
            return
        (found,) = done.value
        self.reasons = [ReasonRow(r.id, r.label, r.label, r.active) for r in found]
        self.loaded = True

    @rx.event
    def set_new_label(self, value: str) -> None:
        """The label of the reason to add."""
        self.new_label = value

    @rx.event
    async def add(self) -> rx.event.EventSpec | None:
        """Add the typed reason to the list."""
        done = await change(self, add_dispute_reason, self.new_label)
        if not done.ok:
            return None
        self.new_label = ""
        return done.toast("set.rs.added", label=done.value.label)

    @rx.event
    def set_draft(self, reason_id: int, value: str) -> None:
        """The new label typed for a reason."""
        self.reasons = [
            dataclasses.replace(r, draft=value) if r.id == reason_id else r for r in self.reasons
        ]

    @rx.event
    async def rename(self, reason_id: int) -> rx.event.EventSpec | None:
        """Rename a reason to its typed label."""
        row = next((r for r in self.reasons if r.id == reason_id), None)
        if row is None or row.draft.strip() == row.label:
            return None
        done = await change(self, rename_dispute_reason, reason_id, row.draft)
        return done.toast("set.saved") if done.ok else None

    @rx.event
    async def set_active(self, reason_id: int, active: bool) -> None:
        """Offer a reason again, or no longer (disputes already opened keep it)."""
        await change(self, set_dispute_reason_active, reason_id, bool(active))


def month_label(month: date, fmt: Formats) -> str:
    """ "décembre 2026", "December 2026"."""
    text = format_date(month, "LLLL yyyy", locale=fmt.locale)
    return text[:1].upper() + text[1:]


class ObjectivesState(TabState, rx.State):
    """The cash objectives of a year and the form to set one."""

    year: str = ""
    years: list[str] = []
    objectives: list[ObjectiveRow] = []
    companies: list[Choice] = []
    collectors: list[Choice] = []
    month: str = ""
    amount: str = ""
    company: str = ALL
    collector: str = ALL

    async def _read(self) -> None:
        today = clock.today()
        if not self.year:
            self.year = str(today.year)
        if not self.month:
            nxt = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
            self.month = nxt.strftime("%Y-%m")
        self.years = [str(y) for y in range(today.year - 2, today.year + 3)]
        done = await read_all(
            self, (list_cash_objectives, int(self.year)), (list_companies, 1), (list_users,)
        )
        if done is None:
            return
        (found, companies, users), fmt = done.value, done.fmt
        lang = fmt.lang
        every_company = i18n.text("set.ob.all_companies", lang)
        everyone = i18n.text("set.ob.all_collectors", lang)
        self.companies = [Choice(ALL, every_company)] + [
            Choice(str(c.id), f"{c.code} · {c.name}") for c in companies
        ]
        self.collectors = [Choice(ALL, everyone)] + [
            Choice(str(u.id), u.name)
            for u in users
            if u.active and u.role in ("collector", "admin")
        ]
        currency = {c.id: c.currency for c in companies}
        self.objectives = [
            ObjectiveRow(
                id=o.id,
                month=month_label(o.month, fmt),
                company=o.company_code or every_company,
                collector=o.user_name or everyone,
                amount=fmt.money(o.amount, currency.get(o.company_id, "EUR")),
            )
            for o in found
        ]
        self.loaded = True

    @rx.event
    async def set_year(self, value: str) -> None:
        """Show another year."""
        self.year = value
        await self._read()

    @rx.event
    def set_form(self, name: str, value: str) -> None:
        """One field of the form: the month ("2026-12"), the amount, the company or the
        collector (or all)."""
        if name in ("month", "amount", "company", "collector"):
            setattr(self, name, value)

    @rx.event
    async def add(self) -> rx.event.EventSpec | None:
        """Set the objective of the month (replacing the one of the same month and scope)."""
        month = self.month.strip()
        if len(month) == 7:
            month += "-01"
        amount = self.amount.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        amount = amount.replace(",", ".")
        done = await call(
            self,
            set_cash_objective,
            month,
            amount or "0",
            int(self.company) if self.company.isdigit() else None,
            int(self.collector) if self.collector.isdigit() else None,
        )
        self.error = done.error
        if not done.ok:
            return None
        self.amount = ""
        self.year = str(done.value.month.year)
        await self._read()
        return done.toast("set.saved")

    @rx.event
    async def delete(self, objective_id: int) -> None:
        """Remove an objective."""
        await change(self, delete_cash_objective, objective_id)


def _reason_row(row: ReasonRow) -> rx.Component:
    return rx.flex(
        rx.input(
            value=row.draft,
            on_change=lambda v: ReasonsState.set_draft(row.id, v),
            flex="1",
            min_width="0",
            color=rx.cond(row.active, "inherit", "var(--gray-9)"),
        ),
        rx.button(
            rx.icon("check", size=14),
            on_click=ReasonsState.rename(row.id),
            disabled=row.draft == row.label,
            variant="soft",
            size="2",
            aria_label=words("set.rs.rename"),
            title=words("set.rs.rename"),
        ),
        rx.tooltip(
            rx.switch(
                checked=row.active,
                on_change=lambda v: ReasonsState.set_active(row.id, v),
                aria_label=words("set.rs.active"),
            ),
            content=words("set.rs.active"),
        ),
        spacing="2",
        align="center",
        width="100%",
        data_testid="reason-row",
        data_label=row.label,
        data_active=rx.cond(row.active, "1", "0"),
    )


def reasons_tab() -> rx.Component:
    """The dispute reasons: add, rename, offer or not."""
    s = ReasonsState
    return section(
        "set.rs.title",
        rx.text(words("set.rs.intro"), size="2", color_scheme="gray"),
        input_and_button(
            button("plus", "set.add", icon_size=14, on_click=s.add, id="reason-add"),
            value=s.new_label,
            on_change=s.set_new_label,
            placeholder=words("set.rs.placeholder"),
            id="reason-new",
        ),
        error_note(s.error, "reasons-error"),
        rx.vstack(rx.foreach(s.reasons, _reason_row), spacing="2", width="100%", id="reasons-list"),
        section_id="reasons-section",
        max_width="720px",
    )


def _objective_row(row: ObjectiveRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row.month, white_space="nowrap"),
        rx.table.cell(row.company),
        rx.table.cell(row.collector),
        rx.table.cell(row.amount, text_align="right", white_space="nowrap", weight="medium"),
        rx.table.cell(
            rx.icon_button(
                rx.icon("trash-2", size=14),
                on_click=ObjectivesState.delete(row.id),
                variant="ghost",
                color_scheme="red",
                size="1",
                aria_label=words("set.delete"),
            ),
            text_align="right",
        ),
        data_testid="objective-row",
    )


def _objective_form() -> rx.Component:
    """The form to set the cash objective of a month."""
    s = ObjectivesState

    form = FormFields(ObjectivesState.set_form, "objective-")
    return form_section(
        "set.ob.form",
        (
            form.text("set.ob.month", "month", s.month, type="month"),
            form.text(
                "set.ob.amount", "amount", s.amount, inputmode="decimal", placeholder="150 000"
            ),
            form.choice("set.ob.company", "company", s.companies, s.company),
            form.choice("set.ob.collector", "collector", s.collectors, s.collector),
        ),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        error=s.error,
        error_id="objectives-error",
        submit=button("target", "set.ob.set", icon_size=14, on_click=s.add, id="objective-add"),
        section_id="objective-form",
    )


def _objectives_table() -> rx.Component:
    """The objectives of the chosen year, or a word that there are none."""
    s = ObjectivesState
    return section(
        "set.ob.title",
        row(
            rx.text(words("set.ob.year"), size="2"),
            rx.select(s.years, value=s.year, on_change=s.set_year, size="1", id="objective-year"),
        ),
        rx.cond(
            s.objectives.length() > 0,
            table(
                (
                    "set.ob.month",
                    "set.ob.company",
                    "set.ob.collector",
                    header_cell("set.ob.amount", right=True),
                    header_cell(""),
                ),
                rx.foreach(s.objectives, _objective_row),
                id="objectives-table",
            ),
            rx.text(words("set.ob.none"), size="2", color_scheme="gray", id="objectives-empty"),
        ),
        section_id="objectives-section",
    )


def objectives_tab() -> rx.Component:
    """The cash objectives of a year, and the form to set the one of a month."""
    return rx.vstack(_objective_form(), _objectives_table(), spacing="4", width="100%")
