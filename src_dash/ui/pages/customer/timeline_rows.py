"""The card's timeline, formatted: each event's icon group, the filter it falls under, its codes
and dates in the viewer's words and formats."""

from __future__ import annotations

import dataclasses

from src_dash.analytics.timeline import TimelineEvent
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.rows import catalog

TIMELINE_PAGE = 25  # events shown at first, and added by "Afficher plus"

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


@dataclasses.dataclass
class Dated:
    """A line of the card's lists: its id (what its buttons act on) and when it happened."""

    id: int = 0
    when: str = ""


@dataclasses.dataclass
class EventItem(Dated):
    """One event of the timeline."""

    group: str = "other"
    kinds: str = "notes"  # the timeline filter it falls under (TIMELINE_FILTERS)
    label: str = ""
    title: str = ""
    amount: str = ""
    by: str = ""
    detail: str = ""


# The timeline's filter: the groups of events each choice shows (any other group: "notes").
TIMELINE_FILTERS = {
    "books": ("entry", "payment"),
    "messages": ("message",),
    "promises": ("promise", "good"),
    "disputes": ("dispute",),
    "calls": ("call",),
}
_FILTER_OF = {
    **{g: f for f, groups in TIMELINE_FILTERS.items() for g in groups},
    "bad": "books",  # a bounced payment; a failed message and a broken promise are said below
}
_FILTER_OF_KIND = {
    "message_failed": "messages",
    "promise_broken": "promises",
    "action": "calls",
    "action_skipped": "calls",
}


def timeline_filter(kind: str) -> str:
    """The timeline filter an event of this kind falls under."""
    return _FILTER_OF_KIND.get(kind) or _FILTER_OF.get(EVENT_GROUPS.get(kind, "other"), "notes")


# Where the words of an event's code are: a channel or an action's kind, a message's status, a
# flag's kind, a call's outcome.
_CODE_WORDS = ("card.code.", "card.status.", "card.flag.", "work.outcome.")


def code_words(code: str, w: dict[str, str]) -> str:
    """The viewer's words for a code of the timeline; the code itself when none has words."""
    return next((w[k + code] for k in _CODE_WORDS if k + code in w), code)


def event_item(e: TimelineEvent, fmt: Formats, currency: str) -> EventItem:
    w = catalog(fmt.lang)
    said = code_words(e.code, w) if e.code else ""
    due = ""
    if e.due is not None:
        due_key = "card.due.promise" if e.kind.startswith("promise") else "card.due.until"
        due = w[due_key].format(date=fmt.day(e.due))
    title = e.title or said or due
    more = [x for x in (said, due) if x and x != title]
    return EventItem(
        when=fmt.moment(e.at) if e.at is not None else fmt.day(e.on),
        group=EVENT_GROUPS.get(e.kind, "other"),
        kinds=timeline_filter(e.kind),
        label=w.get(f"card.event.{e.kind}", e.kind),
        title=title,
        amount="" if e.amount is None else fmt.money(e.amount, currency),
        by=e.by,
        detail=" — ".join([*more, *([e.detail] if e.detail else [])]),
    )
