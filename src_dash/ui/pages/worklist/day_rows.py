"""The day's sections formatted in the viewer's language and formats: what was done today and
what customers did in their space (côté client), as rows; the actions' rows are `rows`'. Plain
functions over `services.worklist.day_sections`: no state, no component."""

from __future__ import annotations

import dataclasses

from babel.dates import format_time

from src_dash.services.worklist import ClientLine, DaySections, DoneLine
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.rows import CustomerLine, catalog
from src_dash.ui.pages.worklist.rows import WorkRow, format_items
from src_dash.ui.routes import customer_href

# The icon of each thing done, and of each thing a customer did.
DONE_ICONS = {
    "call.log": "phone",
    "promise.record": "handshake",
    "promise.cancel": "handshake",
    "dispute.open": "scale",
    "dispute.close": "scale",
    "comment.add": "message-square",
    "flag.raise": "flag",
    "action.done": "circle-check",
    "action.skip": "skip-forward",
    "space.handled": "user-check",
    "message.sent": "mail",
}
CLIENT_ICONS = {
    "promise": "handshake",
    "dispute": "triangle-alert",
    "paid": "banknote",
    "message": "message-square",
    "copy": "copy",
    "callback": "phone-incoming",
    "contact": "contact",
}
CLIENT_COLORS = {"promise": "green", "dispute": "orange", "paid": "blue", "message": "violet"}


@dataclasses.dataclass
class DoneRow(CustomerLine):
    """One thing done today: when, its icon and words, and what came of it."""

    key: str = ""
    time: str = ""
    icon: str = "check"
    label: str = ""
    detail: str = ""


@dataclasses.dataclass
class ClientRow(CustomerLine):
    """Something a customer did in their space, to handle."""

    event_id: int = 0
    kind: str = ""
    icon: str = "user"
    color: str = "gray"
    label: str = ""
    subtitle: str = ""
    detail: str = ""
    when: str = ""


@dataclasses.dataclass
class DayRows:
    """The day's five sections as rows, and their counts in the viewer's format."""

    today: list[WorkRow]
    late: list[WorkRow]
    upcoming: list[WorkRow]
    done: list[DoneRow]
    client: list[ClientRow]
    counts: dict[str, str]


def _done_detail(line: DoneLine, fmt: Formats, w: dict[str, str]) -> str:
    if line.what == "message.sent":
        channel = w.get(f"camp.channel.{line.outcome}", "")
        amount = fmt.money(line.amount, "EUR") if line.amount is not None else ""
        return " · ".join(p for p in (channel, amount) if p)
    if line.what == "promise.record" and line.amount is not None and line.on is not None:
        return w["work.client.promise"].format(
            amount=fmt.money(line.amount, "EUR"), day=fmt.day(line.on)
        )
    if line.what == "space.handled":
        return w.get(f"work.client.kind.{line.outcome}", w["work.client.kind.other"])
    outcome = w.get(f"work.outcome.{line.outcome}", "") if line.outcome else ""
    if line.what == "call.log" and line.on is not None and line.outcome == "call_back":
        outcome = f"{outcome} · {fmt.day(line.on)}"
    return outcome


def _done_row(line: DoneLine, fmt: Formats) -> DoneRow:
    w = catalog(fmt.lang)
    return DoneRow(
        customer_id=line.customer_id,
        href=customer_href(line.customer_id),
        customer=line.customer_name,
        key=line.what,
        time=_time(line, fmt),
        icon=DONE_ICONS.get(line.what, "check"),
        label=w.get(f"work.done.{line.what}", line.what),
        detail=_done_detail(line, fmt, w),
    )


def _time(line: DoneLine, fmt: Formats) -> str:
    """The hour in the viewer's zone and language ("09:15", "9:15 AM")."""
    return format_time(fmt.local(line.at), "short", locale=fmt.locale)


def _client_row(line: ClientLine, fmt: Formats) -> ClientRow:
    w = catalog(fmt.lang)
    detail = line.text
    if line.amount is not None and line.on is not None:
        promise = w["work.client.promise"].format(
            amount=fmt.money(line.amount, "EUR"), day=fmt.day(line.on)
        )
        detail = " · ".join(p for p in (promise, line.text) if p)
    return ClientRow(
        customer_id=line.customer_id,
        href=customer_href(line.customer_id),
        customer=line.customer_name,
        event_id=line.event_id,
        kind=line.kind,
        icon=CLIENT_ICONS.get(line.kind, "user"),
        color=CLIENT_COLORS.get(line.kind, "gray"),
        label=w.get(f"work.client.kind.{line.kind}", w["work.client.kind.other"]),
        subtitle=" · ".join(p for p in (line.customer_number, line.company_code) if p),
        detail=detail,
        when=w["work.client.at"].format(when=fmt.moment(line.at)),
    )


def format_day(day: DaySections, fmt: Formats) -> DayRows:
    """The day's sections in the viewer's language and formats."""
    return DayRows(
        today=format_items(day.today, fmt),
        late=format_items(day.late, fmt),
        upcoming=format_items(day.upcoming, fmt, headings=False),
        done=[_done_row(line, fmt) for line in day.done],
        client=[_client_row(line, fmt) for line in day.client],
        counts={
            "today": fmt.count(len(day.today)),
            "late": fmt.count(len(day.late)),
            "upcoming": fmt.count(len(day.upcoming)),
            "done": fmt.count(len(day.done)),
            "client": fmt.count(len(day.client)),
        },
    )
