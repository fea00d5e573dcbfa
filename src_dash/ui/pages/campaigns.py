"""Page "/campagnes": dunning campaigns (agir par critère).

Choose a scenario or criteria (company, sales rep, grade, minimum outstanding, minimum days late,
level) and preview, as of today, the messages proposed with their counts and totals and the
customers and items left out with the reason; open any message; prepare the campaign (a run
whose messages all wait for approval); approve all or some, reject some; send; follow the
delivery live; download the grouped PDF of the letters. `?items=1,2,3` starts from items chosen
on the open items page, `?run=<id>` opens a run.

The state keeps the criteria, the formatted page of proposals or messages shown and the counts;
`services.campaigns` does the work and checks the role and the portfolio on every call, so a
read-only user or a sales rep who sends the events by hand is refused.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import reflex as rx
from babel import Locale
from sqlalchemy.exc import SQLAlchemyError

from src_dash.clock import today as clock_today
from src_dash.dunning.letter_post import letter_state
from src_dash.dunning.scenarios import list_scenarios
from src_dash.services import campaigns
from src_dash.services.access import AccessDenied
from src_dash.services.campaigns import (
    CampaignCriteria,
    CampaignError,
    CampaignPreview,
    RunStatus,
    RunSummary,
)
from src_dash.services.customer_card import message_detail
from src_dash.services.customers import filter_options
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.choice import Choice
from src_dash.ui.components.data_table import TableColumn, data_table
from src_dash.ui.components.layout import as_of_line, page_frame, page_title
from src_dash.ui.components.letter_post import LetterPostState, letters_panel
from src_dash.ui.details import exclusion_detail
from src_dash.ui.i18n import Formats, t
from src_dash.ui.pages.customers import customer_href
from src_dash.ui.state import UiState

ROUTE = "/campagnes"
ALL = "all"
GRADES = campaigns.GRADES
LEVELS = [str(n) for n in campaigns.LEVELS]
DAY_STEPS = ("1", "15", "30", "45", "60", "90")
PROPOSALS_PAGE = 25
RUN_PAGE = 50
EXCLUSIONS_SHOWN = 100
POLL_SECONDS = 1.5
POLL_IDLE_LIMIT = 120  # polls without any change before the live follow-up gives up
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
CHANNEL_ICONS = {"email": "mail", "letter": "file-text", "phone": "phone"}
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class Chip:
    """A count shown as a badge: "Email 20", "Envoyé 3"."""

    key: str = ""
    label: str = ""
    count: str = ""
    color: str = "gray"


@dataclasses.dataclass
class ProposalRow:
    """A proposed message, formatted."""

    key: str = ""
    href: str = ""
    title: str = ""
    subtitle: str = ""
    channel: str = ""
    channel_label: str = ""
    level_label: str = ""
    items_text: str = ""
    total_text: str = ""
    to_text: str = ""
    checked: bool = True


@dataclasses.dataclass
class ReasonRow:
    """Why some are left out: the reason, how many, what they owe."""

    reason: str = ""
    label: str = ""
    count_text: str = ""
    amount_text: str = ""


@dataclasses.dataclass
class RunRow:
    """A message (or a call) of a run, formatted."""

    row_id: str = ""
    message_id: int = 0
    href: str = ""
    title: str = ""
    subtitle: str = ""
    channel: str = ""
    channel_label: str = ""
    level_label: str = ""
    subject: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    total_text: str = ""
    to_text: str = ""
    when: str = ""
    answer: str = ""
    checkable: bool = False
    checked: bool = False


@dataclasses.dataclass
class RecentRow:
    """A recent run in the list."""

    run: str = ""
    title: str = ""
    subtitle: str = ""
    chips: list[Chip] = dataclasses.field(default_factory=list)


def _words(lang: str) -> dict[str, str]:
    return i18n.CATALOG[i18n.normalise_lang(lang)]


def _level_label(level: int, w: dict[str, str]) -> str:
    return w.get(f"camp.level.{level}", str(level))


def _channel_label(channel: str, w: dict[str, str]) -> str:
    return w.get(f"camp.channel.{channel}", channel)


def _amount(text: str) -> Decimal | None:
    cleaned = text
    for space in ("\u00a0", "\u202f", " "):
        cleaned = cleaned.replace(space, "")
    cleaned = cleaned.replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value < 0:
        raise ValueError(text)
    return value


def proposal_rows(found: CampaignPreview, fmt: Formats) -> list[ProposalRow]:
    """The proposals of a preview, formatted."""
    w = _words(fmt.lang)
    return [
        ProposalRow(
            key=p.key,
            href=customer_href(p.customer_id),
            title=p.customer_name,
            subtitle=" · ".join(x for x in (p.customer_number, p.scenario_name, p.step_name) if x),
            channel=p.channel,
            channel_label=_channel_label(p.channel, w),
            level_label=_level_label(p.level, w),
            items_text=_counted(w, "camp.items", p.items, fmt),
            total_text=fmt.money(p.total, p.currency),
            to_text=", ".join((*p.to, *p.cc)),
        )
        for p in found.proposals
    ]


def _counted(w: dict[str, str], key: str, n: int, fmt: Formats) -> str:
    """ "1 client", "3 clients": the form the locale's plural rule picks (0: singular in French)."""
    form = "one" if Locale.parse(fmt.locale).plural_form(n) == "one" else "n"
    return w[f"{key}_{form}"].format(n=fmt.count(n))


def reason_rows(found: CampaignPreview, fmt: Formats) -> list[ReasonRow]:
    """The reasons of the exclusions, customers then items, each counted once in its unit (the
    customers' add up to the customers left out, the items' to the items left out)."""
    w = _words(fmt.lang)
    out = []
    for unit, key in ((found.customer_counts, "camp.customers"), (found.item_counts, "camp.items")):
        for r in unit.reasons:
            out.append(
                ReasonRow(
                    reason=r.reason,
                    label=w.get(f"camp.reason.{r.reason}", r.reason),
                    count_text=_counted(w, key, r.count, fmt),
                    amount_text=fmt.money(r.amount, r.currency),
                )
            )
    return out


def campaign_name(
    scenarios: tuple[str, ...], levels: tuple[int, ...], day: date | None, fmt: Formats
) -> str:
    """A run's name: "<scenario> · <level> · <day>" ("PME · Relance 2 · 22/11/2026")."""
    w = _words(fmt.lang)
    parts = [
        " + ".join(scenarios) or w["camp.name.no_scenario"],
        " + ".join(_level_label(lv, w) for lv in levels) or "–",
    ]
    if day is not None:
        parts.append(fmt.day(day))
    return " · ".join(parts)


def data_text(at: datetime | None, stale: bool, fmt: Formats) -> str:
    """What data the run is checked against: "Données du 22/11/2026 09:14"."""
    w = _words(fmt.lang)
    if at is None:
        return w["camp.run.data_none"]
    text = w["camp.run.data"].format(when=fmt.moment(at))
    return f"{text} · {w['camp.run.data_stale']}" if stale else text


