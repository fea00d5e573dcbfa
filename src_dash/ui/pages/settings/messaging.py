"""Settings tab "Envois": a company's sender, collection mailbox, signature, bank details and
payment reference, and its send window (see `services.messaging_settings`)."""

from __future__ import annotations

import reflex as rx
from sqlalchemy.engine import Engine

from src_dash.access import Viewer
from src_dash.services.messaging_settings import (
    TEXT_FIELDS,
    MessagingError,
    MessagingForm,
    company_choices,
    messaging_form,
    save_messaging,
)
from src_dash.ui import i18n
from src_dash.ui.choice import Choice
from src_dash.ui.i18n import t
from src_dash.ui.kit.controls import button, buttons, column
from src_dash.ui.kit.widgets import callout
from src_dash.ui.pages.settings.common import (
    call,
    error_note,
    field,
    field_grid,
    section,
    select,
)
from src_dash.ui.state import UiState

# The settings typed as text (the holidays' region has its own select, whose "none" is a value).
TEXTS = tuple(name for name in TEXT_FIELDS if name != "holidays_region")
_ERRORS = {
    "sender_email": "msg.err.address",
    "reply_mailbox": "msg.err.address",
    "iban": "msg.err.iban",
    "bic": "msg.err.bic",
    "send_days": "msg.err.window",
    "send_start": "msg.err.window",
    "send_end": "msg.err.window",
    "timezone": "msg.err.timezone",
}
NO_REGION = "none"  # a select's value cannot be empty
# What the form shows before a company's settings are read (the others are empty).
_FIRST = {
    "payment_reference": "invoice",
    "send_start": "08:30",
    "send_end": "18:00",
    "timezone": "Europe/Paris",
}


def _save(
    engine: Engine, who: Viewer, company: str, days: list[int], values: dict[str, str]
) -> MessagingForm:
    """Save the settings typed for the company chosen (its id read here: a bad one is refused
    like the service's other errors)."""
    return save_messaging(engine, who, int(company), send_days=days, **values)


def _messaging_said(exc: MessagingError, reply_mailbox: str, lang: str) -> str:
    """What to say of a setting refused: the field's label and its problem, in words."""
    words = i18n.CATALOG[i18n.normalise_lang(lang)]
    label = words.get(f"msg.{exc.field}", exc.field)
    problem = words[_ERRORS.get(exc.field, "msg.err.other")]
    if exc.field == "reply_mailbox" and "+" in reply_mailbox:
        problem = words["msg.err.plus"]
    return words["msg.err"].format(field=label, problem=problem)


class MessagingState(rx.State):
    """The messaging settings of one company, as typed."""

    loaded: bool = False
    companies: list[Choice] = []
    company: str = ""
    texts: dict[str, str] = {**dict.fromkeys(TEXTS, ""), **_FIRST}
    region: str = NO_REGION
    days: list[int] = [0, 1, 2, 3, 4]
    defaults: dict[str, str] = {}
    sender: str = ""
    reply_example: str = ""
    next_opening: str = ""
    error: str = ""

    def _fill(self, form: MessagingForm) -> None:
        self.texts = {name: getattr(form, name) for name in TEXTS}
        self.region = form.holidays_region or NO_REGION
        self.days = list(form.send_days)
        self.defaults = dict(form.defaults)
        self.sender, self.reply_example = form.sender, form.reply_example
        self.next_opening = form.next_opening

    @rx.event
    async def load(self) -> None:
        """Read the companies and the settings of the chosen one."""
        done = await call(self, company_choices)
        if done.signed_out:
            return
        self.error = ""
        if done.ok:
            self.companies = [Choice(str(i), label) for i, label in done.value]
            if self.companies and self.company not in {c.value for c in self.companies}:
                self.company = self.companies[0].value
            if self.company:
                done = await call(self, messaging_form, int(self.company), language=done.lang)
                if done.ok:
                    self._fill(done.value)
        if not done.ok:
            self.error = done.error
        self.loaded = True

    @rx.event
    async def pick_company(self, value: str) -> None:
        """Show another company's settings."""
        self.company = value
        await self.load()

    @rx.event
    def set_text(self, name: str, value: str) -> None:
        """A text field typed."""
        if name in TEXTS:
            self.texts = {**self.texts, name: value}

    @rx.event
    def set_region(self, value: str) -> None:
        """The public holidays' region."""
        self.region = value

    @rx.event
    def toggle_day(self, day: int) -> None:
        """A sending day on or off."""
        self.days = sorted(set(self.days) ^ {day})

    @rx.event
    async def save(self) -> rx.event.EventSpec | None:
        """Check and save the settings."""
        values = dict(self.texts)
        values["holidays_region"] = "" if self.region == NO_REGION else self.region
        done = await call(self, _save, self.company, self.days, values, catch=(ValueError,))
        if isinstance(done.exception, MessagingError):
            self.error = _messaging_said(done.exception, self.texts["reply_mailbox"], done.lang)
            return None
        if not done.ok:
            self.error = done.error
            return None
        self.error = ""
        done = await call(self, messaging_form, done.value.company_id, language=done.lang)
        if not done.ok:
            self.error = done.error
            return None
        self._fill(done.value)
        return done.toast("msg.saved")


