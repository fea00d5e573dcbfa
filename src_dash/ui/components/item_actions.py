"""Inline actions on one open item: the row's menu and one dialog per action.

Dun now (level and channel, a preview of the message, send), record a promise, open or close a
dispute, comment, stop or resume dunning, log a call. Every form goes to the server, where the
services check the viewer's role and scope and the input; an error is shown next to its field
(`InvalidInput.field`), a success closes the dialog with a toast and refreshes the item's row.

The dialogs are mounted once per page (`item_dialogs()`), the menu once per row (`row_menu`).
A page that lists items registers its state with `refresh_rows_of(State)`; the state's
`items_changed(entry_ids)` is then awaited after each change, to refresh those rows.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from datetime import timedelta

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.clock import today as clock_today
from src_dash.services import followup
from src_dash.services.access import AccessDenied, Viewer
from src_dash.services.admin_settings import list_dispute_reasons
from src_dash.services.dun_now import (
    LEVELS,
    DunPreview,
    NotDunnable,
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
from src_dash.ui.details import exclusion_detail
from src_dash.ui.i18n import Formats, t
from src_dash.ui.state import UiState

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


def level_name(level: int, lang: str) -> str:
    """ "R2" (or "L2" in English), "Prévenance" for 0 when a message was sent, "—" never."""
    if level <= 0:
        return i18n.text("items.level.none", lang)
    return f"{'R' if i18n.normalise_lang(lang) == 'fr' else 'L'}{level}"


def _detail(exc: Exception) -> str:
    text = str(exc)
    field = getattr(exc, "field", "")
    prefix = f"{field}: "
    return text[len(prefix) :] if field and text.startswith(prefix) else text


def error_text(exc: followup.InvalidInput, lang: str, fmt: Formats | None = None) -> str:
    """What to show next to the field at fault, in the UI language; with the viewer's formats,
    a refusal to dun says the planner's detail too (a stop's reason and end, a balance)."""
    if isinstance(exc, NotDunnable):
        key = f"act.excl.{exc.reason}"
        if key in i18n.CATALOG[i18n.DEFAULT_LANG]:
            sentence = i18n.text(key, lang)
            x = exc.exclusion
            if fmt is None or x is None:
                return sentence
            detail = exclusion_detail(
                x.reason, x.detail, fmt, currency=exc.currency, amount=x.amount, on=x.on,
                note=x.note, level=x.level,
            )  # fmt: skip
            if not detail:
                return sentence
            return i18n.text("act.excl.with_detail", lang).format(
                reason=sentence.rstrip("."), detail=detail
            ) + ("." if sentence.endswith(".") else "")
    key = f"act.err.{exc.field}"
    if key not in i18n.CATALOG[i18n.DEFAULT_LANG]:
        key = "act.err.other"
    return i18n.text(key, lang).format(detail=_detail(exc))


def _recipients(recipients: tuple) -> str:
    return ", ".join(f"{r.name} <{r.email}>" if r.name else r.email for r in recipients)


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

    @rx.event
    async def open_action(self, kind: str, entry_id: int):  # noqa: ANN201  (yields events)
        """Open an action's dialog on an item, once checked the viewer may act on it.

        Args:
            kind: one of FIELDS' keys.
            entry_id: the open item.
        """
        who, fmt = await self._viewer()
        if who is None or kind not in FIELDS:
            return
        # The items' worklist is for the roles that work them (a sales rep comments on the card).
        if not who.can_work:
            yield rx.toast.error(i18n.text("act.err.denied", fmt.lang))
            return
        engine = get_engine()
        try:
            found = await asyncio.to_thread(item_target, engine, who, int(entry_id))
            reasons = []
            if kind in ("dispute_open", "call"):
                reasons = await asyncio.to_thread(list_dispute_reasons, engine, who)
        except AccessDenied:
            yield rx.toast.error(i18n.text("act.err.denied", fmt.lang))
            return
        except (SQLAlchemyError, LookupError):
            logger.exception("an item could not be read for an inline action")
            yield rx.toast.error(i18n.text("act.err.store", fmt.lang))
            return
        status = found.status
        today = clock_today()
        self.target = Target(
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
        self.reasons = [Choice(str(r.id), r.label) for r in reasons]
        self.default_amount = f"{found.residual:.2f}" if found.residual > 0 else ""
        self.today = today.isoformat()
        self.default_promised_on = (today + timedelta(days=PROMISE_DAYS)).isoformat()
        self.outcome = "reached"
        self.errors = {}
        self.saving = False
        self.dialog = kind
        if kind == "dun":
            self.dun_level = str(min(max(status.next_level or status.level + 1, 1), LEVELS[-1]))
            self.dun_proposed, self.dun_proposed_text, self.dun_reason = -1, "", ""
            try:
                proposed = await asyncio.to_thread(
                    proposed_level, engine, who, found.entry_id, today
                )
            except (AccessDenied, followup.InvalidInput, SQLAlchemyError):
                logger.exception("the level to propose could not be found")
            else:
                self.dun_level = str(proposed.level)
                self.dun_proposed = proposed.level
                self.dun_proposed_text = i18n.text(
                    "act.proposed" if proposed.overdue else "act.proposed.not_due", fmt.lang
                ).format(level=i18n.text(f"act.level.{proposed.level}", fmt.lang))
            self.dun_channel = ""
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

    @rx.var
    def dun_skips(self) -> bool:
        """Whether the level chosen goes past the one the scenario reaches next."""
        return (
            self.dun_proposed >= 0
            and self.dun_level.isdigit()
            and (int(self.dun_level) > self.dun_proposed)
        )

    @rx.event
    async def set_dun_channel(self, value: str | list[str]):  # noqa: ANN201
        """Another channel among the level's: preview again."""
        if isinstance(value, list):
            value = value[0] if value else ""
        self.dun_channel = value if value in CHANNELS else ""
        yield ItemActionsState.load_preview

    @rx.event
    async def load_preview(self) -> None:
        """Plan the item at the chosen level and render the chosen channel's message."""
        who, fmt = await self._viewer()
        if who is None or self.dialog != "dun":
            return
        self.dun_loading = True
        self.dun_ready = False
        self.errors = {}
        self._preview = None
        try:
            preview = await asyncio.to_thread(
                preview_dun,
                get_engine(),
                who,
                self.target.entry_id,
                int(self.dun_level),
                self.dun_channel or None,
            )
        except (AccessDenied, followup.InvalidInput, SQLAlchemyError) as exc:
            if isinstance(exc, SQLAlchemyError):
                logger.exception("a dunning preview failed")
            self._fail(exc, fmt)
            self.dun_loading = False
            self.dun_channels = []
            return
        self._preview = preview
        self.dun_channels = list(preview.channels)
        self.dun_channel = preview.channel
        self.dun_to = _recipients(preview.to)
        self.dun_cc = _recipients(preview.cc)
        self.dun_subject = preview.subject
        self.dun_html = preview.html
        self.dun_text = preview.text
        self.dun_step = preview.step_name
        self.dun_total = fmt.money(preview.total, preview.currency)
        self.dun_approval = preview.needs_approval
        self.dun_loading = False
        self.dun_ready = True

    async def _change(self, done_key: str, action: Callable, *args, **kwargs):  # noqa: ANN202, ANN002, ANN003
        """Run a service with the viewer; close with a toast, or show the error by its field."""
        who, fmt = await self._viewer()
        if who is None:
            return None
        entry_id = self.target.entry_id
        try:
            # Writers queue for the store's write lock (store/locking.py), across processes.
            result = await asyncio.to_thread(action, get_engine(), who, *args, **kwargs)
        except (AccessDenied, followup.InvalidInput) as exc:
            self._fail(exc, fmt)
            return None
        except SQLAlchemyError as exc:
            logger.exception("an inline action failed")
            self._fail(exc, fmt)
            return None
        piece = self.target.piece
        self.dialog = ""
        self.errors = {}
        await self._refresh_rows([entry_id])
        return rx.toast.success(i18n.text(done_key, fmt.lang).format(piece=piece)), result

    @rx.event
    async def submit_promise(self, form: dict[str, str]):  # noqa: ANN201
        """Record a promise to pay on the item."""
        done = await self._change(
            "act.done.promise",
            followup.record_promise,
            self.target.customer_id,
            (form.get("amount") or "").replace(",", ".").replace(" ", "").replace("\u202f", ""),
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
            amount=(form.get("amount") or "").replace(",", ".").replace(" ", "") or None,
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


# --- components ---------------------------------------------------------------------------------


def _w(key: str) -> rx.Var[str]:
    return t(key, UiState.lang)


def _menu_item(icon: str, key: str, kind: str, entry_id: rx.Var[int], **props) -> rx.Component:  # noqa: ANN003
    return rx.menu.item(
        rx.icon(icon, size=15),
        _w(key),
        on_click=ItemActionsState.open_action(kind, entry_id),
        id=f"act-{kind.replace('_', '-')}",
        **props,
    )


def row_menu(
    entry_id: rx.Var[int],
    state: rx.Var[str],
    item_stopped: rx.Var[bool],
    can_work: rx.Var[bool],
    debit: rx.Var[bool] | bool = True,
) -> rx.Component:
    """The "…" menu of a row, for the roles that work the items (others see no button at all).

    Args:
        entry_id: the row's item.
        state: its state (disputed, promised, stopped, none).
        item_stopped: whether dunning of the item itself is stopped.
        can_work: whether the viewer may dun, promise, dispute, stop, call and comment here
            (hiding is only cosmetic: the services check the role again).
        debit: whether the item is owed (credits are not dunned, promised nor disputed).
    """
    return rx.cond(
        can_work,
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(
                    rx.icon("ellipsis", size=16),
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    aria_label=_w("act.menu"),
                    data_testid="row-actions",
                )
            ),
            rx.menu.content(
                rx.cond(
                    debit,
                    rx.fragment(
                        _menu_item("send", "act.dun", "dun", entry_id),
                        _menu_item(
                            "hand-coins",
                            "act.promise",
                            "promise",
                            entry_id,
                            disabled=state == "promised",
                        ),
                    ),
                ),
                rx.cond(
                    state == "disputed",
                    _menu_item("circle-check", "act.dispute_close", "dispute_close", entry_id),
                    rx.cond(
                        debit,
                        _menu_item("triangle-alert", "act.dispute_open", "dispute_open", entry_id),
                    ),
                ),
                _menu_item("phone", "act.call", "call", entry_id),
                rx.cond(
                    item_stopped,
                    _menu_item("circle-play", "act.resume", "resume", entry_id),
                    _menu_item("circle-pause", "act.stop", "stop", entry_id),
                ),
                rx.menu.separator(),
                _menu_item("message-square", "act.comment", "comment", entry_id),
                align="end",
                id="row-actions-menu",
            ),
        ),
    )


