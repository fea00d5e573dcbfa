"""Settings tab "Profils": the ordered rules that give customers their profile (and so their
scenario), edited one by one in a dialog, moved up and down, with the customers each profile
would get and a button to apply the rules now.

Every handler asks for the viewer and passes it to `services.profile_rules`, which refuses anyone
but an admin, whatever the page showed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from decimal import Decimal

import reflex as rx
from babel.numbers import NumberFormatError, parse_decimal
from sqlalchemy.exc import SQLAlchemyError

from src_dash.access import AccessDenied
from src_dash.dunning.profiles import Rule
from src_dash.services.profile_rules import (
    GRADE_LETTERS,
    CompanyChoice,
    RuleInput,
    RuleInvalid,
    RuleRow,
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
from src_dash.ui.i18n import Formats, t
from src_dash.ui.pages.settings.common import (
    Choice,
    error_note,
    error_text,
    field,
    say,
    section,
    select,
)
from src_dash.ui.state import UiState

ANY = "-"  # a select's "any" (Radix refuses empty values)
CURRENCIES = ("any", "foreign", "book")
TEXT_FIELDS = (
    "profile",
    "description",
    "free_field",
    "free_field_values",
    "min_outstanding",
    "countries",
    "outside_countries",
)
ERROR_FIELDS = (*TEXT_FIELDS, "company_id", "grades", "foreign_currency", "form")


@dataclasses.dataclass
class RuleLine:
    """One rule as the list shows it."""

    id: int = 0
    position: int = 0
    profile: str = ""
    description: str = ""
    conditions: list[str] = dataclasses.field(default_factory=list)
    scenarios: str = ""
    no_scenario: bool = False
    shadowed: bool = False
    active: bool = True
    first: bool = False
    last: bool = False


@dataclasses.dataclass
class CountLine:
    """How many customers one profile would get."""

    profile: str = ""
    customers: str = ""
    by_hand: str = ""
    scenarios: str = ""
    no_scenario: bool = False


def _list(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[,;\n]", text or "") if p.strip())


def _amount_input(text: str, fmt: Formats) -> str | Decimal:
    """The typed amount read in the user's locale ("10 000,50" in French, "10,000.50" in
    English); the text as it is when it is not a number, for the service to name."""
    cleaned = re.sub(r"[\s\u00a0\u202f€$£]", "", text or "")
    if not cleaned:
        return ""
    try:
        return parse_decimal(cleaned, locale=fmt.locale, strict=True)
    except NumberFormatError:
        try:
            return parse_decimal(cleaned, locale=fmt.locale)
        except NumberFormatError:
            return text.strip()


def _currency_of(rule: Rule, companies: list[CompanyChoice]) -> str:
    for company in companies:
        if company.id == rule.company_id:
            return company.currency
    currencies = {c.currency for c in companies}
    return currencies.pop() if len(currencies) == 1 else "EUR"


def conditions(rule: Rule, companies: list[CompanyChoice], fmt: Formats) -> list[str]:
    """A rule's conditions in plain words, one per condition ("Tous les clients" for none)."""
    lang = fmt.lang

    def w(key: str, **values: str) -> str:
        return i18n.text(f"set.pr.cond.{key}", lang).format(**values)

    either = f" {i18n.text('set.pr.or', lang)} "
    out = []
    if rule.company_id is not None:
        code = next((c.code for c in companies if c.id == rule.company_id), str(rule.company_id))
        out.append(w("company", code=code))
    if rule.grades:
        out.append(w("grades", grades=either.join(rule.grades)))
    if rule.free_field:
        out.append(
            w("free_field", field=rule.free_field, values=either.join(rule.free_field_values))
        )
    if rule.min_outstanding is not None:
        amount = fmt.money(rule.min_outstanding, _currency_of(rule, companies))
        out.append(w("min", amount=amount))
    if rule.countries:
        out.append(w("countries", names=", ".join(rule.countries)))
    if rule.outside_countries:
        out.append(w("outside", names=", ".join(rule.outside_countries)))
    if rule.foreign_currency is not None:
        out.append(w("foreign" if rule.foreign_currency else "book"))
    return out or [w("all")]


