"""The shared input checks."""

from __future__ import annotations

import pytest

from src_dash.services.inputs import InvalidInput, check_one_of, email_field, id_list


def test_check_one_of_names_the_first_value_not_allowed() -> None:
    check_one_of("grades", ["A", "C"], ("A", "B", "C"))
    check_one_of("grades", [], ("A",))
    with pytest.raises(InvalidInput, match=r"grades: 'X' is not one of A, B") as caught:
        check_one_of("grades", ["A", "X", "Y"], ("A", "B"))
    assert caught.value.field == "grades"


def test_check_one_of_takes_a_mapping_s_keys() -> None:
    check_one_of("sort", ["due_date"], {"due_date": "due", "level": "level"})
    with pytest.raises(InvalidInput, match="sort: 'due' is not one of due_date, level"):
        check_one_of("sort", ["due"], {"due_date": "due", "level": "level"})


@pytest.mark.parametrize(
    "typed",
    [
        "a@b.fr, c@d.fr",
        "a@b.fr;c@d.fr",
        "Alice <a@b.fr>",
        "a@b.fr\r\nBcc: x@y.fr",
        "a@b.fr\x00",
        "a@localhost",
        "not-an-address",
        "a@@b.fr",
        "a b@c.fr",
    ],
)
def test_email_field_refuses_what_cannot_go_into_one_header(typed: str) -> None:
    with pytest.raises(InvalidInput, match="email: .* is not one email address") as caught:
        email_field(typed)
    assert caught.value.field == "email"


def test_email_field_keeps_one_plain_address_and_allows_none() -> None:
    assert email_field("  alice.martin@client.test ") == "alice.martin@client.test"
    assert email_field("") == ""
    assert email_field(None) == ""
    with pytest.raises(InvalidInput, match="too long|long"):
        email_field("a" * 120 + "@b.fr")


def test_id_list_refuses_ids_the_store_cannot_hold() -> None:
    assert id_list(["3", 1, 3], "items") == [3, 1]
    assert id_list([2**31 - 1], "items") == [2**31 - 1]
    for bad in (2**31, -1, 0, 10**30, "1e3", None):
        with pytest.raises(InvalidInput, match="items: .* is not an id"):
            id_list([bad], "items")