def exclusion_columns(lang: str) -> list[TableColumn]:
    """The columns of the table of what is left out."""
    w = _words(lang)
    return [
        TableColumn("customer", w["camp.col.customer"], "link", False, False),
        TableColumn("reason", w["camp.col.reason"], "badge", False, True),
        TableColumn("piece", w["camp.col.piece"], "text", False, True),
        TableColumn("detail", w["camp.col.detail"], "text", False, True),
        TableColumn("amount", w["camp.col.total"], "number", False, True),
    ]


def exclusion_rows(found: CampaignPreview, fmt: Formats) -> list[dict[str, str]]:
    """The first `EXCLUSIONS_SHOWN` exclusions as data table rows."""
    w = _words(fmt.lang)
    out = []
    for n, e in enumerate(found.exclusions[:EXCLUSIONS_SHOWN]):
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
                "detail": exclusion_detail(
                    e.reason,
                    e.detail,
                    fmt,
                    currency=e.currency,
                    amount=e.amount,
                    on=e.on,
                    note=e.note,
                    level=e.level,
                ),  # fmt: skip
                "amount": fmt.money(e.residual, e.currency),
            }
        )
    return out


def run_rows(status: RunStatus, fmt: Formats, checked: set[int]) -> list[RunRow]:
    """One page of a run's messages and calls, formatted."""
    w = _words(fmt.lang)
    out = []
    for m in status.page:
        held = m.message_id is not None and m.status == "held"
        out.append(
            RunRow(
                row_id=f"m{m.message_id}" if m.message_id is not None else f"a{m.action_id}",
                message_id=m.message_id or 0,
                href=customer_href(m.customer_id),
                title=m.customer_name,
                subtitle=m.customer_number,
                channel=m.channel,
                channel_label=_channel_label(m.channel, w),
                level_label=_level_label(m.level, w),
                subject=m.subject if m.message_id is not None else w["camp.run.call"],
                status=m.status,
                status_label=_status_label(m.channel, m.status, w),
                status_color=STATUS_COLORS.get(m.status, "gray"),
                total_text=fmt.money(m.total, m.currency) if m.message_id is not None else "",
                to_text=", ".join(m.to),
                when=fmt.moment(m.sent_at) if m.sent_at else m.leaves,
                answer=m.server_answer if m.status in ("failed", "bounced", "uncertain") else "",
                checkable=held,
                checked=held and m.message_id in checked,
            )
        )
    return out


def _status_label(channel: str, status: str, w: dict[str, str]) -> str:
    """A message's status in words; a letter's is to print, printed or posted."""
    state = letter_state(channel, status)
    if state in ("to_print", "printed", "posted"):
        return w[f"letters.{state}"]
    return w.get(f"camp.status.{status}", status)


def status_chips(counts: dict[str, int], fmt: Formats) -> list[Chip]:
    """How many messages are in each status, in the outbox's order."""
    w = _words(fmt.lang)
    return [
        Chip(s, w.get(f"camp.status.{s}", s), fmt.count(counts[s]), STATUS_COLORS.get(s, "gray"))
        for s in (*STATUS_ORDER, *sorted(set(counts) - set(STATUS_ORDER)))
        if counts.get(s)
    ]


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


