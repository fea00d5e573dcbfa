"""Admin-only use cases of the settings page ("/reglages") that no other service offers.

Companies and their source (a Sage 100 base over ODBC, or FEC files): list them with their last
runs, register or change a Sage connection, test it, sync now, and the schedule of the automatic
sync (kept in `store_meta`, read by the scheduler). The upload of a FEC file is in `fec_upload`
(`import_fec_upload` is still found here).
Templates: check, save and preview a draft on a real customer before it is saved. Scenarios:
thin wrappers over `dunning.scenarios` that always check the admin role (those functions check
it only when given a viewer). Small lists the forms need (customers to preview on, sales reps,
contact service names).

Every function takes the viewer first and refuses anyone but an admin (`AccessDenied`), whatever
the page showed. Every change writes its audit line; bad input raises `SettingsError` (an
`InvalidInput`, so a ValueError naming the field) and changes nothing.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.config import load_settings
from src_dash.dunning.model import Rendered
from src_dash.dunning.scenarios import (
    ScenarioError,
    ScenarioSpec,
    delete_scenario,
    get_scenario,
    list_scenarios,
    save_scenario,
)
from src_dash.dunning.templates import (
    LANGUAGES as TEMPLATE_LANGUAGES,
)
from src_dash.dunning.templates import (
    Renderer,
    TemplateError,
    TemplateInfo,
    TemplateProblem,
    check_template,
    list_templates,
    render_sources,
    save_template,
)
from src_dash.money import to_money
from src_dash.services.access import ADMIN, AccessDenied, Viewer, audit, require
from src_dash.services.fec_import import import_fec_file
from src_dash.services.followup import InvalidInput
from src_dash.services.reconcile import record_after_runs
from src_dash.sources.fec import FecError
from src_dash.sources.left_out import LeftOutLines, run_report
from src_dash.store import (
    Company,
    ContactService,
    Customer,
    PortfolioAssignment,
    SalesRep,
    StoreMeta,
    SyncRun,
)
from src_dash.sync import SyncError, bump_data_version, sync_company

CODE_PATTERN = re.compile(r"[A-Z0-9_\-]{1,20}")
# Keys of an ODBC connection string whose value is a secret, masked whenever it is shown.
_SECRET_KEYS = re.compile(r"(?i)\b(pwd|password)\s*=\s*(\{[^}]*\}|[^;]*)")
CONNECT_TIMEOUT = 10
RUNS_SHOWN = 8
# The automatic sync's schedule (JSON {"enabled", "minutes"}), and when the scheduler last
# started it (UTC, ISO), in `store_meta`.
SCHEDULE_KEY = "sync_schedule"
LAST_AUTO_SYNC_KEY = "sync_auto_last_run"
MIN_SYNC_MINUTES, MAX_SYNC_MINUTES = 5, 1440
# How late a due automatic sync may be before we stop believing a scheduler is running.
SCHEDULE_SLACK = timedelta(minutes=2)

log = logging.getLogger(__name__)


class SettingsError(InvalidInput):
    """Input the admin got wrong; the message names the field. Nothing was changed.

    Attributes:
        field: the field at fault (code, name, dsn, file, customer, ...).
    """

    def __init__(self, field: str, message: str) -> None:
        """Keep the field and build the message `field: message`."""
        super().__init__(field, message)
        self.message = message


@dataclass(frozen=True)
class RunView:
    """One run of the sync or of a FEC import, with its report: the lines of class 41 it left
    out (by reason and account, with their amount) and its warnings."""

    id: int
    company_id: int
    mode: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int
    added: int
    changed: int
    deleted: int
    error: str
    excluded: tuple[LeftOutLines, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompanyView:
    """A company and how it is fed (never the password of its connection)."""

    id: int
    code: str
    name: str
    currency: str
    source_kind: str
    source: str  # the connection string with its password masked, or the FEC file's name
    source_encoding: str
    active: bool
    customers: int
    runs: tuple[RunView, ...]


@dataclass(frozen=True)
class ConnectionCheck:
    """The outcome of opening a Sage base and counting its customers."""

    ok: bool
    message: str
    customers: int = 0
    company_name: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class Schedule:
    """When the sync runs by itself.

    Attributes:
        interval_seconds: time between two automatic syncs.
        enabled: False when an admin turned the automatic sync off (sync now still works).
        source: "settings" when an admin set it, "environment" when it is the default of
            `setting` (nothing stored yet).
        setting: the environment variable that gives the default.
        next_run_at: when the scheduler will start the next automatic sync (UTC), when known:
            None when off, or when no scheduler has run it lately.
    """

    interval_seconds: int
    enabled: bool = True
    source: str = "environment"
    setting: str = "SRC_DASH_SYNC_INTERVAL"
    next_run_at: datetime | None = None

    @property
    def minutes(self) -> int:
        """The interval in whole minutes (at least 1)."""
        return max(1, round(self.interval_seconds / 60))


@dataclass(frozen=True)
class CustomerChoice:
    """A customer to pick in a form."""

    id: int
    number: str
    name: str
    company_code: str


@dataclass(frozen=True)
class SalesRepChoice:
    """A Sage sales rep to link a sales rep user to."""

    id: int
    company_code: str
    code: int
    name: str


def _admin(who: Viewer | None) -> Viewer:
    return require(who, ADMIN)


def mask_dsn(dsn: str) -> str:
    """An ODBC connection string with its password replaced by stars."""
    return _SECRET_KEYS.sub(lambda m: f"{m.group(1)}=****", dsn or "")


def _source_label(kind: str, dsn: str) -> str:
    if kind == "fec":
        return Path(dsn).name if dsn else ""
    return mask_dsn(dsn)


def _run_view(row: object) -> RunView:
    excluded, warnings = run_report(row.details)
    return RunView(
        id=row.id,
        company_id=row.company_id,
        mode=row.mode,
        status=row.status,
        started_at=row.started_at,
        finished_at=row.finished_at,
        duration_ms=row.duration_ms or 0,
        added=row.added or 0,
        changed=row.changed or 0,
        deleted=row.deleted or 0,
        error=row.error or "",
        excluded=tuple(excluded),
        warnings=tuple(warnings),
    )


def _company_row(conn, company_id: int):  # noqa: ANN001, ANN202
    co = Company.__table__
    row = conn.execute(select(co).where(co.c.id == company_id)).first()
    if row is None:
        raise SettingsError("company", f"no company {company_id}")
    return row


# ---- companies


def list_companies(engine: Engine, who: Viewer, runs: int = RUNS_SHOWN) -> list[CompanyView]:
    """Every company, by code, with its customers and its last runs (newest first).

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    co, cu, r = Company.__table__, Customer.__table__, SyncRun.__table__
    with engine.connect() as conn:
        counts = dict(
            conn.execute(
                select(cu.c.company_id, func.count())
                .where(cu.c.removed_from_source.is_(False))
                .group_by(cu.c.company_id)
            ).all()
        )
        out = []
        for row in conn.execute(select(co).order_by(co.c.code)).all():
            last = conn.execute(
                select(r)
                .where(r.c.company_id == row.id)
                .order_by(r.c.started_at.desc(), r.c.id.desc())
                .limit(runs)
            ).all()
            out.append(
                CompanyView(
                    id=row.id,
                    code=row.code,
                    name=row.name,
                    currency=row.currency,
                    source_kind=row.source_kind,
                    source=_source_label(row.source_kind, row.source_dsn),
                    source_encoding=row.source_encoding,
                    active=row.active,
                    customers=int(counts.get(row.id, 0)),
                    runs=tuple(_run_view(x) for x in last),
                )
            )
    return out


