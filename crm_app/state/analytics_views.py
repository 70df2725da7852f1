"""What each analytics tab shows, built from the analytics services for one locale.

``build(ctx, tab, locale)`` returns the tab's key figures, Plotly figures, tables and, per
chart, the drill-down criteria of every bar (``drill[chart][trace][point]``), so a click is
resolved on the server from indexes alone. Plain Python: the state only stores the result.
"""

from __future__ import annotations

from typing import Any

from crm_app.services import i18n
from crm_app.services.analytics import customers, funnel, sales, service
from crm_app.services.analytics.filters import Context
from crm_app.services.analytics.report import customers_report, sales_report, service_report
from crm_app.services.i18n import N_

from . import analytics_figures as figs
from .analytics_format import Formats, TableRow, TabView, kpis, missing
from .tickets import CHANNEL_LABELS

# -- sales ---------------------------------------------------------------------------------------
SALES_LABELS = {
    "deals_won": N_("Deals won"),
    "deals_lost": N_("Deals lost"),
    "win_rate": N_("Win rate"),
    "won_value": N_("Won value"),
    "open_pipeline_value": N_("Open pipeline"),
    "weighted_pipeline_value": N_("Weighted pipeline"),
    "average_won_value": N_("Average deal size"),
    "average_cycle_days": N_("Sales cycle (days)"),
    "sales_velocity": N_("Sales velocity (per day)"),
}
SALES_KINDS = {
    "win_rate": "percent",
    "won_value": "money",
    "open_pipeline_value": "money",
    "weighted_pipeline_value": "money",
    "average_won_value": "money",
    "average_cycle_days": "decimal",
    "sales_velocity": "money",
}


def sales_view(ctx: Context, f: Formats) -> TabView:
    v = TabView(kpis=kpis(f, sales_report(ctx), SALES_LABELS, SALES_KINDS))
    t = f.t
    stages = funnel.pipeline_by_stage(ctx)
    names = [f"{p} · {s}" for p, s in zip(stages["pipeline"], stages["stage"], strict=True)]
    v.figures["pipeline_by_stage"] = figs.bars(
        f.locale,
        names,
        [
            (t(N_("Open value")), stages["value"], [f.money(x) for x in stages["value"]]),
            (t(N_("Weighted")), stages["weighted"], [f.money(x) for x in stages["weighted"]]),
        ],
        value_title=f.currency,
        horizontal=True,
        height=max(240, 34 * len(names) + 60),
    )
    crit = [{"stage_id": int(i)} for i in stages["stage_id"]]
    v.drill["pipeline_by_stage"] = [crit, crit]
    fun = funnel.funnel(ctx)
    shown = [
        f"{f.number(n)}" + ("" if missing(c) else f" · {f.percent(c)}")
        for n, c in zip(fun["reached"], fun["conversion"], strict=True)
    ]
    v.figures["funnel"] = figs.funnel(f.locale, list(fun["stage"]), list(fun["reached"]), shown)
    by_month = sales.win_rate_by_month(ctx)
    months = [f.month(m) for m in by_month["month"]]
    v.figures["win_rate_by_month"] = figs.bars(
        f.locale,
        months,
        [
            (t(N_("Won")), by_month["won"], [f.number(x) for x in by_month["won"]]),
            (t(N_("Lost")), by_month["lost"], [f.number(x) for x in by_month["lost"]]),
        ],
        stacked=True,
        value_title=t(N_("Deals")),
        colors=(figs.WON, figs.LOST),
    )
    v.drill["win_rate_by_month"] = [
        [{"month": m, "won": True} for m in by_month["month"]],
        [{"month": m, "won": False} for m in by_month["month"]],
    ]
    v.figures["win_rate_trend"] = figs.lines(
        f.locale,
        months,
        [
            (t(N_("Win rate")), by_month["win_rate"], [f.percent(x) for x in by_month["win_rate"]]),
        ],
        percent=True,
    )
    v.figures["cycle_days"] = figs.lines(
        f.locale,
        months,
        [
            (
                t(N_("Sales cycle (days)")),
                by_month["cycle_days"],
                [f.number(x, 1) for x in by_month["cycle_days"]],
            )
        ],
        value_title=t(N_("Days")),
    )
    board = sales.leaderboard(ctx)
    owners = [f.label(o) for o in board["owner"]]
    v.figures["win_rate_by_owner"] = figs.bars(
        f.locale,
        owners,
        [(t(N_("Win rate")), board["win_rate"], [f.percent(x) for x in board["win_rate"]])],
        percent=True,
    )
    v.drill["win_rate_by_owner"] = [[{"owner_id": int(i)} for i in board["owner_id"]]]
    v.tables["leaderboard"] = [
        TableRow([o, f.number(w), f.money(val), f.percent(r), f.number(c, 1)])
        for o, w, val, r, c in zip(
            owners,
            board["won"],
            board["won_value"],
            board["win_rate"],
            board["cycle_days"],
            strict=True,
        )
    ]
    source = sales.win_rate_by_source(ctx)
    v.figures["win_rate_by_source"] = figs.bars(
        f.locale,
        [f.label(s) for s in source["source"]],
        [(t(N_("Win rate")), source["win_rate"], [f.percent(x) for x in source["win_rate"]])],
        percent=True,
    )
    v.drill["win_rate_by_source"] = [[{"source": s} for s in source["source"]]]
    fc = funnel.forecast_by_month(ctx)
    v.figures["forecast"] = figs.bars(
        f.locale,
        [f.month(m) for m in fc["month"]],
        [
            (t(N_("Expected (weighted)")), fc["expected"], [f.money(x) for x in fc["expected"]]),
            (t(N_("Won")), fc["won"], [f.money(x) for x in fc["won"]]),
        ],
        value_title=f.currency,
        colors=(figs.PALETTE[0], figs.WON),
    )
    lost = sales.lost_reasons(ctx)
    v.figures["lost_reasons"] = figs.bars(
        f.locale,
        [f.label(r) for r in lost["reason"]],
        [(t(N_("Deals")), lost["deals"], [f.number(x) for x in lost["deals"]])],
        horizontal=True,
    )
    v.drill["lost_reasons"] = [[{"lost_reason": r, "won": False} for r in lost["reason"]]]
    return v


