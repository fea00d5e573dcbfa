"""The state of the worklist: the viewer's open actions, formatted, and the call sheet being
worked with its outcome form. Reading and closing go through `services.worklist` and
`services.followup`, which check the role and the portfolio again."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import logging
from datetime import date, timedelta
from typing import Any

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied, Viewer
from src_dash.clock import today as clock_today
from src_dash.services import followup
from src_dash.services.dashboard import store_version
from src_dash.services.dispute_reasons import list_dispute_reasons
from src_dash.services.worklist import (
    SIMPLE_CALL_OUTCOMES,
    DaySections,
    call_sheet,
    complete_action,
    day_sections,
    mark_handled,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats
from src_dash.ui.choice import Choice
from src_dash.ui.kit.service import run_service
from src_dash.ui.pages.worklist.day_rows import ClientRow, DayRows, DoneRow, format_day
from src_dash.ui.pages.worklist.rows import (
    OUTCOMES,
    OutcomeForm,
    SheetView,
    WorkRow,
    format_sheet,
    plain_amount,
    promised_total,
)

logger = logging.getLogger(__name__)
# The outcome form's texts that `set_form` sets as typed (the outcome has its own handler).
FORM_TEXTS = ("note", "promise_amount", "promised_on", "reason", "call_back_on")
# The day's sections, in the order of the phone's tabs.
SECTIONS = ("today", "late", "client", "upcoming", "done")


@dataclasses.dataclass(frozen=True)
class Closing:
    """The action being closed, "done" or "skipped", what the outcome form says of it and the
    items ticked."""

    action: WorkRow
    status: str  # done, skipped
    form: OutcomeForm
    entry_ids: tuple[int, ...]


def read_day(engine: Any, who: Viewer, on: date, everyone: bool) -> DaySections | None:  # noqa: ANN401
    """The viewer's day in sections; None for a viewer who does not work the accounts."""
    if not who.can_work:
        return None
    return day_sections(engine, who, on, None, everyone)


def read_sheet(engine: Any, who: Viewer, customer_id: int) -> tuple:  # noqa: ANN401
    """A customer's call sheet and the dispute reasons to choose from."""
    return call_sheet(engine, who, customer_id), list_dispute_reasons(engine, who)


def close_action(engine: Any, who: Viewer, c: Closing) -> None:  # noqa: ANN401
    """Skip the action, or mark it done with its outcome: a call that ends in a promise, a
    dispute or a call back is logged with what it covers."""
    action, f = c.action, c.form
    if c.status == "skipped":
        complete_action(engine, who, action.action_id, "skipped", "", f.note)
        return
    if f.outcome in SIMPLE_CALL_OUTCOMES:
        complete_action(engine, who, action.action_id, "done", f.outcome, f.note)
        return
    details = {
        "note": f.note,
        "entry_ids": list(c.entry_ids),
        "amount": plain_amount(f.promise_amount) if f.outcome == "promise" else None,
        "promised_on": f.promised_on if f.outcome == "promise" else None,
        "reason_id": int(f.reason) if f.outcome == "dispute" and f.reason else None,
        "call_back_on": f.call_back_on or None,
    }
    if action.kind == "call":
        followup.log_call(
            engine, who, action.customer_id, f.outcome, action_id=action.action_id, **details
        )
        return
    # Another kind of action (a promise follow-up, ...): the call is logged on its own,
    # then the action is closed with its outcome.
    followup.log_call(engine, who, action.customer_id, f.outcome, **details)
    complete_action(engine, who, action.action_id, "done", f.outcome, f.note)


def sheet_error(exc: Exception, lang: str) -> str:
    """What the sheet says when it cannot be read or the action cannot be closed."""
    if isinstance(exc, AccessDenied):
        return i18n.text("work.error.denied", lang)
    if isinstance(exc, ValueError):  # followup.InvalidInput is one
        return i18n.text("work.error.invalid", lang).format(detail=str(exc))
    return i18n.text("work.error.store", lang)


