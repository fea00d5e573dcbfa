"""The FEC field parsers: amounts are read as written or refused, never guessed; dates in range."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from src_dash.sources.fec_format import (
    MAX_CENTS,
    is_grouped,
    looks_like_amount,
    parse_cents,
    parse_date,
)

cents_values = st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS)


def plain(cents: int, decimal: str = ",", pad: int = 0) -> str:
    """An amount as a FEC writes it: "-1234,56", zero-padded to `pad` digits."""
    whole, frac = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{str(whole).zfill(pad)}{decimal}{frac:02d}"


def grouped(cents: int, thousands: str = ".", decimal: str = ",") -> str:
    """An amount with thousands separators: "-1.234.567,89"."""
    whole, frac = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{f'{whole:,}'.replace(',', thousands)}{decimal}{frac:02d}"


@given(cents_values, st.sampled_from([",", "."]), st.integers(0, 14))
def test_an_amount_with_two_decimals_reads_as_written(cents: int, decimal: str, pad: int) -> None:
    assert parse_cents(plain(cents, decimal, pad)) == cents
    assert parse_cents(f"  {plain(cents, decimal, pad)}  ") == cents
    if cents >= 0:
        assert parse_cents("+" + plain(cents, decimal, pad)) == cents


@given(cents_values)
def test_unambiguous_thousands_separators_read_right(cents: int) -> None:
    for text in (grouped(cents, ".", ","), grouped(cents, ",", ".")):
        assert parse_cents(text) == cents
        assert is_grouped(text) == (abs(cents) >= 100_000)


@given(st.integers(1, 999), st.integers(0, 999))
def test_a_dot_and_three_digits_is_refused_not_guessed(whole: int, frac: int) -> None:
    text = f"{whole}.{frac:03d}"
    with pytest.raises(ValueError, match="is ambiguous: write"):
        parse_cents(text)


@given(st.integers(0, 10**12), st.integers(1, 9))
def test_more_than_two_decimals_is_refused_for_book_amounts(whole: int, last: int) -> None:
    text = f"{whole},12{last}1"
    with pytest.raises(ValueError, match="more than 2 decimals"):
        parse_cents(text)
    # An amount in currency may have more; it is rounded half to even.
    assert parse_cents(text, exact=False) == whole * 100 + 12 + (last >= 5)


@given(st.integers(MAX_CENTS + 1, 10**30))
def test_too_large_for_the_store_is_refused(cents: int) -> None:
    with pytest.raises(ValueError, match=r"is too large \(at most 9999999999999,99\)"):
        parse_cents(plain(cents))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("6.000", "'6.000' is ambiguous: write 6000,00 or 6,00"),
        ("-6.000", "'-6.000' is ambiguous: write -6000,00 or -6,00"),
        ("0006.120", "'0006.120' is ambiguous: write 6120,00 or 6,12"),
        ("1.234", "'1.234' is ambiguous: write 1234,00"),
        ("12,340", "'12,340' is ambiguous: write 12340,00 or 12,34"),
        ("12,345", "'12,345' has more than 2 decimals"),
        ("1.2.3", "'1.2.3' is not an amount"),
        ("12.34,56", "'12.34,56' is not an amount"),
        ("1,234,56.7", "'1,234,56.7' is not an amount"),
        ("1.234,567.8", "'1.234,567.8' is not an amount"),
        ("1 234,56", "'1 234,56' is not an amount"),
        ("1e3", "'1e3' is not an amount"),
        ("1_000", "'1_000' is not an amount"),
        ("NaN", "'NaN' is not an amount"),
        ("٣", "'٣' is not an amount"),
        ("-", "'-' is not an amount"),
        (",", "',' is not an amount"),
    ],
)
def test_bad_amounts(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_cents(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("", 0),
        ("   ", 0),
        ("0,000", 0),  # zero either way: not ambiguous
        ("0.000", 0),
        ("12,3400", 1234),  # four decimals cannot be a thousands group
        ("1.234.567", 123456700),
        ("1,234,567", 123456700),
        ("1.234,5", 123450),
        (".5", 50),
        ("0000000069,60", 6960),
        ("-0000000069,60", -6960),
    ],
)
def test_good_amounts(text: str, cents: int) -> None:
    assert parse_cents(text) == cents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("00000000", None),
        ("17530101", None),  # Sage's empty date
        ("19000101", None),
        ("19000102", date(1900, 1, 2)),
        ("21001231", date(2100, 12, 31)),
        ("20240229", date(2024, 2, 29)),
    ],
)
def test_dates(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("99991231", "'99991231' is out of range (years 1900 to 2100)"),
        ("00010101", "'00010101' is out of range (years 1900 to 2100)"),
        ("18991231", "'18991231' is out of range (years 1900 to 2100)"),
        ("21010101", "'21010101' is out of range (years 1900 to 2100)"),
        ("20230229", "'20230229' is not a valid date"),
        ("2023-01-01", "'2023-01-01' is not a date in the AAAAMMJJ format"),
    ],
)
def test_bad_dates(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_date(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "amount"),
    [("0,00", True), ("-12.50", True), ("0000000069,60", True), ("AA", False), ("12", False)],
)
def test_looks_like_amount(text: str, amount: bool) -> None:
    assert looks_like_amount(text) is amount
