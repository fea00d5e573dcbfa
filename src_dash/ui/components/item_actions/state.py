"""The state of the inline actions: the open dialog, the item it acts on, the forms' defaults
and errors, the "dun now" preview; the handlers that open a dialog, preview, and submit.

A page that lists items registers its state with `refresh_rows_of(State)`; the state's
`items_changed(entry_ids)` is then awaited after each change, to refresh those rows."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import reflex as rx
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied, Viewer
from src_dash.clock import today as clock_today
from src_dash.services import followup
from src_dash.services.dispute_reasons import list_dispute_reasons
from src_dash.services.dun_now import (
    LEVELS,
    DunPreview,
    ItemTarget,
    deliver,
    dun_now,
    item_target,
    preview_dun,
    proposed_level,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.choice import Choice
from src_dash.ui.components.item_actions.wording import error_text, level_name, recipients_text
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.service import Done, run_service

logger = logging.getLogger(__name__)

# The dialogs, and the fields of each form (an error on another field is shown on top).
FIELDS: dict[str, tuple[str, ...]] = {
    "dun": ("level", "channel", "skip_reason"),
    "promise": ("amount", "promised_on", "note"),
    "dispute_open": ("reason", "note"),
    "dispute_close": ("note",),
    "comment": ("body",),
    "stop": ("stop_reason", "until"),
    "resume": (),
    "call": ("outcome", "note", "amount", "promised_on", "reason", "call_back_on"),
}
OUTCOMES = followup.CALL_OUTCOMES
CHANNELS = ("email", "letter", "phone")
GENERAL = "_"
PROMISE_DAYS = 7  # the promised date offered by default

_REFRESH: list[type[rx.State]] = []


def refresh_rows_of(state: type[rx.State]) -> type[rx.State]:
    """Register a state to refresh after each change (it defines `items_changed(entry_ids)`)."""
    if state not in _REFRESH:
        _REFRESH.append(state)
    return state


@dataclasses.dataclass
class Target:
    """The item a dialog acts on, formatted."""

    entry_id: int = 0
    customer_id: int = 0
    piece: str = ""
    customer: str = ""
    residual: str = ""
    residual_value: str = ""
    level_text: str = ""
    dispute_id: int = 0
    dispute_reason: str = ""


def format_target(found: ItemTarget, fmt: Formats) -> Target:
    """The item a dialog opens on, formatted in the viewer's language."""
    status = found.status
    return Target(
        entry_id=found.entry_id,
        customer_id=found.customer_id,
        piece=found.piece or found.reference or str(found.entry_id),
        customer=" · ".join(p for p in (found.customer_number, found.customer_name) if p),
        residual=fmt.money(found.residual, found.currency),
        residual_value=f"{found.residual:.2f}",
        level_text=i18n.text("act.reached", fmt.lang).format(
            level=level_name(status.level, fmt.lang)
        ),
        dispute_id=status.dispute_id or 0,
        dispute_reason=status.dispute_reason,
    )


def read_target(
    engine: Engine, who: Viewer, entry_id: int, with_reasons: bool
) -> tuple[ItemTarget, list]:
    """The item an action opens on, and the dispute reasons when its form offers them. The
    items' worklist is for the roles that work them (a sales rep comments on the card)."""
    if not who.can_work:
        raise AccessDenied("only the roles that work the items act on them")
    found = item_target(engine, who, entry_id)
    return found, (list_dispute_reasons(engine, who) if with_reasons else [])


def _open_error(exc: Exception, lang: str) -> str:
    return i18n.text("act.err.denied" if isinstance(exc, AccessDenied) else "act.err.store", lang)


def _amount(text: str) -> str:
    return text.replace(",", ".").replace(" ", "")


