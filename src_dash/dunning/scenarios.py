"""Scenarios, their steps and the profile rules: read, check and save (the settings page's use).

A scenario applies to the customers of one profile (or those it is forced on by hand). Its
steps say what to send when:
- prévenance (level 0): before the due date, `day_offset` <= 0 days from it;
- relance R1..R5 (levels 1..5): `day_offset` days after the due date (`offset_from` due_date)
  or after the item's previous message (`offset_from` previous_step); levels and their delays
  increase together;
- remerciement (level 6): `day_offset` days after an item that had been dunned is paid.
Several steps may share a level when their channels differ (R3 by email and by letter): they
then share the delay too. Every error names its field (``steps[2].level``) and leaves the store
as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import ADMIN, Viewer, audit, require
from src_dash.dunning.model import (
    EMAIL,
    LETTER,
    OTHER,
    PHONE,
    PREVENANCE,
    RELANCE,
    REMERCIEMENT,
)
from src_dash.dunning.profiles import Rule, load_rules
from src_dash.money import to_money
from src_dash.store import (
    Action,
    Company,
    Customer,
    MessageTemplate,
    ProfileRule,
    Scenario,
    Step,
)
from src_dash.store.rows import from_row, tuples

PHASES = (PREVENANCE, RELANCE, REMERCIEMENT)
CHANNELS = (EMAIL, LETTER, PHONE, OTHER)
OFFSET_FROM = ("due_date", "previous_step")
# What a scenario may dun (credits are never dunned).
DUNNED_KINDS = ("invoice", "other_debit", "fee")
LANGUAGES = ("", "fr", "en")
GRADE_LETTERS = ("A", "B", "C", "D", "E")
THANK_YOU_LEVEL = 6
MAX_LEVEL = 5


@dataclass(frozen=True)
class StepSpec:
    """A step as read or to be saved; `id` None for a new one."""

    phase: str
    level: int
    day_offset: int
    channel: str = EMAIL
    template_code: str = ""
    offset_from: str = "due_date"
    to_services: tuple[str, ...] = ()
    cc_services: tuple[str, ...] = ()
    cc_sales_rep: bool = False
    needs_approval: bool = False
    name: str = ""
    id: int | None = None
    position: int = 0


@dataclass(frozen=True)
class ScenarioSpec:
    """A scenario with its steps, as read or to be saved; `id` None for a new one."""

    name: str
    profile: str = ""
    steps: tuple[StepSpec, ...] = ()
    description: str = ""
    language: str = ""  # "" = the customer's
    account_situation: bool = True
    min_item_amount: Decimal = Decimal("0.00")
    min_customer_amount: Decimal = Decimal("0.00")
    min_gap_days: int = 5
    journals: tuple[str, ...] = ()  # empty: every journal
    document_kinds: tuple[str, ...] = ()  # empty: invoices and other debits
    include_unexpired_credit_notes: bool = False
    penalties: bool = True
    active: bool = True
    id: int | None = None


@dataclass
class ScenarioError(ValueError):
    """A scenario or a rule is refused: each problem is (field, message)."""

    problems: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{f}: {m}" for f, m in self.problems)


# ---- reading


def _step_spec(row: object, codes: dict[int, str]) -> StepSpec:
    return from_row(
        StepSpec,
        row,
        template_code=codes.get(row.template_id, "") if row.template_id else "",
        **tuples(row, "to_services", "cc_services"),
    )


def load_scenarios(conn: Connection, active_only: bool = False) -> list[ScenarioSpec]:
    """Every scenario with its steps (archived steps left out), by name."""
    s, st, t = Scenario.__table__, Step.__table__, MessageTemplate.__table__
    codes = dict(conn.execute(select(t.c.id, t.c.code)).all())
    query = select(s).order_by(s.c.name)
    if active_only:
        query = query.where(s.c.active)
    scenarios = conn.execute(query).all()
    steps: dict[int, list[StepSpec]] = {}
    rows = conn.execute(
        select(st).where(~st.c.archived).order_by(st.c.scenario_id, st.c.position, st.c.id)
    ).all()
    for row in rows:
        steps.setdefault(row.scenario_id, []).append(_step_spec(row, codes))
    return [
        from_row(
            ScenarioSpec,
            r,
            steps=tuple(steps.get(r.id, ())),
            **tuples(r, "journals", "document_kinds"),
        )
        for r in scenarios
    ]


def list_scenarios(engine: Engine, active_only: bool = False) -> list[ScenarioSpec]:
    """Every scenario with its steps, by name."""
    with engine.connect() as conn:
        return load_scenarios(conn, active_only)


def get_scenario(engine: Engine, id_or_name: int | str) -> ScenarioSpec | None:
    """One scenario by id or by name (case ignored), or None."""
    for spec in list_scenarios(engine):
        if spec.id == id_or_name or (
            isinstance(id_or_name, str) and spec.name.casefold() == id_or_name.casefold()
        ):
            return spec
    return None


# ---- checking


def _int(value: object, where: str, problems: list) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        problems.append((where, f"{value!r} is not a whole number"))
        return None
    try:
        return int(value)
    except ValueError:
        problems.append((where, f"{value!r} is not a whole number"))
        return None


def _amount(value: object, where: str, problems: list) -> Decimal | None:
    try:
        amount = to_money(value)
    except (ValueError, InvalidOperation):
        problems.append((where, f"{value!r} is not an amount"))
        return None
    if amount < 0:
        problems.append((where, "must not be negative"))
        return None
    return amount


def _names(values: Iterable[object], where: str, limit: int, problems: list) -> tuple[str, ...]:
    out = []
    for i, value in enumerate(values or ()):
        text = str(value).strip()
        if not text or len(text) > limit:
            problems.append((f"{where}[{i}]", f"must be 1 to {limit} characters"))
        else:
            out.append(text)
    return tuple(out)


def check_scenario(spec: ScenarioSpec, template_codes: set[str]) -> list[tuple[str, str]]:
    """Every problem of a scenario and its steps, as (field, message); empty when good."""
    problems: list[tuple[str, str]] = []
    if not spec.name or not spec.name.strip() or len(spec.name.strip()) > 80:
        problems.append(("name", "must be 1 to 80 characters"))
    if len(spec.profile or "") > 40:
        problems.append(("profile", "40 characters at most"))
    if len(spec.description or "") > 300:
        problems.append(("description", "300 characters at most"))
    if spec.language not in LANGUAGES:
        problems.append(("language", "must be fr, en or empty (the customer's language)"))
    _amount(spec.min_item_amount, "min_item_amount", problems)
    _amount(spec.min_customer_amount, "min_customer_amount", problems)
    gap = _int(spec.min_gap_days, "min_gap_days", problems)
    if gap is not None and not 0 <= gap <= 365:
        problems.append(("min_gap_days", "must be between 0 and 365"))
    _names(spec.journals, "journals", 10, problems)
    for i, kind in enumerate(spec.document_kinds or ()):
        if kind not in DUNNED_KINDS:
            problems.append(
                (f"document_kinds[{i}]", f"{kind!r}: must be one of {', '.join(DUNNED_KINDS)}")
            )
    if not any(s.phase == RELANCE for s in spec.steps):
        problems.append(("steps", "at least one relance step is needed"))
    timing: dict[int, tuple[int, str, int]] = {}
    channels: set[tuple[int, str]] = set()
    for i, step in enumerate(spec.steps):
        where = f"steps[{i}]"
        if step.phase not in PHASES:
            problems.append((f"{where}.phase", f"must be one of {', '.join(PHASES)}"))
            continue
        if step.channel not in CHANNELS:
            problems.append((f"{where}.channel", f"must be one of {', '.join(CHANNELS)}"))
        if step.offset_from not in OFFSET_FROM:
            problems.append((f"{where}.offset_from", f"must be one of {', '.join(OFFSET_FROM)}"))
        level = _int(step.level, f"{where}.level", problems)
        offset = _int(step.day_offset, f"{where}.day_offset", problems)
        if level is None or offset is None:
            continue
        _phase_problems(step, level, offset, where, problems)
        if (level, step.channel) in channels:
            problems.append(
                (f"{where}.channel", f"level {level} already has a {step.channel} step")
            )
        channels.add((level, step.channel))
        if level in timing and timing[level][:2] != (offset, step.offset_from):
            problems.append(
                (f"{where}.day_offset", f"steps of level {level} must share the same delay")
            )
        timing.setdefault(level, (offset, step.offset_from, i))
        if step.channel in (EMAIL, LETTER) and not step.template_code:
            problems.append((f"{where}.template_code", "an email or a letter needs a template"))
        elif step.template_code and step.template_code not in template_codes:
            problems.append((f"{where}.template_code", f"no template {step.template_code!r}"))
        _names(step.to_services, f"{where}.to_services", 80, problems)
        _names(step.cc_services, f"{where}.cc_services", 80, problems)
        if len(step.name or "") > 80:
            problems.append((f"{where}.name", "80 characters at most"))
    _order_problems(timing, problems)
    return problems


def _phase_problems(
    step: StepSpec, level: int, offset: int, where: str, problems: list[tuple[str, str]]
) -> None:
    """The level, delay and channel a step of its phase may have."""
    if step.phase == PREVENANCE:
        if level != 0:
            problems.append((f"{where}.level", "a prévenance step is level 0"))
        if offset > 0 or offset < -60:
            problems.append((f"{where}.day_offset", "a prévenance is 0 to 60 days before"))
        if step.offset_from != "due_date":
            problems.append((f"{where}.offset_from", "a prévenance counts from the due date"))
    elif step.phase == RELANCE:
        if not 1 <= level <= MAX_LEVEL:
            problems.append((f"{where}.level", f"a relance is level 1 to {MAX_LEVEL}"))
        if offset < 0 or offset > 730 or (offset == 0 and step.offset_from != "due_date"):
            problems.append((f"{where}.day_offset", "must be 0 to 730 days after"))
    else:
        if level != THANK_YOU_LEVEL:
            problems.append((f"{where}.level", f"a remerciement is level {THANK_YOU_LEVEL}"))
        if not 0 <= offset <= 60:
            problems.append((f"{where}.day_offset", "a remerciement is 0 to 60 days after"))
        if step.channel not in (EMAIL, LETTER):
            problems.append((f"{where}.channel", "a remerciement is an email or a letter"))


def _order_problems(
    timing: dict[int, tuple[int, str, int]], problems: list[tuple[str, str]]
) -> None:
    """Relance levels and their delays (from the due date) go up together."""
    relances = sorted(
        (lvl, off, i)
        for lvl, (off, frm, i) in timing.items()
        if 1 <= lvl <= MAX_LEVEL and frm == "due_date"
    )
    for (l1, o1, _), (l2, o2, i2) in zip(relances, relances[1:], strict=False):
        if o2 <= o1:
            problems.append((f"steps[{i2}].day_offset", f"R{l2} must come after R{l1} ({o1} days)"))


# ---- saving


def _template_ids(conn: Connection) -> dict[str, int]:
    """A template id per code (the French one when there are several languages)."""
    t = MessageTemplate.__table__
    out: dict[str, int] = {}
    for row in conn.execute(select(t.c.id, t.c.code, t.c.language).order_by(t.c.id)):
        if row.code not in out or row.language == "fr":
            out[row.code] = row.id
    return out


def _step_values(step: StepSpec, position: int, scenario_id: int, templates: dict) -> dict:
    return {
        "scenario_id": scenario_id,
        "position": position,
        "phase": step.phase,
        "level": int(step.level),
        "day_offset": int(step.day_offset),
        "offset_from": step.offset_from,
        "channel": step.channel,
        "template_id": templates.get(step.template_code) if step.template_code else None,
        "to_services": list(step.to_services),
        "cc_services": list(step.cc_services),
        "cc_sales_rep": bool(step.cc_sales_rep),
        "needs_approval": bool(step.needs_approval),
        "name": (step.name or "").strip(),
        "archived": False,
    }


def _problems_in(
    conn: Connection, spec: ScenarioSpec, name: str
) -> tuple[list[tuple[str, str]], dict[int, object], dict[str, int]]:
    """The scenario's problems (`check_scenario`, and against the store: a name or an active
    profile taken, an unknown scenario or step); its current steps; the template ids."""
    s, st = Scenario.__table__, Step.__table__
    templates = _template_ids(conn)
    problems = check_scenario(spec, set(templates))
    clash = conn.execute(
        select(s.c.id).where(func.lower(s.c.name) == name.lower())
    ).scalar_one_or_none()
    if clash is not None and clash != spec.id:
        problems.append(("name", f"a scenario {name!r} already exists"))
    if spec.active and spec.profile:
        other = conn.execute(
            select(s.c.name).where(
                s.c.active, s.c.profile == spec.profile, s.c.id != (spec.id or -1)
            )
        ).scalar_one_or_none()
        if other is not None:
            problems.append(("profile", f"the active scenario {other!r} already has this profile"))
    existing_steps: dict[int, object] = {}
    if spec.id is not None:
        if conn.execute(select(s.c.id).where(s.c.id == spec.id)).first() is None:
            problems.append(("id", f"no scenario {spec.id}"))
        existing_steps = {
            r.id: r
            for r in conn.execute(
                select(st).where(st.c.scenario_id == spec.id, ~st.c.archived)
            ).all()
        }
        for i, step in enumerate(spec.steps):
            if step.id is not None and step.id not in existing_steps:
                problems.append((f"steps[{i}].id", f"no step {step.id} in this scenario"))
    return problems, existing_steps, templates


def _scenario_values(spec: ScenarioSpec, name: str) -> dict:
    """A scenario's row."""
    return {
        "name": name,
        "profile": (spec.profile or "").strip(),
        "description": spec.description or "",
        "language": spec.language,
        "account_situation": bool(spec.account_situation),
        "min_item_amount": to_money(spec.min_item_amount),
        "min_customer_amount": to_money(spec.min_customer_amount),
        "min_gap_days": int(spec.min_gap_days),
        "journals": list(spec.journals),
        "document_kinds": list(spec.document_kinds),
        "include_unexpired_credit_notes": bool(spec.include_unexpired_credit_notes),
        "penalties": bool(spec.penalties),
        "active": bool(spec.active),
    }


