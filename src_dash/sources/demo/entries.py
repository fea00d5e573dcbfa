"""The F_ECRITUREC rows of a demo company, in posting order, as Sage writes them.

A third-party line (411 or 401) becomes one row with its lettering, reminders and stamps; each
piece brings its counterpart rows (sales, VAT, expense), each bank day its statement row, and the
carried-forward lines their balancing row on account 890.
"""

from __future__ import annotations

import sqlite3
import string
from collections.abc import Iterator
from datetime import date

from src_dash.sources.demo.base import CompanyBase
from src_dash.sources.demo.common import as_float
from src_dash.sources.demo.model import K_AVR, K_DIFF, K_IND, K_INV, K_RAN, Line, Piece
from src_dash.sources.demo.schema import SENTINEL_1753, SENTINEL_1900, quote

# Columns the generator fills in F_ECRITUREC, in the order of the row tuples (EC_No first).
_ENTRY_COLUMNS: tuple[str, ...] = (
    "JO_Num", "JM_Date", "EC_Jour", "EC_Date", "EC_Piece", "EC_RefPiece", "EC_Reference",
    "EC_Intitule", "CG_Num", "CG_NumCont", "CT_Num", "N_Reglement", "EC_Echeance", "EC_Parite",
    "N_Devise", "EC_Sens", "EC_Montant", "EC_Lettre", "EC_Lettrage", "EC_LettreQ", "EC_LettrageQ",
    "EC_StatusRegle", "EC_MontantRegle", "EC_DateRegle", "EC_Devise", "EC_Rappel",
    "EC_DateRelance", "EC_ANType", "EC_Cloture", "EC_Point", "EC_Pointage", "TA_Code",
    "cbCreateur", "cbModification", "cbCreation", "Code affaire", "N° commande",
)  # fmt: skip


