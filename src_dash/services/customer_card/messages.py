"""One message of a customer: its detail and its PDF (a letter's or an attachment's)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import AccessDenied, Viewer, check_customers, require
from src_dash.config import load_settings
from src_dash.services.customer_card.history import _addresses
from src_dash.services.customer_card.model import MessageDetail, PdfFile
from src_dash.services.customers import READ
from src_dash.store import (
    Message,
)


def _message(conn: Connection, who: Viewer, message_id: int):  # noqa: ANN202
    m = Message.__table__
    row = conn.execute(select(m).where(m.c.id == message_id)).first()
    if row is None:
        raise AccessDenied("message not found")
    try:
        check_customers(conn, who, [row.customer_id])
    except AccessDenied:
        raise AccessDenied("message not found") from None
    return row


def message_detail(engine: Engine, who: Viewer, message_id: int) -> MessageDetail:
    """A message of a customer the viewer may see, as it was sent.

    Raises:
        AccessDenied: when nobody is signed in, or the message does not exist or belongs to a
            customer outside the viewer's portfolio.
    """
    require(who, READ)
    with engine.connect() as conn:
        row = _message(conn, who, message_id)
    return MessageDetail(
        message_id=row.id,
        customer_id=row.customer_id,
        channel=row.channel,
        subject=row.subject,
        body_html=row.body_html,
        body_text=row.body_text,
        to=tuple(_addresses(row.recipients_to)),
        cc=tuple(_addresses(row.recipients_cc)),
        status=row.status,
        sent_at=row.sent_at,
        has_pdf=bool(row.pdf_path),
    )


def pdf_location(stored: str) -> Path:
    """Where a message's PDF is: its stored path, relative paths under the data folder."""
    path = Path(stored)
    return path if path.is_absolute() else load_settings().data_dir / path


def message_pdf(engine: Engine, who: Viewer, message_id: int) -> PdfFile:
    """The PDF of a message of a customer the viewer may see.

    Raises:
        AccessDenied: as for `message_detail`.
        FileNotFoundError: when the message has no PDF or its file is missing (the message
            names the message, not the path).
    """
    require(who, READ)
    with engine.connect() as conn:
        row = _message(conn, who, message_id)
    if not row.pdf_path:
        raise FileNotFoundError(f"message {message_id} has no PDF")
    path = pdf_location(row.pdf_path)
    if not path.is_file():
        raise FileNotFoundError(f"the PDF of message {message_id} is missing")
    return PdfFile(filename=path.name, data=path.read_bytes())