def save_scenario_in(conn: Connection, spec: ScenarioSpec, viewer: Viewer | None = None) -> int:
    """Check and save a scenario and its steps on a connection (in the caller's transaction).

    Steps are matched by id: changed in place, added, or removed (kept as archived when
    actions point at them).

    Raises:
        ScenarioError: with every problem; nothing is written then.
    """
    s, st = Scenario.__table__, Step.__table__
    name = (spec.name or "").strip()
    problems, existing_steps, templates = _problems_in(conn, spec, name)
    if problems:
        raise ScenarioError(problems)
    values = _scenario_values(spec, name)
    if spec.id is None:
        scenario_id = conn.execute(s.insert().values(**values).returning(s.c.id)).scalar_one()
    else:
        scenario_id = spec.id
        conn.execute(s.update().where(s.c.id == scenario_id).values(**values))
    kept = {step.id for step in spec.steps if step.id is not None}
    gone = sorted(set(existing_steps) - kept)
    if gone:
        a = Action.__table__
        used = set(
            conn.execute(select(a.c.step_id).where(a.c.step_id.in_(gone)).distinct()).scalars()
        )
        if used:
            conn.execute(st.update().where(st.c.id.in_(sorted(used))).values(archived=True))
        unused = [i for i in gone if i not in used]
        if unused:
            conn.execute(st.delete().where(st.c.id.in_(unused)))
    for position, step in enumerate(spec.steps, start=1):
        row = _step_values(step, position, scenario_id, templates)
        if step.id is None:
            conn.execute(st.insert().values(**row))
        else:
            conn.execute(st.update().where(st.c.id == step.id).values(**row))
    audit(conn, viewer, "scenario.save", "scenario", scenario_id, name=name)
    return scenario_id


