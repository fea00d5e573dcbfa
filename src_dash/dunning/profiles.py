"""Customer profiles (typologies: PME, grand compte, export, à risque, ...): rules and assignment.

A profile picks the customer's scenario (the active scenario whose `profile` is that name). It
comes, first match wins, from:
1. the profile set by hand on the customer (`customer.profile_set_by_hand`);
2. the profile rules (`profile_rule`, by position): a rule matches when all of its conditions
   that are set hold: company, score grade (as of the planning date), a free field's value
   (case ignored), outstanding at least an amount, country in / outside a list (an empty
   country is the company's own, i.e. never "outside"), a currency other than the book's;
3. no profile ("").

A scenario can also be forced by hand on one customer (`customer.scenario_id`), whatever its
profile. The planner computes profiles on the fly as of its date (so a grade rule follows the
score); `apply_profiles` writes them into `customer.profile` for the lists and the card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import ADMIN, WORK, Viewer, audit, check_customers, require
from src_dash.analytics.ledger import Ledger, get_ledger, read_table
from src_dash.analytics.ledger import _Table as Table
from src_dash.analytics.scoring import GRADES, score_frame
from src_dash.clock import today as clock_today
from src_dash.money import to_cents
from src_dash.store import Customer, ProfileRule, Scenario
from src_dash.store.rows import from_row, tuples
from src_dash.store.versions import bump_data_version


@dataclass(frozen=True)
class Rule:
    """A profile rule as the matcher uses it (see `ProfileRule`)."""

    profile: str
    company_id: int | None = None
    grades: tuple[str, ...] = ()
    free_field: str = ""
    free_field_values: tuple[str, ...] = ()
    min_outstanding: Decimal | None = None
    countries: tuple[str, ...] = ()
    outside_countries: tuple[str, ...] = ()
    foreign_currency: bool | None = None
    id: int | None = None
    position: int = 0
    description: str = ""
    active: bool = True

    @property
    def needs_grades(self) -> bool:
        """Whether matching this rule needs the scores."""
        return bool(self.grades)


def load_rules(conn: Connection, active_only: bool = True) -> list[Rule]:
    """The profile rules, by position."""
    t = ProfileRule.__table__
    query = select(t).order_by(t.c.position, t.c.id)
    if active_only:
        query = query.where(t.c.active)
    return [
        from_row(
            Rule,
            r,
            **tuples(r, "grades", "free_field_values", "countries", "outside_countries"),
        )
        for r in conn.execute(query).all()
    ]


def _lower(values: tuple[str, ...]) -> list[str]:
    return [" ".join(str(v).lower().split()) for v in values]


def _json_path(name: str) -> str:
    return "$['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']"


def rule_condition(rule: Rule) -> pl.Expr:
    """A boolean expression over the profile frame (see `profile_frame`) for one rule."""
    cond = pl.lit(True)
    if rule.company_id is not None:
        cond = cond & (pl.col("company_id") == rule.company_id)
    if rule.grades:
        cond = cond & pl.col("grade").is_in(list(rule.grades)).fill_null(False)
    if rule.free_field:
        value = (
            pl.col("free_fields")
            .str.json_path_match(_json_path(rule.free_field))
            .str.to_lowercase()
            .str.strip_chars()
        )
        cond = cond & value.is_in(_lower(rule.free_field_values)).fill_null(False)
    if rule.min_outstanding is not None:
        cond = cond & (pl.col("outstanding") >= to_cents(rule.min_outstanding))
    country = pl.col("country").str.to_lowercase().str.strip_chars()
    if rule.countries:
        cond = cond & country.is_in(_lower(rule.countries))
    if rule.outside_countries:
        cond = cond & (country != "") & ~country.is_in(_lower(rule.outside_countries))
    if rule.foreign_currency is not None:
        foreign = (pl.col("currency") != "") & (pl.col("currency") != pl.col("book_currency"))
        cond = cond & (foreign if rule.foreign_currency else ~foreign)
    return cond


def profile_expr(rules: list[Rule]) -> pl.Expr:
    """The profile given by the first matching rule ("" when none matches)."""
    active = [r for r in rules if r.active]
    if not active:
        return pl.lit("")
    expr = pl.when(rule_condition(active[0])).then(pl.lit(active[0].profile))
    for rule in active[1:]:
        expr = expr.when(rule_condition(rule)).then(pl.lit(rule.profile))
    return expr.otherwise(pl.lit(""))


def grade_expr(score: pl.Expr) -> pl.Expr:
    """The grade letter of a score column (see scoring.grade)."""
    expr = pl.when(score.is_null()).then(pl.lit(None, dtype=pl.String))
    for bound, letter in GRADES:
        expr = expr.when(score < bound).then(pl.lit(letter))
    return expr.otherwise(pl.lit(GRADES[-1][1]))


_STATIC = Table(
    "SELECT id, country, currency, language, "
    "CASE WHEN no_penalties THEN 1 ELSE 0 END, free_fields FROM customer",
    {
        "customer_id": pl.Int32,
        "country": pl.String,
        "currency": pl.String,
        "language": pl.String,
        "no_penalties": pl.Boolean,
        "free_fields": pl.String,
    },
)


def customer_details(ledger: Ledger, engine: Engine) -> pl.DataFrame:
    """Customers' columns the ledger does not hold (country, currency, language, free fields).

    Cached with the ledger's parties: they change only through the sync and the services that
    bump the parties' version.
    """

    def load() -> pl.DataFrame:
        with engine.connect() as conn:
            frame = read_table(conn, _STATIC)
        return frame.with_columns(
            pl.col("free_fields").fill_null("{}"),
            pl.when(pl.col("language") == "").then(pl.lit("fr")).otherwise(pl.col("language"))
            .alias("language"),
        )  # fmt: skip

    return ledger.memo(("dunning_customer_details",), load, keep="parties")


def profile_frame(
    ledger: Ledger, engine: Engine, as_of: date, rules: list[Rule], hand: pl.DataFrame | None
) -> pl.DataFrame:
    """Every customer with the profile the rules (or the hand) give it as of a date.

    Args:
        ledger: the ledger.
        engine: the store (for the customers' details).
        as_of: the date of the grades and outstanding amounts.
        rules: the profile rules.
        hand: customer_id, hand_profile (set by hand) rows; None to read them.

    Returns:
        customer_id, company_id, country, currency, language, no_penalties, free_fields,
        outstanding (cents), grade, profile.
    """
    details = customer_details(ledger, engine)
    frame = ledger.customers.select("customer_id", "company_id").join(
        details, on="customer_id", how="left"
    )
    frame = frame.join(
        ledger.companies.select("company_id", "book_currency"), on="company_id", how="left"
    )
    outstanding = (
        ledger.view(as_of).open_items.group_by("customer_id").agg(pl.col("residual").sum())
    )
    frame = frame.join(
        outstanding.rename({"residual": "outstanding"}), on="customer_id", how="left"
    ).with_columns(
        pl.col("outstanding").fill_null(0),
        pl.col("country", "currency", "free_fields").fill_null(""),
    )
    if any(r.needs_grades for r in rules if r.active):
        scores = score_frame(ledger, as_of).select("customer_id", "score")
        frame = frame.join(scores, on="customer_id", how="left").with_columns(
            grade=grade_expr(pl.col("score"))
        )
    else:
        frame = frame.with_columns(grade=pl.lit(None, dtype=pl.String))
    frame = frame.with_columns(profile=profile_expr(rules))
    if hand is None:
        with engine.connect() as conn:
            hand = hand_settings(conn)
    return (
        frame.join(hand.select("customer_id", "hand_profile"), on="customer_id", how="left")
        .with_columns(profile=pl.coalesce("hand_profile", "profile"))
        .drop("hand_profile")
    )


def hand_settings(conn: Connection) -> pl.DataFrame:
    """Customers with a profile or a scenario set by hand (few: read fresh every time)."""
    c = Customer.__table__
    rows = conn.execute(
        select(c.c.id, c.c.profile, c.c.profile_set_by_hand, c.c.scenario_id).where(
            c.c.profile_set_by_hand | c.c.scenario_id.is_not(None)
        )
    ).all()
    return pl.DataFrame(
        {
            "customer_id": [r.id for r in rows],
            "hand_profile": [r.profile if r.profile_set_by_hand else None for r in rows],
            "hand_scenario_id": [r.scenario_id for r in rows],
        },
        schema={"customer_id": pl.Int32, "hand_profile": pl.String, "hand_scenario_id": pl.Int64},
    )


def apply_profiles(engine: Engine, as_of: date | None = None, viewer: Viewer | None = None) -> dict:
    """Write the profile the rules give into `customer.profile` (hand-set ones untouched).

    Returns:
        {"changed": n, "by_profile": {profile: customers}}.
    """
    if viewer is not None:
        require(viewer, ADMIN)
    as_of = as_of or clock_today()
    ledger = get_ledger(engine)
    with engine.connect() as conn:
        rules = load_rules(conn)
        hand = hand_settings(conn)
        current = dict(
            conn.execute(select(Customer.__table__.c.id, Customer.__table__.c.profile)).all()
        )
    frame = profile_frame(ledger, engine, as_of, rules, hand)
    hand_ids = set(hand.filter(pl.col("hand_profile").is_not_null())["customer_id"].to_list())
    changes: dict[str, list[int]] = {}
    by_profile: dict[str, int] = {}
    for customer_id, profile in frame.select("customer_id", "profile").iter_rows():
        by_profile[profile] = by_profile.get(profile, 0) + 1
        if customer_id in hand_ids or current.get(customer_id) == profile:
            continue
        changes.setdefault(profile, []).append(customer_id)
    c = Customer.__table__
    changed = sum(len(v) for v in changes.values())
    if changed:
        with engine.begin() as conn:
            for profile, ids in changes.items():
                for start in range(0, len(ids), 1000):
                    conn.execute(
                        c.update()
                        .where(c.c.id.in_(ids[start : start + 1000]), ~c.c.profile_set_by_hand)
                        .values(profile=profile)
                    )
            audit(conn, viewer, "profiles.apply", changed=changed)
            bump_data_version(conn)
    return {"changed": changed, "by_profile": dict(sorted(by_profile.items()))}


class ProfileError(ValueError):
    """A profile or scenario set by hand is refused; the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


def set_customer_profile(
    engine: Engine,
    customer_id: int,
    profile: str | None,
    *,
    scenario_id: int | None | str = "keep",
    viewer: Viewer | None = None,
) -> None:
    """Set a customer's profile by hand (None: back to the rules), and optionally its scenario.

    Args:
        engine: the store.
        customer_id: the customer.
        profile: the profile; None gives the customer back to the rules.
        scenario_id: a scenario forced on this customer, None to clear it, "keep" to leave it.
        viewer: the user (a collector or an admin, with the customer in their portfolio).

    Raises:
        ProfileError: for a profile too long or an unknown scenario.
        AccessDenied: for another role or a customer outside the viewer's portfolio.
    """
    if profile is not None and len(profile.strip()) > 40:
        raise ProfileError("profile", "40 characters at most")
    c, s = Customer.__table__, Scenario.__table__
    with engine.begin() as conn:
        if viewer is not None:
            require(viewer, WORK)
            check_customers(conn, viewer, [customer_id])
        if conn.execute(select(c.c.id).where(c.c.id == customer_id)).first() is None:
            raise ProfileError("customer", f"no customer {customer_id}")
        values: dict[str, object] = {}
        if profile is None:
            values["profile_set_by_hand"] = False
        else:
            values.update(profile=profile.strip(), profile_set_by_hand=True)
        if scenario_id != "keep":
            if scenario_id is not None:
                found = conn.execute(select(s.c.id).where(s.c.id == scenario_id)).first()
                if found is None:
                    raise ProfileError("scenario", f"no scenario {scenario_id}")
            values["scenario_id"] = scenario_id
        conn.execute(c.update().where(c.c.id == customer_id).values(**values))
        audit(
            conn,
            viewer,
            "customer.profile",
            "customer",
            customer_id,
            profile=profile,
            scenario_id=None if scenario_id == "keep" else scenario_id,
        )
        bump_data_version(conn)
