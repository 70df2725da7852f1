"""The records behind a chart's bar or slice, as a list page with its own address.

``/analytics/records?chart=…&<criteria>&<dashboard filter>`` (written by
``AnalyticsState.open_drill``): on load the address is parsed and checked
(``drill_address.parse``), the dashboard's own filter is rebuilt from it, and one page of the
matching records is listed; the whole list downloads as CSV. A bad address shows why.
"""

from __future__ import annotations

import reflex as rx

from crm_app.db import session_scope
from crm_app.services import clock, downloads, i18n
from crm_app.services.analytics import context, drill, drill_address
from crm_app.services.analytics.drill_address import DrillQuery
from crm_app.services.errors import ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm

from . import analytics_records_view as view
from .analytics import DRILL_TITLES
from .analytics_records_view import RecordRow
from .base import AppState
from .guard import caller, guarded
from .list_views import count_label


class AnalyticsRecordsState(AppState):
    loaded: bool = False
    error: str = ""
    title: str = ""
    kind: str = "deal"
    chips: list[str] = []
    total: int = 0
    total_label: str = ""
    count_label: str = ""
    headers: list[str] = []
    rows: list[RecordRow] = []
    page: int = 1
    pages: int = 1
    queue_link: str = ""
    back_link: str = "/analytics"
    _query: str = ""

    def _parsed(self) -> DrillQuery | None:
        try:
            return drill_address.parse(self._query)
        except ValidationError as e:
            self._refuse(e)
            return None

    def _refuse(self, e: ValidationError) -> None:
        key, message = next(iter(e.errors.items()))
        self.error = i18n.format_message(message, self.locale, key=key)
        self.title = ""
        self.rows, self.chips, self.total, self.total_label = [], [], 0, ""
        self.count_label, self.queue_link, self.page, self.pages = "", "", 1, 1

    def _fetch(
        self, q: DrillQuery, page: int, page_size: int | None
    ) -> tuple[drill.DrillPage, dict, str, str]:
        """The page (``page_size=None``: the whole list), the names the description needs, the
        base currency and the installation's time zone; ValidationError when the filter names
        something this user may not choose (``drill_address.names`` checks it)."""
        with session_scope() as session:
            names = drill_address.names(session, q, caller().id)
            ctx = context(session, drill_address.analytics_filter(q.form))
            found = drill.records(ctx, q.chart, q.criteria, page=page, page_size=page_size)
            return found, names, ctx.base_currency, ctx.time_zone

    def _list(self) -> None:
        q = self._parsed()
        if q is None:
            return
        try:
            found, names, currency, zone = self._fetch(q, self.page, drill.PAGE_SIZE)
        except ValidationError as e:
            self._refuse(e)
            return
        loc, tz = self.locale, caller().time_zone
        self.error = ""
        self.back_link = drill_address.dashboard_address(q.form)
        self.kind = q.kind
        self.title = self._t(DRILL_TITLES.get(q.chart, N_("Records")))
        self.chips = view.chips(q, names, loc, currency)
        self.headers = view.headers(q.kind, loc)
        self.rows = [view.row(q.kind, r, loc, currency, tz) for r in found.rows]
        self.total, self.page, self.pages = found.total, found.page, found.pages
        self.total_label = view.total(q.kind, found.total, loc)
        self.count_label = count_label(found, loc)
        # the queue reads created days in the user's zone, analytics in the installation's
        self.queue_link = view.queue_link(q, same_zone=tz == zone)

    @guarded(Perm.REPORTS)
    def load(self):
        query = str(self.router.url.query or "")
        if query != self._query:  # another list: no glimpse of the previous one
            self.loaded = False
            yield
        self._query, self.page = query, 1
        self._list()
        self.loaded = True

    @guarded(Perm.REPORTS)
    def next_page(self):
        if self.page < self.pages:
            self.page += 1
            self._list()

    @guarded(Perm.REPORTS)
    def prev_page(self):
        if self.page > 1:
            self.page -= 1
            self._list()

    @guarded(Perm.REPORTS)
    def download_csv(self):
        """The whole matching list (not only this page) as CSV."""
        q = self._parsed()
        if q is None:
            return None
        try:
            found, *_ = self._fetch(q, 1, None)
        except ValidationError as e:
            self._refuse(e)
            return None
        me = caller()
        day = clock.local_today(me.time_zone).isoformat()
        download = downloads.prepare(me.id, f"{q.chart} {day}.csv")
        drill.write_csv(found.rows, q.kind, download.path)
        return rx.download(url=download.url, filename=download.filename)