def save_scenario(engine: Engine, spec: ScenarioSpec, viewer: Viewer | None = None) -> ScenarioSpec:
    """Check and save a scenario with its steps (create when `spec.id` is None).

    Raises:
        ScenarioError: with every problem (field, message); nothing is written then.
        AccessDenied: when the viewer is not an admin.
    """
    if viewer is not None:
        require(viewer, ADMIN)
    with engine.begin() as conn:
        scenario_id = save_scenario_in(conn, spec, viewer)
    found = get_scenario(engine, scenario_id)
    assert found is not None
    return found


def delete_scenario(engine: Engine, scenario_id: int, viewer: Viewer | None = None) -> None:
    """Delete a scenario never used by an action (else deactivate it); its forced customers
    go back to their profile's scenario.

    Raises:
        ScenarioError: when it does not exist or actions point at its steps.
    """
    if viewer is not None:
        require(viewer, ADMIN)
    s, st, a, c = Scenario.__table__, Step.__table__, Action.__table__, Customer.__table__
    with engine.begin() as conn:
        if conn.execute(select(s.c.id).where(s.c.id == scenario_id)).first() is None:
            raise ScenarioError([("id", f"no scenario {scenario_id}")])
        used = conn.execute(
            select(func.count())
            .select_from(a.join(st, st.c.id == a.c.step_id))
            .where(st.c.scenario_id == scenario_id)
        ).scalar_one()
        if used:
            raise ScenarioError(
                [("id", f"{used} actions were made from this scenario: deactivate it instead")]
            )
        conn.execute(c.update().where(c.c.scenario_id == scenario_id).values(scenario_id=None))
        conn.execute(st.delete().where(st.c.scenario_id == scenario_id))
        conn.execute(s.delete().where(s.c.id == scenario_id))
        audit(conn, viewer, "scenario.delete", "scenario", scenario_id)


