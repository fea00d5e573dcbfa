"""What the commands of `src-dash` share: the store, dates on the command line, JSON out."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date


def open_store():  # noqa: ANN201
    """The configured store, migrated to the latest revision."""
    from src_dash.config import load_settings
    from src_dash.store.engine import get_engine
    from src_dash.store.migrate import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    return get_engine(settings.database_url)


def user_id_of(engine, login: str, unknown: str = "no user") -> int:  # noqa: ANN001
    """The id of the user of `login`.

    Raises:
        LookupError: (`unknown` and the login) when there is no such user.
    """
    from sqlalchemy import select

    from src_dash.store import User

    with engine.connect() as conn:
        user_id = conn.execute(select(User.id).where(User.login == login)).scalar()
    if user_id is None:
        raise LookupError(f"{unknown} {login!r}")
    return user_id


def viewer_of(engine, login: str | None):  # noqa: ANN001, ANN201
    """The viewer of a login (None when no login is given); see `user_id_of`."""
    if not login:
        return None
    from src_dash.access import viewer

    return viewer(engine, user_id_of(engine, login))


def print_json(data: object) -> None:
    """Print data as indented JSON (dates, amounts and the rest as text)."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def iso_date(value: str) -> date:
    """A date given as YYYY-MM-DD (an argparse `type`)."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def failed(exc: Exception, word: str = "error", code: int = 1) -> int:
    """Say why a command stopped (`word: exc` on stderr); return its exit code."""
    print(f"{word}: {exc}", file=sys.stderr)
    return code


def add_report_options(
    p: argparse.ArgumentParser, *, json: bool = True, as_of: bool = True
) -> None:
    """The options of a report: --json (print JSON), --company and --as-of (default today)."""
    if json:
        p.add_argument("--json", action="store_true")
    p.add_argument("--company", default=None)
    if as_of:
        p.add_argument("--as-of", type=iso_date, default=None)
