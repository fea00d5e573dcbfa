"""The thank-you (remerciement): items that had been dunned and were settled lately, for
customers who get nothing else that day and were not written to too recently."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import polars as pl

from src_dash.analytics.ledger import Ledger
from src_dash.dunning.model import (
    REMERCIEMENT,
    PlannedItem,
)
from src_dash.dunning.planner.criteria import _CUSTOMER_COLUMNS, THANK_YOU_DAYS
from src_dash.dunning.planner.grouping import _Grouping, _planned
from src_dash.dunning.planner.reads import _last_messages, _sales_reps, _with_pieces
from src_dash.dunning.planner.steps import _recipients, _scenario_frame, _thank_you_offsets
from src_dash.dunning.recipients import ContactRow, contacts_for
from src_dash.dunning.scenarios import (
    MAX_LEVEL,
    THANK_YOU_LEVEL,
    ScenarioSpec,
    StepSpec,
)


class _Thanks(_Grouping):
    """Thank-yous, after the dunning messages of the run."""

    def _thank_you(
        self,
        ledger: Ledger,
        live: pl.DataFrame,
        states: pl.DataFrame,
        entry_ids: list[int] | None,
        per_customer: pl.DataFrame,
    ) -> None:
        f, as_of = self.f, self.as_of
        scenarios = [s for s in f.scenarios.values() if s.active]
        offsets = _thank_you_offsets(scenarios)
        if offsets.is_empty():
            return
        busy = {p.customer_id for p in self.proposals}
        busy |= {e.customer_id for e in self.exclusions if e.entry_id is None}
        settled = ledger.view(as_of).settled
        if entry_ids:
            settled = settled.filter(pl.col("id").is_in(list(entry_ids)))
        thanked = (
            settled.filter(pl.col("settled_on") > as_of - timedelta(days=THANK_YOU_DAYS))
            .join(states.filter(pl.col("state_level").is_between(1, MAX_LEVEL)), on="id")
            .join(live.select("customer_id", "scenario_id"), on="customer_id")
            .join(offsets, on="scenario_id")
            .filter(
                (pl.lit(as_of) >= pl.col("settled_on") + pl.duration(days=pl.col("thanks_offset")))
                & ~pl.col("customer_id").is_in(list(busy))
            )
        )
        if thanked.is_empty():
            return
        # The gap since the last message applies to thank-yous too.
        last = _last_messages(self.conn, as_of)
        recent = (
            thanked.select("customer_id", "scenario_id").unique()
            .join(last, on="customer_id", how="left")
            .join(
                states.join(ledger.entries.select("id", "customer_id"), on="id")
                .group_by("customer_id").agg(pl.col("last_dunned_on").max()),
                on="customer_id", how="left",
            )
            .join(_scenario_frame(scenarios), on="scenario_id", how="left")
            .with_columns(last=pl.max_horizontal("last_message_on", "last_dunned_on"))
            .filter(
                pl.col("last").is_not_null()
                & ((pl.lit(as_of) - pl.col("last")).dt.total_days() < pl.col("gap_days"))
            )
        )  # fmt: skip
        thanked = thanked.filter(~pl.col("customer_id").is_in(recent["customer_id"].implode()))
        if thanked.is_empty():
            return
        journals = ledger.entries.select("id", "journal", "currency")
        frame = (
            (_with_pieces(self.conn, thanked).join(journals, on="id", how="left"))
            .with_columns(
                due_date=pl.col("due"),
                residual=pl.lit(0, dtype=pl.Int64),
                residual_currency=pl.lit(None, dtype=pl.Int64),
                prev=pl.col("state_level"),
                level=pl.lit(THANK_YOU_LEVEL, dtype=pl.Int32),
            )
            .sort("due", "id")
        )
        items = _planned(frame, True, "level", as_of)
        customers = live.filter(pl.col("customer_id").is_in(thanked["customer_id"].implode()))
        contacts = contacts_for(ledger, self.conn, customers["customer_id"].to_list())
        reps = _sales_reps(self.conn)
        portfolio = self._portfolio()
        for customer in customers.select(_CUSTOMER_COLUMNS).iter_rows(named=True):
            cid = customer["customer_id"]
            spec = f.scenarios[customer["scenario_id"]]
            steps = [s for s in spec.steps if s.phase == REMERCIEMENT]
            mine = items.get(cid, [])
            self._propose_thanks(customer, spec, steps, mine, contacts, reps, portfolio)

    def _propose_thanks(
        self,
        customer: dict,
        spec: ScenarioSpec,
        steps: list[StepSpec],
        items: list[PlannedItem],
        contacts: dict[int, list[ContactRow]],
        reps: dict[int, tuple[str, str]],
        portfolio: dict[int, int],
    ) -> None:
        if not items:
            return
        ids = sorted(i.entry_id for i in items)
        digest = hashlib.sha1(",".join(map(str, ids)).encode()).hexdigest()[:10]
        for step in steps:
            to, cc = _recipients(customer, step, contacts, reps)
            if step.channel == "email" and not to:
                continue  # no alert for a thank-you nobody can receive
            self._add(
                customer, spec, step, REMERCIEMENT, THANK_YOU_LEVEL,
                spec.language or customer["language"] or "fr", items,
                sum((i.amount for i in items), Decimal("0.00")), to, cc, portfolio, digest,
            )  # fmt: skip
