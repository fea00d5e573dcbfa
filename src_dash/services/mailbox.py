"""The local outbox ("/courriels") scoped like the rest of the app (issue 14).

On the embedded install the local SMTP sink (`dunning.mailsink`) keeps every mail the app sends.
A mail the dispatcher sent names its outbox row in its Message-ID (`smtp.message_id_for`), and
that row names its customer: admins and the collectors who see every customer (the managers)
read every mail of the sink; a collector or a sales rep reads only the mails of the customers
in their portfolio, never a mail that names no customer (a daily report, a test mail).
Read-only users do not read the outbox. A mail out of the viewer's scope is answered as a mail
that does not exist, so its existence does not leak.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import NOTE, Viewer
from src_dash.access.viewer import scope_clause
from src_dash.dunning.mailsink import ReceivedMail, read_mail, received, sink_dir
from src_dash.store import Customer, Message

LIMIT = 100  # mails listed
SCAN = 5_000  # newest files read to find a scoped viewer's mails
_ROW_ID = re.compile(r"\.(\d+)@[^@>]*>?$")


def may_read(who: Viewer | None) -> bool:
    """Whether the viewer may open the page (admins, collectors and sales reps; their scope
    decides which mails)."""
    return who is not None and who.role in NOTE


def _row_id(message_id: str) -> int | None:
    found = _ROW_ID.search(message_id or "")
    return int(found.group(1)) if found else None


def customers_of_mails(conn: Connection, who: Viewer, message_ids: list[str]) -> dict[str, int]:
    """The customer of each Message-ID sent by the dispatcher whose customer is in the viewer's
    scope (the others are left out)."""
    by_row = {_row_id(m): m for m in message_ids if _row_id(m) is not None}
    m, c = Message.__table__, Customer.__table__
    out: dict[str, int] = {}
    ids = sorted(by_row)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        rows = conn.execute(
            select(m.c.id, m.c.smtp_message_id, m.c.customer_id)
            .join(c, c.c.id == m.c.customer_id)
            .where(m.c.id.in_(chunk), scope_clause(who.scope))
        )
        for row in rows:
            header = by_row.get(row.id, "")
            if header and row.smtp_message_id == header:
                out[header] = row.customer_id
    return out


def visible_mails(
    engine: Engine, who: Viewer, limit: int = LIMIT, folder: Path | str | None = None
) -> list[ReceivedMail] | None:
    """The newest mails of the sink the viewer may read (None: the page is not theirs)."""
    if not may_read(who):
        return None
    if who.scope.is_everything:
        return received(limit, folder)
    mails = received(SCAN, folder)
    with engine.connect() as conn:
        mine = customers_of_mails(conn, who, [x.message_id for x in mails])
    return [x for x in mails if x.message_id in mine][:limit]


def mail_file(name: str, folder: Path | str | None = None) -> Path | None:
    """The sink's file of that name, or None: only a plain .eml name inside the sink's folder."""
    if not name or Path(name).name != name or not name.endswith(".eml") or name.startswith("."):
        return None
    path = sink_dir(folder) / name
    return path if path.is_file() else None


def open_mail(
    engine: Engine, who: Viewer, name: str, folder: Path | str | None = None
) -> ReceivedMail:
    """One mail of the sink, read whole, when the viewer may read it.

    Raises:
        FileNotFoundError: for a name that is not a mail of the sink, and alike for a mail out
            of the viewer's scope.
    """
    path = mail_file(name, folder) if may_read(who) else None
    if path is None:
        raise FileNotFoundError(name)
    mail = read_mail(path)
    if who.scope.is_everything:
        return mail
    with engine.connect() as conn:
        if mail.message_id not in customers_of_mails(conn, who, [mail.message_id]):
            raise FileNotFoundError(name)
    return mail
