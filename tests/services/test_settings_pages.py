"""The settings page's use cases on a synced demo base (SQLite and PostgreSQL): admin only,
audited, and bad input (a broken FEC file, a broken template) changes nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sage_helpers import register
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from src_dash.access import AccessDenied, Viewer, viewer
from src_dash.analytics.ledger import clear_cache
from src_dash.dunning.defaults import seed_defaults
from src_dash.dunning.scenarios import ScenarioError, get_scenario
from src_dash.dunning.templates import TemplateError
from src_dash.services.admin import SettingsError
from src_dash.services.auth import seed_demo_users
from src_dash.services.cash_objectives import set_cash_objective
from src_dash.services.companies import (
    check_connection,
    list_companies,
    mask_dsn,
    save_sage_company,
    set_company_active,
    sync_now,
)
from src_dash.services.dispute_reasons import (
    add_dispute_reason,
    list_dispute_reasons,
    seed_default_dispute_reasons,
)
from src_dash.services.fec_upload import import_fec_upload
from src_dash.services.followup import InvalidInput
from src_dash.services.form_choices import find_customers, portfolio_customers, sales_rep_choices
from src_dash.services.scenario_settings import save_thresholds, scenarios_for, service_names
from src_dash.services.sync_schedule import set_sync_schedule, sync_schedule
from src_dash.services.template_drafts import (
    check_draft,
    preview_draft,
    problem_excerpt,
    save_draft,
    templates_for,
)
from src_dash.sources.demo import odbc_connection_string
from src_dash.sources.fec import FecError
from src_dash.store import (
    AuditLog,
    CashObjective,
    Company,
    Customer,
    DisputeReason,
    Entry,
    MessageTemplate,
    Scenario,
    Step,
    StoreMeta,
    SyncRun,
)
from src_dash.store.schedule import SCHEDULE_SLACK, mark_automatic_sync, stored_sync_schedule
from src_dash.sync import sync_company

TODAY = date(2026, 11, 22)
FEC_FILE = "000000000FEC20231231.txt"
ROLES = {"admin": "admin", "collector": "recouvrement", "sales_rep": "commercial"}
ROLES["read_only"] = "direction"


@dataclass
class World:
    engine: Engine
    base: Path
    users: dict[str, Viewer]
    company_id: int


@pytest.fixture
def world(store: Engine, demo_base: Path) -> Iterator[World]:
    clear_cache()
    register(store, demo_base)
    assert sync_company(store, "DEMO1", full=True, as_of=TODAY).status == "ok"
    seed_demo_users(store)
    seed_default_dispute_reasons(store)
    seed_defaults(store)
    from src_dash.store import User

    with store.connect() as conn:
        ids = dict(conn.execute(select(User.__table__.c.login, User.__table__.c.id)).all())
        company_id = conn.execute(select(Company.__table__.c.id)).scalar_one()
    users = {role: viewer(store, ids[login]) for role, login in ROLES.items()}
    yield World(store, demo_base, users, company_id)
    clear_cache()


TABLES = (Company, SyncRun, Customer, Entry, MessageTemplate, Scenario, Step, DisputeReason)


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row the settings may write (the audit log aside)."""
    out = {}
    with engine.connect() as conn:
        for model in (*TABLES, CashObjective):
            table = model.__table__
            out[table.name] = [
                tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
    return out


def audit_count(engine: Engine, action: str | None = None) -> int:
    a = AuditLog.__table__
    query = select(func.count()).select_from(a)
    if action is not None:
        query = query.where(a.c.action == action)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


def audit_last(engine: Engine, action: str):  # noqa: ANN201
    a = AuditLog.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(a).where(a.c.action == action).order_by(a.c.id.desc()).limit(1)
        ).first()


