"""One message of a customer: its detail and its PDF (a letter's or an attachment's)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from src_dash.access import Viewer, require, row_in_scope
from src_dash.config import load_settings
from src_dash.services.customer_card.history import _sent_to
from src_dash.services.customer_card.model import MessageDetail, PdfFile
from src_dash.services.customers import READ
from src_dash.services.rows import from_row
from src_dash.store import (
    Message,
)


def _message(conn: Connection, who: Viewer, message_id: int):  # noqa: ANN202
    m = Message.__table__
    return row_in_scope(conn, who, select(m).where(m.c.id == message_id), "message")


def message_detail(engine: Engine, who: Viewer, message_id: int) -> MessageDetail:
    """A message of a customer the viewer may see, as it was sent.

    Raises:
        AccessDenied: when nobody is signed in, or the message does not exist or belongs to a
            customer outside the viewer's portfolio.
    """
    require(who, READ)
    with engine.connect() as conn:
        row = _message(conn, who, message_id)
    return from_row(MessageDetail, row, message_id=row.id, **_sent_to(row))


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
