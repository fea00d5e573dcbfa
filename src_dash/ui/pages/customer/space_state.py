"""The state of the card's "Espace client" section: the space of the URL's customer (the link,
the activity), and what a collector does from there (revoke, send the link, answer a message,
download a file), each through `services.customer_space.staff*`, which check the role and the
portfolio again."""

from __future__ import annotations

import logging

import reflex as rx

from src_dash.services.customer_space.staff import attachment_file, space_activity
from src_dash.services.customer_space.staff_mail import (
    NoRecipient,
    answer_message,
    revoke_links,
    send_link,
    send_now,
)
from src_dash.services.inputs import InvalidInput
from src_dash.ui import i18n
from src_dash.ui.kit.service import run_service
from src_dash.ui.pages.customer.rows import customer_id_of
from src_dash.ui.pages.customer.space_rows import SpaceSection, format_space
from src_dash.ui.pages.customer.state import CardState

logger = logging.getLogger(__name__)


def _error(exc: Exception, lang: str) -> str:
    if isinstance(exc, NoRecipient):
        return i18n.text("cspace.no_email", lang)
    if isinstance(exc, InvalidInput):
        return i18n.text("card.error.invalid", lang).format(detail=str(exc))
    if isinstance(exc, FileNotFoundError):
        return i18n.text("card.error.no_pdf", lang)
    return i18n.text("card.error.denied", lang)


class CardSpaceState(rx.State):
    """The customer's space as the card shows it; empty when the viewer may not see it."""

    customer_id: int = 0
    loaded: bool = False
    section: SpaceSection = SpaceSection()
    revoke_open: bool = False
    answer_open: bool = False
    answer_to: int = 0
    answer_quote: str = ""
    answer_error: str = ""

    async def _reload(self) -> None:
        found = customer_id_of(self.router.url.path)
        if found is None:
            return
        self.customer_id = found
        done = await run_service(self, space_activity, found)
        if not done.ok:
            self.section, self.loaded = SpaceSection(), not done.signed_out
            return
        self.section = format_space(done.value, done.fmt)
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        """On showing the card (and after a change): read the space of the URL's customer."""
        self.revoke_open = self.answer_open = False
        await self._reload()

    @rx.event
    def set_revoke_open(self, value: bool) -> None:
        """Open or close the revoke confirmation."""
        self.revoke_open = value

    @rx.event
    async def revoke(self):  # noqa: ANN201  (yields the toast and the card's reload)
        """Revoke every live link of the customer."""
        done = await run_service(self, revoke_links, self.customer_id, describe=_error)
        self.revoke_open = False
        await self._reload()
        yield done.toast("cspace.revoked_ok", count=done.value if done.ok else 0)

    @rx.event
    async def send(self):  # noqa: ANN201  (yields the toast, then sends)
        """Issue a new link and email it to the customer's dunning contacts."""
        done = await run_service(
            self, send_link, self.customer_id, catch=(NoRecipient,), describe=_error
        )
        to = ", ".join(done.value.to) if done.ok else ""
        await self._reload()
        yield done.toast("cspace.sent_ok", to=to)
        if done.ok:
            yield CardState.load
            await run_service(self, send_now, log="the space link could not be sent now")

    @rx.event
    def open_answer(self, ref_id: int, quote: str) -> None:
        """Open the answer dialog for a customer's message."""
        self.answer_to, self.answer_quote = int(ref_id), quote
        self.answer_error = ""
        self.answer_open = True

    @rx.event
    def set_answer_open(self, value: bool) -> None:
        """Close the answer dialog."""
        self.answer_open = value
        self.answer_error = ""

    @rx.event
    async def answer(self, form: dict[str, str]):  # noqa: ANN201  (yields the toast, then sends)
        """Answer the customer's message: shown in their space, and emailed."""
        done = await run_service(
            self,
            answer_message,
            self.answer_to,
            form.get("body", ""),
            catch=(InvalidInput,),
            describe=_error,
        )
        if not done.ok:
            self.answer_error = done.error
            return
        self.answer_open = False
        await self._reload()
        sent = done.value
        if sent.emailed:
            yield rx.toast.success(
                i18n.text("cspace.answer.sent", done.lang).format(to=", ".join(sent.to))
            )
        else:
            yield rx.toast.info(i18n.text("cspace.answer.kept", done.lang))
        yield CardState.load
        if sent.emailed:
            await run_service(self, send_now, log="the answer could not be sent now")
            await self._reload()

    @rx.event
    async def download(self, attachment_id: int):  # noqa: ANN201  (yields a download)
        """Download a file the customer sent."""
        done = await run_service(
            self, attachment_file, int(attachment_id), catch=(FileNotFoundError,), describe=_error
        )
        yield done.download()
