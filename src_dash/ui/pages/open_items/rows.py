"""What the open items table shows, built from the service's answers without Reflex: the
filters of the query from the filters' values, each row formatted (due date and days late, the
residual, the level reached, the last action, a promise, a dispute or a stop), the count, the
totals and the selection's words, in the viewer's language and formats."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from src_dash.services.dun_now import ItemStatus
from src_dash.services.open_items import OpenItemFilters, OpenItemRow, OpenItemsPage
from src_dash.ui import i18n, routes
from src_dash.ui.components.filter_values import (
    ALL,
    GRADES,
    amount_range,
    common_active,
    free_pairs,
    ids_of,
    parse_day,
    profiles_of,
)
from src_dash.ui.components.item_actions.wording import level_name
from src_dash.ui.i18n import Formats

LEVEL_COLORS = {0: "gray", 1: "yellow", 2: "amber", 3: "orange", 4: "red", 5: "crimson"}
STATE_COLORS = {"disputed": "orange", "promised": "blue", "stopped": "gray", "none": "gray"}
ITEM_STATES = ("disputed", "promised", "stopped", "none")


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


def days_text(days: int, fmt: Formats) -> tuple[str, str]:
    """ "45 j" late (red past 30 days, orange before) or "dans 3 j" before the due date (grey)."""
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


def state_text(s: OpenItemRow | ItemStatus, fmt: Formats) -> str:
    """ "Litige · reason", "Promesse au 12/12/2026", "Stoppé jusqu'au ...", or nothing."""
    if s.state == "disputed":
        text = i18n.text("items.dispute", fmt.lang)
        return f"{text} · {s.dispute_reason}" if s.dispute_reason else text
    if s.state == "promised" and s.promised_on is not None:
        return i18n.text("items.promise", fmt.lang).format(date=fmt.day(s.promised_on))
    if s.state == "stopped":
        if s.stop_until is not None:
            return i18n.text("items.stopped_until", fmt.lang).format(date=fmt.day(s.stop_until))
        return i18n.text("items.stopped", fmt.lang)
    return ""


def status_cells(s: OpenItemRow | ItemStatus, item_stopped: bool, fmt: Formats) -> dict:
    """The cells of a row that inline actions change (level, last action, promise, dispute)."""
    return {
        "level": s.level,
        "level_text": level_name(s.level, fmt.lang),
        "level_color": LEVEL_COLORS.get(min(max(s.level, 0), 5), "gray"),
        "last_action": last_action_text(s.last_action, fmt.lang),
        "last_on": fmt.day(s.last_action_on) if s.last_action_on else "",
        "state": s.state,
        "state_text": state_text(s, fmt),
        "state_color": STATE_COLORS.get(s.state, "gray"),
        "item_stopped": item_stopped,
    }


def format_row(r: OpenItemRow, item_stopped: bool, fmt: Formats) -> ItemRow:
    """A service row, formatted for the table."""
    days, tone = days_text(r.days_late, fmt)
    due = r.due_date or r.posting_date
    return ItemRow(
        entry_id=r.entry_id,
        customer_id=r.customer_id,
        href=routes.customer_href(r.customer_id),
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


def count_text(n: int, fmt: Formats) -> str:
    """ "1 échéance", "1 234 échéances"."""
    key = "items.count_one" if n == 1 else "items.count_many"
    return i18n.text(key, fmt.lang).format(n=fmt.count(n))


def totals_text(page: OpenItemsPage, fmt: Formats) -> str:
    """The matching items' residual and overdue residual, in the page's first row's currency
    (euros when it has none)."""
    currency = page.rows[0].currency if page.rows and page.rows[0].currency else "EUR"
    return i18n.text("items.totals", fmt.lang).format(
        total=fmt.money(page.total_residual, currency),
        overdue=fmt.money(page.overdue_residual, currency),
    )


def selected_text(n: int, fmt: Formats) -> str:
    """ "1 échéance sélectionnée", "3 échéances sélectionnées"."""
    key = "items.selected_one" if n == 1 else "items.selected_many"
    return i18n.text(key, fmt.lang).format(n=fmt.count(n))


def _days_late(value: str) -> tuple[int | None, int | None]:
    if value == "not_due":
        return None, 0
    if value == "1":
        return 1, None
    if value.isdigit():
        return int(value) + 1, None
    return None, None


def active_filters(f: Mapping[str, Any]) -> int:
    """How many of the filters' values narrow the view (the search box aside)."""
    return sum(
        [
            *common_active(f),
            bool(f["levels"]),
            f["journal"] != ALL,
            f["item_state"] != ALL,
            f["doubtful"] != ALL,
            bool(f["due_from"] or f["due_to"]),
            bool(free_pairs(f["entry_free_field"], f["entry_free_value"])),
        ]
    )


def item_filters(f: Mapping[str, Any], search: str) -> tuple[OpenItemFilters, bool]:
    """The service's filters from the filters' values (`FILTERS` of the state) and the search;
    and whether an amount typed is not one (it is then left out)."""
    low, high, amount_error = amount_range(f["min_amount"], f["max_amount"])
    min_days, max_days = _days_late(f["min_days"])
    filters = OpenItemFilters(
        company_ids=ids_of(f["company"]),
        sales_rep_ids=ids_of(f["sales_rep"]),
        profiles=profiles_of(f["profile"]),
        grades=tuple(g for g in f["grades"] if g in GRADES),
        min_days_late=min_days,
        max_days_late=max_days,
        min_residual=low,
        max_residual=high,
        levels=tuple(int(v) for v in f["levels"] if v.isdigit()),
        journals=(f["journal"],) if f["journal"] != ALL else (),
        due_from=parse_day(f["due_from"]),
        due_to=parse_day(f["due_to"]),
        states=(f["item_state"],) if f["item_state"] != ALL else (),
        free_fields=free_pairs(f["free_field"], f["free_value"]),
        entry_free_fields=free_pairs(f["entry_free_field"], f["entry_free_value"]),
        search=search.strip(),
        doubtful={"only": True, "without": False}.get(f["doubtful"]),
    )
    return filters, amount_error