def _line(row: RuleRow, index: int, total: int, companies, fmt: Formats) -> RuleLine:  # noqa: ANN001
    rule = row.rule
    return RuleLine(
        id=rule.id or 0,
        position=index + 1,
        profile=rule.profile,
        description=rule.description,
        conditions=conditions(rule, companies, fmt),
        scenarios=", ".join(row.scenarios),
        no_scenario=rule.active and not row.scenarios,
        shadowed=rule.active and row.shadowed,
        active=rule.active,
        first=index == 0,
        last=index == total - 1,
    )


def _no_errors() -> dict[str, str]:
    return dict.fromkeys(ERROR_FIELDS, "")


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
    errors: dict[str, str] = _no_errors()

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
        self.rules = [_line(r, i, total, view.companies, fmt) for i, r in enumerate(view.rules)]
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
        self.errors = _no_errors()
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
            free_field_values=_list(self.free_field_values),
            min_outstanding=_amount_input(self.min_outstanding, fmt),
            countries=_list(self.countries),
            outside_countries=_list(self.outside_countries),
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
            errors = _no_errors()
            for name, message in exc.problems:
                key = name if name in errors else "form"
                errors[key] = " · ".join(filter(None, (errors[key], say(message, fmt.lang))))
            self.errors = errors
            return None
        except (AccessDenied, SQLAlchemyError) as exc:
            self.errors = {**_no_errors(), "form": error_text(exc, fmt.lang)}
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


def _condition(text: rx.Var[str]) -> rx.Component:
    return rx.badge(text, variant="surface", color_scheme="gray", size="1", white_space="normal")


def _warning(icon: str, key: str, test_id: str) -> rx.Component:
    return rx.flex(
        rx.icon(icon, size=13, flex_shrink="0", margin_top="2px"),
        rx.text(t(key, UiState.lang), size="1"),
        spacing="1",
        align="start",
        color=rx.color("amber", 11),
        data_testid=test_id,
    )


def _rule_card(row: RuleLine) -> rx.Component:
    s = ProfileRulesState

    def button(icon: str, label: str, on_click, test_id: str, **props) -> rx.Component:  # noqa: ANN001
        return rx.tooltip(
            rx.icon_button(
                rx.icon(icon, size=15),
                on_click=on_click,
                variant="soft",
                size="2",
                aria_label=t(label, UiState.lang),
                data_testid=test_id,
                **props,
            ),
            content=t(label, UiState.lang),
        )

    return rx.card(
        rx.flex(
            rx.flex(
                rx.badge(row.position.to_string(), variant="solid", radius="full", size="2"),
                rx.vstack(
                    rx.flex(
                        rx.text(row.profile, weight="bold", size="3", data_testid="rule-profile"),
                        rx.cond(
                            ~row.active,
                            rx.badge(t("set.pr.inactive", UiState.lang), color_scheme="gray"),
                        ),
                        rx.cond(
                            row.scenarios != "",
                            rx.text(
                                t("set.pr.scenarios", UiState.lang),
                                "\u00a0: ",
                                row.scenarios,
                                size="1",
                                color_scheme="gray",
                            ),
                        ),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    rx.cond(
                        row.description != "",
                        rx.text(row.description, size="2", color_scheme="gray"),
                    ),
                    rx.flex(
                        rx.foreach(row.conditions, _condition),
                        spacing="1",
                        wrap="wrap",
                        data_testid="rule-conditions",
                    ),
                    rx.cond(
                        row.no_scenario,
                        _warning("triangle-alert", "set.pr.no_scenario", "rule-no-scenario"),
                    ),
                    rx.cond(
                        row.shadowed,
                        _warning("eye-off", "set.pr.shadowed", "rule-shadowed"),
                    ),
                    spacing="1",
                    min_width="0",
                    flex="1",
                ),
                spacing="3",
                align="start",
                flex="1",
                min_width="0",
            ),
            rx.flex(
                button("arrow-up", "set.pr.up", s.move(row.id, -1), "rule-up", disabled=row.first),
                button(
                    "arrow-down", "set.pr.down", s.move(row.id, 1), "rule-down", disabled=row.last
                ),
                button("pencil", "set.pr.edit_short", s.open_edit(row.id), "rule-edit"),
                button(
                    "trash-2", "set.delete", s.ask_delete(row.id), "rule-delete", color_scheme="red"
                ),
                spacing="2",
                justify="end",
                flex_shrink="0",
            ),
            spacing="3",
            direction=rx.breakpoints(initial="column", sm="row"),
            align=rx.breakpoints(initial="stretch", sm="center"),
            width="100%",
        ),
        width="100%",
        data_testid="profile-rule",
        opacity=rx.cond(row.active, "1", "0.65"),
    )


def _count_row(row: CountLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(row.profile, weight="medium")),
        rx.table.cell(
            rx.text(
                row.customers,
                rx.cond(
                    row.by_hand != "",
                    rx.text.span(
                        " (", t("set.pr.by_hand", UiState.lang), " ", row.by_hand, ")",
                        color_scheme="gray", size="1",
                    ),
                ),
                data_testid="count-customers",
            ),
            text_align="right",
            white_space="nowrap",
        ),
        rx.table.cell(
            rx.cond(
                row.no_scenario,
                rx.badge(t("set.pr.none_short", UiState.lang), color_scheme="amber"),
                rx.text(row.scenarios, size="2", color_scheme="gray"),
            )
        ),
        data_testid="profile-count",
    )  # fmt: skip


