"""State of the settings tab "RGPD": the register of processing, the retention periods and what
is past its period now (applied each day by the scheduler; see docs/rgpd.md)."""

from __future__ import annotations

import dataclasses

import reflex as rx

from src_dash.services.privacy import privacy_overview
from src_dash.ui import i18n
from src_dash.ui.pages.settings.common import TabState, read_all

# The retention periods in the order shown; each name is also the kind of rows due.
KINDS = ("messages", "replies", "logins", "audit", "visits", "space_events", "attachments")


@dataclasses.dataclass
class ProcessingRow:
    """One processing of personal data, as the register says it (in French: a legal text)."""

    name: str = ""
    data: str = ""
    purpose: str = ""
    legal_basis: str = ""
    tables: str = ""
    seen_by: str = ""
    retention: str = ""
    at_end: str = ""


@dataclasses.dataclass
class PeriodRow:
    """A retention period and the rows past it now."""

    kind: str = ""
    label: str = ""
    period: str = ""
    due: str = ""


def period_rows(periods: dict[str, int], due: dict[str, int], lang: str) -> list[PeriodRow]:
    """The periods in days (or "kept"), with the count of rows past each now."""
    rows = []
    for kind in KINDS:
        days = periods.get(f"{kind}_days", 0)
        period = (
            i18n.text("rgpd.forever", lang)
            if days == 0
            else i18n.text("rgpd.days", lang).format(n=i18n.count(days, lang))
        )
        rows.append(
            PeriodRow(
                kind,
                i18n.text(f"rgpd.kind.{kind}", lang),
                period,
                i18n.count(due.get(kind, 0), lang),
            )
        )
    return rows


class PrivacyState(TabState, rx.State):
    """The register and the periods, read for the admin."""

    processing: list[ProcessingRow] = []
    periods: list[PeriodRow] = []

    async def _read(self) -> None:
        done = await read_all(self, (privacy_overview,))
        if done is None:
            return
        (overview,) = done.value
        self.processing = [
            ProcessingRow(
                **{
                    f.name: ", ".join(v) if isinstance(v := getattr(p, f.name), tuple) else v
                    for f in dataclasses.fields(p)
                }
            )
            for p in overview.processing
        ]
        self.periods = period_rows(overview.periods, overview.due, done.lang)
        self.loaded = True
