"""A list of open tasks with "mark as done" and "complete and log", and the add-task form:
My work and the deal page share them, each passing its own state.

The state passed in holds ``can_write``, ``can_assign``, ``assignees`` ([id, name]), ``me_id``,
``form_key`` and ``errors`` (field → message), and has the handlers ``complete(task_id)``,
``complete_and_log(task_id, kind)`` and ``add(form)``; a row is a ``WorkItem``.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from crm_app.components.i18n import T
from crm_app.services.i18n import N_
from crm_app.state.my_work import WorkItem

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


def _complete_menu(t: rx.Var[WorkItem], state: Any) -> rx.Component:
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
                    on_click=state.complete_and_log(t.id, kind),
                )
                for kind, label in LOG_LABELS.items()
            ],
            align="end",
        ),
    )


def task_row(t: rx.Var[WorkItem], state: Any) -> rx.Component:
    """One open task: done checkbox, title, due time (red when late), its record, priority."""
    return rx.hstack(
        rx.checkbox(
            checked=False,
            disabled=~state.can_write,
            on_change=lambda _v: state.complete(t.id),
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
        rx.cond(state.can_write, _complete_menu(t, state)),
        align="start",
        spacing="3",
        padding="10px 4px",
        border_bottom="1px solid var(--gray-a3)",
        width="100%",
        data_testid="task-row",
    )


def _field_error(state: Any, key: str) -> rx.Component:
    err = state.errors.get(key, "")
    return rx.cond(err != "", rx.text(err, size="1", color="var(--red-11)", role="alert"))


def add_task_form(state: Any) -> rx.Component:
    """Title, due date and time, priority and (for roles that may assign) the assignee."""
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
                _field_error(state, "title"),
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
                state.can_assign,
                rx.select.root(
                    rx.select.trigger(aria_label=T("Assignee"), width="170px"),
                    rx.select.content(
                        rx.foreach(state.assignees, lambda u: rx.select.item(u[1], value=u[0]))
                    ),
                    name="assignee_id",
                    default_value=state.me_id,
                ),
            ),
            rx.button(rx.icon("plus", size=16), T("Add"), type="submit"),
            spacing="2",
            wrap="wrap",
            align="start",
            width="100%",
        ),
        _field_error(state, "due_at"),
        _field_error(state, "assignee_id"),
        on_submit=state.add,
        reset_on_submit=False,
        key=state.form_key.to_string(),
        width="100%",
    )
