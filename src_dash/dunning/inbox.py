"""The collection mailbox read over IMAP: replies to dunning messages and bounces.

One pass (`read_mailbox`, the scheduler's `inbox_job`) fetches the mails that arrived since the
last pass (UIDs above the cursor kept in `mailbox_cursor`, per mailbox and UIDVALIDITY) and
stores each one once (`inbound_mail` is unique on mailbox, UIDVALIDITY and UID, and a mail whose
Message-ID was stored already is skipped, so a mailbox rebuilt with a new UIDVALIDITY is not read
twice either). The folder is opened read-only: the pass never changes the mailbox.

For each mail:

- A delivery status notification (multipart/report; message/delivery-status) whose recipients
  failed: the dunning message it reports on (the original's Message-ID, else the Reply-To token
  of the original) is marked ``bounced`` with the ``email_bounced`` alert; when only some of its
  recipients failed, it stays sent and the alert names them. Delays and successes change nothing.
- An automatic answer (Auto-Submitted, out of office): kept on the timeline, no work.
- Anything else is a reply. It is tied to the dunning message it answers by the token of the
  plus-address it was sent to (`reply_address.parse_reply_token`, signed with the company's reply
  secret), else by In-Reply-To / References against the Message-IDs sent, else to the customer
  by the sender's address (customer or contact). A reply of a known customer lands on the
  timeline and opens a ``reply`` action ("réponse à traiter") for the customer's collector, with
  the suggestions `reply_rules.suggest` found; `services.replies` accepts them.

Settings (environment): SRC_DASH_IMAP_HOST (no host: no pass), SRC_DASH_IMAP_PORT (143, or 993
with tls), SRC_DASH_IMAP_USER, SRC_DASH_IMAP_PASSWORD, SRC_DASH_IMAP_TLS = none | starttls | tls
(default starttls), SRC_DASH_IMAP_FOLDER (INBOX), SRC_DASH_IMAP_INTERVAL (seconds between
passes, 300), SRC_DASH_IMAP_TIMEOUT (30).
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import os
import re
import ssl
import time
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from src_dash.clock import today as clock_today
from src_dash.clock import utcnow
from src_dash.dunning.inbox_store import chunks, store_batch
from src_dash.dunning.mail_parse import parse_mail
from src_dash.store import MailboxCursor

log = logging.getLogger("src_dash.inbox")
TLS_MODES = ("none", "starttls", "tls")
FETCH_BATCH = 250  # mails fetched and stored per transaction


class ImapConfigError(ValueError):
    """The IMAP settings are wrong (the message names the variable)."""


class MailboxUnavailable(ConnectionError):
    """The IMAP server cannot be reached, or refuses the login or the folder."""


@dataclass(frozen=True)
class ImapConfig:
    """How to reach the collection mailbox (the password is never shown: repr hides it)."""

    host: str
    port: int = 143
    user: str = ""
    password: str = field(default="", repr=False)
    tls: str = "starttls"
    folder: str = "INBOX"
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ImapConfig | None:
        """The mailbox of the environment (SRC_DASH_IMAP_*), or None when no host is set.

        Raises:
            ImapConfigError: for a bad SRC_DASH_IMAP_TLS or SRC_DASH_IMAP_PORT.
        """
        env = dict(os.environ if env is None else env)
        host = env.get("SRC_DASH_IMAP_HOST", "").strip()
        if not host:
            return None
        tls = env.get("SRC_DASH_IMAP_TLS", "starttls").strip().lower()
        if tls not in TLS_MODES:
            raise ImapConfigError(
                f"SRC_DASH_IMAP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}"
            )
        port_text = env.get("SRC_DASH_IMAP_PORT", "").strip() or ("993" if tls == "tls" else "143")
        try:
            port = int(port_text)
        except ValueError as exc:
            raise ImapConfigError(f"SRC_DASH_IMAP_PORT is not a port: {port_text!r}") from exc
        return cls(
            host=host,
            port=port,
            user=env.get("SRC_DASH_IMAP_USER", ""),
            password=env.get("SRC_DASH_IMAP_PASSWORD", ""),
            tls=tls,
            folder=env.get("SRC_DASH_IMAP_FOLDER", "").strip() or "INBOX",
            timeout=float(env.get("SRC_DASH_IMAP_TIMEOUT", "30")),
        )

    @property
    def key(self) -> str:
        """The mailbox's name in the store: user@host:port/folder."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:200]


@dataclass(frozen=True)
class InboxResult:
    """What one pass read and did."""

    fetched: int = 0
    replies: int = 0  # replies tied to a customer (each opens a "réponse à traiter")
    suggestions: int = 0
    bounces: int = 0  # dunning messages marked bounced
    auto_replies: int = 0
    unmatched: int = 0
    skipped: int = 0  # already stored (same Message-ID), or DSNs that change nothing
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------
# The IMAP pass


def _connect(config: ImapConfig) -> imaplib.IMAP4:
    """A logged-in connection (errors never repeat the password)."""
    where = f"{config.host}:{config.port}"
    try:
        if config.tls == "tls":
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                config.host, config.port, ssl_context=ssl.create_default_context(),
                timeout=config.timeout,
            )  # fmt: skip
        else:
            imap = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
            if config.tls == "starttls":
                imap.starttls(ssl.create_default_context())
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxUnavailable(f"the mailbox server {where} cannot be reached: {exc}") from None
    try:
        imap.login(config.user, config.password)
    except (OSError, imaplib.IMAP4.error) as exc:
        _close(imap)
        raise MailboxUnavailable(
            f"the mailbox {config.user}@{where} refused the login: {exc}"
        ) from None
    return imap