# -- customers -----------------------------------------------------------------------------------
CUSTOMER_LABELS = {
    "customers": N_("Customers"),
    "new_customers": N_("New customers"),
    "average_lifetime_value": N_("Average lifetime value"),
    "at_risk_customers": N_("At risk"),
}


def customers_view(ctx: Context, f: Formats) -> TabView:
    t = f.t
    v = TabView(
        kpis=kpis(f, customers_report(ctx), CUSTOMER_LABELS, {"average_lifetime_value": "money"})
    )
    new = customers.new_customers_by_month(ctx)
    v.figures["new_customers"] = figs.bars(
        f.locale,
        [f.month(m) for m in new["month"]],
        [(t(N_("New customers")), new["customers"], [f.number(x) for x in new["customers"]])],
    )
    v.drill["new_customers"] = [[{"first_month": m} for m in new["month"]]]
    hist = customers.lifetime_value_histogram(ctx)
    bands = [
        f"{f.money(lo)} – {f.money(hi)}" for lo, hi in zip(hist["low"], hist["high"], strict=True)
    ]
    v.figures["lifetime_value"] = figs.bars(
        f.locale,
        bands,
        [(t(N_("Customers")), hist["customers"], [f.number(x) for x in hist["customers"]])],
    )
    v.drill["lifetime_value"] = [
        [
            {"low": float(lo), "high": float(hi)}
            for lo, hi in zip(hist["low"], hist["high"], strict=True)
        ]
    ]
    top = customers.top_customers(ctx)
    v.tables["top_customers"] = [
        TableRow([str(n), f.money(val), f.number(p), str(c or "")], _link(k))
        for k, n, val, p, c in zip(
            top["customer"],
            top["name"],
            top["lifetime_value"],
            top["purchases"],
            top["country"],
            strict=True,
        )
    ]
    cohorts = customers.cohort_retention(ctx)
    if not cohorts.empty:
        v.figures["cohorts"] = figs.heatmap(
            f.locale,
            [f.month(m) for m in cohorts.index],
            [f.number(c) for c in cohorts.columns],
            cohorts.to_numpy().tolist(),
            x_title=t(N_("Months after the first purchase")),
            y_title=t(N_("First purchase")),
        )
    rfm = customers.rfm_segments(ctx)
    v.figures["rfm"] = figs.bars(
        f.locale,
        [t(s) for s in rfm["segment"]],
        [(t(N_("Customers")), rfm["customers"], [f.number(x) for x in rfm["customers"]])],
        horizontal=True,
    )
    v.drill["rfm"] = [[{"segment": s} for s in rfm["segment"]]]
    unlikely = customers.unlikely_to_buy_again(ctx)
    v.tables["unlikely"] = [
        TableRow(
            [str(n), f.money(val), i18n.format_message(r.message, f.locale, **r.values)], _link(k)
        )
        for k, n, val, r in zip(
            unlikely["customer"],
            unlikely["name"],
            unlikely["lifetime_value"],
            unlikely["reason"],
            strict=True,
        )
    ]
    for by in ("country", "industry"):
        df = customers.breakdown(ctx, by)
        v.figures[f"by_{by}"] = figs.bars(
            f.locale,
            [f.label(x) for x in df[by]],
            [(t(N_("Lifetime value")), df["value"], [f.money(x) for x in df["value"]])],
            value_title=f.currency,
        )
        v.drill[f"by_{by}"] = [[{by: x} for x in df[by]]]
    return v