class EntryRows(CompanyBase):
    """Writes F_ECRITUREC from the simulated and lettered lines."""

    def _write_entries(self, conn: sqlite3.Connection) -> tuple[int, int]:
        """Insert every F_ECRITUREC row; return (customer entries, total entries)."""
        cols = ["EC_No", *_ENTRY_COLUMNS]
        sql = (
            f"INSERT INTO F_ECRITUREC ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})"
        )
        customer_entries = 0
        total = 0
        batch: list[tuple] = []
        for row, is_customer in self._entry_rows():
            total += 1
            customer_entries += is_customer
            batch.append((total, *row))
            if len(batch) >= 50_000:
                conn.executemany(sql, batch)
                batch.clear()
        if batch:
            conn.executemany(sql, batch)
        return customer_entries, total

    def _entry_rows(self) -> Iterator[tuple[tuple, bool]]:
        """Rows of F_ECRITUREC in posting order; within a day: RAN, VTE, ACH, OD, BQ1.

        Yields (row, is a customer line). EC_No is added by `_write_entries`, so cbMarq and EC_No
        both follow the posting order.
        """
        buckets: dict[int, list[list]] = {}

        def bucket(day: int) -> list[list]:
            b = buckets.get(day)
            if b is None:
                b = buckets[day] = [[], [], [], [], []]  # RAN, VTE, ACH, OD, BQ1
            return b

        for day, pieces in self.pieces_by_day.items():
            b = bucket(day)
            for piece in pieces:
                if piece.tiers.ct_type == 1:
                    b[2].extend(self._purchase_rows(piece))
                elif piece.kind == K_IND:
                    b[3].extend(self._piece_rows(piece))
                else:
                    b[1].extend(self._piece_rows(piece))
        bank_total: dict[int, int] = {}
        for line in self.bank_lines:
            b = bucket(line.day)
            b[4].append((self._tiers_row(line), line.tiers.ct_type == 0))
            if line.tiers.ct_type == 1:
                b[4].append((self._bank_supplier_row(line), False))
            elif line.kind == K_DIFF:
                b[4].append((self._exchange_row(line), False))
            else:
                bank_total[line.day] = bank_total.get(line.day, 0) + line.cents
        for day, cents in bank_total.items():
            buckets[day][4].append((self._bank_row(day, cents), False))
        if self.ran_lines:
            b = bucket(self.B)
            net = 0
            for line in self.ran_lines:
                b[0].append((self._tiers_row(line), line.tiers.ct_type == 0))
                net += line.cents if line.sens == 0 else -line.cents
            b[0].append((self._ran_balance_row(net), False))
        for day in sorted(buckets):
            for journal in buckets[day]:
                yield from journal

    # rows -------------------------------------------------------------------------------

    def _tiers_row(self, line: Line) -> tuple:
        t = line.tiers
        src = line.src if line.kind == K_RAN else line
        kind = src.kind
        day = line.day
        if line.kind == K_RAN:
            journal = "RAN"
        elif kind in (K_INV, K_AVR):
            journal = "ACH" if t.ct_type == 1 else "VTE"
        elif kind == K_IND:
            journal = "OD"
        else:
            journal = "BQ1"
        jm, jour = self.jm(day)
        piece = src.piece
        if piece is not None:
            ec_piece = piece.num
            ref_piece = piece.reference if t.ct_type == 1 else piece.num
            reference = "" if t.ct_type == 1 else piece.reference
            label = piece.label
            aff = piece.aff
            order = piece.order
        else:
            ec_piece = self._bank_piece(src.day) if t.ct_type == 0 else src.ref[:13]
            ref_piece = src.ref[:17]
            reference = ""
            label = src.label
            aff = order = ""
        if kind in (K_INV, K_AVR) and src.due is not None:
            due = self.ds(src.due)
        elif kind == K_IND:
            due = SENTINEL_1900
        else:
            due = SENTINEL_1753
        if t.ct_type == 1:
            contra = t.expense if kind == K_INV else self.acct("512000")
        elif kind in (K_INV, K_AVR):
            contra = self.acct("706000")
        elif kind == K_IND:
            contra = self.acct("758000")
        else:
            contra = self.acct("512000")
        return (
            journal, jm, jour, self.ds(src.doc_day), ec_piece, ref_piece, reference, label,
            t.account, contra, t.ct_num, t.method if kind != K_IND else 0, due,
            float(line.rate) if line.rate is not None else 0.0, t.devise, line.sens,
            as_float(line.cents), line.lettre, line.code, line.lettreq,
            line.code if line.lettreq else "", line.status, as_float(line.regle),
            self.ds(line.dregle) if line.dregle is not None else SENTINEL_1900,
            as_float(line.cur), line.rappel,
            self.ds(line.drelance) if line.drelance is not None else None,
            1 if line.kind == K_RAN else 0, 1 if day < self.B else 0, 0, "", "",
            self.flavour.staff_user if journal in ("BQ1", "OD", "RAN") else "GESC",
            self.stamp(line.mday), self.stamp(day), aff, order,
        )  # fmt: skip

    def _plain_row(
        self,
        journal: str,
        day: int,
        piece: str,
        ref: str,
        label: str,
        account: str,
        contra: str,
        sens: int,
        cents: int,
        *,
        ct_num: str | None = "",
        ta_code: str = "",
        point: tuple[int, str] = (0, ""),
        user: str = "GESC",
    ) -> tuple:
        jm, jour = self.jm(day)
        stamp = self.stamp(day)
        return (
            journal, jm, jour, self.ds(day), piece, ref, "", label, account, contra, ct_num, 0,
            SENTINEL_1753, 0.0, 0, sens, as_float(cents), 0, "", 0, "", 0, 0.0, SENTINEL_1900, 0.0,
            0, None, 0, 1 if day < self.B else 0, point[0], point[1], ta_code, user, stamp,
            stamp, "", "",
        )  # fmt: skip

    def _piece_rows(self, piece: Piece) -> Iterator[tuple[tuple, bool]]:
        for line in piece.lines:
            yield self._tiers_row(line), True
        c = piece.tiers
        if piece.kind == K_IND:
            yield (
                self._plain_row(
                    "OD", piece.day, piece.num, piece.num, piece.label, self.acct("758000"),
                    c.account, 1, piece.ht, user=self.flavour.staff_user,
                ),
                False,
            )  # fmt: skip
            return
        sens = 1 if piece.kind == K_INV else 0
        yield (
            self._plain_row(
                "VTE", piece.day, piece.num, piece.num, piece.label, self.acct("706000"),
                c.account, sens, piece.ht, ta_code="C20" if piece.tva else "",
            ),
            False,
        )  # fmt: skip
        if piece.tva:
            yield (
                self._plain_row(
                    "VTE", piece.day, piece.num, piece.num, piece.label, self.acct("445710"),
                    c.account, sens, piece.tva, ta_code="C20",
                ),
                False,
            )  # fmt: skip

    def _purchase_rows(self, piece: Piece) -> Iterator[tuple[tuple, bool]]:
        for line in piece.lines:
            yield self._tiers_row(line), False
        s = piece.tiers
        for account, cents, ta in (
            (s.expense, piece.ht, "D20"),
            (self.acct("445660"), piece.tva, "D20"),
        ):
            yield (
                self._plain_row(
                    "ACH", piece.day, piece.num, piece.reference, piece.label, account,
                    s.account, 0, cents, ta_code=ta, user=self.flavour.staff_user,
                ),
                False,
            )  # fmt: skip

    def _bank_piece(self, day: int) -> str:
        return "RB" + self.ds(day)[2:10].replace("-", "")

    def _point(self, day: int) -> tuple[int, str]:
        if day < self.T - 20:
            d = date.fromordinal(day)
            return 1, f"{string.ascii_uppercase[d.month - 1]}{d.year % 100:02d}"
        return 0, ""

    def _bank_row(self, day: int, cents: int) -> tuple:
        return self._plain_row(
            "BQ1", day, self._bank_piece(day), "", f"Relevé du {date.fromordinal(day):%d/%m/%Y}",
            self.acct("512000"), self.acct("411000"), 0, cents, point=self._point(day),
            user=self.flavour.staff_user,
        )  # fmt: skip

    def _bank_supplier_row(self, line: Line) -> tuple:
        return self._plain_row(
            "BQ1", line.day, line.ref[:13], line.ref, line.label, self.acct("512000"),
            line.tiers.account, 1, line.cents, point=self._point(line.day),
            user=self.flavour.staff_user,
        )  # fmt: skip

    def _exchange_row(self, line: Line) -> tuple:
        loss = line.sens == 1  # 411 credited: the customer paid less euros than invoiced
        return self._plain_row(
            "BQ1", line.day, self._bank_piece(line.day), line.ref[:17], line.label,
            self.acct("666000" if loss else "766000"), line.tiers.account, 0 if loss else 1,
            line.cents, user=self.flavour.staff_user,
        )  # fmt: skip

    def _ran_balance_row(self, net: int) -> tuple:
        return self._plain_row(
            "RAN", self.B, "AN" + str(date.fromordinal(self.B).year), "",
            "Report à nouveau tiers", self.acct("890000"), "", 1 if net >= 0 else 0, abs(net),
            ct_num=None, user=self.flavour.staff_user,
        )  # fmt: skip
