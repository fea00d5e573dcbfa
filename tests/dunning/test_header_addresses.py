"""Only one plain address ever reaches a mail header: a CR/LF, a second address or a display
name in an address is refused before the message is built (no header or recipient injected)."""

from __future__ import annotations

import pytest

from src_dash.dunning.smtp import BadAddress, build_email, one_address

INJECTIONS = [
    "a@b.fr\r\nBcc: spy@evil.example",
    "a@b.fr\nBcc: spy@evil.example",
    "a@b.fr\rX: y",
    "a@b.fr, spy@evil.example",
    "a@b.fr; spy@evil.example",
    "Claire <a@b.fr>",
    "<a@b.fr>",
    "a@b.fr\x00",
    "a b@c.fr",
    "",
    "no-at-sign",
    '"a@b"@c.fr',
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_anything_but_one_address_is_refused(value):
    with pytest.raises(BadAddress):
        one_address(value)


@pytest.mark.parametrize(
    "value", ["a@b.fr", " claire.martin+relances@pme-exemple.fr ", "root@localhost"]
)
def test_plain_addresses_pass(value):
    assert one_address(value) == value.strip()


@pytest.mark.parametrize("field", ["sender", "reply_to"])
def test_a_bad_sender_or_reply_to_is_refused(field):
    kwargs = {
        "sender": "relances@pme.fr",
        "to": (("client@exemple.fr", "Client"),),
        "cc": (),
        "subject": "Relance",
        "text": "x",
        "html": "",
        "message_id": "<1@pme.fr>",
    }
    kwargs[field] = "client@exemple.fr\r\nBcc: spy@evil.example"
    with pytest.raises(BadAddress):
        build_email(**kwargs)


@pytest.mark.parametrize("bad", INJECTIONS)
def test_a_bad_recipient_is_left_out_of_the_headers(bad):
    data = build_email(
        sender="relances@pme.fr",
        to=((bad, "Client"), ("compta@exemple.fr", "Compta")),
        cc=((bad, ""),),
        subject="Relance",
        text="x",
        html="",
        message_id="<1@pme.fr>",
    )
    head = data.split(b"\r\n\r\n", 1)[0].decode()
    assert "spy@evil" not in head and "Bcc" not in head
    assert "compta@exemple.fr" in head


def test_names_with_line_breaks_are_folded_not_injected():
    data = build_email(
        sender="Service relances <relances@pme.fr>",
        to=(("client@exemple.fr", "Client\r\nBcc: spy@evil.example"),),
        cc=(),
        subject="Relance\r\nBcc: spy@evil.example",
        text="x",
        html="",
        message_id="<1@pme.fr>",
    )
    head = data.split(b"\r\n\r\n", 1)[0]
    assert not any(line.startswith(b"Bcc") for line in head.split(b"\r\n"))
