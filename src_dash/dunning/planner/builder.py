"""The run: from the frames, the customers and items left out (with the reason), the level of
each item, the gap and thresholds per customer, then the proposals and the thank-yous."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from src_dash.analytics.ledger import Ledger
from src_dash.dunning.model import PREVENANCE
from src_dash.dunning.planner.customers import _as_of_sets
from src_dash.dunning.planner.levels import (
    _customer_details,
    _item_details,
    _item_reason,
    _late_details,
    _late_reason,
    _scheduled_target,
)
from src_dash.dunning.planner.reads import FEW, _cached_details, _item_states, _last_messages
from src_dash.dunning.planner.steps import (
    _next_steps,
    _prevenance_offsets,
    _scenario_frame,
)
from src_dash.dunning.planner.thanks import _Thanks
from src_dash.dunning.scenarios import MAX_LEVEL


def _with_balances(
    customers: pl.DataFrame, debits: pl.DataFrame, credits: pl.DataFrame
) -> pl.DataFrame:
    """The customers with their balance (with the credits the scenario counts) and overdue
    amount; a customer with no other reason is "in_credit" when its balance is <= 0."""
    balance = (
        pl.concat(
            [
                debits.select("customer_id", "residual"),
                credits.filter(pl.col("counted")).select("customer_id", "residual"),
            ]
        )
        .group_by("customer_id")
        .agg(pl.col("residual").sum().alias("balance"))
    )
    overdue = (
        debits.filter(pl.col("days_overdue") > 0)
        .group_by("customer_id")
        .agg(pl.col("residual").sum().alias("overdue"))
    )
    return (
        customers.join(balance, on="customer_id", how="left")
        .join(overdue, on="customer_id", how="left")
        .with_columns(pl.col("balance", "overdue").fill_null(0))
        .with_columns(
            customer_reason=pl.when(pl.col("customer_reason").is_null() & (pl.col("balance") <= 0))
            .then(pl.lit("in_credit"))
            .otherwise(pl.col("customer_reason"))
        )
    )


class _Builder(_Thanks):
    """Turns the frames into proposals and exclusions."""

    def run(self, ledger: Ledger, entry_ids: list[int] | None) -> None:
        self.ledger = ledger
        self.scenarios = [s for s in self.f.scenarios.values() if s.active]
        self.names = self.f.customers.select("customer_id", "number", "name")
        self.named = entry_ids is not None and len(entry_ids) > 0
        live, thankable, debits, credits = self._leave_out_customers()
        states, debits = self._with_states(debits)
        debits, dunnable = self._leave_out_items(debits)
        advancing, listed = self._choose_levels(dunnable)
        per_customer, late_out = self._per_customer(live, debits, advancing, listed, credits)
        go = per_customer.filter(pl.col("late_reason").is_null())
        go_ids = go["customer_id"].implode()
        listed_all = listed
        advancing = advancing.filter(pl.col("customer_id").is_in(go_ids))
        listed = listed.filter(pl.col("customer_id").is_in(go_ids))
        credits_go = credits.filter(pl.col("counted") & pl.col("customer_id").is_in(go_ids))
        self._no_step(live, advancing, late_out, listed_all)
        self._build(go, advancing, listed, credits_go)
        if self.force is None:
            self._thank_you(ledger, thankable, states, entry_ids, per_customer)

    def _leave_out_customers(
        self,
    ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        """Customers left out whole (shown when they have something overdue). Returns the live
        customers, those who may be thanked, and the debits and credits of the live ones."""
        f = self.f
        customers = _with_balances(f.customers, f.debits, f.credits)
        out = customers.filter(pl.col("customer_reason").is_not_null())
        shown = out.filter(pl.col("overdue") > 0).with_columns(
            residual=pl.col("overdue"), **_customer_details()
        )
        self._exclude_rows(shown, "customer_reason", "detail")
        excluded_ids = out["customer_id"].implode()
        live = customers.filter(pl.col("customer_reason").is_null())
        # A customer who paid everything is "in credit", yet may be thanked.
        thankable = customers.filter(
            pl.col("customer_reason").is_null() | (pl.col("customer_reason") == "in_credit")
        )
        debits = f.debits.filter(~pl.col("customer_id").is_in(excluded_ids))
        credits = f.credits.filter(~pl.col("customer_id").is_in(excluded_ids))
        return live, thankable, debits, credits

    def _with_states(self, debits: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The item states (app and Sage) and the debits with their level reached (``prev``)
        and last message (``last``). Pieces and Sage's reminders are read for the items that
        can be dunned or shown today only."""
        as_of, ledger = self.as_of, self.ledger
        # Without a thank-you to look for (a forced level), only these items' states count.
        few = self.force is not None and debits.height <= FEW
        states = _item_states(self.conn, debits["id"].to_list() if few else None)
        self.sets = disputed, promised, promised_customers = _as_of_sets(ledger, as_of)
        window = max([-s.day_offset for p in self.scenarios for s in p.steps
                      if s.phase == PREVENANCE] + [0])  # fmt: skip
        need = debits.filter(
            (pl.col("days_overdue") > 0)
            | (pl.col("due") <= as_of + timedelta(days=window))
            | pl.col("id").is_in(states["id"].implode())
            | pl.col("id").is_in(disputed.implode())
            | pl.col("id").is_in(promised.implode())
            | pl.col("customer_id").is_in(promised_customers.implode())
            | pl.lit(self.named or self.force is not None)
        )
        details = _cached_details(ledger, self.conn, need["id"])
        debits = (
            debits.join(states, on="id", how="left")
            .join(details, on="id", how="left")
            .with_columns(
                prev=pl.max_horizontal(
                    pl.col("state_level").fill_null(0).clip(0, MAX_LEVEL),
                    pl.col("sage_level").fill_null(0).clip(0, MAX_LEVEL),
                ).cast(pl.Int32),
                last=pl.max_horizontal("last_dunned_on", "sage_last_on"),
            )
        )
        return states, debits

    def _leave_out_items(self, debits: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The item reasons: items left out are shown when overdue, stopped, disputed,
        promised, doubtful or named. Returns the debits (with ``item_reason``) and the items
        that may be dunned."""
        reason = _item_reason(
            self.as_of, self.scenarios, self.sets, self.named, self.force is not None
        )
        debits = debits.with_columns(
            item_reason=reason, piece=pl.col("piece").fill_null(""),
            reference=pl.col("reference").fill_null(""),
        )  # fmt: skip
        left = debits.filter(
            pl.col("item_reason").is_not_null()
            & (
                (pl.col("days_overdue") > 0)
                | pl.col("item_reason").is_in(["item_stopped", "disputed", "promised", "doubtful"])
                | pl.lit(self.named)
            )
        ).join(self.names, on="customer_id", how="left")
        self._exclude_rows(left.with_columns(**_item_details()), "item_reason", "detail")
        return debits, debits.filter(pl.col("item_reason").is_null())

    def _choose_levels(self, dunnable: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The next level of each item, when a step is due (or the forced level). Returns the
        items that advance (``target``) and the overdue ones listed without advancing."""
        scenarios = self.scenarios
        dunnable = dunnable.join(
            _next_steps(scenarios), on=["scenario_id", "prev"], how="left"
        ).join(_prevenance_offsets(scenarios), on="scenario_id", how="left")
        if self.force is not None:
            target = self._forced_target(dunnable)
        else:
            target = _scheduled_target(self.as_of)
        dunnable = dunnable.with_columns(target=target.otherwise(None).cast(pl.Int32))
        advancing = dunnable.filter(pl.col("target").is_not_null())
        listed = dunnable.filter(pl.col("target").is_null() & (pl.col("days_overdue") > 0))
        return advancing, listed

    def _forced_target(self, dunnable: pl.DataFrame) -> pl.Expr:
        """The forced level, for the items named (or the overdue items of the customers named);
        an item not yet due gets the prévenance only: never an overdue level."""
        named = self.named
        chosen = pl.lit(True) if named else (pl.col("days_overdue") > 0) | pl.lit(self.force == 0)
        if self.force > 0:
            chosen = chosen & (pl.col("days_overdue") > 0)
            early = dunnable.filter(pl.col("days_overdue") <= 0)
            if named and not early.is_empty():
                self._exclude_rows(
                    early.join(self.names, on="customer_id", how="left").with_columns(
                        not_due=pl.lit("not_due"),
                        detail=pl.lit("not yet due: only the prévenance may be sent"),
                        detail_on=pl.col("due"),
                    ),
                    "not_due",
                    "detail",
                )
        return pl.when(chosen).then(pl.lit(self.force, dtype=pl.Int32))

    def _per_customer(
        self,
        live: pl.DataFrame,
        debits: pl.DataFrame,
        advancing: pl.DataFrame,
        listed: pl.DataFrame,
        credits: pl.DataFrame,
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Per customer with something to send: the gap since the last message and the
        thresholds (``late_reason``). Returns every such customer and those left out."""
        as_of = self.as_of
        last_items = debits.group_by("customer_id").agg(pl.col("last").max().alias("last_item_on"))
        wanted = advancing["customer_id"].unique()
        per_customer = (
            live.filter(pl.col("customer_id").is_in(wanted.implode()))
            .join(_last_messages(self.conn, as_of, self._few(wanted)), on="customer_id",
                  how="left")
            .join(last_items, on="customer_id", how="left")
            .join(_scenario_frame(self.scenarios).drop("min_item", "with_unexpired"),
                  on="scenario_id", how="left")
            .with_columns(
                last_contact=pl.max_horizontal(
                    pl.col("last_message_on"),
                    pl.when(pl.col("last_item_on") <= as_of).then(pl.col("last_item_on")),
                )
            )
        )  # fmt: skip
        asked = (
            pl.concat(
                [
                    advancing.select("customer_id", "residual"),
                    listed.select("customer_id", "residual"),
                    credits.filter(pl.col("counted")).select("customer_id", "residual"),
                ]
            )
            .group_by("customer_id")
            .agg(pl.col("residual").sum().alias("net"))
        )
        per_customer = per_customer.join(asked, on="customer_id", how="left").with_columns(
            late_reason=_late_reason(as_of, self.force is not None)
        )
        late_out = per_customer.filter(pl.col("late_reason").is_not_null()).with_columns(
            residual=pl.col("net"), **_late_details()
        )
        self._exclude_rows(late_out, "late_reason", "detail")
        return per_customer, late_out

    def _no_step(
        self,
        live: pl.DataFrame,
        advancing: pl.DataFrame,
        late_out: pl.DataFrame,
        listed: pl.DataFrame,
    ) -> None:
        """Customers with something overdue but no step due: "no_step" (listed when
        explaining, else only counted)."""
        waiting = live.filter(
            ~pl.col("customer_id").is_in(advancing["customer_id"].unique().implode())
            & ~pl.col("customer_id").is_in(late_out["customer_id"].implode())
            & pl.col("customer_id").is_in(listed["customer_id"].unique().implode())
        )
        if self.explain:
            for row in waiting.select("customer_id", "number", "name", "overdue").iter_rows(
                named=True
            ):
                self._exclude(row, "no_step", "no step due yet", row["overdue"])
        else:
            self.counts["excluded:no_step"] += waiting.height
