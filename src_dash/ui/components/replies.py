"""The customer's replies on the card: what they wrote, and the suggestions found in it (each with
the sentence it came from), accepted in one click; a reply may also be set aside.

`replies_card(after=...)` is placed on the customer card; `after` (the card's reload) runs after a
change, so the timeline, the promises and the disputes show what was recorded.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.services.access import AccessDenied
from src_dash.services.followup import InvalidInput
from src_dash.services.replies import ReplyView, accept_suggestion, customer_replies, dismiss_reply
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.i18n import Formats, t
from src_dash.ui.state import UiState

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
        for s in r.suggestions:
            if s.kind == "promise":
                day = fmt.day(s.on) if s.on else ""
                detail = (
                    w["replies.detail.promise_amount"].format(
                        amount=fmt.money(s.amount, currency), day=day
                    )
                    if s.amount is not None
                    else w["replies.detail.promise"].format(day=day)
                )
            elif s.kind == "paid":
                parts = []
                if s.reference:
                    parts.append(w["replies.detail.paid"].format(reference=s.reference))
                if s.on:
                    parts.append(w["replies.detail.paid_on"].format(day=fmt.day(s.on)))
                if s.amount is not None:
                    parts.append(fmt.money(s.amount, currency))
                detail = ", ".join(parts)
            else:
                detail = w["replies.detail.dispute"].format(reason=s.reason_label or s.reason)
            suggestions.append(
                SuggestionLine(
                    reply_id=r.id,
                    index=s.index,
                    kind=s.kind,
                    label=w.get(f"replies.kind.{s.kind}", s.kind),
                    detail=detail,
                    quote=s.quote,
                    accepted=s.accepted,
                )
            )
    return lines, suggestions


def _customer_id(path: str) -> int | None:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else None


class RepliesState(rx.State):
    """The replies of the customer in the URL (the last ten)."""

    customer_id: int = 0
    replies: list[ReplyLine] = []
    suggestions: list[SuggestionLine] = []
    can_work: bool = False
    error: str = ""

    async def _read(self) -> None:
        who = await current_viewer(self)
        found = _customer_id(self.router.url.path)
        if who is None or found is None:
            self.replies, self.suggestions = [], []
            return
        self.customer_id, self.can_work = found, who.can_work
        fmt = await current_formats(self)
        try:
            views = await asyncio.to_thread(customer_replies, get_engine(), who, found, 10)
        except (AccessDenied, SQLAlchemyError):
            self.replies, self.suggestions = [], []
            return
        self.replies, self.suggestions = format_replies(views, fmt)

    @rx.event
    async def load(self) -> None:
        """Read the replies of the customer in the URL."""
        self.error = ""
        await self._read()

    async def _change(self, action, *args):  # noqa: ANN001, ANN202
        who = await current_viewer(self)
        fmt = await current_formats(self)
        if who is None:
            return i18n.text("replies.denied", fmt.lang)
        try:
            await asyncio.to_thread(action, get_engine(), who, *args)
        except AccessDenied:
            return i18n.text("replies.denied", fmt.lang)
        except InvalidInput as exc:
            return i18n.text("replies.error", fmt.lang).format(detail=str(exc))
        except SQLAlchemyError as exc:
            logger.exception("a reply could not be handled")
            return i18n.text("replies.error", fmt.lang).format(detail=type(exc).__name__)
        await self._read()
        return ""

    @rx.event
    async def accept(self, reply_id: int, index: int):  # noqa: ANN201
        """Accept one suggestion of a reply."""
        fmt = await current_formats(self)
        self.error = await self._change(accept_suggestion, int(reply_id), int(index))
        if self.error:
            yield rx.toast.error(self.error)
        else:
            yield rx.toast.success(i18n.text("replies.done", fmt.lang))

    @rx.event
    async def dismiss(self, reply_id: int):  # noqa: ANN201
        """Set a reply aside."""
        fmt = await current_formats(self)
        self.error = await self._change(dismiss_reply, int(reply_id))
        if self.error:
            yield rx.toast.error(self.error)
        else:
            yield rx.toast.success(i18n.text("replies.done", fmt.lang))


def _w(key: str) -> rx.Var[str]:
    return t(key, UiState.lang)


def _suggestion(s: rx.Var, reply: rx.Var, after: rx.EventSpec | None) -> rx.Component:
    on_click = [RepliesState.accept(s.reply_id, s.index)] + ([after] if after is not None else [])
    return rx.cond(
        s.reply_id == reply.id,
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.badge(s.label, variant="soft"),
                    rx.text(s.detail, size="2", weight="medium"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.text("« ", s.quote, " »", size="2", color_scheme="gray", as_="div"),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            rx.cond(
                s.accepted,
                rx.badge(_w("replies.accepted"), color_scheme="green"),
                rx.cond(
                    RepliesState.can_work & reply.open,
                    rx.button(
                        _w("replies.accept"),
                        size="2",
                        on_click=on_click,
                        data_testid="reply-accept",
                        data_kind=s.kind,
                    ),
                ),
            ),
            width="100%",
            align="center",
            spacing="3",
            wrap="wrap",
            data_testid="reply-suggestion",
        ),
    )


def _reply(r: rx.Var, after: rx.EventSpec | None) -> rx.Component:
    dismiss = [RepliesState.dismiss(r.id)] + ([after] if after is not None else [])
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("reply", size=16),
                rx.text(r.heading, size="2", color_scheme="gray"),
                rx.spacer(),
                rx.badge(
                    r.status_label,
                    color_scheme=rx.match(
                        r.status, ("new", "orange"), ("handled", "green"), "gray"
                    ),
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.text(r.subject, weight="bold", size="2"),
            rx.text(r.body, size="2", white_space="pre-wrap", as_="div"),
            rx.cond(
                r.has_suggestions,
                rx.vstack(
                    rx.foreach(RepliesState.suggestions, lambda s: _suggestion(s, r, after)),
                    spacing="2",
                    width="100%",
                ),
                rx.text(_w("replies.none"), size="2", color_scheme="gray"),
            ),
            rx.cond(
                RepliesState.can_work & (r.status == "new"),
                rx.button(
                    _w("replies.dismiss"),
                    variant="soft",
                    color_scheme="gray",
                    size="1",
                    on_click=dismiss,
                    data_testid="reply-dismiss",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="reply",
    )


def replies_card(after: rx.EventSpec | None = None) -> rx.Component:
    """The customer's replies with their suggestions (nothing when there is none)."""
    return rx.fragment(
        rx.cond(
            RepliesState.replies.length() > 0,
            rx.vstack(
                rx.heading(_w("replies.title"), as_="h3", size="4"),
                rx.foreach(RepliesState.replies, lambda r: _reply(r, after)),
                spacing="3",
                width="100%",
                id="customer-replies",
            ),
        ),
        on_mount=RepliesState.load,
    )
