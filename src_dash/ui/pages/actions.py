"""Page "/actions": the worklist (actions à mener), the viewer's actions due today and late, grouped
by kind; the call sheet of a customer; marking an action done or skipped with its outcome.

The state keeps the formatted rows and the open call sheet only. `services.worklist` reads the
actions and the sheet and closes an action; `services.followup.log_call` records a call that
ends in a promise, a dispute or a call back. Both check the role and the portfolio, so an
event sent by hand by a read-only user or a sales rep is refused.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import timedelta
from decimal import Decimal

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.clock import today as clock_today
from src_dash.services import followup
from src_dash.services.access import AccessDenied
from src_dash.services.admin_settings import list_dispute_reasons
from src_dash.services.worklist import (
    SIMPLE_CALL_OUTCOMES,
    CallSheet,
    Worklist,
    call_sheet,
    complete_action,
    worklist,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.choice import Choice
from src_dash.ui.components.layout import as_of_line, page_frame, page_title
from src_dash.ui.i18n import Formats, t
from src_dash.ui.pages.customers import GRADE_COLORS, customer_href
from src_dash.ui.pages.customers import ROUTE as CUSTOMERS_ROUTE
from src_dash.ui.state import UiState

ROUTE = "/actions"
OUTCOMES = ("reached", "no_answer", "promise", "dispute", "call_back")
KIND_ICONS = {
    "reply": "reply",
    "call": "phone",
    "promise_followup": "handshake",
    "step": "mail",
    "other": "list",
}
ROLE_COLORS = {"to": "green", "cc": "blue", "never": "gray", "": "gray"}
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class WorkRow:
    """One open action, formatted; the first of its kind carries the group's heading."""

    action_id: int = 0
    kind: str = ""
    icon: str = "list"
    first_of_group: bool = False
    group_label: str = ""
    group_count: str = ""
    customer_id: int = 0
    href: str = ""
    title: str = ""
    subtitle: str = ""
    late: bool = False
    due_text: str = ""
    level_text: str = ""
    items_text: str = ""
    amount_text: str = ""
    note: str = ""
    promise_text: str = ""
    assigned_text: str = ""


@dataclasses.dataclass
class Figure:
    """A labelled figure of the call sheet."""

    label: str = ""
    value: str = ""
    tone: str = ""
    key: str = ""


@dataclasses.dataclass
class SheetContact:
    """A contact to call."""

    name: str = ""
    detail: str = ""
    phone: str = ""
    mobile: str = ""
    email: str = ""
    role: str = ""
    role_color: str = "gray"


@dataclasses.dataclass
class SheetItem:
    """An open item of the customer; `checked` ones are those a promise or dispute covers."""

    entry_id: int = 0
    piece: str = ""
    due: str = ""
    late: str = ""
    residual: str = ""
    overdue: bool = False
    checked: bool = False
    amount: str = "0"  # plain decimal, to prefill the promise


@dataclasses.dataclass
class SheetLine:
    """A line of the recent history: a message, a promise, a dispute or a comment."""

    icon: str = "dot"
    text: str = ""
    detail: str = ""
    status: str = ""
    color: str = "gray"


def _words(lang: str) -> dict[str, str]:
    return i18n.CATALOG[i18n.normalise_lang(lang)]


def _days(n: int, fmt: Formats) -> str:
    return i18n.text("unit.days", fmt.lang).format(value=fmt.count(n))


def format_rows(found: Worklist, fmt: Formats) -> list[WorkRow]:
    """The worklist's actions as rows, group by group (today's first, then the late ones)."""
    w = _words(fmt.lang)
    rows: list[WorkRow] = []
    for group in found.groups:
        items = [*group.due_today, *group.late]
        label = w.get(f"work.kind.{group.kind}", group.kind)
        for n, item in enumerate(items):
            promise = ""
            if item.promise_amount is not None and item.promised_on is not None:
                promise = w["work.promise"].format(
                    amount=fmt.money(item.promise_amount, "EUR"), day=fmt.day(item.promised_on)
                )
                if item.promise_status == "broken":
                    promise += f" · {w['work.promise.broken']}"
            rows.append(
                WorkRow(
                    action_id=item.action_id,
                    kind=item.kind,
                    icon=KIND_ICONS.get(item.kind, "list"),
                    first_of_group=n == 0,
                    group_label=label,
                    group_count=fmt.count(len(items)),
                    customer_id=item.customer_id,
                    href=customer_href(item.customer_id),
                    title=item.customer_name,
                    subtitle=" · ".join(p for p in (item.customer_number, item.company_code) if p),
                    late=item.days_late > 0,
                    due_text=(
                        w["work.late_by"].format(days=_days(item.days_late, fmt))
                        if item.days_late > 0
                        else w["work.today"]
                    ),
                    level_text=w.get(f"camp.level.{item.level}", "") if item.level else "",
                    items_text=w["work.items"].format(n=fmt.count(item.items))
                    if item.items
                    else "",
                    amount_text=fmt.money(item.amount, "EUR") if item.items else "",
                    note=item.note,
                    promise_text=promise,
                    assigned_text=(
                        w["work.assigned"].format(name=item.assigned_name)
                        if item.assigned_name
                        else w["work.unassigned"]
                    ),
                )
            )
    return rows


