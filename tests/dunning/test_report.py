"""The daily cash report: per user, on their portfolio, sent once a day by email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sage_helpers import TODAY, register
from sqlalchemy import select, update

from src_dash.access import scope_clause
from src_dash.analytics.kpis import kpis
from src_dash.analytics.scope import scope_for_user
from src_dash.analytics.top import largest_overdue
from src_dash.cli import main
from src_dash.dunning.defaults import seed_defaults
from src_dash.dunning.dispatch import dispatch
from src_dash.dunning.planner import plan
from src_dash.dunning.report import daily_report, render_report, report_due, send_daily_reports
from src_dash.dunning.runs import create_run
from src_dash.services.auth import seed_demo_users
from src_dash.store import Customer, Message, User
from src_dash.sync import sync_company

YESTERDAY = TODAY - timedelta(days=1)


pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture
def demo(store, demo_base, server):
    """The demo base synced, its users with addresses (but one), and yesterday's run sent."""
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    seed_defaults(store)
    seed_demo_users(store)
    u = User.__table__
    with store.begin() as conn:
        for login in ("admin", "recouvrement", "commercial"):
            conn.execute(update(u).where(u.c.login == login).values(email=f"{login}@atelier.fr"))
        users = dict(conn.execute(select(u.c.login, u.c.id)).all())
    create_run(store, plan(store, YESTERDAY))
    dispatch(store, server.settings(), now=datetime(2026, 11, 21, 10, 0, tzinfo=UTC))
    server.received.clear()
    return users


def _sent_yesterday(engine, scope) -> int:  # noqa: ANN001
    m, c = Message.__table__, Customer.__table__
    with engine.connect() as conn:
        return len(
            conn.execute(
                select(m.c.id)
                .select_from(m.join(c, c.c.id == m.c.customer_id))
                .where(m.c.channel == "email", m.c.status == "sent", scope_clause(scope))
            ).all()
        )


def test_each_user_gets_the_figures_of_their_portfolio(store, demo):
    for login in ("admin", "commercial"):
        user_id = demo[login]
        scope = scope_for_user(store, user_id)
        report = daily_report(store, user_id, TODAY)
        figures = {f.key: f.value for f in report.figures}
        done = {f.key: f.value for f in report.yesterday}
        expected = kpis(store, scope, TODAY)
        assert figures["outstanding_total"] == expected.outstanding
        assert figures["overdue_total"] == expected.overdue
        assert done["emails_sent"] == _sent_yesterday(store, scope)
        assert [t.number for t in report.top] == [
            t.number for t in largest_overdue(store, scope, TODAY)
        ][:10]
    admin = {f.key: f.value for f in daily_report(store, demo["admin"], TODAY).yesterday}
    rep = {f.key: f.value for f in daily_report(store, demo["commercial"], TODAY).yesterday}
    assert admin["emails_sent"] > rep["emails_sent"] >= 0
    calls_due = {f.key: f.value for f in daily_report(store, demo["admin"], TODAY).today}
    assert calls_due["calls_due"] >= 1  # the phone steps of yesterday's run


def test_the_reports_are_sent_once_a_day_to_users_with_an_address(store, demo, server):
    done = send_daily_reports(store, TODAY, settings=server.settings())
    assert sorted(done.sent) == ["admin", "commercial", "recouvrement"]
    assert done.no_email == ("direction",)
    assert len(done.files) == 4 and all(Path(f).is_file() for f in done.files)
    by_rcpt = {r.rcpt_tos[0]: r for r in server.received}
    assert set(by_rcpt) == {"admin@atelier.fr", "commercial@atelier.fr", "recouvrement@atelier.fr"}
    mail = by_rcpt["commercial@atelier.fr"]
    assert mail.subject == "Rapport de trésorerie du 22 novembre 2026"
    html = mail.body("html")
    report = daily_report(store, demo["commercial"], TODAY)
    rendered = render_report(report)
    assert html.replace("\r\n", "\n").strip() == rendered.html.strip()
    for top in report.top:
        assert top.number in html
    assert "Ce qui a été fait hier" in html and "Emails envoyés" in mail.body("plain")

    again = send_daily_reports(store, TODAY, settings=server.settings())
    assert again.sent == ()
    assert set(again.already_sent) == {"admin", "commercial", "recouvrement"}
    assert len(server.received) == 3
    forced = send_daily_reports(
        store, TODAY, settings=server.settings(), user_ids=[demo["admin"]], force=True
    )
    assert forced.sent == ("admin",) and len(server.received) == 4


def test_src_dash_report_daily_sends_them(store, store_url, demo, server, monkeypatch, capsys):
    import json

    monkeypatch.setenv("DATABASE_URL", store_url)
    monkeypatch.setenv("SMTP_PORT", str(server.port))
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    assert main(["report", "daily", "--as-of", "2026-11-22", "--user", "admin"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sent"] == ["admin"] and out["as_of"] == "2026-11-22"
    assert [r.rcpt_tos for r in server.received] == [["admin@atelier.fr"]]
    server.stop()
    assert main(["report", "daily", "--as-of", "2026-11-22", "--user", "recouvrement"]) == 1
    assert "cannot reach" in json.loads(capsys.readouterr().out)["failed"]["recouvrement"]
    server.start()


def test_the_report_waits_for_its_hour_in_the_users_time_zone():
    assert not report_due(datetime(2026, 11, 22, 5, 30, tzinfo=UTC), 7)  # 6:30 in Paris
    assert report_due(datetime(2026, 11, 22, 6, 0, tzinfo=UTC), 7)  # 7:00 in Paris
