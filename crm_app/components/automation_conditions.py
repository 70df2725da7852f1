"""A rule's condition rows in the builder, and the native select both builders use."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.services.i18n import N_
from crm_app.state.automations import AutomationsState as S

__all__ = ["SELECT_STYLE", "condition_row", "select"]

SELECT_STYLE = {
    "padding": "6px 8px",
    "borderRadius": "var(--radius-2)",
    "border": "1px solid var(--gray-a7)",
    "background": "var(--color-surface)",
    "color": "var(--gray-12)",
    "fontSize": "var(--font-size-2)",
    "minWidth": "0",
}


def select(options: rx.Var, value: rx.Var, on_change, *, blank: bool = False, **props):
    """A native select over [{value, label}] (keyboard and screen-reader friendly)."""
    return rx.el.select(
        rx.cond(blank, rx.el.option("—", value=""), rx.fragment()),
        rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"])),
        value=value,
        on_change=on_change,
        style=SELECT_STYLE,
        **props,
    )


def _field_value(row: rx.Var, index: rx.Var, value_input: rx.Component) -> rx.Component:
    """The value of a field condition: a list where the field holds a choice (a user, a
    stage, a pipeline, a lifecycle stage, yes or no, a ticket's priority, status or channel), else typed
    text. (Only tickets have priority, status and channel fields to compare.)"""

    def pick(options: rx.Var, label: str) -> rx.Component:
        return select(
            options,
            row["value"],
            lambda v: S.set_condition(index, "value", v),
            blank=True,
            aria_label=T(label),
            id="condition-value-" + index.to(str),
        )

    return rx.match(
        row["field"],
        ("owner_id", "assignee_id", pick(S.user_options, N_("User"))),
        ("stage_id", pick(S.stage_options, N_("Stage"))),
        ("pipeline_id", pick(S.pipeline_options, N_("Pipeline"))),
        ("lifecycle_stage", pick(S.lifecycle_options, N_("Lifecycle stage"))),
        ("consent_email", pick(S.yes_no_options, N_("Value"))),
        ("priority", pick(S.priority_options, N_("Priority"))),
        ("status", pick(S.status_options, N_("Status"))),
        ("channel", pick(S.channel_options, N_("Channel"))),
        value_input,
    )


def condition_row(row: rx.Var, index: rx.Var) -> rx.Component:
    value_input = rx.input(
        value=row["value"],
        on_change=lambda v: S.set_condition(index, "value", v),
        placeholder=T("Value"),
        aria_label=T("Value"),
        width="160px",
    )
    return rx.hstack(
        select(S.kind_options, row["kind"], lambda v: S.set_condition(index, "kind", v)),
        rx.match(
            row["kind"],
            (
                "tag",
                rx.hstack(
                    select(S.tag_op_options, row["op"], lambda v: S.set_condition(index, "op", v)),
                    value_input,
                ),
            ),
            (
                "segment",
                rx.hstack(
                    select(
                        S.segment_op_options, row["op"], lambda v: S.set_condition(index, "op", v)
                    ),
                    select(
                        S.segment_options,
                        row["value"],
                        lambda v: S.set_condition(index, "value", v),
                        blank=True,
                    ),
                ),
            ),
            rx.hstack(
                select(
                    S.field_options,
                    row["field"],
                    lambda v: S.set_condition(index, "field", v),
                    aria_label=T("Field"),
                    id="rule-field-" + index.to(str),
                ),
                select(S.op_options, row["op"], lambda v: S.set_condition(index, "op", v)),
                _field_value(row, index, value_input),
            ),
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            variant="ghost",
            color_scheme="gray",
            on_click=S.remove_condition(index),
            aria_label=T("Remove condition"),
        ),
        align="center",
        spacing="2",
        wrap="wrap",
    )
