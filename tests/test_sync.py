"""Sync from a Sage-shaped demo base, read through unixODBC, into real SQLite and PostgreSQL stores.

The expected figures are computed straight from the demo base with sqlite3, not through the
connector, so the two paths check each other.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sage_helpers import open_period, register, sage_source_truth
from sqlalchemy import BigInteger, func, type_coerce
from sqlmodel import Session, select

from src_dash.sources.demo import DemoCompanySpec, build_demo_base
from src_dash.store import (
    Action,
    Comment,
    Company,
    Contact,
    Customer,
    Dispute,
    Entry,
    Promise,
    PromiseItem,
    StoreMeta,
    SyncRun,
)
from src_dash.store.engine import make_engine
from src_dash.sync import StoreWriter, sync_company

TODAY = date(2026, 11, 22)


def store_truth(engine) -> dict[str, object]:
    """The same figures read from the store."""
    residual = type_coerce(Entry.__table__.c.residual, BigInteger)
    with Session(engine) as s:
        balances = {
            number: Decimal(cents) / 100
            for number, cents in s.exec(
                select(Customer.number, func.sum(residual))
                .join(Entry, Entry.customer_id == Customer.id)
                .group_by(Customer.number)
            ).all()
            if cents
        }
        return {
            "customers": set(
                s.exec(select(Customer.number).where(Customer.removed_from_source.is_(False))).all()
            ),
            "entries": s.exec(select(func.count(Entry.id))).one(),
            "contacts": s.exec(
                select(func.count(Contact.id)).where(Contact.origin == "sage")
            ).one(),
            "balances": balances,
        }


def data_version(engine) -> str | None:
    with Session(engine) as s:
        meta = s.get(StoreMeta, "data_version")
        return meta.value if meta else None


def source_truth(base: Path) -> dict[str, object]:
    """Counts and balances read directly from the demo base (see conftest)."""
    return sage_source_truth(base)


def test_full_sync_gives_the_sources_rows_and_balances(store, demo_base):
    register(store, demo_base)
    result = sync_company(store, "DEMO1", full=True, as_of=TODAY)
    assert result.status == "ok", result.error
    expected, got = source_truth(demo_base), store_truth(store)
    assert got["customers"] == expected["customers"]
    assert got["entries"] == expected["entries"]
    assert got["contacts"] == expected["contacts"]
    assert got["balances"] == expected["balances"]
    assert result.tables["entries"].added == expected["entries"]
    with Session(store) as s:
        run = s.exec(select(SyncRun)).one()
        company = s.exec(select(Company)).one()
    assert run.status == "ok" and run.added == result.added and run.duration_ms >= 0
    assert (company.open_from, company.open_to) == (date(2025, 1, 1), date(2026, 12, 31))


def test_a_second_sync_changes_nothing(store, demo_base):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    version = data_version(store)
    for full in (False, True):
        again = sync_company(store, "DEMO1", full=full, as_of=TODAY)
        assert again.status == "ok", again.error
        assert (again.added, again.changed, again.deleted) == (0, 0, 0)
    assert data_version(store) == version


def test_incremental_sync_finds_new_changed_and_deleted_rows(store, demo_base):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    conn = sqlite3.connect(demo_base)
    start, _ = open_period(conn)
    customer_scope = "CT_Num IN (SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0)"
    open_rows = conn.execute(
        f"SELECT cbMarq FROM F_ECRITUREC WHERE {customer_scope} AND EC_Lettre = 0 "
        "AND EC_Sens = 0 AND substr(JM_Date, 1, 10) >= ? ORDER BY cbMarq",
        (start,),
    ).fetchall()
    changed, deleted = open_rows[0][0], open_rows[1][0]
    # A collector letters one item in Sage (the Sage trigger stamps cbModification), another
    # item is deleted, and a new invoice is entered.
    conn.execute(
        "UPDATE F_ECRITUREC SET EC_Intitule = 'Facture corrigée' WHERE cbMarq = ?", (changed,)
    )
    conn.execute("DELETE FROM F_ECRITUREC WHERE cbMarq = ?", (deleted,))
    columns = [r[1] for r in conn.execute("PRAGMA table_info(F_ECRITUREC)") if r[1] != "cbMarq"]
    values = {c: f"[{c}]" for c in columns}
    values["EC_No"] = "(SELECT MAX(EC_No) + 1 FROM F_ECRITUREC)"
    values["EC_Piece"] = "'FA-NEW'"
    conn.execute(
        f"INSERT INTO F_ECRITUREC ({', '.join(f'[{c}]' for c in columns)}) "
        f"SELECT {', '.join(values.values())} FROM F_ECRITUREC WHERE cbMarq = ?",
        (changed,),
    )
    conn.commit()
    conn.close()
    result = sync_company(store, "DEMO1", as_of=TODAY)
    assert result.status == "ok", result.error
    entries = result.tables["entries"]
    assert (entries.added, entries.changed, entries.deleted) == (1, 1, 1)
    expected, got = source_truth(demo_base), store_truth(store)
    assert got["entries"] == expected["entries"]
    assert got["balances"] == expected["balances"]
    with Session(store) as s:
        label = s.exec(select(Entry.label).where(Entry.source_key == changed)).one()
    assert label == "Facture corrigée"


def test_app_data_survives_every_sync(store, demo_base):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    with Session(store) as s:
        customer = s.exec(select(Customer).order_by(Customer.number)).first()
        entry = s.exec(select(Entry).where(Entry.customer_id == customer.id)).first()
        customer.profile, customer.profile_set_by_hand = "Grand compte", True
        customer.stop_reason = "Négociation en cours"
        s.add(customer)
        s.add(
            Contact(
                company_id=customer.company_id,
                customer_id=customer.id,
                origin="app",
                last_name="Martin",
                email="compta@client.fr",
            )
        )
        promise = Promise(customer_id=customer.id, amount=Decimal("100.00"), promised_on=TODAY)
        s.add(promise)
        s.flush()
        s.add(PromiseItem(promise_id=promise.id, entry_id=entry.id, piece=entry.piece))
        s.add(Dispute(customer_id=customer.id, note="Livraison incomplète"))
        s.add(Comment(customer_id=customer.id, entry_id=entry.id, body="Rappeler lundi"))
        s.add(Action(company_id=customer.company_id, customer_id=customer.id, due_on=TODAY))
        s.commit()
        customer_id = customer.id
    conn = sqlite3.connect(demo_base)
    conn.execute(
        "UPDATE F_COMPTET SET CT_Intitule = CT_Intitule || ' (modifié)' WHERE CT_Num = ?",
        (customer.number,),
    )
    conn.commit()
    conn.close()
    for full in (False, True):
        assert sync_company(store, "DEMO1", full=full, as_of=TODAY).status == "ok"
    with Session(store) as s:
        customer = s.get(Customer, customer_id)
        assert customer.name.endswith("(modifié)")
        assert customer.profile == "Grand compte" and customer.profile_set_by_hand
        assert customer.stop_reason == "Négociation en cours"
        assert s.exec(select(func.count(Contact.id)).where(Contact.origin == "app")).one() == 1
        assert s.exec(select(func.count(Promise.id))).one() == 1
        assert s.exec(select(func.count(PromiseItem.id))).one() == 1
        assert s.exec(select(func.count(Dispute.id))).one() == 1
        assert s.exec(select(func.count(Comment.id))).one() == 1
        assert s.exec(select(func.count(Action.id))).one() == 1


def test_a_failing_sync_leaves_the_store_as_it_was_and_records_the_error(
    store, demo_base, monkeypatch
):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    before = store_truth(store)
    conn = sqlite3.connect(demo_base)
    conn.execute("UPDATE F_ECRITUREC SET EC_Intitule = 'changé' WHERE EC_Lettre = 0")
    conn.execute("UPDATE F_COMPTET SET CT_Intitule = 'changé'")
    conn.commit()
    conn.close()
    original = StoreWriter._entries

    def entries_then_fail(self, batches, *args, **kwargs):
        counts = original(self, batches, *args, **kwargs)  # every row is written, then...
        assert counts.changed > 0
        raise ConnectionError("network cut while reading the Sage base")

    monkeypatch.setattr(StoreWriter, "_entries", entries_then_fail)
    result = sync_company(store, "DEMO1", as_of=TODAY)
    assert result.status == "failed" and "network cut" in result.error
    assert store_truth(store) == before
    with Session(store) as s:
        assert "changé" not in s.exec(select(Customer.name)).all()
        last = s.exec(select(SyncRun).order_by(SyncRun.id.desc())).first()
    assert last.status == "failed" and "network cut" in last.error
    monkeypatch.undo()
    assert sync_company(store, "DEMO1", as_of=TODAY).status == "ok"
    assert store_truth(store) == source_truth(demo_base)


def test_a_sync_killed_midway_leaves_the_store_consistent_and_the_next_completes(tmp_path):
    base = tmp_path / "BIG.sqlite"
    spec = DemoCompanySpec(code="BIG", name="Big SA", customers=200, entries=20000, seed=5)
    build_demo_base(base, spec, TODAY)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    from src_dash.store.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    register(engine, base, "BIG")
    written = tmp_path / "first-batch-written"
    # The sync runs in its own process; once it has written its first batch of entries (inside
    # its transaction), it waits there, and the test kills it with SIGKILL: no cleanup runs.
    script = f"""
import time
from datetime import date
import src_dash.store.bulk as bulk
from src_dash.store.engine import make_engine
from src_dash.sync import sync_company

insert = bulk.BulkWriter.insert

def insert_then_wait(self, rows):
    count = insert(self, rows)
    open({str(written)!r}, "w").write(str(count))
    time.sleep(120)
    return count

bulk.BulkWriter.insert = insert_then_wait
sync_company(make_engine({url!r}), "BIG", full=True, as_of=date(2026, 11, 22))
"""
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 120
    while not written.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert written.exists(), "the sync never wrote its first batch"
    assert int(written.read_text()) > 0
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Session(engine) as s:
        assert s.exec(select(SyncRun.status)).all() == ["running"]
        assert s.exec(select(func.count(Entry.id))).one() == 0  # nothing of the killed run
        assert s.exec(select(func.count(Customer.id))).one() == 0
    result = sync_company(engine, "BIG", as_of=TODAY)
    assert result.status == "ok", result.error
    assert store_truth(engine)["entries"] == source_truth(base)["entries"]
    assert store_truth(engine)["balances"] == source_truth(base)["balances"]
    with Session(engine) as s:
        statuses = s.exec(select(SyncRun.status).order_by(SyncRun.id)).all()
    assert statuses == ["interrupted", "ok"]
    engine.dispose()


def test_promises_are_kept_when_settled_and_broken_past_their_date(store, demo_base):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    with Session(store) as s:
        open_items = s.exec(select(Entry).where(Entry.residual > 0).order_by(Entry.id)).all()
        first, second, third = open_items[:3]
        promises = []
        for item, day in ((first, TODAY + timedelta(days=5)), (second, TODAY - timedelta(days=2))):
            p = Promise(customer_id=item.customer_id, amount=item.residual, promised_on=day)
            s.add(p)
            s.flush()
            s.add(PromiseItem(promise_id=p.id, entry_id=item.id, amount=item.residual))
            promises.append(p.id)
        p = Promise(customer_id=third.customer_id, amount=third.residual, promised_on=TODAY)
        s.add(p)
        s.flush()
        s.add(PromiseItem(promise_id=p.id, entry_id=third.id, amount=third.residual))
        promises.append(p.id)
        s.commit()
        paid_key = first.source_key
    conn = sqlite3.connect(demo_base)
    conn.execute(
        "UPDATE F_ECRITUREC SET EC_Lettre = 1, EC_Lettrage = 'ZZZ' WHERE cbMarq = ?", (paid_key,)
    )
    conn.commit()
    conn.close()
    assert sync_company(store, "DEMO1", as_of=TODAY).status == "ok"
    with Session(store) as s:
        statuses = [s.get(Promise, pid).status for pid in promises]
    assert statuses == ["kept", "broken", "pending"]


def test_the_sync_reads_changes_made_within_the_overlap(store, demo_base):
    """cbModification has minute precision: a change in the same minute is still found."""
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    conn = sqlite3.connect(demo_base)
    stamp = conn.execute("SELECT MAX(cbModification) FROM F_ECRITUREC").fetchone()[0]
    target = conn.execute(
        "SELECT cbMarq FROM F_ECRITUREC WHERE EC_Lettre = 0 AND CT_Num IN "
        "(SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0) ORDER BY cbMarq DESC"
    ).fetchone()[0]
    conn.execute("DROP TRIGGER IF EXISTS TG_CBUPD_F_ECRITUREC")
    conn.execute(
        "UPDATE F_ECRITUREC SET EC_Intitule = 'même minute', cbModification = ? WHERE cbMarq = ?",
        (stamp, target),
    )
    conn.commit()
    conn.close()
    result = sync_company(store, "DEMO1", as_of=TODAY)
    assert result.tables["entries"].changed == 1


def test_a_customer_deleted_in_sage_is_marked_removed_and_comes_back(store, demo_base):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    conn = sqlite3.connect(demo_base)
    number = conn.execute(
        "SELECT t.CT_Num FROM F_COMPTET t WHERE t.CT_Type = 0 AND EXISTS "
        "(SELECT 1 FROM F_CONTACTT c WHERE c.CT_Num = t.CT_Num) ORDER BY t.CT_Num"
    ).fetchone()[0]
    saved = conn.execute("SELECT * FROM F_COMPTET WHERE CT_Num = ?", (number,)).fetchone()
    conn.execute("DELETE FROM F_ECRITUREC WHERE CT_Num = ?", (number,))
    conn.execute("DELETE FROM F_CONTACTT WHERE CT_Num = ?", (number,))
    conn.execute("DELETE FROM F_COMPTET WHERE CT_Num = ?", (number,))
    conn.commit()
    result = sync_company(store, "DEMO1", as_of=TODAY)
    assert result.status == "ok", result.error
    assert result.tables["customers"].deleted == 1
    assert result.tables["contacts"].deleted >= 1
    assert result.tables["entries"].deleted >= 1
    with Session(store) as s:
        customer = s.exec(select(Customer).where(Customer.number == number)).one()
        assert customer.removed_from_source
        assert (
            s.exec(select(func.count(Entry.id)).where(Entry.customer_id == customer.id)).one() == 0
        )
    assert store_truth(store) == source_truth(demo_base)
    # Sage gives the customer entered again a new cbMarq (an identity column).
    marks = ", ".join("?" for _ in saved)
    conn.execute(f"INSERT INTO F_COMPTET VALUES ({marks})", (None, *saved[1:]))
    conn.commit()
    conn.close()
    assert sync_company(store, "DEMO1", as_of=TODAY).status == "ok"
    with Session(store) as s:
        customer = s.exec(select(Customer).where(Customer.number == number)).one()
        assert not customer.removed_from_source


def test_a_partial_promise_is_kept_by_a_partial_payment(store, demo_base):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    with Session(store) as s:
        first, second = s.exec(
            select(Entry).where(Entry.residual > 100).order_by(Entry.id).limit(2)
        ).all()
        promises = []
        for item in (first, second):
            p = Promise(customer_id=item.customer_id, amount=Decimal("40.00"), promised_on=TODAY)
            s.add(p)
            s.flush()
            s.add(
                PromiseItem(
                    promise_id=p.id,
                    entry_id=item.id,
                    amount=Decimal("40.00"),
                    open_before=item.residual,
                )
            )
            promises.append(p.id)
        # The first item went down by 45.00 (more than promised), the second by 30.00 only.
        first.residual -= Decimal("45.00")
        second.residual -= Decimal("30.00")
        s.add(first)
        s.add(second)
        s.commit()
        company_id = first.company_id
    with store.begin() as conn:
        StoreWriter(conn, company_id).resolve_promises(TODAY + timedelta(days=1))
    with Session(store) as s:
        assert [s.get(Promise, pid).status for pid in promises] == ["kept", "broken"]


def _store_free_fields(engine) -> dict[int, dict[str, str]]:
    """Entry free fields in the store by source key (cbMarq), those with a value only."""
    with Session(engine) as s:
        rows = s.exec(select(Entry.source_key, Entry.free_fields)).all()
    return {key: fields for key, fields in rows if fields}


def test_entry_free_fields_are_read_over_odbc_and_their_changes_synced(store, demo_base):
    register(store, demo_base)
    sync_company(store, "DEMO1", full=True, as_of=TODAY)
    conn = sqlite3.connect(demo_base)
    start, end = open_period(conn)
    scope = (
        "CT_Num IN (SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0) "
        "AND substr(JM_Date, 1, 10) BETWEEN ? AND ?"
    )
    names = [
        r[0]
        for r in conn.execute(
            "SELECT CB_Name FROM cbSysLibre WHERE CB_File = 'F_ECRITUREC' AND CB_Type <> 0 "
            "ORDER BY CB_Pos"
        )
    ]
    assert names == ["Code affaire", "N° commande"]
    expected = {}
    for key, *values in conn.execute(
        f'SELECT cbMarq, "Code affaire", "N° commande" FROM F_ECRITUREC WHERE {scope}',
        (start, end),
    ):
        fields = {n: v for n, v in zip(names, values, strict=True) if v}
        if fields:
            expected[key] = fields
    got = _store_free_fields(store)
    assert got == expected
    assert any(len(f) == 2 for f in got.values()), "some invoices have both fields"
    assert {n for f in got.values() for n in f} == set(names)

    # In Sage, an order number is typed on an invoice that had none and an affair code is
    # cleared on another (the trigger stamps cbModification): the next sync brings both.
    typed = conn.execute(
        f"SELECT cbMarq FROM F_ECRITUREC WHERE {scope} AND \"N° commande\" = '' "
        "AND EC_Sens = 0 ORDER BY cbMarq LIMIT 1",
        (start, end),
    ).fetchone()[0]
    cleared = next(k for k, f in sorted(expected.items()) if "Code affaire" in f and k != typed)
    conn.execute("UPDATE F_ECRITUREC SET \"N° commande\" = 'CMD-ÉTÉ 42' WHERE cbMarq = ?", (typed,))
    conn.execute("UPDATE F_ECRITUREC SET \"Code affaire\" = '' WHERE cbMarq = ?", (cleared,))
    conn.commit()
    conn.close()
    version = data_version(store)
    result = sync_company(store, "DEMO1", as_of=TODAY)
    assert result.status == "ok", result.error
    counts = result.tables["entries"]
    assert (counts.added, counts.changed, counts.deleted) == (0, 2, 0)
    assert data_version(store) != version
    got = _store_free_fields(store)
    assert got[typed] == {**expected.get(typed, {}), "N° commande": "CMD-ÉTÉ 42"}
    assert got.get(cleared, {}) == {
        n: v for n, v in expected[cleared].items() if n != "Code affaire"
    }
    # Unchanged again: nothing more is written, incremental or full.
    version = data_version(store)
    for full in (False, True):
        again = sync_company(store, "DEMO1", full=full, as_of=TODAY)
        assert (again.added, again.changed, again.deleted) == (0, 0, 0)
    assert data_version(store) == version
