"""The profile rules tab's state: the ordered rules, the rule dialog, moves, deletes, applying them
now.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import reflex as rx
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied
from src_dash.dunning.profiles import Rule
from src_dash.services.profile_rules import (
    GRADE_LETTERS,
    RuleInput,
    RuleInvalid,
    apply_rules_now,
    create_rule,
    delete_rule,
    list_rules_view,
    move_rule,
    profile_counts,
    update_rule,
)
from src_dash.store.engine import get_engine
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.settings.common import (
    Choice,
    error_text,
    say,
)
from src_dash.ui.pages.settings.profiles.rows import (
    ANY,
    CURRENCIES,
    TEXT_FIELDS,
    CountLine,
    RuleLine,
    amount_input,
    listed,
    no_errors,
    rule_line,
)


class ProfileRulesState(rx.State):
    """The rules in order, the rule being edited in the dialog, and the counts per profile."""

    rules: list[RuleLine] = []
    counts: list[CountLine] = []
    companies: list[Choice] = []
    profiles: list[str] = []
    error: str = ""
    loaded: bool = False
    applying: bool = False

    editing: bool = False
    edit_id: int = 0
    profile: str = ""
    description: str = ""
    company: str = ANY
    grades: list[str] = []
    free_field: str = ""
    free_field_values: str = ""
    min_outstanding: str = ""
    countries: str = ""
    outside_countries: str = ""
    currency: str = "any"
    active: bool = True
    errors: dict[str, str] = no_errors()

    deleting: int = 0
    deleting_text: str = ""

    _rules: dict[int, Rule] = {}

    async def _read(self) -> None:
        who = await current_viewer(self)
        if who is None:
            return
        fmt = await current_formats(self)
        engine = get_engine()
        try:
            view = await asyncio.to_thread(list_rules_view, engine, who)
            counts = await asyncio.to_thread(profile_counts, engine, who)
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, fmt.lang)
            self.loaded = True
            return
        self.error = ""
        self._rules = {r.rule.id: r.rule for r in view.rules if r.rule.id is not None}
        total = len(view.rules)
        self.rules = [rule_line(r, i, total, view.companies, fmt) for i, r in enumerate(view.rules)]
        self.companies = [
            Choice(ANY, i18n.text("set.pr.any", fmt.lang)),
            *[
                Choice(str(c.id), f"{c.code} — {c.name}" if c.name else c.code)
                for c in view.companies
            ],
        ]
        self.profiles = view.profiles
        none = i18n.text("set.pr.no_profile", fmt.lang)
        self.counts = [
            CountLine(
                profile=c.profile or none,
                customers=fmt.count(c.customers),
                by_hand=fmt.count(c.by_hand) if c.by_hand else "",
                scenarios=", ".join(c.scenarios),
                no_scenario=bool(c.profile) and not c.scenarios,
            )
            for c in counts
        ]
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        """Read the rules and count the customers of each profile."""
        await self._read()

    @rx.event
    async def open_new(self) -> None:
        """Open the dialog on an empty rule."""
        if await current_viewer(self) is None:
            return
        self._fill(None, await current_formats(self))

    @rx.event
    async def open_edit(self, rule_id: int) -> None:
        """Open the dialog on a rule."""
        rule = self._rules.get(rule_id)
        if rule is None or await current_viewer(self) is None:
            return
        self._fill(rule, await current_formats(self))

    def _fill(self, rule: Rule | None, fmt: Formats) -> None:
        rule = rule or Rule(profile="")
        self.edit_id = rule.id or 0
        self.profile, self.description = rule.profile, rule.description
        self.company = str(rule.company_id) if rule.company_id is not None else ANY
        self.grades = list(rule.grades)
        self.free_field = rule.free_field
        self.free_field_values = ", ".join(rule.free_field_values)
        self.min_outstanding = (
            "" if rule.min_outstanding is None else fmt.number(rule.min_outstanding, 2)
        )
        self.countries = ", ".join(rule.countries)
        self.outside_countries = ", ".join(rule.outside_countries)
        self.currency = {None: "any", True: "foreign", False: "book"}[rule.foreign_currency]
        self.active = rule.active
        self.errors = no_errors()
        self.editing = True

    @rx.event
    def close(self, open_: bool = False) -> None:
        """Close the dialog without saving."""
        if not open_:
            self.editing = False

    @rx.event
    def set_text(self, name: str, value: str) -> None:
        """One of the rule's text fields."""
        if name in TEXT_FIELDS:
            setattr(self, name, value)

    @rx.event
    def set_company(self, value: str) -> None:
        """The company the rule is limited to (or any)."""
        self.company = value

    @rx.event
    def set_currency(self, value: str) -> None:
        """Billed in a foreign currency, in the book's, or either."""
        if value in CURRENCIES:
            self.currency = value

    @rx.event
    def set_active(self, value: bool) -> None:
        """Whether the rule is used."""
        self.active = bool(value)

    @rx.event
    def toggle_grade(self, letter: str, checked: bool) -> None:
        """Add or take away a score grade."""
        chosen = [g for g in self.grades if g != letter]
        if checked and letter in GRADE_LETTERS:
            chosen.append(letter)
        self.grades = sorted(chosen)

    def _input(self, fmt: Formats) -> RuleInput:
        return RuleInput(
            profile=self.profile,
            description=self.description,
            company_id=int(self.company) if self.company.isdigit() else None,
            grades=tuple(self.grades),
            free_field=self.free_field,
            free_field_values=listed(self.free_field_values),
            min_outstanding=amount_input(self.min_outstanding, fmt),
            countries=listed(self.countries),
            outside_countries=listed(self.outside_countries),
            foreign_currency={"foreign": True, "book": False}.get(self.currency),
            active=self.active,
        )

    @rx.event
    async def save(self) -> list[rx.event.EventSpec] | None:
        """Check and save the rule; every problem is shown under its field."""
        who = await current_viewer(self)
        fmt = await current_formats(self)
        data = self._input(fmt)
        engine = get_engine()
        try:
            if self.edit_id:
                saved = await asyncio.to_thread(update_rule, engine, who, self.edit_id, data)
            else:
                saved = await asyncio.to_thread(create_rule, engine, who, data)
        except RuleInvalid as exc:
            errors = no_errors()
            for name, message in exc.problems:
                key = name if name in errors else "form"
                errors[key] = " · ".join(filter(None, (errors[key], say(message, fmt.lang))))
            self.errors = errors
            return None
        except (AccessDenied, SQLAlchemyError) as exc:
            self.errors = {**no_errors(), "form": error_text(exc, fmt.lang)}
            return None
        self.editing = False
        await self._read()
        toasts = [
            rx.toast.success(i18n.text("set.pr.saved", fmt.lang).format(profile=saved.rule.profile))
        ]
        for name, message in saved.warnings:
            label = i18n.text(f"set.field.{name}", fmt.lang)
            toasts.append(rx.toast.warning(i18n.labelled(label, say(message, fmt.lang), fmt.lang)))
        return toasts

    @rx.event
    async def move(self, rule_id: int, step: int) -> None:
        """Move a rule up (-1) or down (+1)."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        try:
            await asyncio.to_thread(move_rule, get_engine(), who, rule_id, step)
        except (RuleInvalid, AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, lang)
            return
        await self._read()

    @rx.event
    async def ask_delete(self, rule_id: int) -> None:
        """Ask before deleting a rule."""
        lang = (await current_formats(self)).lang
        line = next((r for r in self.rules if r.id == rule_id), None)
        if line is None:
            return
        self.deleting = rule_id
        self.deleting_text = i18n.text("set.pr.confirm", lang).format(
            position=line.position, profile=line.profile
        )

    @rx.event
    def cancel_delete(self, open_: bool = False) -> None:
        """Keep the rule."""
        if not open_:
            self.deleting = 0

    @rx.event
    async def confirm_delete(self) -> rx.event.EventSpec | None:
        """Delete the rule asked about."""
        who = await current_viewer(self)
        lang = (await current_formats(self)).lang
        rule_id, self.deleting = self.deleting, 0
        if not rule_id:
            return None
        gone = self._rules.get(rule_id)
        try:
            await asyncio.to_thread(delete_rule, get_engine(), who, rule_id)
        except (RuleInvalid, AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, lang)
            return None
        await self._read()
        profile = gone.profile if gone else ""
        return rx.toast.success(i18n.text("set.pr.deleted", lang).format(profile=profile))

    @rx.event
    async def apply_now(self) -> AsyncIterator[rx.event.EventSpec | None]:
        """Write the profiles the rules give into the customers (hand-set ones untouched)."""
        who = await current_viewer(self)
        fmt = await current_formats(self)
        self.applying = True
        yield
        try:
            result = await asyncio.to_thread(apply_rules_now, get_engine(), who)
        except (AccessDenied, SQLAlchemyError) as exc:
            self.error = error_text(exc, fmt.lang)
            self.applying = False
            return
        await self._read()
        self.applying = False
        n = result["changed"]
        key = "set.pr.applied_none" if n == 0 else "set.pr.applied_one" if n == 1 else None
        words = (
            i18n.text(key, fmt.lang)
            if key
            else i18n.text("set.pr.applied", fmt.lang).format(n=fmt.count(n))
        )
        yield rx.toast.success(words)


# ---- components
