"""The encoding of a FEC file is decided on the whole file; copies of lines are counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from src_dash.sources.fec import FecError, read_fec
from src_dash.sources.fec_text import LineCopies, detect, iter_lines

HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)
NAME = "123456789FEC20241231.txt"


def fec_text(label: str, customer: str = "Café Dupont", lines: int = 1) -> str:
    """A small balanced FEC: `lines` invoices of one customer, with that label."""
    rows = [HEADER]
    for n in range(1, lines + 1):
        rows += [
            f"VE\tVentes\t{n}\t20240110\t41100000\tClients\tC001\t{customer}\tF{n}\t20240110\t"
            f"{label}\t120,00\t0,00\t\t\t20240110\t\t",
            f"VE\tVentes\t{n}\t20240110\t70600000\tPrestations\t\t\tF{n}\t20240110\t{label}\t"
            "0,00\t120,00\t\t\t20240110\t\t",
        ]
    return "\n".join(rows) + "\n"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / NAME
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("codec", "label", "expected"),
    [
        ("utf-8", "Œuvre – 1 250 € d’été", "utf-8"),
        ("utf-8-sig", "Œuvre – 1 250 € d’été", "utf-8-sig"),
        # Windows-1252: "Œ", "–", "€", "’" are bytes 0x80-0x9F, control characters in Latin-9.
        ("cp1252", "Œuvre – 1 250 € d’été", "cp1252"),
        ("iso-8859-15", "Œuvre - 1 250 € d'été", "iso-8859-15"),
        ("latin-1", "Crème brûlée", "iso-8859-15"),
    ],
)
def test_each_encoding_reads_its_accents(
    tmp_path: Path, codec: str, label: str, expected: str
) -> None:
    path = write(tmp_path, fec_text(label).encode(codec))
    fec = read_fec(path)
    assert fec.encoding == expected
    assert fec.entries[0].label == label
    assert fec.customers[0].name == "Café Dupont"


def test_latin9_pairs_that_happen_to_be_utf8_do_not_make_the_file_utf8(tmp_path: Path) -> None:
    # "É" then a non-breaking space is C9 A0 in Latin-9, valid UTF-8 for U+0260 ("ɠ"): no
    # French text has that, so the file is still read as Latin-9, accents right.
    path = write(tmp_path, fec_text("CAFÉ\xa0DE LA GARE").encode("iso-8859-15"))
    fec = read_fec(path)
    assert fec.encoding == "iso-8859-15"
    assert fec.entries[0].label == "CAFÉ\xa0DE LA GARE"


def test_utf8_with_one_latin9_byte_is_refused_at_that_byte(tmp_path: Path) -> None:
    good = fec_text("Facture été", lines=3).encode("utf-8")
    lines = good.split(b"\n")
    lines[4] = lines[4].replace("Facture été".encode(), b"Facture \xe9t\xe9", 1)
    path = write(tmp_path, b"\n".join(lines))
    with pytest.raises(FecError) as caught:
        read_fec(path)
    error = caught.value
    assert (error.line, error.column) == (5, "EcritureLib")
    assert error.message == (
        "byte 0xE9 is not UTF-8, yet the file has UTF-8 accents elsewhere: save it again in one "
        "encoding (UTF-8 or ISO-8859-15)"
    )


def test_a_bom_with_a_latin9_byte_is_refused(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + fec_text("Facture \xe9t\xe9").encode("iso-8859-15")
    with pytest.raises(FecError) as caught:
        read_fec(write(tmp_path, data))
    assert (caught.value.line, caught.value.column) == (2, "CompAuxLib")
    assert caught.value.message.startswith("byte 0xE9 is not UTF-8")


def test_a_bad_byte_in_the_header_names_no_column(tmp_path: Path) -> None:
    data = fec_text("été").encode("utf-8").replace(b"JournalLib", b"JournalL\xefb", 1)
    with pytest.raises(FecError) as caught:
        read_fec(write(tmp_path, data))
    assert (caught.value.line, caught.value.column) == (1, None)


def test_an_invalid_byte_far_into_a_large_file_is_found(tmp_path: Path) -> None:
    # Far beyond the first chunk read, so the offset is counted across chunks.
    text = fec_text("Facture été", lines=40_000)
    data = bytearray(text.encode("utf-8"))
    at = len(data) - 30
    data[at] = 0xE9
    path = write(tmp_path, bytes(data))
    with pytest.raises(FecError) as caught:
        detect(path)
    assert caught.value.line == text.count("\n")  # the last line


def test_cp1252_with_its_undefined_bytes_falls_back_to_latin9(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252: the file cannot be that; Latin-9 decodes any byte.
    data = fec_text("Ligne \x81 étrange").encode("latin-1")
    assert detect(write(tmp_path, data)) == ("iso-8859-15", False)


def test_lines_and_their_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, b"a\r\r\nb\r\n\r\nc")
    assert list(iter_lines(path, "utf-8", False)) == [(1, "a"), (2, "b"), (3, ""), (4, "c")]
    path.write_bytes(b"a\rb\rc\r")
    assert detect(path) == ("utf-8", True)
    assert list(iter_lines(path, "utf-8", True)) == [(1, "a"), (2, "b"), (3, "c")]


def test_line_copies_count_exact_copies_and_the_longest_run() -> None:
    copies = LineCopies(expected_lines=100)
    body = [f"line {i}" for i in range(10)]
    copies.add(["header", *body[:5]])
    copies.add(["", *body[5:], "", "line 3"])  # blank lines are not copies
    copies.add(body)  # the body again
    assert copies.copies == 11
    assert copies.first == 14  # "line 3" again
    assert copies.run == (14, 24)  # it, then the body again
    assert copies.modulus == 1


def test_line_copies_sample_large_files_by_content() -> None:
    copies = LineCopies(expected_lines=10_000, exact_lines=1_000)
    assert copies.modulus == 11
    body = [f"{i};some content of an accounting line" for i in range(5_000)]
    copies.add(body)
    copies.add(body)
    # An estimate: the sampled lines' copies scaled by the modulus.
    assert 4_000 <= copies.copies <= 6_000
    assert copies.first > 5_000 and copies.run[1] > copies.run[0] > 5_000
