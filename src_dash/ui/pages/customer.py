"""Page "/clients/[customer_id]": the customer card (fiche client).

Identity, contacts by service with their To/Cc role (add one by hand), balances and aging, the
score and its parts, open items, the timeline, comments, promises, disputes, messages sent (the
email and the PDF), flags, the dunning stop, the profile and the scenario. The loader asks
`services.customer_card` with the signed-in viewer: a customer outside their portfolio gives
nothing but "not found". Changes go through `services.customer_edit` and `services.followup`,
which check the role and the portfolio again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import date

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.analytics.timeline import TimelineEvent
from src_dash.dunning.letter_post import letter_state
from src_dash.services import followup
from src_dash.services.access import AccessDenied
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
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.choice import Choice
from src_dash.ui.components.data_table import TableColumn, data_table
from src_dash.ui.components.layout import page_frame, page_title
from src_dash.ui.components.replies import replies_card
from src_dash.ui.i18n import Formats, t
from src_dash.ui.pages.customers import GRADE_COLORS
from src_dash.ui.pages.customers import ROUTE as LIST_ROUTE
from src_dash.ui.state import UiState

ROUTE = f"{LIST_ROUTE}/[customer_id]"
AUTO = "auto"
ROLE_COLORS = {"to": "green", "cc": "blue", "never": "gray", "": "gray"}
STATUS_COLORS = {
    "pending": "amber",
    "kept": "green",
    "broken": "red",
    "cancelled": "gray",
    "open": "orange",
    "closed": "gray",
    "sent": "green",
    "queued": "amber",
    "sending": "amber",
    "failed": "red",
    "bounced": "red",
}
# Timeline kinds grouped by the icon they show.
EVENT_GROUPS = {
    "invoice": "entry",
    "credit_note": "entry",
    "other_debit": "entry",
    "fee": "entry",
    "payment": "payment",
    "bounced_payment": "bad",
    "message": "message",
    "message_failed": "bad",
    "reply": "message",
    "auto_reply": "message",
    "promise": "promise",
    "promise_kept": "good",
    "promise_broken": "bad",
    "promise_cancelled": "promise",
    "dispute_opened": "dispute",
    "dispute_closed": "dispute",
    "comment": "comment",
    "flag": "flag",
    "flag_cleared": "flag",
    "call": "call",
    "customer_stopped": "stop",
    "customer_resumed": "stop",
    "item_stopped": "stop",
    "item_resumed": "stop",
}
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Field:
    """A labelled value of the identity."""

    label: str = ""
    value: str = ""
    key: str = ""


@dataclasses.dataclass
class Bar:
    """A bar of a small chart: the aging buckets, the score's parts."""

    label: str = ""
    value: str = ""
    detail: str = ""
    width: str = "0%"
    color: str = "indigo"


@dataclasses.dataclass
class ContactItem:
    """A contact, and the heading of its service when it is the first of it."""

    contact_id: int = 0
    first_of_service: bool = False
    service: str = ""
    service_role: str = ""
    service_role_color: str = "gray"
    name: str = ""
    function: str = ""
    email: str = ""
    phone: str = ""
    role: str = ""
    role_color: str = "gray"
    typed_in_app: bool = False


@dataclasses.dataclass
class EventItem:
    """One event of the timeline."""

    when: str = ""
    group: str = "other"
    label: str = ""
    title: str = ""
    amount: str = ""
    by: str = ""
    detail: str = ""


@dataclasses.dataclass
class NoteItem:
    """A comment, a promise, a dispute or a flag, formatted."""

    id: int = 0
    when: str = ""
    title: str = ""
    body: str = ""
    status: str = ""
    status_color: str = "gray"
    amount: str = ""
    by: str = ""


@dataclasses.dataclass
class MessageItem:
    """A message sent to the customer."""

    id: int = 0
    when: str = ""
    subject: str = ""
    channel: str = ""
    status: str = ""
    status_color: str = "gray"
    recipients: str = ""
    has_pdf: bool = False


def customer_id_of(path: str) -> int | None:
    """The customer id in a card's path ("/clients/12" -> 12), None when there is none."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else None


def _words(lang: str) -> dict[str, str]:
    return i18n.CATALOG[i18n.normalise_lang(lang)]


def _days(n: int, fmt: Formats) -> str:
    return i18n.text("unit.days", fmt.lang).format(value=fmt.count(n))


def _bucket_name(label: str, lang: str) -> str:
    if label == "not_due":
        return i18n.text("bucket.not_due", lang)
    if label.startswith("over_"):
        return i18n.text("bucket.over", lang).format(days=label[5:])
    low, high = label.split("-")
    return i18n.text("bucket.range", lang).format(low=low, high=high)


@dataclasses.dataclass
class CardView:
    """Everything the page shows of one card, formatted in the viewer's formats."""

    title: str
    subtitle: str
    kpis: dict[str, str]
    identity: list[Field]
    free_fields: list[Field]
    aging: list[Bar]
    score: str
    grade: str
    grade_color: str
    score_parts: list[Bar]
    contacts: list[ContactItem]
    services: list[Choice]
    items_header: list[TableColumn]
    items: list[dict[str, str]]
    timeline: list[EventItem]
    timeline_note: str
    comments: list[NoteItem]
    promises: list[NoteItem]
    disputes: list[NoteItem]
    flags: list[NoteItem]
    messages: list[MessageItem]
    profile: str
    profile_by_hand: bool
    scenario: str
    scenario_value: str
    scenarios: list[Choice]
    stopped: bool
    app_stopped: bool
    stop_text: str
    sage_stop: bool


