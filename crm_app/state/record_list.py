"""What every record list shares: filters, sort, paging, selection and the column chooser.

A mixin: each list state (contacts, companies) supplies ``_reload``, its sorts and columns.
"""

from __future__ import annotations

import dataclasses
import time
from typing import ClassVar

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import clock, downloads, exporting, i18n, segments
from crm_app.services.i18n import N_, NP_
from crm_app.services.permissions import Perm

from .guard import caller, guarded


@dataclasses.dataclass
class Column:
    """A column the user can show; ``label`` is a message id (built-ins) or a custom field label."""

    id: str
    label: str
    sortable: bool = True
    translate: bool = True
    toned: bool = False  # its cells show as pills (the row's ``<id>_tone`` classes)


PREFETCH_FRESH_S = 3.0
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
    # When the sidebar click loaded the list (monotonic seconds); the page's own on-load
    # that follows within PREFETCH_FRESH_S does not load it a second time.
    _prefetched_at: float = 0.0

    def _load_options(self) -> None:  # pragma: no cover - each list implements it
        raise NotImplementedError

    def _filters(self):  # pragma: no cover - each list implements it
        raise NotImplementedError

    def _from_query(self) -> None:
        """A list that takes filters from its address (``?status=open``) sets them here."""

    @guarded()
    def load(self):
        """The page's on-load: the list first, then the filter choices (sent if changed)."""
        self._from_query()
        if time.monotonic() - self._prefetched_at < PREFETCH_FRESH_S:
            self._prefetched_at = 0.0
            return
        self._reload()
        yield
        self._load_options()

    @guarded()
    def prefetch(self):
        """The sidebar link's click: the server loads the list while the browser is still
        mounting the page, instead of after (the page's on-load then finds it fresh)."""
        self._reload()
        yield
        self._load_options()
        self._prefetched_at = time.monotonic()

    def _reload(self) -> None:  # pragma: no cover - each list implements it
        raise NotImplementedError

    def _show(self, result, rows: list[dict[str, str]], locale: str) -> None:
        """Put one page of results on screen and keep only the selection still visible."""
        from . import list_views

        self.rows = rows  # always sent: the reply that says "this is the current page"
        ids = {r["id"] for r in rows}
        self._update(
            total=result.total,
            page=result.page,
            pages=max(1, -(-result.total // result.page_size)),
            count_label=list_views.count_label(result, locale),
            selected=[s for s in self.selected if s in ids],
            loaded=True,
        )

    def _update(self, **values) -> None:
        """Assign only the vars whose value changed: an unchanged var is not sent to the
        browser again, and what shows it is not rendered again (e.g. the filter selects)."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _choose_columns(self, all_columns: list[Column], default: list[str]) -> None:
        known = {c.id for c in all_columns}
        visible = [c for c in self.visible if c in known] or default
        self._update(
            all_columns=all_columns,
            visible=visible,
            columns=[c for c in all_columns if c.id in visible],
        )

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

    # -- export ------------------------------------------------------------------------------
    _entity: ClassVar[str] = ""  # "contacts" or "companies" (exporting.ENTITIES)

    @guarded(Perm.REPORTS)
    def export(self, fmt: str, scope: str):
        """Download the whole list (its filters, or its segment) or the selection as CSV/XLSX."""
        fmt, scope = str(fmt), str(scope)
        if fmt not in ("csv", "xlsx") or scope not in ("list", "selection"):
            return
        me = caller()
        options: dict = {"tz": me.time_zone}
        if scope == "selection":
            options["ids"] = self._selected_ids()
            if not options["ids"]:
                yield rx.toast.info(self._t(NOTHING_SELECTED))
                return
        # a large Excel file takes a while (100,000 contacts: ~20 s): say that it is coming
        yield rx.toast.info(self._t(PREPARING), id="export")
        with session_scope() as session:
            segment = (
                segments.get_visible(session, int(self.segment_id), me.id)
                if scope == "list" and self.segment_id.isdigit()
                else None
            )
            if segment is not None:
                options["segment"] = segment
            elif scope == "list":
                options |= {"filters": self._filters(), "sort": self.sort}
                options["descending"] = self.descending
            name = segment.name if segment is not None else self._t(self._entity_label)
            day = clock.local_today(me.time_zone).isoformat()
            download = downloads.prepare(me.id, f"{name} {day}.{fmt}")
            n = exporting.export_records(session, self._entity, download.path, fmt, **options)
        done = i18n.ngettext(*EXPORTED, n, self.locale)
        yield [
            rx.download(url=download.url, filename=download.filename),
            rx.toast.success(done, id="export"),
        ]

    # what an export of the whole list is called ("Contacts 2026-11-25.xlsx"), a msgid
    _entity_label: ClassVar[str] = ""


NOTHING_SELECTED = N_("Select records first.")
EXPORTED = NP_("{n} record exported.", "{n} records exported.")
PREPARING = N_("Preparing the file…")
