"""One card of the pipeline board: plain HTML, memoised on its values."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.state.deal_form import DealFormState
from crm_app.state.pipeline import PipelineState as S
from crm_app.state.pipeline_views import CardView


@rx.memo
def deal_card(
    deal_id: rx.Var[str],
    stage_id: rx.Var[str],
    title: rx.Var[str],
    company: rx.Var[str],
    value: rx.Var[str],
    owner: rx.Var[str],
    initials: rx.Var[str],
    days: rx.Var[str],
    task: rx.Var[str],
    task_when: rx.Var[str],
    task_exact: rx.Var[str],
    overdue: rx.Var[bool],
    editable: rx.Var[bool],
    rest: rx.RestProp,
) -> rx.Component:
    """One card: plain HTML, memoised on its (plain) values, so a change elsewhere on the
    board does not render it again; draggable (by ``CardDnd``) when the caller may edit it."""
    return rx.el.div(
        rx.el.div(
            rx.el.button(title, type="button", class_name="rp-kanban-title", dir="auto"),
            rx.cond(
                editable,
                rx.el.button(
                    type="button",
                    class_name="rp-kanban-move",
                    aria_label=T("Move to stage"),
                    title=T("Move to stage"),
                    on_click=[rx.stop_propagation, S.open_move(deal_id)],
                    data_testid="move-to-stage",
                ),
            ),
            class_name="rp-kanban-card-head",
        ),
        rx.cond(company != "", rx.el.div(company, class_name="rp-kanban-company", dir="auto")),
        rx.el.div(
            rx.el.span(value, class_name="rp-kanban-value"),
            rx.el.span(days, class_name="rp-kanban-days", title=T("Time in this stage")),
            rx.cond(initials != "", rx.el.span(initials, class_name="rp-avatar", title=owner)),
            class_name="rp-kanban-row",
        ),
        rx.cond(
            task != "",
            rx.el.div(
                rx.cond(overdue, rx.el.span(T("Overdue"), class_name="sr-only")),
                rx.el.span(task, class_name="rp-kanban-task-title", dir="auto"),
                rx.el.span(task_when, title=task_exact, class_name="rp-kanban-when"),
                class_name="rp-kanban-task",
                title=rx.cond(overdue, T("Overdue"), T("Next task")),
                data_overdue=overdue.to_string(),
            ),
        ),
        class_name="rp-kanban-card",
        on_click=DealFormState.open_edit(deal_id),
        custom_attrs={
            "data-testid": "deal-card",
            "data-deal-id": deal_id,
            "data-stage-id": stage_id,
            "data-editable": editable.to_string(),
            "data-dnd-card": "",
        },
    )


def kanban_card(card: rx.Var[CardView], stage_id: rx.Var[str]) -> rx.Component:
    return deal_card(
        deal_id=card.id,
        stage_id=stage_id,
        title=card.title,
        company=card.company,
        value=card.value,
        owner=card.owner,
        initials=card.initials,
        days=card.days,
        task=card.task,
        task_when=card.task_when,
        task_exact=card.task_exact,
        overdue=card.overdue,
        editable=card.editable,
        key=card.id,
    )
