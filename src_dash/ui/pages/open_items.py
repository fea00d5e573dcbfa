"""Page "/echeances": follow-up by due date (suivre par échéance).

Every open item of the viewer's customers with its due date, days late, the level reached, the
last action, a promise or a dispute; filtered, sorted and paged on the server
(`services.open_items`). Each row has its inline actions (`components.item_actions`): dun now,
promise, dispute, comment, stop or resume, call; after one, only that row is read again
(`services.dun_now.item_status`), so it refreshes at once. Rows may be selected to start a
campaign on them (`/campagnes?items=1,2,3`).

Only admins and collectors see the actions and the selection; read-only users and sales reps see
the rows only (a sales rep comments on the customer card). Hiding is only cosmetic: the handlers
and the services check the viewer's role and scope again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import date
from decimal import Decimal, InvalidOperation

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.services.access import AccessDenied
from src_dash.services.dun_now import ItemStatus, item_status, warm_previews
from src_dash.services.followup import InvalidInput
from src_dash.services.open_items import (
    FilterChoices,
    OpenItemFilters,
    OpenItemRow,
    OpenItemsPage,
    filter_choices,
    open_items,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.choice import Choice
from src_dash.ui.components.data_table import pager
from src_dash.ui.components.filters import ALL, free_field_filter
from src_dash.ui.components.item_actions import (
    item_dialogs,
    level_name,
    refresh_rows_of,
    row_menu,
)
from src_dash.ui.components.layout import as_of_line, page_frame, page_title
from src_dash.ui.i18n import Formats, t
from src_dash.ui.state import UiState

ROUTE = "/echeances"
CAMPAIGNS_ROUTE = "/campagnes"
CUSTOMERS_ROUTE = "/clients"
NONE = "none"
PAGE_SIZES = ("25", "50", "100")
DAY_STEPS = ("1", "30", "60", "90", "120")
LEVEL_CHOICES = ("0", "1", "2", "3", "4", "5")
GRADES = ("A", "B", "C", "D", "E")
GRADE_COLORS = {"A": "green", "B": "teal", "C": "amber", "D": "orange", "E": "red"}
LEVEL_COLORS = {0: "gray", 1: "yellow", 2: "amber", 3: "orange", 4: "red", 5: "crimson"}
STATE_COLORS = {"disputed": "orange", "promised": "blue", "stopped": "gray", "none": "gray"}
# Sorts that read best from the largest first.
DESCENDING_FIRST = ("residual", "level", "last_action", "days_late")
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class ItemRow:
    """One row of the table, formatted on the server."""

    entry_id: int = 0
    customer_id: int = 0
    href: str = ""
    customer: str = ""
    number: str = ""
    company: str = ""
    piece: str = ""
    reference: str = ""
    journal: str = ""
    due: str = ""
    days: str = ""
    days_tone: str = "gray"
    residual: str = ""
    negative: bool = False
    level: int = 0
    level_text: str = ""
    level_color: str = "gray"
    last_action: str = ""
    last_on: str = ""
    state: str = "none"
    state_text: str = ""
    state_color: str = "gray"
    item_stopped: bool = False
    doubtful: bool = False


def _days_text(days: int, fmt: Formats) -> tuple[str, str]:
    unit = i18n.text("unit.days", fmt.lang)
    if days < 0:
        later = unit.format(value=fmt.count(-days))
        return i18n.text("items.in_days", fmt.lang).format(days=later), "gray"
    tone = "red" if days > 30 else ("orange" if days > 0 else "gray")
    return unit.format(value=fmt.count(days)), tone


def last_action_text(value: str, lang: str) -> str:
    """ "Appel · joint", "Relance", ... from the service's "kind[:outcome]"."""
    if not value:
        return ""
    kind, _, outcome = value.partition(":")
    words = i18n.CATALOG[i18n.normalise_lang(lang)]
    text = words.get(f"items.last.{kind}", kind.replace("_", " "))
    if outcome:
        text += " · " + words.get(f"items.outcome.{outcome}", outcome.replace("_", " "))
    return text


def status_cells(s: OpenItemRow | ItemStatus, item_stopped: bool, fmt: Formats) -> dict:
    """The cells of a row that inline actions change (level, last action, promise, dispute)."""
    if s.state == "disputed":
        text = i18n.text("items.dispute", fmt.lang)
        if s.dispute_reason:
            text = f"{text} · {s.dispute_reason}"
    elif s.state == "promised" and s.promised_on is not None:
        text = i18n.text("items.promise", fmt.lang).format(date=fmt.day(s.promised_on))
    elif s.state == "stopped":
        if s.stop_until is not None:
            text = i18n.text("items.stopped_until", fmt.lang).format(date=fmt.day(s.stop_until))
        else:
            text = i18n.text("items.stopped", fmt.lang)
    else:
        text = ""
    return {
        "level": s.level,
        "level_text": level_name(s.level, fmt.lang),
        "level_color": LEVEL_COLORS.get(min(max(s.level, 0), 5), "gray"),
        "last_action": last_action_text(s.last_action, fmt.lang),
        "last_on": fmt.day(s.last_action_on) if s.last_action_on else "",
        "state": s.state,
        "state_text": text,
        "state_color": STATE_COLORS.get(s.state, "gray"),
        "item_stopped": item_stopped,
    }


