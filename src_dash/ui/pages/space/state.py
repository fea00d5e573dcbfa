"""The state of the customer's space: no staff login; every event resolves the link's token again
(throttled and audited) and acts only on the customer it opens.

Nothing the browser sends names a customer: the token comes from the address, the items from
the boxes ticked among the customer's own (the services refuse any other).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied
from src_dash.services.customer_space import actions, requests
from src_dash.services.customer_space.brand import company_brand, data_url, space_logo
from src_dash.services.customer_space.links import SPACE_PATH, SpaceAccess, resolve
from src_dash.services.customer_space.view import SpaceView, space_view, statement_pdf
from src_dash.services.inputs import InvalidInput
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.pages.space.errors import error_text

logger = logging.getLogger(__name__)

# Reads the chosen file in the browser (the upload endpoint is for staff only): name and base64.
READ_FILE_JS = """(async () => {
  const el = document.getElementById('space-file');
  const file = el && el.files && el.files[0];
  if (!file) return null;
  if (file.size > 5 * 1024 * 1024) return {name: file.name, data: '', too_big: true};
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return {name: file.name, data: btoa(text)};
})()"""


def token_of(path: str) -> str:
    """The token in a space's address ("" when the address is not a space's)."""
    prefix = f"/{SPACE_PATH}/"
    return path[len(prefix) :].strip("/") if path.startswith(prefix) else ""


def item_ids(form: dict[str, Any]) -> list[str]:
    """The items ticked in a form (boxes named "item-<id>")."""
    return [key[5:] for key, value in form.items() if key.startswith("item-") and value]


def _rows(view: SpaceView, fmt: i18n.Formats) -> list[dict[str, str]]:
    return [
        {
            "id": str(i.entry_id),
            "piece": i.reference or i.piece,
            "date": fmt.day(i.posting_date),
            "due": fmt.day(i.due_date) if i.due_date else "",
            "amount": fmt.money(i.amount, view.currency),
            "received": fmt.money(i.received, view.currency),
            "remaining": fmt.money(i.remaining, view.currency),
            "state": "promised" if i.promised else ("disputed" if i.disputed else ""),
            "open": "1" if i.remaining > 0 and not i.disputed else "",
        }
        for i in view.items
    ]


def _opened(access: SpaceAccess) -> tuple[str, str, SpaceView]:
    """A visit, in one trip to a worker thread: logged, then the accent colour and the logo (a
    data: address) of the company the link opens, and what the customer sees."""
    engine = get_engine()
    actions.log_event(engine, access, "visit")
    brand = company_brand(engine, access.company_id)
    return brand.accent, data_url(space_logo(engine, access)), space_view(engine, access)


class SpaceState(rx.State):
    """The customer's space, formatted in the customer's language."""

    lang: str = "fr"
    loaded: bool = False
    valid: bool = False
    company: str = ""
    customer: str = ""
    outstanding: str = ""
    overdue: str = ""
    rows: list[dict[str, str]] = []
    iban: str = ""
    bic: str = ""
    bank: str = ""
    reference: str = ""
    messages: list[dict[str, str]] = []
    reasons: list[list[str]] = []
    notice: str = ""
    error: str = ""
    accent: str = ""  # the company's colour, "#rrggbb" or "" for the app's
    logo: str = ""  # the company's logo as a data: address (no URL serves it), "" for none
    _pending: dict[str, Any] = {}

    async def _access(self) -> SpaceAccess | None:
        token = token_of(self.router.url.path)
        address = self.router.session.client_ip or ""
        found = await asyncio.to_thread(resolve, get_engine(), token, address)
        return found.access

    def _show(self, view: SpaceView) -> None:
        fmt = i18n.Formats(view.language)
        self.lang, self.company, self.customer = (
            view.language,
            view.company_name,
            view.customer_name,
        )
        self.outstanding = fmt.money(view.outstanding, view.currency)
        self.overdue = fmt.money(view.overdue, view.currency)
        self.rows = _rows(view, fmt)
        pay = view.payment
        self.iban, self.bic, self.bank, self.reference = (
            pay.iban,
            pay.bic,
            pay.bank_name,
            pay.reference,
        )
        self.messages = [
            {
                "when": fmt.moment(m.sent_at) if m.sent_at else "",
                "subject": m.subject,
                "body": m.body_text,
            }
            for m in view.messages
        ]
        self.reasons = [[str(rid), label] for rid, label in view.reasons]

    async def _reload(self, access: SpaceAccess) -> None:
        view = await asyncio.to_thread(space_view, get_engine(), access)
        self._show(view)

    @rx.event
    async def load(self) -> None:
        """Open the space of the link in the address, or say the link is not valid."""
        self.notice = self.error = ""
        access = await self._access()
        self.loaded, self.valid = True, access is not None
        if access is None:
            self.rows, self.messages, self.reasons = [], [], []
            return
        self.lang = access.language if access.language in i18n.LANGS else "fr"
        self.accent, self.logo, view = await asyncio.to_thread(_opened, access)
        self._show(view)

    async def _act(self, done_key: str, action: Callable[..., object], *args: Any) -> None:  # noqa: ANN401
        """Run a customer's action on the customer the token opens, then show the space again."""
        self.notice = self.error = ""
        access = await self._access()
        if access is None:
            self.valid = False
            return
        try:
            await asyncio.to_thread(action, get_engine(), access, *args)
        except InvalidInput as exc:
            self.error = error_text(exc, self.lang)
            return
        except (AccessDenied, SQLAlchemyError) as exc:
            logger.warning("a customer's action in their space failed: %s", exc)
            self.error = error_text(exc, self.lang)
            return
        self.notice = i18n.text(done_key, self.lang)
        await self._reload(access)

    @rx.event
    async def promise(self, form: dict[str, Any]) -> None:
        """Promise to pay."""
        await self._act(
            "space.promise.done",
            actions.promise,
            form.get("amount", ""),
            form.get("date", ""),
            item_ids(form),
            form.get("note", ""),
        )

    @rx.event
    async def already_paid(self, form: dict[str, Any]) -> None:
        """Say the items are already paid."""
        await self._act(
            "space.paid.done",
            actions.already_paid,
            form.get("date", ""),
            form.get("amount", ""),
            form.get("reference", ""),
            item_ids(form),
        )

    @rx.event
    async def write(self, form: dict[str, Any]) -> None:
        """Write to the collector."""
        await self._act("space.write.done", actions.write_message, form.get("body", ""))

    @rx.event
    async def ask_copy(self, form: dict[str, Any]) -> None:
        """Ask for a copy of an invoice or of the statement."""
        await self._act(
            "space.copy.done", requests.ask_copy, form.get("document", ""), form.get("note", "")
        )

    @rx.event
    async def call_back(self, form: dict[str, Any]) -> None:
        """Ask to be called back."""
        await self._act(
            "space.callback.done",
            requests.ask_call_back,
            form.get("phone", ""),
            form.get("moment", ""),
            form.get("note", ""),
        )

    @rx.event
    async def contact(self, form: dict[str, Any]) -> None:
        """Propose a new billing contact."""
        await self._act(
            "space.contact.done",
            requests.ask_contact_change,
            form.get("name", ""),
            form.get("email", ""),
            form.get("phone", ""),
        )

    @rx.event
    def report(self, form: dict[str, Any]):  # noqa: ANN201
        """Report a problem: first read the chosen file in the browser, then `report_with_file`."""
        self._pending = dict(form)
        return rx.call_script(READ_FILE_JS, callback=SpaceState.report_with_file)

    @rx.event
    async def report_with_file(self, file: dict[str, Any] | None) -> None:
        """Report the problem with the file read in the browser (or none)."""
        form, self._pending = self._pending, {}
        attachment = None
        if file:
            try:
                data = base64.b64decode(str(file.get("data", "")), validate=True)
            except (binascii.Error, ValueError):
                self.error = i18n.text("space.error.file", self.lang)
                return
            if file.get("too_big"):
                data = b"\0" * (5 * 1024 * 1024 + 1)  # refused by the service's own check
            attachment = (str(file.get("name", "")), data)
        await self._act(
            "space.problem.done",
            actions.report_problem,
            form.get("reason", ""),
            item_ids(form),
            form.get("message", ""),
            attachment,
        )

    @rx.event
    async def statement(self):  # noqa: ANN201
        """Download the statement of account."""
        access = await self._access()
        if access is None:
            self.valid = False
            return
        name, data = await asyncio.to_thread(statement_pdf, get_engine(), access)
        await asyncio.to_thread(actions.log_event, get_engine(), access, "statement")
        yield rx.download(data=data, filename=name, mime_type="application/pdf")
