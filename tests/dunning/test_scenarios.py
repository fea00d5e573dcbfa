"""Scenarios, steps and profile rules: the default set, checks that name the field, saving."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import TODAY, days
from sqlalchemy import func, select

from src_dash.access import AccessDenied, Viewer
from src_dash.cli import main
from src_dash.dunning.defaults import RULES, SCENARIOS, seed_defaults
from src_dash.dunning.profiles import Rule, apply_profiles, set_customer_profile
from src_dash.dunning.scenarios import (
    ScenarioError,
    ScenarioSpec,
    StepSpec,
    delete_scenario,
    get_scenario,
    list_profiles,
    list_rules,
    list_scenarios,
    save_rules,
    save_scenario,
)
from src_dash.store import Action, Customer, Scenario, Step

D = Decimal


def test_the_default_set_is_seeded_once(world):
    names = [s.name for s in list_scenarios(world.engine)]
    assert sorted(names) == sorted(s.name for s in SCENARIOS)
    assert seed_defaults(world.engine) == {"templates": 0, "scenarios": 0, "rules": 0}
    pme = get_scenario(world.engine, "pme")
    assert [(s.phase, s.level, s.day_offset, s.channel) for s in pme.steps] == [
        ("prevenance", 0, -5, "email"),
        ("relance", 1, 5, "email"),
        ("relance", 2, 15, "email"),
        ("relance", 3, 30, "email"),
        ("relance", 3, 30, "letter"),
        ("relance", 4, 45, "phone"),
        ("relance", 5, 60, "letter"),
        ("remerciement", 6, 0, "email"),
    ]
    assert pme.steps[-2].template_code == "mise_en_demeure" and pme.steps[-2].needs_approval
    assert get_scenario(world.engine, "Export").language == "en"
    assert all(s.cc_sales_rep for s in get_scenario(world.engine, "Grand compte").steps[1:4])
    assert [r.profile for r in list_rules(world.engine)] == [r.profile for r in RULES]
    assert list_profiles(world.engine) == ["Export", "Grand compte", "PME", "À risque"]


def _spec(**kw) -> ScenarioSpec:  # noqa: ANN003
    steps = (
        StepSpec(phase="relance", level=1, day_offset=5, template_code="relance1"),
        StepSpec(phase="relance", level=2, day_offset=20, template_code="relance2"),
    )
    return replace(ScenarioSpec(name="Test", profile="Test", steps=steps), **kw)


def test_a_bad_scenario_is_refused_with_every_field_named(world):
    bad_steps = (
        StepSpec(phase="prevenance", level=1, day_offset=3, template_code="prevenance"),
        StepSpec(phase="relance", level=2, day_offset=20, template_code="relance2"),
        StepSpec(phase="relance", level=3, day_offset=10, template_code="nope"),
        StepSpec(phase="relance", level=7, day_offset=40, channel="fax", template_code=""),
        StepSpec(phase="bogus", level=1, day_offset=1),
        StepSpec(phase="relance", level=2, day_offset=25, channel="letter",
                 template_code="relance2"),
    )  # fmt: skip
    spec = _spec(
        name="",
        steps=bad_steps,
        min_gap_days=-1,
        min_item_amount="abc",
        document_kinds=("payment",),
        language="de",
    )
    with pytest.raises(ScenarioError) as err:
        save_scenario(world.engine, spec)
    fields = {f for f, _ in err.value.problems}
    assert fields >= {
        "name",
        "language",
        "min_item_amount",
        "min_gap_days",
        "document_kinds[0]",
        "steps[0].level",
        "steps[0].day_offset",
        "steps[2].template_code",
        "steps[2].day_offset",  # R3 before R2
        "steps[3].level",
        "steps[3].channel",
        "steps[4].phase",
        "steps[5].day_offset",  # two R2 steps with different delays
    }
    assert "steps[2].template_code: no template 'nope'" in str(err.value)
    with world.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Scenario.__table__)).scalar() == 4
    with pytest.raises(ScenarioError, match="profile: the active scenario 'PME'"):
        save_scenario(world.engine, _spec(profile="PME"))
    with pytest.raises(ScenarioError, match="already exists"):
        save_scenario(world.engine, _spec(name="pme", profile="Other"))


def test_save_update_and_delete_a_scenario(world):
    saved = save_scenario(world.engine, _spec(min_item_amount=D("15")))
    assert saved.id and [s.level for s in saved.steps] == [1, 2]
    assert saved.min_item_amount == D("15.00")
    r1, r2 = saved.steps
    changed = replace(
        saved,
        account_situation=False,
        steps=(
            replace(r1, day_offset=7, cc_sales_rep=True),
            StepSpec(
                phase="relance",
                level=3,
                day_offset=40,
                channel="letter",
                template_code="mise_en_demeure",
            ),
        ),  # fmt: skip
    )
    updated = save_scenario(world.engine, changed)
    assert [(s.id == r1.id, s.level, s.day_offset) for s in updated.steps] == [
        (True, 1, 7),
        (False, 3, 40),
    ]
    assert updated.steps[0].cc_sales_rep and not updated.account_situation
    # A step an action points at is kept, archived; the others are deleted.
    with world.engine.begin() as conn:
        cid = conn.execute(select(Customer.__table__.c.id).limit(1)).scalar()
        conn.execute(
            Action.__table__.insert().values(
                company_id=world.company_id, customer_id=cid, step_id=updated.steps[1].id,
                due_on=TODAY,
            )
        )  # fmt: skip
    save_scenario(world.engine, replace(updated, steps=updated.steps[:1]))
    with world.engine.connect() as conn:
        archived = conn.execute(
            select(Step.__table__.c.archived).where(Step.__table__.c.id == updated.steps[1].id)
        ).scalar_one()
    assert archived is True
    assert [s.level for s in get_scenario(world.engine, "Test").steps] == [1]
    with pytest.raises(ScenarioError, match="deactivate it instead"):
        delete_scenario(world.engine, updated.id)
    other = save_scenario(world.engine, _spec(name="Other", profile="Other"))
    world.set_customer(cid, scenario_id=other.id)
    delete_scenario(world.engine, other.id)
    assert get_scenario(world.engine, "Other") is None
    with world.engine.connect() as conn:
        forced = conn.execute(
            select(Customer.__table__.c.scenario_id).where(Customer.__table__.c.id == cid)
        ).scalar()
    assert forced is None
    reader = Viewer(user_id=1, login="r", name="R", role="read_only")
    with pytest.raises(AccessDenied):
        save_scenario(world.engine, _spec(name="X", profile="X"), viewer=reader)


def test_profile_rules_are_checked_saved_and_applied(world):
    with pytest.raises(ScenarioError) as err:
        save_rules(
            world.engine,
            [Rule(profile=""), Rule(profile="X", grades=("Z",), free_field="Segment")],
        )
    assert {f for f, _ in err.value.problems} == {
        "rules[0].profile",
        "rules[1].grades[0]",
        "rules[1].free_field_values",
    }
    assert len(list_rules(world.engine)) == len(RULES)  # unchanged
    big = world.customer("BIGONE", free_fields={"Segment": "Collectivité"})
    world.item(big, "100.00", days(-10))
    rich = world.customer("RICH")
    world.item(rich, "20000.00", days(-10))
    abroad = world.customer("ABROAD", country="Belgique")
    plain = world.customer("PLAIN", country="")
    result = apply_profiles(world.engine, TODAY)
    profiles = _profiles(world)
    assert (profiles[big], profiles[rich], profiles[abroad], profiles[plain]) == (
        "Grand compte", "PME", "Export", "PME",
    )  # fmt: skip
    assert result["changed"] >= 4
    save_rules(
        world.engine,
        [Rule(profile="Gros encours", min_outstanding=D("10000")), *RULES],
    )
    set_customer_profile(world.engine, plain, "Interne")
    apply_profiles(world.engine, TODAY)
    profiles = _profiles(world)
    assert profiles[rich] == "Gros encours" and profiles[plain] == "Interne"
    set_customer_profile(world.engine, plain, None)  # back to the rules
    apply_profiles(world.engine, TODAY)
    assert _profiles(world)[plain] == "PME"


def _profiles(world) -> dict[int, str]:  # noqa: ANN001
    c = Customer.__table__
    with world.engine.connect() as conn:
        return dict(conn.execute(select(c.c.id, c.c.profile)).all())


def test_the_plan_and_scenarios_commands(world, store_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", store_url)
    cid = world.customer("CLI01", name="Client CLI")
    world.item(cid, "1234.56", days(-40), piece="FA-CLI")
    world.customer("DND01", do_not_dun=True)
    world.item(world.customer("DND02", do_not_dun=True), "10.00", days(-40))
    assert main(["plan", "--as-of", TODAY.isoformat(), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-11-22"
    (proposal,) = data["proposals"]
    assert proposal["customer_number"] == "CLI01" and proposal["total"] == "1234.56"
    assert proposal["items"][0]["residual"] == "1234.56"
    assert proposal["items"][0]["due_date"] == days(-40).isoformat()
    assert [(e["customer_number"], e["reason"]) for e in data["exclusions"]] == [
        ("DND02", "do_not_dun")
    ]
    assert data["counts"]["proposals"] == 1
    assert main(["plan", "--as-of", TODAY.isoformat(), "--customer", "CLI01"]) == 0
    out = capsys.readouterr().out
    assert "CLI01" in out and "FA-CLI" in out and "R1" in out and "1,234.56" in out
    assert main(["plan", "--customer", "NOPE"]) == 1
    assert "no customer 'NOPE'" in capsys.readouterr().err
    assert main(["plan", "--scenario", "Nope"]) == 1
    assert "no scenario 'Nope'" in capsys.readouterr().err
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert "PME: profile PME" in out and "mise_en_demeure" in out
    assert main(["scenarios", "seed"]) == 0
    assert json.loads(capsys.readouterr().out)["added"]["scenarios"] == 0