def company_code(value: object) -> str:
    """A company code as stored: upper case, 1-20 of A-Z 0-9 _ -.

    Raises:
        SettingsError: when it is empty or has other characters.
    """
    code = str(value or "").strip().upper()
    if not CODE_PATTERN.fullmatch(code):
        raise SettingsError("code", "1 to 20 characters among A-Z, 0-9, _ and -")
    return code


def save_sage_company(
    engine: Engine,
    who: Viewer,
    code: str,
    name: str,
    dsn: str = "",
    encoding: str = "",
) -> CompanyView:
    """Register a Sage 100 base as a company, or change the connection of one.

    An empty `dsn` keeps the connection string already stored (the page never shows its
    password, so the admin retypes it only to change it).

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for a bad code, a name over 120 characters, a new company without a
            connection string, or a code already used by a FEC company.
    """
    _admin(who)
    code = company_code(code)
    name = (name or "").strip()
    dsn = (dsn or "").strip()
    encoding = (encoding or "").strip()
    if len(name) > 120:
        raise SettingsError("name", "120 characters at most")
    if len(dsn) > 1000:
        raise SettingsError("dsn", "1000 characters at most")
    if len(encoding) > 20:
        raise SettingsError("encoding", "20 characters at most")
    co = Company.__table__
    with engine.begin() as conn:
        row = conn.execute(select(co).where(co.c.code == code)).first()
        if row is not None and row.source_kind != "sage100":
            raise SettingsError("code", f"{code} is fed by {row.source_kind} files, not by Sage")
        if row is None:
            if not dsn:
                raise SettingsError("dsn", "give the ODBC connection string of the Sage base")
            company_id = conn.execute(
                co.insert().values(
                    code=code,
                    name=name or code,
                    source_kind="sage100",
                    source_dsn=dsn,
                    source_encoding=encoding,
                    created_at=utcnow(),
                )
            ).inserted_primary_key[0]
            action = "company.create"
        else:
            company_id = row.id
            values: dict[str, object] = {"source_encoding": encoding}
            if name:
                values["name"] = name
            if dsn:
                values["source_dsn"] = dsn
            conn.execute(update(co).where(co.c.id == row.id).values(**values))
            action = "company.connection"
        audit(
            conn,
            who,
            action,
            "company",
            company_id,
            code=code,
            source=mask_dsn(dsn) if dsn else None,
            encoding=encoding or None,
        )
        bump_data_version(conn)
    return next(c for c in list_companies(engine, who) if c.id == company_id)