def _identity(card: CustomerCard, fmt: Formats) -> tuple[list[Field], list[Field]]:
    w = _words(fmt.lang)
    i = card.identity
    rows = [
        ("address", "\n".join(i.address)),
        ("phone", i.phone),
        ("email", i.email),
        ("siret", i.siret),
        ("vat", i.vat_number),
        ("sales_rep", i.sales_rep),
        ("collector", i.collector),
        ("credit_limit", fmt.money(i.credit_limit, i.currency) if i.credit_limit else ""),
        ("risk", str(i.risk_code) if i.risk_code else ""),
        ("language", i.language.upper()),
        ("created_on", fmt.day(i.created_on) if i.created_on else ""),
    ]
    fields = [Field(w[f"card.field.{k}"], v, k) for k, v in rows if v]
    if i.dormant:
        fields.append(Field(w["card.field.status"], w["card.dormant"], "status"))
    free = [Field(name, value, f"free:{name}") for name, value in i.free_fields]
    return fields, free


def _score(card: CustomerCard, fmt: Formats) -> tuple[str, str, list[Bar]]:
    if card.score is None:
        return "—", "", []
    w = _words(fmt.lang)
    bars = []
    for p in card.score.parts:
        label = w.get(f"card.part.{p.name}", p.label)
        if p.points is None:
            bars.append(Bar(label, "—", w["card.part.no_data"], "0%", "gray"))
            continue
        share = fmt.percent(p.weight * 100, 0)
        bars.append(
            Bar(
                label,
                fmt.number(p.points, 0),
                w["card.part.weight"].format(weight=share),
                f"{min(100, max(0, float(p.points))):.0f}%",
                "red" if p.points >= 60 else "orange" if p.points >= 30 else "green",
            )
        )
    return fmt.count(card.score.score), card.score.grade, bars


def _contacts(card: CustomerCard, fmt: Formats) -> tuple[list[ContactItem], list[Choice]]:
    w = _words(fmt.lang)

    def role_word(role: str) -> str:
        return w.get(f"card.role.{role or 'none'}", role)

    items = []
    for group in card.contacts:
        for n, c in enumerate(group.contacts):
            items.append(
                ContactItem(
                    contact_id=c.contact_id,
                    first_of_service=n == 0,
                    service=group.service or w["card.no_service"],
                    service_role=role_word(group.service_role),
                    service_role_color=ROLE_COLORS.get(group.service_role, "gray"),
                    name=c.name or c.email,
                    function=c.function,
                    email=c.email,
                    phone=" · ".join(p for p in (c.phone, c.mobile) if p),
                    role=role_word(c.role),
                    role_color=ROLE_COLORS.get(c.role, "gray"),
                    typed_in_app=c.origin == "app",
                )
            )
    services = [Choice(str(s.service_id), f"{s.name} ({role_word(s.role)})") for s in card.services]
    return items, services


def _items(card: CustomerCard, fmt: Formats) -> tuple[list[TableColumn], list[dict[str, str]]]:
    w = _words(fmt.lang)
    cur = card.identity.currency
    header = [
        TableColumn("piece", w["card.item.piece"], "text", False, False),
        TableColumn("label", w["card.item.label"], "text", False, False),
        TableColumn("posting_date", w["card.item.posted"], "number", False, True),
        TableColumn("due_date", w["card.item.due"], "number", False, True),
        TableColumn("amount", w["card.item.amount"], "number", False, True),
        TableColumn("residual", w["card.item.residual"], "number", False, True),
        TableColumn("days", w["card.item.days"], "number", False, True),
        TableColumn("level", w["card.item.level"], "number", False, True),
        TableColumn("status", w["card.item.status"], "badge", False, True),
    ]
    rows = []
    for item in card.open_items:
        status, color = "", "gray"
        if item.disputed:
            status, color = w["card.item.disputed"], "orange"
        elif item.promised:
            status, color = w["card.item.promised"], "amber"
        elif item.stop_reason:
            status, color = w["card.item.stopped"], "gray"
        elif item.doubtful:
            status, color = w["card.item.doubtful"], "purple"
        row = {
            "_id": str(item.entry_id),
            "_href": "",
            "_title": item.piece or item.reference or str(item.entry_id),
            "_subtitle": item.label,
            "piece": item.piece or item.reference,
            "label": item.label,
            "posting_date": fmt.day(item.posting_date),
            "due_date": fmt.day(item.due_date) if item.due_date else "",
            "amount": fmt.money(item.amount, cur),
            "residual": fmt.money(item.residual, cur),
            "days": _days(item.days_overdue, fmt) if item.days_overdue else "",
            "level": f"R{item.level}" if item.level else "",
            "status": status,
            "_color.status": color,
        }
        if item.days_overdue > 0 and item.residual > 0:
            row["_tone.days"] = "red"
            row["_tone.residual"] = "red"
        rows.append(row)
    return header, rows


def _event(e: TimelineEvent, fmt: Formats, currency: str) -> EventItem:
    w = _words(fmt.lang)
    return EventItem(
        when=fmt.moment(e.at) if e.at is not None else fmt.day(e.on),
        group=EVENT_GROUPS.get(e.kind, "other"),
        label=w.get(f"card.event.{e.kind}", e.kind),
        title=e.title,
        amount="" if e.amount is None else fmt.money(e.amount, currency),
        by=getattr(e, "by", "") or "",
        detail=getattr(e, "detail", "") or "",
    )


LETTER_COLORS = {"to_print": "amber", "printed": "blue", "posted": "green"}


def _status(status: str, w: dict[str, str]) -> tuple[str, str]:
    return w.get(f"card.status.{status}", status), STATUS_COLORS.get(status, "gray")


