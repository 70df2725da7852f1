"""Analytics page: Sales / Customers / Service dashboards under one filter bar.

Only the visible tab is computed (``analytics_views.build``); the filter bar (date range,
pipeline, owner, segment) applies to every chart of it at once. A click on a bar resolves,
on the server, the clicked trace and point to the criteria kept in ``_drill`` and opens the
list page of the matching records (``/analytics/records?…``); each chart's data downloads as CSV; each next best action creates its task
in one click.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import plotly.graph_objects as go
import reflex as rx

from crm_app.db import session_scope
from crm_app.services import clock, downloads, i18n
from crm_app.services.analytics import (
    AnalyticsFilter,
    actions,
    charts,
    context,
    drill,
    drill_address,
)
from crm_app.services.analytics.drill_address import FilterForm, analytics_filter
from crm_app.services.analytics.filters import filter_options
from crm_app.services.errors import NotFound, ValidationError
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm

from .analytics_figures import empty_figure
from .analytics_format import TABS, Kpi, TableRow, TabView
from .analytics_views import build
from .base import AppState
from .guard import caller, guarded

ALL = "all"
SALES_CHARTS = (
    "pipeline_by_stage",
    "funnel",
    "win_rate_by_month",
    "win_rate_trend",
    "cycle_days",
    "win_rate_by_owner",
    "win_rate_by_source",
    "forecast",
    "lost_reasons",
)
CUSTOMER_CHARTS = ("new_customers", "lifetime_value", "cohorts", "rfm", "by_country", "by_industry")
SERVICE_CHARTS = ("tickets_by_channel", "tickets_by_category", "service_times", "csat", "sla")
FIGURES = SALES_CHARTS + CUSTOMER_CHARTS + SERVICE_CHARTS
# the CSV behind a chart when its key differs from the data's (charts.CHARTS)
CSV_OF = {
    "win_rate_trend": "win_rate_by_month",
    "cycle_days": "win_rate_by_month",
    "csat": "service_times",
}
DRILL_TITLES = {
    "pipeline_by_stage": N_("Open deals in this stage"),
    "win_rate_by_month": N_("Deals closed this month"),
    "win_rate_by_owner": N_("Deals closed by this owner"),
    "win_rate_by_source": N_("Deals closed from this source"),
    "lost_reasons": N_("Deals lost for this reason"),
    "new_customers": N_("New customers this month"),
    "lifetime_value": N_("Customers in this band"),
    "rfm": N_("Customers in this segment"),
    "by_country": N_("Customers in this country"),
    "by_industry": N_("Customers in this industry"),
    "tickets_by_channel": N_("Tickets"),
    "tickets_by_category": N_("Tickets"),
}


@dataclasses.dataclass
class ActionRow:
    kind: str
    record_id: int
    company: bool
    name: str
    reason: str
    link: str


class AnalyticsState(AppState):
    loaded: bool = False
    tab: str = "sales"
    date_from: str = ""
    date_to: str = ""
    pipeline_filter: str = ALL
    owner_filter: str = ALL
    segment_filter: str = ALL
    filter_error: str = ""
    pipeline_options: list[list[str]] = []
    owner_options: list[list[str]] = []
    segment_options: list[list[str]] = []
    kpis: list[Kpi] = []
    leaderboard: list[TableRow] = []
    top_customers: list[TableRow] = []
    unlikely: list[TableRow] = []
    agents: list[TableRow] = []
    has_cohorts: bool = False
    deal_actions: list[ActionRow] = []
    customer_actions: list[ActionRow] = []
    ticket_actions: list[ActionRow] = []
    _drill: dict[str, list[list[dict[str, Any]]]] = {}
    # one var per chart: Reflex sends a figure only when it changed
    fig_pipeline_by_stage: go.Figure = empty_figure()
    fig_funnel: go.Figure = empty_figure()
    fig_win_rate_by_month: go.Figure = empty_figure()
    fig_win_rate_trend: go.Figure = empty_figure()
    fig_cycle_days: go.Figure = empty_figure()
    fig_win_rate_by_owner: go.Figure = empty_figure()
    fig_win_rate_by_source: go.Figure = empty_figure()
    fig_forecast: go.Figure = empty_figure()
    fig_lost_reasons: go.Figure = empty_figure()
    fig_new_customers: go.Figure = empty_figure()
    fig_lifetime_value: go.Figure = empty_figure()
    fig_cohorts: go.Figure = empty_figure()
    fig_rfm: go.Figure = empty_figure()
    fig_by_country: go.Figure = empty_figure()
    fig_by_industry: go.Figure = empty_figure()
    fig_tickets_by_channel: go.Figure = empty_figure()
    fig_tickets_by_category: go.Figure = empty_figure()
    fig_service_times: go.Figure = empty_figure()
    fig_csat: go.Figure = empty_figure()
    fig_sla: go.Figure = empty_figure()

    # -- computing ------------------------------------------------------------------------------
    def _form(self) -> FilterForm:
        return FilterForm(
            self.date_from,
            self.date_to,
            self.pipeline_filter,
            self.owner_filter,
            self.segment_filter,
        )

    def _filter(self) -> AnalyticsFilter | None:
        self.filter_error = ""
        try:
            return analytics_filter(self._form())
        except ValidationError as e:
            self.filter_error = self._t(next(iter(e.errors.values())))
            return None

    def _options(self) -> None:
        with session_scope() as session:
            options = filter_options(session, caller().id)
        self.pipeline_options = [[ALL, self._t(N_("All pipelines"))]] + [
            [str(i), n] for i, n in options["pipelines"]
        ]
        self.owner_options = [[ALL, self._t(N_("All owners"))]] + [
            [str(i), n] for i, n in options["owners"]
        ]
        self.segment_options = [[ALL, self._t(N_("All customers"))]] + [
            [str(i), n] for i, n in options["segments"]
        ]

    def _compute(self) -> None:
        """The visible tab alone (switching tabs)."""
        f = self._filter()
        if f is None:
            return
        with session_scope() as session:
            self._show(build(context(session, f), self.tab, self.locale))

    def _refresh(self):
        """The tab's charts first (sent at once), then the next best actions from the same
        context, so the frames both need are read once."""
        f = self._filter()
        if f is None:
            return
        with session_scope() as session:
            ctx = context(session, f)
            self._show(build(ctx, self.tab, self.locale))
            yield
            found = actions.next_best_actions(ctx)
        rows = {k: [self._action_row(a) for a in v] for k, v in found.items()}
        self.deal_actions = rows["deal"]
        self.customer_actions = rows["customer"]
        self.ticket_actions = rows["ticket"]

    def _show(self, view: TabView) -> None:
        for key in FIGURES:
            if key in view.figures or self._tab_of(key) == self.tab:
                figure = view.figures[key] if key in view.figures else empty_figure()
                setattr(self, f"fig_{key}", figure)
        self.has_cohorts = "cohorts" in view.figures
        self.kpis = view.kpis
        self._drill = view.drill
        for name in ("leaderboard", "top_customers", "unlikely", "agents"):
            if name in view.tables:
                setattr(self, name, view.tables[name])

    @staticmethod
    def _tab_of(key: str) -> str:
        if key in SALES_CHARTS:
            return "sales"
        return "customers" if key in CUSTOMER_CHARTS else "service"

    def _action_row(self, a: actions.Action) -> ActionRow:
        values = {k: (str(self._t(v)) if k == "what" else v) for k, v in a.values.items()}
        if "minutes" in values:  # a ticket's time left or late, in the reader's words
            values["time"] = actions.duration_text(int(values["minutes"]), self.locale)
        return ActionRow(
            kind=a.kind,
            record_id=a.record_id,
            company=a.company,
            name=a.name,
            reason=i18n.format_message(a.reason, self.locale, **values),
            link=a.link,
        )

    # -- handlers -------------------------------------------------------------------------------
    @guarded(Perm.REPORTS)
    def load(self):
        self._options()
        self._from_address()
        if self.tab not in TABS:
            self.tab = "sales"
        self.loaded = True
        yield from self._refresh()

    def _from_address(self) -> None:
        """``/analytics?from=…&owner=…`` (the records page's way back, a bookmark): the
        filter it names, where it is one this user may choose; without one the last stays."""
        form = drill_address.form_of(self.router.url.query_parameters)
        if form is None:
            return
        try:
            dates = drill_address.analytics_filter(FilterForm(form.date_from, form.date_to))
        except ValidationError:
            dates = None  # a bad or reversed range: all time
        first, last = (dates.date_from, dates.date_to) if dates else (None, None)
        self.date_from = first.isoformat() if first else ""
        self.date_to = last.isoformat() if last else ""

        def offered(value: str, options: list[list[str]]) -> str:
            return value if value in {o[0] for o in options} and value != ALL else ALL

        self.pipeline_filter = offered(form.pipeline, self.pipeline_options)
        self.owner_filter = offered(form.owner, self.owner_options)
        self.segment_filter = offered(form.segment, self.segment_options)

    @guarded(Perm.REPORTS)
    def set_tab(self, value: str):
        value = str(value)
        if value in TABS and value != self.tab:
            self.tab = value
            self._compute()

    @guarded(Perm.REPORTS)
    def set_date_from(self, value: str):
        self.date_from = str(value or "")[:10]
        yield from self._refresh()

    @guarded(Perm.REPORTS)
    def set_date_to(self, value: str):
        self.date_to = str(value or "")[:10]
        yield from self._refresh()

    @guarded(Perm.REPORTS)
    def set_last_days(self, days: int):
        """A preset range: the last ``days`` days up to today (0: all time)."""
        days = int(days) if str(days).isdigit() else 0
        if days <= 0:
            self.date_from = self.date_to = ""
        else:
            today = clock.local_today(caller().time_zone)
            self.date_to = today.isoformat()
            self.date_from = date.fromordinal(today.toordinal() - days + 1).isoformat()
        yield from self._refresh()

    def _choose(self, name: str, value: Any, options: list[list[str]]):
        value = str(value)
        setattr(self, name, value if value in {o[0] for o in options} else ALL)
        yield from self._refresh()

    @guarded(Perm.REPORTS)
    def set_pipeline_filter(self, value: str):
        yield from self._choose("pipeline_filter", value, self.pipeline_options)

    @guarded(Perm.REPORTS)
    def set_owner_filter(self, value: str):
        yield from self._choose("owner_filter", value, self.owner_options)

    @guarded(Perm.REPORTS)
    def set_segment_filter(self, value: str):
        yield from self._choose("segment_filter", value, self.segment_options)

    @guarded(Perm.REPORTS)
    def reset_filters(self):
        self.date_from = self.date_to = ""
        self.pipeline_filter = self.owner_filter = self.segment_filter = ALL
        yield from self._refresh()

    @guarded(Perm.REPORTS)
    def open_drill(self, chart: str, points: list):
        """A click on ``chart``: the list page of the records behind the clicked bar, under
        the same filter (its address carries both)."""
        chart = str(chart)
        point = points[0] if isinstance(points, list) and points else {}
        if not isinstance(point, dict) or chart not in drill.CHART_KINDS:
            return None
        curve, index = point.get("curveNumber"), point.get("pointNumber")
        traces = self._drill.get(chart, [])
        if not isinstance(curve, int) or not isinstance(index, int):
            return None
        if not 0 <= curve < len(traces) or not 0 <= index < len(traces[curve]):
            return None
        if self._filter() is None:
            return None
        return rx.redirect(drill_address.address(chart, dict(traces[curve][index]), self._form()))

    @guarded(Perm.REPORTS)
    def download_csv(self, chart: str):
        """The chart's data, as the chart shows it under the current filter, as CSV."""
        chart = CSV_OF.get(str(chart), str(chart))
        if chart not in charts.CHARTS:
            return None
        f = self._filter()
        if f is None:
            return None
        me = caller()
        with session_scope() as session:
            frame = charts.chart_frame(context(session, f), chart)
        day = clock.local_today(me.time_zone).isoformat()
        download = downloads.prepare(me.id, f"{chart} {day}.csv")
        charts.write_csv(frame, download.path)
        return rx.download(url=download.url, filename=download.filename)

    @guarded(Perm.TASKS_WRITE)
    def create_task(self, kind: str, record_id: int, company: bool):
        """One click on a next best action: its task, for the caller, due today."""
        kind = str(kind)
        if kind not in actions.KINDS or not str(record_id).isdigit():
            return None
        me = caller()
        title = self._t(actions.TASK_TITLES[kind])
        try:
            with session_scope() as session:
                actions.create_task_for(
                    session,
                    kind,
                    int(record_id),
                    company=bool(company),
                    actor_id=me.id,
                    title=title,
                    time_zone=me.time_zone,
                )
        except (NotFound, ValidationError):
            return rx.toast.error(self._t(N_("This record no longer exists.")))
        return rx.toast.success(self._t(N_("Task added to My work.")))