def set_company_active(engine: Engine, who: Viewer, company_id: int, active: bool) -> None:
    """Switch a company on or off (the scheduled sync and the views skip inactive ones).

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for an unknown company.
    """
    _admin(who)
    co = Company.__table__
    with engine.begin() as conn:
        row = _company_row(conn, company_id)
        conn.execute(update(co).where(co.c.id == row.id).values(active=bool(active)))
        action = "company.activate" if active else "company.deactivate"
        audit(conn, who, action, "company", row.id, code=row.code)
        bump_data_version(conn)


def probe_sage(dsn: str, encoding: str = "", timeout: int = CONNECT_TIMEOUT) -> ConnectionCheck:
    """Open a Sage base and count its customers; never raises (the error is the message)."""
    from src_dash.sources.sage100 import Sage100Reader

    started = time.perf_counter()
    try:
        with Sage100Reader(dsn, encoding, timeout=timeout) as reader:
            info = reader.company()
            customers = len(reader.customer_keys())
    except Exception as exc:  # noqa: BLE001  (any driver error is the answer to show)
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return ConnectionCheck(False, message[:500], seconds=time.perf_counter() - started)
    return ConnectionCheck(
        True,
        "ok",
        customers=customers,
        company_name=getattr(info, "name", "") or "",
        seconds=time.perf_counter() - started,
    )


def check_connection(
    engine: Engine, who: Viewer, company_id: int | None = None, dsn: str = "", encoding: str = ""
) -> ConnectionCheck:
    """Open the Sage base of a company (or a connection string being typed) and count customers.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for an unknown company, a FEC company, or neither company nor string.
    """
    _admin(who)
    company = None
    if company_id is not None:
        with engine.connect() as conn:
            company = _company_row(conn, company_id)
        if company.source_kind != "sage100":
            raise SettingsError("company", f"{company.code} is fed by FEC files, not by Sage")
        dsn = (dsn or "").strip() or company.source_dsn
        encoding = (encoding or "").strip() or company.source_encoding
    if not (dsn or "").strip():
        raise SettingsError("dsn", "give the ODBC connection string of the Sage base")
    check = probe_sage(dsn.strip(), encoding.strip())
    with engine.begin() as conn:
        audit(
            conn,
            who,
            "company.test_connection",
            "company",
            company.id if company is not None else None,
            code=company.code if company is not None else None,
            ok=check.ok,
            customers=check.customers,
            error=None if check.ok else check.message,
        )
    return check


