"""The Tasks card of a deal's or a ticket's page: its open tasks and the add-task form
(shared with My work through ``task_list``)."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.components.task_list import add_task_form, task_row
from crm_app.state.record_tasks import DealTasksState, TicketTasksState


def deal_tasks_card() -> rx.Component:
    return tasks_card(DealTasksState, "deal-tasks")


def ticket_tasks_card() -> rx.Component:
    return rx.el.section(
        tasks_card(TicketTasksState, "ticket-tasks", divider=False), class_name="rp-360-card"
    )


def tasks_card(S, test_id: str, *, divider: bool = True) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.icon("list-checks", size=16, color="var(--gray-11)"),
            rx.text(T("Tasks"), size="2", weight="medium"),
            rx.badge(S.items.length(), variant="soft", radius="full"),
            align="center",
            spacing="2",
        ),
        rx.cond(
            S.items.length() > 0,
            rx.vstack(
                rx.foreach(S.items, lambda t: task_row(t, S)),
                spacing="0",
                width="100%",
            ),
            rx.text(T("No open tasks."), size="2", color="var(--gray-11)", padding_y="6px"),
        ),
        rx.cond(S.can_write, rx.box(add_task_form(S), padding_top="8px", width="100%")),
        width="100%",
        padding_top="12px" if divider else "0",
        margin_top="12px" if divider else "0",
        border_top="1px solid var(--gray-a4)" if divider else "none",
        data_testid=test_id,
    )
