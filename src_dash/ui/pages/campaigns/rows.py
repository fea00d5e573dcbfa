"""What /campagnes shows, formatted: the rows and texts built from what `services.campaigns`
returns, in the viewer's language and formats. Plain functions over plain data (no state, no
component), unit-tested under tests/ui/."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from decimal import Decimal

from babel import Locale

from src_dash.dunning.letter_post import letter_state
from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignPreview, RunStatus, RunSummary
from src_dash.ui.components import filter_values
from src_dash.ui.components.data_table import TableColumn
from src_dash.ui.details import exclusion_detail
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.rows import CustomerLine, Status
from src_dash.ui.kit.rows import catalog as words
from src_dash.ui.routes import customer_href

ALL = filter_values.ALL
GRADES = campaigns.GRADES
LEVELS = [str(n) for n in campaigns.LEVELS]
DAY_STEPS = ("1", "15", "30", "45", "60", "90")
PROPOSALS_PAGE = 25
RUN_PAGE = 50
EXCLUSIONS_SHOWN = 100
STATUS_COLORS = {
    "held": "amber",
    "queued": "blue",
    "sending": "blue",
    "handover": "blue",
    "sent": "green",
    "uncertain": "orange",
    "failed": "red",
    "bounced": "red",
    "cancelled": "gray",
    "proposed": "indigo",
    "approved": "indigo",
    "done": "green",
    "skipped": "gray",
}
STATUS_ORDER = ("held", "queued", "sending", "handover", "sent", "uncertain", "failed", "bounced",
                "cancelled")  # fmt: skip


@dataclasses.dataclass
class Chip:
    """A count shown as a badge: "Email 20", "Envoyé 3"."""

    key: str = ""
    label: str = ""
    count: str = ""
    color: str = "gray"


@dataclasses.dataclass
class MessageLine(CustomerLine):
    """What a proposal and a run's message both show: the customer (a link to its card), the
    channel, the level, the total, the addressees, and whether it is ticked."""

    subtitle: str = ""
    channel: str = ""
    channel_label: str = ""
    level_label: str = ""
    total_text: str = ""
    to_text: str = ""
    checked: bool = False


@dataclasses.dataclass
class ProposalRow(MessageLine):
    """A proposed message, formatted (ticked unless the user unticked it)."""

    key: str = ""
    items_text: str = ""
    checked: bool = True


@dataclasses.dataclass
class ReasonRow:
    """Why some are left out: the reason, how many, what they owe."""

    reason: str = ""
    label: str = ""
    count_text: str = ""
    amount_text: str = ""


@dataclasses.dataclass
class RunRow(MessageLine, Status):
    """A message (or a call) of a run, formatted; only a message waiting for approval can be
    ticked."""

    row_id: str = ""
    message_id: int = 0
    subject: str = ""
    status_label: str = ""
    when: str = ""
    answer: str = ""
    checkable: bool = False


@dataclasses.dataclass
class RecentRow:
    """A recent run in the list."""

    run: str = ""
    title: str = ""
    subtitle: str = ""
    chips: list[Chip] = dataclasses.field(default_factory=list)


def level_label(level: int, w: dict[str, str]) -> str:
    """ "Relance 2"."""
    return w.get(f"camp.level.{level}", str(level))


def channel_label(channel: str, w: dict[str, str]) -> str:
    """ "Email", "Courrier", "Appel"."""
    return w.get(f"camp.channel.{channel}", channel)


def parse_amount(text: str) -> Decimal | None:
    """A minimum amount typed in ("1 200,50"), read as the filters read theirs; None when empty;
    ValueError when unreadable or negative."""
    value = filter_values.parse_amount(text)
    if value is not None and value < 0:
        raise ValueError(text)
    return value


def counted(w: dict[str, str], key: str, n: int, fmt: Formats) -> str:
    """ "1 client", "3 clients": the form the locale's plural rule picks (0: singular in French)."""
    form = "one" if Locale.parse(fmt.locale).plural_form(n) == "one" else "n"
    return w[f"{key}_{form}"].format(n=fmt.count(n))


def money_lines(totals: tuple | list, fmt: Formats) -> list[str]:
    """Amounts per currency, one line each."""
    return [fmt.money(x.amount, x.currency) for x in totals]


def proposal_rows(found: CampaignPreview, fmt: Formats) -> list[ProposalRow]:
    """The proposals of a preview, formatted."""
    w = words(fmt.lang)
    return [
        ProposalRow(
            key=p.key,
            customer_id=p.customer_id,
            href=customer_href(p.customer_id),
            customer=p.customer_name,
            subtitle=" · ".join(x for x in (p.customer_number, p.scenario_name, p.step_name) if x),
            channel=p.channel,
            channel_label=channel_label(p.channel, w),
            level_label=level_label(p.level, w),
            items_text=counted(w, "camp.items", p.items, fmt),
            total_text=fmt.money(p.total, p.currency),
            to_text=", ".join((*p.to, *p.cc)),
        )
        for p in found.proposals
    ]