def sync_now(engine: Engine, who: Viewer, company_id: int, full: bool = False) -> RunView:
    """Sync a Sage company now (a FEC company: import its last file again).

    A failed run is recorded and returned (status "failed" with its error), not raised.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for an unknown company, or a FEC company whose file is gone.
    """
    _admin(who)
    with engine.connect() as conn:
        company = _company_row(conn, company_id)
    with engine.begin() as conn:
        audit(conn, who, "company.sync_now", "company", company.id, code=company.code, full=full)
    if company.source_kind == "fec":
        path = Path(company.source_dsn or "")
        if not company.source_dsn or not path.is_file():
            raise SettingsError("file", f"the FEC file of {company.code} is no longer there")
        try:
            result = import_fec_file(engine, path, company.code, confirm_deletions=True)
        except (FecError, SyncError):
            pass  # the run is recorded with its error; read it below
        else:
            record_after_runs(engine, [result])
            return _last_run(engine, company.id, result.run_id)
        return _last_run(engine, company.id)
    result = sync_company(engine, company.code, full=full)
    record_after_runs(engine, [result])
    return _last_run(engine, company.id, result.run_id)


def _last_run(engine: Engine, company_id: int, run_id: int | None = None) -> RunView:
    r = SyncRun.__table__
    query = select(r).where(r.c.company_id == company_id)
    if run_id is not None:
        query = query.where(r.c.id == run_id)
    with engine.connect() as conn:
        row = conn.execute(query.order_by(r.c.started_at.desc(), r.c.id.desc()).limit(1)).first()
    if row is None:
        raise SettingsError("company", "no run recorded")
    return _run_view(row)


def _meta(conn: Connection, *keys: str) -> dict[str, str]:
    t = StoreMeta.__table__
    return dict(conn.execute(select(t.c.key, t.c.value).where(t.c.key.in_(keys))).all())


def _put_meta(conn: Connection, key: str, value: str) -> None:
    t = StoreMeta.__table__
    if not conn.execute(update(t).where(t.c.key == key).values(value=value)).rowcount:
        conn.execute(insert(t).values(key=key, value=value))


def _parse_schedule(value: str | None) -> tuple[bool, int] | None:
    """The stored (enabled, minutes), or None when nothing (or nothing sound) is stored."""
    if not value:
        return None
    try:
        data = json.loads(value)
        enabled, minutes = data["enabled"], data["minutes"]
    except (ValueError, TypeError, KeyError):
        log.warning("store_meta %s is not a schedule: %r", SCHEDULE_KEY, value)
        return None
    if not isinstance(enabled, bool) or not isinstance(minutes, int) or minutes < 1:
        log.warning("store_meta %s is not a schedule: %r", SCHEDULE_KEY, value)
        return None
    return enabled, minutes


def stored_sync_schedule(
    engine: Engine, default_seconds: int | None = None, now: datetime | None = None
) -> Schedule:
    """The automatic sync's schedule: the admin's, or the environment's until one is saved.

    One small query; the scheduler calls it (without a viewer: it shows nothing to anyone).

    Args:
        engine: the store.
        default_seconds: the interval when nothing is stored (default SRC_DASH_SYNC_INTERVAL).
        now: the time the next run is measured against (default now, UTC).
    """
    if default_seconds is None:
        default_seconds = load_settings().sync_interval_seconds
    with engine.connect() as conn:
        meta = _meta(conn, SCHEDULE_KEY, LAST_AUTO_SYNC_KEY)
    stored = _parse_schedule(meta.get(SCHEDULE_KEY))
    if stored is None:
        schedule = Schedule(int(default_seconds))
    else:
        schedule = Schedule(stored[1] * 60, enabled=stored[0], source="settings")
    last = _parse_time(meta.get(LAST_AUTO_SYNC_KEY))
    if not schedule.enabled or last is None:
        return schedule
    now = now or utcnow()
    due = last + timedelta(seconds=schedule.interval_seconds)
    if due < now - SCHEDULE_SLACK:
        return schedule  # no scheduler started it when due: say only the interval
    return replace(schedule, next_run_at=max(due, now))