def _link(key: str) -> str:
    return ("/companies/" if str(key).startswith("co:") else "/contacts/") + str(key)[3:]


# -- service -------------------------------------------------------------------------------------
SERVICE_LABELS = {
    "tickets": N_("Tickets"),
    "median_first_response_hours": N_("First response (median hours)"),
    "median_resolution_hours": N_("Resolution (median hours)"),
    "p90_resolution_hours": N_("Resolution (90th percentile hours)"),
    "sla_attainment": N_("SLA attainment"),
    "csat_average": N_("CSAT average"),
    "csat_responses": N_("CSAT responses"),
}
SERVICE_KINDS = {
    "median_first_response_hours": "decimal",
    "median_resolution_hours": "decimal",
    "p90_resolution_hours": "decimal",
    "sla_attainment": "percent",
    "csat_average": "decimal",
}


def _stacked(f: Formats, df, by: str) -> tuple[list[str], list, list[list[dict[str, Any]]]]:
    month_keys = sorted(set(df["month"]))
    series, drill = [], []
    for value in sorted(set(df[by])):
        part = df[df[by] == value].set_index("month")["tickets"].reindex(month_keys, fill_value=0)
        name = f.t(CHANNEL_LABELS[value]) if by == "channel" and value in CHANNEL_LABELS else value
        series.append((f.label(name), list(part), [f.number(x) for x in part]))
        drill.append([{"month": m, by: value} for m in month_keys])
    return [f.month(m) for m in month_keys], series, drill


def service_view(ctx: Context, f: Formats) -> TabView:
    t = f.t
    v = TabView(kpis=kpis(f, service_report(ctx), SERVICE_LABELS, SERVICE_KINDS))
    for by in ("channel", "category"):
        months, series, drill = _stacked(f, service.volume_by_month(ctx, by), by)
        v.figures[f"tickets_by_{by}"] = figs.bars(
            f.locale, months, series, stacked=True, value_title=t(N_("Tickets"))
        )
        v.drill[f"tickets_by_{by}"] = drill
    times = service.times_by_month(ctx)
    months = [f.month(m) for m in times["month"]]
    v.figures["service_times"] = figs.lines(
        f.locale,
        months,
        [
            (t(label), times[col], [f.number(x, 1) for x in times[col]])
            for col, label in (
                ("first_response_median", N_("First response, median")),
                ("first_response_p90", N_("First response, 90th percentile")),
                ("resolution_median", N_("Resolution, median")),
                ("resolution_p90", N_("Resolution, 90th percentile")),
            )
        ],
        value_title=t(N_("Hours")),
    )
    v.figures["csat"] = figs.lines(
        f.locale,
        months,
        [
            (
                t(N_("CSAT average")),
                times["csat_average"],
                [f.number(x, 2) for x in times["csat_average"]],
            )
        ],
    )
    sla = service.sla_by_month(ctx)
    v.figures["sla"] = figs.lines(
        f.locale,
        [f.month(m) for m in sla["month"]],
        [(t(N_("SLA attainment")), sla["attainment"], [f.percent(x) for x in sla["attainment"]])],
        percent=True,
    )
    agents = service.agent_performance(ctx)
    v.tables["agents"] = [
        TableRow(
            [
                f.label(a),
                f.number(n),
                f.number(r),
                f.number(fr, 1),
                f.number(res, 1),
                f.percent(s),
                f.number(c, 2),
            ]
        )
        for a, n, r, fr, res, s, c in zip(
            agents["agent"],
            agents["tickets"],
            agents["resolved"],
            agents["first_response_median"],
            agents["resolution_median"],
            agents["sla_attainment"],
            agents["csat_average"],
            strict=True,
        )
    ]
    return v


VIEWS = {"sales": sales_view, "customers": customers_view, "service": service_view}


def build(ctx: Context, tab: str, locale: str) -> TabView:
    """The tab's view (an unknown tab shows sales)."""
    return VIEWS.get(tab, sales_view)(ctx, Formats(locale, ctx.base_currency))
