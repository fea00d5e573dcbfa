"""Hashes of source records and entry rows: a row read again but unchanged is not rewritten."""

from __future__ import annotations

import hashlib
import operator
import pickle
from dataclasses import fields

from src_dash.sources.records import NO_FREE_FIELDS

_GETTERS: dict[type, operator.attrgetter] = {}


def _digest(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big") >> 1


def entry_row_hash(row: tuple) -> int:
    """The hash the store keeps for an entry row (ENTRY_ROW_FIELDS), to tell a changed entry.

    A row without free fields hashes as rows did before entries had them, and a row not doubtful
    as rows did before the doubtful flag (the free fields come next to last, the flag last), so
    the store's hashes stay valid across those upgrades; a 416 line read again is rewritten.
    """
    hashed = row if row[-1] else row[:-1]
    if hashed[-1] == NO_FREE_FIELDS:
        hashed = hashed[:-1]
    return _digest(pickle.dumps(hashed, 5))


def record_hash(record: object) -> int:
    """A stable 63-bit hash of a source record's values, to tell changed rows from unchanged."""
    getter = _GETTERS.get(type(record))
    if getter is None:
        names = [f.name for f in fields(record) if f.name != "modified_at"]
        getter = _GETTERS[type(record)] = operator.attrgetter(*names)
    return _digest(repr(getter(record)).encode())