def _followups(card: CustomerCard, fmt: Formats) -> dict[str, list]:
    w = _words(fmt.lang)
    cur = card.identity.currency
    comments = [
        NoteItem(
            id=c.comment_id,
            when=fmt.moment(c.created_at),
            title=c.piece,
            body=c.body,
            by=c.author,
        )
        for c in card.comments
    ]
    promises = []
    for p in card.promises:
        status, color = _status(p.status, w)
        promises.append(
            NoteItem(
                id=p.promise_id,
                when=fmt.day(p.promised_on),
                title=", ".join(p.pieces),
                body=p.note,
                status=status,
                status_color=color,
                amount=fmt.money(p.amount, cur),
                by=p.author,
            )
        )
    disputes = []
    for d in card.disputes:
        status, color = _status(d.status, w)
        disputes.append(
            NoteItem(
                id=d.dispute_id,
                when=fmt.day(fmt.local(d.opened_at).date()),
                title=d.reason or ", ".join(d.pieces),
                body=" · ".join(x for x in (d.note, ", ".join(d.pieces)) if x),
                status=status,
                status_color=color,
                amount=fmt.money(d.amount, cur) if d.amount else "",
                by=d.author,
            )
        )
    flags = [
        NoteItem(
            id=f.flag_id,
            when=fmt.moment(f.created_at),
            title=w.get(f"card.flag.{f.kind}", f.kind),
            body=f.label,
            by=f.author,
            status_color="red",
        )
        for f in card.flags
    ]
    messages = []
    for m in card.messages:
        status, color = _status(m.status, w)
        state = letter_state(m.channel, m.status)
        if state in LETTER_COLORS:  # a letter: to print, printed, or posted on its day
            status, color = w[f"letters.{state}"], LETTER_COLORS[state]
            if state == "posted" and m.posted_on:
                status = w["letters.posted_on"].format(day=fmt.day(m.posted_on))
        messages.append(
            MessageItem(
                id=m.message_id,
                when=fmt.moment(m.sent_at or m.created_at),
                subject=m.subject or "—",
                channel=w.get(f"card.channel.{m.channel}", m.channel),
                status=status,
                status_color=color,
                recipients=", ".join(m.to),
                has_pdf=m.has_pdf,
            )
        )
    return {
        "comments": comments,
        "promises": promises,
        "disputes": disputes,
        "flags": flags,
        "messages": messages,
    }


def format_card(card: CustomerCard, fmt: Formats) -> CardView:
    """Format a card in the viewer's language and formats."""
    w = _words(fmt.lang)
    i, b = card.identity, card.balance
    cur = i.currency
    kpis = {
        "outstanding": fmt.money(b.outstanding, cur),
        "overdue": fmt.money(b.overdue, cur),
        "not_due": fmt.money(b.not_due, cur),
        "credits": fmt.money(b.credits, cur),
        "open_items": fmt.count(b.open_items),
        "oldest": _days(b.oldest_days, fmt) if b.oldest_days else "—",
        # Shown only when not zero (the grid hides an empty figure).
        "doubtful": fmt.money(b.doubtful, cur) if b.doubtful else "",
    }
    positive = sum((a for _, a in b.aging), start=0) or 1
    aging = [
        Bar(
            _bucket_name(label, fmt.lang),
            fmt.money(amount, cur),
            "",
            f"{float(amount) * 100 / float(positive):.1f}%",
            "green" if label == "not_due" else "red" if label.startswith("over") else "orange",
        )
        for label, amount in b.aging
    ]
    identity, free = _identity(card, fmt)
    score, grade, parts = _score(card, fmt)
    contacts, services = _contacts(card, fmt)
    header, items = _items(card, fmt)
    timeline = [_event(e, fmt, cur) for e in card.timeline]
    note = ""
    if card.timeline_total > len(card.timeline):
        note = w["card.timeline_more"].format(
            shown=fmt.count(len(card.timeline)), total=fmt.count(card.timeline_total)
        )
    follow = _followups(card, fmt)
    scenario = i.scenario
    if scenario is None:
        scenario_text = w["card.scenario.none"]
    elif scenario.by_hand:
        scenario_text = w["card.scenario.by_hand"].format(name=scenario.name)
    else:
        scenario_text = w["card.scenario.by_profile"].format(name=scenario.name)
    stop_text = ""
    if i.stop_reason and i.stopped:
        stop_text = i.stop_reason
        if i.stop_until:
            stop_text = w["card.stop.until"].format(reason=i.stop_reason, day=fmt.day(i.stop_until))
    elif i.do_not_dun:
        stop_text = w["card.stop.sage"]
    subtitle = " · ".join(p for p in (i.number, f"{i.company} {i.company_name}".strip()) if p)
    return CardView(
        title=i.name or i.number,
        subtitle=subtitle,
        kpis=kpis,
        identity=identity,
        free_fields=free,
        aging=aging,
        score=score,
        grade=grade,
        grade_color=GRADE_COLORS.get(grade, "gray"),
        score_parts=parts,
        contacts=contacts,
        services=services,
        items_header=header,
        items=items,
        timeline=timeline,
        timeline_note=note,
        comments=follow["comments"],
        promises=follow["promises"],
        disputes=follow["disputes"],
        flags=follow["flags"],
        messages=follow["messages"],
        profile=i.profile,
        profile_by_hand=i.profile_set_by_hand,
        scenario=scenario_text,
        scenario_value=str(scenario.scenario_id) if scenario and scenario.by_hand else AUTO,
        scenarios=[Choice(str(s.scenario_id), s.name) for s in card.scenarios],
        stopped=i.stopped,
        app_stopped=bool(i.stop_reason) and i.stopped,
        stop_text=stop_text,
        sage_stop=i.do_not_dun,
    )


