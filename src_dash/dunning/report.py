"""The daily cash report: an HTML email to each user with an address, on their portfolio
(`scope_for_user`): the day's figures, what was done yesterday, what is due today, the top 10.

`src-dash report daily [--as-of DATE]` sends it; the scheduler sends it once a day after
`SRC_DASH_REPORT_HOUR` (local time of the user). A user gets one report per day: the day sent is
kept in `store_meta` (``report:<user id>``), so running it again the same day sends nothing new.
Each report is also written under ``<data dir>/reports/daily/<day>/<login>.html``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment
from sqlalchemy import BigInteger, func, insert, or_, select, type_coerce, update
from sqlalchemy.engine import Connection, Engine

from src_dash.access import scope_clause
from src_dash.analytics.balances import money
from src_dash.analytics.dashboard import dashboard
from src_dash.analytics.kpis import daily_flows
from src_dash.analytics.ledger import get_ledger
from src_dash.analytics.scope import Scope, scope_for_user
from src_dash.analytics.top import TopCustomer
from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.config import Settings, load_settings
from src_dash.dunning.model import Rendered
from src_dash.dunning.smtp import SmtpConfig, SmtpConnection, build_email
from src_dash.store import (
    Action,
    Alert,
    Customer,
    Dispute,
    Message,
    Promise,
    StoreMeta,
    User,
)

LOCALES = {"fr": "fr_FR", "en": "en_US"}


@dataclass(frozen=True)
class Figure:
    """A labelled figure of the report."""

    key: str
    value: Decimal | int | None
    is_money: bool = True


@dataclass(frozen=True)
class DailyReport:
    """What a user's report says."""

    user_id: int
    login: str
    name: str
    email: str
    language: str
    as_of: date
    currency: str
    figures: tuple[Figure, ...]  # the day's figures
    yesterday: tuple[Figure, ...]  # what was done
    today: tuple[Figure, ...]  # what is due
    top: tuple[TopCustomer, ...]


def _cents(column):  # noqa: ANN001, ANN202
    """The sum of a money column in integer cents (0 when there is no row)."""
    return func.coalesce(func.sum(type_coerce(column, BigInteger)), 0)