def _parse_time(value: str | None) -> datetime | None:
    try:
        found = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if found is not None and found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found


def mark_automatic_sync(engine: Engine, at: datetime | None = None) -> None:
    """Note that the scheduler starts an automatic sync now (the page says when the next is)."""
    with engine.begin() as conn:
        _put_meta(conn, LAST_AUTO_SYNC_KEY, (at or utcnow()).isoformat())


def sync_schedule(engine: Engine, who: Viewer, now: datetime | None = None) -> Schedule:
    """How often the scheduler syncs every active Sage company, and when it will next.

    It is what an admin saved with `set_sync_schedule`, or SRC_DASH_SYNC_INTERVAL until then.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    return stored_sync_schedule(engine, now=now)


def sync_minutes(value: object) -> int:
    """The interval of the automatic sync in minutes, checked: a whole number, 5 to 1440.

    Raises:
        SettingsError: on the field "interval" otherwise.
    """
    if isinstance(value, bool):
        raise SettingsError("interval", f"{value!r} is not a whole number")
    if isinstance(value, int):
        minutes = value
    else:
        text = str(value if value is not None else "").strip()
        if not text:
            raise SettingsError("interval", "must not be empty")
        if not re.fullmatch(r"[+-]?\d{1,9}", text):
            raise SettingsError("interval", f"{text!r} is not a whole number")
        minutes = int(text)
    if not MIN_SYNC_MINUTES <= minutes <= MAX_SYNC_MINUTES:
        raise SettingsError(
            "interval", f"must be between {MIN_SYNC_MINUTES} and {MAX_SYNC_MINUTES} minutes"
        )
    return minutes


def set_sync_schedule(
    engine: Engine, who: Viewer, minutes: object, enabled: bool, now: datetime | None = None
) -> Schedule:
    """Turn the automatic sync on or off and set its interval; the scheduler follows it within
    seconds, without a restart (a shorter interval brings the next run forward).

    Args:
        engine: the store.
        who: the admin.
        minutes: the interval, a whole number of minutes from 5 to 1440 (checked even when off,
            as it is kept for when the sync is turned on again).
        enabled: False to stop the automatic sync (sync now from the page still works).
        now: the time the next run is measured against (default now, UTC).

    Returns:
        The schedule as stored.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: for a bad interval ("interval") or a switch that is not on or off
            ("enabled"); nothing is written then.
    """
    _admin(who)
    minutes = sync_minutes(minutes)
    if not isinstance(enabled, bool):
        raise SettingsError("enabled", f"{enabled!r} must be on or off")
    with engine.begin() as conn:
        before = _parse_schedule(_meta(conn, SCHEDULE_KEY).get(SCHEDULE_KEY))
        _put_meta(conn, SCHEDULE_KEY, json.dumps({"enabled": enabled, "minutes": minutes}))
        audit(
            conn,
            who,
            "sync.schedule",
            "store_meta",
            None,
            enabled=enabled,
            minutes=minutes,
            was_enabled=before[0] if before else None,
            was_minutes=before[1] if before else None,
        )
    return stored_sync_schedule(engine, now=now)


# ---- templates


def templates_for(engine: Engine, who: Viewer) -> list[TemplateInfo]:
    """Every template, by code then language.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    return list_templates(engine)