class CardState(rx.State):
    """One customer's card, formatted; empty when the viewer may not see the customer."""

    customer_id: int = 0
    loaded: bool = False
    found: bool = False
    error: str = ""
    can_work: bool = False
    can_note: bool = False

    title: str = ""
    subtitle: str = ""
    kpis: dict[str, str] = {}
    identity: list[Field] = []
    free_fields: list[Field] = []
    aging: list[Bar] = []
    score: str = ""
    grade: str = ""
    grade_color: str = "gray"
    score_parts: list[Bar] = []
    contacts: list[ContactItem] = []
    services: list[Choice] = []
    items_header: list[TableColumn] = []
    items: list[dict[str, str]] = []
    timeline: list[EventItem] = []
    timeline_note: str = ""
    comments: list[NoteItem] = []
    promises: list[NoteItem] = []
    disputes: list[NoteItem] = []
    flags: list[NoteItem] = []
    messages: list[MessageItem] = []
    profile: str = ""
    profile_by_hand: bool = False
    profile_options: list[str] = []
    scenario: str = ""
    scenario_value: str = AUTO
    scenarios: list[Choice] = []
    stopped: bool = False
    app_stopped: bool = False
    stop_text: str = ""
    sage_stop: bool = False

    contact_open: bool = False
    contact_error: str = ""
    stop_open: bool = False
    stop_error: str = ""
    flag_error: str = ""
    comment_error: str = ""
    profile_error: str = ""

    message_open: bool = False
    message_id: int = 0
    message_subject: str = ""
    message_to: str = ""
    message_cc: str = ""
    message_when: str = ""
    message_html: str = ""
    message_text: str = ""
    message_has_pdf: bool = False

    def _show(self, view: CardView) -> None:
        for f in dataclasses.fields(view):
            setattr(self, f.name, getattr(view, f.name))

    def _clear(self) -> None:
        self.found = False
        self.title = self.subtitle = ""
        self.items, self.timeline, self.contacts = [], [], []
        self.comments, self.promises, self.disputes, self.flags, self.messages = [], [], [], [], []

    async def _reload(self) -> None:
        who = await current_viewer(self)
        if who is None:
            self.loaded = False
            return
        fmt = await current_formats(self)
        found = customer_id_of(self.router.url.path)
        if found is None:
            self._clear()
            self.loaded = True
            return
        self.customer_id = found
        engine = get_engine()
        try:
            card = await asyncio.to_thread(customer_card, engine, who, found)
            profiles = await asyncio.to_thread(known_profiles, engine)
        except AccessDenied:
            # Not in the portfolio, or no such customer: the same answer, nothing else.
            self._clear()
            self.error = ""
            self.loaded = True
            return
        except SQLAlchemyError as exc:
            logger.exception("the customer card could not be read")
            self._clear()
            self.error = i18n.labelled(
                i18n.text("card.load_error", fmt.lang), type(exc).__name__, fmt.lang
            )
            self.loaded = True
            return
        self._show(format_card(card, fmt))
        self.profile_options = sorted(set(profiles) | ({card.identity.profile} - {""}))
        self.can_work, self.can_note = card.can_work, card.can_note
        self.found = True
        self.error = ""
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: read the card of the customer in the URL."""
        self.message_open = self.contact_open = self.stop_open = False
        self.contact_error = self.stop_error = self.flag_error = ""
        self.comment_error = self.profile_error = ""
        await self._reload()

    async def _change(self, action, *args, **kwargs) -> str:  # noqa: ANN001
        """Run a change with the viewer; return the error to show ("" when it worked)."""
        who = await current_viewer(self)
        fmt = await current_formats(self)
        if who is None:
            return i18n.text("card.error.denied", fmt.lang)
        try:
            await asyncio.to_thread(action, get_engine(), who, *args, **kwargs)
        except AccessDenied:
            return i18n.text("card.error.denied", fmt.lang)
        except followup.InvalidInput as exc:
            return i18n.text("card.error.invalid", fmt.lang).format(detail=str(exc))
        except SQLAlchemyError:
            logger.exception("a change on the customer card failed")
            return i18n.text("card.error.store", fmt.lang)
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
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        try:
            m = await asyncio.to_thread(message_detail, get_engine(), who, int(message_id))
        except AccessDenied:
            return
        self.message_id = m.message_id
        self.message_subject = m.subject
        self.message_to = ", ".join(m.to)
        self.message_cc = ", ".join(m.cc)
        self.message_when = fmt.moment(m.sent_at) if m.sent_at else ""
        self.message_html = m.body_html
        self.message_text = m.body_text
        self.message_has_pdf = m.has_pdf
        self.message_open = True

    @rx.event
    def set_message_open(self, value: bool) -> None:
        """Close the message."""
        self.message_open = value

    @rx.event
    async def download_pdf(self, message_id: int):  # noqa: ANN201  (yields a download)
        """Download the PDF of a message."""
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        try:
            pdf = await asyncio.to_thread(message_pdf, get_engine(), who, int(message_id))
        except (AccessDenied, FileNotFoundError):
            yield rx.toast.error(i18n.text("card.error.no_pdf", fmt.lang))
            return
        yield rx.download(data=pdf.data, filename=pdf.filename, mime_type="application/pdf")


# --- the page ------------------------------------------------------------------------------------


def _w(key: str) -> rx.Var[str]:
    return t(key, UiState.lang)


def _section(title_key: str, *children: rx.Component, section_id: str, **props) -> rx.Component:  # noqa: ANN003
    return rx.card(
        rx.vstack(
            rx.heading(_w(title_key), as_="h2", size="3"),
            *children,
            spacing="3",
            width="100%",
        ),
        width="100%",
        min_width="0",
        id=section_id,
        **props,
    )


def _kpi(key: str, tone: str | None = None) -> rx.Component:
    return rx.vstack(
        rx.text(_w(f"card.kpi.{key}"), size="1", color_scheme="gray"),
        rx.text(
            CardState.kpis[key],
            size=rx.breakpoints(initial="3", md="4"),
            weight="bold",
            color_scheme=tone,
            white_space="nowrap",
            data_testid="kpi-value",
        ),
        spacing="0",
        min_width="0",
        id=f"kpi-{key}",
    )


def _header() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), _w("card.back"), spacing="1", align="center"),
            href=LIST_ROUTE,
            size="2",
            color_scheme="gray",
            id="back-to-list",
        ),
        rx.flex(
            rx.vstack(
                page_title(CardState.title),
                rx.text(CardState.subtitle, size="2", color_scheme="gray", id="card-subtitle"),
                rx.hstack(
                    rx.cond(
                        CardState.grade != "",
                        rx.badge(
                            _w("card.grade"),
                            " ",
                            CardState.grade,
                            " · ",
                            CardState.score,
                            color_scheme=CardState.grade_color,
                            size="2",
                            id="grade-badge",
                        ),
                    ),
                    rx.cond(
                        CardState.stop_text != "",
                        rx.badge(
                            rx.icon("circle-pause", size=12),
                            _w("card.stopped"),
                            color_scheme="orange",
                            size="2",
                            id="stopped-badge",
                        ),
                    ),
                    rx.foreach(
                        CardState.flags,
                        lambda f: rx.badge(
                            rx.icon("flag", size=12),
                            f.title,
                            color_scheme="red",
                            size="2",
                            data_testid="flag-badge",
                        ),
                    ),
                    rx.cond(
                        CardState.profile != "",
                        rx.badge(CardState.profile, color_scheme="indigo", size="2"),
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            rx.hstack(_stop_button(), spacing="2", wrap="wrap"),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="var(--space-3)",
            width="100%",
            align=rx.breakpoints(initial="start", sm="start"),
        ),
        rx.card(
            rx.grid(
                _kpi("outstanding"),
                _kpi("overdue", "red"),
                _kpi("not_due"),
                _kpi("credits"),
                _kpi("open_items"),
                _kpi("oldest"),
                rx.cond(CardState.kpis["doubtful"], _kpi("doubtful", "purple")),
                columns=rx.breakpoints(initial="2", sm="3", lg="6"),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="card-kpis",
        ),
        spacing="3",
        width="100%",
    )


def _stop_button() -> rx.Component:
    return rx.cond(
        CardState.can_work,
        rx.cond(
            CardState.app_stopped,
            rx.button(
                rx.icon("circle-play", size=16),
                _w("card.resume"),
                on_click=CardState.resume,
                variant="soft",
                color_scheme="green",
                id="resume-button",
            ),
            _stop_dialog(),
        ),
    )


def _stop_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("circle-pause", size=16),
                _w("card.stop"),
                variant="soft",
                color_scheme="orange",
                id="stop-button",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(_w("card.stop.title")),
            rx.form(
                rx.vstack(
                    rx.text(_w("card.stop.reason"), size="2"),
                    rx.input(name="reason", required=True, width="100%", id="stop-reason"),
                    rx.text(_w("card.stop.until_label"), size="2"),
                    rx.input(name="until", type="date", width="100%", id="stop-until"),
                    rx.cond(
                        CardState.stop_error != "",
                        rx.text(CardState.stop_error, color_scheme="red", size="2"),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(_w("card.cancel"), variant="soft", color_scheme="gray")
                        ),
                        rx.button(_w("card.stop"), type="submit", id="stop-submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=CardState.stop,
            ),
            max_width="420px",
        ),
        open=CardState.stop_open,
        on_open_change=CardState.set_stop_open,
    )


def _field_list(fields: rx.Var[list[Field]], list_id: str) -> rx.Component:
    return rx.grid(
        rx.foreach(
            fields,
            lambda f: rx.fragment(
                rx.text(f.label, size="2", color_scheme="gray"),
                rx.text(f.value, size="2", white_space="pre-line", word_break="break-word"),
            ),
        ),
        columns="minmax(90px, max-content) minmax(0, 1fr)",
        column_gap="16px",
        row_gap="6px",
        width="100%",
        id=list_id,
    )


def _bars(bars: rx.Var[list[Bar]], list_id: str) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            bars,
            lambda b: rx.vstack(
                rx.hstack(
                    rx.text(b.label, size="2"),
                    rx.spacer(),
                    rx.text(b.value, size="2", weight="medium", white_space="nowrap"),
                    width="100%",
                ),
                rx.box(
                    rx.box(
                        width=b.width,
                        height="6px",
                        border_radius="3px",
                        background_color=f"var(--{b.color}-9)",
                    ),
                    width="100%",
                    height="6px",
                    border_radius="3px",
                    background_color="var(--gray-a3)",
                ),
                rx.cond(b.detail != "", rx.text(b.detail, size="1", color_scheme="gray")),
                spacing="1",
                width="100%",
                data_testid="bar",
            ),
        ),
        spacing="3",
        width="100%",
        id=list_id,
    )


def _profile_box() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(_w("card.profile"), size="2", color_scheme="gray"),
            rx.text(
                rx.cond(CardState.profile != "", CardState.profile, "—"),
                size="2",
                weight="medium",
                id="profile-value",
            ),
            rx.cond(
                CardState.profile_by_hand,
                rx.badge(_w("card.by_hand"), variant="outline", size="1"),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            rx.text(_w("card.scenario"), size="2", color_scheme="gray"),
            rx.text(CardState.scenario, size="2", weight="medium", id="scenario-value"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            CardState.can_work,
            rx.vstack(
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="profile",
                            default_value=CardState.profile,
                            list="profile-choices",
                            placeholder=_w("card.profile.placeholder"),
                            size="2",
                            flex="1",
                            id="profile-input",
                        ),
                        rx.el.datalist(
                            rx.foreach(CardState.profile_options, lambda p: rx.el.option(value=p)),
                            id="profile-choices",
                        ),
                        rx.button(_w("card.save"), type="submit", size="2", id="profile-save"),
                        width="100%",
                        spacing="2",
                    ),
                    on_submit=CardState.save_profile,
                    width="100%",
                ),
                rx.select.root(
                    rx.select.trigger(width="100%", id="scenario-select"),
                    rx.select.content(
                        rx.select.item(_w("card.scenario.auto"), value=AUTO),
                        rx.foreach(
                            CardState.scenarios, lambda s: rx.select.item(s.label, value=s.value)
                        ),
                    ),
                    value=CardState.scenario_value,
                    on_change=CardState.choose_scenario,
                    size="2",
                ),
                rx.cond(
                    CardState.profile_error != "",
                    rx.text(CardState.profile_error, color_scheme="red", size="2"),
                ),
                spacing="2",
                width="100%",
            ),
        ),
        rx.cond(
            CardState.stop_text != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-pause")),
                rx.callout.text(CardState.stop_text),
                color_scheme="orange",
                size="1",
                id="stop-text",
            ),
        ),
        rx.cond(
            CardState.stop_error != "",
            rx.text(CardState.stop_error, color_scheme="red", size="2"),
        ),
        spacing="3",
        width="100%",
    )


def _contact_row(c: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(
            c.first_of_service,
            rx.hstack(
                rx.text(c.service, weight="bold", size="2"),
                rx.badge(c.service_role, color_scheme=c.service_role_color, variant="outline"),
                spacing="2",
                align="center",
                padding_top="6px",
            ),
        ),
        rx.hstack(
            rx.vstack(
                rx.hstack(
                    rx.text(c.name, size="2", weight="medium"),
                    rx.cond(
                        c.typed_in_app,
                        rx.badge(_w("card.contact.app"), variant="outline", size="1"),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.cond(c.function != "", rx.text(c.function, size="1", color_scheme="gray")),
                rx.cond(
                    c.email != "",
                    rx.link(c.email, href="mailto:" + c.email, size="1", word_break="break-all"),
                ),
                rx.cond(c.phone != "", rx.text(c.phone, size="1", color_scheme="gray")),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            rx.badge(c.role, color_scheme=c.role_color, data_testid="contact-role"),
            width="100%",
            align="start",
        ),
        spacing="1",
        width="100%",
        data_testid="contact",
    )


def _contact_dialog() -> rx.Component:
    def labelled(key: str, child: rx.Component) -> rx.Component:
        return rx.vstack(rx.text(_w(key), size="2"), child, spacing="1", width="100%")

    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("user-plus", size=16),
                _w("card.contact.add"),
                variant="soft",
                size="2",
                id="add-contact",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(_w("card.contact.add")),
            rx.form(
                rx.vstack(
                    rx.grid(
                        labelled(
                            "card.contact.first_name",
                            rx.input(name="first_name", id="contact-first-name"),
                        ),
                        labelled(
                            "card.contact.last_name",
                            rx.input(name="last_name", required=True, id="contact-last-name"),
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="2",
                        width="100%",
                    ),
                    labelled("card.contact.function", rx.input(name="function")),
                    labelled(
                        "card.contact.email",
                        rx.input(name="email", type="email", id="contact-email"),
                    ),
                    labelled("card.contact.phone", rx.input(name="phone", type="tel")),
                    labelled(
                        "card.contact.service",
                        rx.select.root(
                            rx.select.trigger(width="100%", id="contact-service"),
                            rx.select.content(
                                rx.foreach(
                                    CardState.services,
                                    lambda s: rx.select.item(s.label, value=s.value),
                                )
                            ),
                            name="service",
                        ),
                    ),
                    labelled(
                        "card.contact.role",
                        rx.select.root(
                            rx.select.trigger(width="100%", id="contact-role"),
                            rx.select.content(
                                rx.select.item(_w("card.role.service"), value="service"),
                                rx.select.item(_w("card.role.to"), value="to"),
                                rx.select.item(_w("card.role.cc"), value="cc"),
                                rx.select.item(_w("card.role.never"), value="never"),
                            ),
                            name="role",
                            default_value="service",
                        ),
                    ),
                    rx.cond(
                        CardState.contact_error != "",
                        rx.text(CardState.contact_error, color_scheme="red", size="2"),
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(_w("card.cancel"), variant="soft", color_scheme="gray")
                        ),
                        rx.button(_w("card.save"), type="submit", id="contact-submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=CardState.add_contact,
                reset_on_submit=False,
            ),
            max_width="480px",
        ),
        open=CardState.contact_open,
        on_open_change=CardState.set_contact_open,
    )


def _contacts_section() -> rx.Component:
    return _section(
        "card.contacts",
        rx.cond(
            CardState.contacts.length() > 0,
            rx.vstack(rx.foreach(CardState.contacts, _contact_row), spacing="2", width="100%"),
            rx.text(_w("card.contacts.none"), size="2", color_scheme="gray"),
        ),
        rx.cond(CardState.can_work, _contact_dialog()),
        section_id="contacts",
    )


def _summary_tab() -> rx.Component:
    return rx.grid(
        rx.vstack(
            _section(
                "card.identity",
                _field_list(CardState.identity, "identity"),
                rx.cond(
                    CardState.free_fields.length() > 0,
                    rx.vstack(
                        rx.separator(size="4"),
                        rx.text(_w("card.free_fields"), size="2", weight="bold"),
                        _field_list(CardState.free_fields, "free-fields"),
                        spacing="2",
                        width="100%",
                    ),
                ),
                section_id="identity-card",
            ),
            _section("card.dunning", _profile_box(), section_id="dunning"),
            _contacts_section(),
            spacing="3",
            width="100%",
        ),
        rx.vstack(
            _section("card.aging", _bars(CardState.aging, "aging-bars"), section_id="aging"),
            _section(
                "card.score",
                rx.text(_w("card.score.hint"), size="1", color_scheme="gray"),
                _bars(CardState.score_parts, "score-parts"),
                section_id="score",
            ),
            spacing="3",
            width="100%",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="3",
        width="100%",
    )


def _items_tab() -> rx.Component:
    return data_table(
        CardState.items_header,
        CardState.items,
        table_id="open-items",
        empty_text=_w("card.items.none"),
    )


_EVENT_ICONS = {
    "entry": ("file-text", "gray"),
    "payment": ("banknote", "green"),
    "good": ("circle-check", "green"),
    "bad": ("circle-x", "red"),
    "message": ("mail", "blue"),
    "promise": ("handshake", "amber"),
    "dispute": ("scale", "orange"),
    "comment": ("message-square", "indigo"),
    "flag": ("flag", "red"),
    "call": ("phone", "teal"),
    "stop": ("circle-pause", "orange"),
}


def _event_icon(group: rx.Var[str]) -> rx.Component:
    def bubble(icon: str, color: str) -> rx.Component:
        return rx.center(
            rx.icon(icon, size=14, color=f"var(--{color}-11)"),
            width="28px",
            height="28px",
            min_width="28px",
            border_radius="50%",
            background_color=f"var(--{color}-a3)",
        )

    return rx.match(
        group,
        *[(name, bubble(icon, color)) for name, (icon, color) in _EVENT_ICONS.items()],
        bubble("circle-dot", "gray"),
    )


def _timeline_tab() -> rx.Component:
    def event(e: rx.Var) -> rx.Component:
        return rx.hstack(
            _event_icon(e.group),
            rx.vstack(
                rx.flex(
                    rx.text(e.label, size="2", weight="bold"),
                    rx.spacer(),
                    rx.text(e.amount, size="2", weight="medium", white_space="nowrap"),
                    width="100%",
                    gap="var(--space-2)",
                ),
                rx.cond(e.title != "", rx.text(e.title, size="2", word_break="break-word")),
                rx.cond(
                    e.detail != "",
                    rx.text(e.detail, size="1", color_scheme="gray", word_break="break-word"),
                ),
                rx.text(
                    e.when,
                    rx.cond(e.by != "", rx.text.span(" · ", e.by)),
                    size="1",
                    color_scheme="gray",
                ),
                spacing="0",
                width="100%",
                min_width="0",
            ),
            spacing="3",
            align="start",
            width="100%",
            padding_y="8px",
            border_bottom="1px solid var(--gray-a4)",
            data_testid="timeline-event",
        )

    return rx.card(
        rx.vstack(
            rx.cond(
                CardState.timeline.length() > 0,
                rx.vstack(rx.foreach(CardState.timeline, event), spacing="0", width="100%"),
                rx.text(_w("card.timeline.none"), size="2", color_scheme="gray"),
            ),
            rx.cond(
                CardState.timeline_note != "",
                rx.text(CardState.timeline_note, size="1", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="timeline",
    )


def _note(n: rx.Var, testid: str, action: rx.Component | None = None) -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.text(n.title, size="2", weight="bold"),
            rx.cond(n.status != "", rx.badge(n.status, color_scheme=n.status_color)),
            rx.spacer(),
            rx.text(n.amount, size="2", weight="medium", white_space="nowrap"),
            action if action is not None else rx.fragment(),
            gap="var(--space-2)",
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(n.body != "", rx.text(n.body, size="2", white_space="pre-line")),
        rx.text(
            n.when, rx.cond(n.by != "", rx.text.span(" · ", n.by)), size="1", color_scheme="gray"
        ),
        spacing="1",
        width="100%",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
        data_testid=testid,
    )


def _list(items: rx.Var, testid: str, none_key: str, action=None) -> rx.Component:  # noqa: ANN001
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.foreach(items, lambda n: _note(n, testid, action(n) if action else None)),
            spacing="0",
            width="100%",
        ),
        rx.text(_w(none_key), size="2", color_scheme="gray"),
    )


def _follow_tab() -> rx.Component:
    comment_form = rx.cond(
        CardState.can_note,
        rx.form(
            rx.vstack(
                rx.text_area(
                    name="body",
                    placeholder=_w("card.comment.placeholder"),
                    required=True,
                    width="100%",
                    rows="3",
                    id="comment-body",
                ),
                rx.cond(
                    CardState.comment_error != "",
                    rx.text(CardState.comment_error, color_scheme="red", size="2"),
                ),
                rx.button(_w("card.comment.add"), type="submit", size="2", id="comment-submit"),
                spacing="2",
                width="100%",
                align="end",
            ),
            on_submit=CardState.add_comment,
            reset_on_submit=True,
            width="100%",
        ),
    )
    flag_form = rx.cond(
        CardState.can_note,
        rx.form(
            rx.flex(
                rx.select.root(
                    rx.select.trigger(id="flag-kind"),
                    rx.select.content(
                        *[
                            rx.select.item(_w(f"card.flag.{k}"), value=k)
                            for k in followup.FLAG_KINDS
                        ]
                    ),
                    name="kind",
                    default_value="watch",
                ),
                rx.input(
                    name="label",
                    placeholder=_w("card.flag.placeholder"),
                    flex="1",
                    min_width="160px",
                    id="flag-label",
                ),
                rx.button(
                    rx.icon("flag", size=14),
                    _w("card.flag.add"),
                    type="submit",
                    color_scheme="red",
                    variant="soft",
                    id="flag-submit",
                ),
                gap="var(--space-2)",
                wrap="wrap",
                width="100%",
            ),
            on_submit=CardState.raise_flag,
            reset_on_submit=True,
            width="100%",
        ),
    )

    def clear_button(n: rx.Var) -> rx.Component:
        return rx.cond(
            CardState.can_note,
            rx.icon_button(
                rx.icon("flag-off", size=14),
                on_click=CardState.clear_flag(n.id),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label=_w("card.flag.clear"),
                data_testid="clear-flag",
            ),
        )

    return rx.grid(
        rx.vstack(
            _section(
                "card.comments",
                comment_form,
                _list(CardState.comments, "comment", "card.comments.none"),
                section_id="comments",
            ),
            _section(
                "card.flags",
                flag_form,
                rx.cond(
                    CardState.flag_error != "",
                    rx.text(CardState.flag_error, color_scheme="red", size="2"),
                ),
                _list(CardState.flags, "flag", "card.flags.none", clear_button),
                section_id="flags",
            ),
            spacing="3",
            width="100%",
        ),
        rx.vstack(
            _section(
                "card.promises",
                _list(CardState.promises, "promise", "card.promises.none"),
                section_id="promises",
            ),
            _section(
                "card.disputes",
                _list(CardState.disputes, "dispute", "card.disputes.none"),
                section_id="disputes",
            ),
            spacing="3",
            width="100%",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="3",
        width="100%",
    )


def _message_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(CardState.message_subject, id="message-subject"),
            rx.vstack(
                rx.text(
                    rx.text.span(_w("card.message.to"), " ", color_scheme="gray"),
                    CardState.message_to,
                    size="2",
                    word_break="break-all",
                ),
                rx.cond(
                    CardState.message_cc != "",
                    rx.text(
                        rx.text.span(_w("card.message.cc"), " ", color_scheme="gray"),
                        CardState.message_cc,
                        size="2",
                        word_break="break-all",
                    ),
                ),
                rx.text(CardState.message_when, size="1", color_scheme="gray"),
                rx.cond(
                    CardState.message_html != "",
                    # The body as the customer saw it, in a sandbox: no script, no form, no link.
                    rx.el.iframe(
                        src_doc=CardState.message_html,
                        sandbox="",
                        title=CardState.message_subject,
                        width="100%",
                        height="50vh",
                        style={
                            "border": "1px solid var(--gray-a5)",
                            "borderRadius": "var(--radius-2)",
                            "background": "white",
                        },
                        id="message-body",
                    ),
                    rx.box(
                        rx.text(CardState.message_text, size="2", white_space="pre-wrap"),
                        max_height="50vh",
                        overflow_y="auto",
                        width="100%",
                        id="message-text",
                    ),
                ),
                rx.hstack(
                    rx.cond(
                        CardState.message_has_pdf,
                        rx.button(
                            rx.icon("file-down", size=16),
                            _w("card.message.pdf"),
                            on_click=CardState.download_pdf(CardState.message_id),
                            variant="soft",
                            id="message-pdf",
                        ),
                    ),
                    rx.spacer(),
                    rx.dialog.close(
                        rx.button(_w("card.close"), variant="soft", color_scheme="gray")
                    ),
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            max_width="760px",
            width="95vw",
        ),
        open=CardState.message_open,
        on_open_change=CardState.set_message_open,
    )


def _messages_tab() -> rx.Component:
    def row(m: rx.Var) -> rx.Component:
        return rx.flex(
            rx.vstack(
                rx.el.button(
                    rx.text(m.subject, size="2", weight="medium", color_scheme="indigo"),
                    on_click=CardState.open_message(m.id),
                    type="button",
                    style={"all": "unset", "cursor": "pointer", "textAlign": "left"},
                    data_testid="open-message",
                ),
                rx.text(
                    m.when, " · ", m.channel, " · ", m.recipients, size="1", color_scheme="gray"
                ),
                spacing="0",
                min_width="0",
                flex="1",
            ),
            rx.badge(m.status, color_scheme=m.status_color),
            rx.cond(
                m.has_pdf,
                rx.icon_button(
                    rx.icon("file-down", size=14),
                    on_click=CardState.download_pdf(m.id),
                    variant="ghost",
                    size="1",
                    aria_label=_w("card.message.pdf"),
                    data_testid="message-pdf",
                ),
            ),
            gap="var(--space-2)",
            align="center",
            width="100%",
            padding_y="8px",
            border_bottom="1px solid var(--gray-a4)",
            data_testid="message",
        )

    return rx.card(
        rx.cond(
            CardState.messages.length() > 0,
            rx.vstack(rx.foreach(CardState.messages, row), spacing="0", width="100%"),
            rx.text(_w("card.messages.none"), size="2", color_scheme="gray"),
        ),
        _message_dialog(),
        width="100%",
        id="messages",
    )


def _tab(value: str, key: str, count: rx.Var[int] | None = None) -> rx.Component:
    suffix = rx.fragment()
    if count is not None:
        suffix = rx.cond(count > 0, rx.text.span("\u00a0(", count, ")"))
    return rx.tabs.trigger(
        _w(key),
        suffix,
        value=value,
        id=f"tab-{value}",
        flex_shrink="0",
    )


def _tabs() -> rx.Component:
    return rx.tabs.root(
        rx.box(
            rx.tabs.list(
                _tab("summary", "card.tab.summary"),
                _tab("items", "card.tab.items", CardState.items.length()),
                _tab("timeline", "card.tab.timeline"),
                _tab("follow", "card.tab.follow"),
                _tab("messages", "card.tab.messages", CardState.messages.length()),
                size="2",
                # Five tabs do not fit a phone's width: they go on two lines there.
                flex_wrap="wrap",
            ),
            width="100%",
        ),
        rx.tabs.content(_summary_tab(), value="summary", padding_top="12px"),
        rx.tabs.content(_items_tab(), value="items", padding_top="12px"),
        rx.tabs.content(_timeline_tab(), value="timeline", padding_top="12px"),
        rx.tabs.content(_follow_tab(), value="follow", padding_top="12px"),
        rx.tabs.content(_messages_tab(), value="messages", padding_top="12px"),
        default_value="summary",
        width="100%",
    )


def customer_page() -> rx.Component:
    """The card of the customer in the URL, or "not found" when the viewer may not see it."""
    return page_frame(
        rx.cond(
            CardState.loaded,
            rx.cond(
                CardState.found,
                rx.vstack(
                    _header(),
                    replies_card(after=CardState.load),
                    _tabs(),
                    spacing="4",
                    width="100%",
                    id="customer-card",
                ),
                rx.vstack(
                    rx.callout.root(
                        rx.callout.icon(rx.icon("search-x")),
                        rx.callout.text(
                            rx.cond(CardState.error != "", CardState.error, _w("card.not_found"))
                        ),
                        color_scheme=rx.cond(CardState.error != "", "red", "gray"),
                        id="card-not-found",
                        width="100%",
                    ),
                    rx.link(_w("card.back"), href=LIST_ROUTE),
                    spacing="3",
                    width="100%",
                ),
            ),
            rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
        ),
        on_lang_change=CardState.load,
    )