def load_error(exc: Exception, lang: str) -> str:
    """What the page says when the worklist cannot be read ("" for a refusal)."""
    if isinstance(exc, AccessDenied):
        return ""
    return i18n.labelled(i18n.text("work.load_error", lang), type(exc).__name__, lang)


class WorklistState(rx.State):
    """The worklist of the signed-in user, formatted, and the call sheet being worked."""

    loaded: bool = False
    allowed: bool = False
    error: str = ""
    as_of: str = ""
    due_today: str = "0"
    late: str = "0"
    upcoming: str = "0"
    done_count: str = "0"
    client_count: str = "0"
    only_mine: bool = False
    section: str = "today"  # the section shown on a phone
    rows: list[WorkRow] = []  # today's
    late_rows: list[WorkRow] = []
    upcoming_rows: list[WorkRow] = []
    done_rows: list[DoneRow] = []
    client_rows: list[ClientRow] = []
    handling: int = 0  # the customer's action being marked handled
    _version: int = -1  # the store's data version the day was read at

    sheet_open: bool = False
    sheet_loading: bool = False
    action: WorkRow = WorkRow()  # the row of the action whose sheet is open
    sheet: SheetView = SheetView()
    form: OutcomeForm = OutcomeForm()
    min_day: str = ""
    reasons: list[Choice] = []
    form_error: str = ""
    saving: bool = False

    async def _refresh(self) -> None:
        today = clock_today()
        # The data version before reading: a change made meanwhile is caught by the next poll.
        self._version = await asyncio.to_thread(store_version, get_engine())
        done = await run_service(self, read_day, today, not self.only_mine, describe=load_error)
        if done.signed_out:
            self.loaded = False
            return
        self.as_of = done.fmt.day(today)
        self.min_day = today.isoformat()
        self.loaded = True
        if done.ok and done.value is not None:
            found = done.value
            self.allowed = True
            self.error = ""
            self._show(format_day(found, done.fmt))
            return
        self._show(None)
        if isinstance(done.exception, SQLAlchemyError):
            logger.error("the worklist could not be read", exc_info=done.exception)
            self.error = done.error
        else:  # not for this role
            self.allowed = False

    def _show(self, day: DayRows | None) -> None:
        """Put the day's rows and counts on the page (None: none)."""
        self.rows = day.today if day else []
        self.late_rows = day.late if day else []
        self.upcoming_rows = day.upcoming if day else []
        self.done_rows = day.done if day else []
        self.client_rows = day.client if day else []
        counts = day.counts if day else {}
        self.due_today = counts.get("today", "0")
        self.late = counts.get("late", "0")
        self.upcoming = counts.get("upcoming", "0")
        self.done_count = counts.get("done", "0")
        self.client_count = counts.get("client", "0")

    @rx.event
    def set_section(self, value: str) -> None:
        """Show one section on a phone."""
        if value in SECTIONS:
            self.section = value

    @rx.event
    async def handle_client(self, event_id: int):  # noqa: ANN201  (yields a toast)
        """Mark a customer's space action handled, then read the day again."""
        self.handling = int(event_id)
        yield
        done = await run_service(
            self, mark_handled, int(event_id), catch=(ValueError,), describe=sheet_error
        )
        self.handling = 0
        if done.signed_out:
            return
        await self._refresh()
        yield done.toast("work.client.saved")

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: read the worklist again."""
        self.sheet_open = False
        await self._refresh()

    @rx.event
    async def poll(self, _tick: str = "") -> None:
        """Every few seconds: read the day again when the store changed (a colleague's action,
        a customer's in their space), the call sheet left as it is."""
        if not (self.loaded and self.allowed):
            return
        if await asyncio.to_thread(store_version, get_engine()) != self._version:
            await self._refresh()

    @rx.event
    async def set_only_mine(self, value: bool) -> None:
        """Show only the actions assigned to the viewer (not those assigned to nobody)."""
        self.only_mine = bool(value)
        await self._refresh()

    def _start_sheet(self, row: WorkRow) -> None:
        self.action = row
        self.form = OutcomeForm(outcome="reached" if row.kind == "call" else "")
        self.form_error = ""
        self.sheet = SheetView(title=row.customer, subtitle=row.subtitle)
        self.sheet_loading = True
        self.sheet_open = True

    @rx.event
    async def open_sheet(self, action_id: int):  # noqa: ANN201  (yields to show the spinner)
        """Open the call sheet of an action's customer, with an empty outcome form."""
        wanted = int(action_id)
        row = next(
            (
                r
                for r in (*self.rows, *self.late_rows, *self.upcoming_rows)
                if r.action_id == wanted
            ),
            None,
        )
        if row is None:
            return
        self._start_sheet(row)
        yield
        done = await run_service(self, read_sheet, row.customer_id, describe=sheet_error)
        if done.signed_out:
            self.sheet_open = self.sheet_loading = False
            return
        self.sheet_loading = False
        if not done.ok:
            if isinstance(done.exception, SQLAlchemyError):
                logger.error("the call sheet could not be read", exc_info=done.exception)
            self.form_error = done.error
            return
        sheet, reasons = done.value
        self.sheet = format_sheet(sheet, done.fmt)
        self.reasons = [Choice(str(r.id), r.label) for r in reasons]
        self.form.promise_amount = promised_total(self.sheet.open_items)
        self.form.promised_on = (clock_today() + timedelta(days=7)).isoformat()

    @rx.event
    def set_sheet_open(self, value: bool) -> None:
        """Close the call sheet."""
        self.sheet_open = bool(value)

    @rx.event
    def set_outcome(self, value: str) -> None:
        """Choose the call's outcome."""
        self.form.outcome = value if value in OUTCOMES else ""
        self.form_error = ""

    @rx.event
    def set_form(self, field: str, value: str) -> None:
        """A text of the outcome form as typed (one of `FORM_TEXTS`): the note, the amount and
        day promised, the dispute's reason, the day to call back."""
        if field in FORM_TEXTS:
            setattr(self.form, field, value)

    @rx.event
    def toggle_item(self, entry_id: int) -> None:
        """Tick or untick an item for the promise or the dispute."""
        wanted = int(entry_id)
        self.sheet.open_items = [
            dataclasses.replace(i, checked=not i.checked) if i.entry_id == wanted else i
            for i in self.sheet.open_items
        ]
        self.form.promise_amount = promised_total(self.sheet.open_items)

    def _closing(self, status: str) -> Closing:
        # Plain copies of the state's values for the worker thread.
        return Closing(
            action=copy.copy(self.action),
            status=status,
            form=copy.copy(self.form),
            entry_ids=tuple(i.entry_id for i in self.sheet.open_items if i.checked),
        )

    @rx.event
    async def finish(self, status: str):  # noqa: ANN201  (yields a toast)
        """Mark the open action done (with the chosen outcome) or skipped."""
        if status not in ("done", "skipped"):
            return
        if status == "done" and self.form.outcome not in OUTCOMES:
            fmt = await current_formats(self)
            self.form_error = i18n.text("work.error.outcome", fmt.lang)
            return
        self.saving = True
        yield
        done = await run_service(
            self, close_action, self._closing(status), catch=(ValueError,), describe=sheet_error
        )
        self.saving = False
        if done.signed_out:
            self.form_error = i18n.text("work.error.denied", done.lang)
            return
        if not done.ok:
            if not isinstance(done.exception, (AccessDenied, followup.InvalidInput)):
                logger.error(
                    "closing action %s failed", self.action.action_id, exc_info=done.exception
                )
            self.form_error = done.error
        if self.form_error:
            return
        self.sheet_open = False
        await self._refresh()
        yield done.toast("work.saved.done" if status == "done" else "work.saved.skipped")
