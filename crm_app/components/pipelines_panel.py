"""Settings → Pipelines panel: the pipelines, and the chosen pipeline's ordered stages (those
from pipelines_stages.py)."""

from __future__ import annotations

import reflex as rx

from crm_app.components import form_fields
from crm_app.components.cards import admin_table, empty_state, panel
from crm_app.components.i18n import T
from crm_app.components.pipelines_stages import muted, row_note, stage_dialog, stages_panel
from crm_app.state.pipelines_admin import PipelineFormState, PipelinesAdminState, PipelineView

S = PipelinesAdminState


# -- pipelines ----------------------------------------------------------------------------------
def _pipeline_row(p: rx.Var[PipelineView]) -> rx.Component:
    chosen = p.id == S.selected_id
    key = rx.Var.create("pipeline-") + p.id.to_string()
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.button(
                    rx.text(p.name, weight="medium", dir="auto"),
                    variant="ghost",
                    color_scheme=rx.cond(chosen, "indigo", "gray"),
                    high_contrast=~chosen,
                    on_click=S.select_pipeline(p.id),
                    aria_pressed=rx.cond(chosen, "true", "false"),
                    data_testid="pipeline-name",
                ),
                rx.cond(
                    p.is_default,
                    rx.badge(rx.icon("star", size=12), T("Default"), color_scheme="indigo"),
                ),
                rx.cond(
                    p.archived,
                    rx.badge(rx.icon("archive", size=12), T("Archived"), color_scheme="gray"),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            row_note(key),
        ),
        rx.table.cell(muted(p.stages_label)),
        rx.table.cell(muted(p.deals_label)),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    chosen,
                    rx.badge(rx.icon("check", size=12), T("Shown below"), variant="surface"),
                    rx.button(
                        T("Edit stages"),
                        size="1",
                        variant="soft",
                        on_click=S.select_pipeline(p.id),
                    ),
                ),
                rx.cond(
                    ~p.is_default & ~p.archived,
                    rx.button(
                        T("Make default"),
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.make_default(p.id),
                    ),
                ),
                rx.button(
                    T("Rename"),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=PipelineFormState.open_rename(p.id),
                ),
                rx.cond(
                    p.archived,
                    rx.button(
                        T("Restore"),
                        size="1",
                        variant="soft",
                        color_scheme="green",
                        on_click=S.set_pipeline_archived(p.id, False),
                    ),
                    rx.button(
                        T("Archive"),
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.set_pipeline_archived(p.id, True),
                    ),
                ),
                spacing="2",
                justify="end",
                wrap="wrap",
            )
        ),
        align="center",
        background=rx.cond(chosen, "var(--accent-a2)", "transparent"),
        opacity=rx.cond(p.archived, "0.75", "1"),
        data_testid="pipeline-row",
    )


def pipeline_dialog() -> rx.Component:
    f = PipelineFormState
    return form_fields.record_dialog(
        f,
        title=rx.cond(f.editing_id > 0, T("Rename pipeline"), T("New pipeline")),
        body=[
            form_fields.text_field(T("Name"), "name", f, max_length=100, dir="auto"),
            rx.cond(
                f.editing_id > 0,
                rx.fragment(),
                rx.vstack(
                    rx.el.label(
                        rx.hstack(
                            rx.checkbox(name="is_default"),
                            rx.text(T("Make it the default pipeline"), size="2"),
                            align="center",
                            spacing="2",
                        ),
                    ),
                    rx.text(
                        T(
                            "It starts with the stages New, Proposal, Won and Lost. Rename, "
                            "add or reorder them afterwards."
                        ),
                        size="1",
                        color="var(--gray-10)",
                    ),
                    spacing="2",
                    width="100%",
                ),
            ),
        ],
        save_test_id="save-pipeline",
    )


def _pipelines_table() -> rx.Component:
    return admin_table(
        [T("Pipeline"), T("Stages"), T("Deals"), None],
        S.pipelines,
        _pipeline_row,
        min_width="720px",  # scrolls sideways on a phone rather than crushing the names
    )


def pipelines_panel() -> rx.Component:
    return rx.vstack(
        panel(
            T("Pipelines"),
            rx.text(
                T(
                    "Each pipeline is a sales process with its own stages. New deals and the "
                    "board open in the default pipeline."
                ),
                size="2",
                color="var(--gray-11)",
                margin_bottom="12px",
            ),
            rx.cond(
                S.pipelines.length() > 0,
                _pipelines_table(),
                empty_state(
                    "kanban",
                    T("No pipelines yet"),
                    T("Add your first sales process; it comes with stages to start from."),
                ),
            ),
            action=rx.button(
                rx.icon("plus", size=16),
                T("New pipeline"),
                on_click=PipelineFormState.open_new,
                data_testid="new-pipeline",
            ),
        ),
        rx.cond(S.selected_id > 0, stages_panel()),
        pipeline_dialog(),
        stage_dialog(),
        spacing="4",
        width="100%",
    )
