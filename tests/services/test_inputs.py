"""The shared input checks."""

from __future__ import annotations

import pytest

from src_dash.services.inputs import InvalidInput, check_one_of


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
