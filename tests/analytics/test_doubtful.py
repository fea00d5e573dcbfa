"""Doubtful receivables (416, clients douteux): stored by FEC imports and Sage syncs, counted in
the outstanding (the invariant holds, 416 included), shown apart (open items, card, KPIs) and
not dunned by default, while a collector's dun-now on one still works.

The FEC below (fiscal year 2026, no due-date column: due = PieceDate + 30 days):

C001 Martin SARL
  VE  1 2026-03-02 F1   411 D 1200.00 } lettered "AA" 2026-06-30: moved to 416
  OD  2 2026-06-30 OD1  411 C 1200.00 }
  OD  2 2026-06-30 OD1  416 D 1200.00 } partial lettering "b": residual 1000.00, doubtful
  BQ  3 2026-09-15 RG1  416 C  200.00 }
  VE  4 2026-09-01 F4   411 D 1000.00 due 10-01, overdue
C002 Bernard SA
  VE  5 2026-10-01 F5   411 D  500.00 due 10-31, overdue
D003 Durand
  VE  6 2026-05-04 F6   416 D  300.00 doubtful (its only item)

Outstanding 2800.00, of which doubtful 1300.00 (C001 1000.00, D003 300.00).
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sage_helpers import TODAY, open_period, register
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.analytics.kpis import kpis
from src_dash.analytics.ledger import clear_cache, get_ledger
from src_dash.analytics.reconcile import reconcile_company
from src_dash.dunning.defaults import seed_defaults
from src_dash.dunning.planner import plan
from src_dash.services.customer_card import customer_card
from src_dash.services.dun_now import preview_dun
from src_dash.services.fec_import import import_fec_file
from src_dash.services.open_items import OpenItemFilters, open_items
from src_dash.sources.fec import read_fec
from src_dash.sources.records import entry_row
from src_dash.store import Customer, Entry
from src_dash.store.versions import bump_data_version
from src_dash.sync import entry_row_hash, sync_company

D = Decimal
ADMIN = Viewer(user_id=0, login="admin", name="Admin", role="admin")
HEADER = (
    "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|"
    "PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|"
    "Idevise"
)
NAMES = {"C001": "Martin SARL", "C002": "Bernard SA", "D003": "Durand"}
ACCOUNTS = {
    "411": "41100000|Clients",
    "416": "41600000|Clients douteux",
    "706": "70600000|Ventes",
    "512": "51200000|Banque",
}
JOURNALS = {"VE": "Ventes", "OD": "Opérations diverses", "BQ": "Banque"}
# (journal, number, day, piece, label, [(account, aux, debit, credit, lettering, lettered on)])
ENTRIES = [
    ("VE", 1, "20260302", "F1", "Facture F1", [
        ("411", "C001", "1200,00", "", "AA", "20260630"),
        ("706", "", "", "1200,00", "", ""),
    ]),
    ("OD", 2, "20260630", "OD1", "Transfert clients douteux", [
        ("411", "C001", "", "1200,00", "AA", "20260630"),
        ("416", "C001", "1200,00", "", "b", ""),
    ]),
    ("BQ", 3, "20260915", "RG1", "Règlement partiel", [
        ("416", "C001", "", "200,00", "b", ""),
        ("512", "", "200,00", "", "", ""),
    ]),
    ("VE", 4, "20260901", "F4", "Facture F4", [
        ("411", "C001", "1000,00", "", "", ""),
        ("706", "", "", "1000,00", "", ""),
    ]),
    ("VE", 5, "20261001", "F5", "Facture F5", [
        ("411", "C002", "500,00", "", "", ""),
        ("706", "", "", "500,00", "", ""),
    ]),
    ("VE", 6, "20260504", "F6", "Facture F6 douteuse", [
        ("416", "D003", "300,00", "", "", ""),
        ("706", "", "", "300,00", "", ""),
    ]),
]  # fmt: skip


def write_fec(folder: Path) -> Path:
    """The FEC of the module's docstring."""
    lines = [HEADER]
    for journal, number, day, piece, label, rows in ENTRIES:
        for account, aux, debit, credit, lettering, lettered_on in rows:
            aux_name = NAMES.get(aux, "")
            lines.append(
                f"{journal}|{JOURNALS[journal]}|{number}|{day}|{ACCOUNTS[account]}|{aux}|"
                f"{aux_name}|{piece}|{day}|{label}|{debit or '0,00'}|{credit or '0,00'}|"
                f"{lettering}|{lettered_on}|{day}||"
            )
    path = folder / "123456789FEC20261231.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def fec_store(store: Engine, tmp_path: Path) -> Engine:
    """The FEC imported as company FEC1, customers given an email, the defaults seeded."""
    clear_cache()
    outcome = import_fec_file(store, write_fec(tmp_path), "FEC1", as_of=TODAY)
    assert outcome.status == "ok", outcome.error
    seed_defaults(store)
    cu = Customer.__table__
    with store.begin() as conn:
        for number in NAMES:
            conn.execute(
                update(cu).where(cu.c.number == number).values(email=f"compta@{number}.test")
            )
        bump_data_version(conn)
    yield store
    clear_cache()


