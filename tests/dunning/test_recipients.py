"""Recipients: To and Cc by service, the customer's email as fallback, the sales rep in Cc, and
"no_recipient" when there is nobody to write to."""

from __future__ import annotations

from dataclasses import replace

from conftest import days

from src_dash.dunning.recipients import ContactRow, resolve, split_addresses
from src_dash.dunning.scenarios import get_scenario, save_scenario

CONTACTS = [
    ContactRow(1, "compta@x.test", "Anne", "Comptabilité clients", "to"),
    ContactRow(1, "dg@x.test", "Bob", "Direction", "cc"),
    ContactRow(1, "achat@x.test", "Carl", "Achats", "cc"),
    ContactRow(1, "vente@x.test", "Dan", "Commercial", "never"),
    ContactRow(1, "", "Eve", "Comptabilité", "to"),  # no address: skipped
    ContactRow(1, "perso@x.test", "Fay", "Direction", "never"),  # her own role: never
]


def _emails(recipients) -> list[str]:  # noqa: ANN001
    return [r.email for r in recipients]


def test_roles_of_the_services_when_the_step_names_none():
    to, cc = resolve(to_services=(), cc_services=(), cc_sales_rep=False, contacts=CONTACTS)
    assert _emails(to) == ["compta@x.test"]
    assert _emails(cc) == ["dg@x.test", "achat@x.test"]
    assert (to[0].source, to[0].service, to[0].name) == ("contact", "Comptabilité clients", "Anne")


def test_the_step_names_its_services_ignoring_case_and_accents():
    to, cc = resolve(
        to_services=("comptabilite",), cc_services=("DIRECTION",), cc_sales_rep=False,
        contacts=CONTACTS,
    )  # fmt: skip
    assert _emails(to) == ["compta@x.test"] and _emails(cc) == ["dg@x.test"]
    # A contact whose role is "never" is never written to, whatever the step says.
    to, cc = resolve(
        to_services=("Commercial",), cc_services=(), cc_sales_rep=False, contacts=CONTACTS,
        customer_email="",
    )  # fmt: skip
    assert to == ()
    # Nobody is both in To and in Cc.
    to, cc = resolve(
        to_services=("Direction",), cc_services=("Direction", "Achats"), cc_sales_rep=False,
        contacts=CONTACTS,
    )  # fmt: skip
    assert _emails(to) == ["dg@x.test"] and _emails(cc) == ["achat@x.test"]


def test_the_customers_email_is_the_fallback_and_the_sales_rep_goes_in_cc():
    to, cc = resolve(
        to_services=("Comptabilité",), cc_services=(), cc_sales_rep=True, contacts=[],
        customer_email="a@c.test; b@c.test", customer_name="Client", sales_rep_email="rep@s.test",
        sales_rep_name="Rep",
    )  # fmt: skip
    assert [(r.email, r.source) for r in to] == [("a@c.test", "customer"), ("b@c.test", "customer")]
    assert [(r.email, r.source, r.name) for r in cc] == [("rep@s.test", "sales_rep", "Rep")]
    to, cc = resolve(
        to_services=(), cc_services=(), cc_sales_rep=True, contacts=[], customer_email="",
        sales_rep_email="",
    )  # fmt: skip
    assert to == () and cc == ()
    assert split_addresses("x@y.fr, z@y.fr;bad") == ["x@y.fr", "z@y.fr"]


def test_the_plan_writes_to_the_contacts_and_says_when_nobody_can_be_written_to(world):
    with_contacts = world.customer("CONTACTS")
    world.contact(with_contacts, "compta@contacts.test", "Comptabilité")
    world.contact(with_contacts, "dg@contacts.test", "Direction")
    world.contact(with_contacts, "sales@contacts.test", "Commercial")
    world.contact(with_contacts, "own@contacts.test", role="to")  # no service, a role of its own
    world.item(with_contacts, "300.00", days(-40))
    fallback = world.customer("FALLBACK")
    world.contact(fallback, "sales@fallback.test", "Commercial")
    world.item(fallback, "300.00", days(-40))
    nobody = world.customer("NOBODY", email="")
    world.contact(nobody, "sales@nobody.test", "Commercial")
    item = world.item(nobody, "300.00", days(-40))

    p = world.plan()
    by_customer = {x.customer_id: x for x in p.proposals}
    # The default steps write to the accounting services (Comptabilité, Recouvrement).
    mail = by_customer[with_contacts]
    assert _emails(mail.to) == ["compta@contacts.test"]
    assert _emails(mail.cc) == ["dg@contacts.test"]
    assert _emails(by_customer[fallback].to) == ["compta@fallback.test"]
    assert by_customer[fallback].to[0].source == "customer"
    assert nobody not in by_customer
    (excluded,) = [e for e in p.exclusions if e.customer_id == nobody]
    assert excluded.reason == "no_recipient" and "email" in excluded.detail
    step = next(s for s in get_scenario(world.engine, "PME").steps if s.level == 1)
    assert (excluded.note, excluded.level) == (step.name, 1) and excluded.detail.startswith(
        f"{step.name or step.phase} (email)"
    )
    assert p.counts["excluded:no_recipient"] == 1

    # A letter step still goes (it needs no email address), and the sales rep may be copied.
    world.state(item, level=2, last_dunned_on=days(-20))
    pme = get_scenario(world.engine, "PME")
    steps = tuple(
        replace(s, cc_sales_rep=True) if s.level == 3 and s.channel == "email" else s
        for s in pme.steps
    )
    save_scenario(world.engine, replace(pme, steps=steps))
    p = world.plan()
    assert [(x.level, x.channel) for x in p.proposals if x.customer_id == nobody] == [(3, "letter")]
    assert [e.reason for e in p.exclusions if e.customer_id == nobody] == ["no_recipient"]
    world.state(item, level=2, last_dunned_on=days(-20))
    world.set_customer(nobody, email="boss@nobody.test")
    p = world.plan()
    mail = next(x for x in p.proposals if x.customer_id == nobody and x.channel == "email")
    assert _emails(mail.to) == ["boss@nobody.test"]
    assert [(r.email, r.source) for r in mail.cc] == [("paul.girard@hand.test", "sales_rep")]