def _field(label_key: str, control: rx.Component, field: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(_w(label_key), size="2", weight="medium"), width="100%"),
        control,
        rx.cond(
            ItemActionsState.errors.contains(field),
            rx.text(
                ItemActionsState.errors[field],
                size="1",
                color_scheme="red",
                data_testid="field-error",
                data_field=field,
                id=f"error-{field.replace('_', '-')}",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _general_error() -> rx.Component:
    return rx.cond(
        ItemActionsState.general_error != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert")),
            rx.callout.text(ItemActionsState.general_error),
            color_scheme="red",
            size="1",
            width="100%",
            id="action-error",
        ),
    )


def _target_line() -> rx.Component:
    return rx.flex(
        rx.badge(ItemActionsState.target.piece, variant="surface", id="action-piece"),
        rx.text(ItemActionsState.target.customer, size="2", weight="medium", trim="both"),
        rx.text(
            _w("act.residual"),
            " ",
            rx.text.span(ItemActionsState.target.residual, weight="medium"),
            size="2",
            color_scheme="gray",
        ),
        spacing="2",
        align="center",
        wrap="wrap",
        width="100%",
    )


def _buttons(submit_key: str, submit_id: str, **submit_props) -> rx.Component:  # noqa: ANN003
    return rx.flex(
        rx.dialog.close(
            rx.button(_w("act.cancel"), variant="soft", color_scheme="gray", type="button")
        ),
        rx.button(
            _w(submit_key),
            type="submit",
            loading=ItemActionsState.saving,
            id=submit_id,
            **submit_props,
        ),
        justify="end",
        spacing="2",
        width="100%",
        padding_top="4px",
    )


def _dialog(
    kind: str, title_key: str, body: rx.Component, max_width: str = "460px"
) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.vstack(
                rx.dialog.title(_w(title_key), margin_bottom="0"),
                _target_line(),
                rx.separator(size="4"),
                body,
                spacing="3",
                width="100%",
            ),
            max_width=max_width,
            width="calc(100vw - 24px)",
            max_height="calc(100dvh - 24px)",
            overflow_y="auto",
            id=f"dialog-{kind.replace('_', '-')}",
        ),
        open=ItemActionsState.dialog == kind,
        on_open_change=ItemActionsState.close,
    )