def _text(key: str, name: str, value: rx.Var[str], **props) -> rx.Component:
    s = ProfileRulesState
    return field(
        key,
        rx.input(
            value=value,
            on_change=lambda v: s.set_text(name, v),
            id=f"rule-{name.replace('_', '-')}",
            width="100%",
            **props,
        ),
        s.errors[name],
        error_id=f"rule-{name.replace('_', '-')}-error",
    )


def _grade_box(letter: str) -> rx.Component:
    s = ProfileRulesState
    return rx.text(
        rx.flex(
            rx.checkbox(
                checked=s.grades.contains(letter),
                on_change=lambda v: s.toggle_grade(letter, v),
                id=f"rule-grade-{letter}",
            ),
            letter,
            spacing="1",
            align="center",
        ),
        as_="label",
        size="2",
    )


def _currency_choices() -> rx.Var:
    return rx.Var.create(
        {
            lang: [
                {"value": v, "label": i18n.CATALOG[lang][f"set.pr.currency.{v}"]}
                for v in CURRENCIES
            ]
            for lang in i18n.LANGS
        }
    )[UiState.lang].to(list[Choice])


def _dialog() -> rx.Component:
    s = ProfileRulesState
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(
                    s.edit_id != 0, t("set.pr.edit", UiState.lang), t("set.pr.new", UiState.lang)
                )
            ),
            rx.vstack(
                rx.grid(
                    _text("set.field.profile", "profile", s.profile, list="rule-profiles"),
                    field(
                        "set.field.company_id",
                        select(s.companies, s.company, s.set_company, "rule-company"),
                        s.errors["company_id"],
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                _text("set.field.rule_description", "description", s.description),
                field(
                    "set.field.grades",
                    rx.flex(*[_grade_box(g) for g in GRADE_LETTERS], spacing="4", wrap="wrap"),
                    s.errors["grades"],
                    error_id="rule-grades-error",
                ),
                rx.grid(
                    _text(
                        "set.field.free_field", "free_field", s.free_field, placeholder="Segment"
                    ),
                    _text(
                        "set.field.free_field_values",
                        "free_field_values",
                        s.free_field_values,
                        placeholder="Grand compte, Collectivité",
                    ),
                    _text(
                        "set.field.min_outstanding",
                        "min_outstanding",
                        s.min_outstanding,
                        inputmode="decimal",
                    ),
                    field(
                        "set.field.foreign_currency",
                        select(_currency_choices(), s.currency, s.set_currency, "rule-currency"),
                        s.errors["foreign_currency"],
                    ),
                    _text("set.field.countries", "countries", s.countries, placeholder="France"),
                    _text(
                        "set.field.outside_countries",
                        "outside_countries",
                        s.outside_countries,
                        placeholder="France",
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.text(t("set.pr.list_hint", UiState.lang), size="1", color_scheme="gray"),
                rx.text(
                    rx.flex(
                        rx.switch(checked=s.active, on_change=s.set_active, id="rule-active"),
                        t("set.field.active", UiState.lang),
                        spacing="2",
                        align="center",
                    ),
                    as_="label",
                    size="2",
                ),
                rx.el.datalist(
                    rx.foreach(s.profiles, lambda p: rx.el.option(value=p)), id="rule-profiles"
                ),
                error_note(s.errors["form"], "rule-form-error"),
                rx.flex(
                    rx.dialog.close(
                        rx.button(
                            t("set.cancel", UiState.lang), variant="soft", color_scheme="gray"
                        )
                    ),
                    rx.button(
                        rx.icon("save", size=14),
                        t("set.save", UiState.lang),
                        on_click=s.save,
                        id="rule-save",
                    ),
                    spacing="2",
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="640px",
            id="rule-dialog",
        ),
        open=s.editing,
        on_open_change=s.close,
    )


def _confirm() -> rx.Component:
    s = ProfileRulesState
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("set.pr.confirm_title", UiState.lang)),
            rx.alert_dialog.description(s.deleting_text),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(t("set.cancel", UiState.lang), variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        t("set.delete", UiState.lang),
                        color_scheme="red",
                        on_click=s.confirm_delete,
                        id="rule-confirm-delete",
                    )
                ),
                spacing="2",
                justify="end",
                margin_top="16px",
            ),
            max_width="460px",
        ),
        open=s.deleting != 0,
        on_open_change=s.cancel_delete,
    )


