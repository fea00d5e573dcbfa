"""The profile rules one by one, as the settings page edits them (admins only).

`dunning.scenarios.save_rules` replaces the whole list at once (the defaults, the CLI); here an
admin lists the rules in order with the active scenarios that use each profile, creates,
changes, deletes and moves one rule, sees how many customers each profile would get with the
rules as they are, and applies them now (`profiles.apply_profiles`).

Every function takes the viewer first and refuses anyone but an admin (`AccessDenied`). Bad
input raises `RuleInvalid` (an `InvalidInput` naming the first field at fault, with every
problem in `problems`) and changes nothing. Every change writes its audit line and bumps the
store's versions (customers' profiles, the parties' caches and the dun-now previews follow).
A rule giving a profile that no active scenario has is saved, with a warning: its customers
would get no dunning until such a scenario exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import polars as pl
from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import ADMIN, Viewer, audit, require
from src_dash.analytics.ledger import get_ledger
from src_dash.clock import today as clock_today
from src_dash.dunning.profiles import Rule, apply_profiles, load_rules, profile_frame
from src_dash.money import to_money
from src_dash.services.inputs import InvalidInput
from src_dash.store import Company, Customer, ProfileRule, Scenario
from src_dash.store.versions import bump_data_version

GRADE_LETTERS = ("A", "B", "C", "D", "E")
MAX_PROFILE, MAX_DESCRIPTION, MAX_FREE_FIELD, MAX_VALUE = 40, 200, 60, 80
MAX_OUTSTANDING = Decimal("1000000000000")
# A country as Sage 100 keeps it (CT_Pays, free text: "France", "Côte d'Ivoire") or an ISO code
# ("FR"): letters, spaces, hyphens, apostrophes and dots, at least two letters.
_COUNTRY = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '’.\-])*(?:[^\W\d_]|\.)|[^\W\d_]{2}", re.UNICODE)


class RuleInvalid(InvalidInput):
    """A profile rule is refused; `field` is the first field at fault, `problems` every one.

    Attributes:
        problems: (field, message) for each problem, fields as the form names them (profile,
            grades, min_outstanding, countries, ...).
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        """Keep every problem; the message is the first one."""
        first_field, first_message = problems[0]
        super().__init__(first_field, first_message)
        self.problems = problems


@dataclass(frozen=True)
class RuleInput:
    """A rule as the form gives it (amount as text or a Decimal; empty lists mean "any").

    Attributes:
        foreign_currency: True: billed in a currency other than the book's; False: in the
            book's; None: either.
    """

    profile: str
    description: str = ""
    company_id: int | None = None
    grades: tuple[str, ...] = ()
    free_field: str = ""
    free_field_values: tuple[str, ...] = ()
    min_outstanding: str | Decimal | None = None
    countries: tuple[str, ...] = ()
    outside_countries: tuple[str, ...] = ()
    foreign_currency: bool | None = None
    active: bool = True


@dataclass(frozen=True)
class RuleRow:
    """A rule in the list, with what the page says about it.

    Attributes:
        rule: the rule.
        scenarios: names of the active scenarios of its profile (none: a warning).
        shadowed: an earlier active rule matches every customer, so this one never applies.
    """

    rule: Rule
    scenarios: tuple[str, ...]
    shadowed: bool = False


@dataclass(frozen=True)
class CompanyChoice:
    """A company a rule may be limited to."""

    id: int
    code: str
    name: str
    currency: str


@dataclass(frozen=True)
class RulesView:
    """The rules in order and what the form needs."""

    rules: list[RuleRow]
    companies: list[CompanyChoice]
    profiles: list[str]  # the profiles of the active scenarios, sorted
    countries: list[str]  # the customers' countries, sorted


@dataclass(frozen=True)
class SavedRule:
    """A rule just saved, with the warnings (field, message) the admin should read."""

    rule: Rule
    warnings: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ProfileCount:
    """How many customers a profile gets with the rules as they are (by hand included)."""

    profile: str  # "" = no profile
    customers: int
    by_hand: int
    scenarios: tuple[str, ...]


