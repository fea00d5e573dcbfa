"""The card's "Espace client" section formatted in the viewer's language and formats: the link's
status line and the activity's lines. Plain functions over `staff.SpaceActivity`."""

from __future__ import annotations

import dataclasses

from src_dash.services.customer_space.staff import ActivityLine, SpaceActivity
from src_dash.ui import i18n
from src_dash.ui.i18n import Formats

KIND_COLORS = {
    "visit": "gray",
    "statement": "gray",
    "promise": "green",
    "dispute": "orange",
    "paid": "blue",
    "message": "indigo",
    "answer": "violet",
}


@dataclasses.dataclass
class FileRef:
    """A file the customer sent, to download."""

    id: int = 0
    name: str = ""


@dataclasses.dataclass
class SpaceLine:
    """One line of the space's activity, formatted."""

    kind: str = ""
    color: str = "gray"
    when: str = ""
    text: str = ""
    detail: str = ""
    ref_id: int = 0
    answerable: bool = False
    answered: bool = False
    files: list[FileRef] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class SpaceSection:
    """The section as shown."""

    live: bool = False
    status: str = ""
    lines: list[SpaceLine] = dataclasses.field(default_factory=list)
    can_work: bool = False
    can_answer: bool = False


def _status(activity: SpaceActivity, fmt: Formats) -> str:
    """ "valable jusqu'au 07/03/2027 · dernière visite le 07/12/2026 21:05 · 3 ouverture(s)"."""
    link, lang = activity.link, fmt.lang
    parts = []
    if link.live and link.expires_at is not None:
        until = fmt.local(link.expires_at).date()
        parts.append(i18n.text("cspace.until", lang).format(day=fmt.day(until)))
    if link.last_used_at is not None:
        moment = fmt.moment(link.last_used_at)
        parts.append(i18n.text("cspace.last_use", lang).format(moment=moment))
    elif link.live:
        parts.append(i18n.text("cspace.never_used", lang))
    if link.live and link.uses:
        parts.append(i18n.text("cspace.uses", lang).format(count=fmt.count(link.uses)))
    if not link.live and link.revoked_at is not None:
        moment = fmt.moment(link.revoked_at)
        parts.append(i18n.text("cspace.revoked", lang).format(moment=moment))
    return " · ".join(parts)


def _detail(line: ActivityLine, fmt: Formats) -> str:
    lang = fmt.lang
    if line.kind == "promise" and line.amount is not None and line.on is not None:
        return i18n.text("cspace.promise", lang).format(
            amount=fmt.money(line.amount, line.currency or "EUR"), day=fmt.day(line.on)
        )
    if line.kind == "answer":
        words = [i18n.text("cspace.by", lang).format(name=line.by)] if line.by else []
        key = f"cspace.status.{line.status}"
        if key in i18n.CATALOG[i18n.normalise_lang(lang)]:
            words.append(i18n.text(key, lang))
        return " · ".join(words)
    return ""


def space_line(line: ActivityLine, fmt: Formats, can_answer: bool) -> SpaceLine:
    """One activity line, formatted."""
    return SpaceLine(
        kind=line.kind,
        color=KIND_COLORS.get(line.kind, "gray"),
        when=fmt.moment(line.at),
        text=line.text,
        detail=_detail(line, fmt),
        ref_id=line.ref_id or 0,
        answerable=can_answer and line.kind == "message" and line.ref_id is not None,
        answered=line.answered,
        files=[FileRef(a.id, a.name) for a in line.attachments],
    )


def format_space(activity: SpaceActivity, fmt: Formats) -> SpaceSection:
    """The section of a customer's space, formatted."""
    return SpaceSection(
        live=activity.link.live > 0,
        status=_status(activity, fmt),
        lines=[space_line(x, fmt, activity.can_answer) for x in activity.lines],
        can_work=activity.can_work,
        can_answer=activity.can_answer,
    )
