"""The profile rules tab's state: the ordered rules, the rule dialog, moves, deletes, applying them
now.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import reflex as rx

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
from src_dash.ui import i18n
from src_dash.ui.auth import current_formats, current_viewer
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.service import Done
from src_dash.ui.pages.settings.common import (
    Choice,
    TabState,
    call,
    change,
    read_all,
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


def _form_errors(done: Done) -> dict[str, str]:
    """A refused save said in the dialog: a rule's problems each under its field (the others over
    the form), any other refusal over the form."""
    if not isinstance(done.exception, RuleInvalid):
        return {**no_errors(), "form": done.error}
    errors = no_errors()
    for name, message in done.exception.problems:
        key = name if name in errors else "form"
        errors[key] = " · ".join(filter(None, (errors[key], say(message, done.lang))))
    return errors


class ProfileRulesState(TabState, rx.State):
    """The rules in order, the rule being edited in the dialog, and the counts per profile."""

    rules: list[RuleLine] = []
    counts: list[CountLine] = []
    companies: list[Choice] = []
    profiles: list[str] = []
    applying: bool = False

    editing: bool = False
    edit_id: int = 0
    texts: dict[str, str] = dict.fromkeys(TEXT_FIELDS, "")  # the rule's text fields by name
    company: str = ANY
    grades: list[str] = []
    currency: str = "any"
    active: bool = True
    errors: dict[str, str] = no_errors()

    deleting: int = 0
    deleting_text: str = ""

    _rules: dict[int, Rule] = {}

    async def _read(self) -> None:
        done = await read_all(self, (list_rules_view,), (profile_counts,))
        if done is None:
            return
        (view, counts), fmt = done.value, done.fmt
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
        self.texts = {
            "profile": rule.profile,
            "description": rule.description,
            "free_field": rule.free_field,
            "free_field_values": ", ".join(rule.free_field_values),
            "min_outstanding": (
                "" if rule.min_outstanding is None else fmt.number(rule.min_outstanding, 2)
            ),
            "countries": ", ".join(rule.countries),
            "outside_countries": ", ".join(rule.outside_countries),
        }
        self.company = str(rule.company_id) if rule.company_id is not None else ANY
        self.grades = list(rule.grades)
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
            self.texts = {**self.texts, name: value}

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
        texts = self.texts
        return RuleInput(
            profile=texts["profile"],
            description=texts["description"],
            company_id=int(self.company) if self.company.isdigit() else None,
            grades=tuple(self.grades),
            free_field=texts["free_field"],
            free_field_values=listed(texts["free_field_values"]),
            min_outstanding=amount_input(texts["min_outstanding"], fmt),
            countries=listed(texts["countries"]),
            outside_countries=listed(texts["outside_countries"]),
            foreign_currency={"foreign": True, "book": False}.get(self.currency),
            active=self.active,
        )

    @rx.event
    async def save(self) -> list[rx.event.EventSpec] | None:
        """Check and save the rule; every problem is shown under its field."""
        data = self._input(await current_formats(self))
        if self.edit_id:
            done = await call(self, update_rule, self.edit_id, data)
        else:
            done = await call(self, create_rule, data)
        if not done.ok:
            self.errors = _form_errors(done)
            return None
        self.editing = False
        await self._read()
        lang = done.lang
        toasts = [done.toast("set.pr.saved", profile=done.value.rule.profile)]
        for name, message in done.value.warnings:
            label = i18n.text(f"set.field.{name}", lang)
            toasts.append(rx.toast.warning(i18n.labelled(label, say(message, lang), lang)))
        return toasts

    @rx.event
    async def move(self, rule_id: int, step: int) -> None:
        """Move a rule up (-1) or down (+1)."""
        await change(self, move_rule, rule_id, step)

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
        rule_id, self.deleting = self.deleting, 0
        if not rule_id:
            return None
        gone = self._rules.get(rule_id)
        done = await change(self, delete_rule, rule_id)
        if not done.ok:
            return None
        return done.toast("set.pr.deleted", profile=gone.profile if gone else "")

    @rx.event
    async def apply_now(self) -> AsyncIterator[rx.event.EventSpec | None]:
        """Write the profiles the rules give into the customers (hand-set ones untouched)."""
        self.applying = True
        yield
        done = await change(self, apply_rules_now)
        self.applying = False
        if not done.ok:
            return
        n, fmt = done.value["changed"], done.fmt
        key = "set.pr.applied_none" if n == 0 else "set.pr.applied_one" if n == 1 else None
        words = (
            i18n.text(key, fmt.lang)
            if key
            else i18n.text("set.pr.applied", fmt.lang).format(n=fmt.count(n))
        )
        yield rx.toast.success(words)


# ---- components
