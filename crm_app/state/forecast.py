"""Forecast page: expected revenue per month (open deals × stage probability) next to won revenue.

Filters by pipeline and owner, grouped by month, pipeline or owner, over a chosen range of
months. Amounts are in the base currency, formatted in the user's language; the chart is a
Plotly figure built here so its labels and hover texts are the same as the table's.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import plotly.graph_objects as go
from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_currency

from crm_app.db import session_scope
from crm_app.services import clock, forecast, formatting, i18n, money, pipelines, users
from crm_app.services.i18n import N_
from crm_app.services.permissions import Perm

from .analytics_figures import empty_figure
from .analytics_figures import figure as chart
from .base import AppState
from .guard import caller, guarded

# (first month, last month) relative to this month, per preset range.
RANGES: dict[str, tuple[str, tuple[int, int] | None]] = {
    "around": (N_("Past 6 and next 12 months"), (-6, 11)),
    "next": (N_("Next 12 months"), (0, 11)),
    "past": (N_("Past 12 months"), (-11, 0)),
    "year": (N_("This year"), None),
    "custom": (N_("Chosen months"), None),
}
GROUPS = {"none": N_("By month"), "pipeline": N_("By pipeline"), "owner": N_("By owner")}
MAX_MONTHS = 36
TOP_GROUPS = 10  # bars in the grouped chart; the rest add up to "Others"
EXPECTED_COLOR, WON_COLOR = "#3e63dd", "#30a46c"  # Radix indigo 9 and green 9


@dataclasses.dataclass
class ForecastRow:
    month: str
    group: str
    open_deals: str
    expected: str
    won_deals: str
    won: str
    current: bool
    first: bool  # the first row of its month (grouped tables draw a line above it)


def whole_money(amount: float, currency: str, locale: str) -> str:
    """€12,400 and €380: a forecast speaks in whole units, also below a thousand."""
    if abs(amount) >= 1000:
        return formatting.money(amount, currency, locale)
    loc = i18n.normalize(locale)
    pattern = Locale.parse(loc).currency_formats["standard"].pattern.replace(".00", "")
    text = format_currency(
        round(amount),
        currency,
        format=pattern,
        locale=loc,
        currency_digits=False,
        numbering_system=formatting.NUMBERS,
    )
    return i18n.localize_digits(text, loc)


def _month(text: str) -> date | None:
    try:
        year, month = str(text).split("-")[:2]
        return date(int(year), int(month), 1)
    except ValueError:
        return None


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


class ForecastState(AppState):
    loaded: bool = False
    has_deals: bool = False
    has_values: bool = False
    base: str = ""
    pipeline_filter: str = "all"
    owner_filter: str = "all"
    group_by: str = "none"
    range_key: str = "around"
    start: str = ""
    end: str = ""
    range_error: str = ""
    pipeline_options: list[list[str]] = []
    owner_options: list[list[str]] = []
    range_options: list[list[str]] = []
    group_options: list[list[str]] = []
    figure: go.Figure = empty_figure()
    chart_title: str = ""
    group_header: str = ""
    rows: list[ForecastRow] = []
    total_expected: str = ""
    total_won: str = ""
    total_open_deals: str = ""
    total_won_deals: str = ""
    expected_detail: str = ""
    won_detail: str = ""
    period_label: str = ""
    chart_note: str = ""

    # -- loading --------------------------------------------------------------------------------
    def _options(self) -> None:
        me = caller()
        with session_scope() as session:
            rows = pipelines.list_pipelines(session, include_archived=True)
            people = users.list_users(session)
        self.has_deals = any(s.deals for p in rows for s in p.stages)
        self.pipeline_options = [["all", self._t(N_("All pipelines"))]] + [
            [str(p.id), p.name] for p in rows
        ]
        self.owner_options = [["all", self._t(N_("All owners"))]] + [
            [str(u.id), u.name] for u in people
        ]
        self.range_options = [[k, self._t(label)] for k, (label, _) in RANGES.items()]
        self.group_options = [[k, self._t(label)] for k, label in GROUPS.items()]
        if not self.start or not self.end:
            self._apply_range("around", me.time_zone)

    def _apply_range(self, key: str, tz: str) -> None:
        this_month = clock.local_today(tz).replace(day=1)
        self.range_key = key if key in RANGES else "around"
        span = RANGES[self.range_key][1]
        if self.range_key == "year":
            first, last = this_month.replace(month=1), this_month.replace(month=12)
        elif span is not None:
            first = forecast.add_months(this_month, span[0])
            last = forecast.add_months(this_month, span[1])
        else:
            return
        self.start, self.end = forecast.month_key(first), forecast.month_key(last)

    def _label(self, day: date) -> str:
        return i18n.localize_digits(format_skeleton("yMMM", day, locale=self.locale), self.locale)

    def _ticks(self, keys: list[str]) -> list[str]:
        """Month names for the axis, the year under the first month and each January.

        Short labels let Plotly thin them on a phone instead of piling them up; a repeated
        month name (a range over a year) is told apart by invisible zero-width spaces.
        """
        first = _month(keys[0]) if keys else None
        ticks = []
        for i, key in enumerate(keys):
            day = _month(key) or date.today()
            name = format_skeleton("MMM", day, locale=self.locale)
            if i == 0 or day.month == 1:
                ticks.append(i18n.localize_digits(f"{name}<br>{day.year}", self.locale))
            else:
                ticks.append(name + "\u200b" * (day.year - (first.year if first else day.year)))
        return ticks

    def _compute(self) -> None:
        me = caller()
        loc = self.locale
        first, last = _month(self.start), _month(self.end)
        self.range_error = ""
        if first is None or last is None:
            self.range_error = self._t(N_("Choose the first and the last month."))
            return
        months = _months_between(first, last)
        if months < 1:
            self.range_error = self._t(N_("The last month comes before the first."))
            return
        if months > MAX_MONTHS:
            self.range_error = self._t(N_("Choose at most 36 months."))
            return
        by = self.group_by if self.group_by in forecast.GROUPS else None
        pipeline_id = int(self.pipeline_filter) if self.pipeline_filter.isdigit() else None
        owner_id = int(self.owner_filter) if self.owner_filter.isdigit() else None
        with session_scope() as session:
            rows = forecast.forecast(
                session,
                start=first,
                months=months,
                by=by,
                pipeline_id=pipeline_id,
                owner_id=owner_id,
                time_zone=me.time_zone,
            )
            self.base = money.base_currency(session)
        this_month = forecast.month_key(clock.local_today(me.time_zone))
        labels = {r["month"]: self._label(_month(r["month"]) or first) for r in rows}
        cur = self.base
        sums = forecast.totals(rows)
        self.has_values = bool(sums["expected"] or sums["won"] or sums["open_deals"])
        n = i18n.ngettext
        self.total_expected = whole_money(sums["expected"], cur, loc)
        self.total_won = whole_money(sums["won"], cur, loc)
        self.total_open_deals = formatting.number(sums["open_deals"], loc)
        self.total_won_deals = formatting.number(sums["won_deals"], loc)
        self.expected_detail = n("{n} open deal", "{n} open deals", sums["open_deals"], loc)
        self.won_detail = n("{n} deal won", "{n} deals won", sums["won_deals"], loc)
        self.period_label = f"{self._label(first)} – {self._label(last)}"
        self.chart_note = i18n.format_message(
            N_("{period} · amounts in {currency}"), loc, period=self.period_label, currency=cur
        )
        no_owner = self._t(N_("No owner"))
        self.group_header = self._t(
            {"pipeline": N_("Pipeline"), "owner": N_("Owner")}.get(self.group_by, N_("Month"))
        )
        shown = [r for r in rows if by is None or r["open_deals"] or r["won_deals"]]
        table: list[ForecastRow] = []
        previous = ""
        for r in shown:
            table.append(
                ForecastRow(
                    month=labels[r["month"]] if r["month"] != previous else "",
                    group=(r["group_name"] or no_owner) if by else "",
                    open_deals=formatting.number(r["open_deals"], loc),
                    expected=whole_money(r["expected"], cur, loc),
                    won_deals=formatting.number(r["won_deals"], loc),
                    won=whole_money(r["won"], cur, loc),
                    current=r["month"] == this_month,
                    first=r["month"] != previous,
                )
            )
            previous = r["month"]
        self.rows = table
        if by is None:
            self.chart_title = self._t(N_("Expected and won revenue per month"))
            keys = [r["month"] for r in rows]
            self.figure = self._figure(self._ticks(keys), [labels[k] for k in keys], rows, by)
        else:
            self.chart_title = self._t(
                N_("Expected and won revenue per pipeline")
                if by == "pipeline"
                else N_("Expected and won revenue per owner")
            )
            totals: dict[str, dict[str, Any]] = {}
            for r in rows:
                name = r["group_name"] or no_owner
                t = totals.setdefault(name, {"expected": 0.0, "won": 0.0})
                t["expected"] += r["expected"]
                t["won"] += r["won"]
            ranked = sorted(totals.items(), key=lambda kv: -(kv[1]["expected"] + kv[1]["won"]))
            top, rest = ranked[:TOP_GROUPS], ranked[TOP_GROUPS:]
            if rest:
                top.append(
                    (
                        self._t(N_("Others")),
                        {
                            "expected": sum(v["expected"] for _, v in rest),
                            "won": sum(v["won"] for _, v in rest),
                        },
                    )
                )
            names = [k for k, _ in top]
            self.figure = self._figure(names, names, [v for _, v in top], by)

    def _figure(
        self, labels: list[str], names: list[str], values: list[dict[str, Any]], by: str | None
    ) -> go.Figure:
        """Grouped bars, expected next to won, one pair per axis label; hover shows ``names``."""
        loc, cur = self.locale, self.base
        rtl = i18n.is_rtl(loc)
        data = []
        for key, label, color in (
            ("expected", N_("Expected (weighted)"), EXPECTED_COLOR),
            ("won", N_("Won"), WON_COLOR),
        ):
            ys = [round(float(v[key]), 2) for v in values]
            data.append(
                {
                    "type": "bar",
                    "name": self._t(label),
                    "x": labels,
                    "y": ys,
                    "marker": {"color": color},
                    "customdata": [
                        [name, whole_money(y, cur, loc)] for name, y in zip(names, ys, strict=True)
                    ],
                    "hovertemplate": (
                        "<b>%{customdata[0]}</b><br>%{fullData.name}: %{customdata[1]}"
                        "<extra></extra>"
                    ),
                }
            )
        axis_title = self._t(
            {"pipeline": N_("Pipeline"), "owner": N_("Owner")}.get(by or "", N_("Month"))
        )
        revenue = i18n.gettext(N_("Revenue ({currency})"), loc).format(currency=cur)
        fig = chart(
            loc,
            data,
            height=340,
            xaxis={
                "title": {"text": axis_title, "standoff": 12},
                "type": "category",  # narrow screens show every other month, not a pile
                "tickangle": 0,
                "autorange": "reversed" if rtl else True,
                "showgrid": False,  # bars, not points: a line through each month adds nothing
            },
            yaxis={
                "title": {"text": revenue, "standoff": 12},
                "side": "right" if rtl else "left",
                "tickformat": "~s",
                "rangemode": "tozero",
            },
            barmode="group",
            bargap=0.25,
            bargroupgap=0.08,
        )
        # read from the right in rtl: expected first, as in the bars
        fig.layout.legend.traceorder = "reversed" if rtl else "normal"
        return fig

    # -- handlers -------------------------------------------------------------------------------
    @guarded(Perm.REPORTS)
    def load(self):
        self._options()
        self._compute()
        self.loaded = True

    @guarded(Perm.REPORTS)
    def set_pipeline_filter(self, value: str):
        value = str(value)
        self.pipeline_filter = value if value == "all" or value.isdigit() else "all"
        self._compute()

    @guarded(Perm.REPORTS)
    def set_owner_filter(self, value: str):
        value = str(value)
        self.owner_filter = value if value == "all" or value.isdigit() else "all"
        self._compute()

    @guarded(Perm.REPORTS)
    def set_group_by(self, value: str | list[str]):
        choice = str(value[0] if isinstance(value, list) and value else value)
        self.group_by = choice if choice in GROUPS else "none"
        self._compute()

    @guarded(Perm.REPORTS)
    def set_range_key(self, value: str):
        value = str(value)
        if value == "custom":
            self.range_key = "custom"
            return
        self._apply_range(value, caller().time_zone)
        self._compute()

    @guarded(Perm.REPORTS)
    def set_start(self, value: str):
        if _month(str(value)) is not None:
            self.start, self.range_key = str(value)[:7], "custom"
            self._compute()

    @guarded(Perm.REPORTS)
    def set_end(self, value: str):
        if _month(str(value)) is not None:
            self.end, self.range_key = str(value)[:7], "custom"
            self._compute()

    @guarded(Perm.REPORTS)
    def reset_filters(self):
        self.pipeline_filter, self.owner_filter, self.group_by = "all", "all", "none"
        self._apply_range("around", caller().time_zone)
        self._compute()
