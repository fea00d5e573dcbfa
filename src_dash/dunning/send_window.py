"""Send windows: dunning emails leave in business hours on working days, in the company's zone.

A company's window (its `CompanyMessaging` row; by default Monday to Friday, 08:30-18:00,
Europe/Paris) says when its emails may leave. French public holidays (the `holidays` package:
metropolitan France, or a region with its own, e.g. "57" for Moselle, which adds Good Friday and
26 December) are closed days. The dispatcher calls `hold_outside_window` before it claims: a
queued email whose company's window is closed gets `next_attempt_at` = the next opening, so it
waits in the outbox (its attempts are not counted) and the outbox says when it will leave.

Windows can be turned off for a whole deployment (`SRC_DASH_SEND_WINDOWS=0`), which the test suite
does: its pinned day is a Sunday.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from babel.dates import format_date
from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Connection

from src_dash.config import Settings, load_settings
from src_dash.store import CompanyMessaging, Customer, Message

WEEKDAYS = (0, 1, 2, 3, 4)
DEFAULT_START, DEFAULT_END, DEFAULT_TZ = time(8, 30), time(18, 0), "Europe/Paris"
REGIONS = ("", "57", "67", "68")  # metropolitan France; Moselle, Bas-Rhin, Haut-Rhin
LOCALES = {"fr": "fr_FR", "en": "en_US"}


class WindowError(ValueError):
    """A send window that cannot work (the message says which field and why)."""


def parse_hhmm(value: str, field_name: str) -> time:
    """A "HH:MM" time of day.

    Raises:
        WindowError: naming the field when the value is not a time.
    """
    try:
        hours, minutes = (int(p) for p in (value or "").strip().split(":"))
        return time(hours, minutes)
    except (ValueError, TypeError):
        raise WindowError(f"{field_name} : heure invalide {value!r} (HH:MM attendu)") from None


@functools.lru_cache(maxsize=64)
def _holidays(region: str, year: int) -> frozenset[date]:
    # "67"/"68" (Alsace) have the same extra days as Moselle ("57") in the package's data.
    subdiv = "57" if region in ("57", "67", "68") else None
    return frozenset(holidays.France(years=year, subdiv=subdiv).keys())


def is_holiday(day: date, region: str = "") -> bool:
    """Whether a day is a French public holiday (in the region when given)."""
    return day in _holidays(region, day.year)


@dataclass(frozen=True)
class SendWindow:
    """When a company's emails may leave."""

    days: frozenset[int] = field(default_factory=lambda: frozenset(WEEKDAYS))
    start: time = DEFAULT_START
    end: time = DEFAULT_END
    timezone: str = DEFAULT_TZ
    region: str = ""

    @classmethod
    def of(
        cls, days: list | tuple, start: str, end: str, timezone: str, region: str = ""
    ) -> SendWindow:
        """A window from the stored settings, checked.

        Raises:
            WindowError: no day, a start not before the end, an unknown time zone or region.
        """
        picked = frozenset(int(d) for d in days or ())
        if not picked or not picked <= set(range(7)):
            raise WindowError("jours d'envoi : choisissez au moins un jour de la semaine")
        first, last = parse_hhmm(start, "début"), parse_hhmm(end, "fin")
        if first >= last:
            raise WindowError(f"heures d'envoi : le début ({start}) doit précéder la fin ({end})")
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise WindowError(f"fuseau horaire inconnu : {timezone!r}") from None
        if region not in REGIONS:
            raise WindowError(f"région des jours fériés inconnue : {region!r}")
        return cls(picked, first, last, timezone, region)

    @property
    def zone(self) -> ZoneInfo:
        """The window's time zone."""
        return ZoneInfo(self.timezone)

    def working_day(self, day: date) -> bool:
        """Whether emails may leave on this (local) day at all."""
        return day.weekday() in self.days and not is_holiday(day, self.region)

    def is_open(self, at: datetime) -> bool:
        """Whether an email may leave at this moment."""
        local = at.astimezone(self.zone)
        return self.working_day(local.date()) and self.start <= local.time() < self.end

    def next_opening(self, at: datetime) -> datetime:
        """The first moment from `at` (itself when open) an email may leave, in UTC.

        Raises:
            WindowError: when no day opens within a year (cannot happen with a checked window).
        """
        if self.is_open(at):
            return at.astimezone(UTC)
        local = at.astimezone(self.zone)
        day = local.date()
        if self.working_day(day) and local.time() < self.start:
            return self._at(day, self.start)
        for n in range(1, 370):
            candidate = day + timedelta(days=n)
            if self.working_day(candidate):
                return self._at(candidate, self.start)
        raise WindowError("aucun jour d'envoi dans l'année")

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.zone).astimezone(UTC)


DEFAULT_WINDOW = SendWindow()


