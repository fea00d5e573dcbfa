"""One scope for every figure: the same outstanding and overdue, to the cent and per company,
through the dashboard, /clients, /echeances, the customer card, the exports, the planner, the
daily report and the CLI.

The store holds three companies: two synced from Sage-shaped demo bases (DEMO1, DEMO2) and one
imported from a real FEC file (FEC1). DEMO2 is then switched off in the settings. Three viewers:
the admin (everything), a sales rep of DEMO1 (their Sage sales rep's customers) and a collector
whose portfolio holds a few customers of each company, the inactive one included. The
reference figures are summed here from the ledger's open items, with the scope applied by hand:
the viewer's customers, in active companies only.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from sage_helpers import TODAY, register
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine

from src_dash.access import Viewer, viewer
from src_dash.analytics.exports import export_frame
from src_dash.analytics.ledger import clear_cache, get_ledger
from src_dash.cli import main
from src_dash.dunning.defaults import seed_defaults
from src_dash.dunning.planner import plan
from src_dash.dunning.report import daily_report
from src_dash.money import from_cents
from src_dash.services import dashboard as dashboard_service
from src_dash.services.auth import create_user, seed_demo_users
from src_dash.services.companies import set_company_active
from src_dash.services.customer_card import customer_card
from src_dash.services.customers import CustomerQuery, list_customers
from src_dash.services.dashboard import DashboardFilters, viewer_dashboard
from src_dash.services.dispute_reasons import seed_default_dispute_reasons
from src_dash.services.fec_import import import_fec_file
from src_dash.services.open_items import OpenItemFilters, open_items
from src_dash.sources.demo import DemoCompanySpec, build_demo_base
from src_dash.store import Company, Customer, PortfolioAssignment, SalesRep, User
from src_dash.store.versions import bump_data_version
from src_dash.sync import sync_company

ZERO = Decimal("0.00")
DATES = (TODAY, date(2026, 3, 31))
INACTIVE = "DEMO2"
FEC_FILE = "000000000FEC20231231.txt"


@dataclass
class World:
    engine: Engine
    url: str
    companies: dict[str, int]  # code -> id
    admin: Viewer
    rep: Viewer  # the sales rep viewer (DEMO1)
    rep_id: int  # their sales_rep.id
    collector: Viewer  # a collector whose portfolio spans the three companies


@pytest.fixture(scope="module")
def second_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo2") / "DEMO2.sqlite"
    spec = DemoCompanySpec(
        code="DEMO2", name="Provence Emballages", customers=30, entries=None, seed=11
    )
    build_demo_base(path, spec, TODAY)
    return path


@pytest.fixture
def world(
    store: Engine, store_url: str, demo_base: Path, second_base: Path, tmp_path: Path, fec_dir
) -> Iterator[World]:
    clear_cache()
    dashboard_service.clear_cache()
    register(store, demo_base, "DEMO1")
    base2 = tmp_path / "DEMO2.sqlite"
    shutil.copy(second_base, base2)
    register(store, base2, "DEMO2")
    for code in ("DEMO1", "DEMO2"):
        assert sync_company(store, code, full=True, as_of=TODAY).status == "ok"
    assert import_fec_file(store, fec_dir / FEC_FILE, "FEC1", as_of=TODAY).status == "ok"
    seed_demo_users(store)
    seed_default_dispute_reasons(store)
    seed_defaults(store)
    collector = create_user(store, "portefeuille", "portefeuille-2026", "collector")
    users, co, cu, reps = User.__table__, Company.__table__, Customer.__table__, SalesRep.__table__
    pa = PortfolioAssignment.__table__
    with store.begin() as conn:
        ids = dict(conn.execute(select(users.c.login, users.c.id)).all())
        companies = dict(conn.execute(select(co.c.code, co.c.id)).all())
        # The sales rep viewer is DEMO1's sales rep with the most customers.
        rep_id = conn.execute(
            select(cu.c.sales_rep_id)
            .join(reps, reps.c.id == cu.c.sales_rep_id)
            .where(reps.c.company_id == companies["DEMO1"])
            .group_by(cu.c.sales_rep_id)
            .order_by(func.count().desc(), cu.c.sales_rep_id)
            .limit(1)
        ).scalar()
        conn.execute(
            update(users).where(users.c.id == ids["commercial"]).values(sales_rep_id=rep_id)
        )
        # The collector's portfolio spans every company, the one switched off included.
        for company_id in companies.values():
            chosen = conn.execute(
                select(cu.c.id).where(cu.c.company_id == company_id).order_by(cu.c.number).limit(8)
            ).scalars()
            conn.execute(insert(pa), [{"user_id": collector, "customer_id": c} for c in chosen])
        bump_data_version(conn)
    admin = viewer(store, ids["admin"])
    set_company_active(store, admin, companies[INACTIVE], False)
    yield World(
        store,
        store_url,
        companies,
        admin,
        viewer(store, ids["commercial"]),
        rep_id,
        viewer(store, collector),
    )
    clear_cache()
    dashboard_service.clear_cache()


def reference(w: World, who: Viewer, as_of: date) -> tuple[dict, dict, dict]:
    """Per company code and per customer id: (outstanding, overdue) in cents, from the open items
    with the scope applied by hand; and each open item's residual in cents and company code."""
    ledger = get_ledger(w.engine)
    active = set(ledger.companies.filter(pl.col("active"))["company_id"].to_list())
    customers = ledger.customers.filter(pl.col("company_id").is_in(list(active)))
    if who.role == "sales_rep":
        customers = customers.filter(pl.col("sales_rep_id") == w.rep_id)
    if who.role == "collector":
        assigned = ledger.portfolio.filter(pl.col("user_id") == who.user_id)["customer_id"]
        customers = customers.filter(
            (pl.col("collector_id") == who.user_id)
            | pl.col("customer_id").is_in(assigned.implode())
        )
    codes = dict(ledger.companies.select("company_id", "code").iter_rows())
    mine = customers.select("customer_id", "company_id")
    items = ledger.view(as_of).open_items.drop("company_id").join(mine, on="customer_id")
    overdue = pl.when((pl.col("residual") > 0) & (pl.col("due") < as_of))
    items = items.with_columns(late=overdue.then(pl.col("residual")).otherwise(0))
    per_company = {code: (0, 0) for code, cid in w.companies.items() if cid in active}
    for company_id, total, late in (
        items.group_by("company_id").agg(pl.col("residual").sum(), pl.col("late").sum()).iter_rows()
    ):
        per_company[codes[company_id]] = (total, late)
    per_customer = {
        c: (total, late)
        for c, total, late in items.group_by("customer_id")
        .agg(pl.col("residual").sum(), pl.col("late").sum())
        .iter_rows()
    }
    residuals = {
        i: (r, codes[c]) for i, r, c in items.select("id", "residual", "company_id").iter_rows()
    }
    return per_company, per_customer, residuals