def test_every_settings_call_is_refused_to_the_other_roles(world: World, fec_dir: Path):
    e, cid = world.engine, world.company_id
    spec = scenarios_for(e, world.users["admin"])[0]
    html = "<p>{{ customer.name }}</p>"
    calls = [
        lambda w: list_companies(e, w),
        lambda w: save_sage_company(e, w, "NEW1", "New", "DRIVER={SQLite3};Database=/tmp/x"),
        lambda w: set_company_active(e, w, cid, False),
        lambda w: check_connection(e, w, cid),
        lambda w: sync_now(e, w, cid),
        lambda w: import_fec_upload(e, w, "FEC9", FEC_FILE, (fec_dir / FEC_FILE).read_bytes()),
        lambda w: sync_schedule(e, w),
        lambda w: set_sync_schedule(e, w, 30, False),
        lambda w: templates_for(e, w),
        lambda w: check_draft(w, "s", html, "t"),
        lambda w: save_draft(e, w, "x1", "fr", subject="s", body_html=html, body_text="t"),
        lambda w: preview_draft(e, w, 1, subject="s", body_html=html, body_text="t"),
        lambda w: find_customers(e, w),
        lambda w: scenarios_for(e, w),
        lambda w: save_thresholds(e, w, spec.id, "1", "1", 3),
        lambda w: service_names(e, w),
        lambda w: sales_rep_choices(e, w),
        lambda w: portfolio_customers(e, w, 1),
        lambda w: add_dispute_reason(e, w, "Colis abîmé"),
        lambda w: set_cash_objective(e, w, "2026-12-01", "1000"),
    ]
    before, audits = snapshot(e), audit_count(e)
    for role in ("collector", "sales_rep", "read_only"):
        for call in calls:
            with pytest.raises(AccessDenied, match="may not do this"):
                call(world.users[role])
        with pytest.raises(AccessDenied, match="not signed in"):
            calls[0](None)
    assert snapshot(e) == before
    assert audit_count(e) == audits
    assert stored_sync_schedule(e).source == "environment"


def test_companies_show_their_source_without_the_password_and_their_last_runs(world: World):
    admin = world.users["admin"]
    assert mask_dsn("DRIVER={ODBC 18};SERVER=sage;UID=sa;PWD=s3cr;et") == (
        "DRIVER={ODBC 18};SERVER=sage;UID=sa;PWD=****;et"
    )
    assert mask_dsn("Server=x;Password={a;b};Database=y") == "Server=x;Password=****;Database=y"
    [company] = list_companies(world.engine, admin)
    assert (company.code, company.source_kind, company.customers) == ("DEMO1", "sage100", 40)
    assert company.runs[0].status == "ok" and company.runs[0].added > 0

    changed = save_sage_company(
        world.engine, admin, "demo1", "Atelier Dumas", "", encoding="cp1252"
    )
    assert (changed.name, changed.source_encoding) == ("Atelier Dumas", "cp1252")
    assert changed.source == odbc_connection_string(world.base), "an empty string keeps the DSN"
    line = audit_last(world.engine, "company.connection")
    assert line.user_id == admin.user_id and line.entity_id == world.company_id

    created = save_sage_company(
        world.engine, admin, "PARIS", "Paris", "DRIVER={X};SERVER=s;UID=u;PWD=topsecret"
    )
    assert created.source == "DRIVER={X};SERVER=s;UID=u;PWD=****"
    assert "topsecret" not in str(audit_last(world.engine, "company.create").details)
    before = snapshot(world.engine)
    for code, name, dsn, field in [
        ("", "x", "DRIVER={X}", "code"),
        ("A B", "x", "DRIVER={X}", "code"),
        ("NEW2", "x", "", "dsn"),
        ("NEW3", "x" * 121, "DRIVER={X}", "name"),
    ]:
        with pytest.raises(SettingsError) as error:
            save_sage_company(world.engine, admin, code, name, dsn)
        assert error.value.field == field
    assert snapshot(world.engine) == before


def test_the_connection_test_counts_the_customers_or_says_what_failed(world: World):
    admin = world.users["admin"]
    with sqlite3.connect(world.base) as conn:
        in_base = conn.execute("SELECT COUNT(*) FROM F_COMPTET WHERE CT_Type = 0").fetchone()[0]
    check = check_connection(world.engine, admin, world.company_id)
    assert check.ok and check.customers == in_base and check.message == "ok"
    line = audit_last(world.engine, "company.test_connection")
    assert line.details["ok"] is True and line.details["customers"] == in_base

    bad = check_connection(world.engine, admin, dsn="DRIVER={No Such Driver};SERVER=nowhere")
    assert not bad.ok and bad.customers == 0
    assert "connect" in bad.message.lower() and bad.message
    assert audit_last(world.engine, "company.test_connection").details["ok"] is False


