"""Reader of a Sage 100 base over pyodbc: customers, contacts, sales reps, customer entries.

The SQL is portable (it runs unchanged on SQL Server and, in tests, on SQLite demo bases through
unixODBC); what differs between servers lives in `sql_dialect`. Every query names its columns.
Only customers (CT_Type = 0) and only the open fiscal years (P_DOSSIER) are read.

Incremental reads use a `Window`: rows whose cbMarq is above the last one seen (new rows) or
whose cbModification is at or after the last change seen minus an overlap (changed rows;
cbModification has minute precision). Deleted rows leave no trace in Sage, so the sync compares
keys (`*_keys`) when the counts up to the last cbMarq (`count_*`) disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pyodbc

from src_dash.money import to_money
from src_dash.sources.left_out import ACCOUNT_GROUPS, OTHER_41, LeftOutLines
from src_dash.sources.records import (
    NO_FREE_FIELDS,
    CompanyInfo,
    ContactRecord,
    ContactServiceRecord,
    CustomerRecord,
    EntryRecord,
    FiscalYear,
    SalesRepRecord,
    entry_record,
    free_fields_text,
)
from src_dash.sources.sql_dialect import (
    Dialect,
    as_date,
    as_datetime,
    configure_connection,
    detect_dialect,
)

# Free-field types of cbSysLibre (CB_Type): 0 means the field was deleted.
FREE_FIELD_DELETED = 0

CUSTOMER_COLUMNS = (
    "cbMarq, CT_Num, CT_Intitule, CT_Classement, CT_Siret, CT_Identifiant, CT_Adresse, "
    "CT_Complement, CT_CodePostal, CT_Ville, CT_Pays, CT_Telephone, CT_EMail, CO_No, "
    "CT_Encours, N_Risque, CT_NotRappel, CT_NotPenal, CT_Sommeil, N_Devise, CT_NumPayeur, "
    "CT_DateCreate, CT_Langue"
)
CONTACT_COLUMNS = (
    "cbMarq, CT_Num, CT_Civilite, CT_Nom, CT_Prenom, CT_Fonction, N_Service, CT_Telephone, "
    "CT_TelPortable, CT_EMail"
)
CIVILITIES = {0: "M.", 1: "Mme", 2: "Mlle"}
#: A customer's lines are those on a receivable account: 411 (clients) and 416 (clients douteux).
#: A customer's lines on other accounts (413, 418, 419, ...) are left out and counted.
RECEIVABLE = "(CG_Num LIKE '411%' OR CG_Num LIKE '416%')"
# Where an entry read's free-field columns start (after those of `_entry_columns`).
ENTRY_FREE_START = 25


class Sage100Error(RuntimeError):
    """The Sage base cannot be read: unreachable, or not shaped like a Sage 100 base."""


@dataclass(frozen=True)
class Window:
    """Which rows an incremental read wants: new above `after_marq`, changed since `since`.

    `upto_marq` bounds every read of a run, so rows added while it runs wait for the next one.
    """

    after_marq: int
    since: datetime | None
    upto_marq: int


@dataclass(frozen=True)
class Watermark:
    """The highest cbMarq and the newest cbModification of a table, read before a run."""

    max_marq: int
    max_modified: datetime | None


def _text(value: object) -> str:
    """Strip a varchar (Sage pads nothing, but drivers and users do)."""
    return "" if value is None else str(value).strip()


def _int(value: object) -> int:
    return 0 if value is None or value == "" else int(value)


class Sage100Reader:
    """A connection to one Sage 100 base; use as a context manager."""

    def __init__(self, connection_string: str, encoding: str = "", timeout: int = 30) -> None:
        """Connect to the base.

        Args:
            connection_string: an ODBC connection string (DRIVER=...;SERVER=...;DATABASE=...).
            encoding: code page of varchar columns; empty means the server's usual one.
            timeout: seconds to wait for the connection.

        Raises:
            Sage100Error: when the base cannot be reached.
        """
        try:
            self.connection = pyodbc.connect(connection_string, timeout=timeout, readonly=True)
        except pyodbc.Error as exc:
            raise Sage100Error(f"cannot connect to the Sage base: {exc}") from exc
        self.dialect: Dialect = detect_dialect(self.connection)
        configure_connection(self.connection, self.dialect, encoding)
        self._currencies: dict[int, str] | None = None
        self._payment_methods: dict[int, str] | None = None
        self._entry_free_fields: list[str] | None = None

    def __enter__(self) -> Sage100Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()

    def _query(self, sql: str, *params: object) -> pyodbc.Cursor:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, *params)
        except pyodbc.Error as exc:
            raise Sage100Error(f"query failed: {exc}\n{sql}") from exc
        return cursor

    def company(self) -> CompanyInfo:
        """Read the company and its fiscal years from P_DOSSIER.

        A fiscal year is closed when it ends on or before D_DateClot (the last closing date).
        """
        cols = ", ".join(
            ["D_RaisonSoc", "D_Adresse", "D_CodePostal", "D_Ville", "D_Pays", "D_Siret"]
            + ["D_EMail", "D_Telephone", "N_DeviseCompte", "D_DateClot"]
            + [f"D_DebutExo{i:02d}, D_FinExo{i:02d}" for i in range(1, 6)]
        )
        row = self._query(f"SELECT {cols} FROM {self.dialect.table('P_DOSSIER')}").fetchone()
        if row is None:
            raise Sage100Error("P_DOSSIER is empty: not a Sage 100 base")
        closed_until = as_date(row[9])
        years = []
        for i in range(5):
            start, end = as_date(row[10 + 2 * i]), as_date(row[11 + 2 * i])
            if start and end:
                is_open = closed_until is None or end > closed_until
                years.append(FiscalYear(start=start, end=end, is_open=is_open))
        currency = self.currencies().get(_int(row[8]), "EUR") if _int(row[8]) else "EUR"
        return CompanyInfo(
            name=_text(row[0]),
            address=_text(row[1]),
            postal_code=_text(row[2]),
            city=_text(row[3]),
            country=_text(row[4]),
            siret=_text(row[5]),
            email=_text(row[6]),
            phone=_text(row[7]),
            currency=currency,
            fiscal_years=tuple(sorted(years, key=lambda y: y.start)),
        )

    def currencies(self) -> dict[int, str]:
        """Map P_DEVISE.cbIndice to the ISO code (N_Devise 0 is the book currency)."""
        if self._currencies is None:
            rows = self._query(
                f"SELECT cbIndice, D_CodeISO, D_Intitule FROM {self.dialect.table('P_DEVISE')}"
            ).fetchall()
            self._currencies = {_int(r[0]): (_text(r[1]) or _text(r[2])[:3]).upper() for r in rows}
        return self._currencies

    def payment_methods(self) -> dict[int, str]:
        """Map P_REGLEMENT.cbIndice to the payment method's label."""
        if self._payment_methods is None:
            rows = self._query(
                f"SELECT cbIndice, R_Intitule FROM {self.dialect.table('P_REGLEMENT')}"
            ).fetchall()
            self._payment_methods = {_int(r[0]): _text(r[1]) for r in rows}
        return self._payment_methods

    def services(self) -> list[ContactServiceRecord]:
        """Read the contact services (P_SERVICECPTA)."""
        rows = self._query(
            "SELECT cbIndice, S_Intitule, S_Abrege "
            f"FROM {self.dialect.table('P_SERVICECPTA')} ORDER BY cbIndice"
        ).fetchall()
        return [
            ContactServiceRecord(key=_int(r[0]), name=_text(r[1]), abbreviation=_text(r[2]))
            for r in rows
            if _text(r[1])
        ]

    def sales_reps(self) -> list[SalesRepRecord]:
        """Read the sales reps and collectors (F_COLLABORATEUR)."""
        rows = self._query(
            "SELECT CO_No, CO_Nom, CO_Prenom, CO_EMail, CO_Telephone, CO_Vendeur, "
            f"CO_ChargeRecouvr FROM {self.dialect.table('F_COLLABORATEUR')} ORDER BY CO_No"
        ).fetchall()
        return [
            SalesRepRecord(
                key=_int(r[0]),
                last_name=_text(r[1]),
                first_name=_text(r[2]),
                email=_text(r[3]),
                phone=_text(r[4]),
                is_sales_rep=bool(_int(r[5])),
                is_collector=bool(_int(r[6])),
            )
            for r in rows
        ]

    def free_fields(self, table: str = "F_COMPTET") -> list[str]:
        """Names of a table's free fields: its cbSysLibre rows that are real columns of it.

        Args:
            table: F_COMPTET (customers, the default) or F_ECRITUREC (entries).
        """
        rows = self._query(
            "SELECT CB_Name FROM cbSysLibre WHERE CB_File = ? AND CB_Type <> ? ORDER BY CB_Pos",
            table,
            FREE_FIELD_DELETED,
        ).fetchall()
        columns = {c.column_name for c in self.connection.cursor().columns(table=table)}
        return [_text(r[0]) for r in rows if _text(r[0]) in columns]

    def entry_free_fields(self) -> list[str]:
        """Names of the entries' free fields (F_ECRITUREC), read once per connection."""
        if self._entry_free_fields is None:
            self._entry_free_fields = self.free_fields("F_ECRITUREC")
        return self._entry_free_fields

    def watermark(self, table: str) -> Watermark:
        """Read the highest cbMarq and newest cbModification of a table.

        Two queries, as a lone MIN/MAX is what servers answer from an index without a scan.
        """
        table_ref = self.dialect.table(table)
        marq = self._query(f"SELECT MAX(cbMarq) FROM {table_ref}").fetchone()[0]
        modified = self._query(f"SELECT MAX(cbModification) FROM {table_ref}").fetchone()[0]
        return Watermark(max_marq=_int(marq), max_modified=as_datetime(modified))

    def _windowed(
        self, sql: str, params: list[object], window: Window | None
    ) -> list[tuple[str, list[object]]]:
        """The queries that read a window's rows: new rows, and changed older rows.

        Two disjoint queries rather than one with an OR, so that each can use its index (the
        primary key for new rows, cbModification for changed ones).
        """
        if window is None:
            return [(sql, params)]
        queries = [
            (
                f"{sql} AND cbMarq > ? AND cbMarq <= ?",
                [*params, window.after_marq, window.upto_marq],
            )
        ]
        if window.since is not None:
            queries.append(
                (
                    f"{sql} AND cbModification >= ? AND cbMarq <= ?",
                    [
                        *params,
                        self.dialect.datetime_param(window.since),
                        min(window.after_marq, window.upto_marq),
                    ],
                )
            )
        return queries

    def _fetch(
        self, queries: list[tuple[str, list[object]]], batch_size: int
    ) -> Iterator[list[pyodbc.Row]]:
        """Run queries one after the other and yield their rows in batches."""
        for sql, params in queries:
            cursor = self._query(sql, *params)
            while rows := cursor.fetchmany(batch_size):
                yield rows

    def _customers_scope(self) -> str:
        return f"CT_Num IN (SELECT CT_Num FROM {self.dialect.table('F_COMPTET')} WHERE CT_Type = 0)"

    def customer_query(
        self, window: Window | None = None
    ) -> tuple[list[tuple[str, list[object]]], list[str]]:
        """The queries that read customers (CT_Type = 0), and the free fields they read."""
        free = self.free_fields()
        cols = CUSTOMER_COLUMNS + "".join(f", {_bracket(name)}" for name in free)
        sql = f"SELECT {cols} FROM {self.dialect.table('F_COMPTET')} WHERE CT_Type = ?"
        return self._windowed(sql, [0], window), free

    def customers(self, window: Window | None = None) -> list[CustomerRecord]:
        """Read customers (CT_Type = 0) with their free fields, all or those of a window."""
        queries, free = self.customer_query(window)
        currencies = self.currencies()
        out = []
        for r in (row for batch in self._fetch(queries, 20000) for row in batch):
            extra = {name: _free_value(r[23 + i]) for i, name in enumerate(free)}
            out.append(
                CustomerRecord(
                    key=_text(r[1]),
                    name=_text(r[2]),
                    sort_name=_text(r[3]),
                    siret=_text(r[4]),
                    vat_number=_text(r[5]),
                    address=_text(r[6]),
                    address2=_text(r[7]),
                    postal_code=_text(r[8]),
                    city=_text(r[9]),
                    country=_text(r[10]),
                    phone=_text(r[11]),
                    email=_text(r[12]),
                    sales_rep_key=_int(r[13]) or None,
                    credit_limit=to_money(r[14]),
                    risk_code=_int(r[15]) or None,
                    do_not_dun=bool(_int(r[16])),
                    no_penalties=bool(_int(r[17])),
                    dormant=bool(_int(r[18])),
                    currency=currencies.get(_int(r[19]), "") if _int(r[19]) else "",
                    payer_number=_text(r[20]),
                    created_on=as_date(r[21]),
                    # CT_Langue 0 is the base's own language (French); UNVERIFIED on real bases.
                    language="en" if _int(r[22]) else "fr",
                    free_fields=extra,
                )
            )
        return out

    def customer_keys(self) -> set[str]:
        """Every customer number (CT_Num) of the base."""
        sql = f"SELECT CT_Num FROM {self.dialect.table('F_COMPTET')} WHERE CT_Type = 0"
        return {_text(r[0]) for r in self._query(sql).fetchall()}

    def contact_query(self, window: Window | None = None) -> list[tuple[str, list[object]]]:
        """The queries that read the contacts of customers (F_CONTACTT)."""
        sql = (
            f"SELECT {CONTACT_COLUMNS} FROM {self.dialect.table('F_CONTACTT')} "
            f"WHERE {self._customers_scope()}"
        )
        return self._windowed(sql, [], window)

    def contacts(self, window: Window | None = None) -> list[ContactRecord]:
        """Read the contacts of customers (F_CONTACTT), all or those of a window."""
        rows = (r for batch in self._fetch(self.contact_query(window), 20000) for r in batch)
        return [
            ContactRecord(
                key=_int(r[0]),
                customer_key=_text(r[1]),
                civility=CIVILITIES.get(_int(r[2]), ""),
                last_name=_text(r[3]),
                first_name=_text(r[4]),
                function=_text(r[5]),
                service_key=_int(r[6]) or None,
                phone=_text(r[7]),
                mobile=_text(r[8]),
                email=_text(r[9]),
            )
            for r in rows
        ]

    def contact_keys(self) -> set[int]:
        """Every contact's cbMarq, for customers only."""
        sql = (
            f"SELECT cbMarq FROM {self.dialect.table('F_CONTACTT')} WHERE {self._customers_scope()}"
        )
        return {_int(r[0]) for r in self._query(sql).fetchall()}

    def _entries_scope(self, period: tuple[date, date], params: list[object]) -> str:
        start, end = period
        params.extend(
            [
                self.dialect.datetime_param(datetime(start.year, start.month, start.day)),
                self.dialect.datetime_param(datetime(end.year, end.month, end.day)),
            ]
        )
        return f"{self._customers_scope()} AND {RECEIVABLE} AND JM_Date >= ? AND JM_Date <= ?"

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
                reason=_text(reason),
                account=_text(account),
                lines=_int(count),
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
                *(_bracket(name) for name in self.entry_free_fields()),
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

    def count_rows(self, table: str, upto_marq: int, after_marq: int = 0) -> int:
        """Count every row of a table with a cbMarq in (after_marq, upto_marq] (a range count)."""
        sql = f"SELECT COUNT(*) FROM {self.dialect.table(table)} WHERE cbMarq <= ?"
        if not after_marq:
            return _int(self._query(sql, upto_marq).fetchone()[0])
        sql += " AND cbMarq > ?"
        return _int(self._query(sql, upto_marq, after_marq).fetchone()[0])

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
        return {_int(r[0]): _int(r[1]) for r in self._query(sql, *params, upto_marq).fetchall()}

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


def _bracket(name: str) -> str:
    """A column name quoted for SQL Server and SQLite (a free field's name is free text)."""
    return "[" + name.replace("]", "]]") + "]"


def _free_value(value: object) -> str:
    """A free field's value as text (dates in ISO, amounts with their decimals)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        as_day = as_date(value)
        return as_day.isoformat() if as_day else ""
    if isinstance(value, float | Decimal):
        return str(to_money(value))
    return str(value).strip()


def _free_fields_text(names: Sequence[str], values: Sequence[object]) -> str:
    """An entry's free fields with a value, as the compact row's JSON text."""
    found = {}
    for name, value in zip(names, values, strict=True):
        if value is not None and value != "":
            text = _free_value(value)
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