def profiles_tab() -> rx.Component:
    """The profile rules in order, the counts per profile and "apply now"."""
    s = ProfileRulesState
    return rx.vstack(
        rx.text(t("set.pr.intro", UiState.lang), size="2", color_scheme="gray"),
        error_note(s.error, "rules-error"),
        rx.flex(
            section(
                "set.pr.rules",
                rx.cond(
                    s.rules.length() > 0,
                    rx.vstack(rx.foreach(s.rules, _rule_card), spacing="2", width="100%"),
                    rx.text(t("set.pr.none", UiState.lang), size="2", color_scheme="gray"),
                ),
                rx.button(
                    rx.icon("plus", size=14),
                    t("set.pr.add", UiState.lang),
                    on_click=s.open_new,
                    variant="soft",
                    id="rule-add",
                ),
                section_id="profile-rules",
                flex="2",
                min_width="0",
            ),
            section(
                "set.pr.counts",
                rx.text(t("set.pr.counts_intro", UiState.lang), size="1", color_scheme="gray"),
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(t("set.pr.profile", UiState.lang)),
                                rx.table.column_header_cell(
                                    t("set.pr.customers", UiState.lang), text_align="right"
                                ),
                                rx.table.column_header_cell(t("set.pr.scenarios", UiState.lang)),
                            )
                        ),
                        rx.table.body(rx.foreach(s.counts, _count_row)),
                        size="1",
                        variant="surface",
                        width="100%",
                        id="profile-counts",
                    ),
                    width="100%",
                    overflow_x="auto",
                ),
                rx.button(
                    rx.icon("play", size=14),
                    t("set.pr.apply", UiState.lang),
                    on_click=s.apply_now,
                    loading=s.applying,
                    id="rules-apply",
                ),
                section_id="profile-counts-card",
                flex="1",
                min_width="0",
            ),
            direction=rx.breakpoints(initial="column", lg="row"),
            spacing="4",
            align="start",
            width="100%",
        ),
        _dialog(),
        _confirm(),
        spacing="4",
        width="100%",
    )