# ---- reading


def _scenarios_by_profile(conn: Connection) -> dict[str, list[str]]:
    s = Scenario.__table__
    out: dict[str, list[str]] = {}
    for profile, name in conn.execute(
        select(s.c.profile, s.c.name).where(s.c.active, s.c.profile != "").order_by(s.c.name)
    ):
        out.setdefault(profile, []).append(name)
    return out


def _is_catch_all(rule: Rule) -> bool:
    return not (
        rule.company_id is not None
        or rule.grades
        or rule.free_field
        or rule.min_outstanding is not None
        or rule.countries
        or rule.outside_countries
        or rule.foreign_currency is not None
    )


def list_rules_view(engine: Engine, who: Viewer) -> RulesView:
    """Every rule in order (inactive ones too) with its profile's active scenarios."""
    require(who, ADMIN)
    co, c = Company.__table__, Customer.__table__
    with engine.connect() as conn:
        rules = load_rules(conn, active_only=False)
        scenarios = _scenarios_by_profile(conn)
        companies = [
            CompanyChoice(r.id, r.code, r.name, r.currency or "EUR")
            for r in conn.execute(
                select(co.c.id, co.c.code, co.c.name, co.c.currency).order_by(co.c.code)
            )
        ]
        countries = sorted(
            {
                (v or "").strip()
                for v in conn.execute(select(c.c.country).distinct()).scalars()
                if (v or "").strip()
            },
            key=str.casefold,
        )
    rows, caught = [], False
    for rule in rules:
        rows.append(RuleRow(rule, tuple(scenarios.get(rule.profile, ())), shadowed=caught))
        if rule.active and _is_catch_all(rule):
            caught = True
    return RulesView(rows, companies, sorted(scenarios, key=str.casefold), countries)


def profile_counts(engine: Engine, who: Viewer, as_of: date | None = None) -> list[ProfileCount]:
    """How many customers each profile would get with the rules as they are now.

    Customers whose profile was set by hand keep it (and are counted in `by_hand`). The most
    customers first; the customers no rule matches come under the profile "".
    """
    require(who, ADMIN)
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    c = Customer.__table__
    with engine.connect() as conn:
        rules = load_rules(conn)
        scenarios = _scenarios_by_profile(conn)
        hand = dict(
            conn.execute(
                select(c.c.profile, func.count())
                .where(c.c.profile_set_by_hand)
                .group_by(c.c.profile)
            ).all()
        )
    frame = profile_frame(ledger, engine, as_of, rules, None)
    counts = (
        frame.group_by("profile")
        .agg(pl.len().alias("n"))
        .sort(["n", "profile"], descending=[True, False])
    )
    return [
        ProfileCount(profile, int(n), int(hand.get(profile, 0)), tuple(scenarios.get(profile, ())))
        for profile, n in counts.iter_rows()
    ]


def apply_rules_now(engine: Engine, who: Viewer, as_of: date | None = None) -> dict:
    """Write the profiles the rules give into the customers (hand-set ones untouched).

    Returns:
        {"changed": n, "by_profile": {profile: customers}} (see `profiles.apply_profiles`).
    """
    require(who, ADMIN)
    return apply_profiles(engine, as_of, viewer=who)


# ---- checking


def _texts(values: tuple[str, ...] | list[str]) -> list[str]:
    return [" ".join(str(v).split()) for v in values or () if str(v).strip()]


