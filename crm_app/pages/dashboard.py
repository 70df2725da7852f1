"""Dashboard: the day's figures from the database, newest activities, open pipeline."""

from __future__ import annotations

import reflex as rx

from crm_app.components.activity import kind_badge
from crm_app.components.cards import empty_state, panel, skeleton_lines, stat_card
from crm_app.components.i18n import T
from crm_app.components.shell import app_shell, page_header
from crm_app.state.dashboard import ActivityRow, DashboardState, StageBar


def _recent_row(a: rx.Var[ActivityRow]) -> rx.Component:
    return rx.hstack(
        kind_badge(a.kind),
        rx.box(
            rx.text(a.subject, size="2", weight="medium", trim="end", dir="auto"),
            rx.text(
                rx.cond(a.contact != "", a.contact, "—"),
                " · ",
                a.user,
                size="1",
                color="var(--gray-10)",
            ),
            flex="1",
            min_width="0",
        ),
        rx.tooltip(
            rx.text(a.ago, size="1", color="var(--gray-10)", white_space="nowrap"), content=a.exact
        ),
        align="center",
        spacing="3",
        padding_y="10px",
        border_bottom="1px solid var(--gray-a3)",
        width="100%",
    )


def _stage_row(s: rx.Var[StageBar]) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(s.stage, size="2", weight="medium", dir="auto"),
            rx.text(s.pipeline, size="1", color="var(--gray-10)", dir="auto"),
            rx.spacer(),
            rx.text(s.deals_label, size="1", color="var(--gray-10)"),
            rx.text(s.value, size="2", weight="medium", min_width="96px", text_align="end"),
            align="baseline",
            spacing="2",
            width="100%",
        ),
        rx.box(
            rx.box(
                height="100%",
                width=s.percent.to_string() + "%",
                background="var(--accent-9)",
                border_radius="4px",
            ),
            height="8px",
            width="100%",
            background="var(--gray-a3)",
            border_radius="4px",
            margin_top="6px",
        ),
        width="100%",
        padding_y="8px",
    )


def _detail(text: rx.Var, test_id: str = "") -> rx.Component:
    return rx.text(text, size="1", color="var(--gray-10)", data_testid=test_id or None)


def dashboard_page() -> rx.Component:
    s = DashboardState
    cards = rx.grid(
        stat_card(
            T("Open pipeline"),
            s.open_pipeline_value,
            _detail(s.open_deals_label),
            "trending-up",
            "indigo",
            "/pipeline",
            "open-pipeline-value",
        ),
        stat_card(
            T("Won this month"),
            s.won_value,
            _detail(s.won_count_label, "won-count"),
            "trophy",
            "green",
            "/pipeline",
            "won-value",
        ),
        stat_card(
            T("Open tickets"),
            s.open_tickets,
            _detail(s.urgent_label),
            "life-buoy",
            "amber",
            "/tickets",
            "open-tickets",
        ),
        stat_card(
            T("Overdue tasks"),
            s.overdue_tasks,
            _detail(s.my_overdue_label),
            "alarm-clock",
            "red",
            None,
            "overdue-tasks",
        ),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        spacing="4",
        width="100%",
    )
    recent = panel(
        T("Newest activities"),
        rx.cond(
            s.loaded,
            rx.cond(
                s.recent.length() > 0,
                rx.vstack(rx.foreach(s.recent, _recent_row), spacing="0", width="100%"),
                empty_state(
                    "activity",
                    T("No activities yet"),
                    T("Calls, meetings, notes and e-mails logged on contacts appear here."),
                ),
            ),
            skeleton_lines(6),
        ),
    )
    pipeline = panel(
        T("Open pipeline by stage"),
        rx.cond(
            s.loaded,
            rx.cond(
                s.stages.length() > 0,
                rx.vstack(rx.foreach(s.stages, _stage_row), spacing="0", width="100%"),
                empty_state(
                    "kanban", T("No pipeline yet"), T("Deals you add appear here by stage.")
                ),
            ),
            skeleton_lines(5),
        ),
    )
    return app_shell(
        page_header(T("Dashboard"), T("Your business at a glance, from live data.")),
        cards,
        rx.grid(
            recent,
            pipeline,
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
            margin_top="16px",
        ),
    )