def format_row(r: OpenItemRow, item_stopped: bool, fmt: Formats) -> ItemRow:
    """A service row, formatted for the table."""
    days, tone = _days_text(r.days_late, fmt)
    due = r.due_date or r.posting_date
    return ItemRow(
        entry_id=r.entry_id,
        customer_id=r.customer_id,
        href=f"{CUSTOMERS_ROUTE}/{r.customer_id}",
        customer=r.customer_name,
        number=r.customer_number,
        company=r.company_code,
        piece=r.piece or r.reference or str(r.entry_id),
        reference=r.reference if r.reference != r.piece else "",
        journal=r.journal,
        due=fmt.day(due),
        days=days,
        days_tone=tone if r.residual > 0 else "gray",
        residual=fmt.money(r.residual, r.currency if r.residual_currency is None else ""),
        negative=r.residual < 0,
        doubtful=r.doubtful,
        **status_cells(r, item_stopped, fmt),
    )


def _amount(text: str) -> Decimal | None:
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def _free_pairs(field: str, value: str) -> tuple[tuple[str, str], ...]:
    """A free-field filter's (name, text) pair, once a field is chosen and a text typed."""
    if field != ALL and value.strip():
        return ((field, value.strip()),)
    return ()


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@refresh_rows_of
class OpenItemsState(rx.State):
    """The query of the table, the current page formatted, the selection."""

    search: str = ""
    company: str = ALL
    sales_rep: str = ALL
    profile: str = ALL
    grades: list[str] = []
    levels: list[str] = []
    journal: str = ALL
    item_state: str = ALL
    doubtful: str = ALL  # ALL, "only" or "without" the doubtful receivables (416)
    min_days: str = ALL
    due_from: str = ""
    due_to: str = ""
    min_amount: str = ""
    max_amount: str = ""
    free_field: str = ALL
    free_value: str = ""
    entry_free_field: str = ALL
    entry_free_value: str = ""
    sort: str = "due_date"
    descending: bool = False
    page: int = 0
    page_size: str = "25"
    show_filters: bool = False

    rows: list[ItemRow] = []
    selected: list[int] = []
    pages: int = 1
    total_text: str = ""
    totals_text: str = ""
    page_text: str = ""
    as_of: str = ""
    loaded: bool = False
    error: str = ""
    amount_error: bool = False
    can_work: bool = False
    selected_text: str = ""

    company_options: list[Choice] = []
    rep_options: list[Choice] = []
    profile_options: list[Choice] = []
    journal_options: list[str] = []
    free_fields: list[str] = []
    entry_free_fields: list[str] = []

    @rx.var
    def active_filters(self) -> int:
        """How many filters narrow the view (the search box aside)."""
        return sum(
            [
                self.company != ALL,
                self.sales_rep != ALL,
                self.profile != ALL,
                bool(self.grades),
                bool(self.levels),
                self.journal != ALL,
                self.item_state != ALL,
                self.doubtful != ALL,
                self.min_days != ALL,
                bool(self.due_from or self.due_to),
                bool(self.min_amount or self.max_amount),
                bool(_free_pairs(self.free_field, self.free_value)),
                bool(_free_pairs(self.entry_free_field, self.entry_free_value)),
            ]
        )

    @rx.var
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 0

    @rx.var
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page + 1 < self.pages

    @rx.var
    def campaign_href(self) -> str:
        """The campaigns page on the selected items."""
        return f"{CAMPAIGNS_ROUTE}?items={','.join(str(i) for i in self.selected)}"

    @rx.var
    def page_selected(self) -> bool:
        """Whether every row of the page is selected."""
        chosen = set(self.selected)
        return bool(self.rows) and all(r.entry_id in chosen for r in self.rows)

    def _filters(self) -> OpenItemFilters:
        try:
            low, high = _amount(self.min_amount), _amount(self.max_amount)
            self.amount_error = False
        except ValueError:
            low = high = None
            self.amount_error = True
        min_days = max_days = None
        if self.min_days == "not_due":
            max_days = 0
        elif self.min_days == "1":
            min_days = 1
        elif self.min_days.isdigit():
            min_days = int(self.min_days) + 1
        profiles: tuple[str, ...] = ()
        if self.profile == NONE:
            profiles = ("",)
        elif self.profile != ALL:
            profiles = (self.profile,)
        return OpenItemFilters(
            company_ids=(int(self.company),) if self.company.isdigit() else (),
            sales_rep_ids=(int(self.sales_rep),) if self.sales_rep.isdigit() else (),
            profiles=profiles,
            grades=tuple(g for g in self.grades if g in GRADES),
            min_days_late=min_days,
            max_days_late=max_days,
            min_residual=low,
            max_residual=high,
            levels=tuple(int(v) for v in self.levels if v.isdigit()),
            journals=(self.journal,) if self.journal != ALL else (),
            due_from=_day(self.due_from),
            due_to=_day(self.due_to),
            states=(self.item_state,) if self.item_state != ALL else (),
            free_fields=_free_pairs(self.free_field, self.free_value),
            entry_free_fields=_free_pairs(self.entry_free_field, self.entry_free_value),
            search=self.search.strip(),
            doubtful={"only": True, "without": False}.get(self.doubtful),
        )

    def _show_choices(self, found: FilterChoices, lang: str) -> None:
        self.company_options = [
            Choice(str(i), f"{code} · {name}") for i, code, name in found.companies
        ]
        self.rep_options = [Choice(str(i), name) for i, name in found.sales_reps]
        none = i18n.text("items.filter.no_profile", lang)
        self.profile_options = [Choice(NONE, none)] + [Choice(p, p) for p in found.profiles]
        self.journal_options = list(found.journals)
        self.free_fields = sorted(found.free_fields)
        self.entry_free_fields = sorted(found.entry_free_fields)

    def _selected_words(self, fmt: Formats) -> None:
        n = len(self.selected)
        key = "items.selected_one" if n == 1 else "items.selected_many"
        self.selected_text = i18n.text(key, fmt.lang).format(n=fmt.count(n))

    async def _refresh(self, choices: bool = False) -> None:
        who = await current_viewer(self)
        if who is None:
            self.loaded = False
            return
        fmt = await current_formats(self)
        engine = get_engine()
        self.can_work = who.can_work
        size = int(self.page_size) if self.page_size in PAGE_SIZES else 25
        try:
            if choices:
                found = await asyncio.to_thread(filter_choices, engine, who)
                self._show_choices(found, fmt.lang)
            page: OpenItemsPage = await asyncio.to_thread(
                open_items,
                engine,
                who,
                self._filters(),
                self.sort,
                self.descending,
                self.page,
                size,
            )
            ids = [r.entry_id for r in page.rows]
            states = await asyncio.to_thread(item_status, engine, who, ids) if ids else {}
        except (AccessDenied, InvalidInput, SQLAlchemyError) as exc:
            logger.exception("the open items could not be read")
            self.error = i18n.labelled(
                i18n.text("items.load_error", fmt.lang), str(exc) or type(exc).__name__, fmt.lang
            )
            self.rows = []
            self.loaded = True
            return
        if who.can_work:
            warm_previews(engine)
        self.error = ""
        self.page = page.page
        self.pages = page.pages
        self.rows = [
            format_row(r, bool(states.get(r.entry_id) and states[r.entry_id].item_stopped), fmt)
            for r in page.rows
        ]
        key = "items.count_one" if page.total == 1 else "items.count_many"
        self.total_text = i18n.text(key, fmt.lang).format(n=fmt.count(page.total))
        currency = page.rows[0].currency if page.rows and page.rows[0].currency else "EUR"
        self.totals_text = i18n.text("items.totals", fmt.lang).format(
            total=fmt.money(page.total_residual, currency),
            overdue=fmt.money(page.overdue_residual, currency),
        )
        self.page_text = i18n.text("items.page", fmt.lang).format(
            page=fmt.count(page.page + 1), pages=fmt.count(page.pages)
        )
        self.as_of = fmt.day(page.as_of)
        self._selected_words(fmt)
        self.loaded = True

    async def items_changed(self, entry_ids: list[int]) -> None:
        """Read again the rows of items an inline action changed (called by the actions)."""
        wanted = {r.entry_id for r in self.rows} & set(entry_ids)
        if not wanted:
            return
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        try:
            found = await asyncio.to_thread(item_status, get_engine(), who, sorted(wanted))
        except (AccessDenied, SQLAlchemyError):
            logger.exception("a changed row could not be read again")
            return
        self.rows = [
            dataclasses.replace(
                r, **status_cells(found[r.entry_id], found[r.entry_id].item_stopped, fmt)
            )
            if r.entry_id in found
            else r
            for r in self.rows
        ]

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: the filters' choices and the page."""
        await self._refresh(choices=True)

    async def _first_page(self) -> None:
        self.page = 0
        await self._refresh()

    @rx.event
    async def set_search(self, value: str) -> None:
        """Words in the piece, the reference, the customer's number or name."""
        self.search = value
        await self._first_page()

    @rx.event
    async def set_company(self, value: str) -> None:
        """Narrow to one company."""
        self.company = value or ALL
        await self._first_page()

    @rx.event
    async def set_sales_rep(self, value: str) -> None:
        """Narrow to one sales rep's customers."""
        self.sales_rep = value or ALL
        await self._first_page()

    @rx.event
    async def set_profile(self, value: str) -> None:
        """Narrow to one profile."""
        self.profile = value or ALL
        await self._first_page()

    @rx.event
    async def toggle_grade(self, grade: str) -> None:
        """Add or remove a grade."""
        self.grades = sorted(set(self.grades) ^ {grade})
        await self._first_page()

    @rx.event
    async def toggle_level(self, level: str) -> None:
        """Add or remove a level reached."""
        self.levels = sorted(set(self.levels) ^ {level})
        await self._first_page()

    @rx.event
    async def set_journal(self, value: str) -> None:
        """Narrow to one journal."""
        self.journal = value or ALL
        await self._first_page()

    @rx.event
    async def set_item_state(self, value: str) -> None:
        """Only disputed, promised, stopped items, or none of these."""
        self.item_state = value or ALL
        await self._first_page()

    @rx.event
    async def set_doubtful(self, value: str) -> None:
        """All items, the doubtful receivables only, or without them."""
        self.doubtful = value or ALL
        await self._first_page()

    @rx.event
    async def set_min_days(self, value: str) -> None:
        """How late the items are."""
        self.min_days = value or ALL
        await self._first_page()

    @rx.event
    async def set_due_from(self, value: str) -> None:
        """The first due date."""
        self.due_from = value
        await self._first_page()

    @rx.event
    async def set_due_to(self, value: str) -> None:
        """The last due date."""
        self.due_to = value
        await self._first_page()

    @rx.event
    async def set_min_amount(self, value: str) -> None:
        """The lowest outstanding amount."""
        self.min_amount = value
        await self._first_page()

    @rx.event
    async def set_max_amount(self, value: str) -> None:
        """The highest outstanding amount."""
        self.max_amount = value
        await self._first_page()

    @rx.event
    async def set_free_field(self, value: str) -> None:
        """The customer free field the free-field filter bears on."""
        self.free_field = value or ALL
        await self._first_page()

    @rx.event
    async def set_free_value(self, value: str) -> None:
        """The words the free field must contain."""
        self.free_value = value
        await self._first_page()

    @rx.event
    async def set_entry_free_field(self, value: str) -> None:
        """The entry free field (informations libres of the entry) the filter bears on."""
        self.entry_free_field = value or ALL
        await self._first_page()

    @rx.event
    async def set_entry_free_value(self, value: str) -> None:
        """The words the entry free field must contain."""
        self.entry_free_value = value
        await self._first_page()

    @rx.event
    async def reset_filters(self) -> None:
        """Back to every open item, no search."""
        self.search = self.due_from = self.due_to = ""
        self.company = self.sales_rep = self.profile = self.journal = ALL
        self.item_state = self.min_days = self.free_field = self.entry_free_field = ALL
        self.doubtful = ALL
        self.grades, self.levels = [], []
        self.min_amount = self.max_amount = self.free_value = self.entry_free_value = ""
        await self._first_page()

    @rx.event
    def toggle_filters(self) -> None:
        """Show or hide the filters' panel."""
        self.show_filters = not self.show_filters

    @rx.event
    async def sort_by(self, key: str) -> None:
        """Sort on a column; a second click on it reverses the order."""
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort = key
            self.descending = key in DESCENDING_FIRST
        await self._first_page()

    @rx.event
    async def next_page(self) -> None:
        """The next page."""
        self.page += 1
        await self._refresh()

    @rx.event
    async def prev_page(self) -> None:
        """The previous page."""
        self.page = max(0, self.page - 1)
        await self._refresh()

    @rx.event
    async def set_page_size(self, value: str) -> None:
        """Rows per page."""
        self.page_size = value if value in PAGE_SIZES else "25"
        await self._first_page()

    @rx.event
    async def toggle_row(self, entry_id: int) -> None:
        """Select or unselect an item (kept across pages)."""
        entry_id = int(entry_id)
        if entry_id in self.selected:
            self.selected = [i for i in self.selected if i != entry_id]
        else:
            self.selected = [*self.selected, entry_id]
        self._selected_words(await current_formats(self))

    @rx.event
    async def toggle_page(self) -> None:
        """Select every row of the page, or unselect them when they all are."""
        ids = [r.entry_id for r in self.rows]
        if ids and all(i in self.selected for i in ids):
            self.selected = [i for i in self.selected if i not in set(ids)]
        else:
            self.selected = [*self.selected, *(i for i in ids if i not in self.selected)]
        self._selected_words(await current_formats(self))

    @rx.event
    def clear_selection(self) -> None:
        """Unselect everything."""
        self.selected = []


