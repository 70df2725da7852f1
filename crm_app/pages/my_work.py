"""My work: open tasks assigned to me — overdue, today, the next days, and undated."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state, skeleton_lines
from crm_app.components.i18n import T
from crm_app.components.shell import app_shell, page_header
from crm_app.components.task_list import add_task_form, task_row
from crm_app.services.i18n import N_
from crm_app.state.my_work import MyWorkState


def _group(key: str, title: str, icon: str, color: str, rows: rx.Var) -> rx.Component:
    s = MyWorkState
    return rx.cond(
        rows.length() > 0,
        rx.card(
            rx.hstack(
                rx.icon(icon, size=18, color=f"var(--{color}-11)"),
                rx.heading(T(title), size="4", weight="bold"),
                rx.badge(s.counts.get(key, 0), color_scheme=color, variant="soft", radius="full"),
                align="center",
                spacing="2",
                margin_bottom="4px",
            ),
            rx.vstack(
                rx.foreach(rows, lambda t: task_row(t, MyWorkState)), spacing="0", width="100%"
            ),
            size="2",
            width="100%",
            data_testid=f"group-{key}",
        ),
    )


def my_work_page() -> rx.Component:
    s = MyWorkState
    return app_shell(
        page_header(T("My work"), T("Your open tasks, in your time zone.")),
        rx.vstack(
            rx.cond(s.can_write, rx.card(add_task_form(MyWorkState), size="2", width="100%")),
            rx.cond(
                s.loaded,
                rx.cond(
                    s.total > 0,
                    rx.vstack(
                        _group("overdue", N_("Overdue"), "alarm-clock", "red", s.overdue),
                        _group("today", N_("Today"), "sun", "amber", s.today),
                        _group("upcoming", N_("Next 7 days"), "calendar-days", "blue", s.upcoming),
                        _group("undated", N_("No date"), "inbox", "gray", s.undated),
                        spacing="4",
                        width="100%",
                    ),
                    rx.card(
                        empty_state(
                            "circle-check-big",
                            T("Nothing due"),
                            T("No open tasks are assigned to you."),
                        ),
                        width="100%",
                        data_testid="my-work-empty",
                    ),
                ),
                rx.card(skeleton_lines(6), width="100%"),
            ),
            spacing="4",
            width="100%",
        ),
    )
