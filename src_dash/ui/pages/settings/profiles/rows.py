"""The profile rules tab's rows: a rule's conditions in words, the counts per profile."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal

from src_dash.dunning.profiles import Rule
from src_dash.services.profile_rules import (
    CompanyChoice,
    RuleRow,
)
from src_dash.ui import i18n
from src_dash.ui.i18n import Formats

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


def listed(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[,;\n]", text or "") if p.strip())


def amount_input(text: str, fmt: Formats) -> str | Decimal:
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


def rule_line(row: RuleRow, index: int, total: int, companies, fmt: Formats) -> RuleLine:  # noqa: ANN001
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


def no_errors() -> dict[str, str]:
    return dict.fromkeys(ERROR_FIELDS, "")
