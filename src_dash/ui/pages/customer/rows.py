"""The customer card formatted in the viewer's language and formats: the identity and its free
fields, the KPIs and the aging bars, the score's parts, the contacts by service, the open items'
rows, the timeline, the comments, promises, disputes, flags and messages. Plain functions over
`services.customer_card.CustomerCard`: no state, no component, unit-tested on their own."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from src_dash.dunning.letter_post import letter_state
from src_dash.services.customer_card import CustomerCard, MessageDetail, MessageRow
from src_dash.ui import i18n
from src_dash.ui.choice import Choice
from src_dash.ui.components.data_table import TableColumn
from src_dash.ui.components.filter_values import GRADE_COLORS
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.rows import (
    Contact,
    Figure,
    Labelled,
    ShownMessage,
    Status,
    catalog,
    days,
    role_color,
)
from src_dash.ui.pages.customer.timeline_rows import Dated, EventItem, event_item

AUTO = "auto"  # the scenario select's "the profile's scenario" option
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
LETTER_COLORS = {"to_print": "amber", "printed": "blue", "posted": "green"}


@dataclasses.dataclass
class Bar(Labelled):
    """A bar of a small chart: the aging buckets, the score's parts."""

    detail: str = ""
    width: str = "0%"
    color: str = "indigo"


@dataclasses.dataclass
class ContactItem(Contact):
    """A contact, and the heading of its service when it is the first of it."""

    contact_id: int = 0
    first_of_service: bool = False
    service: str = ""
    service_role: str = ""
    service_role_color: str = "gray"
    function: str = ""
    typed_in_app: bool = False


@dataclasses.dataclass
class WithStatus(Status, Dated):
    """A line of the card's lists with a status."""


@dataclasses.dataclass
class NoteItem(WithStatus):
    """A comment, a promise, a dispute or a flag, formatted."""

    title: str = ""
    body: str = ""
    amount: str = ""
    by: str = ""


@dataclasses.dataclass
class MessageItem(WithStatus):
    """A message sent to the customer."""

    subject: str = ""
    channel: str = ""
    recipients: str = ""
    has_pdf: bool = False


@dataclasses.dataclass
class OpenedMessage(MessageItem, ShownMessage):
    """A message opened in its dialog: its line, its copies and its body as it was sent."""


def _empty() -> list:
    """An empty list as a field's default."""
    return dataclasses.field(default_factory=list)


@dataclasses.dataclass
class CardView:
    """Everything the page shows of one card, formatted in the viewer's formats (empty by
    default: no card)."""

    title: str = ""
    subtitle: str = ""
    kpis: dict[str, str] = dataclasses.field(default_factory=dict)
    identity: list[Figure] = _empty()
    free_fields: list[Figure] = _empty()
    aging: list[Bar] = _empty()
    score: str = ""
    grade: str = ""
    grade_color: str = "gray"
    score_parts: list[Bar] = _empty()
    contacts: list[ContactItem] = _empty()
    services: list[Choice] = _empty()
    items_header: list[TableColumn] = _empty()
    item_rows: list[dict[str, str]] = _empty()
    timeline: list[EventItem] = _empty()
    timeline_note: str = ""
    comments: list[NoteItem] = _empty()
    promises: list[NoteItem] = _empty()
    disputes: list[NoteItem] = _empty()
    flags: list[NoteItem] = _empty()
    messages: list[MessageItem] = _empty()
    profile: str = ""
    profile_by_hand: bool = False
    scenario: str = ""
    scenario_value: str = AUTO
    scenarios: list[Choice] = _empty()
    stopped: bool = False
    app_stopped: bool = False
    stop_text: str = ""
    sage_stop: bool = False