def window_of(row: object | None) -> SendWindow:
    """The window of a `company_messaging` row (the default when None or unusable)."""
    if row is None:
        return DEFAULT_WINDOW
    try:
        return SendWindow.of(
            list(row.send_days or []),
            row.send_start,
            row.send_end,
            row.timezone or DEFAULT_TZ,
            row.holidays_region or "",
        )
    except WindowError:
        return DEFAULT_WINDOW


def company_windows(conn: Connection, company_ids: list[int] | set[int]) -> dict[int, SendWindow]:
    """The window of each company (the default for those without settings)."""
    cm = CompanyMessaging.__table__
    ids = sorted(set(company_ids))
    rows = {
        r.company_id: r for r in conn.execute(select(cm).where(cm.c.company_id.in_(ids))) if ids
    }
    return {cid: window_of(rows.get(cid)) for cid in ids}


def hold_outside_window(conn: Connection, now: datetime, channel: str = "email") -> int:
    """Make the due queued emails of companies whose window is closed wait for its opening.

    Call it before claiming (the dispatcher does, in its own transaction).

    Returns:
        How many messages were put off.
    """
    m, c = Message.__table__, Customer.__table__
    due = and_(
        m.c.status == "queued",
        m.c.channel == channel,
        or_(m.c.next_attempt_at.is_(None), m.c.next_attempt_at <= now),
    )
    companies = (
        conn.execute(
            select(c.c.company_id)
            .distinct()
            .select_from(m.join(c, c.c.id == m.c.customer_id))
            .where(due)
        )
        .scalars()
        .all()
    )
    held = 0
    for company_id, window in company_windows(conn, companies).items():
        if window.is_open(now):
            continue
        customers = select(c.c.id).where(c.c.company_id == company_id)
        held += conn.execute(
            update(m)
            .where(due, m.c.customer_id.in_(customers))
            .values(next_attempt_at=window.next_opening(now))
        ).rowcount
    return held


def leaves_at(window: SendWindow, now: datetime, not_before: datetime | None = None) -> datetime:
    """When a queued email will leave: its next attempt (or now), moved into the window."""
    start = max(now, not_before) if not_before is not None else now
    return window.next_opening(start)


def leaves_label(when: datetime, now: datetime, window: SendWindow, language: str = "fr") -> str:
    """How the outbox says when an email leaves: "partira lundi 08:30", "leaves today 14:00".

    Empty when it leaves now (at most a minute from `now`).
    """
    if when <= now + timedelta(minutes=1):
        return ""
    lang = language if language in LOCALES else "fr"
    local, today = when.astimezone(window.zone), now.astimezone(window.zone).date()
    hour = local.strftime("%H:%M")
    if local.date() == today:
        day = "aujourd'hui" if lang == "fr" else "today"
    elif local.date() == today + timedelta(days=1):
        day = "demain" if lang == "fr" else "tomorrow"
    elif local.date() < today + timedelta(days=7):
        day = format_date(local.date(), "EEEE", locale=LOCALES[lang])
    else:
        day = format_date(local.date(), "EEEE d MMMM", locale=LOCALES[lang])
    return f"partira {day} {hour}" if lang == "fr" else f"leaves {day} {hour}"


def company_of_messages(conn: Connection, message_ids: list[int]) -> dict[int, int]:
    """The company of each message (by its customer)."""
    m, c = Message.__table__, Customer.__table__
    if not message_ids:
        return {}
    rows = conn.execute(
        select(m.c.id, c.c.company_id)
        .select_from(m.join(c, c.c.id == m.c.customer_id))
        .where(m.c.id.in_(message_ids))
    )
    return {r.id: r.company_id for r in rows}


__all__ = [
    "DEFAULT_WINDOW",
    "SendWindow",
    "WindowError",
    "company_of_messages",
    "company_windows",
    "hold_outside_window",
    "is_holiday",
    "leaves_at",
    "leaves_label",
    "leaving_labels",
    "window_of",
]


def leaving_labels(
    conn: Connection,
    message_ids: list[int],
    now: datetime,
    language: str = "fr",
    settings: Settings | None = None,
) -> dict[int, str]:
    """What the outbox says of each queued email that will not leave at the next pass:
    "partira lundi 08:30" (its company's window is closed, or it waits for a retry).

    Args:
        conn: the store.
        message_ids: the messages shown (those not queued emails are left out).
        now: the moment of the view.
        language: fr or en.
        settings: the settings (no labels when send windows are off).
    """
    if not message_ids or not (settings or load_settings()).send_windows:
        return {}
    m, c = Message.__table__, Customer.__table__
    rows = conn.execute(
        select(m.c.id, m.c.next_attempt_at, c.c.company_id)
        .select_from(m.join(c, c.c.id == m.c.customer_id))
        .where(m.c.id.in_(message_ids), m.c.status == "queued", m.c.channel == "email")
    ).all()
    windows = company_windows(conn, {r.company_id for r in rows})
    out = {}
    for r in rows:
        window = windows[r.company_id]
        label = leaves_label(leaves_at(window, now, r.next_attempt_at), now, window, language)
        if label:
            out[r.id] = label
    return out