# ---- profile rules


def check_rule(rule: Rule, where: str, company_ids: set[int]) -> list[tuple[str, str]]:
    """Every problem of one profile rule, as (field, message)."""
    problems: list[tuple[str, str]] = []
    if not (rule.profile or "").strip() or len(rule.profile.strip()) > 40:
        problems.append((f"{where}.profile", "must be 1 to 40 characters"))
    if rule.company_id is not None and rule.company_id not in company_ids:
        problems.append((f"{where}.company_id", f"no company {rule.company_id}"))
    for i, letter in enumerate(rule.grades):
        if letter not in GRADE_LETTERS:
            problems.append((f"{where}.grades[{i}]", f"{letter!r}: must be one of A, B, C, D, E"))
    if len(rule.free_field or "") > 60:
        problems.append((f"{where}.free_field", "60 characters at most"))
    if rule.free_field and not rule.free_field_values:
        problems.append((f"{where}.free_field_values", "give the values to match"))
    if rule.free_field_values and not rule.free_field:
        problems.append((f"{where}.free_field", "name the free field the values are for"))
    if rule.min_outstanding is not None:
        _amount(rule.min_outstanding, f"{where}.min_outstanding", problems)
    _names(rule.countries, f"{where}.countries", 80, problems)
    _names(rule.outside_countries, f"{where}.outside_countries", 80, problems)
    _names(rule.free_field_values, f"{where}.free_field_values", 80, problems)
    return problems


