"""Dun-now guardrails on the demo base synced into a fresh store (SQLite and PostgreSQL): an item
not yet due gets the prévenance only, and no overdue wording, penalty or indemnity reaches the
mail server whatever level or template is asked; the level proposed is the scenario's next one,
and going past it needs a reason, kept on the action and in the audit log."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace

import pytest
from dunning.smtp_helpers import SmtpServer
from sage_helpers import TODAY
from services.demo_helpers import sync_demo, who
from sqlalchemy import delete, select, update
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.dunning.defaults import seed_defaults
from src_dash.dunning.model import RELANCE
from src_dash.dunning.runs import create_run
from src_dash.services import followup
from src_dash.services.auth import seed_demo_users
from src_dash.services.dun_now import (
    ORIGIN,
    NotDunnable,
    deliver,
    dun_now,
    preview_dun,
    proposed_level,
)
from src_dash.services.open_items import OpenItemFilters, open_items
from src_dash.store import Action, AuditLog, Entry, ItemState
from src_dash.store.versions import bump_data_version

# What a message about items not yet due must never say (lower case).
OVERDUE_WORDS = (
    "échu",
    "impayé",
    "malgré",
    "précédent",
    "précédentes relances",
    "retard",
    "l441",
    "pénalit",
    "indemnit",
    "40,00",
    "mise en demeure",
    "overdue",
    "past due",
    "unpaid",
    "despite",
    "penalt",
    "recovery fee",
)


@pytest.fixture
def demo(store: Engine, demo_base) -> Iterator[Engine]:  # noqa: ANN001
    sync_demo(store, demo_base)
    seed_defaults(store)
    seed_demo_users(store)
    yield store
    clear_cache()


def _items(engine: Engine, collector: Viewer, **filters: object) -> list:
    return open_items(
        engine,
        collector,
        OpenItemFilters(states=("none",), kinds=("invoice",), **filters),
        sort="residual",
        descending=True,
        page_size=200,
        as_of=TODAY,
    ).rows


def not_yet_due(engine: Engine, collector: Viewer):  # noqa: ANN201
    """An invoice due after today, never dunned, whose prévenance goes by email."""
    for row in _items(engine, collector, max_days_late=-1):
        try:
            preview = preview_dun(engine, collector, row.entry_id, 0, as_of=TODAY)
        except NotDunnable:
            continue
        if preview.channel == "email":
            return row, preview
    raise AssertionError("the demo has an invoice not yet due to warn about by email")


def overdue(engine: Engine, collector: Viewer):  # noqa: ANN201
    """An overdue invoice with nothing on it, never dunned, whose R1 goes by email."""
    for row in _items(engine, collector, min_days_late=20, levels=(0,)):
        try:
            if preview_dun(engine, collector, row.entry_id, 1, as_of=TODAY).channel == "email":
                return row
        except NotDunnable:
            continue
    raise AssertionError("the demo has an overdue invoice to dun by email")


def _words_found(text: str) -> list[str]:
    low = text.lower()
    return [w for w in OVERDUE_WORDS if w in low]


def test_dun_now_on_a_not_yet_due_item_at_every_level_sends_no_overdue_wording(
    demo: Engine,
) -> None:
    collector = who(demo, "recouvrement")
    item, prevenance = not_yet_due(demo, collector)
    assert item.due_date > TODAY
    proposal = proposed_level(demo, collector, item.entry_id, as_of=TODAY)
    assert (proposal.level, proposal.overdue, proposal.levels) == (0, False, (0,))
    # Every overdue level is refused for it, with the reason the UI words.
    for level in range(1, 6):
        with pytest.raises(NotDunnable) as refused:
            preview_dun(demo, collector, item.entry_id, level, as_of=TODAY)
        assert refused.value.reason == "not_due", level
    # A proposal forced to an overdue level (a stale preview, a hand-made one) is refused too.
    forged = replace(prevenance, proposal=replace(prevenance.proposal, level=2, phase=RELANCE))
    with pytest.raises(NotDunnable):
        dun_now(demo, collector, forged)

    # The prévenance leaves; and each relance template, were it used on this item (a template
    # chosen by hand), renders without overdue words: every one goes to the real server.
    assert dun_now(demo, collector, prevenance).status == "queued"
    codes = ("relance1", "relance2", "relance3", "relance3_lettre", "appel", "mise_en_demeure")
    misused = [
        replace(
            prevenance.proposal,
            key=f"{prevenance.proposal.key}/misused/{code}",
            template_code=code,
            phase=RELANCE,
            level=level,
            penalties=True,
        )
        for level, code in enumerate(codes, start=1)
    ]
    written = create_run(demo, misused, approve=True)
    assert written.errors == () and written.emails == len(codes)
    server = SmtpServer().start()
    try:
        done = asyncio.run(deliver(demo, collector, server.settings()))
    finally:
        server.stop()
    assert done.sent == 1 + len(codes)
    assert len(server.received) == 1 + len(codes)
    for mail in server.received:
        html, text = mail.body("html"), mail.body("plain")
        assert item.piece in text, mail.subject
        assert _words_found(mail.subject + "\n" + text + "\n" + html) == [], mail.subject
        assert "à échoir" in text or "not yet due" in text


def test_the_proposed_level_is_the_scenarios_next_and_a_skip_needs_a_reason(
    demo: Engine,
) -> None:
    collector = who(demo, "recouvrement")
    item = overdue(demo, collector)
    first = proposed_level(demo, collector, item.entry_id, as_of=TODAY)
    # Sage's own reminders count: the demo's items often had some (not always R1 then).
    assert (first.level, first.overdue) == (min(first.reached + 1, 5), True)

    def reached(sage: int, app: int | None) -> None:
        e, s = Entry.__table__, ItemState.__table__
        with demo.begin() as conn:
            conn.execute(update(e).where(e.c.id == item.entry_id).values(reminder_count=sage))
            conn.execute(delete(s).where(s.c.entry_id == item.entry_id))
            if app is not None:
                conn.execute(s.insert().values(entry_id=item.entry_id, level=app))
            bump_data_version(conn, entries=True)

    reached(0, None)
    never = proposed_level(demo, collector, item.entry_id, as_of=TODAY)
    assert (never.level, never.reached) == (1, 0)
    # Once R2 was sent, the scenario's next is R3, not R1.
    reached(0, 2)
    after = proposed_level(demo, collector, item.entry_id, as_of=TODAY)
    assert (after.level, after.reached) == (3, 2)

    same = preview_dun(demo, collector, item.entry_id, 3, as_of=TODAY)
    assert (same.proposed_level, same.skips) == (3, False)
    skip = preview_dun(demo, collector, item.entry_id, 5, as_of=TODAY)
    assert (skip.proposed_level, skip.skips) == (3, True)
    for blank in ("", "   "):
        with pytest.raises(followup.InvalidInput) as refused:
            dun_now(demo, collector, skip, reason=blank)
        assert refused.value.field == "reason"
    with demo.connect() as conn:
        assert conn.execute(select(Action.__table__.c.id)).first() is None

    done = dun_now(demo, collector, skip, reason="  Client injoignable,  accord du DAF ")
    assert done.level == 5 and done.action_ids
    a, log = Action.__table__, AuditLog.__table__
    with demo.connect() as conn:
        action = conn.execute(select(a).where(a.c.id == done.action_ids[0])).one()
        trail = conn.execute(select(log).where(log.c.action == "dun_now.skip")).one()
    assert (action.origin, action.note, action.level) == (
        ORIGIN,
        "Client injoignable, accord du DAF",
        5,
    )
    assert trail.user_id == collector.user_id
    assert (trail.details["proposed"], trail.details["level"]) == (3, 5)
    assert trail.details["reason"] == "Client injoignable, accord du DAF"