def _on_text(name: str):  # noqa: ANN202
    return lambda v: MessagingState.set_text(name, v)


def _input(name: str, input_id: str, **props) -> rx.Component:
    return rx.input(
        value=MessagingState.texts[name],
        on_change=_on_text(name),
        placeholder=MessagingState.defaults.get(name, ""),
        id=input_id,
        width="100%",
        **props,
    )


def _grid(*children: rx.Component) -> rx.Component:
    return field_grid(*children, columns=rx.breakpoints(initial="1", md="2"))


def _help(key: str, name: str, value: rx.Var[str], help_id: str) -> rx.Component:
    """A grey line under the sender's fields, `{name}` in its words replaced by `value`."""
    return rx.text(
        t(key, UiState.lang).replace("{" + name + "}", value),
        size="1",
        color_scheme="gray",
        word_break="break-all",
        id=help_id,
    )


def _pick(prefix: str, keys: tuple[str, ...], value: rx.Var[str], on_change, pick_id: str):  # noqa: ANN001, ANN201
    """A select over catalogue words (`prefix.key`)."""
    return rx.select.root(
        rx.select.trigger(id=pick_id, width="100%"),
        rx.select.content(
            *[rx.select.item(t(f"{prefix}.{key}", UiState.lang), value=key) for key in keys]
        ),
        value=value,
        on_change=on_change,
    )


def _sender() -> rx.Component:
    return section(
        "msg.sender",
        _grid(
            field("msg.sender_name", _input("sender_name", "msg-sender-name")),
            field("msg.sender_email", _input("sender_email", "msg-sender-email", type="email")),
            field("msg.reply_mailbox", _input("reply_mailbox", "msg-reply", type="email")),
            field("msg.phone", _input("phone", "msg-phone")),
        ),
        field(
            "msg.signature",
            rx.text_area(
                value=MessagingState.texts["signature"],
                on_change=_on_text("signature"),
                placeholder=MessagingState.defaults.get("signature", ""),
                rows="3",
                width="100%",
                id="msg-signature",
            ),
        ),
        _help("msg.from_now", "sender", MessagingState.sender, "msg-from"),
        _help("msg.reply_help", "example", MessagingState.reply_example, "msg-reply-example"),
        section_id="msg-sender",
    )


def _payment() -> rx.Component:
    return section(
        "msg.payment",
        _grid(
            field("msg.iban", _input("iban", "msg-iban")),
            field("msg.bic", _input("bic", "msg-bic")),
            field("msg.bank_name", _input("bank_name", "msg-bank")),
            field(
                "msg.payment_reference",
                _pick(
                    "msg.ref",
                    ("invoice", "customer"),
                    MessagingState.texts["payment_reference"],
                    _on_text("payment_reference"),
                    "msg-reference",
                ),
            ),
        ),
        section_id="msg-payment",
    )


def _day(day: int) -> rx.Component:
    on = MessagingState.days.contains(day)
    return rx.button(
        t(f"msg.day.{day}", UiState.lang),
        variant=rx.cond(on, "solid", "outline"),
        color_scheme=rx.cond(on, "blue", "gray"),
        size="2",
        on_click=MessagingState.toggle_day(day),
        aria_pressed=rx.cond(on, "true", "false"),
        id=f"msg-day-{day}",
        min_width="48px",
    )


def _window() -> rx.Component:
    return section(
        "msg.window",
        rx.text(t("msg.window_help", UiState.lang), size="2", color_scheme="gray"),
        field("msg.days", rx.flex(*[_day(d) for d in range(7)], wrap="wrap", gap="2")),
        _grid(
            rx.hstack(
                field("msg.start", _input("send_start", "msg-start", type="time")),
                field("msg.end", _input("send_end", "msg-end", type="time")),
                spacing="3",
                width="100%",
            ),
            field("msg.timezone", _input("timezone", "msg-timezone")),
            field(
                "msg.region",
                _pick(
                    "msg.region",
                    (NO_REGION, "57", "67", "68"),
                    MessagingState.region,
                    MessagingState.set_region,
                    "msg-region",
                ),
            ),
        ),
        callout(
            "clock",
            rx.cond(
                MessagingState.next_opening != "",
                t("msg.next", UiState.lang).replace("{when}", MessagingState.next_opening),
                t("msg.now", UiState.lang),
            ),
            size="1",
            color_scheme="blue",
            id="msg-next",
        ),
        section_id="msg-window",
    )


def messaging_tab() -> rx.Component:
    """The tab: pick a company, set its messaging, save."""
    return column(
        rx.text(t("msg.intro", UiState.lang), size="2", color_scheme="gray"),
        rx.cond(
            MessagingState.companies.length() > 1,
            field(
                "msg.company",
                select(
                    MessagingState.companies,
                    MessagingState.company,
                    MessagingState.pick_company,
                    "msg-company",
                ),
                max_width="420px",
            ),
        ),
        error_note(MessagingState.error, "msg-error"),
        _sender(),
        _payment(),
        _window(),
        buttons(
            button("save", "set.save", on_click=MessagingState.save, id="msg-save", size="3"),
        ),
        spacing="4",
    )