WORDS = {
    "fr": {
        "subject": "Rapport de trésorerie du {date}",
        "title": "Rapport de trésorerie",
        "hello": "Bonjour {name},",
        "intro": "voici les chiffres de votre portefeuille au {date}.",
        "figures": "Les chiffres du jour",
        "yesterday": "Ce qui a été fait hier",
        "today": "Ce qui est à faire aujourd'hui",
        "top": "Top 10 des retards",
        "customer": "Client",
        "overdue": "Échu",
        "outstanding": "Encours",
        "oldest": "Retard max (j)",
        "grade": "Note",
        "none": "Rien.",
        "outstanding_total": "Encours",
        "overdue_total": "Échu",
        "overdue_ratio": "Part échue (%)",
        "dso": "DSO (jours)",
        "cash_yesterday": "Encaissé hier",
        "cash_month": "Encaissé ce mois",
        "emails_sent": "Emails envoyés",
        "letters_printed": "Lettres imprimées",
        "messages_failed": "Messages en erreur",
        "calls_done": "Appels passés",
        "promises_made": "Promesses obtenues",
        "promises_amount": "Montant promis",
        "disputes_opened": "Litiges ouverts",
        "calls_due": "Appels à passer",
        "held": "Messages à valider",
        "promises_due": "Promesses à échéance",
        "promises_due_amount": "Montant promis à échéance",
        "items_due": "Factures arrivant à échéance",
        "items_due_amount": "Montant arrivant à échéance",
        "alerts": "Alertes ouvertes",
        "footer": "Rapport envoyé par src_dash.",
    },
    "en": {
        "subject": "Cash report for {date}",
        "title": "Daily cash report",
        "hello": "Hello {name},",
        "intro": "here are the figures of your portfolio as of {date}.",
        "figures": "Today's figures",
        "yesterday": "Done yesterday",
        "today": "Due today",
        "top": "Top 10 overdue",
        "customer": "Customer",
        "overdue": "Overdue",
        "outstanding": "Outstanding",
        "oldest": "Oldest (days)",
        "grade": "Grade",
        "none": "Nothing.",
        "outstanding_total": "Outstanding",
        "overdue_total": "Overdue",
        "overdue_ratio": "Overdue share (%)",
        "dso": "DSO (days)",
        "cash_yesterday": "Collected yesterday",
        "cash_month": "Collected this month",
        "emails_sent": "Emails sent",
        "letters_printed": "Letters printed",
        "messages_failed": "Messages in error",
        "calls_done": "Calls made",
        "promises_made": "Promises obtained",
        "promises_amount": "Amount promised",
        "disputes_opened": "Disputes opened",
        "calls_due": "Calls to make",
        "held": "Messages to approve",
        "promises_due": "Promises due",
        "promises_due_amount": "Amount of the promises due",
        "items_due": "Invoices falling due",
        "items_due_amount": "Amount falling due",
        "alerts": "Open alerts",
        "footer": "Report sent by src_dash.",
    },
}

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_HTML = _ENV.from_string(
    """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ w.title }}</title></head>
<body style="font-family: Arial, sans-serif; color: #222; max-width: 720px">
<h2 style="margin-bottom: 4px">{{ w.title }} - {{ day }}</h2>
<p>{{ w.hello.format(name=name) }}<br>{{ w.intro.format(date=day) }}</p>
{% for title, rows in sections %}
<h3 style="margin: 18px 0 6px">{{ title }}</h3>
<table style="border-collapse: collapse">
{% for label, value in rows %}
<tr><td style="padding: 2px 16px 2px 0">{{ label }}</td>
<td style="padding: 2px 0; text-align: right; font-weight: bold">{{ value }}</td></tr>
{% endfor %}
</table>
{% endfor %}
<h3 style="margin: 18px 0 6px">{{ w.top }}</h3>
{% if top %}
<table style="border-collapse: collapse; font-size: 13px">
<tr style="background: #eee"><th style="text-align: left; padding: 3px 8px">{{ w.customer }}</th>
<th style="text-align: right; padding: 3px 8px">{{ w.overdue }}</th>
<th style="text-align: right; padding: 3px 8px">{{ w.outstanding }}</th>
<th style="text-align: right; padding: 3px 8px">{{ w.oldest }}</th>
<th style="padding: 3px 8px">{{ w.grade }}</th></tr>
{% for t in top %}
<tr><td style="padding: 3px 8px">{{ t.number }} {{ t.name }}</td>
<td style="text-align: right; padding: 3px 8px">{{ t.overdue }}</td>
<td style="text-align: right; padding: 3px 8px">{{ t.outstanding }}</td>
<td style="text-align: right; padding: 3px 8px">{{ t.oldest }}</td>
<td style="text-align: center; padding: 3px 8px">{{ t.grade }}</td></tr>
{% endfor %}
</table>
{% else %}
<p>{{ w.none }}</p>
{% endif %}
<p style="color: #888; font-size: 12px">{{ w.footer }}</p>
</body></html>
"""
)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/Paris")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("Europe/Paris")