class CampaignsState(rx.State):
    """The campaign's criteria, its preview (one page of proposals), the run being followed."""

    loaded: bool = False
    allowed: bool = False
    error: str = ""
    as_of: str = ""

    scenario: str = ALL
    company: str = ALL
    sales_rep: str = ALL
    grades: list[str] = []
    min_amount: str = ""
    min_days: str = ALL
    level: str = ALL
    items: list[int] = []
    amount_error: bool = False
    scenario_options: list[Choice] = []
    company_options: list[Choice] = []
    rep_options: list[Choice] = []

    previewing: bool = False
    has_preview: bool = False
    kpis: dict[str, str] = {}
    totals: list[str] = []
    channel_chips: list[Chip] = []
    level_chips: list[Chip] = []
    rows: list[ProposalRow] = []
    prop_page: int = 0
    prop_pages: int = 1
    proposals: int = 0
    unchecked: list[str] = []
    checked_text: str = ""
    reasons: list[ReasonRow] = []
    exclusion_header: list[TableColumn] = []
    exclusions: list[dict[str, str]] = []
    exclusions_more: str = ""
    show_exclusions: bool = False
    drafting: bool = False

    run: str = ""
    run_title: str = ""
    run_subtitle: str = ""
    run_chips: list[Chip] = []
    run_rows: list[RunRow] = []
    run_page: int = 0
    run_pages: int = 1
    run_checked: list[int] = []
    held: int = 0
    in_flight: int = 0
    letters: int = 0
    progress: int = 0
    progress_text: str = ""
    run_totals: list[str] = []
    run_data: str = ""  # "Données du 22/11/2026 09:14": the data the run is checked against
    run_data_stale: bool = False
    live: bool = False
    sending: bool = False
    busy: str = ""

    msg_open: bool = False
    msg_subject: str = ""
    msg_channel: str = ""
    msg_to: str = ""
    msg_cc: str = ""
    msg_html: str = ""
    msg_text: str = ""

    recent: list[RecentRow] = []

    _criteria: CampaignCriteria | None = None
    _lines: list[ProposalRow] = []
    _polling: bool = False

    @rx.var
    def has_prev(self) -> bool:
        """Whether there is a page of proposals before this one."""
        return self.prop_page > 0

    @rx.var
    def has_next(self) -> bool:
        """Whether there is a page of proposals after this one."""
        return self.prop_page + 1 < self.prop_pages

    @rx.var
    def run_has_prev(self) -> bool:
        """Whether there is a page of the run before this one."""
        return self.run_page > 0

    @rx.var
    def run_has_next(self) -> bool:
        """Whether there is a page of the run after this one."""
        return self.run_page + 1 < self.run_pages

    @rx.var
    def checked_count(self) -> int:
        """How many proposals are ticked."""
        return max(0, self.proposals - len(self.unchecked))

    async def _fail(self, exc: Exception) -> str:
        """The words for an error a service raised."""
        fmt = await current_formats(self)
        if isinstance(exc, AccessDenied):
            return i18n.text("camp.error.denied", fmt.lang)
        if isinstance(exc, CampaignError):
            return i18n.text("camp.error", fmt.lang).format(detail=str(exc))
        logger.error("a campaign step failed: %s", exc)
        return i18n.text("camp.error.store", fmt.lang)

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: the choices, the recent runs, `?items=` / `?run=`."""
        who = await current_viewer(self)
        if who is None:
            self.loaded = False
            return
        fmt = await current_formats(self)
        engine = get_engine()
        self.as_of = fmt.day(clock_today())
        self.allowed = who.can_work
        self.error = ""
        self.msg_open = False
        query = self.router.url.query_parameters
        try:
            if self.allowed:
                options = await asyncio.to_thread(filter_options, engine, who)
                scenarios = await asyncio.to_thread(list_scenarios, engine, True)
                self.company_options = [Choice(c.value, c.label) for c in options.companies]
                self.rep_options = [
                    Choice(c.value, c.label) for c in options.sales_reps if c.value != "0"
                ]
                self.scenario_options = [
                    Choice(str(s.id), s.name) for s in scenarios if s.id is not None
                ]
                wanted = campaigns.parse_entry_ids(query.get("items"))
                if wanted:
                    self.items = list(wanted)
            await self._load_recent(who, fmt)
        except (AccessDenied, CampaignError, SQLAlchemyError) as exc:
            self.error = await self._fail(exc)
        self.loaded = True
        run = (query.get("run") or "").strip()
        if run and run != self.run:
            self.run = run
            self.run_page = 0
            self.run_checked = []
        if self.run:
            await self._refresh_run()
        elif self.has_preview and self._criteria is not None:
            await self._preview(self._criteria)
        elif self.items and self.allowed:
            await self._preview(self._build_criteria())

    async def _load_recent(self, who, fmt: Formats) -> None:  # noqa: ANN001
        found = await asyncio.to_thread(campaigns.recent_runs, get_engine(), who, 8)
        self.recent = recent_rows(found, fmt)

    def _build_criteria(self) -> CampaignCriteria:
        try:
            amount = _amount(self.min_amount)
            self.amount_error = False
        except ValueError:
            amount = None
            self.amount_error = True
        return CampaignCriteria(
            scenario_id=int(self.scenario) if self.scenario.isdigit() else None,
            company_id=int(self.company) if self.company.isdigit() else None,
            sales_rep_id=int(self.sales_rep) if self.sales_rep.isdigit() else None,
            grades=tuple(g for g in self.grades if g in GRADES),
            min_amount=amount,
            min_days_late=int(self.min_days) if self.min_days.isdigit() else None,
            level=int(self.level) if self.level.isdigit() else None,
            entry_ids=tuple(self.items),
        )

    @rx.event
    def set_scenario(self, value: str) -> None:
        """Only the customers of one scenario."""
        self.scenario = value or ALL

    @rx.event
    def set_company(self, value: str) -> None:
        """Only one company's customers."""
        self.company = value or ALL

    @rx.event
    def set_sales_rep(self, value: str) -> None:
        """Only one sales rep's customers."""
        self.sales_rep = value or ALL

    @rx.event
    def toggle_grade(self, grade: str) -> None:
        """Add or remove a score grade."""
        self.grades = sorted(set(self.grades) ^ {grade})

    @rx.event
    def set_min_amount(self, value: str) -> None:
        """The customers' minimum outstanding."""
        self.min_amount = value
        try:
            _amount(value)
            self.amount_error = False
        except ValueError:
            self.amount_error = True

    @rx.event
    def set_min_days(self, value: str) -> None:
        """The items' minimum days late."""
        self.min_days = value or ALL

    @rx.event
    def set_level(self, value: str) -> None:
        """Only one level (or the level the chosen items are sent at)."""
        self.level = value or ALL

    @rx.event
    def toggle_exclusions(self) -> None:
        """Show or hide the customers and items left out, one by one."""
        self.show_exclusions = not self.show_exclusions

    @rx.event
    def clear_items(self) -> None:
        """Forget the items chosen on the open items page."""
        self.items = []

    @rx.event
    def reset_criteria(self) -> None:
        """Back to every customer and level."""
        self.scenario = self.company = self.sales_rep = self.min_days = self.level = ALL
        self.grades = []
        self.min_amount = ""
        self.amount_error = False
        self.items = []

    async def _preview(self, criteria: CampaignCriteria) -> None:
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        try:
            found = await asyncio.to_thread(campaigns.preview, get_engine(), who, criteria)
        except (AccessDenied, CampaignError, SQLAlchemyError) as exc:
            self.error = await self._fail(exc)
            self.has_preview = False
            return
        w = _words(fmt.lang)
        self.error = ""
        self._criteria = criteria
        self._lines = proposal_rows(found, fmt)
        self.proposals = len(self._lines)
        self.unchecked = []
        self.prop_page = 0
        cust, items = found.customer_counts, found.item_counts
        self.kpis = {
            "messages": fmt.count(len(found.proposals)),
            "customers": fmt.count(cust.proposed),
            "customers_note": w["camp.kpi.of"].format(
                scope=fmt.count(cust.in_scope), excluded=fmt.count(cust.excluded)
            ),
            "items": fmt.count(items.proposed),
            "items_note": w["camp.kpi.of"].format(
                scope=fmt.count(items.in_scope), excluded=fmt.count(items.excluded)
            ),
            "excluded": fmt.count(cust.excluded),
            "excluded_note": _counted(w, "camp.items", items.excluded, fmt),
        }
        self.totals = [fmt.money(x.amount, x.currency) for x in found.totals] or [
            fmt.money(Decimal(0), "EUR")
        ]
        self.channel_chips = [
            Chip(c, _channel_label(c, w), fmt.count(n), "indigo")
            for c, n in sorted(found.by_channel.items())
        ]
        self.level_chips = [
            Chip(str(lv), _level_label(lv, w), fmt.count(n), "gray")
            for lv, n in found.by_level.items()
        ]
        self.reasons = reason_rows(found, fmt)
        self.exclusion_header = exclusion_columns(fmt.lang)
        self.exclusions = exclusion_rows(found, fmt)
        more = len(found.exclusions) - EXCLUSIONS_SHOWN
        self.exclusions_more = (
            w["camp.exclusions.more"].format(n=fmt.count(more)) if more > 0 else ""
        )
        self.has_preview = True
        self._show_proposals(fmt)

    def _show_proposals(self, fmt: Formats) -> None:
        pages = max(1, -(-len(self._lines) // PROPOSALS_PAGE))
        self.prop_pages = pages
        self.prop_page = max(0, min(self.prop_page, pages - 1))
        start = self.prop_page * PROPOSALS_PAGE
        off = set(self.unchecked)
        self.rows = [
            dataclasses.replace(r, checked=r.key not in off)
            for r in self._lines[start : start + PROPOSALS_PAGE]
        ]
        self.checked_text = _words(fmt.lang)["camp.selected"].format(
            n=fmt.count(self.proposals - len(off)), total=fmt.count(self.proposals)
        )

    @rx.event
    async def run_preview(self):  # noqa: ANN201  (yields to show the spinner)
        """Plan the campaign as of today and show what it would do."""
        if self.amount_error:
            return
        self.previewing = True
        self.run = ""
        yield
        await self._preview(self._build_criteria())
        self.previewing = False

    @rx.event
    async def proposals_page(self, step: int) -> None:
        """Show the previous (-1) or next (+1) page of proposals."""
        self.prop_page += int(step)
        self._show_proposals(await current_formats(self))

    @rx.event
    async def toggle_proposal(self, key: str) -> None:
        """Tick or untick a proposal."""
        self.unchecked = sorted(set(self.unchecked) ^ {key})
        self._show_proposals(await current_formats(self))

    @rx.event
    async def check_all(self, value: bool) -> None:
        """Tick (True) or untick (False) every proposal."""
        self.unchecked = [] if value else [r.key for r in self._lines]
        self._show_proposals(await current_formats(self))

    def _show_message(self, subject: str, channel: str, to, cc, html: str, text: str) -> None:  # noqa: ANN001
        self.msg_subject, self.msg_channel = subject, channel
        self.msg_to, self.msg_cc = ", ".join(to), ", ".join(cc)
        self.msg_html, self.msg_text = html, text
        self.msg_open = True

    @rx.event
    async def open_proposal(self, key: str) -> None:
        """Show the message a proposal would send, rendered now."""
        who = await current_viewer(self)
        if who is None or self._criteria is None:
            return
        try:
            m = await asyncio.to_thread(
                campaigns.preview_message, get_engine(), who, self._criteria, key
            )
        except (AccessDenied, CampaignError, SQLAlchemyError) as exc:
            self.error = await self._fail(exc)
            return
        self._show_message(m.subject, m.channel, m.to, m.cc, m.html, m.text)

    @rx.event
    async def open_message(self, message_id: int) -> None:
        """Show a message of the run as it is kept (before or after it went)."""
        who = await current_viewer(self)
        if who is None:
            return
        try:
            m = await asyncio.to_thread(message_detail, get_engine(), who, int(message_id))
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = await self._fail(exc)
            return
        self._show_message(m.subject, m.channel, m.to, m.cc, m.body_html, m.body_text)

    @rx.event
    def set_msg_open(self, value: bool) -> None:
        """Close the message."""
        self.msg_open = bool(value)

    @rx.event
    async def prepare(self):  # noqa: ANN201  (yields to show the spinner, then a toast)
        """Write the ticked proposals as a run whose messages wait for approval."""
        who = await current_viewer(self)
        if who is None or self._criteria is None:
            return
        fmt = await current_formats(self)
        off = set(self.unchecked)
        keys = [r.key for r in self._lines if r.key not in off]
        self.drafting = True
        yield
        try:
            draft = await asyncio.to_thread(
                campaigns.create_draft, get_engine(), who, self._criteria, keys
            )
        except (AccessDenied, CampaignError, SQLAlchemyError) as exc:
            self.error = await self._fail(exc)
            self.drafting = False
            return
        self.drafting = False
        self.error = ""
        self.has_preview = False
        self._lines, self.rows = [], []
        self.run, self.run_page, self.run_checked = draft.run, 0, []
        await self._refresh_run()
        await self._load_recent(who, fmt)
        w = _words(fmt.lang)
        text = w["camp.drafted"].format(n=fmt.count(draft.messages))
        if draft.errors:
            self.error = i18n.text("camp.error", fmt.lang).format(detail="; ".join(draft.errors))
        yield rx.toast.success(text)

    async def _refresh_run(self) -> RunStatus | None:
        """Read the run's counts and current page again (None when it cannot be read)."""
        who = await current_viewer(self)
        if who is None or not self.run:
            return None
        fmt = await current_formats(self)
        try:
            status = await asyncio.to_thread(
                campaigns.run_status, get_engine(), who, self.run, self.run_page, RUN_PAGE
            )
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = await self._fail(exc)
            self.run = ""
            return None
        w = _words(fmt.lang)
        held_here = {m.message_id for m in status.page if m.status == "held"}
        checked = {i for i in self.run_checked if i in held_here}
        self.run_checked = sorted(checked)
        self.run_page, self.run_pages = status.page_number, status.pages
        self.run_rows = run_rows(status, fmt, checked)
        self.run_chips = status_chips(status.counts, fmt)
        self.run_title = campaign_name(status.scenarios, status.levels, status.as_of, fmt)
        self.run_subtitle = w["camp.run"].format(
            when=fmt.moment(status.created_at) if status.created_at else status.run
        )
        self.run_data = data_text(status.data_at, status.stale, fmt)
        self.run_data_stale = status.stale
        self.held, self.in_flight, self.letters = status.held, status.in_flight, status.letters
        if status.letters:
            await (await self.get_state(LetterPostState)).refresh(self.run)
        live = status.messages - status.counts.get("cancelled", 0)
        sent = status.counts.get("sent", 0)
        self.progress = round(100 * sent / live) if live else 0
        self.progress_text = w["camp.run.progress"].format(
            done=fmt.count(sent), total=fmt.count(live)
        )
        self.run_totals = [fmt.money(x.amount, x.currency) for x in status.totals]
        return status

    @rx.event
    async def open_run(self, run: str):  # noqa: ANN201  (may start the live follow-up)
        """Show a run's messages and where they are."""
        self.run, self.run_page, self.run_checked = run, 0, []
        self.has_preview = False
        status = await self._refresh_run()
        if status is not None and status.in_flight:
            yield CampaignsState.poll_run

    @rx.event
    async def close_run(self) -> None:
        """Back to the criteria."""
        self.run = ""
        self.run_rows = []
        who = await current_viewer(self)
        if who is not None:
            await self._load_recent(who, await current_formats(self))

    @rx.event
    async def run_page_step(self, step: int) -> None:
        """Show the previous (-1) or next (+1) page of the run."""
        self.run_page = max(0, self.run_page + int(step))
        await self._refresh_run()

    @rx.event
    def toggle_message(self, message_id: int) -> None:
        """Tick or untick a message waiting for approval."""
        chosen = set(self.run_checked) ^ {int(message_id)}
        self.run_checked = sorted(chosen)
        self.run_rows = [
            dataclasses.replace(r, checked=r.checkable and r.message_id in chosen)
            for r in self.run_rows
        ]

    @rx.event
    def check_page(self, value: bool) -> None:
        """Tick (True) or untick (False) every message waiting on this page."""
        chosen = {r.message_id for r in self.run_rows if r.checkable} if value else set()
        self.run_checked = sorted(chosen)
        self.run_rows = [
            dataclasses.replace(r, checked=r.checkable and r.message_id in chosen)
            for r in self.run_rows
        ]

    async def _decide(self, action: str, every: bool):  # noqa: ANN202
        who = await current_viewer(self)
        fmt = await current_formats(self)
        if who is None or not self.run:
            return None
        ids = None if every else list(self.run_checked)
        if ids is not None and not ids:
            return rx.toast.warning(i18n.text("camp.run.nothing_selected", fmt.lang))
        service = campaigns.approve if action == "approve" else campaigns.cancel
        try:
            n = await asyncio.to_thread(service, get_engine(), who, self.run, ids)
        except (AccessDenied, CampaignError, SQLAlchemyError) as exc:
            self.error = await self._fail(exc)
            return rx.toast.error(self.error)
        self.error = ""
        self.run_checked = []
        status = await self._refresh_run()
        key = "camp.run.approved" if action == "approve" else "camp.run.rejected"
        events = [rx.toast.success(i18n.text(key, fmt.lang).format(n=fmt.count(n)))]
        if status is not None and status.in_flight:
            events.append(CampaignsState.poll_run)
        return events

    @rx.event
    async def approve_selected(self):  # noqa: ANN201
        """Approve the ticked messages: they are queued to be sent."""
        return await self._decide("approve", every=False)

    @rx.event
    async def approve_all(self):  # noqa: ANN201
        """Approve every message of the run still waiting."""
        return await self._decide("approve", every=True)

    @rx.event
    async def reject_selected(self):  # noqa: ANN201
        """Reject the ticked messages: cancelled, their items back to their level."""
        return await self._decide("cancel", every=False)

    @rx.event(background=True)
    async def send_run(self):  # noqa: ANN201
        """Send the approved messages now, following the delivery live meanwhile."""
        async with self:
            if self.sending or not self.run:
                return
            who = await current_viewer(self)
            fmt = await current_formats(self)
            if who is None:
                return
            run = self.run
            self.sending = True
            self.busy = ""
        yield CampaignsState.poll_run
        toast = None
        try:
            outcome = await asyncio.to_thread(campaigns.send, get_engine(), who, run)
        except (AccessDenied, CampaignError, SQLAlchemyError) as exc:
            async with self:
                self.error = await self._fail(exc)
                toast = rx.toast.error(self.error)
        else:
            w = _words(fmt.lang)
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
            failed = outcome.server_error or outcome.failed or outcome.bounced
            toast = rx.toast.warning(text) if failed else rx.toast.success(text)
        async with self:
            self.sending = False
            if self.run == run:
                await self._refresh_run()
        if toast is not None:
            yield toast

    @rx.event(background=True)
    async def poll_run(self):  # noqa: ANN201
        """Read the run's statuses every second or two while messages are on their way."""
        async with self:
            if self._polling or not self.run:
                return
            self._polling = True
            self.live = True
            run = self.run
        last: tuple = ()
        idle = 0
        try:
            while idle < POLL_IDLE_LIMIT:
                await asyncio.sleep(POLL_SECONDS)
                async with self:
                    if self.run != run:
                        break
                    status = await self._refresh_run()
                    if status is None:
                        break
                    if not status.in_flight and not self.sending:
                        break
                seen = tuple(sorted(status.counts.items()))
                idle = idle + 1 if seen == last else 0
                last = seen
        finally:
            async with self:
                self._polling = False
                self.live = False

    @rx.event
    async def download_letters(self):  # noqa: ANN201  (yields the file)
        """Download the run's letters in one PDF."""
        who = await current_viewer(self)
        if who is None or not self.run:
            return
        try:
            found = await asyncio.to_thread(campaigns.letters_pdf, get_engine(), who, self.run)
        except (AccessDenied, CampaignError, SQLAlchemyError, OSError) as exc:
            self.error = await self._fail(exc)
            yield rx.toast.error(self.error)
            return
        yield rx.download(data=found.data, filename=found.filename, mime_type="application/pdf")


def _w(key: str) -> rx.Var[str]:
    return t(key, UiState.lang)


def _labelled(key: str, child: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(_w(key), size="1", weight="medium", color_scheme="gray"),
        child,
        spacing="1",
        width="100%",
        min_width="0",
    )


def _select(
    key: str, options: rx.Var, value: rx.Var, on_change, id_: str, all_key: str = "camp.all"
) -> rx.Component:  # noqa: ANN001
    return _labelled(
        key,
        rx.select.root(
            rx.select.trigger(width="100%", id=id_),
            rx.select.content(
                rx.select.item(_w(all_key), value=ALL),
                rx.foreach(options, lambda c: rx.select.item(c.label, value=c.value)),
            ),
            value=value,
            on_change=on_change,
        ),
    )


def _grades() -> rx.Component:
    def grade(letter: str) -> rx.Component:
        on = CampaignsState.grades.contains(letter)
        return rx.button(
            letter,
            on_click=CampaignsState.toggle_grade(letter),
            variant=rx.cond(on, "solid", "soft"),
            color_scheme=rx.cond(on, "indigo", "gray"),
            size="2",
            type="button",
            id=f"grade-{letter}",
            aria_pressed=on,
        )

    return _labelled("camp.grades", rx.hstack(*[grade(g) for g in GRADES], spacing="1"))


def _items_chip() -> rx.Component:
    return rx.cond(
        CampaignsState.items.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("list-checks")),
            rx.flex(
                rx.text(
                    rx.text.span(CampaignsState.items.length(), weight="bold"),
                    " ",
                    _w("camp.items_chosen"),
                    size="2",
                    id="items-chosen",
                ),
                rx.button(
                    rx.icon("x", size=14),
                    _w("camp.items_clear"),
                    on_click=CampaignsState.clear_items,
                    variant="ghost",
                    size="1",
                    id="items-clear",
                ),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            width="100%",
            size="1",
        ),
    )


def _criteria() -> rx.Component:
    level_label = rx.cond(
        CampaignsState.items.length() > 0, _w("camp.level.forced"), _w("camp.level")
    )
    return rx.card(
        rx.vstack(
            rx.heading(_w("camp.criteria"), as_="h2", size="3"),
            _items_chip(),
            rx.grid(
                _select(
                    "camp.scenario",
                    CampaignsState.scenario_options,
                    CampaignsState.scenario,
                    CampaignsState.set_scenario,
                    "crit-scenario",
                ),
                _select(
                    "camp.company",
                    CampaignsState.company_options,
                    CampaignsState.company,
                    CampaignsState.set_company,
                    "crit-company",
                    "camp.all_f",
                ),
                _select(
                    "camp.sales_rep",
                    CampaignsState.rep_options,
                    CampaignsState.sales_rep,
                    CampaignsState.set_sales_rep,
                    "crit-sales-rep",
                ),
                _grades(),
                _labelled(
                    "camp.min_amount",
                    rx.input(
                        value=CampaignsState.min_amount,
                        on_change=CampaignsState.set_min_amount.debounce(300),
                        placeholder="0",
                        inputmode="decimal",
                        color_scheme=rx.cond(CampaignsState.amount_error, "red", "gray"),
                        width="100%",
                        id="crit-min-amount",
                    ),
                ),
                _labelled(
                    "camp.min_days",
                    rx.select.root(
                        rx.select.trigger(width="100%", id="crit-min-days"),
                        rx.select.content(
                            rx.select.item(_w("camp.all"), value=ALL),
                            *[rx.select.item(f"≥ {d}", value=d) for d in DAY_STEPS],
                        ),
                        value=CampaignsState.min_days,
                        on_change=CampaignsState.set_min_days,
                    ),
                ),
                rx.vstack(
                    rx.text(level_label, size="1", weight="medium", color_scheme="gray"),
                    rx.select.root(
                        rx.select.trigger(width="100%", id="crit-level"),
                        rx.select.content(
                            rx.select.item(_w("camp.any_level"), value=ALL),
                            *[rx.select.item(_w(f"camp.level.{lv}"), value=lv) for lv in LEVELS],
                        ),
                        value=CampaignsState.level,
                        on_change=CampaignsState.set_level,
                    ),
                    spacing="1",
                    width="100%",
                    min_width="0",
                ),
                columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                spacing="3",
                width="100%",
            ),
            rx.flex(
                rx.text(_w("camp.intro"), size="1", color_scheme="gray", flex="1"),
                rx.hstack(
                    rx.button(
                        rx.icon("eraser", size=14),
                        _w("camp.reset"),
                        on_click=CampaignsState.reset_criteria,
                        variant="ghost",
                        color_scheme="gray",
                        id="crit-reset",
                    ),
                    rx.button(
                        rx.icon("eye", size=16),
                        _w("camp.preview"),
                        on_click=CampaignsState.run_preview,
                        loading=CampaignsState.previewing,
                        disabled=CampaignsState.amount_error,
                        id="run-preview",
                    ),
                    spacing="3",
                    justify="end",
                    align="center",
                    width=rx.breakpoints(initial="100%", sm="auto"),
                ),
                spacing="3",
                align=rx.breakpoints(initial="stretch", sm="center"),
                width="100%",
                direction=rx.breakpoints(initial="column", sm="row"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="criteria",
    )


def _kpi(
    key: str, value: rx.Var, tone: str | None = None, note: rx.Var | None = None
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(_w(f"camp.kpi.{key}"), size="1", color_scheme="gray"),
            value,
            *(
                [rx.text(note, size="1", color_scheme="gray", id=f"kpi-{key}-note")]
                if note is not None
                else []
            ),
            spacing="1",
        ),
        min_width="0",
        id=f"kpi-{key}",
        data_testid="kpi",
    )


def _big(text: rx.Var, tone: str | None = None, **props) -> rx.Component:  # noqa: ANN003
    props.setdefault("data_testid", "kpi-value")
    return rx.text(
        text,
        size=rx.breakpoints(initial="4", md="5"),
        weight="bold",
        color_scheme=tone,
        white_space="nowrap",
        **props,
    )


def _chip(c: rx.Var) -> rx.Component:
    return rx.badge(
        c.label,
        rx.text.span(c.count, weight="bold"),
        color_scheme=c.color,
        variant="soft",
        size="2",
        data_testid="chip",
        data_key=c.key,
    )


def _proposal(r: rx.Var) -> rx.Component:
    return rx.flex(
        rx.checkbox(
            checked=r.checked,
            on_change=lambda _v: CampaignsState.toggle_proposal(r.key),
            size="2",
            margin_top="3px",
            aria_label=r.title,
        ),
        rx.vstack(
            rx.hstack(
                rx.link(
                    r.title,
                    href=r.href,
                    weight="bold",
                    size="2",
                    color_scheme="gray",
                    high_contrast=True,
                    underline="hover",
                ),
                rx.badge(_channel_icon(r.channel), r.channel_label, color_scheme="indigo"),
                rx.badge(r.level_label, variant="outline"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(r.subtitle, size="1", color_scheme="gray"),
            rx.cond(
                r.to_text != "",
                rx.text(r.to_text, size="1", color_scheme="gray", word_break="break-all"),
            ),
            spacing="1",
            min_width="0",
            flex="1",
        ),
        rx.vstack(
            rx.text(r.total_text, size="2", weight="bold", white_space="nowrap"),
            rx.text(r.items_text, size="1", color_scheme="gray", white_space="nowrap"),
            align="end",
            spacing="0",
        ),
        rx.icon_button(
            rx.icon("eye", size=16),
            on_click=CampaignsState.open_proposal(r.key),
            variant="soft",
            size="2",
            aria_label=_w("camp.open"),
            data_testid="open-proposal",
        ),
        spacing="3",
        align="start",
        width="100%",
        padding_y="10px",
        border_bottom="1px solid var(--gray-a4)",
        data_testid="proposal",
        data_key=r.key,
        data_channel=r.channel,
    )


def _channel_icon(channel: rx.Var[str]) -> rx.Component:
    return rx.match(
        channel,
        ("email", rx.icon("mail", size=12)),
        ("letter", rx.icon("file-text", size=12)),
        ("phone", rx.icon("phone", size=12)),
        rx.icon("circle", size=12),
    )


def _small_pager(
    label: rx.Var, has_prev: rx.Var, has_next: rx.Var, on_prev, on_next, id_: str
) -> rx.Component:  # noqa: ANN001
    return rx.cond(
        has_prev | has_next,
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                on_click=on_prev,
                disabled=~has_prev,
                variant="soft",
                id=f"{id_}-prev",
                aria_label="‹",
            ),
            rx.text(label, size="2"),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                on_click=on_next,
                disabled=~has_next,
                variant="soft",
                id=f"{id_}-next",
                aria_label="›",
            ),
            align="center",
            spacing="3",
            justify="center",
            width="100%",
        ),
    )


def _preview() -> rx.Component:
    s = CampaignsState
    return rx.vstack(
        rx.grid(
            _kpi("messages", _big(s.kpis["messages"], id="kpi-messages-value")),
            _kpi("customers", _big(s.kpis["customers"]), note=s.kpis["customers_note"]),
            _kpi("items", _big(s.kpis["items"]), note=s.kpis["items_note"]),
            _kpi(
                "total",
                rx.vstack(
                    rx.foreach(s.totals, lambda x: _big(x, data_testid="total-line")),
                    spacing="0",
                ),
            ),
            _kpi("excluded", _big(s.kpis["excluded"], "orange"), note=s.kpis["excluded_note"]),
            columns=rx.breakpoints(initial="2", sm="3", lg="5"),
            spacing="3",
            width="100%",
            id="preview-kpis",
        ),
        rx.flex(
            rx.foreach(s.channel_chips, _chip),
            rx.foreach(s.level_chips, _chip),
            spacing="2",
            wrap="wrap",
            id="preview-chips",
        ),
        rx.card(
            rx.vstack(
                rx.flex(
                    rx.heading(_w("camp.proposals"), as_="h2", size="3"),
                    rx.spacer(),
                    rx.cond(
                        s.proposals > 0,
                        rx.hstack(
                            rx.text(s.checked_text, size="2", color_scheme="gray", id="checked"),
                            rx.button(
                                _w("camp.select_all"),
                                on_click=CampaignsState.check_all(True),
                                variant="ghost",
                                size="1",
                            ),
                            rx.button(
                                _w("camp.select_none"),
                                on_click=CampaignsState.check_all(False),
                                variant="ghost",
                                size="1",
                                id="uncheck-all",
                            ),
                            spacing="2",
                            align="center",
                            wrap="wrap",
                        ),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                    width="100%",
                ),
                rx.cond(
                    s.proposals > 0,
                    rx.vstack(
                        rx.foreach(s.rows, _proposal),
                        _small_pager(
                            s.prop_page + 1,
                            s.has_prev,
                            s.has_next,
                            CampaignsState.proposals_page(-1),
                            CampaignsState.proposals_page(1),
                            "proposals-pager",
                        ),
                        spacing="0",
                        width="100%",
                        id="proposals",
                    ),
                    rx.text(_w("camp.proposals.empty"), size="2", color_scheme="gray"),
                ),
                rx.cond(
                    s.proposals > 0,
                    rx.flex(
                        rx.text(_w("camp.draft.hint"), size="1", color_scheme="gray", flex="1"),
                        rx.button(
                            rx.icon("file-check", size=16),
                            _w("camp.draft"),
                            rx.badge(s.checked_count, variant="solid", color_scheme="gray"),
                            on_click=CampaignsState.prepare,
                            loading=s.drafting,
                            disabled=s.checked_count == 0,
                            size="3",
                            id="prepare",
                        ),
                        spacing="3",
                        align="center",
                        width="100%",
                        direction=rx.breakpoints(initial="column-reverse", sm="row"),
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        rx.card(
            rx.vstack(
                rx.heading(_w("camp.exclusions"), as_="h2", size="3"),
                rx.cond(
                    s.reasons.length() > 0,
                    rx.vstack(
                        rx.foreach(
                            s.reasons,
                            lambda r: rx.flex(
                                rx.vstack(
                                    rx.badge(
                                        r.label,
                                        color_scheme="orange",
                                        variant="soft",
                                        white_space="normal",
                                    ),
                                    rx.text(r.count_text, size="1", color_scheme="gray"),
                                    spacing="1",
                                    min_width="0",
                                    flex="1",
                                ),
                                rx.text(
                                    r.amount_text, size="2", weight="medium", white_space="nowrap"
                                ),
                                spacing="3",
                                align="center",
                                width="100%",
                                padding_y="4px",
                                border_bottom="1px solid var(--gray-a3)",
                                data_testid="reason",
                                data_reason=r.reason,
                            ),
                        ),
                        spacing="2",
                        width="100%",
                        id="reasons",
                    ),
                    rx.text(_w("camp.exclusions.empty"), size="2", color_scheme="gray"),
                ),
                rx.cond(
                    s.exclusions.length() > 0,
                    rx.button(
                        rx.cond(
                            s.show_exclusions,
                            rx.icon("chevron-up", size=14),
                            rx.icon("chevron-down", size=14),
                        ),
                        rx.cond(
                            s.show_exclusions,
                            _w("camp.exclusions.hide"),
                            _w("camp.exclusions.show"),
                        ),
                        on_click=CampaignsState.toggle_exclusions,
                        variant="ghost",
                        size="2",
                        id="exclusions-toggle",
                        aria_expanded=s.show_exclusions,
                    ),
                ),
                rx.cond(
                    s.show_exclusions & (s.exclusions.length() > 0),
                    rx.vstack(
                        data_table(
                            s.exclusion_header,
                            s.exclusions,
                            table_id="exclusions",
                            empty_text=_w("camp.exclusions.empty"),
                        ),
                        rx.cond(
                            s.exclusions_more != "",
                            rx.text(s.exclusions_more, size="1", color_scheme="gray"),
                        ),
                        spacing="2",
                        width="100%",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="exclusions-card",
        ),
        spacing="3",
        width="100%",
        id="preview",
    )


def _run_row(r: rx.Var) -> rx.Component:
    return rx.flex(
        rx.cond(
            CampaignsState.allowed & r.checkable,
            rx.checkbox(
                checked=r.checked,
                on_change=lambda _v: CampaignsState.toggle_message(r.message_id),
                size="2",
                margin_top="3px",
                aria_label=r.title,
            ),
            rx.box(width="16px", flex_shrink="0"),
        ),
        rx.vstack(
            rx.hstack(
                rx.link(
                    r.title,
                    href=r.href,
                    weight="bold",
                    size="2",
                    color_scheme="gray",
                    high_contrast=True,
                    underline="hover",
                ),
                rx.text(r.subtitle, size="1", color_scheme="gray"),
                spacing="2",
                align="baseline",
                wrap="wrap",
            ),
            rx.hstack(
                rx.badge(_channel_icon(r.channel), r.channel_label, color_scheme="indigo"),
                rx.badge(r.level_label, variant="outline"),
                rx.badge(
                    r.status_label,
                    color_scheme=r.status_color,
                    variant="solid",
                    data_testid="status",
                    data_status=r.status,
                ),
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                r.message_id > 0,
                rx.el.button(
                    rx.text(r.subject, size="2", color_scheme="indigo", text_align="left"),
                    on_click=CampaignsState.open_message(r.message_id),
                    type="button",
                    style={"all": "unset", "cursor": "pointer", "maxWidth": "100%"},
                    data_testid="open-message",
                ),
                rx.text(r.subject, size="2", color_scheme="gray"),
            ),
            rx.cond(
                (r.to_text != "") | (r.when != ""),
                rx.text(
                    r.to_text,
                    rx.cond((r.to_text != "") & (r.when != ""), " · ", ""),
                    r.when,
                    size="1",
                    color_scheme="gray",
                    word_break="break-all",
                ),
            ),
            rx.cond(r.answer != "", rx.text(r.answer, size="1", color_scheme="red")),
            spacing="1",
            min_width="0",
            flex="1",
        ),
        rx.text(r.total_text, size="2", weight="bold", white_space="nowrap"),
        spacing="3",
        align="start",
        width="100%",
        padding_y="10px",
        border_bottom="1px solid var(--gray-a4)",
        data_testid="run-message",
        data_row_id=r.row_id,
        data_status=r.status,
    )


def _run_buttons() -> rx.Component:
    s = CampaignsState
    approve = rx.cond(
        s.held > 0,
        rx.fragment(
            rx.button(
                rx.icon("check-check", size=16),
                _w("camp.run.approve_all"),
                on_click=CampaignsState.approve_all,
                id="approve-all",
            ),
            rx.button(
                rx.icon("check", size=16),
                _w("camp.run.approve_selected"),
                on_click=CampaignsState.approve_selected,
                disabled=s.run_checked.length() == 0,
                variant="soft",
                id="approve-selected",
            ),
            rx.button(
                rx.icon("ban", size=16),
                _w("camp.run.reject_selected"),
                on_click=CampaignsState.reject_selected,
                disabled=s.run_checked.length() == 0,
                variant="soft",
                color_scheme="red",
                id="reject-selected",
            ),
        ),
    )
    send = rx.cond(
        (s.in_flight > 0) | s.sending,
        rx.button(
            rx.icon("send", size=16),
            _w("camp.run.send"),
            on_click=CampaignsState.send_run,
            disabled=s.sending,
            loading=s.sending,
            color_scheme="green",
            id="send",
        ),
    )
    return rx.flex(
        rx.cond(s.allowed, rx.fragment(approve, send)),
        rx.cond(
            s.letters > 0,
            rx.button(
                rx.icon("file-down", size=16),
                _w("camp.run.pdf"),
                on_click=CampaignsState.download_letters,
                variant="soft",
                color_scheme="gray",
                id="letters-pdf",
            ),
        ),
        spacing="2",
        wrap="wrap",
        width="100%",
        id="run-buttons",
    )


def _run() -> rx.Component:
    s = CampaignsState
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.heading(s.run_title, as_="h2", size="4", id="run-title"),
                    rx.text(s.run_subtitle, size="2", color_scheme="gray"),
                    rx.hstack(
                        rx.icon("database", size=14),
                        rx.text(s.run_data, size="2"),
                        spacing="1",
                        align="center",
                        color=rx.cond(s.run_data_stale, "var(--orange-11)", "var(--gray-11)"),
                        id="run-data",
                    ),
                    spacing="1",
                    min_width="0",
                ),
                rx.spacer(),
                rx.cond(
                    s.live,
                    rx.badge(
                        rx.spinner(size="1"),
                        _w("camp.run.live"),
                        color_scheme="green",
                        variant="soft",
                        id="live",
                    ),
                ),
                rx.icon_button(
                    rx.icon("x", size=16),
                    on_click=CampaignsState.close_run,
                    variant="ghost",
                    color_scheme="gray",
                    aria_label=_w("camp.run.close"),
                    id="close-run",
                ),
                spacing="2",
                align="start",
                width="100%",
            ),
            rx.vstack(
                rx.hstack(
                    rx.text(s.progress_text, size="2", weight="medium", id="run-progress"),
                    rx.spacer(),
                    rx.foreach(s.run_totals, lambda x: rx.text(x, size="2", weight="bold")),
                    width="100%",
                ),
                rx.progress(value=s.progress, max=100, width="100%"),
                spacing="2",
                width="100%",
            ),
            rx.flex(rx.foreach(s.run_chips, _chip), spacing="2", wrap="wrap", id="run-chips"),
            _run_buttons(),
            rx.cond(
                s.letters > 0,
                letters_panel(s.run, s.allowed, CampaignsState.run_page_step(0)),
            ),
            rx.cond(
                s.allowed & (s.held > 0),
                rx.hstack(
                    rx.checkbox(
                        on_change=CampaignsState.check_page,
                        id="check-page",
                    ),
                    rx.text(_w("camp.select_all"), size="1", color_scheme="gray"),
                    spacing="2",
                    align="center",
                ),
            ),
            rx.vstack(
                rx.foreach(s.run_rows, _run_row),
                spacing="0",
                width="100%",
                id="run-messages",
            ),
            _small_pager(
                s.run_page + 1,
                s.run_has_prev,
                s.run_has_next,
                CampaignsState.run_page_step(-1),
                CampaignsState.run_page_step(1),
                "run-pager",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="run",
    )


def _recent() -> rx.Component:
    s = CampaignsState

    def row(r: rx.Var) -> rx.Component:
        return rx.flex(
            rx.vstack(
                rx.text(r.title, size="2", weight="medium"),
                rx.text(r.subtitle, size="1", color_scheme="gray"),
                rx.flex(rx.foreach(r.chips, _chip), spacing="1", wrap="wrap"),
                spacing="1",
                min_width="0",
                flex="1",
            ),
            rx.button(
                _w("camp.recent.open"),
                rx.icon("chevron-right", size=14),
                on_click=CampaignsState.open_run(r.run),
                variant="soft",
                size="2",
                data_testid="open-run",
            ),
            spacing="3",
            align="center",
            width="100%",
            padding_y="8px",
            border_bottom="1px solid var(--gray-a4)",
            data_testid="recent-run",
            data_run=r.run,
        )

    return rx.card(
        rx.vstack(
            rx.heading(_w("camp.recent"), as_="h2", size="3"),
            rx.cond(
                s.recent.length() > 0,
                rx.vstack(rx.foreach(s.recent, row), spacing="0", width="100%"),
                rx.text(_w("camp.recent.empty"), size="2", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="recent-runs",
    )


def _message_dialog() -> rx.Component:
    s = CampaignsState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(s.msg_subject, id="message-subject"),
            rx.vstack(
                rx.match(
                    s.msg_channel,
                    (
                        "email",
                        rx.vstack(
                            rx.text(
                                rx.text.span(_w("camp.message.to"), " ", color_scheme="gray"),
                                s.msg_to,
                                size="2",
                                word_break="break-all",
                                id="message-to",
                            ),
                            rx.cond(
                                s.msg_cc != "",
                                rx.text(
                                    rx.text.span(_w("camp.message.cc"), " ", color_scheme="gray"),
                                    s.msg_cc,
                                    size="2",
                                    word_break="break-all",
                                ),
                            ),
                            spacing="1",
                        ),
                    ),
                    ("letter", rx.badge(rx.icon("file-text", size=12), _w("camp.message.letter"))),
                    ("phone", rx.text(_w("camp.message.call"), size="2")),
                    rx.fragment(),
                ),
                rx.cond(
                    s.msg_html != "",
                    # The body as the customer will read it, sandboxed: no script, form or link.
                    rx.el.iframe(
                        src_doc=s.msg_html,
                        sandbox="",
                        title=s.msg_subject,
                        width="100%",
                        height="55vh",
                        style={
                            "border": "1px solid var(--gray-a5)",
                            "borderRadius": "var(--radius-2)",
                            "background": "white",
                        },
                        id="message-body",
                    ),
                    rx.cond(
                        s.msg_text != "",
                        rx.box(
                            rx.text(s.msg_text, size="2", white_space="pre-wrap"),
                            max_height="55vh",
                            overflow_y="auto",
                            width="100%",
                            id="message-text",
                        ),
                    ),
                ),
                rx.hstack(
                    rx.spacer(),
                    rx.dialog.close(
                        rx.button(_w("camp.close"), variant="soft", color_scheme="gray")
                    ),
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="780px",
            width="100%",
            padding=rx.breakpoints(initial="14px", sm="24px"),
        ),
        open=s.msg_open,
        on_open_change=CampaignsState.set_msg_open,
    )


def campaigns_page() -> rx.Component:
    """Dunning campaigns: criteria, preview, draft run, approval, sending, live delivery."""
    s = CampaignsState
    return page_frame(
        rx.vstack(
            rx.vstack(
                page_title(_w("camp.title")),
                as_of_line(_w("camp.as_of"), s.as_of),
                spacing="1",
            ),
            rx.cond(
                s.error != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert")),
                    rx.callout.text(s.error),
                    color_scheme="red",
                    width="100%",
                    id="campaign-error",
                ),
            ),
            rx.cond(
                s.loaded,
                rx.vstack(
                    rx.cond(
                        s.allowed,
                        rx.cond(s.run == "", _criteria()),
                        rx.callout.root(
                            rx.callout.icon(rx.icon("lock")),
                            rx.callout.text(_w("camp.denied")),
                            color_scheme="gray",
                            width="100%",
                            id="campaigns-denied",
                        ),
                    ),
                    rx.cond(
                        s.run != "",
                        _run(),
                        rx.cond(s.allowed & s.has_preview, _preview()),
                    ),
                    rx.cond(s.run == "", _recent()),
                    spacing="4",
                    width="100%",
                ),
                rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
            ),
            _message_dialog(),
            spacing="4",
            width="100%",
        ),
        on_lang_change=CampaignsState.load,
    )
