"""The layers of src_dash run one way, and its top-level packages import each other in no cycle.

Layers, low to high (a module may import its own layer or a lower one), as DESIGN.md says:
  0 base: store, sources, money, clock, config, access
  1 sync
  2 analytics
  3 dunning
  4 services
  5 edges: ui, cli, scheduler, bench, the app module (src_dash.py)
Every import counts, lazy ones inside functions too; only those under `if TYPE_CHECKING:` are
left out (they never run). Migrations are left out (Alembic loads them, nothing imports them).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src_dash"
PKG = SRC.name
BASE = frozenset({"store", "sources", "money", "clock", "config", "access"})
LAYERS = {"sync": 1, "analytics": 2, "dunning": 3, "services": 4}
# Upward imports known and accepted, as "path:imported.module"; a new one fails the test.
ALLOWED_UPWARD: frozenset[str] = frozenset()


def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (packages by their name)."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent)
        if "migrations" in rel.parts:
            continue
        name = ".".join(rel.with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def layer(module: str) -> int | None:
    """The layer of a module of src_dash (None for anything else)."""
    parts = module.split(".")
    if parts[0] != PKG:
        return None
    rest = parts[1:] or [PKG]
    if "access" in rest[:2] or rest[0] in BASE:
        return 0
    return LAYERS.get(rest[0], 5)


def unit(module: str) -> str:
    """The top-level package (or module) of src_dash a module belongs to."""
    parts = module.split(".")
    if len(parts) > 2 and parts[1] == "services" and parts[2].startswith("access"):
        return "access"
    return parts[1] if len(parts) > 1 else PKG


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(node: ast.AST):  # noqa: ANN202
    """The import statements under a node, leaving out the bodies of `if TYPE_CHECKING:`."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _import_nodes(ast.Module(body=[other], type_ignores=[]))
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from _import_nodes(child)


def imports_of(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, module imported) for every import of src_dash in a module."""
    out = []
    is_package = path.name == "__init__.py"
    for node in _import_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
            continue
        if node.level:
            parts = module.split(".")
            keep = len(parts) - node.level + (1 if is_package else 0)
            base = ".".join(parts[:keep] + ([node.module] if node.module else []))
        else:
            base = node.module or ""
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            out.append((node.lineno, sub if sub in MODULES else base))
    return [(line, name) for line, name in out if name.split(".")[0] == PKG]


def _edges() -> list[tuple[str, int, str]]:
    return [
        (module, line, target)
        for module, path in MODULES.items()
        for line, target in imports_of(module, path)
    ]


def test_the_check_sees_the_modules_and_their_layers() -> None:
    assert layer("src_dash.store.engine") == 0
    assert layer("src_dash.access.viewer") == layer("src_dash.services.access") == 0
    assert layer("src_dash.sync") == 1 and layer("src_dash.analytics.ledger") == 2
    assert layer("src_dash.dunning.planner") == 3 and layer("src_dash.services.followup") == 4
    assert layer("src_dash.cli.dunning") == layer("src_dash.ui.auth") == layer("src_dash") == 5
    assert layer("polars") is None
    assert {"src_dash.cli", "src_dash.access", "src_dash.store.engine"} <= set(MODULES)
    edges = _edges()
    # Lazy imports count: the CLI imports most of its commands inside the functions.
    assert ("src_dash.cli.books", "src_dash.services.reconcile") in {(m, t) for m, _, t in edges}


def test_no_import_runs_up_the_layers() -> None:
    upward = []
    for module, line, target in _edges():
        mine, theirs = layer(module), layer(target)
        if mine is not None and theirs is not None and theirs > mine:
            rel = MODULES[module].relative_to(SRC.parent).as_posix()
            if f"{rel}:{target}" not in ALLOWED_UPWARD:
                upward.append(f"{rel}:{line} imports {target}")
    assert upward == [], "imports up the layers (see DESIGN.md):\n" + "\n".join(upward)


def test_the_top_level_packages_import_each_other_in_no_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for module, _, target in _edges():
        a, b = unit(module), unit(target)
        if a != b:
            graph.setdefault(a, set()).add(b)
    cycles = []
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == [], "package cycles:\n" + "\n".join(cycles)