@dataclasses.dataclass
class SheetView:
    """A call sheet, formatted."""

    title: str = ""
    subtitle: str = ""
    phone: str = ""
    email: str = ""
    sales_rep: str = ""
    figures: list[Figure] = dataclasses.field(default_factory=list)
    script: list[str] = dataclasses.field(default_factory=list)
    contacts: list[SheetContact] = dataclasses.field(default_factory=list)
    items: list[SheetItem] = dataclasses.field(default_factory=list)
    history: list[SheetLine] = dataclasses.field(default_factory=list)


def format_sheet(sheet: CallSheet, fmt: Formats) -> SheetView:
    """A call sheet in the viewer's language and formats."""
    w = _words(fmt.lang)
    cur = sheet.currency

    def money(value) -> str:  # noqa: ANN001
        return fmt.money(value, cur)

    figures = [
        Figure(w["work.sheet.outstanding"], money(sheet.outstanding), "", "outstanding"),
        Figure(w["work.sheet.overdue"], money(sheet.overdue), "red", "overdue"),
        Figure(w["work.sheet.not_due"], money(sheet.not_due), "", "not_due"),
        Figure(
            w["work.sheet.oldest"],
            _days(sheet.oldest_days_late, fmt) if sheet.oldest_days_late else "—",
            "orange" if sheet.oldest_days_late > 30 else "",
            "oldest",
        ),
        Figure(
            w["work.sheet.score"],
            f"{sheet.grade} · {sheet.score}" if sheet.score is not None else "—",
            GRADE_COLORS.get(sheet.grade, ""),
            "score",
        ),
    ]
    contacts = [
        SheetContact(
            name=c.name or c.email or "—",
            detail=" · ".join(p for p in (c.function, c.service) if p),
            phone=c.phone,
            mobile=c.mobile,
            email=c.email,
            role=c.role.upper() if c.role in ("to", "cc") else "",
            role_color=ROLE_COLORS.get(c.role, "gray"),
        )
        for c in sheet.contacts
    ]
    items = [
        SheetItem(
            entry_id=i.entry_id,
            piece=i.piece or i.reference,
            due=fmt.day(i.due_date) if i.due_date else "",
            late=_days(i.days_late, fmt) if i.days_late > 0 else "",
            residual=fmt.money(i.residual, cur),
            overdue=i.residual > 0 and i.days_late > 0,
            checked=i.residual > 0 and i.days_late > 0,
            amount=str(i.residual),
        )
        for i in sheet.items
    ]
    status_words = {
        "pending": "en attente" if fmt.lang == "fr" else "pending",
        "kept": "tenue" if fmt.lang == "fr" else "kept",
        "broken": w["work.promise.broken"],
    }
    history = [
        SheetLine(
            "mail",
            m.subject or w.get(f"camp.channel.{m.channel}", m.channel),
            fmt.moment(m.at),
            w.get(f"camp.status.{m.status}", m.status),
            {"sent": "green", "failed": "red", "bounced": "red"}.get(m.status, "gray"),
        )
        for m in sheet.messages
    ]
    history += [
        SheetLine(
            "handshake",
            w["work.promise"].format(amount=money(p.amount), day=fmt.day(p.promised_on)),
            p.note,
            status_words.get(p.status, p.status),
            {"pending": "amber", "kept": "green", "broken": "red"}.get(p.status, "gray"),
        )
        for p in sheet.promises
    ]
    history += [
        SheetLine("scale", f"{d.reason} · {', '.join(d.pieces)}", d.note, money(d.amount), "orange")
        for d in sheet.disputes
    ]
    history += [SheetLine("message-square", c, "", "", "gray") for c in sheet.comments]
    return SheetView(
        title=sheet.name,
        subtitle=" · ".join(p for p in (sheet.number, sheet.company_name) if p),
        phone=sheet.phone,
        email=sheet.email,
        sales_rep=(
            i18n.labelled(w["work.sheet.sales_rep"], sheet.sales_rep, fmt.lang)
            if sheet.sales_rep
            else ""
        ),
        figures=figures,
        script=list(sheet.script),
        contacts=contacts,
        items=items,
        history=history,
    )


