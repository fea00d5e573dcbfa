"""Deciding the pending promises after a run: kept once paid, broken when unpaid past their date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, func, select, type_coerce, update

from src_dash.clock import utcnow
from src_dash.store import Customer, Entry, Promise, PromiseItem
from src_dash.sync.results import TableCounts
from src_dash.sync.tables import TableWriter


class PromisesWriter(TableWriter):
    """Resolves the company's pending promises from the entries just written."""

    def resolve_promises(self, as_of: date) -> TableCounts:
        """Decide pending promises: kept once paid, broken when still unpaid past their date.

        A promise is paid when its items went down, since it was made, by at least the amount
        promised (a partial promise is kept by a partial payment), or when all its items are
        settled. Promises recorded without what was open on their items use the second rule.
        """
        promises, items = Promise.__table__, PromiseItem.__table__
        entries, customers = Entry.__table__, Customer.__table__
        counts = TableCounts()
        residual = type_coerce(entries.c.residual, BigInteger)
        open_before = type_coerce(items.c.open_before, BigInteger)
        pending = self.conn.execute(
            select(
                promises.c.id, promises.c.promised_on, type_coerce(promises.c.amount, BigInteger)
            )
            .select_from(promises.join(customers, promises.c.customer_id == customers.c.id))
            .where(customers.c.company_id == self.company_id, promises.c.status == "pending")
        ).all()
        for promise_id, promised_on, amount_cents in pending:
            rows = self.conn.execute(
                select(open_before, func.coalesce(residual, 0))
                .select_from(items.outerjoin(entries, items.c.entry_id == entries.c.id))
                .where(items.c.promise_id == promise_id)
            ).all()
            all_settled = all(left == 0 for _, left in rows)
            known = bool(rows) and all(before is not None for before, _ in rows)
            paid = sum(max(before - max(left, 0), 0) for before, left in rows) if known else 0
            kept = all_settled or (known and paid >= amount_cents)
            status = "kept" if kept else ("broken" if promised_on < as_of else None)
            if status:
                self.conn.execute(
                    update(promises)
                    .where(promises.c.id == promise_id)
                    .values(status=status, resolved_at=utcnow())
                )
                counts.changed += 1
        return counts
