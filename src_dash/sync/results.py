"""What a run reports: its counts per table and its outcome, and the error that stops it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from src_dash.sources.left_out import LeftOutLines


class SyncError(RuntimeError):
    """A run cannot complete; the store is left as it was."""


@dataclass
class TableCounts:
    """What a run did to one table."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counts as a plain dict."""
        return asdict(self)


@dataclass
class SyncResult:
    """The outcome of one run.

    `excluded` and `warnings` are the run's report, kept in its details: the lines of class 41
    the source has and the run did not take as customer entries (by reason and account), and
    what the user must know of the numbers.
    """

    company: str
    run_id: int
    mode: str
    status: str
    seconds: float
    tables: dict[str, TableCounts] = field(default_factory=dict)
    error: str = ""
    excluded: list[LeftOutLines] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def _total(self, count: str) -> int:
        """One of the TableCounts' counts, summed over all tables."""
        return sum(getattr(t, count) for t in self.tables.values())

    @property
    def added(self) -> int:
        """Rows added over all tables."""
        return self._total("added")

    @property
    def changed(self) -> int:
        """Rows changed over all tables."""
        return self._total("changed")

    @property
    def deleted(self) -> int:
        """Rows deleted over all tables."""
        return self._total("deleted")

    def as_dict(self) -> dict[str, object]:
        """The result as plain data, for JSON."""
        return {
            "company": self.company,
            "run_id": self.run_id,
            "mode": self.mode,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "added": self.added,
            "changed": self.changed,
            "deleted": self.deleted,
            "tables": {k: v.as_dict() for k, v in self.tables.items()},
            "error": self.error,
            "excluded": [e.as_dict() for e in self.excluded],
            "warnings": list(self.warnings),
        }
