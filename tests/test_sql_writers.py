"""Who may write SQL, as the README's layout says, checked on the source.

- The edges (ui/, cli/, the scheduler, the app module) and analytics/ write nothing themselves:
  they call the store, sync, dunning and the services, which own the writes. (bench/ is a
  harness: it fills throwaway stores of its own.)
- Every ORM session that writes is opened to write (`write_session` or `session_scope`), so that
  on SQLite it holds the write lock from its first statement: a plain `Session(engine)` that reads
  and then writes would fail with "database is locked" beside a running sync.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src_dash"
READ_ONLY = ("ui", "cli", "analytics", "scheduler.py", "src_dash.py")
WRITE_NAMES = frozenset({"insert", "update", "delete"})
WRITE_CALLS = frozenset({"begin", "commit", "write_session", "session_scope", "bulk_insert"})
SESSION_WRITES = frozenset({"add", "add_all", "delete", "commit", "flush", "merge"})


def _sources(*parts: str) -> list[Path]:
    found = []
    for part in parts:
        path = SRC / part
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []
    return [p for p in found if "migrations" not in p.parts]


def _writes_in_read_only(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
            "sqlalchemy",
            "sqlmodel",
        ):
            found += [f"imports {a.name}" for a in node.names if a.name in WRITE_NAMES]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute | ast.Name):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            if name in WRITE_CALLS:
                found.append(f"calls {name}() at line {node.lineno}")
    return [f"{path.relative_to(SRC.parent)}: {what}" for what in found]


def test_the_edges_and_analytics_write_no_sql() -> None:
    found = [w for path in _sources(*READ_ONLY) for w in _writes_in_read_only(path)]
    assert found == []


def _plain_sessions_that_write(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.With):
            continue
        for item in node.items:
            call, name = item.context_expr, item.optional_vars
            if not (isinstance(call, ast.Call) and isinstance(name, ast.Name)):
                continue
            if getattr(call.func, "id", getattr(call.func, "attr", "")) != "Session":
                continue
            for inner in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                if (
                    isinstance(inner, ast.Call)
                    and isinstance(inner.func, ast.Attribute)
                    and isinstance(inner.func.value, ast.Name)
                    and inner.func.value.id == name.id
                    and inner.func.attr in SESSION_WRITES
                ):
                    found.append(f"{path.relative_to(SRC.parent)}:{node.lineno}")
                    break
    return found


def test_every_orm_session_that_writes_takes_the_write_lock() -> None:
    allowed = {"src_dash/store/engine.py", "src_dash/store/locking.py"}  # where the two are made
    found = [
        w
        for path in _sources(".")
        if str(path.relative_to(SRC.parent)) not in allowed
        for w in _plain_sessions_that_write(path)
    ]
    assert found == []