def test_sync_now_records_a_run_and_the_audit_line(world: World):
    admin = world.users["admin"]
    runs_before = len(list_companies(world.engine, admin)[0].runs)
    with sqlite3.connect(world.base) as conn:
        conn.execute(
            "UPDATE F_COMPTET SET CT_Intitule = 'Renamed SARL' WHERE CT_Type = 0 "
            "AND CT_Num = (SELECT MIN(CT_Num) FROM F_COMPTET WHERE CT_Type = 0)"
        )
    run = sync_now(world.engine, admin, world.company_id, full=True)
    assert run.status == "ok" and run.mode == "full" and run.changed >= 1
    assert len(list_companies(world.engine, admin)[0].runs) == min(runs_before + 1, 8)
    assert [c.name for c in find_customers(world.engine, admin, "renamed")] == ["Renamed SARL"]
    assert audit_last(world.engine, "company.sync_now").entity_id == world.company_id


def test_a_fec_upload_imports_the_file_and_a_bad_one_changes_nothing(
    world: World, fec_dir: Path, tmp_path: Path
):
    admin, engine = world.users["admin"], world.engine
    data = (fec_dir / FEC_FILE).read_bytes()
    lines = data.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.split(b"\t")[4].startswith(b"411"))
    fields = lines[at].split(b"\t")
    fields[11] = b"12,3x"  # Debit
    broken = b"".join([*lines[:at], b"\t".join(fields), *lines[at + 1 :]])
    before = snapshot(engine)
    with pytest.raises(FecError) as error:
        import_fec_upload(engine, admin, "FEC1", FEC_FILE, broken, folder=tmp_path, as_of=TODAY)
    assert (error.value.line, error.value.column) == (at + 1, "Debit")
    assert FEC_FILE in str(error.value) and f"line {error.value.line}" in str(error.value)
    assert snapshot(engine) == before
    assert not list(tmp_path.rglob("*.txt")), "a refused file is not kept"
    with pytest.raises(SettingsError, match="Sage"):
        import_fec_upload(engine, admin, "DEMO1", FEC_FILE, data, folder=tmp_path)
    with pytest.raises(SettingsError) as empty:
        import_fec_upload(engine, admin, "FEC1", FEC_FILE, b"", folder=tmp_path)
    assert empty.value.field == "file"
    assert snapshot(engine) == before

    run = import_fec_upload(engine, admin, "fec1", f"../../{FEC_FILE}", data, tmp_path, TODAY)
    assert run.status == "ok" and run.mode == "fec" and run.added > 0
    fec = next(c for c in list_companies(engine, admin) if c.code == "FEC1")
    assert fec.source_kind == "fec" and fec.source == FEC_FILE and fec.customers > 0
    [kept] = list(tmp_path.rglob(FEC_FILE))
    assert kept.is_relative_to(tmp_path / "FEC1")
    line = audit_last(engine, "company.import_fec")
    assert line.user_id == admin.user_id and line.details["run_id"] == run.id
    again = sync_now(engine, admin, fec.id)
    assert again.status == "ok" and again.added == 0 and again.changed == 0


def test_a_template_with_a_syntax_error_is_refused_with_its_line_then_saved_and_previewed(
    world: World,
):
    admin, engine = world.users["admin"], world.engine
    html = "<p>Bonjour {{ customer.name }},</p>\n<p>{% if totals.count %}</p>\n<p>Merci</p>"
    problems = check_draft(admin, "Relance {{ customer.number }}", html, "Bonjour", "fr")
    assert [(p.field, p.line) for p in problems] == [("body_html", 2)]
    assert "syntax error" in problems[0].message
    assert problem_excerpt(html, 2) == "<p>{% if totals.count %}</p>"
    unknown = check_draft(admin, "{{ custmer.name }}", "<p></p>", "x")
    assert unknown[0].field == "subject" and "customer" in unknown[0].message

    before, audits = snapshot(engine), audit_count(engine, "template.save")
    with pytest.raises(TemplateError) as error:
        save_draft(engine, admin, "essai", "fr", subject="s", body_html=html, body_text="t")
    assert error.value.problems[0].line == 2
    [customer] = find_customers(engine, admin, limit=1)
    with pytest.raises(TemplateError):
        preview_draft(engine, admin, customer.id, subject="s", body_html=html, body_text="t")
    assert snapshot(engine) == before and audit_count(engine, "template.save") == audits

    fixed = html.replace("{% if totals.count %}", "{% if totals.count %}{{ totals.count }} "
                         "pièce(s){% endif %}")  # fmt: skip
    saved = save_draft(
        engine, admin, "essai", "fr", subject="Relance {{ customer.number }}",
        body_html=fixed, body_text="Bonjour {{ customer.name }}", name="Essai",
    )  # fmt: skip
    assert (saved.code, saved.language, saved.name) == ("essai", "fr", "Essai")
    assert ("essai", "fr") in {(t.code, t.language) for t in templates_for(engine, admin)}
    line = audit_last(engine, "template.save")
    assert line.user_id == admin.user_id and line.entity_id == saved.id

    rendered = preview_draft(
        engine, admin, customer.id, subject="Relance {{ customer.number }}",
        body_html=fixed, body_text="Bonjour {{ customer.name }}", language="fr", as_of=TODAY,
    )  # fmt: skip
    assert rendered.subject == f"Relance {customer.number}"
    assert rendered.text == f"Bonjour {customer.name}"
    assert "pièce(s)" in rendered.html and "Merci" in rendered.html
    with pytest.raises(SettingsError):
        preview_draft(engine, admin, 999999, subject="s", body_html="<p></p>", body_text="t")


