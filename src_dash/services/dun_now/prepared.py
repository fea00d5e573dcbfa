"""Every customer's planning frame, computed once per ledger and day and kept for the store, so a
preview plans one item without planning every customer again; warmed in the background.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy.engine import Engine

from src_dash.analytics.ledger import Ledger, get_ledger
from src_dash.clock import today as clock_today

MAX_STALE_SECONDS = 10.0  # how old a preview's ledger may get before a newer one is prepared
logger = logging.getLogger(__name__)


@dataclass
class _Prepared:
    """Every customer's planning frame (`planner._customers`), computed on one ledger."""

    key: tuple  # entries' and parties' versions, day, scenarios
    frame: pl.DataFrame
    version: int  # the data version of the ledger it was computed on
    made_at: float  # time.monotonic()


_PREPARED: dict[str, _Prepared] = {}
_PREPARED_LOCK = threading.Lock()
_PREPARING: set[str] = set()
_COMPUTE_LOCKS: dict[str, threading.Lock] = {}


def _prepared_key(ledger: Ledger, as_of: date, scenarios: list) -> tuple:
    return (
        ledger.entries_version,
        ledger.parties_version,
        as_of,
        tuple((s.id, s.profile, s.active) for s in scenarios),
    )


def _prepare(engine: Engine, ledger: Ledger, as_of: date, scenarios: list, key: str) -> _Prepared:
    """Compute every customer's planning frame on the ledger and keep it for the store."""
    from src_dash.dunning import planner

    with engine.connect() as conn:
        frame = planner._customers(ledger, engine, conn, as_of, scenarios, None)  # noqa: SLF001
    wanted = _prepared_key(ledger, as_of, scenarios)
    made = _Prepared(wanted, frame, ledger.version, time.monotonic())
    with _PREPARED_LOCK:
        current = _PREPARED.get(key)
        if current is None or current.key != made.key or current.version <= made.version:
            _PREPARED[key] = made
    return made


def _prepare_soon(engine: Engine, as_of: date, key: str) -> None:
    """Compute a newer frame in the background (one at a time per store)."""
    from src_dash.dunning.scenarios import load_scenarios

    with _PREPARED_LOCK:
        if key in _PREPARING:
            return
        _PREPARING.add(key)

    def work() -> None:
        try:
            ledger = get_ledger(engine)
            with engine.connect() as conn:
                scenarios = load_scenarios(conn)
            _prepare(engine, ledger, as_of, scenarios, key)
        except Exception:  # the previews go on with the frame they have
            logger.exception("preparing the previews' customers failed")
        finally:
            with _PREPARED_LOCK:
                _PREPARING.discard(key)

    threading.Thread(target=work, name="dun-now-customers", daemon=True).start()


def prepared_customers(
    engine: Engine,
    ledger: Ledger,
    as_of: date,
    scenarios: list,
    max_age: float = MAX_STALE_SECONDS,
) -> pl.DataFrame:
    """Every customer's planning frame (profile, scenario, flags, stops) for a preview.

    Computing it costs far more than planning one item, and collectors change the follow-up
    all the time; so the frame computed last is used while it is under `max_age` seconds old
    and nothing it rests on changed but the follow-up (a sync, a customer, a profile rule or a
    scenario makes it be computed again at once). When it is older, a newer one is computed in
    the background meanwhile. What it may miss, a stop or a grade changed in the last seconds,
    the preview checks live (`_blocked`) or does not need to be exact.
    """
    key = engine.url.render_as_string(hide_password=False)
    wanted = _prepared_key(ledger, as_of, scenarios)
    with _PREPARED_LOCK:
        found = _PREPARED.get(key)
        lock = _COMPUTE_LOCKS.setdefault(key, threading.Lock())
    if found is None or found.key != wanted:
        # Computed here, once: the previews asking meanwhile wait for it, then share it.
        with lock:
            with _PREPARED_LOCK:
                found = _PREPARED.get(key)
            if found is None or found.key != wanted:
                found = _prepare(engine, ledger, as_of, scenarios, key)
    elif found.version != ledger.version and time.monotonic() - found.made_at >= max_age:
        _prepare_soon(engine, as_of, key)
    return found.frame


def warm_previews(engine: Engine, as_of: date | None = None) -> None:
    """Prepare the previews' customers in the background (when a collector opens the items),
    so the first "dun now" does not wait for them; does nothing when they are ready."""
    key = engine.url.render_as_string(hide_password=False)
    with _PREPARED_LOCK:
        if key in _PREPARED:
            return
    _prepare_soon(engine, as_of or clock_today(), key)
