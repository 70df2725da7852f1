"""My work: open tasks assigned to me — overdue, today, the next days, and undated."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state, skeleton_lines
from crm_app.components.i18n import T
from crm_app.components.shell import app_shell, page_header
from crm_app.services.i18n import N_
from crm_app.state.my_work import MyWorkState, WorkItem

LOG_LABELS = {"call": N_("Log as call"), "meeting": N_("Log as meeting"), "note": N_("Log as note")}
LOG_ICONS = {"call": "phone", "meeting": "users", "note": "notebook-pen"}


def _priority(t: rx.Var[WorkItem]) -> rx.Component:
    return rx.badge(
        t.priority_label,
        color_scheme=rx.match(t.priority, ("high", "red"), ("low", "gray"), "blue"),
        variant="soft",
        radius="full",
        data_testid="task-priority",
    )


def _complete_menu(t: rx.Var[WorkItem]) -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label=T("Complete and log"),
            )
        ),
        rx.menu.content(
            *[
                rx.menu.item(
                    rx.icon(LOG_ICONS[kind], size=14),
                    T(label),
                    on_click=MyWorkState.complete_and_log(t.id, kind),
                )
                for kind, label in LOG_LABELS.items()
            ],
            align="end",
        ),
    )


def _task_row(t: rx.Var[WorkItem]) -> rx.Component:
    s = MyWorkState
    return rx.hstack(
        rx.checkbox(
            checked=False,
            disabled=~s.can_write,
            on_change=lambda _v: MyWorkState.complete(t.id),
            aria_label=T("Mark as done"),
            margin_top="3px",
            data_testid="task-complete",
        ),
        rx.box(
            rx.text(t.title, size="2", weight="medium", dir="auto", data_testid="task-title"),
            rx.hstack(
                rx.cond(
                    t.due != "",
                    rx.hstack(
                        rx.icon("clock", size=12),
                        rx.text(t.due, title=t.due_exact),
                        align="center",
                        spacing="1",
                        color=rx.cond(t.late, "var(--red-11)", "var(--gray-10)"),
                    ),
                ),
                rx.cond(
                    t.related != "",
                    rx.cond(
                        t.link != "",
                        rx.link(
                            t.related,
                            href=t.link,
                            size="1",
                            dir="auto",
                            data_testid="task-record",
                        ),
                        rx.text(t.related, dir="auto"),
                    ),
                ),
                spacing="3",
                align="center",
                wrap="wrap",
                size="1",
                font_size="var(--font-size-1)",
                color="var(--gray-10)",
                margin_top="2px",
            ),
            flex="1",
            min_width="0",
        ),
        _priority(t),
        rx.cond(s.can_write, _complete_menu(t)),
        align="start",
        spacing="3",
        padding="10px 4px",
        border_bottom="1px solid var(--gray-a3)",
        width="100%",
        data_testid="task-row",
    )


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
            rx.vstack(rx.foreach(rows, _task_row), spacing="0", width="100%"),
            size="2",
            width="100%",
            data_testid=f"group-{key}",
        ),
    )


def _field_error(key: str) -> rx.Component:
    err = MyWorkState.errors.get(key, "")
    return rx.cond(err != "", rx.text(err, size="1", color="var(--red-11)"))


def _add_form() -> rx.Component:
    s = MyWorkState
    return rx.form(
        rx.flex(
            rx.box(
                rx.input(
                    name="title",
                    placeholder=T("Add a task…"),
                    aria_label=T("Task"),
                    required=True,
                    max_length=200,
                    data_testid="new-task-title",
                ),
                _field_error("title"),
                flex="1 1 240px",
                min_width="200px",
            ),
            rx.input(
                name="due_date",
                type="date",
                aria_label=T("Due date"),
                width="150px",
                data_testid="new-task-date",
            ),
            rx.input(
                name="due_time",
                type="time",
                aria_label=T("Due time"),
                width="110px",
                data_testid="new-task-time",
            ),
            rx.select.root(
                rx.select.trigger(aria_label=T("Priority"), width="110px"),
                rx.select.content(
                    rx.select.item(T("Low"), value="low"),
                    rx.select.item(T("Normal"), value="normal"),
                    rx.select.item(T("High"), value="high"),
                ),
                name="priority",
                default_value="normal",
            ),
            rx.cond(
                s.can_assign,
                rx.select.root(
                    rx.select.trigger(aria_label=T("Assignee"), width="170px"),
                    rx.select.content(
                        rx.foreach(s.assignees, lambda u: rx.select.item(u[1], value=u[0]))
                    ),
                    name="assignee_id",
                    default_value=s.me_id,
                ),
            ),
            rx.button(rx.icon("plus", size=16), T("Add"), type="submit"),
            gap="2",
            wrap="wrap",
            align="start",
            width="100%",
        ),
        _field_error("due_at"),
        _field_error("assignee_id"),
        on_submit=MyWorkState.add,
        reset_on_submit=False,
        key=s.form_key.to_string(),
        width="100%",
    )


def my_work_page() -> rx.Component:
    s = MyWorkState
    return app_shell(
        N_("My work"),
        page_header(T("My work"), T("Your open tasks, in your time zone.")),
        rx.vstack(
            rx.cond(s.can_write, rx.card(_add_form(), size="2", width="100%")),
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