def _plain_amount(text: str) -> str:
    """ "1 234,56" -> "1234.56" (what the service's amount check reads)."""
    for space in ("\u00a0", "\u202f", " "):
        text = text.replace(space, "")
    return text.replace(",", ".")


class ActionsState(rx.State):
    """The worklist of the signed-in user, formatted, and the call sheet being worked."""

    loaded: bool = False
    allowed: bool = False
    error: str = ""
    as_of: str = ""
    due_today: str = "0"
    late: str = "0"
    only_mine: bool = False
    rows: list[WorkRow] = []

    sheet_open: bool = False
    sheet_loading: bool = False
    action_id: int = 0
    action_kind: str = ""
    customer_id: int = 0
    sheet_title: str = ""
    sheet_subtitle: str = ""
    sheet_phone: str = ""
    sheet_email: str = ""
    sheet_rep: str = ""
    figures: list[Figure] = []
    script: list[str] = []
    contacts: list[SheetContact] = []
    items: list[SheetItem] = []
    history: list[SheetLine] = []
    outcome: str = ""
    note: str = ""
    promise_amount: str = ""
    promised_on: str = ""
    reason: str = ""
    call_back_on: str = ""
    min_day: str = ""
    reasons: list[Choice] = []
    form_error: str = ""
    saving: bool = False

    async def _refresh(self) -> None:
        who = await current_viewer(self)
        if who is None:
            self.loaded = False
            return
        fmt = await current_formats(self)
        today = clock_today()
        self.as_of = fmt.day(today)
        self.min_day = today.isoformat()
        if not who.can_work:
            self.allowed = False
            self.rows = []
            self.loaded = True
            return
        try:
            found = await asyncio.to_thread(
                worklist, get_engine(), who, today, None, not self.only_mine
            )
        except AccessDenied:
            self.allowed = False
            self.rows = []
            self.loaded = True
            return
        except SQLAlchemyError as exc:
            logger.exception("the worklist could not be read")
            self.error = i18n.labelled(
                i18n.text("work.load_error", fmt.lang), type(exc).__name__, fmt.lang
            )
            self.rows = []
            self.loaded = True
            return
        self.allowed = True
        self.error = ""
        self.rows = format_rows(found, fmt)
        self.due_today = fmt.count(found.due_today)
        self.late = fmt.count(found.late)
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: read the worklist again."""
        self.sheet_open = False
        await self._refresh()

    @rx.event
    async def set_only_mine(self, value: bool) -> None:
        """Show only the actions assigned to the viewer (not those assigned to nobody)."""
        self.only_mine = bool(value)
        await self._refresh()

    @rx.event
    async def open_sheet(self, action_id: int):  # noqa: ANN201  (yields to show the spinner)
        """Open the call sheet of an action's customer, with an empty outcome form."""
        row = next((r for r in self.rows if r.action_id == int(action_id)), None)
        who = await current_viewer(self)
        if row is None or who is None:
            return
        fmt = await current_formats(self)
        self.action_id, self.action_kind, self.customer_id = (
            row.action_id,
            row.kind,
            row.customer_id,
        )
        self.outcome = "reached" if row.kind == "call" else ""
        self.note = self.promise_amount = self.promised_on = self.call_back_on = ""
        self.reason = ""
        self.form_error = ""
        self._show(SheetView(title=row.title, subtitle=row.subtitle))
        self.sheet_loading = True
        self.sheet_open = True
        yield
        engine = get_engine()
        try:
            sheet = await asyncio.to_thread(call_sheet, engine, who, row.customer_id)
            reasons = await asyncio.to_thread(list_dispute_reasons, engine, who)
        except AccessDenied:
            self.form_error = i18n.text("work.error.denied", fmt.lang)
            self.sheet_loading = False
            return
        except SQLAlchemyError:
            logger.exception("the call sheet could not be read")
            self.form_error = i18n.text("work.error.store", fmt.lang)
            self.sheet_loading = False
            return
        self._show(format_sheet(sheet, fmt))
        self.reasons = [Choice(str(r.id), r.label) for r in reasons]
        self._prefill_amount()
        self.promised_on = (clock_today() + timedelta(days=7)).isoformat()
        self.sheet_loading = False

    def _show(self, view: SheetView) -> None:
        self.sheet_title, self.sheet_subtitle = view.title, view.subtitle
        self.sheet_phone, self.sheet_email, self.sheet_rep = view.phone, view.email, view.sales_rep
        self.figures, self.script, self.contacts = view.figures, view.script, view.contacts
        self.items, self.history = view.items, view.history

    def _prefill_amount(self) -> None:
        total = sum(
            (Decimal(i.amount) for i in self.items if i.checked and Decimal(i.amount) > 0),
            Decimal(0),
        )
        self.promise_amount = f"{total:.2f}" if total else ""

    @rx.event
    def set_sheet_open(self, value: bool) -> None:
        """Close the call sheet."""
        self.sheet_open = bool(value)

    @rx.event
    def set_outcome(self, value: str) -> None:
        """Choose the call's outcome."""
        self.outcome = value if value in OUTCOMES else ""
        self.form_error = ""

    @rx.event
    def set_note(self, value: str) -> None:
        """The note of the outcome."""
        self.note = value

    @rx.event
    def set_promise_amount(self, value: str) -> None:
        """The amount promised."""
        self.promise_amount = value

    @rx.event
    def set_promised_on(self, value: str) -> None:
        """The day promised."""
        self.promised_on = value

    @rx.event
    def set_reason(self, value: str) -> None:
        """The dispute's reason."""
        self.reason = value

    @rx.event
    def set_call_back_on(self, value: str) -> None:
        """The day to call back."""
        self.call_back_on = value

    @rx.event
    def toggle_item(self, entry_id: int) -> None:
        """Tick or untick an item for the promise or the dispute."""
        wanted = int(entry_id)
        self.items = [
            dataclasses.replace(i, checked=not i.checked) if i.entry_id == wanted else i
            for i in self.items
        ]
        self._prefill_amount()

    async def _close(self, who, status: str) -> None:  # noqa: ANN001
        engine = get_engine()
        if status == "skipped":
            await asyncio.to_thread(
                complete_action, engine, who, self.action_id, "skipped", "", self.note
            )
            return
        outcome = self.outcome
        if outcome in SIMPLE_CALL_OUTCOMES:
            await asyncio.to_thread(
                complete_action, engine, who, self.action_id, "done", outcome, self.note
            )
            return
        checked = [i.entry_id for i in self.items if i.checked]
        details = {
            "note": self.note,
            "entry_ids": checked,
            "amount": _plain_amount(self.promise_amount) if outcome == "promise" else None,
            "promised_on": self.promised_on if outcome == "promise" else None,
            "reason_id": int(self.reason) if outcome == "dispute" and self.reason else None,
            "call_back_on": self.call_back_on or None,
        }
        if self.action_kind == "call":
            await asyncio.to_thread(
                followup.log_call,
                engine,
                who,
                self.customer_id,
                outcome,
                action_id=self.action_id,
                **details,
            )
            return
        # Another kind of action (a promise follow-up, ...): the call is logged on its own,
        # then the action is closed with its outcome.
        await asyncio.to_thread(
            followup.log_call, engine, who, self.customer_id, outcome, **details
        )
        await asyncio.to_thread(
            complete_action, engine, who, self.action_id, "done", outcome, self.note
        )

    @rx.event
    async def finish(self, status: str):  # noqa: ANN201  (yields a toast)
        """Mark the open action done (with the chosen outcome) or skipped."""
        who = await current_viewer(self)
        fmt = await current_formats(self)
        if who is None:
            self.form_error = i18n.text("work.error.denied", fmt.lang)
            return
        if status not in ("done", "skipped"):
            return
        if status == "done" and self.outcome not in OUTCOMES:
            self.form_error = i18n.text("work.error.outcome", fmt.lang)
            return
        self.saving = True
        yield
        try:
            await self._close(who, status)
        except AccessDenied:
            self.form_error = i18n.text("work.error.denied", fmt.lang)
        except followup.InvalidInput as exc:
            self.form_error = i18n.text("work.error.invalid", fmt.lang).format(detail=str(exc))
        except (SQLAlchemyError, ValueError) as exc:
            logger.exception("closing action %s failed", self.action_id)
            self.form_error = i18n.text("work.error.store", fmt.lang)
            if isinstance(exc, ValueError):
                self.form_error = i18n.text("work.error.invalid", fmt.lang).format(detail=str(exc))
        self.saving = False
        if self.form_error:
            return
        self.sheet_open = False
        await self._refresh()
        key = "work.saved.done" if status == "done" else "work.saved.skipped"
        yield rx.toast.success(i18n.text(key, fmt.lang))


