"""Analytics: Sales / Customers / Service dashboards, one filter bar, next best actions."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state
from crm_app.components.charts import chart_card, kpi_tile, simple_table
from crm_app.components.i18n import T
from crm_app.components.shell import app_shell, page_header
from crm_app.services.i18n import N_
from crm_app.state.analytics import ActionRow, AnalyticsState

S = AnalyticsState
PRESETS = (
    (30, N_("Last 30 days")),
    (90, N_("Last 90 days")),
    (365, N_("Last 12 months")),
    (0, N_("All time")),
)


def _select(label: str, options: rx.Var, value: rx.Var, on_change, test_id: str):
    return rx.vstack(
        rx.text(T(label), size="1", weight="medium", color="var(--gray-11)"),
        rx.select.root(
            rx.select.trigger(aria_label=T(label), data_testid=test_id, min_width="150px"),
            rx.select.content(rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
    )


def _date(label: str, value: rx.Var, on_change, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(T(label), size="1", weight="medium", color="var(--gray-11)"),
        rx.input(
            type="date",
            value=value,
            on_change=on_change.debounce(400),
            aria_label=T(label),
            data_testid=test_id,
            width="150px",
        ),
        spacing="1",
    )


def _filters() -> rx.Component:
    return rx.card(
        rx.flex(
            _date(N_("From date"), S.date_from, S.set_date_from, "analytics-from"),
            _date(N_("Until date"), S.date_to, S.set_date_to, "analytics-to"),
            rx.hstack(
                *[
                    rx.button(
                        T(label),
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.set_last_days(days),
                    )
                    for days, label in PRESETS
                ],
                spacing="1",
                wrap="wrap",
                margin_bottom="4px",
            ),
            _select(
                N_("Pipeline"),
                S.pipeline_options,
                S.pipeline_filter,
                S.set_pipeline_filter,
                "analytics-pipeline",
            ),
            _select(
                N_("Owner"), S.owner_options, S.owner_filter, S.set_owner_filter, "analytics-owner"
            ),
            _select(
                N_("Segment"),
                S.segment_options,
                S.segment_filter,
                S.set_segment_filter,
                "analytics-segment",
            ),
            rx.button(
                rx.icon("rotate-ccw", size=14),
                T("Reset filters"),
                variant="ghost",
                color_scheme="gray",
                on_click=S.reset_filters,
                margin_bottom="4px",
            ),
            spacing="4",
            align="end",
            wrap="wrap",
        ),
        rx.cond(
            S.filter_error != "",
            rx.text(
                S.filter_error, size="1", color="var(--red-11)", role="alert", margin_top="8px"
            ),
        ),
        size="2",
        width="100%",
    )


def _kpis() -> rx.Component:
    return rx.grid(
        rx.foreach(S.kpis, lambda k: kpi_tile(k.label, k.value)),
        columns=rx.breakpoints(initial="2", sm="3", lg="5"),
        spacing="3",
        width="100%",
        data_testid="analytics-kpis",
    )


def _chart(title: str, key: str, *, click: bool = False, hint: str = "", height: str = "300px"):
    return chart_card(
        title,
        getattr(S, f"fig_{key}"),
        key,
        on_download=S.download_csv(key),
        on_click=(lambda points: S.open_drill(key, points)) if click else None,
        hint=hint,
        height=height,
    )


def _grid(*children: rx.Component) -> rx.Component:
    return rx.grid(
        *children, columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"
    )


def _table_card(title: str, headers: list[str], rows: rx.Var, key: str, *, csv: bool = True):
    return rx.card(
        rx.hstack(
            rx.heading(T(title), size="3", weight="bold"),
            rx.spacer(),
            *(
                [
                    rx.icon_button(
                        rx.icon("download", size=14),
                        variant="ghost",
                        color_scheme="gray",
                        size="1",
                        on_click=S.download_csv(key),
                        aria_label=T("Download the data as CSV"),
                        data_testid=f"csv-{key}",
                    )
                ]
                if csv
                else []
            ),
            margin_bottom="8px",
        ),
        rx.cond(
            rows.length() > 0,
            simple_table(headers, rows, test_id=f"table-{key}"),
            rx.text(T("Nothing in this range."), size="2", color="var(--gray-11)"),
        ),
        size="2",
        width="100%",
    )


CLICK_HINT = N_("Click a bar to see its records.")


def _sales() -> rx.Component:
    return rx.vstack(
        _grid(
            _chart(N_("Open pipeline by stage"), "pipeline_by_stage", click=True, hint=CLICK_HINT),
            _chart(
                N_("Stage-to-stage funnel"),
                "funnel",
                hint=N_("Deals created in the range, by the furthest stage they reached."),
            ),
            _chart(
                N_("Won and lost deals per month"), "win_rate_by_month", click=True, hint=CLICK_HINT
            ),
            _chart(N_("Win rate over time"), "win_rate_trend"),
            _chart(N_("Win rate by owner"), "win_rate_by_owner", click=True, hint=CLICK_HINT),
            _chart(N_("Win rate by source"), "win_rate_by_source", click=True, hint=CLICK_HINT),
            _chart(
                N_("Sales cycle length"),
                "cycle_days",
                hint=N_("Average days from created to won, by month closed."),
            ),
            _chart(N_("Weighted forecast by month"), "forecast"),
            _chart(N_("Lost reasons"), "lost_reasons", click=True, hint=CLICK_HINT),
            _table_card(
                N_("Owner leaderboard"),
                [N_("Owner"), N_("Won"), N_("Won value"), N_("Win rate"), N_("Cycle (days)")],
                S.leaderboard,
                "win_rate_by_owner",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _customers() -> rx.Component:
    return rx.vstack(
        _grid(
            _chart(N_("New customers per month"), "new_customers", click=True, hint=CLICK_HINT),
            _chart(
                N_("Lifetime value distribution"), "lifetime_value", click=True, hint=CLICK_HINT
            ),
            _table_card(
                N_("Top customers"),
                [N_("Customer"), N_("Lifetime value"), N_("Purchases"), N_("Country")],
                S.top_customers,
                "top_customers",
            ),
            _chart(N_("RFM segments"), "rfm", click=True, hint=CLICK_HINT),
            _chart(N_("Customers by country"), "by_country", click=True, hint=CLICK_HINT),
            _chart(N_("Customers by industry"), "by_industry", click=True, hint=CLICK_HINT),
        ),
        rx.cond(
            S.has_cohorts,
            _chart(N_("Cohort retention by first-purchase month"), "cohorts", height="360px"),
        ),
        _table_card(
            N_("Unlikely to buy again"),
            [N_("Customer"), N_("Lifetime value"), N_("Why")],
            S.unlikely,
            "unlikely",
        ),
        spacing="4",
        width="100%",
    )


def _service() -> rx.Component:
    return rx.vstack(
        _grid(
            _chart(N_("Tickets by channel"), "tickets_by_channel", click=True, hint=CLICK_HINT),
            _chart(N_("Tickets by category"), "tickets_by_category", click=True, hint=CLICK_HINT),
            _chart(N_("First response and resolution time"), "service_times"),
            _chart(N_("SLA attainment"), "sla"),
            _chart(N_("Satisfaction (CSAT) trend"), "csat"),
        ),
        _table_card(
            N_("Agent performance"),
            [
                N_("Agent"),
                N_("Tickets"),
                N_("Resolved"),
                N_("First response (h)"),
                N_("Resolution (h)"),
                N_("SLA"),
                N_("CSAT"),
            ],
            S.agents,
            "agents",
        ),
        spacing="4",
        width="100%",
    )


def _action(a: rx.Var[ActionRow]) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.link(a.name, href=a.link, weight="medium", dir="auto"),
            rx.text(a.reason, size="1", color="var(--gray-11)"),
            spacing="0",
            min_width="0",
        ),
        rx.spacer(),
        rx.cond(
            S.user_can_write,
            rx.button(
                rx.icon("list-plus", size=14),
                T("Create task"),
                size="1",
                variant="soft",
                on_click=S.create_task(a.kind, a.record_id, a.company),
            ),
        ),
        align="center",
        width="100%",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a4)",
    )


def _action_group(title: str, rows: rx.Var, test_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(T(title), size="2", weight="bold"),
        rx.cond(
            rows.length() > 0,
            rx.vstack(rx.foreach(rows, _action), spacing="0", width="100%"),
            rx.text(T("Nothing to do here."), size="1", color="var(--gray-11)"),
        ),
        spacing="2",
        width="100%",
        data_testid=test_id,
    )


def _actions() -> rx.Component:
    return rx.card(
        rx.heading(T("Next best actions"), size="4", weight="bold", margin_bottom="12px"),
        rx.grid(
            _action_group(N_("Stalled deals"), S.deal_actions, "actions-deals"),
            _action_group(
                N_("Customers due to buy again"), S.customer_actions, "actions-customers"
            ),
            _action_group(N_("Tickets about to breach"), S.ticket_actions, "actions-tickets"),
            columns=rx.breakpoints(initial="1", md="3"),
            spacing="5",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def analytics_page() -> rx.Component:
    return app_shell(
        page_header(T("Analytics"), T("Sales, customer and service performance.")),
        rx.vstack(
            _filters(),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(T("Sales"), value="sales"),
                    rx.tabs.trigger(T("Customers"), value="customers"),
                    rx.tabs.trigger(T("Service"), value="service"),
                ),
                value=S.tab,
                on_change=S.set_tab,
                width="100%",
            ),
            rx.cond(
                S.loaded,
                rx.vstack(
                    _kpis(),
                    rx.match(S.tab, ("customers", _customers()), ("service", _service()), _sales()),
                    _actions(),
                    spacing="4",
                    width="100%",
                ),
                empty_state("chart-column", T("Loading…"), T("Computing the figures.")),
            ),
            spacing="4",
            width="100%",
        ),
    )
