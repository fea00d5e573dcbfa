"""The companies tab's rows: a company and its last runs, the schedule, in the viewer's formats (no
Reflex).
"""

from __future__ import annotations

import dataclasses

from src_dash.services.companies import (
    CompanyView,
    RunView,
)
from src_dash.services.sync_schedule import (
    Schedule,
)
from src_dash.ui import i18n
from src_dash.ui.components.company_card import STATUS_COLORS
from src_dash.ui.i18n import Formats


@dataclasses.dataclass
class RunRow:
    """One run, formatted."""

    id: int = 0
    started: str = ""
    mode: str = ""
    status: str = ""
    status_label: str = ""
    status_color: str = "gray"
    counts: str = ""
    duration: str = ""
    error: str = ""


@dataclasses.dataclass
class CompanyRow:
    """One company, formatted for its card."""

    id: int = 0
    code: str = ""
    name: str = ""
    kind: str = ""
    kind_label: str = ""
    source: str = ""
    encoding: str = ""
    customers: str = ""
    active: bool = True
    status_label: str = ""
    status_color: str = "gray"
    last_sync: str = ""
    runs: list[RunRow] = dataclasses.field(default_factory=list)


def _named(prefix: str, value: str, lang: str) -> str:
    """The catalogue's words for `prefix.value` ("set.mode.full"), or the value itself."""
    key = f"{prefix}.{value}"
    return i18n.text(key, lang) if key in i18n.CATALOG[lang] else value


def run_row(run: RunView, fmt: Formats) -> RunRow:
    """A run in the viewer's formats."""
    lang = fmt.lang
    seconds = run.duration_ms / 1000
    return RunRow(
        id=run.id,
        started=fmt.moment(run.started_at),
        mode=_named("set.mode", run.mode, lang),
        status=run.status,
        status_label=i18n.sync_status_label(run.status, lang),
        status_color=STATUS_COLORS.get(run.status, "gray"),
        counts=f"+{fmt.count(run.added)} ~{fmt.count(run.changed)} −{fmt.count(run.deleted)}",
        duration=fmt.number(seconds, 1) + " s" if run.finished_at else "",
        error=run.error,
    )


def schedule_text(schedule: Schedule, fmt: Formats) -> str:
    """What the page says of the automatic sync: off, when it is next due, or its interval."""
    lang = fmt.lang
    if not schedule.enabled:
        return i18n.text("set.co.schedule_off", lang)
    minutes = fmt.count(schedule.minutes)
    if schedule.next_run_at is not None:
        said = i18n.text("set.co.schedule_next", lang).format(
            at=fmt.moment(schedule.next_run_at), minutes=minutes
        )
    else:
        said = i18n.text("set.co.schedule", lang).format(minutes=minutes)
    if schedule.source == "environment":
        env = i18n.text("set.co.schedule_env", lang).format(setting=schedule.setting)
        said = f"{said} {env}"
    return said


def company_row(company: CompanyView, fmt: Formats) -> CompanyRow:
    """A company in the viewer's formats."""
    lang = fmt.lang
    last = company.runs[0] if company.runs else None
    return CompanyRow(
        id=company.id,
        code=company.code,
        name=company.name,
        kind=company.source_kind,
        kind_label=_named("set.kind", company.source_kind, lang),
        source=company.source,
        encoding=company.source_encoding,
        customers=i18n.text("set.co.customers", lang).format(n=fmt.count(company.customers)),
        active=company.active,
        status_label=i18n.sync_status_label(last.status if last else "", lang),
        status_color=STATUS_COLORS.get(last.status if last else "", "gray"),
        last_sync=fmt.moment(last.finished_at or last.started_at) if last else "",
        runs=[run_row(r, fmt) for r in company.runs],
    )


def connection_text(check, lang: str) -> str:  # noqa: ANN001
    """What the page says of a connection test: the customers found, or why it failed."""
    if check.ok:
        return i18n.text("set.co.check_ok", lang).format(
            n=i18n.count(check.customers, lang), name=check.company_name or "—"
        )
    return i18n.labelled(i18n.text("set.co.check_failed", lang), check.message, lang)