def _check(conn: Connection, data: RuleInput) -> tuple[dict, list[tuple[str, str]]]:
    """The row's values and every problem of a rule, as (field, message)."""
    problems: list[tuple[str, str]] = []
    profile = " ".join((data.profile or "").split())
    if not profile:
        problems.append(("profile", "must not be empty"))
    elif len(profile) > MAX_PROFILE:
        problems.append(("profile", f"{MAX_PROFILE} characters at most"))
    description = (data.description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        problems.append(("description", f"{MAX_DESCRIPTION} characters at most"))
    if data.company_id is not None:
        co = Company.__table__
        if conn.execute(select(co.c.id).where(co.c.id == data.company_id)).first() is None:
            problems.append(("company_id", f"no company {data.company_id}"))
    grades = []
    for letter in data.grades or ():
        upper = str(letter).strip().upper()
        if upper not in GRADE_LETTERS:
            problems.append(("grades", f"unknown grade {letter!r} (the grades are A to E)"))
        elif upper not in grades:
            grades.append(upper)
    grades.sort()
    free_field = " ".join((data.free_field or "").split())
    values = _texts(data.free_field_values)
    if len(free_field) > MAX_FREE_FIELD:
        problems.append(("free_field", f"{MAX_FREE_FIELD} characters at most"))
    if free_field and not values:
        problems.append(("free_field_values", "give the values to match"))
    if values and not free_field:
        problems.append(("free_field", "name the free field the values are for"))
    if any(len(v) > MAX_VALUE for v in values):
        problems.append(("free_field_values", f"{MAX_VALUE} characters at most per value"))
    amount: Decimal | None = None
    raw = data.min_outstanding
    if raw is not None and str(raw).strip() != "":
        try:
            amount = to_money(raw if isinstance(raw, Decimal) else _plain_number(str(raw)))
        except (ValueError, InvalidOperation):
            problems.append(("min_outstanding", f"{raw!r} is not an amount"))
        else:
            if amount < 0:
                problems.append(("min_outstanding", "must not be negative"))
            elif amount >= MAX_OUTSTANDING:
                problems.append(("min_outstanding", "is too large"))
    lists = {}
    for name in ("countries", "outside_countries"):
        found = _texts(getattr(data, name))
        for value in found:
            if len(value) > MAX_VALUE or not _COUNTRY.fullmatch(value):
                problems.append((name, f"{value!r} is not a country name or code"))
                break
        lists[name] = found
    if data.foreign_currency not in (None, True, False):
        problems.append(("foreign_currency", "must be yes, no or either"))
    row = {
        "profile": profile,
        "description": description,
        "company_id": data.company_id,
        "grades": grades,
        "free_field": free_field,
        "free_field_values": values,
        "min_outstanding": amount,
        "countries": lists["countries"],
        "outside_countries": lists["outside_countries"],
        "foreign_currency": data.foreign_currency,
        "active": bool(data.active),
    }
    return row, problems


def _plain_number(text: str) -> str:
    """ "1 234,50" or "1,234.50" -> "1234.50" (a French or English typed amount)."""
    cleaned = re.sub(r"[\s\u00a0\u202f€$£]", "", text)
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "")
    return cleaned.replace(",", ".")


def _warnings(conn: Connection, row: dict) -> list[tuple[str, str]]:
    warnings = []
    if row["active"] and row["profile"] not in _scenarios_by_profile(conn):
        warnings.append(
            ("profile", f"no active scenario has the profile {row['profile']!r}. "
             "Its customers will not be dunned")
        )  # fmt: skip
    c = Customer.__table__
    known = {
        (v or "").strip().casefold() for v in conn.execute(select(c.c.country).distinct()).scalars()
    }
    for name in ("countries", "outside_countries"):
        unknown = [v for v in row[name] if v.casefold() not in known]
        if unknown:
            warnings.append((name, f"no customer has the country {', '.join(unknown)}"))
    return warnings


# ---- changing


def _rule(conn: Connection, rule_id: int) -> Rule:
    for rule in load_rules(conn, active_only=False):
        if rule.id == rule_id:
            return rule
    raise RuleInvalid([("id", f"no profile rule {rule_id}")])


def _renumber(conn: Connection, ids: list[int]) -> None:
    t = ProfileRule.__table__
    for position, rule_id in enumerate(ids, start=1):
        conn.execute(t.update().where(t.c.id == rule_id).values(position=position))


