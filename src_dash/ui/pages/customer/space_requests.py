"""The customer's requests from their space waiting for a collector, on the card: a new billing
contact proposed by the customer, accepted (the contact added, or the known one made the main
recipient) or refused in one click. Copies and call backs are actions in the worklist; they are
on the timeline, not here.

`space_requests_card(after=...)` is placed on the customer card; `after` (the card's reload) runs
after a decision, so the contacts show what changed.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from src_dash.services.customer_space.requests import (
    RequestView,
    accept_contact,
    customer_requests,
    refuse_contact,
)
from src_dash.services.inputs import InvalidInput
from src_dash.ui import i18n
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.controls import column, row, shown_list
from src_dash.ui.kit.service import plain_error, run_service
from src_dash.ui.kit.widgets import words


@dataclasses.dataclass
class RequestLine:
    """A pending request, formatted."""

    id: int = 0
    heading: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""


def format_requests(requests: list[RequestView], fmt: Formats) -> list[RequestLine]:
    """The pending requests in the viewer's language and formats (the customer's words as typed,
    shown as text)."""
    w = i18n.CATALOG[i18n.normalise_lang(fmt.lang)]
    return [
        RequestLine(
            id=r.id,
            heading=w["space.req.heading"].format(when=fmt.moment(r.created_at)),
            name=r.contact_name,
            email=r.contact_email,
            phone=r.contact_phone,
        )
        for r in requests
        if r.kind == "contact"
    ]


def _customer_id(path: str) -> int | None:
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else None


def request_error(exc: Exception, lang: str) -> str:
    """A refused decision: already decided, or not allowed."""
    if isinstance(exc, InvalidInput):
        return i18n.text("space.req.decided", lang)
    return plain_error(exc, lang)


class SpaceRequestsState(rx.State):
    """The pending requests of the customer in the URL."""

    lines: list[RequestLine] = []
    can_work: bool = False

    async def _read(self) -> None:
        found = _customer_id(self.router.url.path)
        done = None if found is None else await run_service(self, customer_requests, found)
        if done is None or not done.ok:
            self.lines = []
            return
        self.can_work = done.viewer.can_work
        self.lines = format_requests(done.value, done.fmt)

    @rx.event
    async def load(self) -> None:
        """Read the pending requests of the customer in the URL."""
        await self._read()

    async def _decide(self, action, request_id: int, ok_key: str):  # noqa: ANN001, ANN202
        done = await run_service(
            self, action, int(request_id), catch=(InvalidInput,), describe=request_error
        )
        await self._read()
        return done.toast(ok_key)

    @rx.event
    async def accept(self, request_id: int):  # noqa: ANN201
        """Accept the proposed billing contact."""
        return await self._decide(accept_contact, request_id, "space.req.accepted")

    @rx.event
    async def refuse(self, request_id: int):  # noqa: ANN201
        """Refuse the proposed billing contact."""
        return await self._decide(refuse_contact, request_id, "space.req.refused")


def _then(event: rx.EventSpec, after: rx.EventSpec | None) -> list[rx.EventSpec]:
    return [event] if after is None else [event, after]


def _line(r: rx.Var, after: rx.EventSpec | None) -> rx.Component:
    buttons = row(
        rx.button(
            words("space.req.accept"),
            size="2",
            on_click=_then(SpaceRequestsState.accept(r.id), after),
            data_testid="space-request-accept",
        ),
        rx.button(
            words("space.req.refuse"),
            size="2",
            variant="soft",
            color_scheme="gray",
            on_click=_then(SpaceRequestsState.refuse(r.id), after),
            data_testid="space-request-refuse",
        ),
        spacing="2",
    )
    return rx.card(
        column(
            rx.text(r.heading, size="2", color_scheme="gray"),
            rx.text(r.name, weight="bold", size="2"),
            rx.text(r.email, size="2"),
            rx.cond(r.phone != "", rx.text(r.phone, size="2")),
            rx.cond(SpaceRequestsState.can_work, buttons),
            spacing="1",
        ),
        width="100%",
        data_testid="space-request",
    )


def space_requests_card(after: rx.EventSpec | None = None) -> rx.Component:
    """The billing contacts a customer proposed from their space (nothing when none waits)."""
    return shown_list(
        SpaceRequestsState.lines,
        lambda r: _line(r, after),
        "space.req.title",
        "customer-space-requests",
        SpaceRequestsState.load,
    )
