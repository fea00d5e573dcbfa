"""Reading the customer entries of a Sage 100 base: their rows (all, or a window's), the
balances the server sums per customer, the class 41 lines left out, and the keys and counts that
find the rows Sage deleted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

import pyodbc

from src_dash.sources.left_out import ACCOUNT_GROUPS, OTHER_41, LeftOutLines
from src_dash.sources.records import NO_FREE_FIELDS, EntryRecord, entry_record, free_fields_text
from src_dash.sources.sage100_base import (
    ENTRY_FREE_START,
    RECEIVABLE,
    SageConnection,
    Window,
    as_int,
    as_text,
    bracket,
    free_value,
)


class EntryReads(SageConnection):
    """Reads the customer entries of the open years, and what checks them."""

    def balance_queries(self, period: tuple[date, date]) -> list[tuple[str, list[object]]]:
        """The queries `customer_balances` runs: ordinary lines per customer, carried-forward
        lines per customer and posting day, and the first ordinary line's day."""
        d = self.dialect
        signed = "CASE WHEN EC_Sens = 1 THEN -EC_Montant ELSE EC_Montant END"
        cents = f"CAST(ROUND({signed} * 100, 0) AS BIGINT)"
        day = d.day_plus("JM_Date", "EC_Jour - 1")
        table = d.table("F_ECRITUREC")
        plain: list[object] = []
        carried: list[object] = []
        plain_sql = (
            f"SELECT CT_Num, SUM({cents}), COUNT(*) FROM {table} "
            f"WHERE {self._entries_scope(period, plain)} AND EC_ANType = 0 GROUP BY CT_Num"
        )
        carried_sql = (
            f"SELECT CT_Num, {day}, SUM({cents}), COUNT(*) FROM {table} "
            f"WHERE {self._entries_scope(period, carried)} AND EC_ANType <> 0 "
            f"GROUP BY CT_Num, {day}"
        )
        first: list[object] = []
        first_sql = (
            f"SELECT MIN({day}) FROM {table} "
            f"WHERE {self._entries_scope(period, first)} AND EC_ANType = 0"
        )
        return [(plain_sql, plain), (carried_sql, carried), (first_sql, first)]

    def customer_balances(self, period: tuple[date, date]) -> dict[str, tuple[Decimal, int]]:
        """Each customer's receivable balance over the open years, summed by the server.

        Debit - credit of the customer's lines, the carried-forward lines ("à-nouveaux") counted
        only up to the first ordinary line's day, as the analytics count them (a later opening
        carries a year whose own lines are read too). The reconciliation compares it with the
        app's outstanding.

        Returns:
            customer number -> (balance, number of lines).
        """
        (plain_sql, plain), (carried_sql, carried), (first_sql, first_params) = (
            self.balance_queries(period)
        )
        found: dict[str, list[int]] = {}
        for number, total, count in self._query(plain_sql, *plain).fetchall():
            key = (number or "").strip()
            got = found.setdefault(key, [0, 0])
            got[0] += int(total or 0)
            got[1] += int(count or 0)
        first = self._query(first_sql, *first_params).fetchone()[0]
        first = str(first)[:10] if first else None
        for number, day, total, count in self._query(carried_sql, *carried).fetchall():
            if first is None or str(day)[:10] <= first:
                got = found.setdefault((number or "").strip(), [0, 0])
                got[0] += int(total or 0)
                got[1] += int(count or 0)
        return {k: (Decimal(v[0]).scaleb(-2), v[1]) for k, v in found.items()}

    def left_out_query(self, period: tuple[date, date]) -> tuple[str, list[object]]:
        """The query `left_out_lines` runs: class 41 lines of the open years the sync does not
        take, per reason and account group, in one statement.

        Carried-forward lines count up to the first ordinary customer line's day, as in
        `balance_queries`. The groups are computed in a derived table, as SQL Server takes no
        subquery in a GROUP BY expression.
        """
        d = self.dialect
        table = d.table("F_ECRITUREC")
        signed = "CASE WHEN EC_Sens = 1 THEN -EC_Montant ELSE EC_Montant END"
        day = d.day_plus("JM_Date", "EC_Jour - 1")
        blank = "LTRIM(RTRIM(COALESCE(CT_Num, ''))) = ''"
        groups = " ".join(f"WHEN CG_Num LIKE '{g}%' THEN '{g}'" for g in ACCOUNT_GROUPS)
        start, end = period
        # The parameters, in the order of their marks: the period, then the first day's scope.
        params: list[object] = [
            d.datetime_param(datetime(start.year, start.month, start.day)),
            d.datetime_param(datetime(end.year, end.month, end.day)),
        ]
        first = (
            f"SELECT MIN({day}) FROM {table} "
            f"WHERE {self._entries_scope(period, params)} AND EC_ANType = 0"
        )
        sql = (
            "SELECT reason, account, SUM(cents), COUNT(*) FROM ("
            f"SELECT CASE WHEN {blank} THEN 'no_third_party' "
            f"WHEN NOT ({self._customers_scope()}) THEN 'third_party_not_customer' "
            "ELSE 'customer_other_account' END AS reason, "
            f"CASE {groups} ELSE '{OTHER_41}' END AS account, "
            f"CAST(ROUND({signed} * 100, 0) AS BIGINT) AS cents FROM {table} "
            "WHERE CG_Num LIKE '41%' AND JM_Date >= ? AND JM_Date <= ? "
            f"AND ({blank} OR NOT ({self._customers_scope()}) OR NOT {RECEIVABLE}) "
            f"AND (EC_ANType = 0 OR {day} <= COALESCE(({first}), '9999-12-31'))"
            ") left_out GROUP BY reason, account ORDER BY reason, account"
        )
        return sql, params

    def left_out_lines(self, period: tuple[date, date]) -> list[LeftOutLines]:
        """The lines of class 41 accounts of the open years that the sync does not take as
        customer entries (no third party, or one that is not a customer), by reason and account
        group, with their debit - credit: nothing of class 41 is dropped without being counted.
        """
        sql, params = self.left_out_query(period)
        return [
            LeftOutLines(
                reason=as_text(reason),
                account=as_text(account),
                lines=as_int(count),
                amount=Decimal(int(total or 0)).scaleb(-2),
            )
            for reason, account, total, count in self._query(sql, *params).fetchall()
        ]

    def _entry_columns(self) -> str:
        """The select list of an entry read, in ENTRY_ROW order where the server can compute it.

        The entries' free fields come last (from ENTRY_FREE_START), bracket-quoted: their names
        are those typed in Sage, spaces and accents included.

        Signed amounts in cents and dates as ISO text are computed by the server: a million rows
        then reach Python as ints and short strings, ready to be written.
        """
        d = self.dialect

        def cents(column: str) -> str:
            signed = f"CASE WHEN EC_Sens = 1 THEN -{column} ELSE {column} END"
            return f"CAST(ROUND({signed} * 100, 0) AS BIGINT)"

        return ", ".join(
            [
                "cbMarq",
                "CT_Num",
                "EC_No",
                "JO_Num",
                d.day_plus("JM_Date", "EC_Jour - 1"),
                d.day("EC_Date"),
                "EC_Piece",
                "EC_RefPiece",
                "EC_Intitule",
                "CG_Num",
                cents("EC_Montant"),
                cents("EC_MontantRegle"),
                "N_Devise",
                cents("EC_Devise"),
                "EC_Parite",
                d.day("EC_Echeance"),
                "EC_Lettre",
                "EC_Lettrage",
                "EC_StatusRegle",
                d.day("EC_DateRegle"),
                "N_Reglement",
                "EC_Rappel",
                d.day("EC_DateRelance"),
                "EC_ANType",
                d.day("JM_Date"),
                *(bracket(name) for name in self.entry_free_fields()),
            ]
        )

    def entry_query(
        self, period: tuple[date, date], window: Window | None = None
    ) -> list[tuple[str, list[object]]]:
        """The queries that read the customer entries of the open years."""
        params: list[object] = []
        sql = (
            f"SELECT {self._entry_columns()} FROM {self.dialect.table('F_ECRITUREC')} "
            f"WHERE {self._entries_scope(period, params)}"
        )
        return self._windowed(sql, params, window)

    def entry_rows(
        self, period: tuple[date, date], window: Window | None = None, batch_size: int = 20000
    ) -> Iterator[list[tuple]]:
        """Yield the customer entries of the open fiscal years as compact rows, in batches.

        Args:
            period: first and last day of the open fiscal years (journal months in between).
            window: only new and changed rows when given.
            batch_size: rows fetched per round trip.

        Yields:
            Lists of rows in the ENTRY_ROW_FIELDS layout of sources.records.
        """
        convert = _EntryConverter(
            self.currencies(), self.payment_methods(), self.entry_free_fields()
        )
        for rows in self._fetch(self.entry_query(period, window), batch_size):
            yield [convert(r) for r in rows]

    def entries(self, period: tuple[date, date], window: Window | None = None) -> list[EntryRecord]:
        """The customer entries of the open years as EntryRecords (to read them, not to sync)."""
        return [entry_record(row) for batch in self.entry_rows(period, window) for row in batch]

    def changed_entry_rows(
        self,
        period: tuple[date, date],
        customer_keys: set[str],
        window: Window,
        batch_size: int = 20000,
    ) -> Iterator[tuple[list[tuple], list[int]]]:
        """Yield the rows of a window, whatever their account or year, in batches.

        The window is read without the customer and fiscal-year filters, so that a row that
        left them (moved to a supplier, to a closed year) is seen: each batch gives the
        customer entries of the open years as compact rows, and the cbMarq of the other rows.
        """
        sql = f"SELECT {self._entry_columns()} FROM {self.dialect.table('F_ECRITUREC')} WHERE 1 = 1"
        queries = self._windowed(sql, [], window)
        convert = _EntryConverter(
            self.currencies(), self.payment_methods(), self.entry_free_fields()
        )
        start, end = period[0].isoformat(), period[1].isoformat()
        for rows in self._fetch(queries, batch_size):
            inside, outside = [], []
            for r in rows:
                number = (r[1] or "").strip()
                month = r[24]
                if number in customer_keys and month is not None and start <= month <= end:
                    inside.append(convert(r))
                else:
                    outside.append(r[0])
            yield inside, outside

    def entry_buckets(
        self, period: tuple[date, date], upto_marq: int, width: int
    ) -> dict[int, int]:
        """Count the customer entries of the open years per range of `width` cbMarq values.

        Ranges whose counts differ from the store's are where rows were deleted; only their
        keys need comparing. `width` is inlined (an int), as SQL Server wants the GROUP BY
        expression to be the selected one, parameters included.
        """
        params: list[object] = []
        bucket = f"cbMarq / {int(width)}"
        sql = (
            f"SELECT {bucket}, COUNT(*) FROM {self.dialect.table('F_ECRITUREC')} "
            f"WHERE {self._entries_scope(period, params)} AND cbMarq <= ? GROUP BY {bucket}"
        )
        return {as_int(r[0]): as_int(r[1]) for r in self._query(sql, *params, upto_marq).fetchall()}

    def entry_keys(
        self,
        period: tuple[date, date],
        customer_keys: set[str],
        upto_marq: int,
        after_marq: int = 0,
    ) -> set[int]:
        """The cbMarq of the customer entries of the open years in (after_marq, upto_marq].

        The range is read on the key alone and the scope applied here, so the server walks only
        that range of its primary key.
        """
        sql = (
            f"SELECT cbMarq, CT_Num, {self.dialect.day('JM_Date')} "
            f"FROM {self.dialect.table('F_ECRITUREC')} WHERE cbMarq > ? AND cbMarq <= ?"
        )
        start, end = period[0].isoformat(), period[1].isoformat()
        keys: set[int] = set()
        for rows in self._fetch([(sql, [after_marq, upto_marq])], 100000):
            keys.update(
                r[0]
                for r in rows
                if (r[1] or "").strip() in customer_keys and r[2] and start <= r[2] <= end
            )
        return keys


