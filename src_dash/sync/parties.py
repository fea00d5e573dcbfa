"""Writing the parties of a company: its identity, contact services, sales reps, customers and
contacts. Only the columns that come from the source are written; the app's stay.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from src_dash.sources.records import (
    CompanyInfo,
    ContactRecord,
    ContactServiceRecord,
    CustomerRecord,
    SalesRepRecord,
)
from src_dash.store import Company, Contact, ContactService, Customer, SalesRep
from src_dash.sync.results import SyncError, TableCounts
from src_dash.sync.tables import TableWriter

# How each contact service is dunned by default, by the start of its name.
DEFAULT_SERVICE_ROLES = {"compta": "to", "recouv": "to", "direction": "cc", "achat": "cc"}


class PartiesWriter(TableWriter):
    """Upserts the company's identity and its parties (customers are marked, never deleted)."""

    def company_info(self, info: CompanyInfo, period: tuple[date, date] | None) -> None:
        """Update the company's identity from the source (the name typed by the admin stays)."""
        table = Company.__table__
        values = {
            "siret": info.siret,
            "address": info.address,
            "postal_code": info.postal_code,
            "city": info.city,
            "country": info.country,
            "email": info.email,
            "phone": info.phone,
            "currency": info.currency or "EUR",
        }
        if period is not None:
            values["open_from"], values["open_to"] = period
        row = self.conn.execute(select(table.c.name).where(table.c.id == self.company_id)).one()
        if not row.name:
            values["name"] = info.name
        self.conn.execute(update(table).where(table.c.id == self.company_id).values(**values))

    def services(self, records: list[ContactServiceRecord]) -> TableCounts:
        """Upsert contact services; a new one gets its default dunning role by name."""
        table = ContactService.__table__
        known = set(
            self.conn.execute(
                select(table.c.code).where(table.c.company_id == self.company_id)
            ).scalars()
        )

        def values(r: ContactServiceRecord) -> dict[str, object]:
            out: dict[str, object] = {"name": r.name, "abbreviation": r.abbreviation}
            if r.key not in known:
                lowered = r.name.lower()
                out["dunning_role"] = next(
                    (role for start, role in DEFAULT_SERVICE_ROLES.items() if start in lowered),
                    "never",
                )
            return out

        return self._upsert_small(table, "code", records, values)

    def sales_reps(self, records: list[SalesRepRecord]) -> TableCounts:
        """Upsert sales reps (never deleted: users and customers point at them)."""
        return self._upsert_small(
            SalesRep.__table__,
            "code",
            records,
            lambda r: {
                "last_name": r.last_name,
                "first_name": r.first_name,
                "email": r.email,
                "phone": r.phone,
                "is_sales_rep": r.is_sales_rep,
                "is_collector": r.is_collector,
            },
        )

    def customers(
        self, records: list[CustomerRecord], all_keys: set[str] | None = None
    ) -> TableCounts:
        """Upsert customers; with `all_keys`, mark those no longer in the source as removed."""
        reps = self._ids(SalesRep.__table__, "code")

        def values(r: CustomerRecord) -> dict[str, object]:
            return {
                "name": r.name,
                "sort_name": r.sort_name,
                "siret": r.siret,
                "vat_number": r.vat_number,
                "address": r.address,
                "address2": r.address2,
                "postal_code": r.postal_code,
                "city": r.city,
                "country": r.country,
                "phone": r.phone,
                "email": r.email,
                "sales_rep_id": reps.get(r.sales_rep_key),
                "credit_limit": r.credit_limit,
                "risk_code": r.risk_code,
                "do_not_dun": r.do_not_dun,
                "no_penalties": r.no_penalties,
                "dormant": r.dormant,
                "currency": r.currency,
                "payer_number": r.payer_number,
                "created_on": r.created_on,
                "language": r.language,
                "free_fields": r.free_fields,
                "removed_from_source": False,
            }

        return self._upsert_small(Customer.__table__, "number", records, values, all_keys)

    def contacts(self, records: list[ContactRecord], all_keys: set[int] | None) -> TableCounts:
        """Upsert the source's contacts; contacts typed in the app are never touched."""
        customers = self._ids(Customer.__table__, "number")
        services = self._ids(ContactService.__table__, "code")

        def values(r: ContactRecord) -> dict[str, object]:
            customer_id = customers.get(r.customer_key)
            if customer_id is None:
                raise SyncError(f"contact {r.key} belongs to unknown customer {r.customer_key!r}")
            return {
                "customer_id": customer_id,
                "civility": r.civility,
                "last_name": r.last_name,
                "first_name": r.first_name,
                "function": r.function,
                "service_id": services.get(r.service_key),
                "phone": r.phone,
                "mobile": r.mobile,
                "email": r.email,
            }

        ct = Contact.__table__
        erased = set(
            self.conn.execute(
                select(ct.c.source_key).where(
                    ct.c.company_id == self.company_id,
                    ct.c.origin == "sage",
                    ct.c.erased_at.is_not(None),
                )
            ).scalars()
        )
        # An erased contact keeps its row (deleted when it leaves the source), never its values.
        records = [r for r in records if r.key not in erased]
        return self._upsert_small(ct, "source_key", records, values, all_keys, origin="sage")
