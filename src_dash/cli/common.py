"""What the commands of `src-dash` share: the store, dates on the command line, JSON out."""

from __future__ import annotations

import argparse
import json
from datetime import date


def open_store():  # noqa: ANN201
    """The configured store, migrated to the latest revision."""
    from src_dash.config import load_settings
    from src_dash.store.engine import get_engine
    from src_dash.store.migrate import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    return get_engine(settings.database_url)


def print_json(data: object) -> None:
    """Print data as indented JSON (dates, amounts and the rest as text)."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def iso_date(value: str) -> date:
    """A date given as YYYY-MM-DD (an argparse `type`)."""
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc
