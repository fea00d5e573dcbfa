"""Tests of the demo Sage 100 base generator, on real SQLite files (and the SQLite ODBC driver)."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from src_dash.sources.demo import (
    DemoCompanySpec,
    behaviour_path,
    build_demo_base,
    default_specs,
    odbc_connection_string,
    touch_entries,
)

# A fixed "today" in the past of the real clock, so that the triggers' 'now' is later than
# every stamp written by the build.
TODAY = date(2025, 6, 30)
OPEN_FROM = "2024-01-01"  # Y-1 = 2024, Y = 2025 are open; 2023 is closed
SPEC1 = DemoCompanySpec("DEMO1", "Atelier Dumas SAS", 60, None, 7)
SPEC2 = DemoCompanySpec("DEMO2", "Provence Emballages SARL", 30, None, 8)


def cents(value: float) -> int:
    return int((Decimal(repr(value)) * 100).to_integral_value())


def signed(sens: int, amount: float) -> int:
    return cents(amount) if sens == 0 else -cents(amount)


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("demo")
    out = {}
    for spec in (SPEC1, SPEC2):
        summary = build_demo_base(folder / f"{spec.code}.sqlite", spec, TODAY)
        out[spec.code] = summary.path
    return out


@pytest.fixture(params=["DEMO1", "DEMO2"])
def db(request: pytest.FixtureRequest, bases: dict[str, Path]) -> sqlite3.Connection:
    conn = sqlite3.connect(bases[request.param])
    yield conn
    conn.close()


def table_hashes(path: Path) -> dict[str, str]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        out = {}
        for table in sorted(tables):
            order = "cbMarq" if table != "cbSysLibre" else "CB_File, CB_Name"
            digest = hashlib.sha256()
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
                digest.update(repr(row).encode())
            out[table] = digest.hexdigest()
        return out
    finally:
        conn.close()


def customer_lines(conn: sqlite3.Connection, where: str = "1 = 1") -> list[tuple]:
    return conn.execute(
        "SELECT e.CT_Num, e.EC_Sens, e.EC_Montant, e.EC_MontantRegle, e.EC_Lettre, "
        "e.EC_Lettrage, e.JM_Date, e.JO_Num, e.EC_StatusRegle "
        "FROM F_ECRITUREC e JOIN F_COMPTET t ON t.CT_Num = e.CT_Num AND t.CT_Type = 0 "
        f"WHERE {where}"
    ).fetchall()


def test_build_is_deterministic(tmp_path: Path, bases: dict[str, Path]) -> None:
    again = build_demo_base(tmp_path / "again.sqlite", SPEC1, TODAY)
    assert table_hashes(again.path) == table_hashes(bases["DEMO1"])
    assert behaviour_path(again.path).read_bytes() == behaviour_path(bases["DEMO1"]).read_bytes()
    other_spec = DemoCompanySpec(SPEC1.code, SPEC1.name, SPEC1.customers, SPEC1.entries, 9)
    other = build_demo_base(tmp_path / "other.sqlite", other_spec, TODAY)
    assert table_hashes(other.path)["F_ECRITUREC"] != table_hashes(bases["DEMO1"])["F_ECRITUREC"]


def test_build_replaces_the_file_and_summary_counts(tmp_path: Path) -> None:
    path = tmp_path / "base.sqlite"
    path.write_bytes(b"not a database")
    summary = build_demo_base(path, SPEC2, TODAY)
    conn = sqlite3.connect(path)
    (total,) = conn.execute("SELECT COUNT(*) FROM F_ECRITUREC").fetchone()
    (customers,) = conn.execute("SELECT COUNT(*) FROM F_COMPTET WHERE CT_Type = 0").fetchone()
    conn.close()
    assert summary.total_entries == total
    assert summary.customers == customers == SPEC2.customers
    assert len(customer_lines(sqlite3.connect(path))) == summary.customer_entries
    assert not list(tmp_path.glob(".*.tmp"))


def test_default_specs_split_two_thirds() -> None:
    specs = default_specs()
    assert [(s.code, s.customers, s.entries) for s in specs] == [
        ("DEMO1", 200, None),
        ("DEMO2", 100, None),
    ]
    big = default_specs(50_000, 1_000_000)
    assert [s.customers for s in big] == [33_333, 16_667]
    assert sum(s.entries for s in big) == 1_000_000
    assert big[0].name != big[1].name and big[0].seed != big[1].seed


def test_entries_target_is_reached(tmp_path: Path) -> None:
    spec = DemoCompanySpec("DEMO2", "Provence Emballages SARL", 80, 2500, 3)
    summary = build_demo_base(tmp_path / "sized.sqlite", spec, TODAY)
    assert 0.75 * 2500 <= summary.customer_entries <= 1.25 * 2500


REQUIRED_COLUMNS = {
    "F_COMPTET": "cbMarq cbCreateur cbModification CT_Num CT_Intitule CT_Type CT_Classement "
    "CT_Siret CT_Identifiant CT_Adresse CT_Complement CT_CodePostal CT_Ville CT_Pays CT_Telephone "
    "CT_EMail CT_Contact CO_No CT_Encours N_Risque CT_NotRappel CT_NotPenal CT_Sommeil N_Devise "
    "CT_NumPayeur CT_DateCreate CT_Langue CG_NumPrinc",
    "F_CONTACTT": "cbMarq CT_Num CT_No CT_Civilite CT_Nom CT_Prenom CT_Fonction N_Service "
    "N_Contact CT_Telephone CT_TelPortable CT_Telecopie CT_EMail cbModification",
    "P_SERVICECPTA": "cbIndice S_Intitule S_Abrege",
    "F_COLLABORATEUR": "CO_No CO_Nom CO_Prenom CO_Fonction CO_Service CO_Telephone CO_TelPortable "
    "CO_EMail CO_Vendeur CO_ChargeRecouvr cbModification",
    "F_ECRITUREC": "cbMarq EC_No JO_Num JM_Date EC_Jour EC_Date EC_Piece EC_RefPiece EC_Reference "
    "EC_Intitule CG_Num CT_Num EC_Montant EC_Sens EC_Echeance EC_Lettre EC_Lettrage EC_LettreQ "
    "EC_LettrageQ EC_StatusRegle EC_MontantRegle EC_DateRegle N_Devise EC_Devise EC_Parite "
    "N_Reglement EC_Rappel EC_DateRelance EC_ANType EC_Cloture EC_Point EC_Pointage TA_Code "
    "EC_Quantite cbHash cbCreateur cbModification",
    "F_COMPTEG": "CG_Num CG_Intitule CG_Type CG_Lettrage",
    "F_JOURNAUX": "JO_Num JO_Intitule JO_Type",
    "F_REGLEMENTT": "CT_Num N_Reglement RT_Condition RT_NbJour RT_TRepart RT_VRepart",
    "P_REGLEMENT": "cbIndice R_Code R_Intitule",
    "P_DEVISE": "cbIndice D_Intitule D_CodeISO D_Sigle D_Cours",
    "P_DOSSIER": "D_RaisonSoc D_Adresse D_CodePostal D_Ville D_Pays D_Siret D_EMail D_Telephone "
    "N_DeviseCompte D_DebutExo01 D_FinExo01 D_DebutExo05 D_FinExo05 D_DateClot",
    "cbSysLibre": "CB_File CB_Name CB_Pos CB_Type CB_Len CB_Flag CB_Formule CB_Creator",
}


def test_tables_and_columns_have_sage_names(db: sqlite3.Connection) -> None:
    for table, columns in REQUIRED_COLUMNS.items():
        info = {row[1]: row[2] for row in db.execute(f'PRAGMA table_info("{table}")')}
        missing = set(columns.split()) - set(info)
        assert not missing, (table, missing)
        if table != "cbSysLibre":
            assert info["cbMarq"] == "INTEGER"
    info = {row[1]: row[2] for row in db.execute('PRAGMA table_info("F_ECRITUREC")')}
    assert info["EC_Montant"] == "numeric(24,6)"
    assert info["EC_Intitule"] == "varchar(35)"
    assert info["cbModification"] == "smalldatetime"
    indexes = {row[1] for row in db.execute("SELECT type, name FROM sqlite_master")}
    assert {"IEC_CTNUM", "IEC_JMDATE", "IEC_CBMODIF", "IEC_NO", "TG_CBUPD_F_ECRITUREC"} <= indexes


def test_free_fields_match_cbsyslibre(db: sqlite3.Connection) -> None:
    fields = db.execute(
        "SELECT CB_Name, CB_Type FROM cbSysLibre WHERE CB_File = 'F_COMPTET' ORDER BY CB_Pos"
    ).fetchall()
    columns = {row[1] for row in db.execute('PRAGMA table_info("F_COMPTET")')}
    live = [name for name, kind in fields if kind != 0]
    assert {kind for _, kind in fields} >= {0, 9, 14, 20}
    assert set(live) <= columns and "Fidélité" in live and "Segment" in live
    assert all(name not in columns for name, kind in fields if kind == 0)
    other_files = {r[0] for r in db.execute("SELECT DISTINCT CB_File FROM cbSysLibre")}
    assert {"F_ECRITUREC", "F_DOCENTETE"} <= other_files
    assert db.execute("SELECT COUNT(*) FROM F_COMPTET WHERE \"Segment\" <> ''").fetchone()[0]
    entry_fields = [
        row[0]
        for row in db.execute(
            "SELECT CB_Name FROM cbSysLibre WHERE CB_File = 'F_ECRITUREC' AND CB_Type <> 0 "
            "ORDER BY CB_Pos"
        )
    ]
    entry_columns = {row[1] for row in db.execute('PRAGMA table_info("F_ECRITUREC")')}
    assert entry_fields == ["Code affaire", "N° commande"]
    assert set(entry_fields) <= entry_columns
    # Order numbers on part of the customers' invoices (debits of the sales journal) only.
    kinds = db.execute(
        "SELECT DISTINCT JO_Num, EC_Sens, CT_Num <> '' FROM F_ECRITUREC WHERE \"N° commande\" <> ''"
    ).fetchall()
    assert {k for k in kinds if k[0] != "RAN"} == {("VTE", 0, 1)}
    share = db.execute(
        "SELECT AVG(\"N° commande\" <> '') FROM F_ECRITUREC "
        "WHERE JO_Num = 'VTE' AND EC_Sens = 0 AND CT_Num <> ''"
    ).fetchone()[0]
    assert 0.2 < share < 0.5


def test_fiscal_years(db: sqlite3.Connection) -> None:
    row = db.execute(
        "SELECT D_DebutExo01, D_FinExo01, D_DebutExo02, D_FinExo02, D_DebutExo03, D_FinExo03, "
        "D_DebutExo04, D_DateClot FROM P_DOSSIER"
    ).fetchone()
    assert row == (
        "2023-01-01 00:00:00", "2023-12-31 00:00:00", "2024-01-01 00:00:00",
        "2024-12-31 00:00:00", "2025-01-01 00:00:00", "2025-12-31 00:00:00", None,
        "2023-12-31 00:00:00",
    )  # fmt: skip
    first, last = db.execute("SELECT MIN(JM_Date), MAX(JM_Date) FROM F_ECRITUREC").fetchone()
    assert first.startswith("2023-") and last < TODAY.isoformat()
    (future,) = db.execute(
        "SELECT COUNT(*) FROM F_ECRITUREC "
        "WHERE date(JM_Date, '+' || (EC_Jour - 1) || ' days') >= ?",
        (TODAY.isoformat(),),
    ).fetchone()
    assert future == 0


def test_open_items_invariant_per_customer(db: sqlite3.Connection) -> None:
    balance: dict[str, int] = defaultdict(int)
    residual: dict[str, int] = defaultdict(int)
    groups: dict[tuple[str, str], int] = defaultdict(int)
    for ct, sens, amount, settled, lettre, code, _jm, _jo, status in customer_lines(
        db, f"e.JM_Date >= '{OPEN_FROM}'"
    ):
        assert amount > 0
        balance[ct] += signed(sens, amount)
        residual[ct] += signed(sens, amount) - signed(sens, settled) if lettre == 0 else 0
        if lettre:
            assert code.isupper() and len(code) == 3 and status == 2
            groups[(ct, code)] += signed(sens, amount)
    assert len(balance) > 10
    assert balance == residual
    assert groups and all(total == 0 for total in groups.values())


def test_counterpart_lines_have_no_customer_and_pieces_balance(db: sqlite3.Connection) -> None:
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for jo, piece, sens, amount in db.execute(
        "SELECT JO_Num, EC_Piece, EC_Sens, EC_Montant FROM F_ECRITUREC WHERE JO_Num = 'VTE'"
    ):
        totals[(jo, piece)] += signed(sens, amount)
    assert totals and all(v == 0 for v in totals.values())
    accounts = {
        r[0][:3]
        for r in db.execute("SELECT CG_Num FROM F_ECRITUREC WHERE CT_Num = '' AND JO_Num = 'VTE'")
    }
    assert {"706", "445"} <= accounts


def test_split_due_dates(db: sqlite3.Connection) -> None:
    pieces = db.execute(
        "SELECT EC_Piece, COUNT(*), COUNT(DISTINCT EC_Echeance) FROM F_ECRITUREC "
        "WHERE JO_Num = 'VTE' AND EC_Sens = 0 AND CT_Num <> '' "
        "GROUP BY EC_Piece HAVING COUNT(*) > 1"
    ).fetchall()
    assert pieces and all(n == due_dates and n in (2, 3) for _, n, due_dates in pieces)
    (terms,) = db.execute(
        "SELECT COUNT(*) FROM (SELECT CT_Num FROM F_REGLEMENTT GROUP BY CT_Num HAVING COUNT(*) > 1)"
    ).fetchone()
    assert terms >= 1


def test_partial_payments(db: sqlite3.Connection) -> None:
    invoices = db.execute(
        "SELECT CT_Num, EC_Lettrage, EC_Montant, EC_MontantRegle FROM F_ECRITUREC "
        "WHERE EC_Sens = 0 AND EC_Lettre = 0 AND EC_StatusRegle = 1 AND JM_Date >= ?",
        (OPEN_FROM,),
    ).fetchall()
    assert invoices
    for ct, code, amount, settled in invoices:
        assert code.islower() and 0 < settled < amount
        paid = db.execute(
            "SELECT SUM(EC_Montant), MIN(EC_StatusRegle), MAX(EC_Lettre), "
            "SUM(EC_Montant - EC_MontantRegle) FROM F_ECRITUREC "
            "WHERE CT_Num = ? AND EC_Lettrage = ? AND EC_Sens = 1",
            (ct, code),
        ).fetchone()
        assert cents(paid[0]) == cents(settled)
        assert paid[1:] == (2, 0, 0)


def test_credit_notes_lettered_and_open(db: sqlite3.Connection) -> None:
    rows = customer_lines(db, "e.JO_Num = 'VTE' AND e.EC_Sens = 1")
    assert any(r[4] == 1 for r in rows), "no lettered credit note"
    assert any(r[4] == 0 and r[8] == 0 for r in rows), "no open credit note"


def test_unapplied_payments(db: sqlite3.Connection) -> None:
    rows = customer_lines(
        db, f"e.JO_Num = 'BQ1' AND e.EC_Sens = 1 AND e.EC_Lettre = 0 AND e.EC_StatusRegle = 0 "
        f"AND e.JM_Date >= '{OPEN_FROM}'",
    )  # fmt: skip
    assert rows


def test_currencies(db: sqlite3.Connection) -> None:
    isos = dict(db.execute("SELECT cbIndice, D_CodeISO FROM P_DEVISE"))
    assert sorted(isos.values()) == ["CHF", "GBP", "USD"]
    used = {r[0] for r in db.execute("SELECT DISTINCT N_Devise FROM F_COMPTET WHERE CT_Type = 0")}
    assert set(isos) <= used
    lines = db.execute(
        "SELECT EC_Montant, EC_Devise, EC_Parite FROM F_ECRITUREC "
        "WHERE N_Devise > 0 AND EC_Parite > 0"
    ).fetchall()
    assert lines
    for amount, in_currency, rate in lines:
        assert abs(
            Decimal(repr(in_currency)) / Decimal(repr(rate)) - Decimal(repr(amount))
        ) < Decimal("0.011")
    assert db.execute("SELECT N_DeviseCompte FROM P_DOSSIER").fetchone() == (0,)


def test_dormant_do_not_dun_and_suppliers(db: sqlite3.Connection) -> None:
    assert db.execute("SELECT COUNT(*) FROM F_COMPTET WHERE CT_Sommeil = 1").fetchone()[0] >= 1
    not_dunned = db.execute("SELECT CT_Num FROM F_COMPTET WHERE CT_NotRappel = 1").fetchall()
    assert len(not_dunned) == 1
    (overdue,) = db.execute(
        "SELECT SUM(EC_Montant - EC_MontantRegle) FROM F_ECRITUREC WHERE CT_Num = ? "
        "AND EC_Sens = 0 AND EC_Lettre = 0 AND JM_Date >= ? AND EC_Echeance > '1901-01-01' "
        "AND EC_Echeance < ?",
        (not_dunned[0][0], OPEN_FROM, TODAY.isoformat()),
    ).fetchone()
    assert overdue and overdue > 0
    suppliers = db.execute(
        "SELECT COUNT(*) FROM F_ECRITUREC e JOIN F_COMPTET t ON t.CT_Num = e.CT_Num "
        "WHERE t.CT_Type = 1 AND e.CG_Num LIKE '401%'"
    ).fetchone()[0]
    assert suppliers > 0


def test_carried_forward_lines(db: sqlite3.Connection) -> None:
    ran = customer_lines(db, "e.JO_Num = 'RAN'")
    assert ran and {r[6] for r in ran} == {"2024-01-01 00:00:00"}
    assert db.execute(
        "SELECT COUNT(*) FROM F_ECRITUREC WHERE JO_Num = 'RAN' AND CT_Num <> '' AND EC_ANType <> 1"
    ).fetchone() == (0,)
    # each RAN line repeats a closed-year line of the same customer, piece and due date
    (orphans,) = db.execute(
        "SELECT COUNT(*) FROM F_ECRITUREC r WHERE r.JO_Num = 'RAN' AND r.CT_Num <> '' "
        "AND NOT EXISTS (SELECT 1 FROM F_ECRITUREC o WHERE o.JO_Num <> 'RAN' "
        "AND o.CT_Num = r.CT_Num AND o.EC_Piece = r.EC_Piece AND o.JM_Date < ? "
        "AND o.EC_Echeance IS r.EC_Echeance)",
        (OPEN_FROM,),
    ).fetchone()
    assert orphans == 0
    closed: dict[str, int] = defaultdict(int)
    carried: dict[str, int] = defaultdict(int)
    open_years: dict[str, int] = defaultdict(int)
    for ct, sens, amount, *_rest in customer_lines(db, f"e.JM_Date < '{OPEN_FROM}'"):
        closed[ct] += signed(sens, amount)
    for ct, sens, amount, _s, _l, _c, _jm, jo, _st in customer_lines(
        db, f"e.JM_Date >= '{OPEN_FROM}'"
    ):
        open_years[ct] += signed(sens, amount)
        if jo == "RAN":
            carried[ct] += signed(sens, amount)
    assert {k: v for k, v in closed.items() if v} == {k: v for k, v in carried.items() if v}
    assert any(closed[ct] + open_years[ct] != open_years[ct] for ct in open_years)
    assert customer_lines(db, f"e.JM_Date < '{OPEN_FROM}' AND e.EC_Lettre = 0 AND e.EC_Sens = 0")


def test_sentinel_dates(db: sqlite3.Connection) -> None:
    payments = db.execute(
        "SELECT DISTINCT EC_Echeance FROM F_ECRITUREC WHERE JO_Num = 'BQ1' AND CT_Num <> ''"
    ).fetchall()
    assert payments == [("1753-01-01 00:00:00",)]
    (unsettled,) = db.execute(
        "SELECT COUNT(*) FROM F_ECRITUREC WHERE EC_StatusRegle = 0 "
        "AND EC_DateRegle <> '1900-01-01 00:00:00'"
    ).fetchone()
    assert unsettled == 0
    assert db.execute("SELECT COUNT(*) FROM F_ECRITUREC WHERE EC_DateRelance IS NULL").fetchone()[0]
    reminded = db.execute(
        "SELECT COUNT(*) FROM F_ECRITUREC WHERE EC_Rappel > 0 AND EC_DateRelance > EC_Echeance"
    ).fetchone()[0]
    assert reminded > 0


def test_contacts_services_and_reps(db: sqlite3.Connection) -> None:
    services = db.execute("SELECT cbIndice, S_Intitule FROM P_SERVICECPTA ORDER BY 1").fetchall()
    assert services == [(1, "Comptabilité"), (2, "Achats"), (3, "Direction"), (4, "Commercial")]
    used = {r[0] for r in db.execute("SELECT DISTINCT N_Service FROM F_CONTACTT")}
    assert used == {1, 2, 3, 4}
    (lonely,) = db.execute(
        "SELECT COUNT(*) FROM F_COMPTET t WHERE CT_Type = 0 AND CT_EMail = '' "
        "AND NOT EXISTS (SELECT 1 FROM F_CONTACTT c WHERE c.CT_Num = t.CT_Num)"
    ).fetchone()
    assert lonely >= 1
    reps = db.execute("SELECT COUNT(*), SUM(CO_ChargeRecouvr) FROM F_COLLABORATEUR").fetchone()
    assert 5 <= reps[0] <= 8 and reps[1] == 2
    (unknown_rep,) = db.execute(
        "SELECT COUNT(*) FROM F_COMPTET WHERE CO_No <> 0 AND CO_No NOT IN "
        "(SELECT CO_No FROM F_COLLABORATEUR WHERE CO_Vendeur = 1)"
    ).fetchone()
    assert unknown_rep == 0


def test_companies_differ(bases: dict[str, Path]) -> None:
    one = sqlite3.connect(bases["DEMO1"])
    two = sqlite3.connect(bases["DEMO2"])
    customers = "SELECT CT_Intitule FROM F_COMPTET WHERE CT_Type = 0"
    names1 = {r[0] for r in one.execute(customers)}
    names2 = {r[0] for r in two.execute(customers)}
    assert one.execute("SELECT D_RaisonSoc FROM P_DOSSIER").fetchone() == ("Atelier Dumas SAS",)
    assert two.execute("SELECT D_RaisonSoc FROM P_DOSSIER").fetchone() == (
        "Provence Emballages SARL",
    )
    assert len(names1 & names2) < 5
    assert one.execute("SELECT COUNT(*) FROM F_COMPTEG WHERE CG_Num = '445710'").fetchone() == (1,)
    assert two.execute("SELECT COUNT(*) FROM F_COMPTEG WHERE CG_Num = '44571000'").fetchone() == (
        1,
    )


def test_behaviour_csv_lists_every_customer(bases: dict[str, Path]) -> None:
    for path in bases.values():
        with open(behaviour_path(path), encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert list(rows[0]) == [
            "CT_Num", "behaviour", "mean_delay_days", "delay_sd_days", "dispute_rate",
        ]  # fmt: skip
        conn = sqlite3.connect(path)
        customers = {r[0] for r in conn.execute("SELECT CT_Num FROM F_COMPTET WHERE CT_Type = 0")}
        conn.close()
        assert {r["CT_Num"] for r in rows} == customers
        assert {r["behaviour"] for r in rows} == {"good", "slow", "chronic", "erratic", "disputing"}
        for r in rows:
            float(r["mean_delay_days"]), float(r["delay_sd_days"]), float(r["dispute_rate"])


def test_read_through_odbc(bases: dict[str, Path]) -> None:
    pyodbc = pytest.importorskip("pyodbc")
    if "SQLite3" not in pyodbc.drivers():
        pytest.skip("SQLite3 ODBC driver not installed")
    path = bases["DEMO1"]
    expected = (
        sqlite3.connect(path)
        .execute(
            'SELECT CT_Num, CT_Intitule, CT_Ville, "Fidélité" FROM F_COMPTET '
            "WHERE CT_Intitule LIKE '%é%' ORDER BY CT_Num"
        )
        .fetchall()
    )
    assert expected
    conn = pyodbc.connect(odbc_connection_string(path))
    try:
        cur = conn.cursor()
        cur.execute(
            "SELECT CT_Num, CT_Intitule, CT_Ville, [Fidélité] FROM F_COMPTET "
            "WHERE CT_Intitule LIKE ? ORDER BY CT_Num",
            "%é%",
        )
        assert [tuple(r) for r in cur.fetchall()] == expected
        # plain columns come back typed (aggregates of dates would come back as text)
        cur.execute(
            "SELECT EC_Echeance, JM_Date, EC_Montant FROM F_ECRITUREC "
            "WHERE JO_Num = 'BQ1' AND CT_Num <> '' ORDER BY cbMarq"
        )
        due, month, amount = cur.fetchone()
        assert due == datetime(1753, 1, 1) and month.day == 1 and amount > 0
    finally:
        conn.close()


def test_touch_entries_bumps_cbmodification(tmp_path: Path) -> None:
    path = tmp_path / "touched.sqlite"
    build_demo_base(path, SPEC2, TODAY)
    conn = sqlite3.connect(path)
    query = "SELECT cbMarq, cbModification, EC_Intitule, EC_Lettre, EC_Rappel FROM F_ECRITUREC"
    before = {r[0]: r[1:] for r in conn.execute(query)}
    (latest,) = conn.execute("SELECT MAX(cbModification) FROM F_ECRITUREC").fetchone()
    conn.close()

    touched = touch_entries(path, 0.02, seed=5)

    conn = sqlite3.connect(path)
    after = {r[0]: r[1:] for r in conn.execute(query)}
    inserted = set(after) - set(before)
    deleted = set(before) - set(after)
    changed = {k for k in set(after) & set(before) if after[k] != before[k]}
    assert inserted and deleted and changed
    assert touched == len(inserted) + len(deleted) + len(changed)
    assert all(after[k][0] > latest for k in inserted | changed)
    assert all(after[k][0] <= latest for k in set(after) - inserted - changed)
    balance: dict[str, int] = defaultdict(int)
    residual: dict[str, int] = defaultdict(int)
    for ct, sens, amount, settled, lettre, *_ in customer_lines(
        conn, f"e.JM_Date >= '{OPEN_FROM}'"
    ):
        balance[ct] += signed(sens, amount)
        residual[ct] += signed(sens, amount) - signed(sens, settled) if lettre == 0 else 0
    conn.close()
    assert balance == residual
