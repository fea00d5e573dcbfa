"""The bytes of a FEC file as lines of text: its encoding, its line ends, its lines.

Part of the FEC reader (`src_dash.sources.fec`). The encoding is decided on the whole file
before any line is read, so that one odd byte never changes how the rest is decoded:

- UTF-8 (with or without BOM) when the whole file is valid UTF-8;
- refused when the file has a BOM or UTF-8 accents ("é" as two bytes) and also bytes that are
  not UTF-8: decoding it as anything would garble one or the other, so the error names the line
  and column of the first bad byte;
- else Windows-1252 when the file uses the bytes 0x80-0x9F that only Windows-1252 defines
  ("€", "Œ", "–", "’" of French Windows exports);
- else ISO-8859-15, the encoding the FEC rules name.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from src_dash.sources.fec_format import FecError

__all__ = ["LineCopies", "detect", "iter_lines"]

_CHUNK = 1 << 22
# Characters of written French or Western text beyond ASCII: Latin letters with accents, Œ,
# typographic quotes and dashes, €, ™: what an accent typed in a UTF-8 file gives. Pairs of
# ISO-8859-15 bytes that happen to form valid UTF-8 ("É" then a non-breaking space is U+0260)
# decode to characters outside these ranges.
_TEXT_CHARACTER = re.compile("[\u00a0-\u017f\u2010-\u206f\u20a0-\u20cf\u2100-\u214f]")
# Deleting every other byte leaves the bytes 0x80-0x9F: control characters in ISO-8859-15,
# letters and signs in Windows-1252, which leaves five of them undefined.
_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)
_NOT_CP1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _has_utf8_text(data: bytes) -> bool:
    """Whether `data` holds UTF-8 for a character of written text (not mere stray bytes)."""
    # The decoder drops what is not UTF-8 and keeps the valid sequences, at C speed.
    valid = data.decode("utf-8", "ignore")
    return not valid.isascii() and _TEXT_CHARACTER.search(valid) is not None


def detect(path: Path) -> tuple[str, bool]:
    """Return (encoding, cr_only) of a file, reading it in chunks.

    Returns:
        The codec name ("utf-8", "utf-8-sig", "cp1252" or "iso-8859-15") and whether the lines
        end with CR alone.

    Raises:
        FecError: the file is empty, UTF-16, or UTF-8 with some bytes that are not.
    """
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
        if not head.strip():
            raise FecError(path, None, None, "the file is empty")
        has_bom = head.startswith(codecs.BOM_UTF8)
        if not has_bom and head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FecError(
                path, None, None, "UTF-16 is not supported; save the file as UTF-8 or ISO-8859-15"
            )
        cr_only = b"\n" not in head and b"\r" in head
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk, offset = head, 0
        bad_at = -1
        try:
            while chunk:
                decoder.decode(chunk)
                offset += len(chunk)
                chunk = fh.read(_CHUNK)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            # exc.object is the decoder's pending bytes followed by this chunk.
            bad_at = offset - (len(exc.object) - len(chunk)) + exc.start
    if bad_at < 0:
        return ("utf-8-sig" if has_bom else "utf-8"), cr_only
    utf8_accents = has_bom
    c1 = not_cp1252 = False
    with path.open("rb") as fh:
        tail = b""
        while chunk := fh.read(_CHUNK):
            # Three bytes of the previous chunk, so that no sequence is cut in two.
            data = tail + chunk
            tail = data[-3:]
            utf8_accents = utf8_accents or _has_utf8_text(data)
            high = chunk.translate(None, _NOT_C1)
            c1 = c1 or bool(high)
            not_cp1252 = not_cp1252 or not _NOT_CP1252.isdisjoint(high)
    if utf8_accents:
        line, column, byte = _locate(path, bad_at, cr_only)
        raise FecError(
            path,
            line,
            column,
            f"byte 0x{byte:02X} is not UTF-8, yet the file has UTF-8 accents elsewhere: save it "
            "again in one encoding (UTF-8 or ISO-8859-15)",
        )
    return ("cp1252" if c1 and not not_cp1252 else "iso-8859-15"), cr_only


def _locate(path: Path, offset: int, cr_only: bool) -> tuple[int, str | None, int]:
    """The line number, column name and value of the byte at `offset` (an error's rare path)."""
    with path.open("rb") as fh:
        before = fh.read(offset)
        byte = fh.read(1)[0]
    eol = b"\r" if cr_only else b"\n"
    line = before.count(eol) + 1
    start = before.rfind(eol) + 1
    with path.open("rb") as fh:
        first = fh.readline() if not cr_only else fh.read(1 << 16).split(b"\r", 1)[0]
    header = first.removeprefix(codecs.BOM_UTF8).decode("utf-8", "replace").rstrip("\r\n")
    separator = "\t" if header.count("\t") >= header.count("|") else "|"
    names = [n.strip() for n in header.split(separator)]
    index = before[start:].count(separator.encode())
    column = names[index] if line > 1 and index < len(names) and names[index] else None
    return line, column, byte


def _iter_blocks(path: Path, encoding: str, cr_only: bool) -> Iterator[list[str]]:
    """Yield the file's lines, without their line ends, in lists of a few megabytes.

    Decoding and splitting whole blocks keeps the per-line work in C; a block always ends on a
    line end, so a multi-byte character is never cut.
    """
    codec = "utf-8" if encoding == "utf-8-sig" else encoding
    eol = b"\r" if cr_only else b"\n"
    rest = b""
    first = True
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            data = rest + chunk
            if chunk:
                cut = data.rfind(eol) + 1
                if not cut:
                    rest = data
                    continue
                data, rest = data[:cut], data[cut:]
            elif not data:
                return
            if first:
                first = False
                if data.startswith(codecs.BOM_UTF8):
                    data = data[3:]
            text = data.decode(codec)
            if cr_only:
                lines = text.split("\r")
            else:
                # CR LF and CR CR LF: every CR just before an LF belongs to the line end.
                while "\r\n" in text:
                    text = text.replace("\r\n", "\n")
                lines = text.split("\n")
            if chunk:
                lines.pop()  # the empty string after the block's last line end
            yield lines
            if not chunk:
                return


class LineCopies:
    """Counts the lines that are exact copies of earlier lines, a block of lines at a time.

    Hashes go into a set with set operations, at C speed. Up to `exact_lines` expected lines
    every line is counted; beyond, only the lines whose hash is a multiple of a modulus (a
    line and its copies have the same hash, so they are sampled together) and the count is
    scaled back up: an estimate, to keep the memory small on files of millions of lines.
    Blocks with many copies are also walked line by line, for the longest run of copies (a body
    pasted twice is one long run).

    Attributes:
        copies: Lines that repeat an earlier line (blank lines left out).
        first: The physical line number of the first of them, or 0.
        run: The first and last line numbers of the longest run of consecutive copies (blank
            lines aside), or (0, 0).
        modulus: 1 when every line was counted, else the sampling modulus.
    """

    def __init__(self, expected_lines: int, exact_lines: int = 300_000) -> None:
        self.modulus = max(1, expected_lines // exact_lines + (expected_lines > exact_lines))
        self.copies = 0
        self.first = 0
        self.run = (0, 0)
        # Blank lines are all alike: the empty line's hash is there from the start, and the
        # blank lines are taken off the count.
        self._empty = hash("")
        self._seen: set[int] = {self._empty}
        self._offset = 0
        self._run_start = self._run_length = self._longest = 0

    def add(self, block: list[str]) -> None:
        """Count the copies in a block of lines (the next lines of the file)."""
        modulus = self.modulus
        hashes = list(map(hash, block))
        if modulus > 1:
            hashes = [h for h in hashes if not h % modulus]
        seen = self._seen
        fresh = set(hashes)
        found = len(hashes) - len(fresh) + len(fresh & seen)
        if not self._empty % modulus:
            found -= block.count("")
        if (found and not self.first) or found * 20 >= len(hashes):
            self._walk(block)
        else:
            self._run_length = 0  # a block with few copies ends a run (near enough)
        self.copies += found * modulus
        seen |= fresh
        self._offset += len(block)

    def _walk(self, block: list[str]) -> None:
        """Find the first copy and the runs of copies of a block, line by line."""
        seen, modulus = self._seen, self.modulus
        block_seen: set[int] = set()
        for number, text in enumerate(block, self._offset + 1):
            if not text:
                continue
            digest = hash(text)
            if modulus > 1 and digest % modulus:
                continue
            if digest in seen or digest in block_seen:
                if not self.first:
                    self.first = number
                if not self._run_length:
                    self._run_start = number
                self._run_length += 1
                if self._run_length > self._longest:
                    self._longest = self._run_length
                    self.run = (self._run_start, number)
            else:
                block_seen.add(digest)
                self._run_length = 0

    def blocks(self, blocks: Iterator[list[str]]) -> Iterator[list[str]]:
        """Pass the blocks through, counting their copies."""
        for block in blocks:
            self.add(block)
            yield block


def iter_lines(
    path: Path, encoding: str, cr_only: bool, copies: LineCopies | None = None
) -> Iterator[tuple[int, str]]:
    """Yield (physical line number, text without its line end); line 1 is the first line.

    With `copies`, the lines that repeat earlier ones are counted there as they are read.
    """
    blocks = _iter_blocks(path, encoding, cr_only)
    if copies is not None:
        blocks = copies.blocks(blocks)
    return enumerate(chain.from_iterable(blocks), 1)