def _form(kind: str, on_submit, *children: rx.Component) -> rx.Component:  # noqa: ANN001
    return rx.form(
        rx.vstack(*children, spacing="3", width="100%"),
        on_submit=on_submit,
        reset_on_submit=False,
        id=f"form-{kind.replace('_', '-')}",
        width="100%",
    )


def _amount_input(name: str = "amount") -> rx.Component:
    return rx.input(
        name=name,
        default_value=ItemActionsState.default_amount,
        input_mode="decimal",
        width="100%",
        id=f"{name.replace('_', '-')}-input",
    )


def _date_input(name: str, default: rx.Var[str] | str = "", minimum: bool = True) -> rx.Component:
    return rx.input(
        name=name,
        type="date",
        default_value=default,
        min=ItemActionsState.today if minimum else None,
        width="100%",
        id=f"{name.replace('_', '-')}-input",
    )


def _note(max_length: int = 1000) -> rx.Component:
    return _field(
        "act.field.note",
        rx.text_area(name="note", max_length=max_length, rows="2", width="100%", id="note-input"),
        "note",
    )


def _reason_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            width="100%", id="reason-input", placeholder=_w("act.field.reason_placeholder")
        ),
        rx.select.content(
            rx.foreach(ItemActionsState.reasons, lambda r: rx.select.item(r.label, value=r.value))
        ),
        name="reason",
    )


