"""The profile rules edited one by one (settings page): order, checks, warnings, counts, apply."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import TODAY, days
from sqlalchemy import func, select

from src_dash.access import AccessDenied, Viewer
from src_dash.dunning.defaults import RULES
from src_dash.dunning.profiles import set_customer_profile
from src_dash.services.profile_rules import (
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
from src_dash.store import AuditLog, Customer, ProfileRule, StoreMeta

D = Decimal
ADMIN = Viewer(user_id=None, login="admin", name="Admin", role="admin")  # type: ignore[arg-type]


def _profiles(view) -> list[str]:  # noqa: ANN001
    return [r.rule.profile for r in view.rules]


def _versions(engine) -> dict[str, str]:  # noqa: ANN001
    m = StoreMeta.__table__
    with engine.connect() as conn:
        return dict(conn.execute(select(m.c.key, m.c.value)).all())


def _audit(engine, prefix: str) -> list:  # noqa: ANN001
    a = AuditLog.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(a.c.action, a.c.entity_id, a.c.details)
            .where(a.c.action.like(f"{prefix}%"))
            .order_by(a.c.id)
        ).all()


def _table(engine) -> list[tuple]:  # noqa: ANN001
    t = ProfileRule.__table__
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(t).order_by(t.c.position)).all()]


def test_rules_are_listed_created_changed_moved_and_deleted_in_order(world):
    engine = world.engine
    view = list_rules_view(engine, ADMIN)
    assert _profiles(view) == [r.profile for r in RULES]
    assert [r.rule.position for r in view.rules] == [1, 2, 3, 4, 5]
    assert view.rules[0].scenarios == ("Export",)
    assert not any(r.shadowed for r in view.rules)  # the catch-all is the last one
    assert [c.code for c in view.companies] == ["HAND"]
    assert "France" in view.countries and "PME" in view.profiles

    before = _versions(engine)
    saved = create_rule(
        engine,
        ADMIN,
        RuleInput(
            profile="  Gros   encours ",
            description="Plus de 10 000 €",
            min_outstanding="10 000,50",
            grades=("c", "A", "C"),
            countries=("France",),
            company_id=world.company_id,
        ),
    )
    rule = saved.rule
    assert (rule.profile, rule.position, rule.min_outstanding) == ("Gros encours", 6, D("10000.50"))
    assert rule.grades == ("A", "C") and rule.company_id == world.company_id
    # No active scenario has this profile: saved, with a warning.
    assert [f for f, _ in saved.warnings] == ["profile"]
    after = _versions(engine)
    for key in ("data_version", "parties_version"):
        assert int(after[key]) == int(before[key]) + 1
    view = list_rules_view(engine, ADMIN)
    assert view.rules[-1].scenarios == () and view.rules[-1].shadowed  # after the catch-all

    # Moving up to the top, one step at a time; the top one stays at the top.
    for _ in range(5):
        move_rule(engine, ADMIN, rule.id, -1)
    order = move_rule(engine, ADMIN, rule.id, -1)
    assert [r.profile for r in order] == ["Gros encours", *[r.profile for r in RULES]]
    assert [r.position for r in order] == [1, 2, 3, 4, 5, 6]
    last = order[-1].id
    assert [r.id for r in move_rule(engine, ADMIN, last, 1)][-1] == last  # stays last
    order = move_rule(engine, ADMIN, order[0].id, 1)
    assert [r.profile for r in order][:2] == ["Export", "Gros encours"]

    changed = update_rule(
        engine, ADMIN, rule.id, RuleInput(profile="PME", outside_countries=("Belgique",))
    ).rule
    assert (changed.profile, changed.position, changed.min_outstanding) == ("PME", 2, None)
    assert changed.company_id is None and changed.grades == ()

    delete_rule(engine, ADMIN, rule.id)
    view = list_rules_view(engine, ADMIN)
    assert _profiles(view) == [r.profile for r in RULES]
    assert [r.rule.position for r in view.rules] == [1, 2, 3, 4, 5]

    actions = [(a, i) for a, i, _ in _audit(engine, "profile_rule.")]
    assert actions[0] == ("profile_rule.create", rule.id)
    assert [a for a, _ in actions].count("profile_rule.move") == 6  # not the ones that stayed
    assert actions[-2:] == [("profile_rule.update", rule.id), ("profile_rule.delete", rule.id)]
    created = _audit(engine, "profile_rule.create")[0].details
    assert created["profile"] == "Gros encours" and created["min_outstanding"] == "10000.50"


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        (RuleInput(profile="   "), ["profile"]),
        (RuleInput(profile="X" * 41), ["profile"]),
        (RuleInput(profile="X", grades=("Z",)), ["grades"]),
        (RuleInput(profile="X", min_outstanding="-5"), ["min_outstanding"]),
        (RuleInput(profile="X", min_outstanding="beaucoup"), ["min_outstanding"]),
        (RuleInput(profile="X", countries=("Fr4nce",)), ["countries"]),
        (RuleInput(profile="X", outside_countries=("F",)), ["outside_countries"]),
        (RuleInput(profile="X", free_field="Segment"), ["free_field_values"]),
        (RuleInput(profile="X", free_field_values=("PME",)), ["free_field"]),
        (RuleInput(profile="X", company_id=999_999), ["company_id"]),
        (
            RuleInput(profile="", grades=("Q",), countries=("12",)),
            ["profile", "grades", "countries"],
        ),
    ],
)
def test_a_bad_rule_names_its_fields_and_changes_nothing(world, data, fields):
    engine = world.engine
    rules, versions = _table(engine), _versions(engine)
    first = list_rules_view(engine, ADMIN).rules[0].rule
    with pytest.raises(RuleInvalid) as err:
        create_rule(engine, ADMIN, data)
    assert [f for f, _ in err.value.problems] == fields
    assert err.value.field == fields[0] and str(err.value).startswith(f"{fields[0]}: ")
    with pytest.raises(RuleInvalid):
        update_rule(engine, ADMIN, first.id, data)
    assert _table(engine) == rules and _versions(engine) == versions
    assert _audit(engine, "profile_rule.") == []


def test_unknown_rules_and_steps_are_refused(world):
    with pytest.raises(RuleInvalid, match="no profile rule 424242"):
        update_rule(world.engine, ADMIN, 424242, RuleInput(profile="X"))
    with pytest.raises(RuleInvalid, match="no profile rule"):
        delete_rule(world.engine, ADMIN, 424242)
    with pytest.raises(RuleInvalid, match="no profile rule"):
        move_rule(world.engine, ADMIN, 424242, 1)
    rule_id = list_rules_view(world.engine, ADMIN).rules[1].rule.id
    with pytest.raises(RuleInvalid) as err:
        move_rule(world.engine, ADMIN, rule_id, 3)
    assert err.value.field == "step"


def test_a_country_no_customer_has_is_a_warning_not_a_refusal(world):
    saved = create_rule(
        world.engine, ADMIN, RuleInput(profile="Export", countries=("Allemagne", "france"))
    )
    assert saved.warnings == [("countries", "no customer has the country Allemagne")]
    assert saved.rule.countries == ("Allemagne", "france")


@pytest.mark.parametrize("role", ["collector", "sales_rep", "read_only"])
def test_only_an_admin_may_read_or_change_the_rules(world, role):
    who = Viewer(user_id=None, login=role, name=role, role=role)  # type: ignore[arg-type]
    engine = world.engine
    rules, versions = _table(engine), _versions(engine)
    rule_id = rules[0][0]
    attempts = [
        lambda: list_rules_view(engine, who),
        lambda: create_rule(engine, who, RuleInput(profile="X")),
        lambda: update_rule(engine, who, rule_id, RuleInput(profile="X")),
        lambda: delete_rule(engine, who, rule_id),
        lambda: move_rule(engine, who, rule_id, 1),
        lambda: profile_counts(engine, who, TODAY),
        lambda: apply_rules_now(engine, who, TODAY),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied):
            attempt()
    with pytest.raises(AccessDenied):
        list_rules_view(engine, None)  # type: ignore[arg-type]
    assert _table(engine) == rules and _versions(engine) == versions
    assert _audit(engine, "profile_rule.") == _audit(engine, "profiles.") == []


def test_counts_follow_the_rules_and_apply_writes_them(world):
    engine = world.engine
    rich = world.customer("RICH")
    world.item(rich, "20000.00", days(-10))
    abroad = world.customer("ABROAD", country="Belgique")
    world.item(abroad, "50.00", days(-10))
    big = world.customer("BIG", free_fields={"Segment": "Collectivité"})
    hand = world.customer("HANDSET", country="Italie")
    set_customer_profile(engine, hand, "Interne")

    counts = {c.profile: c for c in profile_counts(engine, ADMIN, TODAY)}
    assert counts["Export"].customers == 1 and counts["Export"].scenarios == ("Export",)
    assert counts["Grand compte"].customers == 1
    assert counts["PME"].customers == 2  # RICH and the history customer
    assert (counts["Interne"].customers, counts["Interne"].by_hand) == (1, 1)
    assert counts["Interne"].scenarios == ()
    assert sum(c.customers for c in counts.values()) == 5

    top = create_rule(engine, ADMIN, RuleInput(profile="Gros encours", min_outstanding="10000"))
    for _ in range(5):
        move_rule(engine, ADMIN, top.rule.id, -1)
    counts = {c.profile: c.customers for c in profile_counts(engine, ADMIN, TODAY)}
    assert counts["Gros encours"] == 1 and counts["PME"] == 1

    result = apply_rules_now(engine, ADMIN, TODAY)
    c = Customer.__table__
    with engine.connect() as conn:
        profiles = dict(conn.execute(select(c.c.id, c.c.profile)).all())
    assert (profiles[rich], profiles[abroad], profiles[big], profiles[hand]) == (
        "Gros encours", "Export", "Grand compte", "Interne",
    )  # fmt: skip
    assert result["changed"] == 4 and result["by_profile"]["Gros encours"] == 1
    assert [a for a, _, _ in _audit(engine, "profiles.apply")] == ["profiles.apply"]
    assert apply_rules_now(engine, ADMIN, TODAY)["changed"] == 0  # nothing left to change
    a = AuditLog.__table__
    with engine.connect() as conn:
        assert (
            conn.execute(
                select(func.count()).select_from(a).where(a.c.action == "profiles.apply")
            ).scalar()
            == 1
        )
