"""Settings → Background jobs panel: counts per status and the recent jobs, with retry."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import admin_table, empty_state, panel
from crm_app.components.i18n import T
from crm_app.state.jobs_admin import STATUS_LABELS, STATUSES, CountView, JobsAdminState, JobView

S = JobsAdminState


def _status_badge(status: rx.Var[str], label: rx.Var[str]) -> rx.Component:
    return rx.match(
        status,
        ("pending", rx.badge(label, color_scheme="blue")),
        ("running", rx.badge(label, color_scheme="amber")),
        ("failed", rx.badge(label, color_scheme="red")),
        ("done", rx.badge(label, color_scheme="green")),
        rx.badge(label, color_scheme="gray"),
    )


def _count(c: rx.Var[CountView]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(c.label, size="2", color="var(--gray-11)"),
            rx.text(c.count, size="6", weight="bold", data_testid="job-count"),
            spacing="1",
        ),
        size="1",
        data_testid=rx.Var.create("job-count-") + c.status,
        style={"borderInlineStart": rx.Var.create("3px solid var(--") + c.color + "-9)"},
    )


def _muted(text: rx.Var[str], **props) -> rx.Component:
    return rx.text(rx.cond(text != "", text, "—"), size="2", color="var(--gray-11)", **props)


def _job_row(j: rx.Var[JobView]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(j.kind_label, size="2", weight="medium"),
                rx.cond(
                    j.kind_label != j.kind,
                    rx.code(j.kind, size="1", variant="ghost", color_scheme="gray", dir="ltr"),
                ),
                spacing="0",
            )
        ),
        rx.table.cell(_status_badge(j.status, j.status_label), data_testid="job-status"),
        rx.table.cell(
            rx.text(j.attempts, size="2", white_space="nowrap", data_testid="job-attempts")
        ),
        rx.table.cell(_muted(j.run_at, white_space="nowrap")),
        rx.table.cell(
            rx.text(
                rx.cond(j.last_error != "", j.last_error, "—"),
                size="2",
                color=rx.cond(j.last_error != "", "var(--red-11)", "var(--gray-11)"),
                max_width="320px",
                data_testid="job-error",
            )
        ),
        rx.table.cell(_muted(j.created, white_space="nowrap")),
        rx.table.cell(
            rx.cond(
                j.can_retry,
                rx.button(
                    rx.icon("rotate-ccw", size=14),
                    T("Retry"),
                    size="1",
                    variant="soft",
                    on_click=S.retry_job(j.id),
                ),
            ),
            text_align="end",
        ),
        align="center",
        data_testid="job-row",
    )


def _table() -> rx.Component:
    return admin_table(
        [
            T("Kind"),
            T("Status"),
            T("Attempts"),
            T("Run at / next try"),
            T("Last error"),
            T("Created"),
            None,
        ],
        S.jobs,
        _job_row,
        min_width="860px",
    )


def _filter() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=T("Show"), data_testid="job-filter", min_width="160px"),
        rx.select.content(
            rx.select.item(T("All jobs"), value="all"),
            *[rx.select.item(T(STATUS_LABELS[s]), value=s) for s in STATUSES],
        ),
        value=S.status_filter,
        on_change=S.filter_jobs,
    )


def jobs_panel() -> rx.Component:
    return rx.vstack(
        rx.grid(
            rx.foreach(S.counts, _count),
            columns=rx.breakpoints(initial="2", sm="4"),
            spacing="3",
            width="100%",
        ),
        panel(
            T("Recent jobs"),
            rx.text(
                T(
                    "Mail and reminders are sent by background jobs. A failed job is retried "
                    "with growing pauses; when its attempts run out it waits here for you."
                ),
                size="2",
                color="var(--gray-11)",
                margin_bottom="12px",
            ),
            rx.cond(
                S.jobs.length() > 0,
                _table(),
                rx.cond(
                    S.status_filter == "all",
                    empty_state(
                        "list-checks",
                        T("No background jobs yet"),
                        T("Jobs appear here when mail is sent or a reminder comes due."),
                    ),
                    empty_state(
                        "list-checks",
                        T("No jobs with this status"),
                        T("Choose “All jobs” to see the others."),
                    ),
                ),
            ),
            action=rx.hstack(
                _filter(),
                rx.button(
                    rx.icon("refresh-cw", size=16),
                    T("Refresh"),
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.refresh_jobs,
                    data_testid="refresh-jobs",
                ),
                spacing="2",
                align="center",
            ),
        ),
        spacing="4",
        width="100%",
    )
