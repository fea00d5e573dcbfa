"""From items to proposals: planned items per customer, grouped per level (or in one
account situation), one proposal per step, and the plan's result."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import select

from src_dash.dunning.model import (
    PREVENANCE,
    RELANCE,
    Plan,
    PlannedItem,
    Proposal,
    Recipient,
)
from src_dash.dunning.planner.criteria import _CUSTOMER_COLUMNS
from src_dash.dunning.planner.exclusions import _Base
from src_dash.dunning.planner.reads import FEW, _sales_reps, _with_pieces
from src_dash.dunning.planner.steps import _money, _recipients, _steps_at
from src_dash.dunning.recipients import ContactRow, contacts_for
from src_dash.dunning.scenarios import (
    ScenarioSpec,
    StepSpec,
)
from src_dash.money import to_cents


def _planned(
    frame: pl.DataFrame, advances: bool, level_col: str, as_of: date
) -> dict[int, list[PlannedItem]]:
    """PlannedItems per customer from a frame of items with their pieces (`level_col` gives
    each one's level)."""
    out: dict[int, list[PlannedItem]] = defaultdict(list)
    cols = frame.select(
        "id", "customer_id", "piece", "reference", "journal", pl.col("kind").cast(pl.String),
        "posting_date", "due_date", "due", "amount", "residual", "currency", "residual_currency",
        pl.col(level_col).alias("_level"),
        pl.col("prev") if "prev" in frame.columns else pl.lit(0).alias("prev"),
    ).to_dict(as_series=False)  # fmt: skip
    for i in range(len(cols["id"])):
        entry_id = cols["id"][i]
        rc = cols["residual_currency"][i]
        currency = cols["currency"][i] or ""
        out[cols["customer_id"][i]].append(
            PlannedItem(
                entry_id=entry_id,
                piece=cols["piece"][i],
                reference=cols["reference"][i],
                journal=cols["journal"][i],
                posting_date=cols["posting_date"][i],
                due_date=cols["due"][i],  # lines without one are due on their posting date
                days_late=(as_of - cols["due"][i]).days,
                amount=_money(cols["amount"][i]),
                residual=_money(cols["residual"][i]),
                currency=currency,
                residual_currency=_money(rc) if rc is not None and currency else None,
                level=cols["_level"][i],
                previous_level=cols["prev"][i],
                kind=cols["kind"][i],
                advances=advances,
            )
        )
    return out


class _Grouping(_Base):
    """Proposals from the items chosen: grouped per customer and level, one per step."""

    def _build(
        self,
        go: pl.DataFrame,
        advancing: pl.DataFrame,
        listed: pl.DataFrame,
        credits: pl.DataFrame,
    ) -> None:
        if advancing.is_empty():
            return
        as_of = self.as_of
        adv = _planned(advancing.sort("due", "id"), True, "target", as_of)
        lst = _planned(listed.sort("due", "id"), False, "prev", as_of)
        crd = _planned(
            _with_pieces(self.conn, credits)
            .with_columns(prev=pl.lit(0), zero=pl.lit(0))
            .sort("due", "id"),
            False,
            "zero",
            as_of,
        )
        contacts = contacts_for(self.ledger, self.conn, go["customer_id"].to_list())
        reps = _sales_reps(self.conn)
        portfolio = self._portfolio(self._few(go["customer_id"]))
        for customer in go.select(_CUSTOMER_COLUMNS).iter_rows(named=True):
            cid = customer["customer_id"]
            spec = self.f.scenarios[customer["scenario_id"]]
            items = adv.get(cid, [])
            if not items:
                continue
            groups: list[tuple[int, list[PlannedItem], tuple[PlannedItem, ...]]] = []
            top = max(i.level for i in items)
            if spec.account_situation:
                if top >= 1:
                    merged = sorted(
                        items + lst.get(cid, []), key=lambda i: (i.due_date or i.posting_date,
                                                                 i.entry_id)
                    )  # fmt: skip
                    groups.append((top, merged, tuple(crd.get(cid, ()))))
                else:
                    groups.append((0, items, ()))
            else:
                levels = sorted({i.level for i in items})
                for level in levels:
                    part = [i for i in items if i.level == level]
                    extra = tuple(crd.get(cid, ())) if level == levels[-1] and level >= 1 else ()
                    groups.append((level, part, extra))
            for level, group_items, group_credits in groups:
                self._propose(customer, spec, level, group_items, group_credits, contacts,
                              reps, portfolio)  # fmt: skip

    @staticmethod
    def _few(ids: pl.Series) -> list[int] | None:
        """The ids when they are few (their rows are then read by id), else None (all rows)."""
        return ids.to_list() if ids.len() <= FEW else None

    def _portfolio(self, customer_ids: list[int] | None = None) -> dict[int, int]:
        from src_dash.store import PortfolioAssignment

        t = PortfolioAssignment.__table__
        query = select(t.c.user_id, t.c.customer_id).order_by(t.c.user_id)
        if customer_ids is not None:
            query = query.where(t.c.customer_id.in_(customer_ids))
        out: dict[int, int] = {}
        for user_id, customer_id in self.conn.execute(query):
            out.setdefault(customer_id, user_id)
        return out

    def _propose(
        self,
        customer: dict,
        spec: ScenarioSpec,
        level: int,
        items: list[PlannedItem],
        credits: tuple[PlannedItem, ...],
        contacts: dict[int, list[ContactRow]],
        reps: dict[int, tuple[str, str]],
        portfolio: dict[int, int],
    ) -> None:
        steps = _steps_at(spec, level)
        if not steps:
            self._exclude(
                customer, "no_step", f"the scenario has no step for level {level}", level=level
            )
            return
        moving = sorted(i.entry_id for i in items if i.advances)
        digest = hashlib.sha1(",".join(map(str, moving)).encode()).hexdigest()[:10]
        language = spec.language or customer["language"] or "fr"
        for step in steps:
            to, cc = _recipients(customer, step, contacts, reps)
            if step.channel == "email" and not to:
                total = sum((i.residual for i in items), Decimal("0.00"))
                self._exclude(
                    customer,
                    "no_recipient",
                    f"{step.name or step.phase} ({step.channel}): no contact to write to",
                    to_cents(total),
                    note=step.name,
                    level=level,
                )
                continue
            self._add(
                customer, spec, step, RELANCE if level else PREVENANCE, level, language, items,
                sum((i.residual for i in items), Decimal("0.00")), to, cc, portfolio, digest,
                credits=credits, penalties=spec.penalties and not customer["no_penalties"],
            )  # fmt: skip

    def _add(
        self,
        customer: dict,
        spec: ScenarioSpec,
        step: StepSpec,
        phase: str,
        level: int,
        language: str,
        items: list[PlannedItem],
        total: Decimal,
        to: tuple[Recipient, ...],
        cc: tuple[Recipient, ...],
        portfolio: dict[int, int],
        digest: str,
        credits: tuple[PlannedItem, ...] = (),
        penalties: bool = False,
    ) -> None:
        """Propose one step's message (or call) to a customer, and count it."""
        cid = customer["customer_id"]
        self.proposals.append(
            Proposal(
                key=f"{self.as_of.isoformat()}/{cid}/{step.id}/L{level}/{digest}",
                as_of=self.as_of,
                company_id=customer["company_id"],
                customer_id=cid,
                customer_number=customer["number"],
                customer_name=customer["name"],
                scenario_id=spec.id,
                scenario_name=spec.name,
                step_id=step.id,
                phase=phase,
                level=level,
                channel=step.channel,
                template_code=step.template_code,
                language=language,
                items=tuple(items),
                total=total,
                book_currency=customer["book_currency"] or "EUR",
                to=to,
                cc=cc,
                needs_approval=step.needs_approval,
                assigned_to=customer["collector_id"] or portfolio.get(cid),
                credits=credits,
                step_name=step.name,
                profile=customer["profile"] or "",
                penalties=penalties,
            )
        )
        self.counts[f"channel:{step.channel}"] += 1
        self.counts[f"level:{level}"] += 1

    def result(self) -> Plan:
        proposals = sorted(
            self.proposals, key=lambda p: (p.customer_number, p.level, p.channel != "email")
        )
        exclusions = sorted(
            self.exclusions,
            key=lambda e: (e.customer_number, e.entry_id is not None, e.entry_id or 0, e.reason),
        )
        counts = dict(self.counts)
        counts["proposals"] = len(proposals)
        counts["customers"] = len({p.customer_id for p in proposals})
        counts["items"] = len({i.entry_id for p in proposals for i in p.items if i.advances})
        counts = {k: v for k, v in sorted(counts.items()) if v}
        return Plan(
            as_of=self.as_of,
            proposals=tuple(proposals),
            exclusions=tuple(exclusions),
            counts=counts,
        )
