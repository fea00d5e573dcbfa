"""Follow a campaign's runs: a run's messages and calls in the viewer's portfolio (counts per status
and one page), and the recent runs with their scenarios and levels.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import (
    AccessDenied,
    Viewer,
    require,
    scope_clause,
)
from src_dash.clock import utcnow
from src_dash.dunning import outbox
from src_dash.dunning.model import LETTER, PHONE
from src_dash.dunning.send_window import leaving_labels
from src_dash.money import ZERO
from src_dash.services.campaigns.freshness import _run_companies, data_freshness
from src_dash.services.campaigns.model import (
    IN_FLIGHT,
    RunMessage,
    RunStatus,
    RunSummary,
    Total,
    _addresses,
)
from src_dash.services.customers import READ
from src_dash.services.rows import from_row
from src_dash.store import Action, Customer, Message


@dataclass
class _RunTally:
    """What a run's messages add up to, from their (status, channel, currency, count, total)."""

    counts: Counter[str] = field(default_factory=Counter)
    letters: int = 0
    in_flight: int = 0
    amounts: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    per_currency: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, rows: Iterable) -> _RunTally:
        """Add up the grouped rows of a run's messages."""
        tally = cls()
        for st, channel, currency, n, total in rows:
            tally.counts[st] += n
            # A letter to print waits for a person, not for the dispatcher.
            tally.in_flight += n if st in IN_FLIGHT and channel != LETTER else 0
            tally.letters += n if channel == LETTER else 0
            if st != outbox.CANCELLED:
                tally.amounts[currency or "EUR"] += total or ZERO
                tally.per_currency[currency or "EUR"] += n
        return tally

    def totals(self) -> tuple[Total, ...]:
        """The messages not cancelled and their amount, per currency."""
        return tuple(
            Total(cur, self.per_currency[cur], self.amounts[cur]) for cur in sorted(self.amounts)
        )


def _message_lines_query(who: Viewer, run: str, status: str | None):  # noqa: ANN202
    """The query of a run's messages in the viewer's portfolio (in one status)."""
    m, c = Message.__table__, Customer.__table__
    query = (
        select(
            m.c.id,
            m.c.action_id,
            m.c.customer_id,
            c.c.number,
            c.c.name,
            m.c.channel,
            m.c.level,
            m.c.subject,
            m.c.status,
            m.c.total,
            m.c.currency,
            m.c.recipients_to,
            m.c.sent_at,
            m.c.server_answer,
            m.c.attempts,
            m.c.pdf_path,
        )
        .select_from(m.join(c, c.c.id == m.c.customer_id))
        .where(m.c.run == run, scope_clause(who.scope))
    )
    if status:
        query = query.where(m.c.status == status)
    return query


def _message_line(r: object, leaves: str) -> RunMessage:
    """A message of a run as a line of its status page."""
    return from_row(
        RunMessage,
        r,
        message_id=r.id,
        customer_number=r.number,
        customer_name=r.name,
        currency=r.currency or "EUR",
        to=_addresses(r.recipients_to or []),
        has_pdf=bool(r.pdf_path),
        leaves=leaves,
    )


def _call_line(r: object) -> RunMessage:
    """A call of a run as a line of its status page (after its messages)."""
    return from_row(
        RunMessage,
        r,
        message_id=None,
        action_id=r.id,
        customer_number=r.number,
        customer_name=r.name,
        channel=PHONE,
        subject="",
        total=ZERO,
        currency="",
        to=(),
        sent_at=None,
        server_answer="",
        attempts=0,
        has_pdf=False,
    )


