"""Per-company messaging settings: who dunning emails come from, where replies go, how to pay,
and when emails may leave (the send window)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, text
from sqlmodel import Field, SQLModel

from src_dash.clock import utcnow
from src_dash.store.types import UTCDateTime


class CompanyMessaging(SQLModel, table=True):
    """A company's messaging settings; an empty text means "from the company record".

    No row at all is fine too: every field then has its default (see
    `src_dash.dunning.messaging.company_messaging`), except `reply_secret`, which is made with the
    row the first time a message of the company is sent.
    """

    __tablename__ = "company_messaging"

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", unique=True, index=True)
    sender_name: str = Field(default="", max_length=120)  # "": the company's name
    sender_email: str = Field(default="", max_length=120)  # "": the company's email, else SMTP_FROM
    reply_mailbox: str = Field(default="", max_length=120)  # "": the sender's address
    signature: str = Field(default="", max_length=1000)  # "": the service and the company's name
    phone: str = Field(default="", max_length=40)  # "": the company's phone
    iban: str = Field(default="", max_length=40)
    bic: str = Field(default="", max_length=11)
    bank_name: str = Field(default="", max_length=80)
    payment_reference: str = Field(default="invoice", max_length=12)  # invoice | customer
    reply_secret: str = Field(default="", max_length=64)  # signs the Reply-To tokens
    send_days: list = Field(
        default_factory=lambda: [0, 1, 2, 3, 4],
        sa_column=Column(JSON, nullable=False, server_default=text("'[0, 1, 2, 3, 4]'")),
    )  # weekdays (0 = Monday) when emails leave
    send_start: str = Field(default="08:30", max_length=5)
    send_end: str = Field(default="18:00", max_length=5)
    timezone: str = Field(default="Europe/Paris", max_length=40)
    holidays_region: str = Field(default="", max_length=10)  # "": metropolitan France; 57, 67, 68
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