def check_draft(
    who: Viewer, subject: str, body_html: str, body_text: str, language: str = "fr"
) -> list[TemplateProblem]:
    """The problems of a template being edited (syntax, unknown variables, sandbox escapes).

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    lang = language if language in TEMPLATE_LANGUAGES else "fr"
    return check_template(subject or "", body_html or "", body_text or "", lang)


def save_draft(
    engine: Engine,
    who: Viewer,
    code: str,
    language: str,
    *,
    subject: str,
    body_html: str,
    body_text: str,
    name: str = "",
) -> TemplateInfo:
    """Check and save a template (created when its code and language are new).

    Raises:
        AccessDenied: for a non-admin.
        TemplateError: with every problem (field, line); nothing is written then.
    """
    _admin(who)
    return save_template(
        engine,
        (code or "").strip(),
        language,
        subject=subject or "",
        body_html=body_html or "",
        body_text=body_text or "",
        name=(name or "").strip()[:120],
        viewer=who,
    )


def preview_draft(
    engine: Engine,
    who: Viewer,
    customer_id: int,
    *,
    subject: str,
    body_html: str,
    body_text: str,
    language: str = "fr",
    as_of: date | None = None,
) -> Rendered:
    """Render a template being edited (not yet saved) on a real customer's items of the day.

    Raises:
        AccessDenied: for a non-admin.
        SettingsError: when the customer does not exist.
        TemplateError: what fails in the template, with its field and line.
    """
    from src_dash.dunning.planner import PlanError, customer_proposal

    _admin(who)
    problems = check_draft(who, subject, body_html, body_text, language)
    if problems:
        raise TemplateError(problems)
    as_of = as_of or clock_today()
    try:
        proposal = customer_proposal(engine, int(customer_id), as_of)
    except (PlanError, TypeError, ValueError) as exc:
        raise SettingsError("customer", f"no customer {customer_id}") from exc
    lang = language if language in TEMPLATE_LANGUAGES else proposal.language
    proposal = replace(proposal, language=lang)
    with engine.connect() as conn:
        context = Renderer(conn).context(proposal)
    return render_sources(subject or "", body_html or "", body_text or "", context)


def problem_excerpt(source: str, line: int | None) -> str:
    """The text of a template's line (for an error), cut to 160 characters."""
    if not line or line < 1:
        return ""
    lines = (source or "").splitlines()
    if line > len(lines):
        return ""
    text = lines[line - 1].strip()
    return text if len(text) <= 160 else text[:159] + "…"


def find_customers(
    engine: Engine, who: Viewer, text: str = "", limit: int = 30
) -> list[CustomerChoice]:
    """Customers whose number or name contains `text` (all of them when empty), by name.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    c, co = Customer.__table__, Company.__table__
    query = (
        select(c.c.id, c.c.number, c.c.name, co.c.code)
        .select_from(c.join(co, co.c.id == c.c.company_id))
        .where(c.c.removed_from_source.is_(False))
        .order_by(c.c.name, c.c.id)
        .limit(max(1, min(int(limit), 200)))
    )
    words = (text or "").strip()
    if words:
        # lower() of SQLite folds ASCII only: match the words as typed too ("Élise").
        lower, typed = f"%{words.lower()}%", f"%{words}%"
        query = query.where(
            or_(
                func.lower(c.c.number).like(lower),
                func.lower(c.c.name).like(lower),
                c.c.number.like(typed),
                c.c.name.like(typed),
            )
        )
    with engine.connect() as conn:
        return [CustomerChoice(r.id, r.number, r.name, r.code) for r in conn.execute(query)]


# ---- scenarios and thresholds


def scenarios_for(engine: Engine, who: Viewer) -> list[ScenarioSpec]:
    """Every scenario with its steps, by name.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    return list_scenarios(engine)


def save_scenario_for(engine: Engine, who: Viewer, spec: ScenarioSpec) -> ScenarioSpec:
    """Check and save a scenario with its steps.

    Raises:
        AccessDenied: for a non-admin.
        ScenarioError: with every problem (field, message); nothing is written then.
    """
    _admin(who)
    return save_scenario(engine, spec, who)


def delete_scenario_for(engine: Engine, who: Viewer, scenario_id: int) -> None:
    """Delete a scenario no action was made from.

    Raises:
        AccessDenied: for a non-admin.
        ScenarioError: when it does not exist or was used.
    """
    _admin(who)
    delete_scenario(engine, scenario_id, who)