# --- the page ------------------------------------------------------------------------------------

S = OpenItemsState


def _w(key: str) -> rx.Var[str]:
    return t(key, UiState.lang)


def _label(key: str) -> rx.Component:
    return rx.text(_w(key), size="1", color_scheme="gray")


def _select(
    label_key: str,
    options: rx.Var[list[Choice]],
    value: rx.Var[str],
    on_change: rx.EventHandler,
    id_: str,
) -> rx.Component:
    return rx.vstack(
        _label(label_key),
        rx.select.root(
            rx.select.trigger(width="100%", id=id_),
            rx.select.content(
                rx.select.item(_w("items.filter.all"), value=ALL),
                rx.foreach(options, lambda o: rx.select.item(o.label, value=o.value)),
            ),
            value=value,
            on_change=on_change,
            size="2",
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _toggles(
    label_key: str, values: list[tuple[str, rx.Var[str] | str, str]], chosen, on_click, prefix: str
) -> rx.Component:  # noqa: ANN001, E501
    return rx.vstack(
        _label(label_key),
        rx.hstack(
            *[
                rx.button(
                    text,
                    on_click=on_click(value),
                    variant=rx.cond(chosen.contains(value), "solid", "outline"),
                    color_scheme=color,
                    size="1",
                    id=f"{prefix}-{value}",
                    aria_pressed=chosen.contains(value),
                )
                for value, text, color in values
            ],
            spacing="1",
            wrap="wrap",
        ),
        spacing="1",
        width="100%",
    )


def _levels() -> rx.Component:
    values: list[tuple[str, rx.Var[str] | str, str]] = [("0", _w("items.filter.level0"), "gray")]
    for n in range(1, 6):
        values.append((str(n), rx.cond(UiState.lang == "en", f"L{n}", f"R{n}"), LEVEL_COLORS[n]))
    return _toggles("items.filter.level", values, S.levels, S.toggle_level, "filter-level")


def _grades() -> rx.Component:
    values = [(g, g, GRADE_COLORS[g]) for g in GRADES]
    return _toggles("items.filter.grade", values, S.grades, S.toggle_grade, "filter-grade")


def _plain_select(
    label_key: str, items: list[rx.Component], value, on_change, id_: str
) -> rx.Component:  # noqa: ANN001
    return rx.vstack(
        _label(label_key),
        rx.select.root(
            rx.select.trigger(width="100%", id=id_),
            rx.select.content(*items),
            value=value,
            on_change=on_change,
            size="2",
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _journal() -> rx.Component:
    return _plain_select(
        "items.filter.journal",
        [
            rx.select.item(_w("items.filter.all"), value=ALL),
            rx.foreach(S.journal_options, lambda j: rx.select.item(j, value=j)),
        ],
        S.journal,
        S.set_journal,
        "filter-journal",
    )


def _state() -> rx.Component:
    return _plain_select(
        "items.filter.state",
        [
            rx.select.item(_w("items.filter.all"), value=ALL),
            *[
                rx.select.item(_w(f"items.state.{s}"), value=s)
                for s in ("disputed", "promised", "stopped", "none")
            ],
        ],
        S.item_state,
        S.set_item_state,
        "filter-state",
    )


def _doubtful() -> rx.Component:
    return _plain_select(
        "items.filter.doubtful",
        [
            rx.select.item(_w("items.filter.all"), value=ALL),
            rx.select.item(_w("items.filter.doubtful.only"), value="only"),
            rx.select.item(_w("items.filter.doubtful.without"), value="without"),
        ],
        S.doubtful,
        S.set_doubtful,
        "filter-doubtful",
    )


def _doubtful_badge(r: rx.Var) -> rx.Component:
    return rx.cond(
        r.doubtful,
        rx.badge(
            _w("items.doubtful"),
            color_scheme="purple",
            variant="soft",
            width="fit-content",
            data_testid="doubtful",
        ),
    )


def _days() -> rx.Component:
    return _plain_select(
        "items.filter.days",
        [
            rx.select.item(_w("items.filter.any_days"), value=ALL),
            rx.select.item(_w("items.filter.not_due"), value="not_due"),
            *[rx.select.item(_w(f"items.days.{d}"), value=d) for d in DAY_STEPS],
        ],
        S.min_days,
        S.set_min_days,
        "filter-days",
    )


def _due_range() -> rx.Component:
    # A date input needs about 140px to show its calendar button: side by side when the cell
    # is wide enough, else one under the other (without wrapping, the second one spilled over
    # the next column of the panel on a desktop, four columns).
    return rx.vstack(
        _label("items.filter.due"),
        rx.hstack(
            rx.input(
                type="date",
                value=S.due_from,
                on_change=S.set_due_from.debounce(400),
                size="2",
                width="100%",
                min_width="0",
                flex="1 1 140px",
                id="filter-due-from",
                aria_label=_w("items.filter.due"),
            ),
            rx.input(
                type="date",
                value=S.due_to,
                on_change=S.set_due_to.debounce(400),
                size="2",
                width="100%",
                min_width="0",
                flex="1 1 140px",
                id="filter-due-to",
                aria_label=_w("items.filter.and"),
            ),
            spacing="2",
            wrap="wrap",
            width="100%",
            min_width="0",
        ),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _amounts() -> rx.Component:
    return rx.vstack(
        _label("items.filter.residual"),
        rx.hstack(
            rx.input(
                value=S.min_amount,
                on_change=S.set_min_amount.debounce(500),
                placeholder=t("items.filter.min", UiState.lang),
                input_mode="decimal",
                size="2",
                width="100%",
                id="filter-min-amount",
            ),
            rx.input(
                value=S.max_amount,
                on_change=S.set_max_amount.debounce(500),
                placeholder=t("items.filter.max", UiState.lang),
                input_mode="decimal",
                size="2",
                width="100%",
                id="filter-max-amount",
            ),
            spacing="2",
            width="100%",
        ),
        rx.cond(
            S.amount_error,
            rx.text(_w("items.filter.bad_amount"), size="1", color_scheme="red"),
        ),
        spacing="1",
        width="100%",
    )


def _free_field() -> rx.Component:
    return free_field_filter(
        "items.filter.free", "items.filter.free_none", "items.filter.free_value",
        S.free_fields, S.free_field, S.free_value, S.set_free_field, S.set_free_value,
        "filter-free",
    )  # fmt: skip


def _entry_free_field() -> rx.Component:
    return free_field_filter(
        "items.filter.entry_free", "items.filter.free_none", "items.filter.free_value",
        S.entry_free_fields, S.entry_free_field, S.entry_free_value, S.set_entry_free_field,
        S.set_entry_free_value, "filter-entry-free",
    )  # fmt: skip


def _filters_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.grid(
                _select(
                    "items.filter.company", S.company_options, S.company, S.set_company,
                    "filter-company",
                ),
                _select(
                    "items.filter.sales_rep", S.rep_options, S.sales_rep, S.set_sales_rep,
                    "filter-sales-rep",
                ),
                _select(
                    "items.filter.profile", S.profile_options, S.profile, S.set_profile,
                    "filter-profile",
                ),
                _journal(),
                _levels(),
                _grades(),
                _state(),
                _doubtful(),
                _days(),
                _due_range(),
                _amounts(),
                _free_field(),
                _entry_free_field(),
                columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                spacing="4",
                width="100%",
            ),
            rx.hstack(
                rx.spacer(),
                rx.button(
                    rx.icon("eraser", size=14),
                    _w("items.reset"),
                    on_click=S.reset_filters,
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    id="filters-reset",
                ),
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="filters-panel",
    )  # fmt: skip


def _toolbar() -> rx.Component:
    return rx.flex(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            value=S.search,
            on_change=S.set_search.debounce(300),
            placeholder=t("items.search", UiState.lang),
            type="search",
            size="2",
            flex="1",
            min_width=rx.breakpoints(initial="100%", sm="240px"),
            id="items-search",
        ),
        rx.button(
            rx.icon("sliders-horizontal", size=16),
            _w("items.filters"),
            rx.cond(
                S.active_filters > 0,
                rx.badge(S.active_filters, variant="solid", radius="full"),
            ),
            on_click=S.toggle_filters,
            variant=rx.cond(S.show_filters, "solid", "soft"),
            id="filters-button",
            aria_expanded=S.show_filters,
        ),
        spacing="2",
        wrap="wrap",
        width="100%",
        align="center",
    )


def _summary() -> rx.Component:
    return rx.flex(
        rx.text(S.total_text, weight="bold", size="2", id="items-total"),
        rx.text(S.totals_text, size="2", color_scheme="gray", id="items-totals"),
        direction=rx.breakpoints(initial="column", sm="row"),
        spacing=rx.breakpoints(initial="0", sm="3"),
        wrap="wrap",
        width="100%",
    )


def _selection_bar() -> rx.Component:
    return rx.cond(
        S.can_work & (S.selected.length() > 0),
        rx.flex(
            rx.icon("list-checks", size=18, color="var(--accent-11)"),
            rx.text(S.selected_text, size="2", weight="medium", id="selected-count"),
            rx.spacer(),
            rx.button(
                _w("items.clear_selection"),
                on_click=S.clear_selection,
                variant="ghost",
                color_scheme="gray",
                size="2",
                id="clear-selection",
            ),
            rx.link(
                rx.button(rx.icon("send", size=15), _w("items.campaign"), size="2"),
                href=S.campaign_href,
                id="start-campaign",
                underline="none",
            ),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
            padding="10px 12px",
            border_radius="var(--radius-3)",
            background_color="var(--accent-a3)",
            border="1px solid var(--accent-a6)",
            id="selection-bar",
        ),
    )


def _row_check(r: rx.Var) -> rx.Component:
    return rx.checkbox(
        checked=S.selected.contains(r.entry_id),
        on_change=lambda _v: S.toggle_row(r.entry_id),
        aria_label=_w("items.select_row"),
        data_testid="row-select",
    )


def _menu(r: rx.Var) -> rx.Component:
    return row_menu(r.entry_id, r.state, r.item_stopped, S.can_work, ~r.negative)


def _level_badge(r: rx.Var) -> rx.Component:
    return rx.badge(r.level_text, color_scheme=r.level_color, variant="soft", data_testid="level")


def _state_badge(r: rx.Var) -> rx.Component:
    return rx.cond(
        r.state_text != "",
        rx.badge(
            r.state_text,
            color_scheme=r.state_color,
            variant="soft",
            white_space="normal",
            data_testid="state",
        ),
    )


def _last(r: rx.Var) -> rx.Component:
    return rx.cond(
        r.last_action != "",
        rx.vstack(
            rx.text(r.last_action, size="1", data_testid="last-action"),
            rx.text(r.last_on, size="1", color_scheme="gray"),
            spacing="0",
        ),
    )


def _header_cell(key: str | None, label_key: str, right: bool = False, **props) -> rx.Component:  # noqa: ANN003
    label = rx.text.span(_w(label_key), white_space="nowrap")
    align = "right" if right else "left"
    if key is None:
        return rx.table.column_header_cell(label, text_align=align, **props)
    icon = rx.cond(
        S.sort == key,
        rx.cond(S.descending, rx.icon("arrow-down", size=14), rx.icon("arrow-up", size=14)),
        rx.icon("arrow-up-down", size=14, opacity="0.35"),
    )
    return rx.table.column_header_cell(
        rx.el.button(
            rx.hstack(
                label, icon, spacing="1", align="center", justify="end" if right else "start"
            ),
            on_click=S.sort_by(key),
            type="button",
            data_sort_key=key,
            style={"all": "unset", "cursor": "pointer", "width": "100%", "display": "block"},
        ),
        text_align=align,
        aria_sort=rx.cond(S.sort == key, rx.cond(S.descending, "descending", "ascending"), "none"),
        data_key=key,
        **props,
    )


def _table() -> rx.Component:
    def row(r: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.cond(S.can_work, rx.table.cell(_row_check(r), width="32px")),
            rx.table.cell(
                rx.vstack(
                    rx.text(r.due, size="2", white_space="nowrap"),
                    rx.text(
                        r.days, size="1", color=f"var(--{r.days_tone}-11)", white_space="nowrap"
                    ),
                    spacing="0",
                ),
                data_key="due",
            ),
            rx.table.cell(
                rx.vstack(
                    rx.link(
                        r.customer,
                        href=r.href,
                        color_scheme="gray",
                        high_contrast=True,
                        underline="hover",
                        weight="medium",
                        size="2",
                    ),
                    rx.text(r.number, " · ", r.company, size="1", color_scheme="gray"),
                    spacing="0",
                    min_width="0",
                ),
                data_key="customer",
            ),
            rx.table.cell(
                rx.vstack(
                    rx.text(r.piece, size="2", white_space="nowrap"),
                    rx.cond(r.reference != "", rx.text(r.reference, size="1", color_scheme="gray")),
                    _doubtful_badge(r),
                    spacing="0",
                ),
                data_key="piece",
            ),
            rx.table.cell(rx.text(r.journal, size="2"), data_key="journal"),
            rx.table.cell(
                rx.text(
                    r.residual,
                    size="2",
                    weight="medium",
                    color=rx.cond(r.negative, "var(--green-11)", "inherit"),
                ),
                text_align="right",
                white_space="nowrap",
                data_key="residual",
            ),
            rx.table.cell(_level_badge(r), data_key="level"),
            rx.table.cell(_last(r), data_key="last_action"),
            rx.table.cell(_state_badge(r), data_key="state", max_width="180px"),
            rx.table.cell(_menu(r), text_align="right", width="40px", padding_y="4px"),
            data_testid="item-row",
            data_row_id=r.entry_id,
            align="center",
        )

    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.cond(
                        S.can_work,
                        rx.table.column_header_cell(
                            rx.checkbox(
                                checked=S.page_selected,
                                on_change=lambda _v: S.toggle_page(),
                                aria_label=_w("items.select_page"),
                                id="select-page",
                            ),
                            width="32px",
                        ),
                    ),
                    _header_cell("due_date", "items.col.due"),
                    _header_cell("customer_name", "items.col.customer"),
                    _header_cell("piece", "items.col.piece"),
                    _header_cell("journal", "items.col.journal"),
                    _header_cell("residual", "items.col.residual", right=True),
                    _header_cell("level", "items.col.level"),
                    _header_cell("last_action", "items.col.last_action"),
                    _header_cell("promised_on", "items.col.state"),
                    rx.table.column_header_cell(
                        rx.text.span(_w("items.col.actions"), class_name="rt-sr-only"),
                        width="40px",
                    ),
                )
            ),
            rx.table.body(rx.foreach(S.rows, row)),
            size="1",
            variant="surface",
            width="100%",
            id="items-table",
        ),
        display=rx.breakpoints(initial="none", md="block"),
        width="100%",
        overflow_x="auto",
    )