def test_thresholds_are_saved_audited_and_checked(world: World):
    admin, engine = world.users["admin"], world.engine
    spec = scenarios_for(engine, admin)[0]
    saved = save_thresholds(engine, admin, spec.id, "150,50", "1 000", "7")
    assert (saved.min_item_amount, saved.min_customer_amount, saved.min_gap_days) == (
        Decimal("150.50"), Decimal("1000.00"), 7,
    )  # fmt: skip
    assert len(saved.steps) == len(spec.steps)
    assert audit_last(engine, "scenario.save").entity_id == spec.id
    before = snapshot(engine)
    for args, field in [
        (("-1", "0", "5"), "min_item_amount"),
        (("1", "abc", "5"), "min_customer_amount"),
        (("1", "1", "x"), "min_gap_days"),
        (("1", "1", "400"), "min_gap_days"),
    ]:
        with pytest.raises(ScenarioError) as error:
            save_thresholds(engine, admin, spec.id, *args)
        assert error.value.problems[0][0] == field
    assert snapshot(engine) == before
    assert get_scenario(engine, spec.id).min_gap_days == 7


def test_lists_the_forms_need(world: World):
    admin, engine = world.users["admin"], world.engine
    assert "Comptabilité" in service_names(engine, admin)
    reps = sales_rep_choices(engine, admin)
    assert reps and all(r.company_code == "DEMO1" and r.name for r in reps)
    everyone = find_customers(engine, admin, limit=500)
    assert len(everyone) == 40
    for customer in everyone:  # names as typed, accents and all ("Électricité")
        assert customer.id in {c.id for c in find_customers(engine, admin, customer.name)}
        assert customer.id in {c.id for c in find_customers(engine, admin, customer.number)}
    assert sync_schedule(engine, admin).interval_seconds > 0
    reasons = [r.label for r in list_dispute_reasons(engine, admin)]
    assert "Autre" in reasons


# ---- the automatic sync's schedule


@pytest.fixture
def people(store: Engine) -> dict[str, Viewer]:
    """The demo users of a fresh store without a Sage base (so no sales rep user): the schedule
    needs no data."""
    from src_dash.store import User

    seed_demo_users(store)
    with store.connect() as conn:
        ids = dict(conn.execute(select(User.__table__.c.login, User.__table__.c.id)).all())
    return {role: viewer(store, ids[login]) for role, login in ROLES.items() if login in ids}


def stored_meta(engine: Engine) -> dict[str, str]:
    t = StoreMeta.__table__
    with engine.connect() as conn:
        return dict(conn.execute(select(t.c.key, t.c.value)).all())


def audit_rows(engine: Engine, action: str) -> list:
    a = AuditLog.__table__
    with engine.connect() as conn:
        return conn.execute(select(a).where(a.c.action == action).order_by(a.c.id)).all()


def test_the_schedule_is_the_environments_until_an_admin_sets_it(
    store: Engine, people: dict[str, Viewer], monkeypatch: pytest.MonkeyPatch
):
    admin = people["admin"]
    monkeypatch.setenv("SRC_DASH_SYNC_INTERVAL", "600")
    first = sync_schedule(store, admin)
    assert (first.interval_seconds, first.minutes, first.enabled) == (600, 10, True)
    assert (first.source, first.setting, first.next_run_at) == (
        "environment",
        "SRC_DASH_SYNC_INTERVAL",
        None,
    )

    saved = set_sync_schedule(store, admin, " 30 ", True)
    assert (saved.interval_seconds, saved.minutes, saved.enabled, saved.source) == (
        1800,
        30,
        True,
        "settings",
    )
    monkeypatch.setenv("SRC_DASH_SYNC_INTERVAL", "60")  # the admin's schedule wins from now on
    assert sync_schedule(store, admin) == saved

    off = set_sync_schedule(store, admin, 45, False)
    assert (off.minutes, off.enabled, off.source) == (45, False, "settings")
    assert sync_schedule(store, admin) == off
    assert set_sync_schedule(store, admin, "5", True).minutes == 5
    assert set_sync_schedule(store, admin, "1440", True).minutes == 1440

    lines = audit_rows(store, "sync.schedule")
    assert len(lines) == 4
    assert all(line.user_id == admin.user_id for line in lines)
    assert lines[0].details == {"enabled": True, "minutes": 30}
    assert lines[1].details == {
        "enabled": False,
        "minutes": 45,
        "was_enabled": True,
        "was_minutes": 30,
    }


