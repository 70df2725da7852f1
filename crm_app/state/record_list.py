"""What every record list shares: filters, sort, paging, selection and the column chooser.

A mixin: each list state (contacts, companies) supplies ``_reload``, its sorts and columns.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import reflex as rx

from crm_app.services import i18n
from crm_app.services.i18n import N_, NP_

from .guard import guarded


@dataclasses.dataclass
class Column:
    """A column the user can show; ``label`` is a message id (built-ins) or a custom field label."""

    id: str
    label: str
    sortable: bool = True
    translate: bool = True


ALL = "__all__"  # the "no filter" choice (a select item cannot have an empty value)


class RecordListMixin(rx.State, mixin=True):
    rows: list[dict[str, str]] = []
    total: int = 0
    count_label: str = ""
    page: int = 1
    pages: int = 1
    sort: str = "name"
    descending: bool = False
    visible: list[str] = []
    columns: list[Column] = []
    all_columns: list[Column] = []
    filters: dict[str, str] = {}
    selected: list[str] = []
    options: dict[str, list[list[str]]] = {}
    segments: list[dict[str, str]] = []
    segment_id: str = ""
    loaded: bool = False

    # Set by each list: which filter names and sorts a browser may ask for.
    _filter_names: ClassVar[frozenset[str]] = frozenset()
    _sorts: ClassVar[tuple[str, ...]] = ()

    def _reload(self) -> None:  # pragma: no cover - each list implements it
        raise NotImplementedError

    def _show(self, result, rows: list[dict[str, str]], locale: str) -> None:
        """Put one page of results on screen and keep only the selection still visible."""
        from . import list_views

        self.rows = rows
        self.total, self.page = result.total, result.page
        self.pages = max(1, -(-result.total // result.page_size))
        self.count_label = list_views.count_label(result, locale)
        self.selected = [s for s in self.selected if s in {r["id"] for r in rows}]
        self.loaded = True

    def _choose_columns(self, all_columns: list[Column], default: list[str]) -> None:
        self.all_columns = all_columns
        known = {c.id for c in all_columns}
        self.visible = [c for c in self.visible if c in known] or default
        self.columns = [c for c in all_columns if c.id in self.visible]

    @guarded()
    def set_filter(self, name: str, value: str):
        name, value = str(name), str(value or "")[:200]
        if name not in self._filter_names:
            return
        self.filters = {**self.filters, name: "" if value == ALL else value}
        self.page, self.segment_id = 1, ""
        self._reload()

    @guarded()
    def reset_filters(self):
        self.filters, self.page, self.segment_id, self.selected = {}, 1, "", []
        self._reload()

    @guarded()
    def sort_by(self, column: str):
        column = str(column)
        if column not in self._sorts and not column.startswith("custom:"):
            return
        self.descending = not self.descending if self.sort == column else False
        self.sort, self.page = column, 1
        self._reload()

    @guarded()
    def go_page(self, delta: int):
        self.page = min(max(1, self.page + int(delta)), self.pages)
        self._reload()

    @guarded()
    def toggle_column(self, column: str):
        column = str(column)
        if column == "name" or column not in {c.id for c in self.all_columns}:
            return
        if column in self.visible:
            self.visible = [c for c in self.visible if c != column]
        else:
            self.visible = [*self.visible, column]
        self._reload()

    @guarded()
    def toggle_row(self, row_id: str):
        row_id = str(row_id)
        if row_id in self.selected:
            self.selected = [s for s in self.selected if s != row_id]
        else:
            self.selected = [*self.selected, row_id]

    @guarded()
    def toggle_page(self):
        ids = [r["id"] for r in self.rows]
        self.selected = [] if all(i in self.selected for i in ids) else ids

    @rx.var
    def selected_label(self) -> str:
        n = len(self.selected)
        return i18n.ngettext(*NP_("{n} selected", "{n} selected"), n, self.locale)

    def _selected_ids(self) -> list[int]:
        return [int(s) for s in self.selected if s.isdigit()]


NOTHING_SELECTED = N_("Select records first.")