def stored(engine: Engine) -> dict[str, list[tuple[str, Decimal, bool]]]:
    """Per customer number, its entries as (account, amount, doubtful), by account then amount."""
    e, cu = Entry.__table__, Customer.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(cu.c.number, e.c.account, e.c.amount, e.c.doubtful).join(
                cu, cu.c.id == e.c.customer_id
            )
        ).all()
    out: dict[str, list[tuple[str, Decimal, bool]]] = {}
    for number, account, amount, doubtful in sorted(rows):
        out.setdefault(number, []).append((account, D(amount), bool(doubtful)))
    return out


def ids_by_piece(engine: Engine) -> dict[tuple[str, str], int]:
    """Entry ids by (piece, account)."""
    e = Entry.__table__
    with engine.connect() as conn:
        return {(p, a): i for i, p, a in conn.execute(select(e.c.id, e.c.piece, e.c.account))}


def customer_ids(engine: Engine) -> dict[str, int]:
    cu = Customer.__table__
    with engine.connect() as conn:
        return dict(conn.execute(select(cu.c.number, cu.c.id)).all())


def test_a_fec_import_stores_416_lines_as_doubtful_and_counts_them(fec_store: Engine):
    assert stored(fec_store) == {
        "C001": [
            ("41100000", D("-1200.00"), False),
            ("41100000", D("1000.00"), False),
            ("41100000", D("1200.00"), False),
            ("41600000", D("-200.00"), True),
            ("41600000", D("1200.00"), True),
        ],
        "C002": [("41100000", D("500.00"), False)],
        "D003": [("41600000", D("300.00"), True)],
    }
    items = get_ledger(fec_store).view(TODAY).open_items
    by_customer = {
        number: sorted(
            (r["residual"], r["doubtful"])
            for r in items.filter(items["customer_id"] == cid).iter_rows(named=True)
        )
        for number, cid in customer_ids(fec_store).items()
    }
    # The 416 debit keeps what the partial payment left; doubtful items stay in the outstanding.
    assert by_customer == {
        "C001": [(100000, False), (100000, True)],
        "C002": [(50000, False)],
        "D003": [(30000, True)],
    }
    check = reconcile_company(fec_store, "FEC1", TODAY)
    assert check.ok, check.as_dict()
    assert (check.source_total, check.app_total, check.difference) == (
        D("2800.00"),
        D("2800.00"),
        D("0.00"),
    )


def test_importing_the_file_again_changes_nothing_and_an_older_import_is_flagged(
    fec_store: Engine, tmp_path: Path
):
    path = tmp_path / "123456789FEC20261231.txt"
    again = import_fec_file(fec_store, path, "FEC1", as_of=TODAY)
    assert (again.added, again.changed, again.deleted) == (0, 0, 0)
    # A store written before entries had the flag: the 416 lines unflagged, with the hash of
    # their rows as they were then. The next import rewrites exactly those lines.
    e = Entry.__table__
    with fec_store.begin() as conn:
        for record in read_fec(path).entries:
            if record.doubtful:
                old = entry_row_hash(entry_row(replace(record, doubtful=False)))
                conn.execute(
                    update(e)
                    .where(e.c.source_key == record.key)
                    .values(doubtful=False, row_hash=old)
                )
    assert not any(d for rows in stored(fec_store).values() for _, _, d in rows)
    upgraded = import_fec_file(fec_store, path, "FEC1", as_of=TODAY)
    assert (upgraded.added, upgraded.changed, upgraded.deleted) == (0, 3, 0)
    assert sum(d for rows in stored(fec_store).values() for _, _, d in rows) == 3


def test_the_planner_leaves_doubtful_items_out_and_says_why(fec_store: Engine):
    ids = ids_by_piece(fec_store)
    doubtful = {ids[("OD1", "41600000")], ids[("F6", "41600000")]}
    found = plan(fec_store, TODAY)
    proposed = {i.entry_id for p in found.proposals for i in p.items}
    assert proposed == {ids[("F4", "41100000")], ids[("F5", "41100000")]}
    assert not proposed & doubtful
    excluded = {x.entry_id: x for x in found.exclusions if x.reason == "doubtful"}
    assert set(excluded) == doubtful
    assert excluded[ids[("F6", "41600000")]].residual == D("300.00")
    assert excluded[ids[("OD1", "41600000")]].residual == D("1000.00")
    assert found.counts["excluded:doubtful"] == 2
    # Durand owes only doubtful receivables: nothing is sent to it.
    assert customer_ids(fec_store)["D003"] not in {p.customer_id for p in found.proposals}


def test_a_collectors_dun_now_on_a_doubtful_item_still_works(fec_store: Engine):
    item = ids_by_piece(fec_store)[("F6", "41600000")]
    forced = plan(fec_store, TODAY, entry_ids=[item], force_level=1)
    assert [[i.entry_id for i in p.items] for p in forced.proposals if p.channel == "email"] == [
        [item]
    ]
    preview = preview_dun(fec_store, ADMIN, item, 1, "email", as_of=TODAY)
    assert [i.entry_id for i in preview.items] == [item]
    assert preview.total == D("300.00")
    assert preview.to and preview.to[0].email == "compta@D003.test"


