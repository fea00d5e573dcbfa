"""State of the settings tab "Qualité des prévisions": the last backtest's figures and the
cash-in forecast's past checks, read for the admin; "Recalculer" replays the ledger now."""

from __future__ import annotations

import reflex as rx

from src_dash.services.prediction_quality import backtest_now, prediction_quality
from src_dash.ui.pages.settings.common import TabState, call, read_all
from src_dash.ui.pages.settings.forecast.rows import (
    CheckRow,
    CutoffRow,
    MethodRow,
    check_rows,
    cutoff_rows,
    method_rows,
    run_line,
    verdict,
)


class ForecastQualityState(TabState, rx.State):
    """The figures of the tab, worded for the viewer."""

    has_report: bool = False
    run_line: str = ""
    verdict: str = ""
    methods: list[MethodRow] = []
    cutoffs: list[CutoffRow] = []
    checks: list[CheckRow] = []
    running: bool = False

    async def _read(self) -> None:
        done = await read_all(self, (prediction_quality,))
        if done is None:
            return
        (quality,), fmt = done.value, done.fmt
        report = quality.report
        self.has_report = report is not None
        summary = report["summary"] if report else {}
        self.run_line = run_line(report, fmt) if report else ""
        self.verdict = verdict(summary, fmt.lang) if report else ""
        self.methods = method_rows(summary, fmt) if report else []
        self.cutoffs = cutoff_rows(report["cutoffs"], fmt) if report else []
        self.checks = check_rows(quality.checks, fmt)
        self.loaded = True

    @rx.event
    async def run(self):  # noqa: ANN201  (yields to show the spinner first)
        """Replay the ledger at the last 12 monthly cutoffs now, then show the figures."""
        self.running = True
        yield
        done = await call(self, backtest_now)
        self.running = False
        if done.signed_out:
            return
        if not done.ok:
            self.error = done.error
            return
        self.error = ""
        await self._read()
        yield done.toast("fq.ran")