class ItemActionsState(rx.State):
    """The open dialog, the item it acts on, the forms' defaults and errors."""

    dialog: str = ""
    target: Target = Target()
    errors: dict[str, str] = {}
    saving: bool = False

    default_amount: str = ""
    default_promised_on: str = ""
    today: str = ""
    reasons: list[Choice] = []
    outcome: str = "reached"

    dun_level: str = "1"
    dun_channel: str = ""
    dun_channels: list[str] = []
    dun_loading: bool = False
    dun_ready: bool = False
    dun_to: str = ""
    dun_cc: str = ""
    dun_subject: str = ""
    dun_html: str = ""
    dun_text: str = ""
    dun_step: str = ""
    dun_total: str = ""
    dun_approval: bool = False
    dun_proposed: int = -1  # the level the scenario reaches next (-1: unknown)
    dun_proposed_text: str = ""  # "Proposé par le scénario : R2"
    dun_reason: str = ""  # why levels are skipped (required then)

    _preview: DunPreview | None = None

    @rx.var
    def general_error(self) -> str:
        """An error that is not about a field of the open form."""
        return self.errors.get(GENERAL, "")

    @rx.var
    def dun_skips(self) -> bool:
        """Whether the level chosen goes past the one the scenario reaches next."""
        return (
            self.dun_proposed >= 0
            and self.dun_level.isdigit()
            and (int(self.dun_level) > self.dun_proposed)
        )

    def _fail(self, exc: Exception, fmt: Formats) -> None:
        if isinstance(exc, AccessDenied):
            self.errors = {GENERAL: i18n.text("act.err.denied", fmt.lang)}
        elif isinstance(exc, followup.InvalidInput):
            field = exc.field
            if field == "reason" and self.dialog == "stop":
                field = "stop_reason"
            if field == "reason" and self.dialog == "dun":
                field = "skip_reason"
            if field not in FIELDS.get(self.dialog, ()):
                field = GENERAL
            self.errors = {field: error_text(exc, fmt.lang, fmt)}
        else:
            self.errors = {GENERAL: i18n.text("act.err.store", fmt.lang)}

    async def _viewer(self) -> tuple[Viewer | None, Formats]:
        return await current_viewer(self), await current_formats(self)

    async def _refresh_rows(self, entry_ids: list[int]) -> None:
        for state in _REFRESH:
            page = await self.get_state(state)
            await page.items_changed(entry_ids)

    def _show_target(self, found: ItemTarget, reasons: list, kind: str, fmt: Formats) -> date:
        today = clock_today()
        self.target = format_target(found, fmt)
        self.reasons = [Choice(str(r.id), r.label) for r in reasons]
        self.default_amount = f"{found.residual:.2f}" if found.residual > 0 else ""
        self.today = today.isoformat()
        self.default_promised_on = (today + timedelta(days=PROMISE_DAYS)).isoformat()
        self.outcome = "reached"
        self.errors = {}
        self.saving = False
        self.dialog = kind
        return today

    async def _propose_level(self, found: ItemTarget, today: date) -> None:
        status = found.status
        self.dun_level = str(min(max(status.next_level or status.level + 1, 1), LEVELS[-1]))
        self.dun_proposed, self.dun_proposed_text, self.dun_reason = -1, "", ""
        done = await run_service(
            self, proposed_level, found.entry_id, today, catch=(followup.InvalidInput,),
            log="the level to propose could not be found",
        )  # fmt: skip
        if done.ok:
            proposed = done.value
            self.dun_level = str(proposed.level)
            self.dun_proposed = proposed.level
            self.dun_proposed_text = i18n.text(
                "act.proposed" if proposed.overdue else "act.proposed.not_due", done.lang
            ).format(level=i18n.text(f"act.level.{proposed.level}", done.lang))
        self.dun_channel = ""

    @rx.event
    async def open_action(self, kind: str, entry_id: int):  # noqa: ANN201  (yields events)
        """Open an action's dialog on an item, once checked the viewer may act on it.

        Args:
            kind: one of FIELDS' keys.
            entry_id: the open item.
        """
        if kind not in FIELDS:
            return
        with_reasons = kind in ("dispute_open", "call")
        done = await run_service(
            self, read_target, int(entry_id), with_reasons, catch=(LookupError,),
            describe=_open_error,
        )  # fmt: skip
        if done.signed_out:
            return
        if not done.ok:
            if not isinstance(done.exception, AccessDenied):
                logger.error(
                    "an item could not be read for an inline action", exc_info=done.exception
                )
            yield rx.toast.error(done.error)
            return
        found, reasons = done.value
        today = self._show_target(found, reasons, kind, done.fmt)
        if kind == "dun":
            await self._propose_level(found, today)
            yield ItemActionsState.load_preview

    @rx.event
    def close(self, open_: bool = False) -> None:
        """Close the dialog (also called by the dialog with its new open state)."""
        if not open_:
            self.dialog = ""
            self.errors = {}
            self.saving = False
            self.dun_loading = False
            self._preview = None

    @rx.event
    def set_outcome(self, value: str) -> None:
        """The call's outcome (it shows the fields of a promise, a dispute or a call back)."""
        self.outcome = value if value in OUTCOMES else "reached"

    @rx.event
    async def set_dun_level(self, value: str):  # noqa: ANN201
        """Another level: preview again."""
        self.dun_level = value if value.isdigit() else "1"
        self.dun_channel = ""
        yield ItemActionsState.load_preview

    @rx.event
    def set_dun_reason(self, value: str) -> None:
        """Why the level goes past the scenario's next one."""
        self.dun_reason = value
        self.errors = {k: v for k, v in self.errors.items() if k != "skip_reason"}

    @rx.event
    async def set_dun_channel(self, value: str | list[str]):  # noqa: ANN201
        """Another channel among the level's: preview again."""
        if isinstance(value, list):
            value = value[0] if value else ""
        self.dun_channel = value if value in CHANNELS else ""
        yield ItemActionsState.load_preview

    def _show_preview(self, preview: DunPreview, fmt: Formats) -> None:
        self._preview = preview
        self.dun_channels = list(preview.channels)
        self.dun_channel = preview.channel
        self.dun_to = recipients_text(preview.to)
        self.dun_cc = recipients_text(preview.cc)
        self.dun_subject = preview.subject
        self.dun_html = preview.html
        self.dun_text = preview.text
        self.dun_step = preview.step_name
        self.dun_total = fmt.money(preview.total, preview.currency)
        self.dun_approval = preview.needs_approval
        self.dun_loading = False
        self.dun_ready = True

    @rx.event
    async def load_preview(self) -> None:
        """Plan the item at the chosen level and render the chosen channel's message."""
        if self.dialog != "dun":
            return
        self.dun_loading = True
        self.dun_ready = False
        self.errors = {}
        self._preview = None
        done = await self._run(
            preview_dun, self.target.entry_id, int(self.dun_level), self.dun_channel or None,
            log="a dunning preview failed",
        )  # fmt: skip
        if done.signed_out:
            return
        if not done.ok:
            self.dun_loading = False
            self.dun_channels = []
            return
        self._show_preview(done.value, done.fmt)

    async def _run(self, action: Callable, *args: Any, log: str, **kwargs: Any) -> Done:  # noqa: ANN401
        """Run a service with the viewer; a refusal or bad input is shown by its field, a
        store's error logged and said on top."""
        done = await run_service(self, action, *args, catch=(followup.InvalidInput,), **kwargs)
        if done.exception is not None:
            if isinstance(done.exception, SQLAlchemyError):
                logger.error(log, exc_info=done.exception)
            self._fail(done.exception, done.fmt)
        return done

    async def _change(self, done_key: str, action: Callable, *args: Any, **kwargs: Any):  # noqa: ANN202, ANN401
        """Run a service with the viewer; close with a toast, or show the error by its field."""
        entry_id = self.target.entry_id
        # Writers queue for the store's write lock (store/locking.py), across processes.
        done = await self._run(action, *args, log="an inline action failed", **kwargs)
        if not done.ok:
            return None
        piece = self.target.piece
        self.dialog = ""
        self.errors = {}
        await self._refresh_rows([entry_id])
        return rx.toast.success(i18n.text(done_key, done.lang).format(piece=piece)), done.value

    @rx.event
    async def submit_promise(self, form: dict[str, str]):  # noqa: ANN201
        """Record a promise to pay on the item."""
        done = await self._change(
            "act.done.promise",
            followup.record_promise,
            self.target.customer_id,
            _amount(form.get("amount") or "").replace("\u202f", ""),
            form.get("promised_on") or "",
            [self.target.entry_id],
            form.get("note") or "",
        )
        return done[0] if done else None

    @rx.event
    async def submit_dispute_open(self, form: dict[str, str]):  # noqa: ANN201
        """Open a dispute on the item."""
        reason = form.get("reason") or ""
        done = await self._change(
            "act.done.dispute_open",
            followup.open_dispute,
            self.target.customer_id,
            int(reason) if reason.isdigit() else None,
            [self.target.entry_id],
            form.get("note") or "",
        )
        return done[0] if done else None

    @rx.event
    async def submit_dispute_close(self, form: dict[str, str]):  # noqa: ANN201
        """Close the item's open dispute."""
        done = await self._change(
            "act.done.dispute_close",
            followup.close_dispute,
            self.target.dispute_id,
            form.get("note") or "",
        )
        return done[0] if done else None

    @rx.event
    async def submit_comment(self, form: dict[str, str]):  # noqa: ANN201
        """Comment on the item."""
        done = await self._change(
            "act.done.comment",
            followup.add_comment,
            self.target.customer_id,
            form.get("body") or "",
            self.target.entry_id,
        )
        return done[0] if done else None

    @rx.event
    async def submit_stop(self, form: dict[str, str]):  # noqa: ANN201
        """Stop dunning the item, for a reason, maybe until a date."""
        done = await self._change(
            "act.done.stop",
            followup.stop_dunning,
            [self.target.entry_id],
            form.get("reason") or "",
            form.get("until") or None,
        )
        return done[0] if done else None

    @rx.event
    async def submit_resume(self, form: dict[str, str]):  # noqa: ANN201, ARG002
        """Resume dunning the item (the form has no field)."""
        done = await self._change(
            "act.done.resume", followup.resume_dunning, [self.target.entry_id]
        )
        return done[0] if done else None

    @rx.event
    async def submit_call(self, form: dict[str, str]):  # noqa: ANN201
        """Log a call about the item, and what it gave."""
        outcome = form.get("outcome") or self.outcome
        reason = form.get("reason") or ""
        done = await self._change(
            "act.done.call",
            followup.log_call,
            self.target.customer_id,
            outcome,
            note=form.get("note") or "",
            entry_ids=[self.target.entry_id],
            amount=_amount(form.get("amount") or "") or None,
            promised_on=form.get("promised_on") or None,
            reason_id=int(reason) if reason.isdigit() else None,
            call_back_on=form.get("call_back_on") or None,
        )
        return done[0] if done else None

    @rx.event
    async def send_dun(self):  # noqa: ANN201
        """Send the previewed message (or plan the call) now."""
        preview = self._preview
        if preview is None:
            return None
        self.saving = True
        done = await self._change("act.done.queued", dun_now, preview, self.dun_reason)
        self.saving = False
        if not done:
            return None
        toast, result = done
        if result.status in ("already", "call"):
            _, fmt = await self._viewer()
            key = "act.done.already" if result.status == "already" else "act.done.call_planned"
            return rx.toast.success(
                i18n.text(key, fmt.lang).format(
                    piece=preview.items[0].piece if preview.items else ""
                )
            )
        return [toast, ItemActionsState.deliver_now(result.channel)]

    @rx.event(background=True)
    async def deliver_now(self, channel: str):  # noqa: ANN201
        """Send what was just queued (one pass of the dispatcher), then say how it went."""
        async with self:
            who, fmt = await self._viewer()
            to = self.dun_to
        if who is None:
            return
        try:
            done = await deliver(get_engine(), who)
        except Exception:  # the message stays queued; the scheduler sends it
            logger.exception("sending a reminder at once failed")
            done = None
        if done is None or getattr(done, "busy", False) or getattr(done, "server_error", ""):
            yield rx.toast.info(i18n.text("act.done.waiting", fmt.lang))
        elif channel == "letter":
            yield rx.toast.success(i18n.text("act.done.printed", fmt.lang))
        elif getattr(done, "sent", 0):
            yield rx.toast.success(i18n.text("act.done.sent", fmt.lang).format(to=to))