def customer_id_of(path: str) -> int | None:
    """The customer id in a card's path ("/clients/12" -> 12), None when there is none."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else None


def bucket_name(label: str, lang: str) -> str:
    """An aging bucket's name ("not_due", "31-60", "over_90") in the viewer's language."""
    if label == "not_due":
        return i18n.text("bucket.not_due", lang)
    if label.startswith("over_"):
        return i18n.text("bucket.over", lang).format(days=label[5:])
    low, high = label.split("-")
    return i18n.text("bucket.range", lang).format(low=low, high=high)


def _identity(card: CustomerCard, fmt: Formats) -> tuple[list[Figure], list[Figure]]:
    w = catalog(fmt.lang)
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
    fields = [Figure(w[f"card.field.{k}"], v, k) for k, v in rows if v]
    if i.dormant:
        fields.append(Figure(w["card.field.status"], w["card.dormant"], "status"))
    free = [Figure(name, value, f"free:{name}") for name, value in i.free_fields]
    return fields, free


def explain_part(name: str, value: Decimal | None, fmt: Formats) -> str:
    """A part of a model's score in words: "paie en moyenne 23 j après l'échéance",
    "2 promesses non tenues", "retard en hausse" (empty without a value)."""
    if value is None:
        return ""
    w = catalog(fmt.lang)
    if name == "trend":
        key = "up" if value > 5 else "down" if value < -5 else "flat"
        return w[f"card.explain.trend_{key}"]
    if name in ("late_probability", "share_paid_late"):
        shown = fmt.percent(value * 100, 0)
    elif name in ("days_beyond_terms", "current_overdue"):
        shown = fmt.number(value, 0)
    else:
        shown = fmt.count(int(value))
    return w[f"card.explain.{name}"].format(value=shown)


def _score(card: CustomerCard, fmt: Formats) -> tuple[str, str, list[Bar]]:
    if card.score is None:
        return "—", "", []
    w = catalog(fmt.lang)
    bars = []
    # A score from the pay-date model: its first part carries it all, the others explain it.
    learned = bool(card.score.parts) and card.score.parts[0].name == "late_probability"
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
                explain_part(p.name, p.value, fmt)
                if learned
                else w["card.part.weight"].format(weight=share),
                f"{min(100, max(0, float(p.points))):.0f}%",
                "red" if p.points >= 60 else "orange" if p.points >= 30 else "green",
            )
        )
    return fmt.count(card.score.score), card.score.grade, bars


def _contacts(card: CustomerCard, fmt: Formats) -> tuple[list[ContactItem], list[Choice]]:
    w = catalog(fmt.lang)

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
                    service_role_color=role_color(group.service_role),
                    name=c.name or c.email,
                    function=c.function,
                    email=c.email,
                    phone=" · ".join(p for p in (c.phone, c.mobile) if p),
                    role=role_word(c.role),
                    role_color=role_color(c.role),
                    typed_in_app=c.origin == "app",
                )
            )
    services = [Choice(str(s.service_id), f"{s.name} ({role_word(s.role)})") for s in card.services]
    return items, services


def _items_header(w: dict[str, str]) -> list[TableColumn]:
    return [
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


def _items(card: CustomerCard, fmt: Formats) -> tuple[list[TableColumn], list[dict[str, str]]]:
    w = catalog(fmt.lang)
    cur = card.identity.currency
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
            "days": days(item.days_overdue, fmt) if item.days_overdue else "",
            "level": f"R{item.level}" if item.level else "",
            "status": status,
            "_color.status": color,
        }
        if item.days_overdue > 0 and item.residual > 0:
            row["_tone.days"] = "red"
            row["_tone.residual"] = "red"
        rows.append(row)
    return _items_header(w), rows


def _with_status(kind: type[WithStatus], status: str, w: dict[str, str], **fields: object):  # noqa: ANN202
    """A line of `kind` with its status in words and its badge's colour."""
    words, color = w.get(f"card.status.{status}", status), STATUS_COLORS.get(status, "gray")
    return kind(status=words, status_color=color, **fields)


def _comments(card: CustomerCard, fmt: Formats) -> list[NoteItem]:
    return [
        NoteItem(
            id=c.comment_id,
            when=fmt.moment(c.created_at),
            title=c.piece,
            body=c.body,
            by=c.author,
        )
        for c in card.comments
    ]


def _promises(card: CustomerCard, fmt: Formats) -> list[NoteItem]:
    w, cur = catalog(fmt.lang), card.identity.currency
    return [
        _with_status(
            NoteItem,
            p.status,
            w,
            id=p.promise_id,
            when=fmt.day(p.promised_on),
            title=", ".join(p.pieces),
            body=p.note,
            amount=fmt.money(p.amount, cur),
            by=p.author,
        )
        for p in card.promises
    ]


def _disputes(card: CustomerCard, fmt: Formats) -> list[NoteItem]:
    w, cur = catalog(fmt.lang), card.identity.currency
    return [
        _with_status(
            NoteItem,
            d.status,
            w,
            id=d.dispute_id,
            when=fmt.day(fmt.local(d.opened_at).date()),
            title=d.reason or ", ".join(d.pieces),
            body=" · ".join(x for x in (d.note, ", ".join(d.pieces)) if x),
            amount=fmt.money(d.amount, cur) if d.amount else "",
            by=d.author,
        )
        for d in card.disputes
    ]