def test_open_items_show_doubtful_items_and_filter_on_them(fec_store: Engine):
    def pieces(doubtful: bool | None) -> list[tuple[str, bool]]:
        page = open_items(fec_store, ADMIN, OpenItemFilters(doubtful=doubtful), as_of=TODAY)
        return sorted((r.piece, r.doubtful) for r in page.rows)

    assert pieces(None) == [("F4", False), ("F5", False), ("F6", True), ("OD1", True)]
    assert pieces(True) == [("F6", True), ("OD1", True)]
    assert pieces(False) == [("F4", False), ("F5", False)]
    only = open_items(fec_store, ADMIN, OpenItemFilters(doubtful=True), as_of=TODAY)
    assert only.total_residual == D("1300.00")


def test_the_card_and_the_dashboard_show_the_doubtful_part_of_the_outstanding(
    fec_store: Engine,
):
    ids = customer_ids(fec_store)
    martin = customer_card(fec_store, ADMIN, ids["C001"], as_of=TODAY)
    assert (martin.balance.outstanding, martin.balance.doubtful) == (D("2000.00"), D("1000.00"))
    assert [(i.piece, i.doubtful) for i in martin.open_items] == [("OD1", True), ("F4", False)]
    bernard = customer_card(fec_store, ADMIN, ids["C002"], as_of=TODAY)
    assert (bernard.balance.outstanding, bernard.balance.doubtful) == (D("500.00"), D("0.00"))
    figures = kpis(fec_store, as_of=TODAY)
    assert (figures.outstanding, figures.doubtful) == (D("2800.00"), D("1300.00"))


def test_a_sage_line_on_416_is_synced_as_doubtful_and_not_dunned(store: Engine, demo_base: Path):
    clear_cache()
    register(store, demo_base)
    assert sync_company(store, "DEMO1", full=True, as_of=TODAY).status == "ok"
    seed_defaults(store)
    # The demo base has no 416 line: nothing is doubtful.
    assert not any(d for rows in stored(store).values() for _, _, d in rows)
    conn = sqlite3.connect(demo_base)
    start, _ = open_period(conn)
    moved, copied = (
        r[0]
        for r in conn.execute(
            "SELECT cbMarq FROM F_ECRITUREC WHERE EC_Lettre = 0 AND EC_Sens = 0 "
            "AND EC_Echeance < '2026-10-01' AND substr(JM_Date, 1, 10) >= ? AND CT_Num IN "
            "(SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0 AND CT_NotRappel = 0 "
            "AND CT_Sommeil = 0) ORDER BY cbMarq LIMIT 2",
            (start,),
        )
    )
    # In Sage, one open invoice is moved to 416 and a doubtful invoice is entered on 416.
    conn.execute("UPDATE F_ECRITUREC SET CG_Num = '4160000' WHERE cbMarq = ?", (moved,))
    columns = [r[1] for r in conn.execute("PRAGMA table_info(F_ECRITUREC)") if r[1] != "cbMarq"]
    values = {c: f"[{c}]" for c in columns}
    values["EC_No"] = "(SELECT MAX(EC_No) + 1 FROM F_ECRITUREC)"
    values["EC_Piece"] = "'FA-416'"
    values["CG_Num"] = "'41600000'"
    conn.execute(
        f"INSERT INTO F_ECRITUREC ({', '.join(f'[{c}]' for c in columns)}) "
        f"SELECT {', '.join(values.values())} FROM F_ECRITUREC WHERE cbMarq = ?",
        (copied,),
    )
    new = conn.execute("SELECT MAX(cbMarq) FROM F_ECRITUREC").fetchone()[0]
    conn.commit()
    conn.close()
    result = sync_company(store, "DEMO1", as_of=TODAY)
    assert result.status == "ok", result.error
    counts = result.tables["entries"]
    assert (counts.added, counts.changed, counts.deleted) == (1, 1, 0)
    e = Entry.__table__
    with store.connect() as c:
        flagged = dict(
            c.execute(select(e.c.source_key, e.c.id).where(e.c.doubtful.is_(True))).all()
        )
    assert set(flagged) == {moved, new}
    clear_cache()
    items = get_ledger(store).view(TODAY).open_items
    assert set(items.filter(items["doubtful"])["id"].to_list()) == set(flagged.values())
    check = reconcile_company(store, "DEMO1", TODAY)
    assert check.difference == D("0.00"), check.as_dict()
    found = plan(store, TODAY)
    proposed = {i.entry_id for p in found.proposals for i in p.items}
    assert not proposed & set(flagged.values())
    assert {x.entry_id for x in found.exclusions if x.reason == "doubtful"} == set(flagged.values())
    # A full sync reads the same rows: nothing changes.
    again = sync_company(store, "DEMO1", full=True, as_of=TODAY)
    assert (again.added, again.changed, again.deleted) == (0, 0, 0)
