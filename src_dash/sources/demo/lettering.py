"""Lettering of the simulated lines, the carried-forward lines of the closed year, reminders,
and the numbering of the pieces.

Only the open years (Y-1 and Y) keep the real lines; what was still open at the end of Y-2 comes
back as one RAN line on the first day of Y-1, and later payments letter against it.
"""

from __future__ import annotations

import random
from datetime import date

from src_dash.sources.demo.base import CompanyBase
from src_dash.sources.demo.common import CODES, CODES_LOWER
from src_dash.sources.demo.model import K_AVR, K_DIFF, K_IND, K_INV, K_RAN, Line, Tiers

# Days after the due date of the first, second and third reminder (EC_Rappel, EC_DateRelance).
_REMINDER_OFFSETS = (15, 30, 45)


class Lettering(CompanyBase):
    """Letters the lines of each third party and numbers the pieces."""

    def _resolve(self, t: Tiers) -> None:
        """Decide lettering codes and flags per line, and create the RAN lines of Y-2."""
        B = self.B
        clusters: dict[tuple, list] = {}
        seq = 0

        # Codes follow the order of lettering (the last day of each cluster), as in Sage.
        def add(key: tuple, line: Line, lettered: bool) -> None:
            nonlocal seq
            cl = clusters.get(key)
            if cl is None:
                seq += 1
                cl = clusters[key] = [line.day, seq, lettered, []]
            elif line.day > cl[0]:
                cl[0] = line.day
            cl[3].append(line)

        open_part: list[Line] = []
        for line in t.lines:
            if line.day >= B:
                open_part.append(line)
                continue
            g = line.group
            if g is not None and g.final_day < B:
                add(("G", id(g), 0), line, True)
            elif line.partial_of is not None:
                add(("P", id(line.partial_of)), line, False)
            elif line.is_item:
                before = [p for p in line.partials or () if p.day < B]
                after = [p for p in line.partials or () if p.day >= B]
                if before:
                    add(("P", id(line)), line, False)
                residual = line.cents - sum(p.cents for p in before)
                residual_cur = line.cur - sum(p.cur for p in before)
                ran = self._ran(line, residual, residual_cur)
                ran.group = g
                if after:
                    ran.partials = after
                    for p in after:
                        p.partial_of = ran
                open_part.append(ran)
            else:
                ran = self._ran(line, line.cents, line.cur)
                ran.group = g
                open_part.append(ran)
        for line in open_part:
            if line.group is not None:
                add(("G", id(line.group), 1), line, True)
            elif line.partial_of is not None:
                add(("P", id(line.partial_of)), line, False)
            elif line.partials:
                add(("P", id(line)), line, False)

        for index, (_, _, lettered, members) in enumerate(
            sorted(clusters.values(), key=lambda v: (v[0], v[1]))
        ):
            if lettered:
                code = CODES[index % len(CODES)]
                final = max(m.day for m in members)
                for m in members:
                    m.lettre, m.code, m.status, m.regle, m.dregle = 1, code, 2, m.cents, final
                    if t.devise and m.kind != K_DIFF:
                        m.lettreq = 1
            else:
                code = CODES_LOWER[index % len(CODES)]
                item = next(m for m in members if m.is_item)
                paid = [m for m in members if m is not item]
                for p in paid:
                    p.code, p.status, p.regle, p.dregle = code, 2, p.cents, p.day
                item.code, item.status = code, 1
                item.regle = sum(p.cents for p in paid)
                item.dregle = max(p.day for p in paid)

        for line in t.lines:
            self._finish(t, line, self.B if line.day < B else self.T)
        for line in open_part:
            if line.kind == K_RAN:
                self._finish(t, line, self.T)

    def _ran(self, line: Line, cents: int, cur: int) -> Line:
        ran = Line(
            K_RAN, line.sens, self.B, cents, line.tiers, is_item=line.is_item, due=line.due,
            piece=line.piece, cur=cur, rate=line.rate, ref=line.ref, label=line.label,
            doc_day=line.doc_day,
        )  # fmt: skip
        ran.src = line
        self.ran_lines.append(ran)
        return ran

    def _finish(self, t: Tiers, line: Line, cutoff: int) -> None:
        """Reminders and modification day of a line, once its lettering is known."""
        mday = line.day
        if line.dregle is not None and line.dregle > mday:
            mday = line.dregle
        if line.is_item and line.due is not None and t.dunned and t.ct_type == 0:
            end = line.dregle if line.lettre else cutoff
            count = 0
            for offset in _REMINDER_OFFSETS:
                if line.due + offset < end:
                    count += 1
            if count:
                line.rappel = count
                line.drelance = line.due + _REMINDER_OFFSETS[count - 1]
                if line.drelance > mday:
                    mday = line.drelance
        line.mday = mday

    # ---- numbering

    def _number_pieces(self) -> None:
        fl = self.flavour
        seq = {K_INV: 0, K_AVR: 0, K_IND: 0, -1: 0}
        # The customers' order numbers (free field "N° commande") on about a third of the
        # invoices, numbered per year. A generator of their own, so that the rest of the base
        # is what it was before the field existed.
        orders = random.Random(f"orders:{self.spec.code}:{self.spec.seed}")
        order_seq: dict[int, int] = {}
        for day in sorted(self.pieces_by_day):
            for piece in self.pieces_by_day[day]:
                if piece.tiers.ct_type == 1:
                    seq[-1] += 1
                    piece.num = f"AC{seq[-1]:07d}"
                    piece.label = f"Fact {piece.reference} {piece.tiers.name}"[:35]
                    continue
                seq[piece.kind] += 1
                n = seq[piece.kind]
                if piece.kind == K_INV:
                    piece.num = f"{fl.invoice_prefix}{n:07d}"
                    piece.label = f"Fact {piece.num} {piece.tiers.name}"[:35]
                    if orders.random() < 0.35:
                        year = date.fromordinal(day).year
                        order_seq[year] = order_seq.get(year, 0) + 1
                        piece.order = f"CMD-{year}-{order_seq[year]:05d}"
                elif piece.kind == K_AVR:
                    piece.num = f"{fl.credit_prefix}{n:07d}"
                    piece.label = f"{piece.label} {piece.num}"[:35]
                else:
                    piece.num = f"OD{n:07d}"
