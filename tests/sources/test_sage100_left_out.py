"""What a Sage sync leaves out of class 41, counted by reason and account with its amount.

A Sage-shaped demo base gets lines the sync does not take (419 and 411 lines without a third
party, supplier lines on 419 and 417, a customer's 419 line: a customer's lines are those on 411
and 416), read through the real ODBC driver.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sqlglot
from left_out_helpers import EXPECTED, LINES, add_lines

from src_dash.sources.demo import DemoCompanySpec, build_demo_base, odbc_connection_string
from src_dash.sources.left_out import account_group, left_out_warnings, run_report
from src_dash.sources.sage100 import Sage100Reader
from src_dash.sources.sql_dialect import SQL_SERVER

TODAY = date(2026, 11, 22)
PERIOD = (date(2025, 1, 1), date(2026, 12, 31))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sage") / "LEFT.sqlite"
    spec = DemoCompanySpec(code="LEFT", name="Atelier Dumas", customers=12, entries=None, seed=5)
    build_demo_base(path, spec, TODAY)
    return path


@pytest.fixture
def base(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "LEFT.sqlite"
    shutil.copy(template, path)
    return path


def test_what_the_sync_does_not_take_of_class_41_is_counted_by_reason_and_account(base):
    with Sage100Reader(odbc_connection_string(base)) as r:
        assert r.left_out_lines(PERIOD) == []  # the demo keeps every class 41 line on customers
    add_lines(base, LINES)
    with Sage100Reader(odbc_connection_string(base)) as r:
        found = r.left_out_lines(PERIOD)
    assert found == EXPECTED


def test_every_class_41_line_is_taken_or_counted(base):
    """The customer entries and the lines left out add up to class 41 of the open years."""
    customer, _ = add_lines(base, LINES)
    with Sage100Reader(odbc_connection_string(base)) as r:
        taken = [e for e in r.entries(PERIOD) if e.account.startswith("41")]
        found = r.left_out_lines(PERIOD)
    conn = sqlite3.connect(base)
    first_day = "2025-01-01"  # the first ordinary line of the base: carried-forward lines up to it
    rows = conn.execute(
        "SELECT EC_Sens, EC_Montant, EC_ANType, date(JM_Date, '+' || (EC_Jour - 1) || ' days') "
        "FROM F_ECRITUREC WHERE CG_Num LIKE '41%' AND JM_Date >= '2025-01-01' "
        "AND JM_Date <= '2026-12-31'"
    ).fetchall()
    conn.close()

    def counts(carried: int, day: str) -> bool:
        return not carried or day <= first_day

    books = sum(
        (Decimal(str(a)) * (-1 if sens else 1) for sens, a, c, day in rows if counts(c, day)),
        Decimal(0),
    )
    app = sum(
        (e.amount for e in taken if counts(e.carried_forward, e.posting_date.isoformat())),
        Decimal(0),
    )
    assert app + sum(f.amount for f in found) == books.quantize(Decimal("0.01"))
    # A customer's lines are those on 411 and 416: its 419 line is counted as left out.
    assert not any(e.account.startswith("419") for e in taken)
    assert any(e.customer_key == customer for e in taken)


def test_the_statement_is_t_sql_and_its_parameters_match_its_marks():
    reader = Sage100Reader.__new__(Sage100Reader)
    reader.dialect = SQL_SERVER
    sql, params = reader.left_out_query(PERIOD)
    assert len(params) == sql.count("?") == 4
    parsed = sqlglot.parse_one(sql.replace("?", "NULL"), read="tsql")
    assert parsed.find(sqlglot.exp.Group) is not None
    assert "WITH (NOLOCK)" in sql and "CONVERT(char(10)" in sql
    # The groups are computed in a derived table: SQL Server takes no subquery in a GROUP BY.
    group = parsed.args["group"]
    assert [c.sql() for c in group.expressions] == ["reason", "account"]


def test_account_groups_warnings_and_a_runs_report_read_back():
    assert [account_group(a) for a in ("41100000", "4191", "418", "41000000", "417")] == [
        "411",
        "419",
        "418",
        "41x",
        "41x",
    ]
    assert left_out_warnings(EXPECTED) == [
        "1 line(s) on receivable accounts 411 are not customer entries: no third-party "
        "account (CT_Num empty) (balance 250.00)"
    ]
    details = {"tables": {}, "excluded": [e.as_dict() for e in EXPECTED], "warnings": ["w"]}
    assert run_report(details) == (EXPECTED, ["w"])
    assert run_report({"tables": {}}) == ([], [])  # a run recorded before reports existed
    assert run_report(None) == ([], [])