def _w(key: str) -> rx.Var[str]:
    return t(key, UiState.lang)


def _kind_icon(kind: rx.Var[str]) -> rx.Component:
    return rx.match(
        kind,
        *[
            (k, rx.icon(icon, size=18, color="var(--accent-11)"))
            for k, icon in KIND_ICONS.items()
            if k != "other"
        ],
        rx.icon("list", size=18, color="var(--accent-11)"),
    )


def _group_heading(r: rx.Var) -> rx.Component:
    return rx.hstack(
        _kind_icon(r.kind),
        rx.heading(r.group_label, as_="h2", size="4"),
        rx.badge(r.group_count, variant="soft", radius="full"),
        align="center",
        spacing="2",
        padding_top="8px",
        data_testid="work-group",
        data_kind=r.kind,
    )


def _work_card(r: rx.Var) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.link(
                        r.title,
                        href=r.href,
                        weight="bold",
                        size="3",
                        color_scheme="gray",
                        high_contrast=True,
                        underline="hover",
                    ),
                    rx.badge(
                        rx.cond(r.late, rx.icon("clock-alert", size=12), rx.icon("clock", size=12)),
                        r.due_text,
                        color_scheme=rx.cond(r.late, "red", "blue"),
                        variant="soft",
                        data_testid="due-badge",
                    ),
                    rx.cond(r.level_text != "", rx.badge(r.level_text, variant="outline")),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text(r.subtitle, " · ", r.assigned_text, size="1", color_scheme="gray"),
                rx.cond(
                    r.items_text != "",
                    rx.text(
                        r.items_text,
                        " · ",
                        rx.text.span(r.amount_text, weight="bold"),
                        size="2",
                    ),
                ),
                rx.cond(
                    r.promise_text != "",
                    rx.text(r.promise_text, size="2", color_scheme="amber"),
                ),
                rx.cond(
                    r.note != "",
                    rx.text(r.note, size="2", color_scheme="gray", font_style="italic"),
                ),
                spacing="1",
                min_width="0",
                flex="1",
            ),
            rx.button(
                rx.cond(
                    r.kind == "call", rx.icon("phone", size=16), rx.icon("circle-check", size=16)
                ),
                rx.cond(r.kind == "call", _w("work.sheet"), _w("work.open")),
                on_click=ActionsState.open_sheet(r.action_id),
                width=rx.breakpoints(initial="100%", sm="auto"),
                data_testid="open-sheet",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            spacing="3",
            align=rx.breakpoints(initial="stretch", sm="center"),
            width="100%",
        ),
        width="100%",
        data_testid="work-item",
        data_action_id=r.action_id,
        data_kind=r.kind,
    )