@pytest.mark.parametrize(
    ("minutes", "enabled", "field", "message"),
    [
        ("", True, "interval", "must not be empty"),
        ("   ", True, "interval", "must not be empty"),
        (None, True, "interval", "must not be empty"),
        ("abc", True, "interval", "'abc' is not a whole number"),
        ("15.5", True, "interval", "'15.5' is not a whole number"),
        ("15 min", True, "interval", "is not a whole number"),
        (True, True, "interval", "is not a whole number"),
        ("4", True, "interval", "must be between 5 and 1440 minutes"),
        (0, False, "interval", "must be between 5 and 1440 minutes"),
        ("-30", True, "interval", "must be between 5 and 1440 minutes"),
        ("1441", True, "interval", "must be between 5 and 1440 minutes"),
        (30, "yes", "enabled", "must be on or off"),
    ],
)
def test_a_bad_schedule_is_refused_by_field_and_changes_nothing(
    store: Engine, people: dict[str, Viewer], minutes, enabled, field: str, message: str
):
    admin = people["admin"]
    kept = set_sync_schedule(store, admin, 20, True)
    meta, audits = stored_meta(store), audit_count(store)
    with pytest.raises(SettingsError) as error:
        set_sync_schedule(store, admin, minutes, enabled)
    assert isinstance(error.value, InvalidInput)
    assert error.value.field == field
    assert message in str(error.value) and str(error.value).startswith(f"{field}: ")
    assert stored_meta(store) == meta
    assert audit_count(store) == audits
    assert sync_schedule(store, admin) == kept


def test_only_an_admin_reads_or_sets_the_schedule(world: World):
    store, people = world.engine, world.users
    set_sync_schedule(store, people["admin"], 20, True)
    meta, audits = stored_meta(store), audit_count(store)
    for role in ("collector", "sales_rep", "read_only"):
        with pytest.raises(AccessDenied, match="may not do this"):
            set_sync_schedule(store, people[role], 60, False)
        with pytest.raises(AccessDenied, match="may not do this"):
            sync_schedule(store, people[role])
    with pytest.raises(AccessDenied, match="not signed in"):
        set_sync_schedule(store, None, 60, False)
    assert stored_meta(store) == meta
    assert audit_count(store) == audits


def test_the_next_automatic_sync_is_said_only_while_a_scheduler_keeps_it(
    store: Engine, people: dict[str, Viewer]
):
    admin = people["admin"]
    started = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    set_sync_schedule(store, admin, 30, True)
    assert sync_schedule(store, admin, now=started).next_run_at is None  # never ran by itself

    mark_automatic_sync(store, started)
    due = started + timedelta(minutes=30)
    assert sync_schedule(store, admin, now=started + timedelta(minutes=10)).next_run_at == due
    # A shorter interval brings it forward, from the last run.
    set_sync_schedule(store, admin, 15, True)
    assert sync_schedule(store, admin, now=started + timedelta(minutes=10)).next_run_at == (
        started + timedelta(minutes=15)
    )
    # Due a moment ago: the scheduler starts it within seconds.
    late = started + timedelta(minutes=16)
    assert sync_schedule(store, admin, now=late).next_run_at == late
    # Long overdue: no scheduler is running it, so only the interval is said.
    stale = started + timedelta(minutes=15) + SCHEDULE_SLACK + timedelta(seconds=1)
    assert sync_schedule(store, admin, now=stale).next_run_at is None
    # Off: no next run.
    set_sync_schedule(store, admin, 15, False)
    assert sync_schedule(store, admin, now=started).next_run_at is None


def test_sync_now_still_works_when_the_automatic_sync_is_off(world: World):
    admin, engine = world.users["admin"], world.engine
    assert not set_sync_schedule(engine, admin, 60, False).enabled
    run = sync_now(engine, admin, world.company_id)
    assert run.status == "ok"
