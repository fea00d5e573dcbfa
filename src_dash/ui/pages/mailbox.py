"""Page "/courriels": the local outbox of the embedded install, for admins, collectors and
sales reps.

On the embedded default install a local SMTP sink (`dunning.mailsink`) keeps every mail the app
sends as an .eml file; this page lists what it received and opens one: its HTML body in a
sandboxed iframe (no scripts, no links, no forms), its text part and its attachments' names.
What a viewer reads is scoped on the server (`services.mailbox`), by the loader and by the
handler that opens a mail, whatever the browser sends: admins and collectors who see every
customer read every mail, a collector or a sales rep only the mails of their portfolio's
customers; read-only users are refused.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime
from pathlib import Path

import reflex as rx

from src_dash.access import AccessDenied
from src_dash.dunning.mailsink import ReceivedMail, sink_dir
from src_dash.services.mailbox import open_mail as open_mail_file
from src_dash.services.mailbox import visible_mails
from src_dash.ui import i18n, routes
from src_dash.ui.components.layout import loaded_page, page_title
from src_dash.ui.i18n import Formats
from src_dash.ui.kit.controls import column, round_button, soft_button
from src_dash.ui.kit.service import run_service
from src_dash.ui.kit.widgets import item_card, notice, page_head, refresh_button, words
from src_dash.ui.state import UiState

ROUTE = routes.MAILBOX
logger = logging.getLogger(__name__)


@dataclasses.dataclass
class MailView:
    """A received mail as the list shows it."""

    name: str = ""
    date: str = ""
    sender: str = ""
    recipients: str = ""
    cc: str = ""
    subject: str = ""


@dataclasses.dataclass
class OpenedMail(MailView):
    """A mail opened whole: its line in the list, its bodies and its attachments' names."""

    html: str = ""
    text: str = ""
    attachments: list[str] = dataclasses.field(default_factory=list)


def _when(mail: ReceivedMail, fmt: Formats) -> str:
    try:
        return fmt.moment(datetime.fromisoformat(mail.received_at))
    except ValueError:
        return mail.received_at


def format_mail(mail: ReceivedMail, fmt: Formats) -> MailView:
    """The list's line of a mail."""
    return MailView(
        name=Path(mail.path).name,
        date=_when(mail, fmt),
        sender=mail.sender or mail.envelope_from,
        recipients=", ".join(mail.to or mail.envelope_to),
        cc=", ".join(mail.cc),
        subject=mail.subject or i18n.text("mailbox.no_subject", fmt.lang),
    )


def format_opened(mail: ReceivedMail, fmt: Formats) -> OpenedMail:
    """A mail opened whole, its headers formatted as in the list."""
    line = dataclasses.asdict(format_mail(mail, fmt))
    return OpenedMail(**line, html=mail.html, text=mail.text, attachments=list(mail.attachments))


class MailboxState(rx.State):
    """What the local sink received, and the mail opened."""

    loaded: bool = False
    allowed: bool = False
    folder: str = ""
    rows: list[MailView] = []

    opened: bool = False
    mail: OpenedMail = OpenedMail()

    def _deny(self) -> None:
        self.allowed = False
        self.rows = []
        self.folder = ""
        self._close()

    def _close(self) -> None:
        self.opened = False
        self.mail = OpenedMail()

    @rx.event
    async def load(self) -> None:
        """On load and on a language change: list the mails the viewer may read again."""
        done = await run_service(self, visible_mails)
        if not done.ok or done.value is None:
            self._deny()
            self.loaded = not done.signed_out
            return
        self.folder = str(sink_dir())
        self.rows = [format_mail(m, done.fmt) for m in done.value]
        self.allowed = True
        self.loaded = True

    @rx.event
    async def open_mail(self, name: str):  # noqa: ANN201  (yields a toast)
        """Open one mail of the sink: headers, HTML and text bodies, attachments' names."""
        done = await run_service(
            self,
            open_mail_file,
            str(name),
            catch=(OSError,),
            describe=lambda _exc, lang: i18n.text("mailbox.error.gone", lang),
        )
        if done.signed_out or isinstance(done.exception, AccessDenied):
            self._deny()
            return
        if not done.ok:
            yield rx.toast.error(done.error)
            return
        self.mail = format_opened(done.value, done.fmt)
        self.opened = True

    @rx.event
    def set_opened(self, value: bool) -> None:
        """Close the mail's dialog (or keep it open)."""
        if not value:
            self._close()


