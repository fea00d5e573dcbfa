"""Campaigns on a hand-made base (SQLite and PostgreSQL), as of 2026-11-22: the preview's counts,
totals and exclusions; criteria; a draft run holding every message until approved; sending to a
real SMTP server; the grouped letters PDF; and the roles and portfolios that may not do it.

The base (the dunning tests' hand world with the default scenarios): ALPHA owes 1 000,00 due 20
days ago (R1 by email); BETA 2 000,00 due 40 days ago, already at R2 (R3 by email and by letter);
GAMMA is not to be dunned; DELTA's only item is disputed; EPSILON owes 800,00 due 20 days ago
and has no sales rep (the others have R1, Paul Girard).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from dunning.conftest import World, days, make_world
from dunning.smtp_helpers import SmtpServer
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from src_dash.access import AccessDenied, Viewer, viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.services import campaigns
from src_dash.services.campaigns import CampaignCriteria, CampaignError
from src_dash.store import Action, AuditLog, ItemState, Message, User

TODAY = days(0)
D = Decimal


@dataclass
class Base:
    """The hand world, its customers and items, and one viewer per kind of user."""

    world: World
    customers: dict[str, int]
    items: dict[str, int]
    users: dict[str, Viewer]

    @property
    def engine(self) -> Engine:
        return self.world.engine


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SRC_DASH_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def base(store: Engine) -> Iterator[Base]:
    campaigns.forget_plans()
    world = make_world(store)
    c = {
        "ALPHA": world.customer("ALPHA"),
        "BETA": world.customer("BETA"),
        "GAMMA": world.customer("GAMMA", do_not_dun=True),
        "DELTA": world.customer("DELTA"),
        "EPSILON": world.customer("EPSILON", sales_rep_id=None),
    }
    items = {
        "a1": world.item(c["ALPHA"], "1000.00", days(-20), piece="FA-A1"),
        "b1": world.item(c["BETA"], "2000.00", days(-40), piece="FA-B1"),
        "g1": world.item(c["GAMMA"], "300.00", days(-40), piece="FA-G1"),
        "d1": world.item(c["DELTA"], "500.00", days(-20), piece="FA-D1"),
        "e1": world.item(c["EPSILON"], "800.00", days(-20), piece="FA-E1"),
    }
    world.state(items["b1"], level=2, last_dunned_on=days(-25))
    world.dispute(c["DELTA"], [items["d1"]])
    users = {
        "admin": User(login="admin", name="Claire Admin", role="admin"),
        "collector": User(
            login="col", name="Lucie Collector", role="collector", sees_all_customers=True
        ),
        "portfolio": User(login="col2", name="Paul Portfolio", role="collector"),
        "rep": User(login="rep", name="Sophie Rep", role="sales_rep", sales_rep_id=world.rep_id),
        "ro": User(login="ro", name="Marc Reader", role="read_only"),
    }
    ids = {}
    with store.begin() as conn:
        for key, user in users.items():
            values = user.model_dump(exclude={"id"})
            ids[key] = conn.execute(
                User.__table__.insert().values(**values).returning(User.__table__.c.id)
            ).scalar_one()
    world.set_customer(c["ALPHA"], collector_id=ids["portfolio"])
    clear_cache()
    yield Base(world, c, items, {k: viewer(store, i) for k, i in ids.items()})
    campaigns.forget_plans()
    clear_cache()


def counts(engine: Engine) -> dict[str, int]:
    """How many actions, messages, item states and audit lines the store holds."""
    with engine.connect() as conn:
        return {
            t.__tablename__: conn.execute(select(func.count()).select_from(t.__table__)).scalar()
            for t in (Action, Message, ItemState, AuditLog)
        }


def statuses(engine: Engine, run: str) -> dict[str, str]:
    m = Message.__table__
    with engine.connect() as conn:
        return {
            f"{r.channel}:{r.customer_id}": r.status
            for r in conn.execute(
                select(m.c.channel, m.c.customer_id, m.c.status).where(m.c.run == run)
            )
        }


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(out.replace("\u202f", " ").replace("\xa0", " ").split())


def test_the_preview_counts_totals_and_reasons_and_writes_nothing(base: Base):
    before = counts(base.engine)
    seen = campaigns.preview(base.engine, base.users["collector"], CampaignCriteria(), TODAY)
    by_customer = {(p.customer_number, p.channel, p.level) for p in seen.proposals}
    assert by_customer == {
        ("ALPHA", "email", 1),
        ("BETA", "email", 3),
        ("BETA", "letter", 3),
        ("EPSILON", "email", 1),
    }
    assert seen.by_channel == {"email": 3, "letter": 1}
    assert seen.by_level == {1: 2, 3: 2}
    assert (seen.customers, seen.items) == (3, 3)
    # BETA's 2 000 is asked twice (the email and the letter).
    assert [(t.currency, t.proposals, t.amount) for t in seen.totals] == [("EUR", 4, D("5800.00"))]
    reasons = {r.reason: r for r in seen.reasons}
    assert reasons["do_not_dun"].customers == 1 and reasons["do_not_dun"].amount == D("300.00")
    assert reasons["disputed"].items == 1 and reasons["disputed"].amount == D("500.00")
    disputed = next(e for e in seen.exclusions if e.reason == "disputed")
    assert (disputed.customer_number, disputed.piece, disputed.currency) == (
        "DELTA",
        "FA-D1",
        "EUR",
    )
    alpha = next(p for p in seen.proposals if p.customer_number == "ALPHA")
    assert alpha.to == ("compta@alpha.test",) and alpha.total == D("1000.00")
    assert counts(base.engine) == before

    message = campaigns.preview_message(
        base.engine, base.users["collector"], CampaignCriteria(), alpha.key, TODAY
    )
    assert "FA-A1" in message.html and "1 000,00" in message.html.replace("\u202f", " ")
    assert message.to == ("compta@alpha.test",) and "Hand SA" in message.subject
    assert counts(base.engine) == before


def test_an_exclusion_keeps_the_parameters_of_its_detail(base: Base):
    beta = base.customers["BETA"]
    base.world.set_customer(beta, stop_reason="accord du gérant", stop_until=days(10))
    clear_cache()
    seen = campaigns.preview(base.engine, base.users["collector"], CampaignCriteria(), TODAY)
    (stop,) = [e for e in seen.exclusions if e.customer_id == beta]
    assert (stop.reason, stop.detail) == (
        "customer_stopped",
        f"accord du gérant (until {days(10)})",
    )
    assert (stop.note, stop.on, stop.amount, stop.currency) == (
        "accord du gérant", days(10), None, "EUR",
    )  # fmt: skip


def test_criteria_narrow_the_campaign(base: Base):
    who = base.users["admin"]

    def customers(**criteria: object) -> set[tuple[str, str]]:
        seen = campaigns.preview(base.engine, who, CampaignCriteria(**criteria), TODAY)
        return {(p.customer_number, p.channel) for p in seen.proposals}

    assert customers(level=3) == {("BETA", "email"), ("BETA", "letter")}
    assert customers(min_amount=D("900")) == {
        ("ALPHA", "email"),
        ("BETA", "email"),
        ("BETA", "letter"),
    }
    assert customers(min_days_late=30) == {("BETA", "email"), ("BETA", "letter")}
    assert customers(sales_rep_id=base.world.rep_id) == {
        ("ALPHA", "email"),
        ("BETA", "email"),
        ("BETA", "letter"),
    }
    assert customers(company_id=base.world.company_id + 1000) == set()
    assert customers(grades=("E",)) == set()
    # Items named on the open items page: only them, at the level asked, now.
    named = campaigns.preview(
        base.engine,
        who,
        CampaignCriteria(entry_ids=(base.items["e1"],), level=2),
        TODAY,
    )
    assert [(p.customer_number, p.level, p.channel) for p in named.proposals] == [
        ("EPSILON", 2, "email")
    ]
    with pytest.raises(CampaignError):
        campaigns.preview(base.engine, who, CampaignCriteria(level=9), TODAY)
    with pytest.raises(CampaignError):
        campaigns.preview(base.engine, who, CampaignCriteria(scenario_id=999_999), TODAY)
    assert campaigns.parse_entry_ids("3, 1,x,3,,-2,0") == (3, 1)


def test_a_draft_holds_every_message_until_approved_then_sends_what_was_approved(base: Base):
    who = base.users["collector"]
    seen = campaigns.preview(base.engine, who, CampaignCriteria(), TODAY)
    keep = [p.key for p in seen.proposals if p.customer_number != "EPSILON"]
    draft = campaigns.create_draft(base.engine, who, CampaignCriteria(), keep, TODAY)
    assert (draft.messages, draft.emails, draft.letters, draft.calls) == (3, 2, 1, 0)
    alpha, beta = base.customers["ALPHA"], base.customers["BETA"]
    # Every message waits, even those whose step needs no approval.
    assert statuses(base.engine, draft.run) == {
        f"email:{alpha}": "held",
        f"email:{beta}": "held",
        f"letter:{beta}": "held",
    }
    status = campaigns.run_status(base.engine, who, draft.run)
    assert (status.messages, status.held, status.in_flight, status.letters) == (3, 3, 0, 1)
    assert [(t.proposals, t.amount) for t in status.totals] == [(3, D("5000.00"))]
    # Planning again the same day proposes nothing more: the items moved up a level.
    with pytest.raises(CampaignError):
        campaigns.create_draft(base.engine, who, CampaignCriteria(), keep, TODAY)

    server = SmtpServer().start()
    try:
        settings = server.settings()
        with pytest.raises(CampaignError):  # nothing approved yet
            campaigns.send(base.engine, who, draft.run, settings)
        alpha_message = next(m.message_id for m in status.page if m.customer_id == alpha)
        assert campaigns.approve(base.engine, who, draft.run, [alpha_message]) == 1
        outcome = campaigns.send(base.engine, who, draft.run, settings)
        assert (outcome.sent, outcome.failed, outcome.server_error) == (1, 0, "")
        assert [r.rcpt_tos for r in server.received] == [["compta@alpha.test"]]
        assert statuses(base.engine, draft.run)[f"email:{beta}"] == "held"
        assert campaigns.approve(base.engine, who, draft.run) == 2
        outcome = campaigns.send(base.engine, who, draft.run, settings)
        assert (outcome.sent, outcome.letters_printed) == (1, 1)
        assert sorted(r.rcpt_tos[0] for r in server.received) == [
            "compta@alpha.test",
            "compta@beta.test",
        ]
    finally:
        server.stop()
    # The emails are sent; the letter waits to be printed and posted (it is not in flight).
    assert sorted(statuses(base.engine, draft.run).values()) == ["queued", "sent", "sent"]
    done = campaigns.run_status(base.engine, who, draft.run)
    assert (done.counts, done.in_flight) == ({"sent": 2, "queued": 1}, 0)
    assert [r.run for r in campaigns.recent_runs(base.engine, who)] == [draft.run]

    pdf = campaigns.letters_pdf(base.engine, who, draft.run)
    assert pdf.letters == 1 and pdf.data.startswith(b"%PDF") and pdf.path.is_file()
    text = pdf_text(pdf.path)
    assert "Beta SARL" in text and "FA-B1" in text and "Alpha SARL" not in text


def test_rejected_messages_are_cancelled_and_their_items_go_back(base: Base):
    who = base.users["admin"]
    draft = campaigns.create_draft(base.engine, who, CampaignCriteria(level=3), None, TODAY)
    with base.engine.connect() as conn:
        level = select(ItemState.__table__.c.level).where(
            ItemState.__table__.c.entry_id == base.items["b1"]
        )
        assert conn.execute(level).scalar() == 3
    assert campaigns.cancel(base.engine, who, draft.run, None, "pas maintenant") == 2
    assert set(statuses(base.engine, draft.run).values()) == {"cancelled"}
    with base.engine.connect() as conn:
        assert conn.execute(level).scalar() == 2
    with pytest.raises(CampaignError):
        campaigns.letters_pdf(base.engine, who, draft.run)


@pytest.mark.parametrize("role", ["ro", "rep"])
def test_read_only_users_and_sales_reps_cannot_run_approve_cancel_or_send(base: Base, role: str):
    admin, who = base.users["admin"], base.users[role]
    draft = campaigns.create_draft(base.engine, admin, CampaignCriteria(), None, TODAY)
    before = counts(base.engine), statuses(base.engine, draft.run)
    attempts = [
        lambda: campaigns.preview(base.engine, who, CampaignCriteria(), TODAY),
        lambda: campaigns.create_draft(base.engine, who, CampaignCriteria(), None, TODAY),
        lambda: campaigns.approve(base.engine, who, draft.run),
        lambda: campaigns.cancel(base.engine, who, draft.run),
        lambda: campaigns.send(base.engine, who, draft.run),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied):
            attempt()
    assert (counts(base.engine), statuses(base.engine, draft.run)) == before
    # They may follow the run, within their portfolio.
    status = campaigns.run_status(base.engine, who, draft.run)
    numbers = {m.customer_number for m in status.page}
    assert numbers == ({"ALPHA", "BETA"} if role == "rep" else {"ALPHA", "BETA", "EPSILON"})


def test_a_collector_works_only_their_portfolio(base: Base):
    mine = base.users["portfolio"]
    seen = campaigns.preview(base.engine, mine, CampaignCriteria(), TODAY)
    assert {p.customer_number for p in seen.proposals} == {"ALPHA"}
    with pytest.raises(AccessDenied):
        campaigns.preview(base.engine, mine, CampaignCriteria(entry_ids=(base.items["b1"],)), TODAY)
    draft = campaigns.create_draft(
        base.engine, base.users["admin"], CampaignCriteria(), None, TODAY
    )
    theirs = campaigns.run_status(base.engine, base.users["admin"], draft.run)
    beta = next(m.message_id for m in theirs.page if m.customer_number == "BETA")
    with pytest.raises(AccessDenied):
        campaigns.approve(base.engine, mine, draft.run, [beta])
    assert campaigns.approve(base.engine, mine, draft.run) == 1  # ALPHA's only
    assert statuses(base.engine, draft.run)[f"email:{base.customers['ALPHA']}"] == "queued"
    assert statuses(base.engine, draft.run)[f"email:{base.customers['BETA']}"] == "held"
    with pytest.raises(AccessDenied):
        campaigns.run_status(base.engine, mine, "20261122-nothere")
