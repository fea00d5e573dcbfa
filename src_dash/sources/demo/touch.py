"""A day of Sage work on a demo base: payments lettered, reminders, edits, unlettering, deletions.

`touch_entries` changes an existing base as a real Sage user would between two syncs, so that an
incremental sync has something to pick up. Updates go through the base's AFTER UPDATE triggers,
which stamp cbModification with the current minute; new rows get it from the column default.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from src_dash.sources.demo.common import CODES
from src_dash.sources.demo.schema import SENTINEL_1753, SENTINEL_1900

_CODE_INDEX = {code: i for i, code in enumerate(CODES)}

# Columns of the customer lines scanned once; the steps read them by position.
_LINE_COLUMNS = (
    "cbMarq, CT_Num, CG_Num, EC_Montant, N_Reglement, EC_Piece, JO_Num, JM_Date, EC_Sens, "
    "EC_Lettre, EC_Lettrage, EC_StatusRegle, N_Devise, EC_Echeance"
)
_CB, _CT_NUM, _CG_NUM, _AMOUNT, _METHOD, _PIECE, _JOURNAL, _MONTH = range(8)
_SENS, _LETTRE, _LETTRAGE, _STATUS, _DEVISE, _DUE = range(8, 14)


def touch_entries(path: Path, fraction: float, seed: int) -> int:
    """Simulate a day of Sage work on about `fraction` of the customer (411) lines.

    The day worked is the one after the latest posting date in the base. It letters open
    invoices with new payments (new rows, plus the bank line), dunns overdue items (EC_Rappel,
    EC_DateRelance), edits labels, unletters a few lettered groups and deletes a handful of open
    invoices (whole pieces). Updates go through the AFTER UPDATE triggers, which stamp
    cbModification with the current minute; new rows get it from the column default.

    Args:
        path: a base built by `build_demo_base`.
        fraction: share of the customer lines to touch (0.01 = 1 %).
        seed: seed of the choices.

    Returns:
        Number of F_ECRITUREC rows inserted, updated or deleted.
    """
    rng = random.Random(seed)
    conn = sqlite3.connect(Path(path))
    try:
        with conn:
            return _touch(conn, rng, fraction)
    finally:
        conn.close()


@dataclass
class _Day:
    """The day being worked: the open-year customer lines, and the rows touched so far."""

    conn: sqlite3.Connection
    rng: random.Random
    customers: dict[str, str]
    lines: list[tuple]
    target: int
    day: date
    next_no: int
    touched: set[int] = field(default_factory=set)
    last_code: dict[str, int] = field(default_factory=dict)

    @property
    def day_s(self) -> str:
        return self.day.isoformat() + " 00:00:00"

    @property
    def jm_s(self) -> str:
        return self.day.replace(day=1).isoformat() + " 00:00:00"

    def next_code(self, ct_num: str) -> str:
        """The customer's next lettering code, after the last one it used."""
        index = self.last_code.get(ct_num, -1) + 1
        self.last_code[ct_num] = index
        return CODES[index % len(CODES)]

    def share(self, divisor: int, pool: list) -> int:
        """How many of `pool` a step takes: target // divisor, at least one, at most all."""
        return min(max(1, self.target // divisor), len(pool))


def _touch(conn: sqlite3.Connection, rng: random.Random, fraction: float) -> int:
    work = _open_day(conn, rng, fraction)
    open_invoices = [
        row
        for row in work.lines
        if row[_SENS] == 0
        and row[_LETTRE] == 0
        and row[_STATUS] == 0
        and row[_DEVISE] == 0
        and row[_JOURNAL] in ("VTE", "RAN")
    ]
    _letter_payments(work, open_invoices)
    _dun_overdue(work)
    _edit_labels(work)
    _unletter_groups(work)
    _delete_invoices(work, open_invoices)
    return len(work.touched)


def _open_day(conn: sqlite3.Connection, rng: random.Random, fraction: float) -> _Day:
    """Scan the open-year customer lines once and find the day after the latest posting."""
    closed_until = conn.execute("SELECT D_DateClot FROM P_DOSSIER").fetchone()[0]
    customers = dict(conn.execute("SELECT CT_Num, CT_Intitule FROM F_COMPTET WHERE CT_Type = 0"))
    lines = [
        row
        for row in conn.execute(
            f"SELECT {_LINE_COLUMNS} FROM F_ECRITUREC "
            "WHERE JM_Date > ? AND CG_Num LIKE '411%' ORDER BY cbMarq",
            (closed_until,),
        )
        if row[_CT_NUM] in customers
    ]
    (last_month,) = conn.execute("SELECT MAX(JM_Date) FROM F_ECRITUREC").fetchone()
    (last_jour,) = conn.execute(
        "SELECT MAX(EC_Jour) FROM F_ECRITUREC WHERE JM_Date = ?", (last_month,)
    ).fetchone()
    (next_no,) = conn.execute("SELECT COALESCE(MAX(EC_No), 0) + 1 FROM F_ECRITUREC").fetchone()
    work = _Day(
        conn=conn,
        rng=rng,
        customers=customers,
        lines=lines,
        target=max(1, round(fraction * len(lines))),
        day=date.fromisoformat(last_month[:10]) + timedelta(days=last_jour),
        next_no=next_no,
    )
    for row in lines:
        code = row[_LETTRAGE].upper()
        if code in _CODE_INDEX:
            ct_num = row[_CT_NUM]
            work.last_code[ct_num] = max(work.last_code.get(ct_num, -1), _CODE_INDEX[code])
    return work


def _letter_payments(work: _Day, open_invoices: list[tuple]) -> None:
    """1. Payments lettered with open invoices, and the day's bank line."""
    conn, day, day_s = work.conn, work.day, work.day_s
    chosen = work.rng.sample(open_invoices, min(max(1, work.target * 2 // 5), len(open_invoices)))
    bank_piece = "RB" + day.strftime("%y%m%d")
    bank_total = Decimal(0)
    (bank,) = conn.execute(
        "SELECT CG_Num FROM F_COMPTEG WHERE CG_Num LIKE '512%' ORDER BY CG_Num"
    ).fetchone()
    for cb, ct_num, account, amount, method, *_ in chosen:
        code = work.next_code(ct_num)
        no = work.next_no
        cur = conn.execute(
            "INSERT INTO F_ECRITUREC (EC_No, JO_Num, JM_Date, EC_Jour, EC_Date, EC_Piece, "
            "EC_RefPiece, EC_Intitule, CG_Num, CG_NumCont, CT_Num, N_Reglement, EC_Echeance, "
            "EC_Sens, EC_Montant, EC_Lettre, EC_Lettrage, EC_StatusRegle, EC_MontantRegle, "
            "EC_DateRegle, cbCreateur) "
            "VALUES (?, 'BQ1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1, ?, 2, ?, ?, 'SYNC')",
            (no, work.jm_s, day.day, day_s, bank_piece, f"VIR{no:09d}",
             f"Vir. {work.customers[ct_num]}"[:35], account, bank, ct_num, method, SENTINEL_1753,
             amount, code, amount, day_s),
        )  # fmt: skip
        work.touched.add(cur.lastrowid)
        work.next_no += 1
        bank_total += Decimal(repr(amount))
        conn.execute(
            "UPDATE F_ECRITUREC SET EC_Lettre = 1, EC_Lettrage = ?, EC_StatusRegle = 2, "
            "EC_MontantRegle = EC_Montant, EC_DateRegle = ? WHERE cbMarq = ?",
            (code, day_s, cb),
        )
        work.touched.add(cb)
    if chosen:
        cur = conn.execute(
            "INSERT INTO F_ECRITUREC (EC_No, JO_Num, JM_Date, EC_Jour, EC_Date, EC_Piece, "
            "EC_Intitule, CG_Num, CG_NumCont, CT_Num, EC_Echeance, EC_Sens, EC_Montant, "
            "EC_DateRegle, cbCreateur) "
            "VALUES (?, 'BQ1', ?, ?, ?, ?, ?, ?, ?, '', ?, 0, ?, ?, 'SYNC')",
            (work.next_no, work.jm_s, day.day, day_s, bank_piece, f"Relevé du {day:%d/%m/%Y}",
             bank, chosen[0][_CG_NUM], SENTINEL_1753, float(bank_total), SENTINEL_1900),
        )  # fmt: skip
        work.touched.add(cur.lastrowid)
        work.next_no += 1


def _dun_overdue(work: _Day) -> None:
    """2. Reminders on overdue open items."""
    day_s = work.day_s
    overdue = [
        row[_CB]
        for row in work.lines
        if row[_SENS] == 0 and row[_LETTRE] == 0 and row[_CB] not in work.touched and row[_DUE]
        and "1901-01-01" < row[_DUE] < day_s
    ]  # fmt: skip
    for cb in work.rng.sample(overdue, work.share(5, overdue)):
        work.conn.execute(
            "UPDATE F_ECRITUREC SET EC_Rappel = EC_Rappel + 1, EC_DateRelance = ? WHERE cbMarq = ?",
            (day_s, cb),
        )
        work.touched.add(cb)


def _edit_labels(work: _Day) -> None:
    """3. Label edits."""
    for row in work.rng.sample(work.lines, work.share(5, work.lines)):
        if row[_CB] not in work.touched:
            work.conn.execute(
                "UPDATE F_ECRITUREC SET EC_Intitule = substr(EC_Intitule, 1, 31) || ' (c)' "
                "WHERE cbMarq = ?",
                (row[_CB],),
            )
            work.touched.add(row[_CB])


def _unletter_groups(work: _Day) -> None:
    """4. Unlettering of a few lettered groups (all lines of a group are in the open years)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for row in work.lines:
        if row[_LETTRE] == 1 and row[_DEVISE] == 0:
            groups.setdefault((row[_CT_NUM], row[_LETTRAGE]), []).append(row[_CB])
    keys = list(groups)
    for key in work.rng.sample(keys, work.share(20, keys)):
        members = groups[key]
        if work.touched.intersection(members):
            continue
        work.conn.execute(
            "UPDATE F_ECRITUREC SET EC_Lettre = 0, EC_Lettrage = '', EC_LettreQ = 0, "
            "EC_LettrageQ = '', EC_StatusRegle = 0, EC_MontantRegle = 0, EC_DateRegle = ? "
            f"WHERE cbMarq IN ({', '.join('?' for _ in members)})",
            (SENTINEL_1900, *members),
        )
        work.touched.update(members)


def _delete_invoices(work: _Day, open_invoices: list[tuple]) -> None:
    """5. Deletion of a handful of open invoices (whole VTE pieces of the open years)."""
    conn, touched = work.conn, work.touched
    candidates = [r for r in open_invoices if r[_JOURNAL] == "VTE" and r[_CB] not in touched]
    work.rng.shuffle(candidates)
    deleted = 0
    for row in candidates:
        if deleted >= min(5, max(1, work.target // 50)):
            break
        piece_lines = conn.execute(
            "SELECT cbMarq, CT_Num, EC_Lettre, EC_StatusRegle FROM F_ECRITUREC "
            "WHERE JM_Date = ? AND JO_Num = 'VTE' AND EC_Piece = ?",
            (row[_MONTH], row[_PIECE]),
        ).fetchall()
        tiers_lines = [r for r in piece_lines if r[1]]
        if any(r[2] or r[3] or r[0] in touched for r in tiers_lines):
            continue
        conn.executemany("DELETE FROM F_ECRITUREC WHERE cbMarq = ?", [(r[0],) for r in piece_lines])
        touched.update(r[0] for r in piece_lines)
        deleted += 1
