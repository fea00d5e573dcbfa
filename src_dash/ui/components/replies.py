"""The customer's replies on the card: what they wrote, and the suggestions found in it (each with
the sentence it came from), accepted in one click; a reply may also be set aside.

`replies_card(after=...)` is placed on the customer card; `after` (the card's reload) runs after a
change, so the timeline, the promises and the disputes show what was recorded.
"""

from __future__ import annotations

import dataclasses
import logging

import reflex as rx

from src_dash.access import AccessDenied
from src_dash.services.followup import InvalidInput
from src_dash.services.replies import (
    ReplyView,
    SuggestionView,
    accept_suggestion,
    customer_replies,
    dismiss_reply,
)
from src_dash.ui import i18n
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.controls import column, row, shown_list
from src_dash.ui.kit.service import run_service
from src_dash.ui.kit.widgets import words

logger = logging.getLogger(__name__)


@dataclasses.dataclass
class ReplyLine:
    """A reply, formatted."""

    id: int = 0
    heading: str = ""
    subject: str = ""
    body: str = ""
    status: str = ""
    status_label: str = ""
    open: bool = False
    has_suggestions: bool = False


@dataclasses.dataclass
class SuggestionLine:
    """A suggestion of a reply, formatted (`reply_id` ties it to its reply)."""

    reply_id: int = 0
    index: int = 0
    kind: str = ""
    label: str = ""
    detail: str = ""
    quote: str = ""
    accepted: bool = False


def _detail(s: SuggestionView, w: dict[str, str], fmt: Formats, currency: str) -> str:
    """What a suggestion would record: a promise (amount, day), a payment (reference, day,
    amount), a dispute (reason)."""
    if s.kind == "promise":
        day = fmt.day(s.on) if s.on else ""
        if s.amount is None:
            return w["replies.detail.promise"].format(day=day)
        return w["replies.detail.promise_amount"].format(
            amount=fmt.money(s.amount, currency), day=day
        )
    if s.kind == "paid":
        parts = []
        if s.reference:
            parts.append(w["replies.detail.paid"].format(reference=s.reference))
        if s.on:
            parts.append(w["replies.detail.paid_on"].format(day=fmt.day(s.on)))
        if s.amount is not None:
            parts.append(fmt.money(s.amount, currency))
        return ", ".join(parts)
    return w["replies.detail.dispute"].format(reason=s.reason_label or s.reason)


def format_replies(
    replies: list[ReplyView], fmt: Formats, currency: str = "EUR"
) -> tuple[list[ReplyLine], list[SuggestionLine]]:
    """The replies and their suggestions in the viewer's language and formats."""
    w = i18n.CATALOG[i18n.normalise_lang(fmt.lang)]
    lines, suggestions = [], []
    for r in replies:
        sender = r.from_name or r.from_address
        lines.append(
            ReplyLine(
                id=r.id,
                heading=w["replies.from"].format(sender=sender, when=fmt.moment(r.received_at)),
                subject=r.subject,
                body=r.body_text[:1500],
                status=r.status,
                status_label=w.get(f"replies.status.{r.status}", r.status),
                open=r.status in ("new", "handled"),
                has_suggestions=bool(r.suggestions),
            )
        )
        suggestions.extend(
            SuggestionLine(
                reply_id=r.id,
                index=s.index,
                kind=s.kind,
                label=w.get(f"replies.kind.{s.kind}", s.kind),
                detail=_detail(s, w, fmt, currency),
                quote=s.quote,
                accepted=s.accepted,
            )
            for s in r.suggestions
        )
    return lines, suggestions


def _customer_id(path: str) -> int | None:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else None


def reply_error(exc: Exception, lang: str) -> str:
    """The words for a reply refused or not handled (a store error is logged)."""
    if isinstance(exc, AccessDenied):
        return i18n.text("replies.denied", lang)
    if isinstance(exc, InvalidInput):
        return i18n.text("replies.error", lang).format(detail=str(exc))
    logger.exception("a reply could not be handled")
    return i18n.text("replies.error", lang).format(detail=type(exc).__name__)