def _cards() -> rx.Component:
    def line(label_key: str, value: rx.Component) -> rx.Component:
        return rx.hstack(
            rx.text(_w(label_key), size="1", color_scheme="gray", flex_shrink="0"),
            rx.spacer(),
            rx.box(value, text_align="right", min_width="0"),
            width="100%",
            align="center",
            spacing="2",
        )

    def card(r: rx.Var) -> rx.Component:
        return rx.card(
            rx.vstack(
                rx.hstack(
                    rx.cond(S.can_work, _row_check(r)),
                    rx.vstack(
                        rx.link(
                            r.customer,
                            href=r.href,
                            color_scheme="gray",
                            high_contrast=True,
                            underline="none",
                            weight="bold",
                            size="3",
                        ),
                        rx.text(
                            r.piece, " · ", r.journal, " · ", r.number,
                            size="1", color_scheme="gray",
                        ),
                        _doubtful_badge(r),
                        spacing="0",
                        min_width="0",
                        flex="1",
                    ),
                    _menu(r),
                    width="100%",
                    align="start",
                    spacing="2",
                ),
                rx.separator(size="4"),
                line(
                    "items.col.due",
                    rx.text(
                        r.due, " · ",
                        rx.text.span(r.days, color=f"var(--{r.days_tone}-11)", weight="medium"),
                        size="2",
                    ),
                ),
                line("items.col.residual", rx.text(r.residual, size="2", weight="bold")),
                line("items.col.level", _level_badge(r)),
                rx.cond(
                    r.last_action != "",
                    line(
                        "items.col.last_action",
                        rx.text(r.last_action, " · ", r.last_on, size="1"),
                    ),
                ),
                rx.cond(r.state_text != "", line("items.col.state", _state_badge(r))),
                spacing="2",
                width="100%",
            ),
            width="100%",
            data_testid="item-card",
            data_row_id=r.entry_id,
        )  # fmt: skip

    return rx.vstack(
        rx.cond(
            S.can_work & (S.rows.length() > 0),
            rx.el.label(
                rx.hstack(
                    rx.checkbox(
                        checked=S.page_selected,
                        on_change=lambda _v: S.toggle_page(),
                        id="select-page-cards",
                    ),
                    rx.text(_w("items.select_page"), size="2"),
                    spacing="2",
                    align="center",
                ),
            ),
        ),
        rx.foreach(S.rows, card),
        display=rx.breakpoints(initial="flex", md="none"),
        spacing="2",
        width="100%",
        id="items-cards",
    )


