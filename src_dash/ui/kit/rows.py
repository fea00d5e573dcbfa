"""The pieces the pages' row modules share: a labelled figure, a contact, a status badge, a
customer's link, a message shown in the kit's dialog, and the catalogue and "N days" of the
viewer's language. Plain dataclasses (they work as state var types, base fields first) and
functions: no state, no component."""

from __future__ import annotations

import dataclasses

from src_dash.ui import i18n
from src_dash.ui.i18n import Formats

# The badge colour of a contact's role in the dunning: addressee, copy, never written to.
ROLE_COLORS = {"to": "green", "cc": "blue", "never": "gray", "": "gray"}


@dataclasses.dataclass
class Labelled:
    """A value with its label."""

    label: str = ""
    value: str = ""


@dataclasses.dataclass
class Figure(Labelled):
    """A labelled figure: `key` marks it for the tests, `tone` colours its value ("" plain)."""

    key: str = ""
    tone: str = ""


@dataclasses.dataclass
class Contact:
    """A contact line: who, how to reach them, and the badge of their role."""

    name: str = ""
    email: str = ""
    phone: str = ""
    role: str = ""
    role_color: str = "gray"


@dataclasses.dataclass
class Status:
    """A line with a status: its words and its badge's colour."""

    status: str = ""
    status_color: str = "gray"


@dataclasses.dataclass
class CustomerLine:
    """A line about one customer: its id, the link to its card, its name."""

    customer_id: int = 0
    href: str = ""
    customer: str = ""


@dataclasses.dataclass
class ShownMessage:
    """A message as the kit's message dialog shows it: subject, channel, addressees (not `to`:
    on a page it would be the object var's method), body as HTML and as text."""

    subject: str = ""
    channel: str = ""
    recipients: str = ""
    copies: str = ""
    html: str = ""
    text: str = ""


def role_color(role: str) -> str:
    """The badge colour of a contact's role."""
    return ROLE_COLORS.get(role, "gray")


def catalog(lang: str) -> dict[str, str]:
    """The catalogue of the viewer's language."""
    return i18n.CATALOG[i18n.normalise_lang(lang)]


def days(n: int, fmt: Formats) -> str:
    """ "12 jours" / "12 days", the count in the viewer's format."""
    return i18n.text("unit.days", fmt.lang).format(value=fmt.count(n))
