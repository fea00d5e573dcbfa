"""The state every server-paged table page shares (/clients, /echeances, /campagnes): the
search, the filters, the sort, the page and its size, the rows of the current page formatted.

A page's state mixes it in and says what is its own:

    class CustomersState(PagedTable, rx.State):
        FILTERS: ClassVar[dict[str, object]] = {"company": ALL, "grades": [], "flagged_only": False}
        TEXT_SORTS: ClassVar[tuple[str, ...]] = ("number", "name")
        declare_filters(locals(), FILTERS)  # the vars company: str, grades: list[str], ...
        ...
        async def _refresh(self) -> None: ...   # read the page with the state's query

and its views call `set_filter("company", value)` (or `toggle_in("grades", "A")`) instead of one
handler per filter. A filter's default gives its kind: a string (empty value → the default), a
bool, or a list (toggled one value at a time). Names not declared in FILTERS are refused, so a
forged event cannot set any other var of the state; a string filter listed in FILTER_CHOICES
takes only the values listed there (anything else gives its default).

A page whose figures sort ascending first and text descending overrides `_starts_descending`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import reflex as rx

from src_dash.ui import i18n
from src_dash.ui.components.data_table import TableColumn

PAGE_SIZES: tuple[str, ...] = ("10", "25", "50", "100")


def declare_filters(namespace: dict[str, Any], filters: dict[str, Any]) -> None:
    """Declare, in the class body whose `locals()` is `namespace`, one state var a filter, of
    its default's type (a list: of strings) and with its default, so FILTERS says them once."""
    notes = namespace.setdefault("__annotations__", {})
    for name, default in filters.items():
        notes[name] = list[str] if isinstance(default, list) else type(default)
        namespace[name] = list(default) if isinstance(default, list) else default


class PagedTable(rx.State, mixin=True):
    """Search, filters, sort and paging of a server-paged table, and its current page."""

    FILTERS: ClassVar[dict[str, Any]] = {}
    FILTER_CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}
    TEXT_SORTS: ClassVar[tuple[str, ...]] = ()  # columns first sorted ascending
    DEFAULT_PAGE_SIZE: ClassVar[str] = "25"
    ALLOWED_PAGE_SIZES: ClassVar[tuple[str, ...]] = PAGE_SIZES

    search: str = ""
    sort: str = ""
    descending: bool = True
    page: int = 0
    page_size: str = "25"
    pages: int = 1
    show_filters: bool = False

    header: list[TableColumn] = []
    rows: list[dict[str, str]] = []
    total_text: str = ""
    page_text: str = ""
    as_of: str = ""
    loaded: bool = False
    error: str = ""

    @rx.var
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 0

    @rx.var
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page + 1 < self.pages

    async def _refresh(self) -> None:
        """Read the current page with the state's query (each page says how)."""
        raise NotImplementedError

    async def _first_page(self) -> None:
        self.page = 0
        await self._refresh()

    def _set_filter_value(self, name: str, value: Any) -> bool:  # noqa: ANN401
        if name not in self.FILTERS:
            return False
        default = self.FILTERS[name]
        if isinstance(default, bool):
            setattr(self, name, bool(value))
        elif isinstance(default, list):
            setattr(self, name, sorted(set(getattr(self, name)) ^ {str(value)}))
        elif name in self.FILTER_CHOICES:
            setattr(self, name, value if value in self.FILTER_CHOICES[name] else default)
        else:
            setattr(self, name, str(value) if value not in (None, "") else default)
        return True

    @rx.event
    async def set_filter(self, name: str, value: Any) -> None:  # noqa: ANN401
        """Set one declared filter and show the first page of what matches."""
        if self._set_filter_value(name, value):
            await self._first_page()

    @rx.event
    async def toggle_in(self, name: str, value: str) -> None:
        """Add a value to a list filter, or take it out."""
        if isinstance(self.FILTERS.get(name), list):
            self._set_filter_value(name, value)
            await self._first_page()

    def _filter_values(self) -> dict[str, Any]:
        """Every declared filter's current value, by name (for the page's query builder).
        A computed var reading it declares its deps: `@rx.var(deps=list(FILTERS),
        auto_deps=False)`."""
        return {name: getattr(self, name) for name in self.FILTERS}

    def _reset_filter_values(self) -> None:
        self.search = ""
        for name, default in self.FILTERS.items():
            setattr(self, name, list(default) if isinstance(default, list) else default)

    @rx.event
    async def reset_filters(self) -> None:
        """Back to no search and every filter at its default."""
        self._reset_filter_values()
        await self._first_page()

    @rx.event
    async def set_search(self, value: str) -> None:
        """The words searched for."""
        self.search = value
        await self._first_page()

    @rx.event
    def toggle_filters(self) -> None:
        """Show or hide the filters' panel."""
        self.show_filters = not self.show_filters

    def _starts_descending(self, key: str) -> bool:
        """Whether a first click on a column sorts it descending (figures, not text)."""
        return key not in self.TEXT_SORTS

    @rx.event
    async def sort_by(self, key: str) -> None:
        """Sort on a column; a second click on it reverses the order. Text columns start
        ascending, figures descending."""
        if key == self.sort:
            self.descending = not self.descending
        else:
            self.sort = key
            self.descending = self._starts_descending(key)
        await self._first_page()

    @rx.event
    async def next_page(self) -> None:
        """The next page."""
        self.page += 1
        await self._refresh()

    @rx.event
    async def prev_page(self) -> None:
        """The previous page."""
        self.page = max(0, self.page - 1)
        await self._refresh()

    @rx.event
    async def set_page_size(self, value: str) -> None:
        """Rows per page (one of the sizes offered)."""
        allowed = self.ALLOWED_PAGE_SIZES
        self.page_size = value if value in allowed else self.DEFAULT_PAGE_SIZE
        await self._first_page()

    @staticmethod
    def page_words(page: int, pages: int, fmt: Any, key: str = "table.page") -> str:  # noqa: ANN401
        """ "Page 2 sur 7" in the viewer's language (a static method, so that Reflex does not
        take it for an event handler a client could call)."""
        return i18n.text(key, fmt.lang).format(page=fmt.count(page + 1), pages=fmt.count(pages))