def preview_kpis(found: CampaignPreview, fmt: Formats) -> dict[str, str]:
    """The preview's key figures: messages, customers and items proposed (of how many in scope,
    how many left out), customers left out."""
    w = words(fmt.lang)
    cust, items = found.customer_counts, found.item_counts

    def of(unit) -> str:  # noqa: ANN001
        return w["camp.kpi.of"].format(
            scope=fmt.count(unit.in_scope), excluded=fmt.count(unit.excluded)
        )

    return {
        "messages": fmt.count(len(found.proposals)),
        "customers": fmt.count(cust.proposed),
        "customers_note": of(cust),
        "items": fmt.count(items.proposed),
        "items_note": of(items),
        "excluded": fmt.count(cust.excluded),
        "excluded_note": counted(w, "camp.items", items.excluded, fmt),
    }


def preview_totals(found: CampaignPreview, fmt: Formats) -> list[str]:
    """The preview's total per currency (zero euros when nothing is proposed)."""
    return money_lines(found.totals, fmt) or [fmt.money(Decimal(0), "EUR")]


def channel_chips(found: CampaignPreview, fmt: Formats) -> list[Chip]:
    """How many messages go by each channel."""
    w = words(fmt.lang)
    return [
        Chip(c, channel_label(c, w), fmt.count(n), "indigo")
        for c, n in sorted(found.by_channel.items())
    ]


def level_chips(found: CampaignPreview, fmt: Formats) -> list[Chip]:
    """How many messages go at each level."""
    w = words(fmt.lang)
    return [
        Chip(str(lv), level_label(lv, w), fmt.count(n), "gray") for lv, n in found.by_level.items()
    ]


def reason_rows(found: CampaignPreview, fmt: Formats) -> list[ReasonRow]:
    """The reasons of the exclusions, customers then items, each counted once in its unit (the
    customers' add up to the customers left out, the items' to the items left out)."""
    w = words(fmt.lang)
    out = []
    for unit, key in ((found.customer_counts, "camp.customers"), (found.item_counts, "camp.items")):
        for r in unit.reasons:
            out.append(
                ReasonRow(
                    reason=r.reason,
                    label=w.get(f"camp.reason.{r.reason}", r.reason),
                    count_text=counted(w, key, r.count, fmt),
                    amount_text=fmt.money(r.amount, r.currency),
                )
            )
    return out


def campaign_name(
    scenarios: tuple[str, ...], levels: tuple[int, ...], day: date | None, fmt: Formats
) -> str:
    """A run's name: "<scenario> · <level> · <day>" ("PME · Relance 2 · 22/11/2026")."""
    w = words(fmt.lang)
    parts = [
        " + ".join(scenarios) or w["camp.name.no_scenario"],
        " + ".join(level_label(lv, w) for lv in levels) or "–",
    ]
    if day is not None:
        parts.append(fmt.day(day))
    return " · ".join(parts)


def data_text(at: datetime | None, stale: bool, fmt: Formats) -> str:
    """What data the run is checked against: "Données du 22/11/2026 09:14"."""
    w = words(fmt.lang)
    if at is None:
        return w["camp.run.data_none"]
    text = w["camp.run.data"].format(when=fmt.moment(at))
    return f"{text} · {w['camp.run.data_stale']}" if stale else text


def exclusion_columns(lang: str) -> list[TableColumn]:
    """The columns of the table of what is left out."""
    w = words(lang)
    return [
        TableColumn("customer", w["camp.col.customer"], "link", False, False),
        TableColumn("reason", w["camp.col.reason"], "badge", False, True),
        TableColumn("piece", w["camp.col.piece"], "text", False, True),
        TableColumn("detail", w["camp.col.detail"], "text", False, True),
        TableColumn("amount", w["camp.col.total"], "number", False, True),
    ]


def exclusion_rows(found: CampaignPreview, fmt: Formats) -> list[dict[str, str]]:
    """The first `EXCLUSIONS_SHOWN` exclusions as data table rows."""
    w = words(fmt.lang)
    out = []
    for n, e in enumerate(found.exclusions[:EXCLUSIONS_SHOWN]):
        detail = exclusion_detail(
            e.reason,
            e.detail,
            fmt,
            currency=e.currency,
            amount=e.amount,
            on=e.on,
            note=e.note,
            level=e.level,
        )
        out.append(
            {
                "_id": str(n),
                "_href": customer_href(e.customer_id),
                "_title": e.customer_name,
                "_subtitle": e.customer_number,
                "customer": f"{e.customer_number} · {e.customer_name}",
                "reason": w.get(f"camp.reason.{e.reason}", e.reason),
                "_color.reason": "orange" if e.entry_id is not None else "gray",
                "piece": e.piece,
                "detail": detail,
                "amount": fmt.money(e.residual, e.currency),
            }
        )
    return out


