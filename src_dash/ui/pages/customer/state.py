"""The state of the customer card: the card of the customer in the URL, formatted, and the
changes made on it (comment, flag, stop, profile, scenario, contact), each through a service that
checks the role and the portfolio again; the message opened and its PDF."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied, Viewer
from src_dash.services import followup
from src_dash.services.customer_card import (
    CustomerCard,
    customer_card,
    message_detail,
    message_pdf,
)
from src_dash.services.customer_edit import (
    CONTACT_ROLES,
    add_contact,
    known_profiles,
    set_profile,
    set_scenario,
)
from src_dash.services.dashboard import store_version
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.kit.service import run_service
from src_dash.ui.pages.customer.rows import (
    CardView,
    OpenedMessage,
    customer_id_of,
    format_card,
    opened_message,
)
from src_dash.ui.pages.customer.timeline_rows import TIMELINE_PAGE, EventItem

logger = logging.getLogger(__name__)


def read_card(engine: Any, who: Viewer, customer_id: int) -> tuple[CustomerCard, list[str]]:  # noqa: ANN401
    """The customer's card and the profiles already in use (the profile input's choices)."""
    return customer_card(engine, who, customer_id), known_profiles(engine)


def load_error(exc: Exception, lang: str) -> str:
    """What the page says when the card cannot be read: nothing for a refusal (a customer out
    of the portfolio is "not found", like one that does not exist), else the store's error."""
    if isinstance(exc, AccessDenied):
        return ""
    return i18n.labelled(i18n.text("card.load_error", lang), type(exc).__name__, lang)


def change_error(exc: Exception, lang: str) -> str:
    """What the page says when a change on the card is refused or fails."""
    if isinstance(exc, followup.InvalidInput):
        return i18n.text("card.error.invalid", lang).format(detail=str(exc))
    if isinstance(exc, SQLAlchemyError):
        return i18n.text("card.error.store", lang)
    return i18n.text("card.error.denied", lang)