def _threshold(value: object, field: str) -> Decimal:
    try:
        amount = to_money(
            str(value).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        )
    except (ValueError, InvalidOperation, TypeError) as exc:
        raise ScenarioError([(field, f"{value!r} is not an amount")]) from exc
    if amount < 0:
        raise ScenarioError([(field, "must not be negative")])
    return amount


def save_thresholds(
    engine: Engine,
    who: Viewer,
    scenario_id: int,
    min_item_amount: object,
    min_customer_amount: object,
    min_gap_days: object,
) -> ScenarioSpec:
    """Change a scenario's thresholds: the least amount per item and per customer worth a
    message, and the fewest days between two messages to a customer.

    Raises:
        AccessDenied: for a non-admin.
        ScenarioError: for an unknown scenario or a bad value (named by field).
    """
    _admin(who)
    spec = get_scenario(engine, int(scenario_id))
    if spec is None:
        raise ScenarioError([("id", f"no scenario {scenario_id}")])
    try:
        gap = int(str(min_gap_days).strip())
    except ValueError as exc:
        raise ScenarioError([("min_gap_days", f"{min_gap_days!r} is not a whole number")]) from exc
    spec = replace(
        spec,
        min_item_amount=_threshold(min_item_amount, "min_item_amount"),
        min_customer_amount=_threshold(min_customer_amount, "min_customer_amount"),
        min_gap_days=gap,
    )
    return save_scenario(engine, spec, who)


def service_names(engine: Engine, who: Viewer) -> list[str]:
    """The names of the contact services of every company (what steps send To and Cc).

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    s = ContactService.__table__
    with engine.connect() as conn:
        names = conn.execute(select(s.c.name).distinct()).scalars().all()
    return sorted({n.strip() for n in names if n and n.strip()}, key=str.casefold)


# ---- users


def sales_rep_choices(engine: Engine, who: Viewer) -> list[SalesRepChoice]:
    """The Sage sales reps of every company, by company and name.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    s, co = SalesRep.__table__, Company.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(s.c.id, s.c.code, s.c.first_name, s.c.last_name, co.c.code.label("company"))
            .select_from(s.join(co, co.c.id == s.c.company_id))
            .order_by(co.c.code, s.c.last_name, s.c.first_name, s.c.id)
        ).all()
    return [
        SalesRepChoice(
            r.id, r.company, r.code, " ".join(p for p in (r.first_name, r.last_name) if p).strip()
        )
        for r in rows
    ]


def portfolio_customers(engine: Engine, who: Viewer, user_id: int) -> list[CustomerChoice]:
    """The customers assigned to a collector's portfolio, by name.

    Raises:
        AccessDenied: for a non-admin.
    """
    _admin(who)
    p, c, co = PortfolioAssignment.__table__, Customer.__table__, Company.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(c.c.id, c.c.number, c.c.name, co.c.code)
            .select_from(p.join(c, c.c.id == p.c.customer_id).join(co, co.c.id == c.c.company_id))
            .where(p.c.user_id == int(user_id))
            .order_by(c.c.name, c.c.id)
        ).all()
    return [CustomerChoice(r.id, r.number, r.name, r.code) for r in rows]


__all__ = [
    "AccessDenied",
    "CompanyView",
    "ConnectionCheck",
    "CustomerChoice",
    "RunView",
    "SalesRepChoice",
    "Schedule",
    "SettingsError",
    "check_draft",
    "company_code",
    "delete_scenario_for",
    "find_customers",
    "list_companies",
    "mark_automatic_sync",
    "mask_dsn",
    "portfolio_customers",
    "preview_draft",
    "probe_sage",
    "problem_excerpt",
    "sales_rep_choices",
    "save_draft",
    "save_sage_company",
    "save_scenario_for",
    "save_thresholds",
    "scenarios_for",
    "service_names",
    "set_company_active",
    "set_sync_schedule",
    "stored_sync_schedule",
    "sync_minutes",
    "sync_now",
    "sync_schedule",
    "templates_for",
    "check_connection",
]


def __getattr__(name: str) -> object:
    """`import_fec_upload` moved to `fec_upload` (which imports this module): found there."""
    if name == "import_fec_upload":
        from src_dash.services.fec_upload import import_fec_upload

        return import_fec_upload
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