def money(pair: tuple[int, int]) -> tuple[Decimal, Decimal]:
    return from_cents(pair[0]), from_cents(pair[1])


def total(per_company: dict) -> tuple[Decimal, Decimal]:
    return money(
        (sum(t for t, _ in per_company.values()), sum(late for _, late in per_company.values()))
    )


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_every_figure_is_the_same_through_every_path(
    world: World, as_of: date, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    inactive_id = w.companies[INACTIVE]
    for who in (w.admin, w.rep, w.collector):
        per_company, per_customer, residuals = reference(w, who, as_of)
        assert INACTIVE not in per_company
        assert total(per_company)[0] != ZERO, who.login  # the figures have something to compare
        everything = total(per_company)

        # The dashboard: the whole scope, each company (its filter), and by company.
        board = viewer_dashboard(w.engine, who, as_of=as_of).figures
        assert (board.kpis.outstanding, board.kpis.overdue) == everything, who.login
        by_company = {b.key: (b.outstanding, b.overdue) for b in board.by_company}
        assert by_company == {k: money(v) for k, v in per_company.items() if v != (0, 0)}, who.login
        for code, figures in per_company.items():
            kpis = viewer_dashboard(
                w.engine, who, DashboardFilters(company_code=code), as_of=as_of
            ).figures.kpis
            assert (kpis.outstanding, kpis.overdue) == money(figures), (who.login, code)
        kpis = viewer_dashboard(
            w.engine, who, DashboardFilters(company_code=INACTIVE), as_of=as_of
        ).figures.kpis
        assert (kpis.outstanding, kpis.overdue) == (ZERO, ZERO)

        # /clients: the totals of the table, for all and per company.
        page = list_customers(w.engine, who, CustomerQuery(), as_of=as_of)
        assert [(t.outstanding, t.overdue) for t in page.totals] == [everything], who.login
        for code, figures in per_company.items():
            query = CustomerQuery(company_ids=(w.companies[code],))
            totals = list_customers(w.engine, who, query, as_of=as_of).totals
            got = [(t.outstanding, t.overdue) for t in totals] or [(ZERO, ZERO)]
            assert got == [money(figures)], (who.login, code)
        query = CustomerQuery(company_ids=(inactive_id,))
        assert list_customers(w.engine, who, query, as_of=as_of).total == 0

        # /echeances: the totals of every row the filters keep.
        items = open_items(w.engine, who, as_of=as_of)
        assert (items.total_residual, items.overdue_residual) == everything, who.login
        for code, figures in per_company.items():
            filters = OpenItemFilters(company_ids=(w.companies[code],))
            got = open_items(w.engine, who, filters, as_of=as_of)
            assert (got.total_residual, got.overdue_residual) == money(figures), (who.login, code)
        filters = OpenItemFilters(company_ids=(inactive_id,))
        assert open_items(w.engine, who, filters, as_of=as_of).total == 0

        # The customer card of a few customers of each active company.
        ledger = get_ledger(w.engine)
        company_of = dict(ledger.customers.select("customer_id", "company_id").iter_rows())
        picked: dict[int, list[int]] = defaultdict(list)
        for customer_id in sorted(per_customer):
            if len(picked[company_of[customer_id]]) < 4:
                picked[company_of[customer_id]].append(customer_id)
        assert len(picked) == sum(v != (0, 0) for v in per_company.values()), who.login
        for customers in picked.values():
            for customer_id in customers:
                card = customer_card(w.engine, who, customer_id, as_of=as_of).balance
                assert (card.outstanding, card.overdue) == money(per_customer[customer_id])

        # The exports: customers (per company), entries (their residuals), who owes what.
        frame = export_frame(w.engine, "customers", who.scope, as_of)
        assert INACTIVE not in frame["company"].to_list()
        got = {
            code: (Decimal(str(out)), Decimal(str(late)))
            for code, out, late in frame.group_by("company")
            .agg(pl.col("outstanding").sum(), pl.col("overdue").sum())
            .iter_rows()
        }
        want = {k: money(v) for k, v in per_company.items()}
        assert {k: v for k, v in got.items() if v != (ZERO, ZERO)} == {
            k: v for k, v in want.items() if v != (ZERO, ZERO)
        }, who.login
        frame = export_frame(w.engine, "entries", who.scope, as_of)
        assert INACTIVE not in frame["company"].to_list()
        got = dict(frame.group_by("company").agg(pl.col("residual").sum()).iter_rows())
        assert {k: Decimal(str(v)) for k, v in got.items() if v} == {
            k: v[0] for k, v in want.items() if v[0]
        }, who.login
        owed = export_frame(w.engine, "owed", who.scope, as_of)
        assert Decimal(str(owed["total"].sum())) == everything[0], who.login

        # The planner: what it proposes is open, in the scope, and never of an inactive company.
        proposals = plan(w.engine, as_of, viewer=who).proposals
        asked: dict[str, dict[int, int]] = defaultdict(dict)
        for p in proposals:
            assert p.company_id != inactive_id
            assert p.customer_id in per_customer, (who.login, p.customer_number)
            for item in (*p.items, *p.credits):
                residual, code = residuals[item.entry_id]
                assert item.residual == from_cents(residual), item
                assert code != INACTIVE
                asked[code][item.entry_id] = residual
        assert asked, who.login  # the planner has something to propose
        for code, chosen in asked.items():
            positive = sum(max(r, 0) for r in chosen.values())
            gross = sum(r for r, c in residuals.values() if r > 0 and c == code)
            assert positive <= gross, (who.login, code)

        # The daily report of the viewer.
        report = daily_report(w.engine, who.user_id, as_of)
        figures = {f.key: f.value for f in report.figures}
        assert (figures["outstanding_total"], figures["overdue_total"]) == everything, who.login

        if who is w.admin:
            # The CLI (no viewer: every customer of the active companies).
            monkeypatch.setenv("DATABASE_URL", w.url)
            assert main(["status", "--json", "--as-of", as_of.isoformat()]) == 0
            status = json.loads(capsys.readouterr().out)
            got = {
                c["code"]: (Decimal(c["outstanding"]), Decimal(c["overdue"]))
                for c in status["companies"]
            }
            assert got == {k: money(v) for k, v in per_company.items()}