def _day_range(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC bounds of a local day."""
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def _scoped(query, scope: Scope, customer_id_column):  # noqa: ANN001, ANN202
    c = Customer.__table__
    return query.where(customer_id_column.in_(select(c.c.id).where(scope_clause(scope))))


def _count(conn: Connection, query) -> int:  # noqa: ANN001
    return int(conn.execute(query).scalar() or 0)


def _count_in(conn: Connection, table, scope: Scope, *conditions) -> int:  # noqa: ANN001
    """How many rows of a table (with a ``customer_id``) meet the conditions, in the scope."""
    query = select(func.count()).select_from(table).where(*conditions)
    return _count(conn, _scoped(query, scope, table.c.customer_id))


def _promises(conn: Connection, scope: Scope, *conditions) -> tuple[int, int]:
    """How many promises meet the conditions, in the scope, and their amount (cents)."""
    p = Promise.__table__
    query = select(func.count(), _cents(p.c.amount)).where(*conditions)
    found = conn.execute(_scoped(query, scope, p.c.customer_id)).one()
    return int(found[0]), int(found[1] or 0)


def _yesterday_figures(
    conn: Connection, scope: Scope, y_start: datetime, y_end: datetime
) -> tuple[Figure, ...]:
    """What was done yesterday (the user's day, from y_start to y_end) in the scope."""
    m, a, p, d = Message.__table__, Action.__table__, Promise.__table__, Dispute.__table__

    def messages(channel: str, statuses: tuple[str, ...], stamp) -> int:  # noqa: ANN001
        return _count_in(
            conn, m, scope, m.c.channel == channel, m.c.status.in_(statuses),
            stamp >= y_start, stamp < y_end,
        )  # fmt: skip

    emails = messages("email", ("sent",), m.c.sent_at)
    letters = messages("letter", ("sent",), m.c.sent_at)
    failed = _count_in(
        conn, m, scope, m.c.status.in_(("failed", "bounced", "uncertain")),
        m.c.created_at < y_end, m.c.created_at >= y_start - timedelta(days=30),
    )  # fmt: skip
    calls = _count_in(
        conn, a, scope, a.c.kind == "call", a.c.status == "done",
        a.c.done_at >= y_start, a.c.done_at < y_end,
    )  # fmt: skip
    promised = _promises(conn, scope, p.c.created_at >= y_start, p.c.created_at < y_end)
    disputes = _count_in(conn, d, scope, d.c.opened_at >= y_start, d.c.opened_at < y_end)
    return (
        Figure("emails_sent", emails, False),
        Figure("letters_printed", letters, False),
        Figure("calls_done", calls, False),
        Figure("promises_made", promised[0], False),
        Figure("promises_amount", money(promised[1])),
        Figure("disputes_opened", disputes, False),
        Figure("messages_failed", failed, False),
    )


def _today_figures(
    conn: Connection, scope: Scope, as_of: date, items_due: tuple[int, int]
) -> tuple[Figure, ...]:
    """What is due today in the scope: calls, held messages, promises, items, open alerts."""
    m, a, p, al = Message.__table__, Action.__table__, Promise.__table__, Alert.__table__
    calls_due = _count_in(
        conn, a, scope, a.c.kind == "call", a.c.status.in_(("proposed", "approved")),
        a.c.due_on <= as_of,
    )  # fmt: skip
    held = _count_in(conn, m, scope, m.c.status == "held")
    promises_due = _promises(conn, scope, p.c.status == "pending", p.c.promised_on == as_of)
    open_alerts = select(func.count()).select_from(al).where(al.c.resolved_at.is_(None))
    in_scope = select(Customer.__table__.c.id).where(scope_clause(scope))
    open_alerts = open_alerts.where(or_(al.c.customer_id.is_(None), al.c.customer_id.in_(in_scope)))
    alerts = _count(conn, open_alerts)
    return (
        Figure("calls_due", calls_due, False),
        Figure("held", held, False),
        Figure("promises_due", promises_due[0], False),
        Figure("promises_due_amount", money(promises_due[1])),
        Figure("items_due", int(items_due[0]), False),
        Figure("items_due_amount", money(int(items_due[1] or 0))),
        Figure("alerts", alerts, False),
    )


def daily_report(engine: Engine, user_id: int, as_of: date | None = None) -> DailyReport:
    """The report of one user on a day.

    Raises:
        LookupError: when the user is unknown or inactive.
    """
    as_of = as_of or clock_today()
    u = User.__table__
    with engine.connect() as conn:
        user = conn.execute(select(u).where(u.c.id == user_id)).first()
    if user is None or not user.active:
        raise LookupError(f"unknown or inactive user {user_id}")
    scope = scope_for_user(engine, user_id)
    board = dashboard(engine, scope, as_of)
    k = board.kpis
    ledger = get_ledger(engine)
    flows = daily_flows(ledger, scope, as_of)
    # Items falling due today, open as the pages show them (the ledger's residual).
    due_today = ledger.scoped(ledger.view(as_of).open_items, scope).filter(
        (pl.col("due") == as_of) & (pl.col("residual") > 0)
    )
    items_due = (due_today.height, int(due_today["residual"].sum() or 0))
    yesterday = as_of - timedelta(days=1)
    cash_yesterday = flows.filter(pl.col("posting_date") == yesterday)["cash"].sum()
    zone = _zone(user.timezone)
    y_start, y_end = _day_range(yesterday, zone)
    with engine.connect() as conn:
        done = _yesterday_figures(conn, scope, y_start, y_end)
        due = _today_figures(conn, scope, as_of, items_due)
    figures = (
        Figure("outstanding_total", k.outstanding),
        Figure("overdue_total", k.overdue),
        Figure("overdue_ratio", k.overdue_ratio, is_money=False),
        Figure("dso", k.dso, is_money=False),
        Figure("cash_yesterday", money(int(cash_yesterday or 0))),
        Figure("cash_month", k.cash_collected_month),
    )
    return DailyReport(
        user_id=user.id,
        login=user.login,
        name=user.name or user.login,
        email=user.email,
        language=user.language if user.language in WORDS else "fr",
        as_of=as_of,
        currency=k.book_currency or "EUR",
        figures=figures,
        yesterday=done,
        today=due,
        top=tuple(board.top_overdue[:10]),
    )


def render_report(report: DailyReport) -> Rendered:
    """The report's email: subject, HTML and plain text."""
    lang = report.language
    w = WORDS[lang]
    locale = LOCALES[lang]
    day = format_date(report.as_of, "d MMMM yyyy", locale=locale)

    def show(f: Figure) -> str:
        if f.value is None:
            return "-"
        if f.is_money:
            return format_currency(f.value, report.currency, locale=locale)
        if isinstance(f.value, Decimal):
            return format_decimal(f.value, "#,##0.0", locale=locale)
        return format_decimal(f.value, locale=locale)

    sections = [
        (w[name], [(w[f.key], show(f)) for f in rows])
        for name, rows in (
            ("figures", report.figures),
            ("yesterday", report.yesterday),
            ("today", report.today),
        )
    ]
    top = [
        {
            "number": t.number,
            "name": t.name,
            "overdue": format_currency(t.overdue, report.currency, locale=locale),
            "outstanding": format_currency(t.outstanding, report.currency, locale=locale),
            "oldest": t.oldest_days_overdue,
            "grade": t.grade,
        }
        for t in report.top
    ]
    html = _HTML.render(lang=lang, w=w, day=day, name=report.name, sections=sections, top=top)
    lines = [
        f"{w['title']} - {day}",
        "",
        w["hello"].format(name=report.name),
        w["intro"].format(date=day),
    ]
    for title, rows in sections:
        lines += ["", title, *(f"  {label}: {value}" for label, value in rows)]
    lines += ["", w["top"]]
    lines += [
        f"  {t['number']} {t['name']}: {t['overdue']} ({t['oldest']} j, {t['grade']})" for t in top
    ] or [f"  {w['none']}"]
    return Rendered(
        subject=w["subject"].format(date=day),
        html=html,
        text="\n".join(lines) + "\n",
        language=lang,
    )


@dataclass(frozen=True)
class ReportRun:
    """What sending the reports did."""

    as_of: date
    sent: tuple[str, ...] = ()  # logins
    already_sent: tuple[str, ...] = ()
    no_email: tuple[str, ...] = ()
    failed: dict[str, str] = field(default_factory=dict)  # login -> error
    files: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """Plain data for JSON."""
        return {
            "as_of": self.as_of.isoformat(),
            "sent": list(self.sent),
            "already_sent": list(self.already_sent),
            "no_email": list(self.no_email),
            "failed": dict(self.failed),
            "files": len(self.files),
        }


def _meta_key(user_id: int) -> str:
    return f"report:{user_id}"


def _already(conn: Connection, user_id: int, as_of: date) -> bool:
    t = StoreMeta.__table__
    value = conn.execute(select(t.c.value).where(t.c.key == _meta_key(user_id))).scalar()
    return value is not None and value >= as_of.isoformat()


def _mark(conn: Connection, user_id: int, as_of: date) -> None:
    t = StoreMeta.__table__
    key = _meta_key(user_id)
    done = conn.execute(update(t).where(t.c.key == key).values(value=as_of.isoformat())).rowcount
    if not done:
        conn.execute(insert(t).values(key=key, value=as_of.isoformat()))


def send_daily_reports(
    engine: Engine,
    as_of: date | None = None,
    *,
    settings: Settings | None = None,
    config: SmtpConfig | None = None,
    user_ids: list[int] | None = None,
    force: bool = False,
    send: bool = True,
) -> ReportRun:
    """Write and send the day's report to each active user with an email address.

    Args:
        engine: the store.
        as_of: the day (default today).
        settings: the settings (data dir, SMTP).
        config: the SMTP server (default: from the settings).
        user_ids: only these users.
        force: send again to users who already had the day's report.
        send: False to only write the files.
    """
    as_of = as_of or clock_today()
    settings = settings or load_settings()
    config = config or SmtpConfig.from_settings(settings)
    u = User.__table__
    with engine.connect() as conn:
        query = select(u).where(u.c.active.is_(True)).order_by(u.c.id)
        if user_ids is not None:
            query = query.where(u.c.id.in_(user_ids))
        users = conn.execute(query).all()
        done_before = {x.id for x in users if not force and _already(conn, x.id, as_of)}
    folder = settings.data_dir / "reports" / "daily" / as_of.isoformat()
    todo: list[tuple[object, Rendered]] = []
    files, no_email, already = [], [], []
    for user in users:
        if user.id in done_before:
            already.append(user.login)
            continue
        rendered = render_report(daily_report(engine, user.id, as_of))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{user.login}.html"
        path.write_text(rendered.html, encoding="utf-8")
        files.append(str(path))
        if not user.email:
            no_email.append(user.login)
            continue
        todo.append((user, rendered))
    sent: list[str] = []
    failed: dict[str, str] = {}
    if send and todo:
        sent, failed = asyncio.run(_send_all(config, todo, as_of))
        with engine.begin() as conn:
            for user, _ in todo:
                if user.login in sent:
                    _mark(conn, user.id, as_of)
    return ReportRun(
        as_of=as_of,
        sent=tuple(sent),
        already_sent=tuple(already),
        no_email=tuple(no_email),
        failed=failed,
        files=tuple(files),
    )


async def _send_all(
    config: SmtpConfig, todo: list, as_of: date
) -> tuple[list[str], dict[str, str]]:
    from src_dash.dunning.smtp import BadAddress, ServerUnavailable, one_address

    conn = SmtpConnection(config)
    sent, failed = [], {}

    async def nothing() -> None:
        return None

    try:
        for user, rendered in todo:
            try:
                one_address(user.email)
            except BadAddress as exc:
                failed[user.login] = str(exc)
                continue
            data = build_email(
                sender=config.sender,
                to=((user.email, user.name),),
                cc=(),
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                message_id=f"<report.{as_of:%Y%m%d}.{user.id}.{int(utcnow().timestamp())}@{config.domain}>",
            )
            try:
                result = await conn.send([user.email], data, nothing)
            except ServerUnavailable as exc:
                failed[user.login] = str(exc)
                continue
            if result.outcome == "sent":
                sent.append(user.login)
            else:
                failed[user.login] = result.answer
    finally:
        await conn.close()
    return sent, failed


def report_due(now: datetime, hour: int, zone_name: str = "Europe/Paris") -> bool:
    """Whether the daily report's hour has come (local time)."""
    return now.astimezone(_zone(zone_name)).hour >= hour


def report_job(settings: Settings | None = None) -> ReportRun | None:
    """The scheduler's job: once the report hour has come, send the day's reports (once)."""
    from src_dash.store.engine import get_engine

    settings = settings or load_settings()
    if not report_due(utcnow(), settings.report_hour):
        return None
    return send_daily_reports(get_engine(settings.database_url), settings=settings)


def report_path(settings: Settings, as_of: date, login: str) -> Path:
    """Where a user's report of a day is written."""
    return settings.data_dir / "reports" / "daily" / as_of.isoformat() / f"{login}.html"