def _promise_dialog() -> rx.Component:
    return _dialog(
        "promise",
        "act.promise",
        _form(
            "promise",
            ItemActionsState.submit_promise,
            rx.grid(
                _field("act.field.amount", _amount_input(), "amount"),
                _field(
                    "act.field.promised_on",
                    _date_input("promised_on", ItemActionsState.default_promised_on),
                    "promised_on",
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            _note(500),
            _general_error(),
            _buttons("act.save", "promise-submit"),
        ),
    )


def _dispute_open_dialog() -> rx.Component:
    return _dialog(
        "dispute_open",
        "act.dispute_open",
        _form(
            "dispute_open",
            ItemActionsState.submit_dispute_open,
            _field("act.field.reason", _reason_select(), "reason"),
            _note(),
            _general_error(),
            _buttons("act.save", "dispute-submit", color_scheme="orange"),
        ),
    )


def _dispute_close_dialog() -> rx.Component:
    return _dialog(
        "dispute_close",
        "act.dispute_close",
        _form(
            "dispute_close",
            ItemActionsState.submit_dispute_close,
            rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(
                    ItemActionsState.target.dispute_reason, " — ", _w("act.close_confirm")
                ),
                color_scheme="orange",
                size="1",
                width="100%",
            ),
            _note(),
            _general_error(),
            _buttons("act.close_dispute", "dispute-close-submit"),
        ),
    )


def _comment_dialog() -> rx.Component:
    return _dialog(
        "comment",
        "act.comment",
        _form(
            "comment",
            ItemActionsState.submit_comment,
            _field(
                "act.field.body",
                rx.text_area(name="body", rows="4", max_length=4000, width="100%", id="body-input"),
                "body",
            ),
            _general_error(),
            _buttons("act.save", "comment-submit"),
        ),
    )


def _stop_dialog() -> rx.Component:
    return _dialog(
        "stop",
        "act.stop",
        _form(
            "stop",
            ItemActionsState.submit_stop,
            _field(
                "act.field.stop_reason",
                rx.input(name="reason", max_length=200, width="100%", id="stop-reason-input"),
                "stop_reason",
            ),
            _field("act.field.until", _date_input("until"), "until"),
            _general_error(),
            _buttons("act.stop", "stop-submit", color_scheme="orange"),
        ),
    )


def _resume_dialog() -> rx.Component:
    return _dialog(
        "resume",
        "act.resume",
        _form(
            "resume",
            ItemActionsState.submit_resume,
            rx.text(_w("act.resume_confirm"), size="2"),
            _general_error(),
            _buttons("act.resume", "resume-submit", color_scheme="green"),
        ),
    )


def _call_dialog() -> rx.Component:
    outcome = ItemActionsState.outcome
    return _dialog(
        "call",
        "act.call",
        _form(
            "call",
            ItemActionsState.submit_call,
            _field(
                "act.field.outcome",
                rx.select.root(
                    rx.select.trigger(width="100%", id="outcome-input"),
                    rx.select.content(
                        *[rx.select.item(_w(f"act.outcome.{o}"), value=o) for o in OUTCOMES]
                    ),
                    name="outcome",
                    value=outcome,
                    on_change=ItemActionsState.set_outcome,
                ),
                "outcome",
            ),
            rx.cond(
                outcome == "promise",
                rx.grid(
                    _field("act.field.amount", _amount_input(), "amount"),
                    _field(
                        "act.field.promised_on",
                        _date_input("promised_on", ItemActionsState.default_promised_on),
                        "promised_on",
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
            ),
            rx.cond(outcome == "dispute", _field("act.field.reason", _reason_select(), "reason")),
            rx.cond(
                outcome == "call_back",
                _field(
                    "act.field.call_back_on",
                    _date_input("call_back_on", ItemActionsState.today),
                    "call_back_on",
                ),
            ),
            _note(),
            _general_error(),
            _buttons("act.save", "call-submit"),
        ),
    )


def _preview_line(key: str, value: rx.Var[str], line_id: str) -> rx.Component:
    return rx.cond(
        value != "",
        rx.flex(
            rx.text(_w(key), size="2", color_scheme="gray", flex_shrink="0", min_width="52px"),
            rx.text(value, size="2", word_break="break-word", id=line_id),
            spacing="2",
            width="100%",
        ),
    )


def _dun_preview() -> rx.Component:
    channel = ItemActionsState.dun_channel
    return rx.cond(
        ItemActionsState.dun_loading,
        rx.flex(
            rx.spinner(size="2"),
            rx.text(_w("act.preview.loading"), size="2", color_scheme="gray"),
            spacing="2",
            align="center",
            padding_y="24px",
            justify="center",
            width="100%",
        ),
        rx.cond(
            ItemActionsState.dun_ready,
            rx.vstack(
                rx.cond(
                    ItemActionsState.dun_approval,
                    rx.callout.root(
                        rx.callout.icon(rx.icon("shield-check")),
                        rx.callout.text(_w("act.preview.approval")),
                        color_scheme="amber",
                        size="1",
                        width="100%",
                    ),
                ),
                rx.match(
                    channel,
                    (
                        "phone",
                        rx.callout.root(
                            rx.callout.icon(rx.icon("phone")),
                            rx.callout.text(_w("act.preview.phone")),
                            size="1",
                            width="100%",
                        ),
                    ),
                    (
                        "letter",
                        rx.callout.root(
                            rx.callout.icon(rx.icon("mail")),
                            rx.callout.text(_w("act.preview.letter")),
                            size="1",
                            width="100%",
                        ),
                    ),
                    rx.fragment(),
                ),
                rx.box(
                    rx.vstack(
                        _preview_line("act.preview.to", ItemActionsState.dun_to, "preview-to"),
                        _preview_line("act.preview.cc", ItemActionsState.dun_cc, "preview-cc"),
                        _preview_line(
                            "act.preview.subject", ItemActionsState.dun_subject, "preview-subject"
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    width="100%",
                ),
                rx.cond(
                    ItemActionsState.dun_html != "",
                    # The body as the customer will see it, in a sandbox: no script, no link.
                    rx.el.iframe(
                        src_doc=ItemActionsState.dun_html,
                        sandbox="",
                        title=ItemActionsState.dun_subject,
                        width="100%",
                        height=rx.breakpoints(initial="42vh", sm="46vh"),
                        style={
                            "border": "1px solid var(--gray-a5)",
                            "borderRadius": "var(--radius-2)",
                            "background": "white",
                        },
                        id="preview-body",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
        ),
    )


def _dun_dialog() -> rx.Component:
    return _dialog(
        "dun",
        "act.dun",
        rx.vstack(
            rx.text(
                ItemActionsState.target.level_text,
                size="1",
                color_scheme="gray",
                id="dun-reached",
            ),
            rx.flex(
                _field(
                    "act.field.level",
                    rx.select.root(
                        rx.select.trigger(width="100%", id="level-input"),
                        rx.select.content(
                            *[rx.select.item(_w(f"act.level.{n}"), value=str(n)) for n in LEVELS]
                        ),
                        value=ItemActionsState.dun_level,
                        on_change=ItemActionsState.set_dun_level,
                        disabled=ItemActionsState.dun_loading | ItemActionsState.saving,
                    ),
                    "level",
                ),
                rx.cond(
                    ItemActionsState.dun_channels.length() > 0,
                    _field(
                        "act.field.channel",
                        rx.segmented_control.root(
                            rx.foreach(
                                ItemActionsState.dun_channels,
                                lambda c: rx.segmented_control.item(
                                    rx.match(
                                        c,
                                        ("email", _w("act.channel.email")),
                                        ("letter", _w("act.channel.letter")),
                                        _w("act.channel.phone"),
                                    ),
                                    value=c,
                                ),
                            ),
                            value=ItemActionsState.dun_channel,
                            on_change=ItemActionsState.set_dun_channel,
                            size="2",
                            width="100%",
                            id="channel-input",
                        ),
                        "channel",
                    ),
                ),
                direction=rx.breakpoints(initial="column", sm="row"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                ItemActionsState.dun_proposed_text != "",
                rx.text(
                    ItemActionsState.dun_proposed_text,
                    size="1",
                    color_scheme="gray",
                    id="dun-proposed",
                ),
            ),
            rx.cond(
                ItemActionsState.dun_skips,
                _field(
                    "act.field.skip_reason",
                    rx.text_area(
                        value=ItemActionsState.dun_reason,
                        on_change=ItemActionsState.set_dun_reason,
                        max_length=500,
                        rows="2",
                        width="100%",
                        placeholder=_w("act.skip_reason.hint"),
                        id="skip-reason-input",
                    ),
                    "skip_reason",
                ),
            ),
            _dun_preview(),
            _general_error(),
            rx.flex(
                rx.cond(
                    ItemActionsState.dun_ready,
                    rx.text(
                        ItemActionsState.dun_step,
                        " · ",
                        ItemActionsState.dun_total,
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                rx.spacer(),
                rx.dialog.close(
                    rx.button(_w("act.cancel"), variant="soft", color_scheme="gray", type="button")
                ),
                rx.button(
                    rx.icon("send", size=15),
                    rx.cond(
                        ItemActionsState.dun_channel == "phone",
                        _w("act.plan_call"),
                        _w("act.send"),
                    ),
                    on_click=ItemActionsState.send_dun,
                    disabled=~ItemActionsState.dun_ready,
                    loading=ItemActionsState.saving,
                    id="dun-submit",
                ),
                spacing="2",
                align="center",
                wrap="wrap",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        max_width="760px",
    )


def item_dialogs() -> rx.Component:
    """Every action's dialog, mounted once on the page (one is open at a time)."""
    return rx.fragment(
        _dun_dialog(),
        _promise_dialog(),
        _dispute_open_dialog(),
        _dispute_close_dialog(),
        _comment_dialog(),
        _stop_dialog(),
        _resume_dialog(),
        _call_dialog(),
    )
