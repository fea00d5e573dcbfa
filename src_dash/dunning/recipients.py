"""Who a dunning message goes to: the contacts of the step's services, with fallbacks.

Rules, for one step and one customer:
- A contact's role is its own `dunning_role` when set, else its service's (`contact_service`:
  to, cc or never). A contact whose role is "never" never receives dunning.
- To: the contacts whose service is one of the step's `to_services` (by name, ignoring case
  and accents; a service "Comptabilité clients" matches "Comptabilité"); when the step names
  none, the contacts whose role is "to".
- Cc: likewise with `cc_services`, or the role "cc"; nobody is both in To and in Cc.
- Fallback: with nobody in To, the customer's own email address (several may be separated by
  ";" or ","); the step's Cc stay.
- The customer's sales rep is added in Cc when the step says so (`cc_sales_rep`).
- Contacts without an email address are skipped. With still nobody in To, an email step has
  nobody to write to: the planner leaves the customer out with the reason "no_recipient".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Connection

from src_dash.analytics.ledger import Ledger, id_list, read_table
from src_dash.analytics.ledger import _Table as Table
from src_dash.dunning.model import Recipient
from src_dash.store import Contact, ContactService

TO, CC, NEVER = "to", "cc", "never"
_SPLIT = re.compile(r"[;,\s]+")


@dataclass(frozen=True)
class ContactRow:
    """A contact as the recipients rules see it."""

    customer_id: int
    email: str
    name: str = ""
    service: str = ""  # the service's name
    role: str = ""  # to | cc | never | "" (no service, no role of its own)


@lru_cache(maxsize=4096)
def normalise(name: str) -> str:
    """A service name without case and accents, for matching."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@lru_cache(maxsize=1024)
def _keys(wanted: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in (normalise(w) for w in wanted) if k)


def _matches(service: str, wanted: tuple[str, ...]) -> bool:
    have = normalise(service)
    if not have:
        return False
    return any(have == w or have.startswith(w + " ") for w in _keys(wanted))


def split_addresses(value: str) -> list[str]:
    """The addresses in a field that may hold several ("a@x.fr; b@x.fr")."""
    return [a for a in _SPLIT.split(value or "") if "@" in a]


def resolve(
    *,
    to_services: Iterable[str],
    cc_services: Iterable[str],
    cc_sales_rep: bool,
    contacts: Iterable[ContactRow],
    customer_email: str = "",
    customer_name: str = "",
    sales_rep_email: str = "",
    sales_rep_name: str = "",
) -> tuple[tuple[Recipient, ...], tuple[Recipient, ...]]:
    """The To and Cc recipients of one step for one customer (rules in the module docstring).

    Returns:
        (to, cc); `to` is empty when there is nobody to write to.
    """
    to_services, cc_services = tuple(to_services or ()), tuple(cc_services or ())
    usable = [c for c in contacts if c.role != NEVER and "@" in (c.email or "")]
    if to_services:
        to_rows = [c for c in usable if _matches(c.service, to_services)]
    else:
        to_rows = [c for c in usable if c.role == TO]
    if cc_services:
        cc_rows = [c for c in usable if _matches(c.service, cc_services)]
    else:
        cc_rows = [c for c in usable if c.role == CC]
    seen: set[str] = set()
    to: list[Recipient] = []
    cc: list[Recipient] = []

    def add(target: list[Recipient], email: str, name: str, source: str, service: str) -> None:
        key = email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            target.append(Recipient(email=email.strip(), name=name, source=source, service=service))

    for c in to_rows:
        add(to, c.email, c.name, "contact", c.service)
    if not to:
        for address in split_addresses(customer_email):
            add(to, address, customer_name, "customer", "")
    for c in cc_rows:
        add(cc, c.email, c.name, "contact", c.service)
    if cc_sales_rep and "@" in (sales_rep_email or ""):
        add(cc, sales_rep_email, sales_rep_name, "sales_rep", "")
    return tuple(to), tuple(cc)


_CONTACTS = Table(
    "SELECT id, customer_id, email, first_name, last_name, dunning_role, service_id FROM contact",
    {
        "contact_id": pl.Int64,
        "customer_id": pl.Int32,
        "email": pl.String,
        "first_name": pl.String,
        "last_name": pl.String,
        "role": pl.String,
        "service_id": pl.Int64,
    },
)


FEW_CUSTOMERS = 200  # up to this many customers, their contacts are read from the store


def contacts_for(
    ledger: Ledger, conn: Connection, customer_ids: Iterable[int]
) -> dict[int, list[ContactRow]]:
    """The contacts of some customers, with their service's name and effective role.

    For a few customers (one item dunned now, a customer's card) the rows are read from the
    store; for a mass run, every contact is read once and kept with the ledger's parties (the
    sync and the services that change contacts bump the parties' version). The services'
    roles are always read fresh.
    """
    ids = sorted({int(i) for i in customer_ids})
    if len(ids) <= FEW_CUSTOMERS:
        sql = f"{_CONTACTS.sql} WHERE customer_id IN ({id_list(ids)})"
        frame = read_table(conn, Table(sql, _CONTACTS.schema))
        frame = frame.filter(pl.col("email").str.contains("@"))
    else:
        engine = conn.engine

        def load() -> pl.DataFrame:
            with engine.connect() as fresh:
                return read_table(fresh, _CONTACTS).filter(pl.col("email").str.contains("@"))

        frame = ledger.memo(("dunning_contacts",), load, keep="parties")
    s = ContactService.__table__
    services = {
        r.id: (r.name or "", r.dunning_role or "")
        for r in conn.execute(select(s.c.id, s.c.name, s.c.dunning_role)).all()
    }
    wanted = pl.Series(ids, dtype=pl.Int32)
    cols = (
        frame.filter(pl.col("customer_id").is_in(wanted.implode()))
        .sort("contact_id")
        .to_dict(as_series=False)
    )
    out: dict[int, list[ContactRow]] = {}
    for i in range(len(cols["contact_id"])):
        service, service_role = services.get(cols["service_id"][i], ("", ""))
        name = " ".join(p for p in (cols["first_name"][i], cols["last_name"][i]) if p)
        out.setdefault(cols["customer_id"][i], []).append(
            ContactRow(
                customer_id=cols["customer_id"][i],
                email=cols["email"][i],
                name=name,
                service=service,
                role=cols["role"][i] or service_role,
            )
        )
    return out


def load_contacts(conn: Connection, customer_ids: Iterable[int]) -> dict[int, list[ContactRow]]:
    """The contacts of some customers, with their service's name and effective role."""
    c, s = Contact.__table__, ContactService.__table__
    ids = sorted(set(customer_ids))
    out: dict[int, list[ContactRow]] = {}
    query = select(
        c.c.customer_id,
        c.c.email,
        c.c.civility,
        c.c.first_name,
        c.c.last_name,
        c.c.dunning_role,
        s.c.name,
        s.c.dunning_role.label("service_role"),
    ).select_from(c.outerjoin(s, s.c.id == c.c.service_id))
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        rows = conn.execute(query.where(c.c.customer_id.in_(chunk)).order_by(c.c.id)).all()
        for row in rows:
            name = " ".join(p for p in (row.first_name, row.last_name) if p)
            out.setdefault(row.customer_id, []).append(
                ContactRow(
                    customer_id=row.customer_id,
                    email=row.email or "",
                    name=name,
                    service=row.name or "",
                    role=row.dunning_role or row.service_role or "",
                )
            )
    return out
