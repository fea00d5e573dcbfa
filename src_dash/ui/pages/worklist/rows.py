"""The worklist and the call sheet formatted in the viewer's language and formats: the open
actions as rows grouped by kind, the sheet's figures, contacts, items and recent history. Plain
functions over `services.worklist`'s results: no state, no component, unit-tested on their own."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from src_dash.services.worklist import CallSheet, WorkItem, Worklist
from src_dash.ui import i18n
from src_dash.ui.components.filter_values import GRADE_COLORS
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.rows import Contact, CustomerLine, Figure, Status, catalog, days, role_color
from src_dash.ui.routes import customer_href

OUTCOMES = ("reached", "no_answer", "promise", "dispute", "call_back")
KIND_ICONS = {
    "reply": "reply",
    "call": "phone",
    "promise_followup": "handshake",
    "step": "mail",
    "other": "list",
}


@dataclasses.dataclass
class WorkRow(CustomerLine):
    """One open action, formatted; the first of its kind carries the group's heading."""

    action_id: int = 0
    kind: str = ""
    icon: str = "list"
    first_of_group: bool = False
    group_label: str = ""
    group_count: str = ""
    subtitle: str = ""
    late: bool = False
    due_text: str = ""
    level_text: str = ""
    items_text: str = ""
    amount_text: str = ""
    note: str = ""
    promise_text: str = ""
    assigned_text: str = ""
    kind_text: str = ""  # the kind's words on a row listed without its group's heading
    comments_text: str = ""  # the customer's comments, a marker ("" none)
    next_text: str = ""  # the customer's next action, a marker ("" none)


@dataclasses.dataclass
class SheetContact(Contact):
    """A contact to call."""

    detail: str = ""
    mobile: str = ""


@dataclasses.dataclass
class SheetItem:
    """An open item of the customer; `checked` ones are those a promise or dispute covers."""

    entry_id: int = 0
    piece: str = ""
    due: str = ""
    late: str = ""
    residual: str = ""
    overdue: bool = False
    checked: bool = False
    amount: str = "0"  # plain decimal, to prefill the promise


@dataclasses.dataclass
class SheetLine(Status):
    """A line of the recent history: a message, a promise, a dispute or a comment."""

    icon: str = "dot"
    text: str = ""
    detail: str = ""


@dataclasses.dataclass
class SheetView:
    """A call sheet, formatted."""

    title: str = ""
    subtitle: str = ""
    phone: str = ""
    email: str = ""
    sales_rep: str = ""
    figures: list[Figure] = dataclasses.field(default_factory=list)
    script: list[str] = dataclasses.field(default_factory=list)
    contacts: list[SheetContact] = dataclasses.field(default_factory=list)
    # Not `items`: on the page, `sheet.items` would be the object var's dict method.
    open_items: list[SheetItem] = dataclasses.field(default_factory=list)
    history: list[SheetLine] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class OutcomeForm:
    """What the outcome form says: the call's outcome and what it asks for, and a note."""

    outcome: str = ""
    note: str = ""
    promise_amount: str = ""
    promised_on: str = ""
    reason: str = ""
    call_back_on: str = ""


def _promise_text(item: WorkItem, fmt: Formats, w: dict[str, str]) -> str:
    if item.promise_amount is None or item.promised_on is None:
        return ""
    promise = w["work.promise"].format(
        amount=fmt.money(item.promise_amount, "EUR"), day=fmt.day(item.promised_on)
    )
    if item.promise_status == "broken":
        promise += f" · {w['work.promise.broken']}"
    return promise


def _due_text(item: WorkItem, fmt: Formats, w: dict[str, str]) -> str:
    """ "Retard 3 j", "Aujourd'hui", or "Prévue le 25/11/2026" for a coming action."""
    if item.days_late > 0:
        return w["work.late_by"].format(days=days(item.days_late, fmt))
    if item.days_late < 0:
        return w["work.due_on"].format(day=fmt.day(item.due_on))
    return w["work.today"]


def _row(item: WorkItem, n: int, label: str, count: str, fmt: Formats) -> WorkRow:
    w = catalog(fmt.lang)
    return WorkRow(
        action_id=item.action_id,
        kind=item.kind,
        icon=KIND_ICONS.get(item.kind, "list"),
        first_of_group=n == 0,
        group_label=label,
        group_count=count,
        customer_id=item.customer_id,
        href=customer_href(item.customer_id),
        customer=item.customer_name,
        subtitle=" · ".join(p for p in (item.customer_number, item.company_code) if p),
        late=item.days_late > 0,
        due_text=_due_text(item, fmt, w),
        level_text=w.get(f"camp.level.{item.level}", "") if item.level else "",
        items_text=w["work.items"].format(n=fmt.count(item.items)) if item.items else "",
        amount_text=fmt.money(item.amount, "EUR") if item.items else "",
        note=item.note,
        promise_text=_promise_text(item, fmt, w),
        assigned_text=(
            w["work.assigned"].format(name=item.assigned_name)
            if item.assigned_name
            else w["work.unassigned"]
        ),
        comments_text=(
            w["work.marker.comments"].format(n=fmt.count(item.comments)) if item.comments else ""
        ),
        next_text=w["work.marker.next"].format(day=fmt.day(item.next_on)) if item.next_on else "",
    )