def _field(key: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.text(
        rx.text.span(
            words(key), rx.cond(UiState.lang == "fr", "\u00a0: ", ": "), color_scheme="gray"
        ),
        rx.text.span(value, data_testid=testid),
        size="2",
        word_break="break-word",
    )


def _addressees(m: rx.Var, prefix: str) -> tuple[rx.Component, ...]:
    """From, to and (when there is one) cc of a mail (a `MailView`), marked `<prefix>-from`..."""
    return (
        _field("mailbox.from", m.sender, f"{prefix}-from"),
        _field("mailbox.to", m.recipients, f"{prefix}-to"),
        rx.cond(m.cc != "", _field("mailbox.cc", m.cc, f"{prefix}-cc")),
    )


def _mail_card(m: rx.Var) -> rx.Component:
    lines = (
        rx.text(m.subject, weight="bold", size="3", data_testid="mail-subject"),
        *_addressees(m, "mail"),
    )
    return item_card(
        lines,
        rx.flex(
            rx.text(m.date, size="1", color_scheme="gray", data_testid="mail-date"),
            soft_button(
                "mail-open",
                "mailbox.open",
                on_click=MailboxState.open_mail(m.name),
                data_testid="mail-open",
            ),
            direction=rx.breakpoints(initial="row", sm="column"),
            align=rx.breakpoints(initial="center", sm="end"),
            justify="between",
            spacing="2",
        ),
        testid="mail-item",
        data_name=m.name,
    )


def _section(key: str, *children: rx.Component) -> rx.Component:
    return column(
        rx.text(words(key), size="2", weight="bold", color_scheme="gray"),
        *children,
        spacing="1",
    )


def _mail_head() -> tuple[rx.Component, ...]:
    mail = MailboxState.mail
    return (
        rx.flex(
            rx.dialog.title(mail.subject, margin="0", word_break="break-word"),
            rx.dialog.close(
                round_button(
                    "x", "mailbox.close", variant="ghost", color_scheme="gray", id="mail-close"
                )
            ),
            justify="between",
            align="start",
            spacing="3",
            width="100%",
        ),
        column(
            _field("mailbox.date", mail.date, "open-date"),
            *_addressees(mail, "open"),
            spacing="1",
        ),
    )


def _mail_bodies() -> tuple[rx.Component, ...]:
    mail = MailboxState.mail
    return (
        rx.cond(
            mail.html != "",
            _section(
                "mailbox.html",
                rx.el.iframe(
                    src_doc=mail.html,
                    sandbox="",
                    title=mail.subject,
                    id="mail-html",
                    style={
                        "width": "100%",
                        "height": "360px",
                        "border": "1px solid var(--gray-a6)",
                        "borderRadius": "var(--radius-2)",
                        "background": "white",
                    },
                ),
            ),
        ),
        rx.cond(
            mail.text != "",
            _section(
                "mailbox.text",
                rx.box(
                    mail.text,
                    as_="pre",
                    id="mail-text",
                    white_space="pre-wrap",
                    word_break="break-word",
                    font_family="var(--code-font-family)",
                    font_size="var(--font-size-1)",
                    max_height="240px",
                    overflow_y="auto",
                    padding="10px",
                    margin="0",
                    width="100%",
                    background_color="var(--gray-a2)",
                    border="1px solid var(--gray-a5)",
                    border_radius="var(--radius-2)",
                ),
            ),
        ),
    )


def _attachments() -> rx.Component:
    attachments = MailboxState.mail.attachments
    return _section(
        "mailbox.attachments",
        rx.cond(
            attachments.length() > 0,
            rx.flex(
                rx.foreach(
                    attachments,
                    lambda a: rx.badge(
                        rx.icon("paperclip", size=12),
                        a,
                        variant="outline",
                        data_testid="mail-attachment",
                    ),
                ),
                spacing="2",
                wrap="wrap",
                id="mail-attachments",
            ),
            rx.text(words("mailbox.no_attachment"), size="2", color_scheme="gray"),
        ),
    )


def _mail_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            column(*_mail_head(), *_mail_bodies(), _attachments(), spacing="4"),
            max_width="min(900px, 96vw)",
            padding=rx.breakpoints(initial="14px", sm="24px"),
            id="mail-dialog",
        ),
        open=MailboxState.opened,
        on_open_change=MailboxState.set_opened,
    )


def _header() -> rx.Component:
    folder = rx.text(
        words("mailbox.folder"),
        " ",
        rx.code(MailboxState.folder, variant="ghost", word_break="break-all"),
        size="1",
        color_scheme="gray",
    )
    return page_head(
        page_title(words("mailbox.title")),
        "mailbox.subtitle",
        rx.cond(MailboxState.folder != "", folder),
        action=rx.cond(
            MailboxState.allowed,
            refresh_button(MailboxState.load, "mailbox.refresh", "mailbox-refresh"),
        ),
    )


def mailbox_page() -> rx.Component:
    """The local outbox: what the sink received, one mail opened in a dialog."""
    return loaded_page(
        _header(),
        loaded=MailboxState.loaded,
        content=rx.cond(
            MailboxState.allowed,
            rx.cond(
                MailboxState.rows.length() > 0,
                column(rx.foreach(MailboxState.rows, _mail_card), spacing="2", id="mail-list"),
                notice("inbox", words("mailbox.empty"), "mailbox-empty"),
            ),
            notice("lock", words("mailbox.denied"), "mailbox-denied", "gray"),
        ),
        on_lang_change=MailboxState.load,
        extra=(_mail_dialog(),),
    )
