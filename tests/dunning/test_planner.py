"""The planner on hand-built items: levels, delays, gap, exclusions, grouping, thank-yous."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from conftest import TODAY, World, days

from src_dash.access import AccessDenied, Viewer
from src_dash.analytics.scope import Scope
from src_dash.dunning.model import Plan
from src_dash.dunning.planner import Criteria, PlanError, customer_proposal, plan
from src_dash.dunning.scenarios import get_scenario, save_scenario
from src_dash.dunning.templates import render

D = Decimal


def _of(p: Plan, customer_id: int) -> list:
    return [x for x in p.proposals if x.customer_id == customer_id]


def _levels(p: Plan, customer_id: int) -> list[tuple[int, str]]:
    return sorted((x.level, x.channel) for x in _of(p, customer_id))


def _reasons(p: Plan, customer_id: int) -> list[tuple[str, int | None]]:
    return sorted((e.reason, e.entry_id) for e in p.exclusions if e.customer_id == customer_id)


def test_each_item_goes_one_level_up_never_skipping_one(world):
    # Every item is 70 days late: all of R1..R5 are due by their delays, yet each customer
    # gets only the level after the one reached.
    customers = {}
    for reached in range(6):
        cid = world.customer(f"L{reached}")
        item = world.item(cid, "500.00", days(-70))
        if reached:
            world.state(item, level=reached, last_dunned_on=days(-10))
        customers[reached] = (cid, item)
    p = world.plan()
    assert _levels(p, customers[0][0]) == [(1, "email")]
    assert _levels(p, customers[1][0]) == [(2, "email")]
    assert _levels(p, customers[2][0]) == [(3, "email"), (3, "letter")]
    assert _levels(p, customers[3][0]) == [(4, "phone")]
    assert _levels(p, customers[4][0]) == [(5, "letter")]
    assert _levels(p, customers[5][0]) == []  # R5 is the end of the scenario
    first = _of(p, customers[0][0])[0]
    assert first.scenario_name == "PME" and first.template_code == "relance1"
    assert first.phase == "relance" and first.language == "fr"
    (item,) = first.items
    assert (item.entry_id, item.level, item.previous_level, item.days_late) == (
        customers[0][1], 1, 0, 70,
    )  # fmt: skip
    assert item.residual == D("500.00") and item.advances
    assert first.total == D("500.00")
    assert [r.email for r in first.to] == ["compta@l0.test"]
    mise_en_demeure = _of(p, customers[4][0])[0]
    assert mise_en_demeure.template_code == "mise_en_demeure" and mise_en_demeure.needs_approval
    assert p.counts["proposals"] == 6 and p.counts["level:3"] == 2


def test_a_step_waits_for_its_delay_and_a_prevenance_goes_before_the_due_date(world):
    early = world.customer("EARLY")  # 10 days late, R1 sent: R2 (+15) not due yet
    item = world.item(early, "300.00", days(-10))
    world.state(item, level=1, last_dunned_on=days(-6))
    fresh = world.customer("FRESH")  # 3 days late: R1 (+5) not due yet
    world.item(fresh, "300.00", days(-3))
    soon = world.customer("SOON")  # due in 3 days: prévenance (-5)
    pre = world.item(soon, "300.00", days(3))
    world.item(soon, "200.00", days(12))  # due in 12 days: nothing yet
    told = world.customer("TOLD")  # prévenance already sent
    told_item = world.item(told, "300.00", days(2))
    world.state(told_item, level=0, last_dunned_on=days(-6))
    p = world.plan()
    assert _of(p, early) == [] and _of(p, fresh) == [] and _of(p, told) == []
    (proposal,) = _of(p, soon)
    assert (proposal.phase, proposal.level, proposal.template_code) == (
        "prevenance", 0, "prevenance",
    )  # fmt: skip
    assert [(i.entry_id, i.level, i.days_late) for i in proposal.items] == [(pre, 0, -3)]
    assert p.counts["excluded:no_step"] == 2  # EARLY and FRESH: late, nothing due yet
    explained = world.plan(customer_ids=[early, fresh])
    assert [e.reason for e in explained.exclusions] == ["no_step", "no_step"]
    assert {(e.detail, e.level, e.amount) for e in explained.exclusions} == {
        ("no step due yet", None, None)
    }
    # Five days later R1 is due for FRESH, and 5 more for EARLY's R2.
    assert _levels(world.plan(days(2)), fresh) == [(1, "email")]
    assert _levels(world.plan(days(5)), early) == [(2, "email")]


def test_minimum_gap_between_two_messages_to_one_customer(world):
    cid = world.customer("GAP")
    item = world.item(cid, "400.00", days(-40))
    world.state(item, level=1, last_dunned_on=days(-20))
    world.message(cid, days(-2))  # PME: 5 days between two messages
    p = world.plan()
    assert _of(p, cid) == []
    (excluded,) = [e for e in p.exclusions if e.customer_id == cid]
    assert excluded.reason == "too_soon" and excluded.detail == f"last message on {days(-2)}"
    # The detail's parameters, for the UI to say it in the user's language.
    assert (excluded.on, excluded.amount, excluded.note) == (days(-2), None, "")
    assert _levels(world.plan(days(3)), cid) == [(2, "email")]
    other = world.customer("FAILED")
    world.item(other, "400.00", days(-40))
    world.message(other, days(-1), status="failed")  # a failed message does not count
    assert _levels(world.plan(), other) == [(1, "email")]


def test_level_set_by_hand_and_sage_reminders(world):
    hand = world.customer("HANDSET")
    item = world.item(hand, "400.00", days(-2))  # not even R1 due by delay
    world.state(item, next_level=3)
    sage = world.customer("SAGE")
    world.item(sage, "400.00", days(-40), reminders=2, last_reminder_on=days(-10))
    p = world.plan()
    assert _levels(p, hand) == [(3, "email"), (3, "letter")]
    assert _of(p, hand)[0].items[0].previous_level == 0
    # Sage sent two reminders: the app goes on at R3, and the last one counts for the gap.
    assert _levels(p, sage) == [(3, "email"), (3, "letter")]
    assert _of(p, sage)[0].items[0].previous_level == 2
    recent = world.customer("SAGERECENT")
    world.item(recent, "400.00", days(-40), reminders=1, last_reminder_on=days(-1))
    assert [e.reason for e in world.plan().exclusions if e.customer_id == recent] == ["too_soon"]


def test_customers_left_out_with_their_reason(world):
    dnd = world.customer("DND", do_not_dun=True)
    dormant = world.customer("SLEEPY", dormant=True)
    credit = world.customer("CREDIT")
    stopped = world.customer("STOPPED", stop_reason="accord du gérant", stop_until=days(10))
    released = world.customer("RELEASED", stop_reason="accord", stop_until=TODAY)
    forever = world.customer("FOREVER", stop_reason="procédure collective")
    for cid in (dnd, dormant, credit, stopped, released, forever):
        world.item(cid, "300.00", days(-40))
    world.item(credit, "-500.00", days(-50))  # a credit note larger than the invoice
    unknown = world.customer("UNKNOWN", profile="Inconnu", profile_set_by_hand=True)
    world.item(unknown, "300.00", days(-40))
    p = world.plan()
    assert _reasons(p, dnd) == [("do_not_dun", None)]
    assert _reasons(p, dormant) == [("dormant", None)]
    assert _reasons(p, credit) == [("in_credit", None)]
    assert [e.detail for e in p.exclusions if e.customer_id == credit] == ["balance -200.00"]
    assert [(e.amount, e.on) for e in p.exclusions if e.customer_id == credit] == [
        (D("-200.00"), None)
    ]
    assert _reasons(p, forever) == [("customer_stopped", None)]
    assert _reasons(p, unknown) == [("no_scenario", None)]
    (stop,) = [e for e in p.exclusions if e.customer_id == stopped]
    assert stop.reason == "customer_stopped"
    assert stop.detail == f"accord du gérant (until {days(10)})"
    assert (stop.note, stop.on, stop.amount) == ("accord du gérant", days(10), None)
    assert stop.residual == D("300.00")
    (ever,) = [e for e in p.exclusions if e.customer_id == forever]
    assert (ever.detail, ever.note, ever.on) == (
        "procédure collective",
        "procédure collective",
        None,
    )
    # A stop ends on its end date: dunned again from that day.
    assert _levels(p, released) == [(1, "email")]
    assert _levels(world.plan(days(10)), stopped) == [(1, "email")]
    for cid in (dnd, dormant, credit, stopped, forever):
        assert _of(p, cid) == []


def test_items_left_out_with_their_reason(world):
    cid = world.customer("ITEMS")
    ok = world.item(cid, "300.00", days(-40))
    stopped = world.item(cid, "300.00", days(-40))
    world.state(stopped, stop_reason="avoir à venir", stop_until=days(5))
    released = world.item(cid, "300.00", days(-40))
    world.state(released, stop_reason="avoir à venir", stop_until=days(-1))
    disputed = world.item(cid, "300.00", days(-40))
    world.dispute(cid, [disputed])
    closed = world.item(cid, "300.00", days(-40))
    world.dispute(cid, [closed], status="closed")
    promised = world.item(cid, "300.00", days(-40))
    world.promise(cid, [promised], days(4))
    promise_due = world.item(cid, "300.00", days(-40))
    world.promise(cid, [promise_due], days(-1))  # its date has passed: dunned again
    small = world.item(cid, "5.00", days(-40))  # PME: 10.00 at least per item
    p = world.plan()
    assert _reasons(p, cid) == sorted(
        [
            ("item_stopped", stopped),
            ("disputed", disputed),
            ("promised", promised),
            ("below_item_threshold", small),
        ]
    )
    stop = next(e for e in p.exclusions if e.entry_id == stopped)
    assert stop.detail == f"avoir à venir (until {days(5)})" and stop.piece
    assert (stop.note, stop.on, stop.amount) == ("avoir à venir", days(5), None)
    assert [(e.detail, e.note, e.on) for e in p.exclusions if e.entry_id == disputed] == [
        ("", "", None)
    ]
    (proposal,) = _of(p, cid)
    assert sorted(i.entry_id for i in proposal.items) == sorted([ok, released, closed, promise_due])
    assert proposal.total == D("1200.00")


def test_customer_threshold_journals_and_document_kinds(world):
    small = world.customer("SMALLC")
    world.item(small, "30.00", days(-40))  # PME: 50.00 at least per customer
    p = world.plan()
    (excluded,) = [e for e in p.exclusions if e.customer_id == small]
    assert (excluded.reason, excluded.residual) == ("below_customer_threshold", D("30.00"))
    assert excluded.detail == "minimum 50.00"
    assert (excluded.amount, excluded.on, excluded.note) == (D("50.00"), None, "")

    mixed = world.customer("MIXED")
    invoice = world.item(mixed, "300.00", days(-40), journal="VTE")
    other_journal = world.item(mixed, "300.00", days(-40), journal="VTX")
    bounced = world.item(mixed, "200.00", days(-40), journal="BQ")  # a rejected payment
    assert sorted(i.entry_id for i in _of(world.plan(), mixed)[0].items) == sorted(
        [invoice, other_journal, bounced]
    )
    pme = get_scenario(world.engine, "PME")
    save_scenario(world.engine, replace(pme, journals=("VTE", "BQ"), document_kinds=("invoice",)))
    p = world.plan()
    assert [i.entry_id for i in _of(p, mixed)[0].items] == [invoice]
    assert _reasons(p, mixed) == sorted(
        [("journal_excluded", other_journal), ("document_kind_excluded", bounced)]
    )


def test_unexpired_credit_notes_in_or_out_per_scenario(world):
    cid = world.customer("NOTES")
    invoice = world.item(cid, "300.00", days(-40))
    note = world.item(cid, "-300.00", days(20))  # a credit note not yet due
    p = world.plan()
    (proposal,) = _of(p, cid)
    assert [i.entry_id for i in proposal.items] == [invoice] and proposal.credits == ()
    pme = get_scenario(world.engine, "PME")
    save_scenario(world.engine, replace(pme, include_unexpired_credit_notes=True))
    p = world.plan()
    assert _of(p, cid) == [] and _reasons(p, cid) == [("in_credit", None)]
    # A due credit note always counts, and is listed as deducted.
    world.item(cid, "-100.00", days(-5))
    save_scenario(world.engine, replace(pme, include_unexpired_credit_notes=False))
    (proposal,) = _of(world.plan(), cid)
    assert [c.residual for c in proposal.credits] == [D("-100.00")]
    assert note not in [c.entry_id for c in proposal.credits]


def test_account_situation_lists_every_item_with_its_level_on_the_highest_template(world):
    cid = world.customer("SITU")
    world.contact(cid, "claire@situ.test", "Comptabilité", first_name="Claire")
    world.item(cid, "100.00", days(-40), piece="FA-A")  # R1 due
    third = world.item(cid, "200.00", days(-50), piece="FA-B")  # at R2: R3 due
    world.state(third, level=2, last_dunned_on=days(-20))
    waiting = world.item(cid, "300.00", days(-8), piece="FA-C")  # at R1: R2 not yet due
    world.state(waiting, level=1, last_dunned_on=days(-7))
    world.item(cid, "-50.00", days(-30), piece="AV-D")  # a credit note, deducted
    p = world.plan()
    proposals = _of(p, cid)
    assert [(x.level, x.channel, x.template_code) for x in proposals] == [
        (3, "email", "relance3"),
        (3, "letter", "relance3_lettre"),
    ]
    email = proposals[0]
    assert [(i.piece, i.level, i.previous_level, i.advances) for i in email.items] == [
        ("FA-B", 3, 2, True),
        ("FA-A", 1, 0, True),
        ("FA-C", 1, 1, False),
    ]
    assert [c.piece for c in email.credits] == ["AV-D"]
    assert email.total == D("600.00")
    rendered = render(world.engine, email)
    assert rendered.subject == "Hand SA – troisième relance : règlement urgent"
    for piece, level in (("FA-A", "R1"), ("FA-B", "R3"), ("FA-C", "R1")):
        row = rendered.html.split(piece, 1)[1].split("</tr>", 1)[0]
        assert f">{level}<" in row
    assert "AV-D" in rendered.html and "550,00" in rendered.html  # net of the credit note
    assert "FA-C" in rendered.text and "relance R3" in rendered.text
    assert rendered.text.startswith("Madame, Monsieur,")
    assert "L441-10" in rendered.text  # penalties are on in PME

    pme = get_scenario(world.engine, "PME")
    save_scenario(world.engine, replace(pme, account_situation=False))
    p = world.plan()
    per_level = [(x.level, x.channel, [i.piece for i in x.items]) for x in _of(p, cid)]
    assert per_level == [
        (1, "email", ["FA-A"]),
        (3, "email", ["FA-B"]),
        (3, "letter", ["FA-B"]),
    ]


def test_proposal_keys_are_stable_and_distinct(world):
    cid = world.customer("KEYS")
    world.item(cid, "100.00", days(-40))
    world.item(cid, "200.00", days(-40))
    first, again = world.plan(), world.plan()
    assert [x.key for x in first.proposals] == [x.key for x in again.proposals]
    keys = [x.key for x in first.proposals]
    assert len(set(keys)) == len(keys) and all(len(k) <= 80 for k in keys)
    assert keys[0].startswith(f"{TODAY.isoformat()}/{cid}/")


def test_a_single_customer_or_item_at_any_level(world):
    cid = world.customer("FORCE")
    item = world.item(cid, "400.00", days(20))  # not due yet
    other = world.item(cid, "400.00", days(-40))
    # An item not yet due gets the prévenance only: an overdue level is refused (issue 12).
    p = world.plan(entry_ids=[item], force_level=4)
    assert p.proposals == () and _reasons(p, cid) == [("not_due", item)]
    (early,) = world.plan(entry_ids=[item], force_level=0).proposals
    assert (early.level, early.phase, [i.entry_id for i in early.items]) == (
        0,
        "prevenance",
        [item],
    )
    p = world.plan(entry_ids=[other], force_level=4)
    (proposal,) = p.proposals
    assert (proposal.level, proposal.channel) == (4, "phone")
    assert [(i.entry_id, i.level) for i in proposal.items] == [(other, 4)]
    p = world.plan(customer_ids=[cid], force_level=5)
    assert [(x.level, [i.entry_id for i in x.items]) for x in p.proposals] == [(5, [other])]
    with pytest.raises(PlanError, match="force_level needs"):
        world.plan(force_level=2)
    with pytest.raises(PlanError, match="between 0 and 5"):
        world.plan(entry_ids=[item], force_level=7)
    # A forced level still respects disputes.
    world.dispute(cid, [other])
    p = world.plan(customer_ids=[cid], force_level=5)
    assert p.proposals == () and _reasons(p, cid) == [("disputed", other)]


def test_thank_you_after_payment_of_a_dunned_item_once(world):
    cid = world.customer("THANKS")
    paid = world.paid_item(cid, "250.00", days(-30), paid_on=days(-2))
    world.state(paid, level=2, last_dunned_on=days(-12))
    never_dunned = world.customer("NODUN")
    world.paid_item(never_dunned, "250.00", days(-30), paid_on=days(-2))
    p = world.plan()
    (thanks,) = _of(p, cid)
    assert (thanks.phase, thanks.level, thanks.template_code) == ("remerciement", 6, "remerciement")
    assert [(i.entry_id, i.level, i.previous_level, i.amount) for i in thanks.items] == [
        (paid, 6, 2, D("250.00"))
    ]
    assert "250,00" in render(world.engine, thanks).html
    assert _of(p, never_dunned) == []
    world.state(paid, level=6, last_dunned_on=TODAY)  # thanked: never again
    assert _of(world.plan(days(10)), cid) == []


def test_profiles_pick_the_scenario_and_its_language(world):
    export = world.customer("EXPORT", currency="USD", country="United States", language="fr")
    world.item(export, "1100.00", days(-40), currency="USD", amount_currency="1210.00")
    big = world.customer("BIG", free_fields={"Segment": "Grand compte"})
    world.item(big, "5000.00", days(-40))
    by_hand = world.customer("BYHAND", profile="Export", profile_set_by_hand=True)
    world.item(by_hand, "500.00", days(-40))
    p = world.plan()
    (exp,) = _of(p, export)
    assert (exp.scenario_name, exp.language, exp.profile) == ("Export", "en", "Export")
    assert exp.items[0].currency == "USD" and exp.items[0].residual_currency == D("1210.00")
    rendered = render(world.engine, exp)
    assert "Dear" in rendered.text and "$1,210.00" in rendered.text
    (gc,) = _of(p, big)
    assert gc.scenario_name == "Grand compte"
    assert [(r.email, r.source) for r in gc.cc] == [("paul.girard@hand.test", "sales_rep")]
    assert _of(p, by_hand)[0].scenario_name == "Export"
    forced = get_scenario(world.engine, "À risque")
    world.set_customer(big, scenario_id=forced.id)
    (gc,) = _of(world.plan(), big)
    assert gc.scenario_name == "À risque"


def test_mass_runs_by_scenario_and_criteria(world):
    a = world.customer("CRIT-A")
    world.item(a, "5000.00", days(-40))
    b = world.customer("CRIT-B", sales_rep_id=None)
    world.item(b, "100.00", days(-40))
    c = world.customer("CRIT-C", free_fields={"Segment": "Grand compte"})
    world.item(c, "800.00", days(-40))
    ids = lambda p: sorted({x.customer_id for x in p.proposals})  # noqa: E731
    assert ids(world.plan()) == sorted([a, b, c])
    assert ids(world.plan(scenario="PME")) == sorted([a, b])
    assert ids(world.plan(scenario="grand compte")) == [c]
    assert ids(world.plan(criteria=Criteria(min_outstanding=D("1000")))) == [a]
    assert ids(world.plan(criteria=Criteria(sales_rep_ids=frozenset({world.rep_id})))) == sorted(
        [a, c]
    )
    segment = Criteria(free_fields=(("Segment", ("grand COMPTE",)),))
    assert ids(world.plan(criteria=segment)) == [c]
    assert ids(world.plan(criteria=Criteria(min_days_late=60))) == []
    assert ids(world.plan(criteria=Criteria(profiles=frozenset({"PME"})))) == sorted([a, b])
    with pytest.raises(PlanError, match="no scenario 'Nope'"):
        world.plan(scenario="Nope")


def test_the_viewer_sees_only_their_portfolio(world):
    mine = world.customer("MINE")
    world.item(mine, "500.00", days(-40))
    theirs = world.customer("THEIRS", sales_rep_id=None)
    world.item(theirs, "500.00", days(-40))
    rep = Viewer(
        user_id=1, login="rep", name="Rep", role="sales_rep",
        scope=Scope(sales_rep_ids=frozenset({world.rep_id})),
    )  # fmt: skip
    p = plan(world.engine, TODAY, viewer=rep)
    assert {x.customer_id for x in p.proposals} == {mine}
    with pytest.raises(AccessDenied):
        plan(world.engine, TODAY, viewer=rep, customer_ids=[theirs])


def test_customer_proposal_for_previews(world):
    cid = world.customer("PREVIEW")
    world.item(cid, "100.00", days(-40))
    assert customer_proposal(world.engine, cid, TODAY).level == 1
    quiet = world.customer("QUIET")
    item = world.item(quiet, "100.00", days(30))
    proposal = customer_proposal(world.engine, quiet, TODAY)
    assert [i.entry_id for i in proposal.items] == [item] and proposal.level == 0
    with pytest.raises(PlanError):
        customer_proposal(world.engine, 999_999, TODAY)


def test_the_demo_base_plans_with_the_defaults(demo_dunning):
    p = plan(demo_dunning, TODAY)
    assert p.proposals, "the demo base has something to dun"
    assert {x.scenario_name for x in p.proposals} >= {"PME"}
    for proposal in p.proposals:
        moving = [i for i in proposal.items if i.advances]
        assert moving and all(i.level <= proposal.level for i in proposal.items)
        assert all(i.level - i.previous_level <= 1 or i.level == 6 for i in moving)
        if proposal.channel == "email":
            assert proposal.to
    assert any(e.reason == "do_not_dun" for e in p.exclusions)  # the demo's internal customer
    for proposal in p.proposals[:20]:
        if proposal.channel in ("email", "letter"):
            assert render(demo_dunning, proposal).subject


def test_without_any_scenario_everyone_is_left_out_with_no_scenario(store):
    world = World(store).setup()  # nothing seeded
    cid = world.customer("NOSCEN")
    world.item(cid, "300.00", days(-40))
    p = world.plan()
    assert p.proposals == () and _reasons(p, cid) == [("no_scenario", None)]
