"""Reader of a Sage 100 base over pyodbc: customers, contacts, sales reps, customer entries.

The SQL is portable (it runs unchanged on SQL Server and, in tests, on SQLite demo bases through
unixODBC); what differs between servers lives in `sql_dialect`. Every query names its columns.
Only customers (CT_Type = 0) and only the open fiscal years (P_DOSSIER) are read.

Incremental reads use a `Window`: rows whose cbMarq is above the last one seen (new rows) or
whose cbModification is at or after the last change seen minus an overlap (changed rows;
cbModification has minute precision). Deleted rows leave no trace in Sage, so the sync compares
keys (`*_keys`) when the counts up to the last cbMarq (`count_*`) disagree.

The reader is cut by concept: `sage100_base` (the connection, lookups, windows and scopes),
`sage100_entries` (the customer entries and what checks them); the company, its parties and
their contacts are read here.
"""

from __future__ import annotations

from src_dash.money import to_money
from src_dash.sources.records import (
    CompanyInfo,
    ContactRecord,
    ContactServiceRecord,
    CustomerRecord,
    FiscalYear,
    SalesRepRecord,
)
from src_dash.sources.sage100_base import (
    ENTRY_FREE_START,
    FREE_FIELD_DELETED,
    RECEIVABLE,
    Sage100Error,
    Watermark,
    Window,
    as_int,
    as_text,
    bracket,
    free_value,
)
from src_dash.sources.sage100_entries import EntryReads
from src_dash.sources.sql_dialect import as_date

__all__ = [
    "CIVILITIES",
    "CONTACT_COLUMNS",
    "CUSTOMER_COLUMNS",
    "ENTRY_FREE_START",
    "FREE_FIELD_DELETED",
    "RECEIVABLE",
    "Sage100Error",
    "Sage100Reader",
    "Watermark",
    "Window",
]

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


class Sage100Reader(EntryReads):
    """A connection to one Sage 100 base; use as a context manager."""

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
        currency = self.currencies().get(as_int(row[8]), "EUR") if as_int(row[8]) else "EUR"
        return CompanyInfo(
            name=as_text(row[0]),
            address=as_text(row[1]),
            postal_code=as_text(row[2]),
            city=as_text(row[3]),
            country=as_text(row[4]),
            siret=as_text(row[5]),
            email=as_text(row[6]),
            phone=as_text(row[7]),
            currency=currency,
            fiscal_years=tuple(sorted(years, key=lambda y: y.start)),
        )

    def services(self) -> list[ContactServiceRecord]:
        """Read the contact services (P_SERVICECPTA)."""
        rows = self._query(
            "SELECT cbIndice, S_Intitule, S_Abrege "
            f"FROM {self.dialect.table('P_SERVICECPTA')} ORDER BY cbIndice"
        ).fetchall()
        return [
            ContactServiceRecord(key=as_int(r[0]), name=as_text(r[1]), abbreviation=as_text(r[2]))
            for r in rows
            if as_text(r[1])
        ]

    def sales_reps(self) -> list[SalesRepRecord]:
        """Read the sales reps and collectors (F_COLLABORATEUR)."""
        rows = self._query(
            "SELECT CO_No, CO_Nom, CO_Prenom, CO_EMail, CO_Telephone, CO_Vendeur, "
            f"CO_ChargeRecouvr FROM {self.dialect.table('F_COLLABORATEUR')} ORDER BY CO_No"
        ).fetchall()
        return [
            SalesRepRecord(
                key=as_int(r[0]),
                last_name=as_text(r[1]),
                first_name=as_text(r[2]),
                email=as_text(r[3]),
                phone=as_text(r[4]),
                is_sales_rep=bool(as_int(r[5])),
                is_collector=bool(as_int(r[6])),
            )
            for r in rows
        ]

    def customer_query(
        self, window: Window | None = None
    ) -> tuple[list[tuple[str, list[object]]], list[str]]:
        """The queries that read customers (CT_Type = 0), and the free fields they read."""
        free = self.free_fields()
        cols = CUSTOMER_COLUMNS + "".join(f", {bracket(name)}" for name in free)
        sql = f"SELECT {cols} FROM {self.dialect.table('F_COMPTET')} WHERE CT_Type = ?"
        return self._windowed(sql, [0], window), free

    def customers(self, window: Window | None = None) -> list[CustomerRecord]:
        """Read customers (CT_Type = 0) with their free fields, all or those of a window."""
        queries, free = self.customer_query(window)
        currencies = self.currencies()
        out = []
        for r in (row for batch in self._fetch(queries, 20000) for row in batch):
            extra = {name: free_value(r[23 + i]) for i, name in enumerate(free)}
            out.append(
                CustomerRecord(
                    key=as_text(r[1]),
                    name=as_text(r[2]),
                    sort_name=as_text(r[3]),
                    siret=as_text(r[4]),
                    vat_number=as_text(r[5]),
                    address=as_text(r[6]),
                    address2=as_text(r[7]),
                    postal_code=as_text(r[8]),
                    city=as_text(r[9]),
                    country=as_text(r[10]),
                    phone=as_text(r[11]),
                    email=as_text(r[12]),
                    sales_rep_key=as_int(r[13]) or None,
                    credit_limit=to_money(r[14]),
                    risk_code=as_int(r[15]) or None,
                    do_not_dun=bool(as_int(r[16])),
                    no_penalties=bool(as_int(r[17])),
                    dormant=bool(as_int(r[18])),
                    currency=currencies.get(as_int(r[19]), "") if as_int(r[19]) else "",
                    payer_number=as_text(r[20]),
                    created_on=as_date(r[21]),
                    # CT_Langue 0 is the base's own language (French); UNVERIFIED on real bases.
                    language="en" if as_int(r[22]) else "fr",
                    free_fields=extra,
                )
            )
        return out

    def customer_keys(self) -> set[str]:
        """Every customer number (CT_Num) of the base."""
        sql = f"SELECT CT_Num FROM {self.dialect.table('F_COMPTET')} WHERE CT_Type = 0"
        return {as_text(r[0]) for r in self._query(sql).fetchall()}

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
                key=as_int(r[0]),
                customer_key=as_text(r[1]),
                civility=CIVILITIES.get(as_int(r[2]), ""),
                last_name=as_text(r[3]),
                first_name=as_text(r[4]),
                function=as_text(r[5]),
                service_key=as_int(r[6]) or None,
                phone=as_text(r[7]),
                mobile=as_text(r[8]),
                email=as_text(r[9]),
            )
            for r in rows
        ]

    def contact_keys(self) -> set[int]:
        """Every contact's cbMarq, for customers only."""
        sql = (
            f"SELECT cbMarq FROM {self.dialect.table('F_CONTACTT')} WHERE {self._customers_scope()}"
        )
        return {as_int(r[0]) for r in self._query(sql).fetchall()}
