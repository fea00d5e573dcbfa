"""The simulated ledger of a demo company: invoices, credit notes, indemnities and payments.

Each customer's invoices are drawn over its active period; each item is then planned to be
settled (on time, late, partly, after a dispute) from the customer's behaviour, and the payments
of a day are grouped as a real customer would pay them. Suppliers get a plain monthly invoice.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from src_dash.sources.demo import names
from src_dash.sources.demo.base import CompanyBase
from src_dash.sources.demo.common import (
    business_day,
    end_of_month,
    ht_of,
    poisson,
    to_cur,
    to_eur,
    vat_of,
    weekday,
)
from src_dash.sources.demo.model import (
    K_AVR,
    K_DIFF,
    K_IND,
    K_INV,
    K_PAY,
    K_UNAP,
    Group,
    Line,
    Piece,
    Tiers,
)

# Estimated customer (411) lines per invoice, used to turn an `entries` target into an invoice
# rate: échéances + share of a payment + partials, credit notes, carried-forward lines.
_LINES_PER_INVOICE = 2.2
# Payment methods (N_Reglement) whose bank reference is a prefix and a counter: the prefix, and
# the word that starts the line's label (LCR, direct debit, card).
_NUMBERED_METHODS = {3: ("LCR", "LCR"), 4: ("PRLV", "Prlv"), 5: ("CB", "CB")}


class Simulation(CompanyBase):
    """Simulates the lines of every third party (nothing lettered or written yet)."""

    # ---- volumes

    def _calibrate(self) -> None:
        fl = self.flavour
        exposure = 0.0
        for c in self.customers:
            c.months = max(0.0, (c.end - c.start) / 30.44)
            exposure += c.weight * c.months
        if self.spec.entries is None:
            self.base_rate = fl.natural_invoices_per_month
        else:
            self.base_rate = self.spec.entries / (_LINES_PER_INVOICE * max(exposure, 1e-9))

    # ---- simulation of one customer

    def _draw_delay(self, c: Tiers) -> int:
        rng = self.rng
        if c.mix is not None:
            m1, s1, m2, s2 = c.mix
            return round(rng.gauss(m1, s1) if rng.random() < 0.5 else rng.gauss(m2, s2))
        return round(rng.gauss(c.mean, c.sd))

    def _snap(self, c: Tiers, day: int) -> int:
        if c.batch == "week":
            day += (4 - weekday(day)) % 7
        elif c.batch == "month":
            d = date.fromordinal(day)
            if d.day <= 10:
                day = date(d.year, d.month, 10).toordinal()
            elif d.day <= 25:
                day = date(d.year, d.month, 25).toordinal()
            else:
                day = end_of_month(day) + 10
        return business_day(day)

    def _invoice_days(self, c: Tiers) -> list[int]:
        rng = self.rng
        if c.end <= c.start:
            return []
        count = poisson(rng, self.base_rate * c.weight * c.months)
        span = c.end - c.start
        days = []
        while len(days) < count:
            d = c.start + rng.randint(0, span)
            if weekday(d) >= 5:
                continue
            if date.fromordinal(d).month == 8 and rng.random() < 0.5:
                continue
            days.append(d)
        if c.not_rappel:
            days += [business_day(self.T - 125), business_day(self.T - 80)]
        days.sort()
        return days

    def _simulate_customer(self, c: Tiers) -> None:
        rng = self.rng
        T = self.T
        items: list[Line] = []
        open_credits: list[Line] = []
        plan: dict[int, list[Line]] = {}
        force_open_from = T - 160 if c.not_rappel else None

        for day in self._invoice_days(c):
            for line in self._invoice(c, day):
                items.append(line)
                if force_open_from is None or line.due < force_open_from:
                    self._plan_item(c, line, plan)
        if c.show_partial:
            for line in self._invoice(c, business_day(T - 50)):
                items.append(line)
                partial_day = business_day(line.due + 2)
                cents = round(line.cents * 0.4, -2)
                if partial_day < T and 0 < cents < line.cents:
                    credit = self._payment_line(c, partial_day, cents, K_PAY, None)
                    line.partials = [credit]
                    credit.partial_of = line

        low = max(c.start, T - 400)
        if c.commercial_credits and low < c.end:
            for _ in range(rng.randint(1, 3)):
                day = business_day(rng.randint(low, c.end))
                if day >= T:
                    continue
                cents = round(c.median * rng.uniform(0.05, 0.5)) * 100
                open_credits.append(
                    self._credit_note(c, day, cents, names.COMMERCIAL_CREDIT_LABELS)
                )
        if c.recent_credit:
            # too recent to be deducted from a payment yet: an open credit note
            cents = round(c.median * 0.2) * 100
            self._credit_note(c, business_day(T - 6), cents, names.COMMERCIAL_CREDIT_LABELS)

        self._indemnities(c, items, plan)
        self._payments(c, plan, open_credits)

        if c.unapplied and not c.dormant:
            for _ in range(rng.randint(1, 2)):
                day = business_day(T - rng.randint(3, 200))
                if day >= T:
                    day = business_day(T - 10)
                cents = rng.choice((200, 300, 500, 1000, 1500, 2500)) * 100
                self._payment_line(c, day, cents, K_UNAP, None)

    def _invoice(self, c: Tiers, day: int) -> list[Line]:
        """Create a sales invoice piece; return its 411 lines, one per due date."""
        rng = self.rng
        ht = max(1500, round(rng.lognormvariate(math.log(c.median), 0.6) * 100))
        if c.devise:
            rate = self.rate(c.devise, day)
            cur_total = to_cur(ht, rate)
            total = to_eur(cur_total, rate)
            piece = Piece(K_INV, day, c, total, 0)
        else:
            rate = None
            cur_total = 0
            tva = vat_of(ht) if c.vat else 0
            total = ht + tva
            piece = Piece(K_INV, day, c, ht, tva)
        if rng.random() < 0.4:
            piece.reference = f"BC {rng.randint(1000, 99999)}"
        if not self.flavour.numeric_customer_codes and rng.random() < 0.2:
            piece.aff = f"AFF-{rng.randint(100, 999)}"
        self._add_piece(c, piece)
        remaining, remaining_cur = total, cur_total
        for k, terms in enumerate(c.terms):
            if k == len(c.terms) - 1:
                cents, cur = remaining, remaining_cur
            else:
                cents = int((Decimal(total) * terms.value / 100).to_integral_value())
                cur = int((Decimal(cur_total) * terms.value / 100).to_integral_value())
            remaining -= cents
            remaining_cur -= cur
            line = Line(
                K_INV, 0, day, cents, c, is_item=True, due=terms.due(day), piece=piece,
                cur=cur, rate=rate,
            )  # fmt: skip
            piece.lines.append(line)
            c.lines.append(line)
        return piece.lines

    def _add_piece(self, c: Tiers, piece: Piece) -> None:
        c.pieces.append(piece)
        self.pieces_by_day.setdefault(piece.day, []).append(piece)

    def _credit_note(
        self,
        c: Tiers,
        day: int,
        cents: int,
        labels: tuple[str, ...],
        cur: int = 0,
        rate: Decimal | None = None,
    ) -> Line:
        if c.devise and rate is None:
            rate = self.rate(c.devise, day)
            cur = to_cur(cents, rate)
            cents = to_eur(cur, rate)
        if c.vat:
            ht = ht_of(cents)
            piece = Piece(K_AVR, day, c, ht, cents - ht)
        else:
            piece = Piece(K_AVR, day, c, cents, 0)
        piece.label = self.rng.choice(labels)
        self._add_piece(c, piece)
        line = Line(K_AVR, 1, day, cents, c, due=day, piece=piece, cur=cur, rate=rate)
        piece.lines.append(line)
        c.lines.append(line)
        return line

    def _plan_item(self, c: Tiers, item: Line, plan: dict[int, list[Line]]) -> None:
        rng = self.rng
        T = self.T
        due = item.due
        if rng.random() < c.dispute_rate:
            resolved = business_day(due + rng.randint(45, 240))
            if resolved >= T:
                return
            full = rng.random() < 0.35
            if full:
                cents = item.cents
            else:
                cents = round(item.cents * rng.uniform(0.1, 0.6))
                cents = max(1, min(item.cents - 1, cents))
            # at the invoice's rate, so that the residual stays consistent in currency
            cur = round(item.cur * cents / item.cents) if c.devise else 0
            credit = self._credit_note(
                c, resolved, cents, names.DISPUTE_LABELS, cur=cur, rate=item.rate
            )
            if full:
                group = Group(resolved)
                item.group = credit.group = group
                return
            item.partials = [credit]
            credit.partial_of = item
            settle = resolved + rng.randint(5, 45)
        else:
            settle = max(due + self._draw_delay(c), item.day + 1)
            if c.partial_rate and rng.random() < c.partial_rate and settle - item.day > 12:
                first = max(item.day + 3, due - 10)
                if first < settle - 2:
                    partial_day = business_day(rng.randint(first, settle - 3))
                    if partial_day < min(T, settle):
                        cents = round(item.cents * rng.uniform(0.2, 0.7), -3)
                        if 0 < cents < item.cents:
                            credit = self._payment_line(c, partial_day, cents, K_PAY, None)
                            item.partials = [credit]
                            credit.partial_of = item
        settle = self._snap(c, settle)
        if item.partials:
            settle = max(settle, business_day(item.partials[-1].day + 1))
        if settle < T:
            plan.setdefault(settle, []).append(item)

    def _indemnities(self, c: Tiers, items: list[Line], plan: dict[int, list[Line]]) -> None:
        """40 € recovery indemnities (journal OD, no due date) on some very late items."""
        if c.behaviour not in ("chronic", "erratic") or c.devise or c.not_rappel:
            return
        rng = self.rng
        paid_on = {id(item): day for day, its in plan.items() for item in its}
        days = sorted(plan)
        for item in items:
            settled = paid_on.get(id(item), self.T)
            day = business_day(item.due + 45)
            if settled - item.due <= 45 or day >= min(settled, self.T) or rng.random() > 0.25:
                continue
            piece = Piece(K_IND, day, c, 4000, 0)
            piece.label = "Indemnité forfaitaire recouvrement"
            self._add_piece(c, piece)
            line = Line(K_IND, 0, day, 4000, c, is_item=True, due=None, piece=piece)
            piece.lines.append(line)
            c.lines.append(line)
            if rng.random() < 0.5:
                later = [d for d in days if d >= day + 10]
                if later:
                    plan[later[0]].append(line)

    def _payment_line(
        self,
        c: Tiers,
        day: int,
        cents: int,
        kind: int,
        rate: Decimal | None,
        cur: int | None = None,
    ) -> Line:
        rng = self.rng
        if c.devise:
            rate = rate or self.rate(c.devise, day)
            if cur is None:
                cur = to_cur(cents, rate)
                cents = to_eur(cur, rate)
        else:
            cur = 0
        method = c.method
        self._counter += 1
        if kind == K_UNAP:
            ref, label = f"VIR{self._counter:09d}"[:17], f"Acompte {c.name}"
        elif method == 2:
            ref, label = f"CHQ {rng.randint(1000000, 9999999)}", f"Chèque {c.name}"
        elif method in _NUMBERED_METHODS:
            prefix, word = _NUMBERED_METHODS[method]
            ref, label = f"{prefix}{self._counter:08d}", f"{word} {c.name}"
        else:
            ref, label = f"VIR{self._counter:09d}", f"Vir. {c.name}"
        doc_day = day - rng.randint(1, 4) if method == 2 else day
        line = Line(
            kind, 1, day, cents, c, cur=cur, rate=rate, ref=ref, label=label[:35], doc_day=doc_day
        )
        c.lines.append(line)
        self.bank_lines.append(line)
        return line

    def _payments(self, c: Tiers, plan: dict[int, list[Line]], open_credits: list[Line]) -> None:
        rng = self.rng
        for day in sorted(plan):
            items = plan[day]
            total = 0
            total_cur = 0
            members: list[Line] = []
            for item in items:
                total += item.cents
                total_cur += item.cur
                members.append(item)
                if item.partials:
                    for p in item.partials:
                        total -= p.cents
                        total_cur -= p.cur
                        members.append(p)
            if not c.devise:
                for credit in list(open_credits):
                    if credit.day <= day - 7 and credit.cents < total and rng.random() < 0.7:
                        total -= credit.cents
                        members.append(credit)
                        open_credits.remove(credit)
            if total <= 0:
                continue
            group = Group(day)
            if c.devise:
                rate = self.rate(c.devise, day)
                pay_eur = to_eur(total_cur, rate)
                payment = self._payment_line(c, day, pay_eur, K_PAY, rate, total_cur)
                diff = total - pay_eur
                if diff:
                    line = Line(
                        K_DIFF, 1 if diff > 0 else 0, day, abs(diff), c,
                        label=f"Écart de change {c.iso}", ref=payment.ref,
                    )  # fmt: skip
                    line.group = group
                    c.lines.append(line)
                    self.bank_lines.append(line)
            else:
                payment = self._payment_line(c, day, total, K_PAY, None)
            payment.group = group
            for line in members:
                line.group = group

    # ---- simulation of one supplier

    def _simulate_supplier(self, s: Tiers) -> None:
        rng = self.rng
        day = self.P0 + rng.randint(0, 20)
        while day < self.T:
            d = business_day(day)
            if d >= self.T:
                break
            ht = round(s.median * rng.lognormvariate(0, 0.3)) * 100
            tva = vat_of(ht)
            piece = Piece(K_INV, d, s, ht, tva)
            piece.reference = f"F{date.fromordinal(d).year}-{rng.randint(100, 9999)}"
            self._add_piece(s, piece)
            item = Line(K_INV, 1, d, ht + tva, s, is_item=True, due=s.terms[0].due(d), piece=piece)
            piece.lines.append(item)
            s.lines.append(item)
            pay = business_day(item.due + rng.randint(-3, 6))
            if pay < self.T:
                payment = Line(K_PAY, 0, pay, ht + tva, s, label=f"Vir. {s.name}"[:35])
                payment.ref = f"VIRSEPA{rng.randint(100000, 999999)}"
                group = Group(pay)
                item.group = payment.group = group
                s.lines.append(payment)
                self.bank_lines.append(payment)
            day += rng.randint(25, 35)
