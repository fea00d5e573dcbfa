"""The campaign's criteria: scenario, company, sales rep, grades, minimum outstanding, minimum
days late, level, and the items chosen on the open items page (`?items=`)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import reflex as rx

from src_dash.dunning.scenarios import list_scenarios
from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignCriteria, CampaignError
from src_dash.services.customers import filter_options
from src_dash.ui.choice import Choice
from src_dash.ui.kit.service import run_service
from src_dash.ui.pages.campaigns.notice import campaign_error
from src_dash.ui.pages.campaigns.rows import ALL, GRADES, parse_amount


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _amount(text: str) -> tuple[Decimal | None, bool]:
    """The minimum amount typed, and whether it is unreadable (then it is left out)."""
    try:
        return parse_amount(text), False
    except ValueError:
        return None, True


class CriteriaState(rx.State):
    """The criteria chosen and the choices offered."""

    CHOICES: ClassVar[tuple[str, ...]] = ("scenario", "company", "sales_rep", "min_days", "level")

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

    async def load_choices(self, items: str | None) -> str:
        """Read the companies, sales reps and scenarios the viewer may choose, and take the items
        of `?items=`; the error in words ("" when none)."""
        options = await run_service(
            self, filter_options, catch=(CampaignError,), describe=campaign_error
        )
        if not options.ok:
            return options.error
        scenarios = await run_service(
            self,
            list_scenarios,
            True,
            with_viewer=False,
            catch=(CampaignError,),
            describe=campaign_error,
        )
        if not scenarios.ok:
            return scenarios.error
        found = options.value
        self.company_options = [Choice(c.value, c.label) for c in found.companies]
        self.rep_options = [Choice(c.value, c.label) for c in found.sales_reps if c.value != "0"]
        self.scenario_options = [
            Choice(str(s.id), s.name) for s in scenarios.value if s.id is not None
        ]
        wanted = campaigns.parse_entry_ids(items)
        if wanted:
            self.items = list(wanted)
        return ""

    def criteria(self) -> CampaignCriteria:
        """The criteria as the services take them (an unreadable amount is left out, and said)."""
        amount, self.amount_error = _amount(self.min_amount)
        return CampaignCriteria(
            scenario_id=_number(self.scenario),
            company_id=_number(self.company),
            sales_rep_id=_number(self.sales_rep),
            grades=tuple(g for g in self.grades if g in GRADES),
            min_amount=amount,
            min_days_late=_number(self.min_days),
            level=_number(self.level),
            entry_ids=tuple(self.items),
        )

    @rx.event
    def set_choice(self, name: str, value: str) -> None:
        """One scenario, company, sales rep, minimum days late or level (empty: all)."""
        if name in self.CHOICES:
            setattr(self, name, value or ALL)

    @rx.event
    def toggle_grade(self, grade: str) -> None:
        """Add or remove a score grade."""
        self.grades = sorted(set(self.grades) ^ {grade})

    @rx.event
    def set_min_amount(self, value: str) -> None:
        """The customers' minimum outstanding."""
        self.min_amount = value
        self.amount_error = _amount(value)[1]

    @rx.event
    def clear_items(self) -> None:
        """Forget the items chosen on the open items page."""
        self.items = []

    @rx.event
    def reset_criteria(self) -> None:
        """Back to every customer and level."""
        for name in self.CHOICES:
            setattr(self, name, ALL)
        self.grades = []
        self.min_amount = ""
        self.amount_error = False
        self.items = []
