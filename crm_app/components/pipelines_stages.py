"""Settings → Pipelines: the chosen pipeline's ordered stages (rows with probability, type and
order buttons; the stage dialog), and the row helpers the pipelines table shares with it."""

from __future__ import annotations

import reflex as rx

from crm_app.components import form_fields
from crm_app.components.cards import admin_table, panel
from crm_app.components.i18n import T
from crm_app.state.pipelines_admin import PipelinesAdminState, StageFormState, StageView

S = PipelinesAdminState
KIND_STYLE = {
    "open": ("circle-dot", "gray"),
    "won": ("trophy", "green"),
    "lost": ("circle-x", "red"),
}


def row_note(key: rx.Var[str]) -> rx.Component:
    """Why the last action on this row was refused, beside it."""
    return rx.cond(
        S.notes.contains(key),
        rx.hstack(
            rx.icon("circle-alert", size=14, flex_shrink="0"),
            rx.text(S.notes.get(key, ""), size="1"),
            color="var(--red-11)",
            align="center",
            spacing="1",
            role="alert",
            data_testid="row-note",
            margin_top="4px",
            white_space="normal",
        ),
    )


def muted(text: rx.Var | str) -> rx.Component:
    return rx.text(text, size="2", color="var(--gray-11)", white_space="nowrap")


# -- stages -------------------------------------------------------------------------------------
def _kind_badge(s: rx.Var[StageView]) -> rx.Component:
    return rx.match(
        s.kind,
        *[
            (kind, rx.badge(rx.icon(icon, size=12), s.kind_label, color_scheme=color))
            for kind, (icon, color) in KIND_STYLE.items()
        ],
        rx.badge(s.kind_label),
    )


def _probability(s: rx.Var[StageView]) -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.box(
                height="100%",
                width=s.percent.to_string() + "%",
                background=rx.match(
                    s.kind, ("won", "var(--green-9)"), ("lost", "var(--red-9)"), "var(--accent-9)"
                ),
                border_radius="3px",
            ),
            width="64px",
            height="6px",
            background="var(--gray-a4)",
            border_radius="3px",
            flex_shrink="0",
            aria_hidden="true",
        ),
        rx.text(s.probability, size="2", white_space="nowrap", data_testid="stage-probability"),
        align="center",
        spacing="2",
    )


def _order_buttons(s: rx.Var[StageView]) -> rx.Component:
    up = rx.Var.create("stage-up-") + s.id.to_string()
    down = rx.Var.create("stage-down-") + s.id.to_string()
    return rx.cond(
        s.archived,
        rx.fragment(),
        rx.hstack(
            rx.icon_button(
                rx.icon("arrow-up", size=14),
                size="1",
                variant="soft",
                color_scheme="gray",
                disabled=s.first,
                on_click=S.move_stage(s.id, -1),
                aria_label=T("Move up"),
                title=T("Move up"),
                id=up,
            ),
            rx.icon_button(
                rx.icon("arrow-down", size=14),
                size="1",
                variant="soft",
                color_scheme="gray",
                disabled=s.last,
                on_click=S.move_stage(s.id, 1),
                aria_label=T("Move down"),
                title=T("Move down"),
                id=down,
            ),
            spacing="1",
        ),
    )


def _stage_row(s: rx.Var[StageView]) -> rx.Component:
    key = rx.Var.create("stage-") + s.id.to_string()
    return rx.table.row(
        rx.table.cell(rx.text(s.number, size="2", color="var(--gray-10)"), width="36px"),
        rx.table.cell(
            rx.hstack(
                rx.text(s.name, size="2", weight="medium", dir="auto", data_testid="stage-name"),
                rx.cond(
                    s.archived,
                    rx.badge(rx.icon("archive", size=12), T("Archived"), color_scheme="gray"),
                ),
                align="center",
                spacing="2",
            ),
            row_note(key),
        ),
        rx.table.cell(_probability(s)),
        rx.table.cell(_kind_badge(s)),
        rx.table.cell(muted(s.deals_label)),
        rx.table.cell(_order_buttons(s)),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    T("Edit"),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=StageFormState.open_edit(s.id),
                ),
                rx.cond(
                    s.archived,
                    rx.button(
                        T("Restore"),
                        size="1",
                        variant="soft",
                        color_scheme="green",
                        on_click=S.set_stage_archived(s.id, False),
                    ),
                    rx.button(
                        T("Archive"),
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.set_stage_archived(s.id, True),
                    ),
                ),
                spacing="2",
                justify="end",
            )
        ),
        align="center",
        opacity=rx.cond(s.archived, "0.7", "1"),
        data_testid="stage-row",
    )


def stage_dialog() -> rx.Component:
    f = StageFormState
    return form_fields.record_dialog(
        f,
        title=rx.cond(f.editing_id > 0, T("Edit stage"), T("New stage")),
        body=[
            form_fields.text_field(T("Name"), "name", f, max_length=100, dir="auto"),
            rx.box(
                rx.el.label(
                    T("Win probability"),
                    html_for="field-probability",
                    style={"fontSize": "var(--font-size-2)", "fontWeight": "500"},
                ),
                rx.text(
                    T("How likely a deal in this stage is to be won. It weights the forecast."),
                    size="1",
                    color="var(--gray-10)",
                    margin_bottom="4px",
                ),
                rx.input(
                    rx.input.slot("%", side="right"),
                    id="field-probability",
                    name="probability",
                    default_value=f.values.get("probability", ""),
                    placeholder="0–100",
                    input_mode="numeric",
                    max_length=5,
                    width="140px",
                ),
                form_fields.error("probability", f),
                width="100%",
            ),
            form_fields.select_field(T("Type"), "kind", f.kinds, state=f),
            rx.text(
                T(
                    "Moving a deal into a won or lost stage closes it. A pipeline keeps at least "
                    "one open, one won and one lost stage."
                ),
                size="1",
                color="var(--gray-10)",
            ),
        ],
        save_test_id="save-stage",
    )


def stages_panel() -> rx.Component:
    return panel(
        T("Stages") + " · " + S.selected_name,
        rx.text(
            T(
                "In the order deals move through them. Archive a stage once its deals are moved "
                "elsewhere; history and reports keep it."
            ),
            size="2",
            color="var(--gray-11)",
            margin_bottom="12px",
        ),
        admin_table(
            [
                rx.text("#", aria_hidden="true"),
                T("Stage"),
                T("Win probability"),
                T("Type"),
                T("Deals"),
                T("Order"),
                None,
            ],
            S.stages,
            _stage_row,
            min_width="820px",
        ),
        rx.el.div(S.announcement, aria_live="polite", class_name="sr-only"),
        action=rx.button(
            rx.icon("plus", size=16),
            T("New stage"),
            on_click=StageFormState.open_new,
            disabled=S.selected_archived,
            data_testid="new-stage",
        ),
    )
