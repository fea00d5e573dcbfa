"""`src-dash bench open-items`: the open items table on a demo store.

Builds a demo Sage base and syncs it into a fresh store (a SQLite file in the work directory
unless `store_url` names one, which is emptied first), then times the first page (the ledger
load and the join), the filters' choices (the free fields' first load), page, sort, filter and
search changes (median and worst of 7 runs), and the first page after a change (any service
bumps the data version).
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from decimal import Decimal

from src_dash.access import Scope, Viewer
from src_dash.bench.common import (
    CODE,
    NAME,
    BenchRun,
    fresh_store,
    ms,
    register_base,
    since,
)
from src_dash.services.open_items import OpenItemFilters, filter_choices, open_items

RUNS = 7
ADMIN = Viewer(user_id=0, login="bench", name="bench", role="admin")


def _cases(first, choices, today: date) -> dict[str, dict]:  # noqa: ANN001
    """The page, sort, filter and search changes to time: open_items' keyword arguments."""
    rep = choices.sales_reps[0][0] if choices.sales_reps else 0
    piece = first.rows[0].piece if first.rows else ""
    name = first.rows[0].customer_name if first.rows else ""
    field_name = next(iter(choices.free_fields), "")
    entry_field, entry_values = next(iter(choices.entry_free_fields.items()), ("", ("",)))
    cases: dict[str, dict] = {
        "page_0": {},
        "page_40": {"page": 40},
        "sort_residual_desc": {"sort": "residual", "descending": True},
        "sort_customer_name_page_7": {"sort": "customer_name", "page": 7},
        "sort_piece": {"sort": "piece"},
        "sort_last_action": {"sort": "last_action", "descending": True},
        "over_60_days_and_1000": {
            "filters": OpenItemFilters(min_days_late=61, min_residual=Decimal("1000"))
        },
        "sales_rep_and_due_range": {
            "filters": OpenItemFilters(
                sales_rep_ids=(rep,), due_from=date(today.year, 1, 1), due_to=today
            )
        },
        "grades_d_e_level_0": {"filters": OpenItemFilters(grades=("D", "E"), levels=(0,))},
        "search_piece": {"filters": OpenItemFilters(search=piece[-4:])},
        "search_customer": {"filters": OpenItemFilters(search=name[:5])},
    }
    # The free-field cases need a field with a value (a filter without a name is refused).
    if field_name:
        cases["free_field"] = {"filters": OpenItemFilters(free_fields=((field_name, "e"),))}
    if entry_field:
        pair = (entry_field, entry_values[0][:6])
        cases["entry_free_field"] = {"filters": OpenItemFilters(entry_free_fields=(pair,))}
    return cases


def _warm(engine, cases: dict[str, dict], rep: int, today: date) -> dict[str, dict]:  # noqa: ANN001
    """Median and worst of RUNS calls of each case, and of the first page for a scoped viewer."""
    scoped = Viewer(0, "rep", "rep", "collector", scope=Scope(sales_rep_ids=frozenset({rep})))
    warm: dict[str, dict[str, float]] = {}
    for label, kwargs in [*cases.items(), ("scoped_viewer", {})]:
        who = scoped if label == "scoped_viewer" else ADMIN
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            open_items(engine, who, as_of=today, **kwargs)
            times.append(since(started))
        warm[label] = {"median_ms": ms(statistics.median(times)), "max_ms": ms(max(times))}
    return warm


def _time_table(engine, today: date, report: dict[str, object]) -> None:  # noqa: ANN001
    """Time the table's first page, choices, changes and first page after a change."""
    from src_dash.services.open_items import _entry_free_fields
    from src_dash.store.versions import bump_data_version

    started = time.perf_counter()
    first = open_items(engine, ADMIN, as_of=today)
    report["first_page_cold_ms"] = ms(since(started))
    report["open_items"] = first.total
    started = time.perf_counter()
    choices = filter_choices(engine, ADMIN, today)
    report["filter_choices_cold_ms"] = ms(since(started))
    started = time.perf_counter()
    report["entry_free_field_values"] = _entry_free_fields(engine).height
    report["entry_free_fields_load_ms"] = ms(since(started))
    rep = choices.sales_reps[0][0] if choices.sales_reps else 0
    report["warm"] = _warm(engine, _cases(first, choices, today), rep, today)
    with engine.begin() as conn:
        bump_data_version(conn)
    started = time.perf_counter()
    open_items(engine, ADMIN, as_of=today)
    report["first_page_after_a_change_ms"] = ms(since(started))


def bench_open_items(
    entries: int,
    **options: object,
) -> dict[str, object]:
    """Time the open items table on a demo store of `entries` customer entries."""
    from src_dash.analytics.ledger import clear_cache
    from src_dash.sources.demo import DemoCompanySpec, build_demo_base
    from src_dash.sync import sync_company

    run = BenchRun(entries, **options)
    tmp, base_dir = run.folder("src-dash-bench-open-items-")
    customers = run.demo_customers
    base = base_dir / "BENCH.sqlite"
    started = time.perf_counter()
    build_demo_base(base, DemoCompanySpec(CODE, NAME, customers, entries, run.seed), run.today)
    report: dict[str, object] = {"entries_target": entries, "customers": customers}
    report["build_seconds"] = round(since(started), 1)
    engine = fresh_store(run.store_in(base_dir))
    register_base(engine, base)
    started = time.perf_counter()
    sync_company(engine, CODE, full=True, as_of=run.today)
    report["sync_seconds"] = round(since(started), 1)
    try:
        clear_cache()
        _time_table(engine, run.today, report)
    finally:
        clear_cache()
        engine.dispose()
        tmp.cleanup()
    return report