class CardState(rx.State):
    """One customer's card, formatted; empty when the viewer may not see the customer."""

    customer_id: int = 0
    loaded: bool = False
    found: bool = False
    error: str = ""
    can_work: bool = False
    can_note: bool = False

    card: CardView = CardView()
    profile_options: list[str] = []

    contact_open: bool = False
    contact_error: str = ""
    stop_open: bool = False
    stop_error: str = ""
    flag_error: str = ""
    comment_error: str = ""
    profile_error: str = ""

    message_open: bool = False
    message: OpenedMessage = OpenedMessage()

    _version: int = -1  # the store's data version the card was read at (see customer.live)
    timeline_filter: str = "all"  # "all", a key of timeline_rows.TIMELINE_FILTERS, or "notes"
    timeline_count: int = TIMELINE_PAGE

    @rx.var
    def timeline_matching(self) -> list[EventItem]:
        """The timeline's events of the chosen kind."""
        if self.timeline_filter == "all":
            return self.card.timeline
        return [e for e in self.card.timeline if e.kinds == self.timeline_filter]

    @rx.var
    def timeline_shown(self) -> list[EventItem]:
        """The first page(s) of them."""
        return self.timeline_matching[: self.timeline_count]

    @rx.var
    def timeline_more(self) -> bool:
        """Whether some of them are not shown yet."""
        return len(self.timeline_matching) > self.timeline_count

    @rx.event
    def set_timeline_filter(self, kinds: str) -> None:
        """Show the events of one kind (from the first page)."""
        self.timeline_filter, self.timeline_count = kinds, TIMELINE_PAGE

    @rx.event
    def more_timeline(self) -> None:
        """Show one more page of events."""
        self.timeline_count += TIMELINE_PAGE

    async def _reload(self) -> None:
        found = customer_id_of(self.router.url.path)
        if found is None:
            signed_in = await current_viewer(self) is not None
            if signed_in:
                self.found, self.card = False, CardView()
            self.loaded = signed_in
            return
        # The data version before reading: a change made meanwhile is caught by the next poll.
        self._version = await asyncio.to_thread(store_version, get_engine())
        done = await run_service(self, read_card, found, describe=load_error)
        if done.signed_out:
            self.loaded = False
            return
        self.customer_id = found
        self.loaded = True
        if not done.ok:
            # Not in the portfolio, or no such customer: the same answer, nothing else.
            if isinstance(done.exception, SQLAlchemyError):
                logger.error("the customer card could not be read", exc_info=done.exception)
            self.found, self.card = False, CardView()
            self.error = done.error
            return
        card, profiles = done.value
        self.card = format_card(card, done.fmt)
        self.profile_options = sorted(set(profiles) | ({card.identity.profile} - {""}))
        self.can_work, self.can_note = card.can_work, card.can_note
        self.found = True
        self.error = ""

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: read the card of the customer in the URL."""
        self.message_open = self.contact_open = self.stop_open = False
        self.contact_error = self.stop_error = self.flag_error = ""
        self.comment_error = self.profile_error = ""
        self.timeline_filter, self.timeline_count = "all", TIMELINE_PAGE
        await self._reload()

    async def _change(self, action: Callable[..., object], *args: Any, **kwargs: Any) -> str:  # noqa: ANN401
        """Run a change with the viewer; return the error to show ("" when it worked)."""
        done = await run_service(
            self, action, *args, catch=(followup.InvalidInput,), describe=change_error, **kwargs
        )
        if done.signed_out:
            return i18n.text("card.error.denied", done.lang)
        if not done.ok:
            if isinstance(done.exception, SQLAlchemyError):
                logger.error("a change on the customer card failed", exc_info=done.exception)
            return done.error
        await self._reload()
        return ""

    @rx.event
    async def add_comment(self, form: dict[str, str]) -> None:
        """Comment on the customer."""
        self.comment_error = await self._change(
            followup.add_comment, self.customer_id, form.get("body", "")
        )

    @rx.event
    async def raise_flag(self, form: dict[str, str]) -> None:
        """Flag the customer."""
        self.flag_error = await self._change(
            followup.raise_flag,
            self.customer_id,
            form.get("kind") or "watch",
            form.get("label", ""),
        )

    @rx.event
    async def clear_flag(self, flag_id: int) -> None:
        """Clear a flag."""
        self.flag_error = await self._change(followup.clear_flag, int(flag_id))

    @rx.event
    async def stop(self, form: dict[str, str]) -> None:
        """Stop dunning the customer, with a reason and an optional end date."""
        until = (form.get("until") or "").strip()
        try:
            end = date.fromisoformat(until) if until else None
        except ValueError:
            fmt = await current_formats(self)
            self.stop_error = i18n.text("card.error.invalid", fmt.lang).format(detail=until)
            return
        self.stop_error = await self._change(
            followup.stop_customer, self.customer_id, form.get("reason", ""), end
        )
        self.stop_open = self.stop_error != ""

    @rx.event
    async def resume(self) -> None:
        """Resume dunning the customer."""
        self.stop_error = await self._change(followup.resume_customer, self.customer_id)

    @rx.event
    def set_stop_open(self, value: bool) -> None:
        """Open or close the stop dialog."""
        self.stop_open = value
        self.stop_error = ""

    @rx.event
    async def save_profile(self, form: dict[str, str]) -> None:
        """Set the profile by hand ("" gives it back to the rules)."""
        self.profile_error = await self._change(
            set_profile, self.customer_id, form.get("profile", "")
        )

    @rx.event
    async def choose_scenario(self, value: str) -> None:
        """Choose the scenario by hand, or back to the profile's ("auto")."""
        scenario_id = int(value) if value.isdigit() else None
        self.profile_error = await self._change(set_scenario, self.customer_id, scenario_id)

    @rx.event
    def set_contact_open(self, value: bool) -> None:
        """Open or close the new contact dialog."""
        self.contact_open = value
        self.contact_error = ""

    @rx.event
    async def add_contact(self, form: dict[str, str]) -> None:
        """Add a contact typed in by hand."""
        service = form.get("service", "")
        role = form.get("role", "")
        self.contact_error = await self._change(
            add_contact,
            self.customer_id,
            last_name=form.get("last_name", ""),
            first_name=form.get("first_name", ""),
            function=form.get("function", ""),
            service_id=int(service) if service.isdigit() else None,
            email=form.get("email", ""),
            phone=form.get("phone", ""),
            role=role if role in CONTACT_ROLES else "",
        )
        self.contact_open = self.contact_error != ""

    @rx.event
    async def open_message(self, message_id: int) -> None:
        """Show a message as it was sent."""
        done = await run_service(self, message_detail, int(message_id))
        if not done.ok:
            return
        self.message = opened_message(done.value, done.fmt)
        self.message_open = True

    @rx.event
    def set_message_open(self, value: bool) -> None:
        """Close the message."""
        self.message_open = value

    @rx.event
    async def download_pdf(self, message_id: int):  # noqa: ANN201  (yields a download)
        """Download the PDF of a message."""
        done = await run_service(
            self,
            message_pdf,
            int(message_id),
            catch=(FileNotFoundError,),
            describe=lambda _exc, lang: i18n.text("card.error.no_pdf", lang),
        )
        yield done.download("application/pdf")
