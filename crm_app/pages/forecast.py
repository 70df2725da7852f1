"""Forecast: expected revenue per month next to won revenue, by pipeline or owner."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state, panel, skeleton_lines, stat_card
from crm_app.components.i18n import T
from crm_app.components.shell import app_shell, page_header
from crm_app.state.forecast import GROUPS, RANGES, ForecastRow, ForecastState

S = ForecastState
CONFIG = {"displayModeBar": False, "responsive": True}


def _select(label: rx.Var, options: rx.Var, value: rx.Var, on_change, test_id: str):
    return rx.select.root(
        rx.select.trigger(aria_label=label, data_testid=test_id, min_width="160px"),
        rx.select.content(rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))),
        value=value,
        on_change=on_change,
    )


def _labelled(label: rx.Var, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", weight="medium", color="var(--gray-11)"),
        control,
        spacing="1",
    )


def _filters() -> rx.Component:
    return rx.vstack(
        rx.flex(
            _labelled(
                T("Pipeline"),
                _select(
                    T("Pipeline"),
                    S.pipeline_options,
                    S.pipeline_filter,
                    S.set_pipeline_filter,
                    "forecast-pipeline",
                ),
            ),
            _labelled(
                T("Owner"),
                _select(
                    T("Owner"),
                    S.owner_options,
                    S.owner_filter,
                    S.set_owner_filter,
                    "forecast-owner",
                ),
            ),
            _labelled(
                T("Months"),
                rx.hstack(
                    rx.select.root(
                        rx.select.trigger(aria_label=T("Months"), data_testid="forecast-range"),
                        rx.select.content(
                            *[rx.select.item(T(label), value=k) for k, (label, _) in RANGES.items()]
                        ),
                        value=S.range_key,
                        on_change=S.set_range_key,
                    ),
                    rx.input(
                        type="month",
                        value=S.start,
                        on_change=S.set_start,
                        aria_label=T("First month"),
                        width="140px",
                    ),
                    rx.text("–", aria_hidden="true", color="var(--gray-10)"),
                    rx.input(
                        type="month",
                        value=S.end,
                        on_change=S.set_end,
                        aria_label=T("Last month"),
                        width="140px",
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
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
            S.range_error != "",
            rx.text(S.range_error, size="1", color="var(--red-11)", role="alert"),
        ),
        spacing="2",
        width="100%",
    )


def _group_control() -> rx.Component:
    return rx.segmented_control.root(
        *[rx.segmented_control.item(T(label), value=k) for k, label in GROUPS.items()],
        value=S.group_by,
        on_change=S.set_group_by,
        aria_label=T("Group"),
        data_testid="forecast-group",
        size=rx.breakpoints(initial="1", sm="2"),
    )


def _cell(text: rx.Var, **props) -> rx.Component:
    return rx.el.td(text, class_name="rp-forecast-num", **props)


def _row(r: rx.Var[ForecastRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.hstack(
                rx.text(r.month, weight=rx.cond(r.current, "bold", "regular")),
                rx.cond(
                    r.current & (r.month != ""),
                    rx.badge(T("This month"), size="1", variant="soft"),
                ),
                align="center",
                spacing="2",
            )
        ),
        rx.cond(S.group_by != "none", rx.el.td(rx.text(r.group, dir="auto"))),
        _cell(r.open_deals),
        _cell(r.expected, data_testid="forecast-expected-cell"),
        _cell(r.won_deals),
        _cell(r.won),
        class_name=rx.cond(r.current, "rp-forecast-current", "")
        + rx.cond(r.first, " rp-forecast-first", ""),
        data_testid="forecast-row",
    )


def _table() -> rx.Component:
    num = {"class_name": "rp-forecast-num"}
    return rx.el.div(
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th(T("Month")),
                    rx.cond(S.group_by != "none", rx.el.th(S.group_header)),
                    rx.el.th(T("Open deals"), **num),
                    rx.el.th(T("Expected (weighted)"), **num),
                    rx.el.th(T("Deals won"), **num),
                    rx.el.th(T("Won"), **num),
                )
            ),
            rx.el.tbody(rx.foreach(S.rows, _row)),
            rx.el.tfoot(
                rx.el.tr(
                    rx.el.th(T("Total"), scope="row"),
                    rx.cond(S.group_by != "none", rx.el.td("")),
                    _cell(S.total_open_deals),
                    _cell(S.total_expected, data_testid="forecast-total-expected"),
                    _cell(S.total_won_deals),
                    _cell(S.total_won, data_testid="forecast-total-won"),
                )
            ),
            class_name=rx.cond(
                S.group_by == "none",
                "rp-table rp-forecast-table",
                "rp-table rp-forecast-table rp-forecast-grouped",
            ),
            data_testid="forecast-table",
        ),
        class_name="rp-table-wrap",
        style={"maxHeight": "520px"},
    )


def _chart() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.box(
                rx.heading(S.chart_title, size="4", weight="bold"),
                rx.text(S.chart_note, size="2", color="var(--gray-11)", margin_top="4px"),
            ),
            rx.spacer(),
            _group_control(),
            align="start",
            spacing="3",
            wrap="wrap",
            margin_bottom="12px",
        ),
        rx.box(
            rx.plotly.basic(data=S.figure, config=CONFIG, width="100%", height="340px"),
            width="100%",
            min_height="340px",
            data_testid="forecast-chart",
            role="img",
            aria_label=S.chart_title,
            # Plotly places SVG text assuming ltr; the figure itself mirrors for rtl languages.
            dir="ltr",
        ),
        size="3",
        width="100%",
    )


def _numbers() -> rx.Component:
    return rx.vstack(
        rx.grid(
            stat_card(
                T("Expected revenue"),
                S.total_expected,
                rx.text(S.expected_detail, size="1", color="var(--gray-10)"),
                "trending-up",
                "indigo",
                test_id="forecast-expected",
            ),
            stat_card(
                T("Won revenue"),
                S.total_won,
                rx.text(S.won_detail, size="1", color="var(--gray-10)"),
                "trophy",
                "green",
                test_id="forecast-won",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        _chart(),
        panel(
            T("Month by month"),
            _table(),
            rx.text(
                T(
                    "Expected: open deals by the month of their expected close, value × the "
                    "stage's win probability, at today's exchange rates. Won: deals won in that "
                    "month, at the rate of the day they closed. Open deals without an expected "
                    "close date are not counted."
                ),
                size="1",
                color="var(--gray-10)",
                margin_top="12px",
            ),
        ),
        spacing="4",
        width="100%",
    )


def _board_link(label: rx.Var, variant: str = "soft") -> rx.Component:
    return rx.link(
        rx.button(rx.icon("kanban", size=16), label, variant=variant),
        href="/pipeline",
        underline="none",
    )


def _body() -> rx.Component:
    return rx.cond(
        S.has_deals,
        rx.vstack(
            _filters(),
            rx.cond(
                S.has_values,
                _numbers(),
                rx.card(
                    empty_state(
                        "filter-x",
                        T("Nothing in these months"),
                        T(
                            "No open deal is expected to close and none was won in this period "
                            "with these filters."
                        ),
                        rx.button(T("Reset filters"), variant="soft", on_click=S.reset_filters),
                    ),
                    size="3",
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        rx.card(
            empty_state(
                "chart-column",
                T("No deals to forecast yet"),
                T("Add deals with an expected close date and the forecast fills itself."),
                _board_link(T("Open the board"), "solid"),
            ),
            size="3",
            width="100%",
        ),
    )


def forecast_page() -> rx.Component:
    return app_shell(
        page_header(
            T("Forecast"),
            T("Expected revenue from open deals, weighted by stage, next to revenue won."),
            _board_link(T("Back to the board")),
        ),
        rx.cond(S.loaded, _body(), rx.card(skeleton_lines(8), size="3", width="100%")),
    )