def create_rule(engine: Engine, who: Viewer, data: RuleInput) -> SavedRule:
    """Add a rule at the end of the list (move it up to make it win over earlier ones).

    Raises:
        RuleInvalid: naming every field at fault; nothing is written then.
        AccessDenied: when the viewer is not an admin.
    """
    require(who, ADMIN)
    t = ProfileRule.__table__
    with engine.begin() as conn:
        row, problems = _check(conn, data)
        if problems:
            raise RuleInvalid(problems)
        last = conn.execute(select(func.max(t.c.position))).scalar() or 0
        rule_id = conn.execute(
            t.insert().values(position=last + 1, **row).returning(t.c.id)
        ).scalar_one()
        _renumber(conn, [r.id for r in load_rules(conn, active_only=False)])
        warnings = _warnings(conn, row)
        audit(conn, who, "profile_rule.create", "profile_rule", rule_id, **_audited(row))
        bump_data_version(conn)
        return SavedRule(_rule(conn, rule_id), warnings)


def update_rule(engine: Engine, who: Viewer, rule_id: int, data: RuleInput) -> SavedRule:
    """Change a rule in place (its position is kept).

    Raises:
        RuleInvalid: naming every field at fault, or an unknown rule; nothing is written then.
        AccessDenied: when the viewer is not an admin.
    """
    require(who, ADMIN)
    t = ProfileRule.__table__
    with engine.begin() as conn:
        before = _rule(conn, rule_id)
        row, problems = _check(conn, data)
        if problems:
            raise RuleInvalid(problems)
        conn.execute(t.update().where(t.c.id == rule_id).values(**row))
        warnings = _warnings(conn, row)
        audit(
            conn,
            who,
            "profile_rule.update",
            "profile_rule",
            rule_id,
            before=before.profile,
            **_audited(row),
        )
        bump_data_version(conn)
        return SavedRule(_rule(conn, rule_id), warnings)


def delete_rule(engine: Engine, who: Viewer, rule_id: int) -> None:
    """Delete a rule; the next ones move up.

    Raises:
        RuleInvalid: when there is no such rule.
        AccessDenied: when the viewer is not an admin.
    """
    require(who, ADMIN)
    t = ProfileRule.__table__
    with engine.begin() as conn:
        gone = _rule(conn, rule_id)
        conn.execute(t.delete().where(t.c.id == rule_id))
        _renumber(conn, [r.id for r in load_rules(conn, active_only=False)])
        audit(
            conn,
            who,
            "profile_rule.delete",
            "profile_rule",
            rule_id,
            profile=gone.profile,
            description=gone.description or None,
            position=gone.position,
        )
        bump_data_version(conn)


def move_rule(engine: Engine, who: Viewer, rule_id: int, step: int) -> list[Rule]:
    """Move a rule up (step -1) or down (+1) the list; at either end it stays where it is.

    Returns:
        The rules in their new order.

    Raises:
        RuleInvalid: for an unknown rule or a step other than -1 or +1.
        AccessDenied: when the viewer is not an admin.
    """
    require(who, ADMIN)
    if step not in (-1, 1):
        raise RuleInvalid([("step", "must be -1 (up) or 1 (down)")])
    with engine.begin() as conn:
        rules = load_rules(conn, active_only=False)
        ids = [r.id for r in rules]
        if rule_id not in ids:
            raise RuleInvalid([("id", f"no profile rule {rule_id}")])
        at = ids.index(rule_id)
        to = at + step
        if not 0 <= to < len(ids):
            return rules
        ids[at], ids[to] = ids[to], ids[at]
        _renumber(conn, ids)  # type: ignore[arg-type]
        audit(
            conn,
            who,
            "profile_rule.move",
            "profile_rule",
            rule_id,
            profile=rules[at].profile,
            position=to + 1,
            was=at + 1,
        )
        bump_data_version(conn)
        return load_rules(conn, active_only=False)


def _audited(row: dict) -> dict:
    """The row as the audit log keeps it (empty conditions left out)."""
    return {k: v for k, v in row.items() if v not in (None, "", [])}
