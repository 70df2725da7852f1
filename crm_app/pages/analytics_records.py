"""The records behind a chart's bar or slice: criteria as chips, the count, a paged table,
the whole list as CSV, and the way back to Analytics (or on to the ticket queue)."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state, skeleton_lines
from crm_app.components.data_table import pager
from crm_app.components.i18n import T
from crm_app.components.list_tools import link_button
from crm_app.components.shell import app_shell, page_header
from crm_app.state.analytics_records import AnalyticsRecordsState as S
from crm_app.state.analytics_records_view import RecordRow

KIND_ICONS = (("customer", "users"), ("ticket", "life-buoy"))


def _back() -> rx.Component:
    return link_button("arrow-left", T("Back to Analytics"), S.back_link, flip=True)


def _csv() -> rx.Component:
    return rx.button(
        rx.icon("download", size=16),
        T("Download CSV"),
        on_click=S.download_csv,
        disabled=S.total == 0,
        data_testid="records-csv",
    )


def _chip(text: rx.Var[str]) -> rx.Component:
    return rx.badge(text, variant="soft", color_scheme="gray", size="2", radius="full", dir="auto")


def _summary() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.match(
                        S.kind,
                        *[(k, rx.icon(i, size=18)) for k, i in KIND_ICONS],
                        rx.icon("briefcase-business", size=18),
                    ),
                    width="36px",
                    height="36px",
                    border_radius="9px",
                    background="var(--accent-3)",
                    color="var(--accent-11)",
                    flex_shrink="0",
                ),
                rx.text(S.total_label, size="6", weight="bold", data_testid="records-total"),
                rx.spacer(),
                rx.cond(
                    S.queue_link != "",
                    rx.link(
                        rx.hstack(
                            T("Open in the ticket queue"),
                            rx.icon("arrow-right", size=14, class_name="flip-rtl"),
                            spacing="1",
                            align="center",
                        ),
                        href=S.queue_link,
                        size="2",
                        weight="medium",
                        data_testid="records-queue-link",
                    ),
                ),
                align="center",
                spacing="3",
                width="100%",
                wrap="wrap",
            ),
            rx.flex(
                rx.text(T("Matching"), size="2", color="var(--gray-11)", weight="medium"),
                rx.foreach(S.chips, _chip),
                spacing="2",
                wrap="wrap",
                align="center",
                data_testid="records-criteria",
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def _row(r: rx.Var[RecordRow]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(
            rx.link(r.name, href=r.link, weight="medium", dir="auto", title=r.name),
        ),
        rx.el.td(rx.el.span(r.detail, class_name=r.tone), dir="auto"),
        rx.el.td(r.value, style={"textAlign": "end"}),
        on_click=rx.redirect(r.link),
        data_testid="records-row",
    )


def _table() -> rx.Component:
    def head(i: int, end: bool = False) -> rx.Component:
        # a block of its own: .rp-table th's text-align wins over a style on the cell
        return rx.el.th(
            rx.el.div(
                rx.text(S.headers[i], size="1", weight="bold"),
                style={"textAlign": "end" if end else "start"},
            )
        )

    return rx.vstack(
        rx.box(
            rx.el.table(
                rx.el.thead(rx.el.tr(head(0), head(1), head(2, end=True))),
                rx.el.tbody(rx.foreach(S.rows, _row)),
                class_name="rp-table rp-records-table",
            ),
            class_name="rp-table-wrap",
            max_height="calc(100vh - 340px)",
            min_height="200px",
            data_testid="records-table",
        ),
        pager(
            label=S.count_label,
            has_prev=S.page > 1,
            has_next=S.page < S.pages,
            on_prev=S.prev_page,
            on_next=S.next_page,
        ),
        spacing="2",
        width="100%",
    )


def _problem() -> rx.Component:
    return rx.card(
        empty_state(
            "link-2-off",
            T("This list cannot be shown"),
            S.error,
            _back(),
        ),
        width="100%",
        data_testid="records-error",
    )


def _body() -> rx.Component:
    return rx.cond(
        S.error != "",
        _problem(),
        rx.vstack(
            _summary(),
            rx.cond(
                S.total > 0,
                _table(),
                rx.card(
                    empty_state(
                        "search-x",
                        T("Nothing matches"),
                        T("No records match these criteria. Change the filters on Analytics."),
                        _back(),
                    ),
                    width="100%",
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )


def analytics_records_page() -> rx.Component:
    return app_shell(
        page_header(
            rx.cond(S.title != "", S.title, T("Records")),
            T("The records behind the chart, under the filters chosen on Analytics."),
            _back(),
            rx.cond(S.error == "", _csv()),
        ),
        rx.cond(S.loaded, _body(), rx.card(skeleton_lines(6), width="100%")),
    )