def _free_fields_text(names: Sequence[str], values: Sequence[object]) -> str:
    """An entry's free fields with a value, as the compact row's JSON text."""
    found = {}
    for name, value in zip(names, values, strict=True):
        if value is not None and value != "":
            text = free_value(value)
            if text:
                found[name] = text
    return free_fields_text(found)


class _EntryConverter:
    """Turns F_ECRITUREC rows (see `_entry_columns`) into compact entry rows; the hot loop."""

    def __init__(
        self,
        currencies: dict[int, str],
        payment_methods: dict[int, str],
        free_fields: Sequence[str] = (),
    ) -> None:
        self.currencies = currencies
        self.payment_methods = payment_methods
        self.free_fields = list(free_fields)

    def __call__(self, r: pyodbc.Row) -> tuple:
        amount = r[10] or 0
        settled = r[11] or 0
        lettered = r[16] == 1
        devise = r[12] or 0
        if devise:
            currency = self.currencies.get(devise, "")
            amount_currency = r[13] or 0
            rate = repr(r[14]) if isinstance(r[14], float) else str(r[14])
        else:
            currency, amount_currency, rate = "", None, None
        account = (r[9] or "").strip()[:20]
        return (
            r[0],
            (r[1] or "").strip(),
            r[2],
            (r[3] or "").strip()[:10],
            r[4],
            r[5],
            (r[6] or "").strip()[:30],
            (r[7] or "").strip()[:30],
            (r[8] or "").strip()[:120],
            account,
            amount,
            0 if lettered else amount - settled,
            currency,
            amount_currency,
            rate,
            r[15],
            (r[17] or "").strip()[:10],
            lettered,
            None,
            settled,
            r[18] or 0,
            r[19],
            self.payment_methods.get(r[20] or 0, "")[:40],
            r[21] or 0,
            r[22],
            bool(r[23]),
            _free_fields_text(self.free_fields, r[ENTRY_FREE_START:])
            if self.free_fields
            else NO_FREE_FIELDS,
            # 416 (clients douteux): a receivable counted like any other, shown apart, not dunned.
            account.startswith("416"),
        )