def _rows() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.rows.length() > 0,
            rx.fragment(_table(), _cards()),
            rx.callout.root(
                rx.callout.icon(rx.icon("search-x")),
                rx.callout.text(_w("items.empty")),
                width="100%",
                id="items-empty",
            ),
        ),
        pager(
            label=S.page_text,
            has_prev=S.has_prev,
            has_next=S.has_next,
            on_prev=S.prev_page,
            on_next=S.next_page,
            prev_text=_w("items.prev"),
            next_text=_w("items.next"),
            page_size=S.page_size,
            page_sizes=list(PAGE_SIZES),
            on_page_size=S.set_page_size,
            page_size_text=_w("items.per_page"),
            pager_id="items-pager",
        ),
        spacing="3",
        width="100%",
    )


def open_items_page() -> rx.Component:
    """Follow-up by due date: the viewer's open items with their inline actions."""
    return page_frame(
        rx.vstack(
            rx.vstack(
                page_title(_w("items.title")),
                as_of_line(_w("items.as_of"), S.as_of),
                spacing="1",
            ),
            _toolbar(),
            rx.cond(S.show_filters, _filters_panel()),
            rx.cond(
                S.error != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert")),
                    rx.callout.text(S.error),
                    color_scheme="red",
                    id="load-error",
                    width="100%",
                ),
            ),
            rx.cond(
                S.loaded,
                rx.vstack(_summary(), _selection_bar(), _rows(), spacing="3", width="100%"),
                rx.center(rx.spinner(size="3"), width="100%", padding="48px"),
            ),
            item_dialogs(),
            spacing="4",
            width="100%",
        ),
        on_lang_change=S.load,
    )
