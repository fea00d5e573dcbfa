"""The kit's service result as a download (or a toast), and the paged table's filter vars."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import reflex as rx

from src_dash.ui.i18n import Formats
from src_dash.ui.kit.paged_table import declare_filters
from src_dash.ui.kit.service import Done


@dataclass
class _File:
    data: bytes = b"x"
    filename: str = "f.csv"
    mime_type: str = "text/csv"


def test_download_of_a_made_file_an_error_and_signed_out():
    fmt = Formats(lang="fr")
    made = Done(value=_File(), fmt=fmt).download()
    assert "f.csv" in str(made) and "text/csv" in str(made)
    assert "application/pdf" in str(Done(value=_File(), fmt=fmt).download("application/pdf"))
    failed = Done(error="gone", fmt=fmt, exception=OSError()).download()
    assert "gone" in str(failed) and "f.csv" not in str(failed)
    assert Done(signed_out=True).download() is None


class _Filtered(rx.State):
    FILTERS: ClassVar[dict[str, Any]] = {"company": "all", "grades": [], "flagged_only": False}
    declare_filters(locals(), FILTERS)


def test_declare_filters_makes_one_var_a_filter_with_its_default():
    fields = _Filtered.get_fields()
    assert {n: fields[n].outer_type_ for n in _Filtered.FILTERS} == {
        "company": str,
        "grades": list[str],
        "flagged_only": bool,
    }
    assert fields["company"].default == "all" and fields["flagged_only"].default is False


class _Page:
    error = ""
    loaded = False


def test_settle_shows_a_failure_on_the_page_and_leaves_it_when_signed_out():
    page = _Page()
    assert Done(value=1).settle(page) and (page.error, page.loaded) == ("", False)
    assert not Done(signed_out=True).settle(page) and (page.error, page.loaded) == ("", False)
    assert not Done(error="no", exception=OSError()).settle(page)
    assert (page.error, page.loaded) == ("no", True)
