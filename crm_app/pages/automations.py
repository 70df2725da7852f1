"""Automations (/automations): workflow rules with their run logs, and the lead forms."""

from __future__ import annotations

import reflex as rx

from crm_app.components.automation_builder import rule_builder
from crm_app.components.automation_runs import run_log
from crm_app.components.i18n import T
from crm_app.components.lead_form_builder import embed_dialog, form_builder, forms_table
from crm_app.components.shell import app_shell, page_header
from crm_app.state.automations import AutomationsState as S
from crm_app.state.lead_forms import LeadFormsState


def _outcome(rule: rx.Var) -> rx.Component:
    return rx.cond(
        rule["last_outcome"] != "",
        rx.badge(
            rule["last_outcome_label"],
            color_scheme=rx.match(rule["last_outcome"], ("ok", "grass"), ("failed", "red"), "gray"),
            variant="soft",
        ),
    )


def _rule_row(rule: rx.Var) -> rx.Component:
    rule_id = rule["id"].to(int)
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(rule["name"], weight="medium", dir="auto"),
                rx.text(rule["actions"], size="1", color="var(--gray-11)"),
                spacing="0",
            )
        ),
        rx.table.cell(rule["trigger"]),
        rx.table.cell(rx.hstack(rx.text(rule["last_run"], size="2"), _outcome(rule), spacing="2")),
        rx.table.cell(rule["runs"]),
        rx.table.cell(
            rx.switch(
                checked=rule["active"] == "1",
                on_change=lambda v: S.toggle_rule(rule_id, v),
                disabled=~S.can_manage,
                aria_label=T("Active"),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.button(T("Runs"), variant="soft", size="1", on_click=S.show_runs(rule_id)),
                rx.cond(
                    S.can_manage,
                    rx.fragment(
                        rx.button(
                            T("Edit"), variant="soft", size="1", on_click=S.edit_rule(rule_id)
                        ),
                        rx.icon_button(
                            rx.icon("trash-2", size=14),
                            variant="ghost",
                            color_scheme="red",
                            size="1",
                            on_click=S.delete_rule(rule_id),
                            aria_label=T("Delete rule"),
                        ),
                    ),
                ),
                spacing="2",
            )
        ),
        data_testid="rule-row",
    )


def _rules_tab() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.rules.length() == 0,
            rx.text(T("No rules yet."), size="2", color="var(--gray-11)"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(T("Rule")),
                        rx.table.column_header_cell(T("When")),
                        rx.table.column_header_cell(T("Last run")),
                        rx.table.column_header_cell(T("Runs")),
                        rx.table.column_header_cell(T("Active")),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(S.rules, _rule_row)),
                width="100%",
            ),
        ),
        run_log(),
        rule_builder(),
        spacing="4",
        width="100%",
    )


def _forms_tab() -> rx.Component:
    return rx.vstack(forms_table(), form_builder(), embed_dialog(), spacing="4", width="100%")


def automations_page() -> rx.Component:
    new_button = rx.cond(
        S.can_manage,
        rx.cond(
            S.tab == "forms",
            rx.button(
                rx.icon("plus", size=16), T("New lead form"), on_click=LeadFormsState.new_form
            ),
            rx.button(rx.icon("plus", size=16), T("New rule"), on_click=S.new_rule, id="new-rule"),
        ),
    )
    return app_shell(
        page_header(
            T("Automations"),
            T("Rules that act when records change, and forms that bring in leads."),
            new_button,
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(T("Rules"), value="rules"),
                rx.tabs.trigger(T("Lead forms"), value="forms"),
            ),
            rx.tabs.content(_rules_tab(), value="rules", padding_top="16px"),
            rx.tabs.content(_forms_tab(), value="forms", padding_top="16px"),
            value=S.tab,
            on_change=S.set_tab,
            width="100%",
        ),
    )
