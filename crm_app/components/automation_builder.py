"""The rule builder: trigger, condition rows (automation_conditions), action rows."""

from __future__ import annotations

import reflex as rx

from crm_app.components.automation_conditions import SELECT_STYLE, condition_row, select
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.services.i18n import N_
from crm_app.state.automations import AutomationsState as S


def _error(key: str) -> rx.Component:
    return rx.cond(
        S.b_errors.contains(key),
        rx.text(S.b_errors[key], size="1", color="var(--red-11)", role="alert"),
    )


def _trigger_config() -> rx.Component:
    return rx.match(
        S.b_trigger,
        (
            "deal_stage_changed",
            select(
                S.stage_options,
                S.b_config.get("stage_id", ""),
                lambda v: S.set_config("stage_id", v),
                blank=True,
                aria_label=T("Stage entered"),
                id="rule-stage",
            ),
        ),
        (
            "deal_closed",
            select(
                S.outcome_options,
                S.b_config.get("outcome", "any"),
                lambda v: S.set_config("outcome", v),
                aria_label=T("Outcome"),
            ),
        ),
        (
            "form_submitted",
            select(
                S.form_options,
                S.b_config.get("form_id", ""),
                lambda v: S.set_config("form_id", v),
                blank=True,
                aria_label=T("Form"),
            ),
        ),
        (
            "no_contact",
            rx.hstack(
                rx.input(
                    value=S.b_config.get("days", ""),
                    on_change=lambda v: S.set_config("days", v),
                    type="number",
                    width="90px",
                    aria_label=T("Days"),
                ),
                rx.text(T("days"), size="2"),
                align="center",
            ),
        ),
        rx.fragment(),
    )


def _text(row: rx.Var, index: rx.Var, key: str, label: str, **props) -> rx.Component:
    return rx.input(
        value=row[key],
        on_change=lambda v: S.set_action(index, key, v),
        placeholder=props.pop("placeholder", T(label)),
        aria_label=T(label),
        **props,
    )


def _who(row: rx.Var, index: rx.Var, key: str) -> rx.Component:
    return rx.el.select(
        rx.el.option(T("The record's owner"), value="owner"),
        rx.foreach(S.user_options, lambda o: rx.el.option(o["label"], value=o["value"])),
        value=row[key],
        on_change=lambda v: S.set_action(index, key, v),
        style=SELECT_STYLE,
        aria_label=T("Who"),
    )