def format_items(items: Sequence[WorkItem], fmt: Formats, headings: bool = True) -> list[WorkRow]:
    """Actions as rows, the first of each run of one kind carrying its heading and count (or,
    without `headings`, each row its kind's words)."""
    w = catalog(fmt.lang)
    if not headings:
        return [
            dataclasses.replace(
                _row(item, 1, "", "", fmt), kind_text=w.get(f"work.kind.{item.kind}", item.kind)
            )
            for item in items
        ]
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    rows: list[WorkRow] = []
    previous = None
    for item in items:
        label = w.get(f"work.kind.{item.kind}", item.kind)
        first = 0 if item.kind != previous else 1
        rows.append(_row(item, first, label, fmt.count(counts[item.kind]), fmt))
        previous = item.kind
    return rows


def format_rows(found: Worklist, fmt: Formats) -> list[WorkRow]:
    """The worklist's actions as rows, group by group (today's first, then the late ones)."""
    w = catalog(fmt.lang)
    rows: list[WorkRow] = []
    for group in found.groups:
        items = [*group.due_today, *group.late]
        label = w.get(f"work.kind.{group.kind}", group.kind)
        count = fmt.count(len(items))
        rows += [_row(item, n, label, count, fmt) for n, item in enumerate(items)]
    return rows


def _figures(sheet: CallSheet, fmt: Formats) -> list[Figure]:
    w, cur = catalog(fmt.lang), sheet.currency
    return [
        Figure(w["work.sheet.outstanding"], fmt.money(sheet.outstanding, cur), "outstanding"),
        Figure(w["work.sheet.overdue"], fmt.money(sheet.overdue, cur), "overdue", "red"),
        Figure(w["work.sheet.not_due"], fmt.money(sheet.not_due, cur), "not_due"),
        Figure(
            w["work.sheet.oldest"],
            days(sheet.oldest_days_late, fmt) if sheet.oldest_days_late else "—",
            "oldest",
            "orange" if sheet.oldest_days_late > 30 else "",
        ),
        Figure(
            w["work.sheet.score"],
            f"{sheet.grade} · {sheet.score}" if sheet.score is not None else "—",
            "score",
            GRADE_COLORS.get(sheet.grade, ""),
        ),
    ]


def _contacts(sheet: CallSheet) -> list[SheetContact]:
    return [
        SheetContact(
            name=c.name or c.email or "—",
            detail=" · ".join(p for p in (c.function, c.service) if p),
            phone=c.phone,
            mobile=c.mobile,
            email=c.email,
            role=c.role.upper() if c.role in ("to", "cc") else "",
            role_color=role_color(c.role),
        )
        for c in sheet.contacts
    ]


def _items(sheet: CallSheet, fmt: Formats) -> list[SheetItem]:
    return [
        SheetItem(
            entry_id=i.entry_id,
            piece=i.piece or i.reference,
            due=fmt.day(i.due_date) if i.due_date else "",
            late=days(i.days_late, fmt) if i.days_late > 0 else "",
            residual=fmt.money(i.residual, sheet.currency),
            overdue=i.residual > 0 and i.days_late > 0,
            checked=i.residual > 0 and i.days_late > 0,
            amount=str(i.residual),
        )
        for i in sheet.items
    ]


def _line(icon: str, text: str, detail: str, status: str = "", color: str = "gray") -> SheetLine:
    return SheetLine(icon=icon, text=text, detail=detail, status=status, status_color=color)


def _history(sheet: CallSheet, fmt: Formats) -> list[SheetLine]:
    w, cur = catalog(fmt.lang), sheet.currency
    status_words = {
        "pending": "en attente" if fmt.lang == "fr" else "pending",
        "kept": "tenue" if fmt.lang == "fr" else "kept",
        "broken": w["work.promise.broken"],
    }
    history = [
        _line(
            "mail",
            m.subject or w.get(f"camp.channel.{m.channel}", m.channel),
            fmt.moment(m.at),
            w.get(f"camp.status.{m.status}", m.status),
            {"sent": "green", "failed": "red", "bounced": "red"}.get(m.status, "gray"),
        )
        for m in sheet.messages
    ]
    history += [
        _line(
            "handshake",
            w["work.promise"].format(amount=fmt.money(p.amount, cur), day=fmt.day(p.promised_on)),
            p.note,
            status_words.get(p.status, p.status),
            {"pending": "amber", "kept": "green", "broken": "red"}.get(p.status, "gray"),
        )
        for p in sheet.promises
    ]
    history += [
        _line(
            "scale",
            f"{d.reason} · {', '.join(d.pieces)}",
            d.note,
            fmt.money(d.amount, cur),
            "orange",
        )
        for d in sheet.disputes
    ]
    history += [_line("message-square", c, "") for c in sheet.comments]
    return history


def format_sheet(sheet: CallSheet, fmt: Formats) -> SheetView:
    """A call sheet in the viewer's language and formats."""
    w = catalog(fmt.lang)
    return SheetView(
        title=sheet.name,
        subtitle=" · ".join(p for p in (sheet.number, sheet.company_name) if p),
        phone=sheet.phone,
        email=sheet.email,
        sales_rep=(
            i18n.labelled(w["work.sheet.sales_rep"], sheet.sales_rep, fmt.lang)
            if sheet.sales_rep
            else ""
        ),
        figures=_figures(sheet, fmt),
        script=list(sheet.script),
        contacts=_contacts(sheet),
        open_items=_items(sheet, fmt),
        history=_history(sheet, fmt),
    )


def plain_amount(text: str) -> str:
    """ "1 234,56" -> "1234.56" (what the service's amount check reads)."""
    for space in ("\u00a0", "\u202f", " "):
        text = text.replace(space, "")
    return text.replace(",", ".")


def promised_total(items: list[SheetItem]) -> str:
    """What the checked items owe, to prefill the promise ("" when nothing)."""
    total = sum(
        (Decimal(i.amount) for i in items if i.checked and Decimal(i.amount) > 0), Decimal(0)
    )
    return f"{total:.2f}" if total else ""
