"""The pipeline board: columns (drop targets) of cards (draggable) and quick-add; the cards
(kanban_card.py), the drag-and-drop wiring (kanban_dnd.py) and the move-to-stage and
lost-reason dialogs (kanban_dialogs.py) live beside it.

Cards are plain HTML styled by assets/rapport.css (``rp-kanban-*``): a board of 11 columns ×
20 cards made of Radix components renders too slowly to open within 100 ms. Columns flow in
the document's direction, so under dir=rtl the first stage is on the right.
"""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.components.kanban_card import kanban_card
from crm_app.components.kanban_dialogs import lost_dialog, move_dialog
from crm_app.components.kanban_dnd import CardDnd, DropTarget, Monitor, ScrollContainer
from crm_app.state.pipeline import PipelineState as S
from crm_app.state.pipeline_views import ColumnView

__all__ = ["kanban_board", "kanban_column", "lost_dialog", "move_dialog"]


def _column_head(col: rx.Var[ColumnView]) -> rx.Component:
    return rx.el.header(
        rx.el.div(
            rx.match(
                col.kind,
                ("won", rx.icon("trophy", size=14, class_name="rp-kanban-kind")),
                ("lost", rx.icon("circle-x", size=14, class_name="rp-kanban-kind")),
                rx.fragment(),
            ),
            rx.el.h2(col.name, class_name="rp-kanban-name", title=col.name),
            rx.cond(
                col.kind == "open",
                rx.el.span(
                    col.probability, class_name="rp-kanban-prob", title=T("Win probability")
                ),
            ),
            rx.el.span(col.count_label, class_name="rp-kanban-count", data_testid="column-count"),
            rx.cond(
                S.can_write & (col.kind != "lost"),
                rx.el.button(
                    rx.icon("plus", size=14),
                    type="button",
                    class_name="rp-kanban-add",
                    aria_label=T("Add a deal to this stage"),
                    title=T("Add a deal to this stage"),
                    on_click=S.open_quick_add(col.stage_id),
                    data_testid="quick-add",
                ),
            ),
            class_name="rp-kanban-head-row",
        ),
        rx.el.div(
            rx.el.span(col.total, data_testid="column-total"),
            rx.cond(
                col.kind == "open",
                rx.el.span("· ", col.weighted, data_testid="column-weighted"),
            ),
            class_name="rp-kanban-totals",
        ),
    )


def _quick_add(col: rx.Var[ColumnView]) -> rx.Component:
    def err(key: str) -> rx.Component:
        return rx.cond(
            S.quick_errors.contains(key),
            rx.el.div(S.quick_errors.get(key, ""), class_name="rp-kanban-error", role="alert"),
        )

    return rx.cond(
        S.quick_stage_id == col.stage_id,
        rx.form(
            rx.el.input(
                name="title",
                placeholder=T("Deal title"),
                aria_label=T("Deal title"),
                auto_focus=True,
                class_name="rp-kanban-input",
                data_testid="quick-add-title",
            ),
            err("title"),
            rx.el.input(
                name="value",
                placeholder=T("Value"),
                aria_label=T("Value"),
                inputmode="decimal",
                class_name="rp-kanban-input",
                data_testid="quick-add-value",
            ),
            err("value"),
            rx.el.div(
                rx.el.button(
                    T("Cancel"),
                    type="button",
                    class_name="rp-kanban-btn",
                    on_click=S.close_quick_add,
                ),
                rx.el.button(
                    T("Add deal"),
                    type="submit",
                    class_name="rp-kanban-btn rp-kanban-btn-primary",
                ),
                class_name="rp-kanban-quick-actions",
            ),
            on_submit=S.quick_add,
            reset_on_submit=False,
            class_name="rp-kanban-quick",
        ),
    )


def kanban_column(col: rx.Var[ColumnView]) -> rx.Component:
    return DropTarget.create(
        _column_head(col),
        _quick_add(col),
        ScrollContainer.create(
            rx.foreach(col.cards, lambda c: kanban_card(c, col.stage_id)),
            rx.cond(
                col.count == 0,
                rx.el.div(
                    rx.el.strong(T("No deals here")),
                    rx.el.span(
                        rx.cond(
                            S.can_write,
                            T("Drag a deal here or add one with +."),
                            T("Deals in this stage will show here."),
                        )
                    ),
                    class_name="rp-kanban-empty",
                ),
            ),
            rx.cond(
                col.has_more,
                rx.el.button(
                    T("Show more"),
                    rx.el.span(col.more_label, class_name="rp-kanban-more-count"),
                    type="button",
                    class_name="rp-kanban-more",
                    on_click=S.show_more(col.stage_id),
                    data_testid="show-more",
                ),
            ),
            allowed_axis="vertical",
            class_name="rp-kanban-cards",
        ),
        drop_id="column-" + col.stage_id,
        target_data={"kind": "column", "stageId": col.stage_id},
        class_name="rp-kanban-column",
        key=col.stage_id,
        custom_attrs={"data-kind": col.kind, "data-testid": "kanban-column"},
    )


def kanban_board() -> rx.Component:
    return CardDnd.create(
        Monitor.create(on_drop=S.drop),
        ScrollContainer.create(
            rx.el.div(
                rx.foreach(S.columns, kanban_column),
                class_name="rp-kanban-board",
            ),
            allowed_axis="horizontal",
            class_name="rp-kanban-scroll",
        ),
        class_name="rp-kanban",
        custom_attrs={"data-stamp": S.stamp.to_string()},
    )