def _action_settings(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.match(
        row["kind"],
        ("add_tag", _text(row, index, "tag", "Tag", width="200px", id="action-tag")),
        (
            "create_task",
            rx.hstack(
                _text(row, index, "title", N_("Task title"), width="260px"),
                _text(row, index, "due_days", N_("Due in days"), type="number", width="90px"),
                _who(row, index, "assignee"),
                wrap="wrap",
            ),
        ),
        (
            "assign_owner",
            rx.hstack(
                select(
                    S.role_options,
                    row["role"],
                    lambda v: S.set_action(index, "role", v),
                    blank=True,
                ),
                _text(row, index, "region", N_("Region (optional)"), width="160px"),
            ),
        ),
        (
            "update_field",
            rx.hstack(
                select(
                    S.updatable_options,
                    row["field"],
                    lambda v: S.set_action(index, "field", v),
                    blank=True,
                ),
                rx.match(
                    row["field"],
                    (
                        "stage_id",
                        select(
                            S.stage_options,
                            row["value"],
                            lambda v: S.set_action(index, "value", v),
                            blank=True,
                            aria_label=T("New value"),
                        ),
                    ),
                    (
                        "lifecycle_stage",
                        select(
                            S.lifecycle_options,
                            row["value"],
                            lambda v: S.set_action(index, "value", v),
                            blank=True,
                            aria_label=T("New value"),
                        ),
                    ),
                    _text(row, index, "value", "New value", width="220px"),
                ),
            ),
        ),
        (
            "notify",
            rx.hstack(
                _who(row, index, "user"),
                _text(row, index, "message", "Message", width="300px"),
                wrap="wrap",
            ),
        ),
        (
            "webhook",
            rx.vstack(
                _text(
                    row,
                    index,
                    "url",
                    N_("Web address"),
                    placeholder="https://example.com/hook",
                    width="360px",
                    dir="ltr",
                ),
                rx.text_area(
                    value=row["json"],
                    on_change=lambda v: S.set_action(index, "json", v),
                    placeholder='{"channel": "#sales"}',
                    aria_label=T("Extra JSON fields (optional)"),
                    rows="2",
                    width="360px",
                    dir="ltr",
                ),
                spacing="1",
            ),
        ),
        (
            "send_email",
            rx.vstack(
                select(
                    S.template_options,
                    row["template_id"],
                    lambda v: S.set_action(index, "template_id", v),
                    blank=True,
                    aria_label=T("Template"),
                ),
                rx.cond(
                    row["template_id"] == "",
                    rx.vstack(
                        _text(row, index, "subject", "Subject", width="360px"),
                        rx.text_area(
                            value=row["body"],
                            on_change=lambda v: S.set_action(index, "body", v),
                            placeholder=T("Hello {{first_name}}, …"),
                            aria_label=T("Message"),
                            rows="3",
                            width="360px",
                        ),
                        spacing="1",
                    ),
                ),
                spacing="1",
            ),
        ),
        rx.fragment(),
    )


def _action_row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.hstack(
        select(
            S.action_options,
            row["kind"],
            lambda v: S.set_action(index, "kind", v),
            aria_label=T("Action"),
            id="action-kind-" + index.to(str),
        ),
        _action_settings(row, index),
        rx.icon_button(
            rx.icon("x", size=14),
            variant="ghost",
            color_scheme="gray",
            on_click=S.remove_action(index),
            aria_label=T("Remove action"),
        ),
        align="start",
        spacing="2",
        wrap="wrap",
    )


def rule_builder() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing_id == 0, T("New rule"), T("Edit rule"))),
            rx.vstack(
                rx.box(
                    field_label(T("Name"), "rule-name"),
                    rx.input(id="rule-name", value=S.b_name, on_change=S.set_name, width="100%"),
                    _error("name"),
                    width="100%",
                ),
                rx.box(
                    rx.text(T("When"), size="2", weight="bold"),
                    rx.hstack(
                        select(
                            S.trigger_options,
                            S.b_trigger,
                            S.set_trigger,
                            id="rule-trigger",
                            aria_label=T("Trigger"),
                        ),
                        _trigger_config(),
                        align="center",
                        spacing="2",
                        wrap="wrap",
                    ),
                    _error("trigger"),
                    width="100%",
                ),
                rx.box(
                    rx.text(T("Only if"), size="2", weight="bold"),
                    rx.vstack(rx.foreach(S.b_conditions, condition_row), spacing="2"),
                    rx.button(
                        rx.icon("plus", size=14),
                        T("Add condition"),
                        variant="ghost",
                        size="1",
                        on_click=S.add_condition,
                    ),
                    _error("conditions"),
                    width="100%",
                ),
                rx.box(
                    rx.text(T("Then"), size="2", weight="bold"),
                    rx.vstack(rx.foreach(S.b_actions, _action_row), spacing="2"),
                    rx.button(
                        rx.icon("plus", size=14),
                        T("Add action"),
                        variant="ghost",
                        size="1",
                        on_click=S.add_action,
                    ),
                    _error("actions"),
                    width="100%",
                ),
                rx.hstack(
                    rx.button(
                        T("Cancel"), variant="soft", color_scheme="gray", on_click=S.close_builder
                    ),
                    rx.button(T("Save rule"), on_click=S.save_rule, id="rule-save"),
                    justify="end",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            max_width="860px",
        ),
        open=S.builder_open,
        on_open_change=lambda _open: S.close_builder(),
    )
