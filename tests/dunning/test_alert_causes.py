"""One alert per cause and customer, each with what fixes it (SQLite and PostgreSQL): a customer
nobody can be written to gets one alert, not "no recipient" from the run plus "no contact" from
the scan; bounced emails of a customer make one alert; the page links each to its fix."""

from __future__ import annotations

from conftest import TODAY, World, days
from sqlalchemy import insert, select

from src_dash.access import viewer
from src_dash.dunning.alerts import (
    ADD_CONTACT,
    CORRECT_EMAIL,
    EMAIL_BOUNCED,
    LIFT_STOP,
    NO_CONTACT,
    NO_RECIPIENT,
    list_alerts,
    message_alert,
    raise_alerts,
)
from src_dash.dunning.runs import create_run
from src_dash.store import Alert, Message, User
from src_dash.ui.i18n import Formats
from src_dash.ui.pages.alerts import format_alerts


def _admin(world: World) -> int:
    with world.engine.begin() as conn:
        return conn.execute(
            insert(User.__table__)
            .values(login="admin", name="Claire Admin", role="admin")
            .returning(User.__table__.c.id)
        ).scalar_one()


def _open(world: World, customer_id: int) -> list[str]:
    a = Alert.__table__
    with world.engine.connect() as conn:
        return sorted(
            conn.execute(
                select(a.c.kind).where(a.c.customer_id == customer_id, a.c.resolved_at.is_(None))
            ).scalars()
        )


def test_nobody_to_write_to_is_one_alert_whatever_finds_it_first(world: World) -> None:
    mute = world.customer("MUTE", email="")
    world.item(mute, "900.00", days(-20))
    plan = world.plan()
    assert [e.reason for e in plan.exclusions if e.customer_id == mute] == ["no_recipient"]
    # The run finds it first...
    assert create_run(world.engine, plan).alerts == 1
    assert _open(world, mute) == [NO_RECIPIENT]
    # ...then the scan: its "no contact" stands for the run's, which is resolved.
    scan = raise_alerts(world.engine, TODAY)
    assert scan.raised.get(NO_CONTACT) == 1 and scan.resolved.get(NO_RECIPIENT) == 1
    assert _open(world, mute) == [NO_CONTACT]
    # A run on the next day raises nothing more; the scan again changes nothing.
    later = world.plan(as_of=days(1))
    assert create_run(world.engine, later).alerts == 0
    assert _open(world, mute) == [NO_CONTACT]
    again = raise_alerts(world.engine, TODAY)
    assert (again.raised, again.resolved) == ({}, {})

    # The page shows one alert for the customer, with the link to add a contact.
    who = viewer(world.engine, _admin(world))
    (row,) = [r for r in list_alerts(world.engine, who) if r.customer_id == mute]
    assert (row.kind, row.fix) == (NO_CONTACT, ADD_CONTACT)
    (view,) = format_alerts([row], Formats(lang="fr"))
    assert view.fix_label == "Ajouter un contact"
    assert view.fix_href.endswith(f"/{mute}#contacts") or view.fix_href.endswith("#contacts")


def test_a_customers_bounced_emails_are_one_alert_and_each_kind_has_its_fix(world: World) -> None:
    cid = world.customer("BOUNCY")
    stopped = world.customer("STOPPED", do_not_dun=True)
    world.item(stopped, "400.00", days(-30))
    m = Message.__table__
    ids = []
    with world.engine.begin() as conn:
        for n in range(3):
            ids.append(
                conn.execute(
                    insert(m)
                    .values(
                        customer_id=cid,
                        channel="email",
                        status="bounced",
                        idempotency_key=f"bounce-{n}",
                        recipients_to=[{"email": "compta@bouncy.test"}],
                        recipients_cc=[],
                    )
                    .returning(m.c.id)
                ).scalar_one()
            )
        raised = [
            message_alert(conn, EMAIL_BOUNCED, i, "email bounced: 550 no such user") for i in ids
        ]
    assert [r is not None for r in raised] == [True, False, False]
    assert _open(world, cid) == [EMAIL_BOUNCED]
    raise_alerts(world.engine, TODAY)
    who = viewer(world.engine, _admin(world))
    fixes = {r.kind: r.fix for r in list_alerts(world.engine, who)}
    assert fixes[EMAIL_BOUNCED] == CORRECT_EMAIL
    assert fixes["do_not_dun"] == LIFT_STOP
    views = {v.kind: v for v in format_alerts(list_alerts(world.engine, who), Formats(lang="en"))}
    assert views["do_not_dun"].fix_href.endswith("#dunning")
    assert views["do_not_dun"].fix_label == "Lift the dunning stop"