def save_rules_in(conn: Connection, rules: list[Rule], viewer: Viewer | None = None) -> None:
    """Replace the profile rules by `rules`, in this order, on a connection.

    Raises:
        ScenarioError: with every problem; nothing is written then.
    """
    company_ids = set(conn.execute(select(Company.__table__.c.id)).scalars())
    problems: list[tuple[str, str]] = []
    for i, rule in enumerate(rules):
        problems += check_rule(rule, f"rules[{i}]", company_ids)
    if problems:
        raise ScenarioError(problems)
    t = ProfileRule.__table__
    conn.execute(t.delete())
    for position, rule in enumerate(rules, start=1):
        conn.execute(
            t.insert().values(
                position=position,
                profile=rule.profile.strip(),
                description=rule.description or "",
                company_id=rule.company_id,
                grades=list(rule.grades),
                free_field=(rule.free_field or "").strip(),
                free_field_values=[str(v).strip() for v in rule.free_field_values],
                min_outstanding=None
                if rule.min_outstanding is None
                else to_money(rule.min_outstanding),
                countries=[str(v).strip() for v in rule.countries],
                outside_countries=[str(v).strip() for v in rule.outside_countries],
                foreign_currency=rule.foreign_currency,
                active=bool(rule.active),
            )
        )
    audit(conn, viewer, "profile_rules.save", "profile_rule", None, rules=len(rules))


def save_rules(engine: Engine, rules: list[Rule], viewer: Viewer | None = None) -> list[Rule]:
    """Replace the profile rules by `rules` (first match wins, in this order).

    Raises:
        ScenarioError: with every problem (``rules[2].grades[0]``); nothing is written then.
        AccessDenied: when the viewer is not an admin.
    """
    if viewer is not None:
        require(viewer, ADMIN)
    with engine.begin() as conn:
        save_rules_in(conn, rules, viewer)
        return load_rules(conn, active_only=False)


def list_rules(engine: Engine) -> list[Rule]:
    """Every profile rule, by position."""
    with engine.connect() as conn:
        return load_rules(conn, active_only=False)


def list_profiles(engine: Engine) -> list[str]:
    """Every profile named by a scenario or a rule, sorted."""
    with engine.connect() as conn:
        names = set(conn.execute(select(Scenario.__table__.c.profile)).scalars())
        names |= set(conn.execute(select(ProfileRule.__table__.c.profile)).scalars())
    return sorted(n for n in names if n)