class RepliesState(rx.State):
    """The replies of the customer in the URL (the last ten)."""

    customer_id: int = 0
    replies: list[ReplyLine] = []
    suggestions: list[SuggestionLine] = []
    can_work: bool = False
    error: str = ""

    async def _read(self) -> None:
        found = _customer_id(self.router.url.path)
        done = None if found is None else await run_service(self, customer_replies, found, 10)
        if done is None or not done.ok:
            self.replies, self.suggestions = [], []
            return
        self.customer_id, self.can_work = found, done.viewer.can_work
        self.replies, self.suggestions = format_replies(done.value, done.fmt)

    @rx.event
    async def load(self) -> None:
        """Read the replies of the customer in the URL."""
        self.error = ""
        await self._read()

    async def _change(self, action, *args):  # noqa: ANN001, ANN202
        """Handle a reply, read the replies again, and say how it went in a toast."""
        done = await run_service(self, action, *args, catch=(InvalidInput,), describe=reply_error)
        if done.signed_out:
            self.error = i18n.text("replies.denied", done.lang)
            return rx.toast.error(self.error)
        self.error = done.error
        if done.ok:
            await self._read()
        return done.toast("replies.done")

    @rx.event
    async def accept(self, reply_id: int, index: int):  # noqa: ANN201
        """Accept one suggestion of a reply."""
        return await self._change(accept_suggestion, int(reply_id), int(index))

    @rx.event
    async def dismiss(self, reply_id: int):  # noqa: ANN201
        """Set a reply aside."""
        return await self._change(dismiss_reply, int(reply_id))


def _then(event: rx.EventSpec, after: rx.EventSpec | None) -> list[rx.EventSpec]:
    """`event`, then the card's reload when there is one."""
    return [event] if after is None else [event, after]


def _suggestion(s: rx.Var, reply: rx.Var, after: rx.EventSpec | None) -> rx.Component:
    accept = rx.button(
        words("replies.accept"),
        size="2",
        on_click=_then(RepliesState.accept(s.reply_id, s.index), after),
        data_testid="reply-accept",
        data_kind=s.kind,
    )
    return rx.cond(
        s.reply_id == reply.id,
        row(
            rx.vstack(
                row(
                    rx.badge(s.label, variant="soft"), rx.text(s.detail, size="2", weight="medium")
                ),
                rx.text("« ", s.quote, " »", size="2", color_scheme="gray", as_="div"),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            rx.cond(
                s.accepted,
                rx.badge(words("replies.accepted"), color_scheme="green"),
                rx.cond(RepliesState.can_work & reply.open, accept),
            ),
            spacing="3",
            width="100%",
            data_testid="reply-suggestion",
        ),
    )


def _reply_head(r: rx.Var) -> rx.Component:
    return row(
        rx.icon("reply", size=16),
        rx.text(r.heading, size="2", color_scheme="gray"),
        rx.spacer(),
        rx.badge(
            r.status_label,
            color_scheme=rx.match(r.status, ("new", "orange"), ("handled", "green"), "gray"),
        ),
        spacing="3",
        width="100%",
    )


def _reply(r: rx.Var, after: rx.EventSpec | None) -> rx.Component:
    dismiss = rx.button(
        words("replies.dismiss"),
        variant="soft",
        color_scheme="gray",
        size="1",
        on_click=_then(RepliesState.dismiss(r.id), after),
        data_testid="reply-dismiss",
    )
    return rx.card(
        column(
            _reply_head(r),
            rx.text(r.subject, weight="bold", size="2"),
            rx.text(r.body, size="2", white_space="pre-wrap", as_="div"),
            rx.cond(
                r.has_suggestions,
                column(
                    rx.foreach(RepliesState.suggestions, lambda s: _suggestion(s, r, after)),
                    spacing="2",
                ),
                rx.text(words("replies.none"), size="2", color_scheme="gray"),
            ),
            rx.cond(RepliesState.can_work & (r.status == "new"), dismiss),
            spacing="2",
        ),
        width="100%",
        data_testid="reply",
    )


def replies_card(after: rx.EventSpec | None = None) -> rx.Component:
    """The customer's replies with their suggestions (nothing when there is none)."""
    return shown_list(
        RepliesState.replies,
        lambda r: _reply(r, after),
        "replies.title",
        "customer-replies",
        RepliesState.load,
    )