def run_status(
    engine: Engine,
    who: Viewer,
    run: str,
    page: int = 0,
    page_size: int = 50,
    status: str | None = None,
) -> RunStatus:
    """A run's messages and calls in the viewer's portfolio: counts per status and one page.

    Args:
        engine: the store.
        who: the viewer (any role; only their portfolio's messages).
        run: the run's id.
        page: the page (from 0).
        page_size: lines per page.
        status: only the lines in this status.

    Raises:
        AccessDenied: when the run has nothing in the viewer's portfolio (or does not exist).
    """
    require(who, READ)
    m, c, a = Message.__table__, Customer.__table__, Action.__table__
    page_size = max(1, min(int(page_size), 500))
    with engine.connect() as conn:
        counts_rows = conn.execute(
            select(m.c.status, m.c.channel, m.c.currency, func.count(), func.sum(m.c.total))
            .select_from(m.join(c, c.c.id == m.c.customer_id))
            .where(m.c.run == run, scope_clause(who.scope))
            .group_by(m.c.status, m.c.channel, m.c.currency)
        ).all()
        calls = conn.execute(
            select(a.c.id, a.c.customer_id, a.c.status, a.c.level, c.c.number, c.c.name)
            .select_from(a.join(c, c.c.id == a.c.customer_id))
            .where(a.c.run == run, a.c.kind == "call", scope_clause(who.scope))
            .order_by(c.c.number, a.c.id)
        ).all()
        if not counts_rows and not calls:
            raise AccessDenied("run not found")
        tally = _RunTally.of(counts_rows)
        counts, messages = tally.counts, sum(tally.counts.values())
        first = conn.execute(
            select(func.min(m.c.dunned_on), func.min(m.c.created_at)).where(m.c.run == run)
        ).one()
        as_of, created_at = first
        if as_of is None:
            as_of = conn.execute(select(func.min(a.c.due_on)).where(a.c.run == run)).scalar()
        query = _message_lines_query(who, run, status)
        shown = counts.get(status, 0) if status else messages
        pages = max(1, -(-shown // page_size))
        page = max(0, min(int(page), pages - 1))
        rows = conn.execute(
            query.order_by(c.c.number, m.c.id).offset(page * page_size).limit(page_size)
        ).all()
        scenarios, levels = _run_names(conn, [run]).get(run, ((), ()))
        companies = _run_companies(conn, run)
        leaves = leaving_labels(conn, [r.id for r in rows], utcnow(), who.language)
    fresh = data_freshness(engine, companies)
    lines = [_message_line(r, leaves.get(r.id, "")) for r in rows]
    if not status and page == pages - 1:
        lines += [_call_line(r) for r in calls]
    return RunStatus(
        run=run,
        as_of=as_of,
        created_at=created_at,
        counts=dict(counts),
        messages=messages,
        calls=len(calls),
        letters=tally.letters,
        in_flight=tally.in_flight,
        held=counts.get(outbox.HELD, 0),
        page=tuple(lines),
        page_number=page,
        pages=pages,
        totals=tally.totals(),
        scenarios=scenarios,
        levels=levels,
        data_at=fresh.data_at,
        stale=fresh.stale,
    )


def recent_runs(engine: Engine, who: Viewer, limit: int = 10) -> list[RunSummary]:
    """The latest runs with messages in the viewer's portfolio, newest first."""
    from src_dash.services.dun_now import ORIGIN

    require(who, READ)
    m, c, a = Message.__table__, Customer.__table__, Action.__table__
    with engine.connect() as conn:
        latest = conn.execute(
            select(m.c.run, func.min(m.c.created_at).label("at"), func.min(m.c.dunned_on))
            .select_from(m.join(c, c.c.id == m.c.customer_id))
            .where(
                m.c.run != "",
                scope_clause(who.scope),
                # A dun-now (one item, from its row) is not a campaign.
                ~m.c.run.in_(select(a.c.run).where(a.c.origin == ORIGIN, a.c.run != "")),
            )
            .group_by(m.c.run)
            .order_by(func.min(m.c.created_at).desc(), m.c.run.desc())
            .limit(max(1, int(limit)))
        ).all()
        ids = [r[0] for r in latest]
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        if ids:
            for run, st, n in conn.execute(
                select(m.c.run, m.c.status, func.count())
                .select_from(m.join(c, c.c.id == m.c.customer_id))
                .where(m.c.run.in_(ids), scope_clause(who.scope))
                .group_by(m.c.run, m.c.status)
            ):
                counts[run][st] += n
        names = _run_names(conn, ids)
    return [
        RunSummary(
            run=run,
            as_of=as_of,
            created_at=at,
            messages=sum(counts[run].values()),
            counts=dict(counts[run]),
            scenarios=names.get(run, ((), ()))[0],
            levels=names.get(run, ((), ()))[1],
        )
        for run, at, as_of in latest
    ]


def _run_names(
    conn: Connection, runs_: Sequence[str]
) -> dict[str, tuple[tuple[str, ...], tuple[int, ...]]]:
    """Per run, its scenarios' names and its levels (what its name says)."""
    from src_dash.store import Scenario, Step

    a, st, sc = Action.__table__, Step.__table__, Scenario.__table__
    scenarios: dict[str, set[str]] = defaultdict(set)
    levels: dict[str, set[int]] = defaultdict(set)
    for start in range(0, len(runs_), 500):
        for run, level, name in conn.execute(
            select(a.c.run, a.c.level, sc.c.name)
            .select_from(
                a.outerjoin(st, st.c.id == a.c.step_id).outerjoin(sc, sc.c.id == st.c.scenario_id)
            )
            .where(a.c.run.in_(list(runs_[start : start + 500])))
            .distinct()
        ):
            levels[run].add(int(level or 0))
            if name:
                scenarios[run].add(name)
    return {run: (tuple(sorted(scenarios[run])), tuple(sorted(levels[run]))) for run in levels}
