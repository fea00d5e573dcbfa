"""Reply-To addresses: the token names its message and only its message."""

from __future__ import annotations

import pytest

from src_dash.dunning.reply_address import parse_reply_token, reply_to, reply_token

SECRET = b"company-secret"


def test_reply_to_tags_the_mailbox_and_parses_back() -> None:
    address = reply_to("relances@Domaine.fr", 123, SECRET)
    assert address.startswith("relances+m123-")
    assert address.endswith("@domaine.fr")
    assert len(address.split("+")[1].split("@")[0]) == len("m123-") + 8
    assert parse_reply_token(address, SECRET) == 123
    assert parse_reply_token(address) == 123
    # as a header value, upper-cased by a mail client
    assert parse_reply_token(f'"Relances" <{address.upper()}>', SECRET) == 123


def test_an_existing_tag_is_replaced() -> None:
    assert reply_to("relances+old@x.fr", 7, SECRET) == f"relances+{reply_token(7, SECRET)}@x.fr"


def test_forged_or_foreign_tags_are_refused() -> None:
    address = reply_to("relances@x.fr", 123, SECRET)
    forged = address.replace("m123-", "m124-")
    assert parse_reply_token(forged, SECRET) is None
    assert parse_reply_token(address, b"another company") is None
    for other in ("relances@x.fr", "relances+hello@x.fr", "not an address", "", "r+m0-12345678@x"):
        assert parse_reply_token(other, SECRET) is None


def test_a_mailbox_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(ValueError, match="relances"):
        reply_to("relances", 1, SECRET)