def _flags(card: CustomerCard, fmt: Formats) -> list[NoteItem]:
    w = catalog(fmt.lang)
    return [
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


def _message(m: MessageRow, w: dict[str, str], fmt: Formats) -> MessageItem:
    item = _with_status(
        MessageItem,
        m.status,
        w,
        id=m.message_id,
        when=fmt.moment(m.sent_at or m.created_at),
        subject=m.subject or "—",
        channel=w.get(f"card.channel.{m.channel}", m.channel),
        recipients=", ".join(m.to),
        has_pdf=m.has_pdf,
    )
    state = letter_state(m.channel, m.status)
    if state in LETTER_COLORS:  # a letter: to print, printed, or posted on its day
        item.status, item.status_color = w[f"letters.{state}"], LETTER_COLORS[state]
        if state == "posted" and m.posted_on:
            item.status = w["letters.posted_on"].format(day=fmt.day(m.posted_on))
    return item


def opened_message(m: MessageDetail, fmt: Formats) -> OpenedMessage:
    """A message as it was sent, for its dialog."""
    w = catalog(fmt.lang)
    return _with_status(
        OpenedMessage,
        m.status,
        w,
        id=m.message_id,
        when=fmt.moment(m.sent_at) if m.sent_at else "",
        subject=m.subject,
        channel=w.get(f"card.channel.{m.channel}", m.channel),
        recipients=", ".join(m.to),
        has_pdf=m.has_pdf,
        copies=", ".join(m.cc),
        html=m.body_html,
        text=m.body_text,
    )


def _kpis(card: CustomerCard, fmt: Formats) -> dict[str, str]:
    b, cur = card.balance, card.identity.currency
    return {
        "outstanding": fmt.money(b.outstanding, cur),
        "overdue": fmt.money(b.overdue, cur),
        "not_due": fmt.money(b.not_due, cur),
        "credits": fmt.money(b.credits, cur),
        "open_items": fmt.count(b.open_items),
        "oldest": days(b.oldest_days, fmt) if b.oldest_days else "—",
        # Shown only when not zero (the grid hides an empty figure).
        "doubtful": fmt.money(b.doubtful, cur) if b.doubtful else "",
    }


def _aging(card: CustomerCard, fmt: Formats) -> list[Bar]:
    b, cur = card.balance, card.identity.currency
    positive = sum((a for _, a in b.aging), start=0) or 1
    return [
        Bar(
            bucket_name(label, fmt.lang),
            fmt.money(amount, cur),
            "",
            f"{float(amount) * 100 / float(positive):.1f}%",
            "green" if label == "not_due" else "red" if label.startswith("over") else "orange",
        )
        for label, amount in b.aging
    ]


def _timeline_note(card: CustomerCard, fmt: Formats) -> str:
    if card.timeline_total <= len(card.timeline):
        return ""
    return catalog(fmt.lang)["card.timeline_more"].format(
        shown=fmt.count(len(card.timeline)), total=fmt.count(card.timeline_total)
    )


def _scenario_text(card: CustomerCard, lang: str) -> str:
    w, scenario = catalog(lang), card.identity.scenario
    if scenario is None:
        return w["card.scenario.none"]
    if scenario.by_hand:
        return w["card.scenario.by_hand"].format(name=scenario.name)
    return w["card.scenario.by_profile"].format(name=scenario.name)


def _stop_text(card: CustomerCard, fmt: Formats) -> str:
    w, i = catalog(fmt.lang), card.identity
    if i.stop_reason and i.stopped:
        if i.stop_until:
            return w["card.stop.until"].format(reason=i.stop_reason, day=fmt.day(i.stop_until))
        return i.stop_reason
    if i.do_not_dun:
        return w["card.stop.sage"]
    return ""


def format_card(card: CustomerCard, fmt: Formats) -> CardView:
    """Format a card in the viewer's language and formats."""
    i = card.identity
    identity, free = _identity(card, fmt)
    score, grade, parts = _score(card, fmt)
    contacts, services = _contacts(card, fmt)
    header, items = _items(card, fmt)
    scenario = i.scenario
    return CardView(
        title=i.name or i.number,
        subtitle=" · ".join(p for p in (i.number, f"{i.company} {i.company_name}".strip()) if p),
        kpis=_kpis(card, fmt),
        identity=identity,
        free_fields=free,
        aging=_aging(card, fmt),
        score=score,
        grade=grade,
        grade_color=GRADE_COLORS.get(grade, "gray"),
        score_parts=parts,
        contacts=contacts,
        services=services,
        items_header=header,
        item_rows=items,
        timeline=[event_item(e, fmt, i.currency) for e in card.timeline],
        timeline_note=_timeline_note(card, fmt),
        comments=_comments(card, fmt),
        promises=_promises(card, fmt),
        disputes=_disputes(card, fmt),
        flags=_flags(card, fmt),
        messages=[_message(m, catalog(fmt.lang), fmt) for m in card.messages],
        profile=i.profile,
        profile_by_hand=i.profile_set_by_hand,
        scenario=_scenario_text(card, fmt.lang),
        scenario_value=str(scenario.scenario_id) if scenario and scenario.by_hand else AUTO,
        scenarios=[Choice(str(s.scenario_id), s.name) for s in card.scenarios],
        stopped=i.stopped,
        app_stopped=bool(i.stop_reason) and i.stopped,
        stop_text=_stop_text(card, fmt),
        sage_stop=i.do_not_dun,
    )