def exclusions_more(found: CampaignPreview, fmt: Formats) -> str:
    """ "… and 12 more" when more are left out than the table shows."""
    more = len(found.exclusions) - EXCLUSIONS_SHOWN
    return words(fmt.lang)["camp.exclusions.more"].format(n=fmt.count(more)) if more > 0 else ""


def selected_text(checked: int, total: int, fmt: Formats) -> str:
    """ "12 sur 20 sélectionnés"."""
    return words(fmt.lang)["camp.selected"].format(n=fmt.count(checked), total=fmt.count(total))


def status_label(channel: str, status: str, w: dict[str, str]) -> str:
    """A message's status in words; a letter's is to print, printed or posted."""
    state = letter_state(channel, status)
    if state in ("to_print", "printed", "posted"):
        return w[f"letters.{state}"]
    return w.get(f"camp.status.{status}", status)


def run_rows(status: RunStatus, fmt: Formats, checked: set[int]) -> list[RunRow]:
    """One page of a run's messages and calls, formatted."""
    w = words(fmt.lang)
    out = []
    for m in status.page:
        is_message = m.message_id is not None
        held = is_message and m.status == "held"
        out.append(
            RunRow(
                row_id=f"m{m.message_id}" if is_message else f"a{m.action_id}",
                message_id=m.message_id or 0,
                customer_id=m.customer_id,
                href=customer_href(m.customer_id),
                customer=m.customer_name,
                subtitle=m.customer_number,
                channel=m.channel,
                channel_label=channel_label(m.channel, w),
                level_label=level_label(m.level, w),
                subject=m.subject if is_message else w["camp.run.call"],
                status=m.status,
                status_label=status_label(m.channel, m.status, w),
                status_color=STATUS_COLORS.get(m.status, "gray"),
                total_text=fmt.money(m.total, m.currency) if is_message else "",
                to_text=", ".join(m.to),
                when=fmt.moment(m.sent_at) if m.sent_at else m.leaves,
                answer=m.server_answer if m.status in ("failed", "bounced", "uncertain") else "",
                checkable=held,
                checked=held and m.message_id in checked,
            )
        )
    return out


def status_chips(counts: dict[str, int], fmt: Formats) -> list[Chip]:
    """How many messages are in each status, in the outbox's order."""
    w = words(fmt.lang)
    return [
        Chip(s, w.get(f"camp.status.{s}", s), fmt.count(counts[s]), STATUS_COLORS.get(s, "gray"))
        for s in (*STATUS_ORDER, *sorted(set(counts) - set(STATUS_ORDER)))
        if counts.get(s)
    ]


def run_subtitle(status: RunStatus, fmt: Formats) -> str:
    """ "Campagne préparée le 22/11/2026 09:14"."""
    when = fmt.moment(status.created_at) if status.created_at else status.run
    return words(fmt.lang)["camp.run"].format(when=when)


def run_progress(status: RunStatus, fmt: Formats) -> tuple[int, str]:
    """The share of the run's messages sent (cancelled ones left aside), as a percentage and in
    words ("3 sur 20 envoyés")."""
    live = status.messages - status.counts.get("cancelled", 0)
    sent = status.counts.get("sent", 0)
    text = words(fmt.lang)["camp.run.progress"].format(done=fmt.count(sent), total=fmt.count(live))
    return (round(100 * sent / live) if live else 0), text


def send_outcome(outcome: campaigns.SendOutcome, fmt: Formats) -> tuple[str, bool]:
    """What a send did, in words, and whether it deserves a warning (a server error, a message
    failed or bounced)."""
    w = words(fmt.lang)
    if outcome.busy:
        text = w["camp.run.busy"]
    elif outcome.server_error:
        text = w["camp.run.server"].format(detail=outcome.server_error)
    else:
        text = w["camp.run.sent"].format(
            sent=fmt.count(outcome.sent),  # letters count once posted
            failed=fmt.count(outcome.failed + outcome.bounced),
        )
    if outcome.synced:
        text += " " + w["camp.run.synced"].format(codes=", ".join(outcome.synced))
    return text, bool(outcome.server_error or outcome.failed or outcome.bounced)


def recent_rows(found: list[RunSummary], fmt: Formats) -> list[RecentRow]:
    """The recent runs, formatted."""
    return [
        RecentRow(
            run=r.run,
            title=campaign_name(r.scenarios, r.levels, r.as_of, fmt),
            subtitle=fmt.moment(r.created_at) if r.created_at else r.run,
            chips=status_chips(r.counts, fmt),
        )
        for r in found
    ]