def _rows() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            ActionsState.rows,
            lambda r: rx.fragment(
                rx.cond(r.first_of_group, _group_heading(r)),
                _work_card(r),
            ),
        ),
        spacing="2",
        width="100%",
        id="worklist",
    )


def _section_title(key: str) -> rx.Component:
    return rx.text(_w(key), size="2", weight="bold", color_scheme="gray")


def _figure(f: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(f.label, size="1", color_scheme="gray"),
        rx.text(
            f.value,
            size="3",
            weight="bold",
            white_space="nowrap",
            color=rx.cond(f.tone != "", f"var(--{f.tone}-11)", "var(--gray-12)"),
        ),
        spacing="0",
        min_width="0",
        data_testid="sheet-figure",
        data_key=f.key,
    )


def _contact(c: rx.Var) -> rx.Component:
    def tel(number: rx.Var, icon: str) -> rx.Component:
        return rx.cond(
            number != "",
            rx.link(
                rx.hstack(rx.icon(icon, size=14), number, spacing="1", align="center"),
                href="tel:" + number.to(str),
                size="2",
                white_space="nowrap",
            ),
        )

    return rx.vstack(
        rx.hstack(
            rx.text(c.name, size="2", weight="medium"),
            rx.cond(c.role != "", rx.badge(c.role, color_scheme=c.role_color, size="1")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(c.detail != "", rx.text(c.detail, size="1", color_scheme="gray")),
        rx.flex(
            tel(c.phone, "phone"),
            tel(c.mobile, "smartphone"),
            rx.cond(
                c.email != "",
                rx.link(
                    c.email, href="mailto:" + c.email.to(str), size="2", word_break="break-all"
                ),
            ),
            spacing="3",
            wrap="wrap",
        ),
        spacing="1",
        width="100%",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
        data_testid="sheet-contact",
    )


def _sheet_item(i: rx.Var) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=i.checked,
                on_change=lambda _v: ActionsState.toggle_item(i.entry_id),
                data_entry_id=i.entry_id,
            ),
            rx.vstack(
                rx.text(i.piece, size="2", weight="medium"),
                rx.text(i.due, size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            rx.vstack(
                rx.text(i.residual, size="2", weight="medium", white_space="nowrap"),
                rx.cond(
                    i.late != "",
                    rx.text(i.late, size="1", color_scheme="red", white_space="nowrap"),
                ),
                spacing="0",
                align="end",
            ),
            align="center",
            spacing="2",
            width="100%",
            padding_y="5px",
            border_bottom="1px solid var(--gray-a4)",
        ),
        data_testid="sheet-item",
        style={"cursor": "pointer", "width": "100%"},
    )


def _history_line(h: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.match(
                h.icon,
                ("mail", rx.icon("mail", size=14)),
                ("handshake", rx.icon("handshake", size=14)),
                ("scale", rx.icon("scale", size=14)),
                rx.icon("message-square", size=14),
            ),
            color="var(--gray-10)",
            flex_shrink="0",
            padding_top="3px",
        ),
        rx.vstack(
            rx.text(h.text, size="2", word_break="break-word"),
            rx.cond(h.detail != "", rx.text(h.detail, size="1", color_scheme="gray")),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.cond(h.status != "", rx.badge(h.status, color_scheme=h.color, size="1")),
        align="start",
        spacing="2",
        width="100%",
        data_testid="sheet-history",
    )


def _outcome_button(value: str) -> rx.Component:
    chosen = ActionsState.outcome == value
    return rx.button(
        _w(f"work.outcome.{value}"),
        on_click=ActionsState.set_outcome(value),
        variant=rx.cond(chosen, "solid", "soft"),
        color_scheme=rx.cond(chosen, "indigo", "gray"),
        size="2",
        type="button",
        id=f"outcome-{value}",
        aria_pressed=chosen,
    )


def _labelled(key: str, child: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(_w(key), size="1", color_scheme="gray"), child, spacing="1", width="100%"
    )


def _outcome_form() -> rx.Component:
    is_step = ActionsState.action_kind == "step"
    details = rx.fragment(
        rx.cond(
            ActionsState.outcome == "promise",
            rx.grid(
                _labelled(
                    "work.promise.amount",
                    rx.input(
                        value=ActionsState.promise_amount,
                        on_change=ActionsState.set_promise_amount,
                        inputmode="decimal",
                        width="100%",
                        id="promise-amount",
                    ),
                ),
                _labelled(
                    "work.promise.date",
                    rx.input(
                        type="date",
                        value=ActionsState.promised_on,
                        on_change=ActionsState.set_promised_on,
                        min=ActionsState.min_day,
                        width="100%",
                        id="promise-date",
                    ),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
        ),
        rx.cond(
            ActionsState.outcome == "dispute",
            _labelled(
                "work.dispute.reason",
                rx.select.root(
                    rx.select.trigger(width="100%", id="dispute-reason"),
                    rx.select.content(
                        rx.foreach(
                            ActionsState.reasons,
                            lambda c: rx.select.item(c.label, value=c.value),
                        )
                    ),
                    value=ActionsState.reason,
                    on_change=ActionsState.set_reason,
                ),
            ),
        ),
        rx.cond(
            ActionsState.outcome == "call_back",
            _labelled(
                "work.call_back.date",
                rx.input(
                    type="date",
                    value=ActionsState.call_back_on,
                    on_change=ActionsState.set_call_back_on,
                    min=ActionsState.min_day,
                    width="100%",
                    id="call-back-date",
                ),
            ),
        ),
        rx.cond(
            (ActionsState.outcome == "promise") | (ActionsState.outcome == "dispute"),
            rx.text(_w("work.items.hint"), size="1", color_scheme="gray"),
        ),
    )
    return rx.vstack(
        _section_title("work.outcome.title"),
        rx.cond(
            is_step,
            rx.callout.root(
                rx.callout.icon(rx.icon("info")),
                rx.callout.text(_w("work.step_hint")),
                size="1",
                width="100%",
            ),
            rx.vstack(
                rx.flex(*[_outcome_button(v) for v in OUTCOMES], spacing="2", wrap="wrap"),
                details,
                spacing="3",
                width="100%",
            ),
        ),
        _labelled(
            "work.note",
            rx.text_area(
                value=ActionsState.note,
                on_change=ActionsState.set_note,
                placeholder=_w("work.note.placeholder"),
                rows="2",
                width="100%",
                id="outcome-note",
            ),
        ),
        rx.cond(
            ActionsState.form_error != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(ActionsState.form_error),
                color_scheme="red",
                size="1",
                width="100%",
                id="sheet-error",
            ),
        ),
        rx.flex(
            rx.dialog.close(
                rx.button(_w("work.close"), variant="ghost", color_scheme="gray", type="button")
            ),
            rx.spacer(),
            rx.button(
                rx.icon("skip-forward", size=16),
                _w("work.skip"),
                on_click=ActionsState.finish("skipped"),
                variant="soft",
                color_scheme="gray",
                loading=ActionsState.saving,
                type="button",
                id="action-skip",
            ),
            rx.cond(
                ~is_step,
                rx.button(
                    rx.icon("check", size=16),
                    _w("work.done"),
                    on_click=ActionsState.finish("done"),
                    loading=ActionsState.saving,
                    type="button",
                    id="action-done",
                ),
            ),
            spacing="2",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
        id="outcome-form",
    )


def _sheet_dialog() -> rx.Component:
    s = ActionsState
    return rx.dialog.root(
        rx.dialog.content(
            rx.vstack(
                rx.hstack(
                    rx.vstack(
                        rx.dialog.title(s.sheet_title, margin="0", id="sheet-title"),
                        rx.text(s.sheet_subtitle, size="2", color_scheme="gray"),
                        spacing="1",
                        min_width="0",
                    ),
                    rx.spacer(),
                    rx.cond(ActionsState.sheet_loading, rx.spinner(size="2")),
                    width="100%",
                    align="start",
                ),
                rx.flex(
                    rx.cond(
                        s.sheet_phone != "",
                        rx.link(
                            rx.button(rx.icon("phone", size=16), s.sheet_phone, variant="soft"),
                            href="tel:" + s.sheet_phone.to(str),
                            id="sheet-phone",
                        ),
                    ),
                    rx.cond(
                        s.sheet_email != "",
                        rx.link(
                            rx.hstack(rx.icon("mail", size=14), s.sheet_email, spacing="1"),
                            href="mailto:" + s.sheet_email.to(str),
                            size="2",
                            word_break="break-all",
                        ),
                    ),
                    rx.link(
                        rx.hstack(rx.icon("id-card", size=14), _w("work.sheet.card"), spacing="1"),
                        href=f"{CUSTOMERS_ROUTE}/" + ActionsState.customer_id.to(str),
                        size="2",
                    ),
                    rx.cond(
                        s.sheet_rep != "",
                        rx.text(s.sheet_rep, size="2", color_scheme="gray"),
                    ),
                    spacing="3",
                    align="center",
                    wrap="wrap",
                ),
                rx.card(
                    rx.grid(
                        rx.foreach(s.figures, _figure),
                        columns=rx.breakpoints(initial="2", sm="3", md="5"),
                        spacing="3",
                        width="100%",
                    ),
                    width="100%",
                    id="sheet-figures",
                ),
                rx.cond(
                    s.script.length() > 0,
                    rx.callout.root(
                        rx.callout.icon(rx.icon("message-circle")),
                        rx.vstack(
                            rx.text(_w("work.sheet.script"), size="2", weight="bold"),
                            rx.foreach(s.script, lambda line: rx.text(line, size="2")),
                            spacing="1",
                        ),
                        color_scheme="indigo",
                        variant="surface",
                        width="100%",
                        id="sheet-script",
                    ),
                ),
                rx.grid(
                    rx.vstack(
                        _section_title("work.sheet.contacts"),
                        rx.cond(
                            s.contacts.length() > 0,
                            rx.vstack(rx.foreach(s.contacts, _contact), spacing="0", width="100%"),
                            rx.text(_w("work.sheet.no_contact"), size="2", color_scheme="gray"),
                        ),
                        spacing="2",
                        width="100%",
                        min_width="0",
                    ),
                    rx.vstack(
                        _section_title("work.sheet.items"),
                        rx.cond(
                            s.items.length() > 0,
                            rx.vstack(
                                rx.foreach(s.items, _sheet_item),
                                spacing="0",
                                width="100%",
                                max_height="260px",
                                overflow_y="auto",
                            ),
                            rx.text(_w("work.sheet.no_item"), size="2", color_scheme="gray"),
                        ),
                        spacing="2",
                        width="100%",
                        min_width="0",
                        id="sheet-items",
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="4",
                    width="100%",
                ),
                rx.cond(
                    s.history.length() > 0,
                    rx.vstack(
                        _section_title("work.sheet.history"),
                        rx.foreach(s.history, _history_line),
                        spacing="2",
                        width="100%",
                    ),
                ),
                rx.separator(size="4"),
                _outcome_form(),
                spacing="4",
                width="100%",
            ),
            max_width="880px",
            width="100%",
            max_height="92vh",
            overflow_y="auto",
            padding=rx.breakpoints(initial="14px", sm="24px"),
            id="call-sheet",
        ),
        open=ActionsState.sheet_open,
        on_open_change=ActionsState.set_sheet_open,
    )


def _header() -> rx.Component:
    return rx.flex(
        rx.vstack(
            page_title(_w("work.title")),
            as_of_line(_w("work.as_of"), ActionsState.as_of),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(
            ActionsState.allowed,
            rx.flex(
                rx.badge(
                    rx.icon("calendar-check", size=14),
                    rx.text.span(ActionsState.due_today, weight="bold", id="count-today"),
                    _w("work.due_today"),
                    color_scheme="blue",
                    size="2",
                ),
                rx.badge(
                    rx.icon("clock-alert", size=14),
                    rx.text.span(ActionsState.late, weight="bold", id="count-late"),
                    _w("work.late"),
                    color_scheme="red",
                    size="2",
                ),
                rx.el.label(
                    rx.hstack(
                        rx.switch(
                            checked=ActionsState.only_mine,
                            on_change=ActionsState.set_only_mine,
                            size="1",
                            id="only-mine",
                        ),
                        rx.text(_w("work.mine_only"), size="2"),
                        spacing="2",
                        align="center",
                    ),
                ),
                rx.icon_button(
                    rx.icon("refresh-cw", size=16),
                    on_click=ActionsState.load,
                    variant="soft",
                    color_scheme="gray",
                    aria_label=_w("work.refresh"),
                    id="worklist-refresh",
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        spacing="3",
        width="100%",
        align=rx.breakpoints(initial="start", sm="end"),
    )


def actions_page() -> rx.Component:
    """The worklist: today's and late actions by kind, each opening its call sheet."""
    return page_frame(
        rx.vstack(
            _header(),
            rx.cond(
                ActionsState.error != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert")),
                    rx.callout.text(ActionsState.error),
                    color_scheme="red",
                    width="100%",
                    id="load-error",
                ),
            ),
            rx.cond(
                ActionsState.loaded,
                rx.cond(
                    ActionsState.allowed,
                    rx.cond(
                        ActionsState.rows.length() > 0,
                        _rows(),
                        rx.callout.root(
                            rx.callout.icon(rx.icon("party-popper")),
                            rx.callout.text(_w("work.empty")),
                            width="100%",
                            id="worklist-empty",
                        ),
                    ),
                    rx.callout.root(
                        rx.callout.icon(rx.icon("lock")),
                        rx.callout.text(_w("work.denied")),
                        color_scheme="gray",
                        width="100%",
                        id="worklist-denied",
                    ),
                ),
                rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
            ),
            _sheet_dialog(),
            spacing="4",
            width="100%",
        ),
        on_lang_change=ActionsState.load,
    )