def _close(imap: imaplib.IMAP4) -> None:
    with contextlib.suppress(Exception):  # closing a broken connection
        imap.logout()


def _open_folder(imap: imaplib.IMAP4, config: ImapConfig) -> int:
    """Select the folder read-only; return its UIDVALIDITY."""
    folder = config.folder.replace("\\", "\\\\").replace('"', '\\"')
    typ, data = imap.select(f'"{folder}"', readonly=True)
    if typ != "OK":
        detail = data[0].decode("utf-8", "replace") if data and data[0] else typ
        raise MailboxUnavailable(f"the folder {config.folder!r} cannot be opened: {detail}")
    _, values = imap.response("UIDVALIDITY")
    try:
        return int(values[0]) if values and values[0] else 0
    except (TypeError, ValueError):
        return 0


_FETCH_UID = re.compile(rb"UID (\d+)")


def _fetch(imap: imaplib.IMAP4, uids: list[int]) -> list[tuple[int, bytes]]:
    typ, data = imap.uid("FETCH", ",".join(str(u) for u in uids), "(UID BODY.PEEK[])")
    if typ != "OK":
        raise MailboxUnavailable(f"the mailbox refused to hand over mails: {data!r}"[:300])
    out = []
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            found = _FETCH_UID.search(item[0])
            if found:
                out.append((int(found.group(1)), bytes(item[1])))
    return sorted(out)


def _cursor(conn: Connection, key: str, lock: bool = False) -> tuple[int, int]:
    mc = MailboxCursor.__table__
    query = select(mc.c.uid_validity, mc.c.last_uid).where(mc.c.mailbox == key)
    if lock:
        query = query.with_for_update()
    row = conn.execute(query).first()
    return (row.uid_validity, row.last_uid) if row else (0, 0)


def _save_cursor(conn: Connection, key: str, validity: int, last_uid: int) -> None:
    mc = MailboxCursor.__table__
    values = {"uid_validity": validity, "last_uid": last_uid, "updated_at": utcnow()}
    if conn.execute(update(mc).where(mc.c.mailbox == key).values(**values)).rowcount == 0:
        conn.execute(insert(mc).values(mailbox=key, **values))


def read_mailbox(
    engine: Engine, config: ImapConfig, today: date | None = None, batch: int = FETCH_BATCH
) -> InboxResult:
    """Read the mails that arrived in the collection mailbox since the last pass, once each.

    Args:
        engine: the store.
        config: the mailbox.
        today: the day the replies are read on (dates without a year are inferred from it).
        batch: mails fetched and stored per transaction.

    Raises:
        MailboxUnavailable: when the server, the login or the folder fails (nothing is lost:
            the next pass starts where the last stored batch ended).
    """
    started = time.perf_counter()
    today = today or clock_today()
    totals = dict.fromkeys(
        ("fetched", "replies", "suggestions", "bounces", "auto_replies", "unmatched", "skipped"), 0
    )
    imap = _connect(config)
    try:
        validity = _open_folder(imap, config)
        with engine.connect() as conn:
            stored_validity, last_uid = _cursor(conn, config.key)
        if stored_validity != validity:
            last_uid = 0  # a new UIDVALIDITY: UIDs start over (Message-IDs keep mails once)
        typ, data = imap.uid("SEARCH", None, f"UID {last_uid + 1}:*")
        if typ != "OK":
            raise MailboxUnavailable(f"the mailbox refused the search: {data!r}"[:300])
        uids = sorted(int(x) for x in (data[0] or b"").split() if int(x) > last_uid)
        for chunk in chunks(uids, max(1, batch)):
            fetched = _fetch(imap, chunk)
            parsed = [(uid, parse_mail(raw)) for uid, raw in fetched]
            with engine.begin() as conn:
                now_validity, now_last = _cursor(conn, config.key, lock=True)
                if now_validity == validity:  # another pass may have stored some meanwhile
                    parsed = [(u, p) for u, p in parsed if u > now_last]
                counts = store_batch(conn, config.key, validity, parsed, today)
                _save_cursor(conn, config.key, validity, max(chunk))
            totals["fetched"] += len(parsed)
            for name, value in counts.items():
                totals[name] += value
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxUnavailable(f"the mailbox {config.key} failed: {exc}") from None
    finally:
        _close(imap)
    return InboxResult(**totals, seconds=time.perf_counter() - started)


def inbox_interval(env: dict[str, str] | None = None) -> float:
    """Seconds between two passes (SRC_DASH_IMAP_INTERVAL, default 300, at least 10)."""
    env = dict(os.environ if env is None else env)
    try:
        return max(10.0, float(env.get("SRC_DASH_IMAP_INTERVAL", "") or 300))
    except ValueError:
        return 300.0


def inbox_job(settings=None) -> InboxResult | None:  # noqa: ANN001
    """The scheduler's job: one pass over the mailbox of SRC_DASH_IMAP_* (None when not set)."""
    from src_dash.config import load_settings
    from src_dash.store.engine import get_engine

    config = ImapConfig.from_env()
    if config is None:
        return None
    settings = settings or load_settings()
    result = read_mailbox(get_engine(settings.database_url), config)
    log.info(
        "inbox %s: %d mails, %d replies, %d bounces",
        config.key, result.fetched, result.replies, result.bounces,
    )  # fmt: skip
    return result
