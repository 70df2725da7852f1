"""A rule's run log: when, which record, the outcome and what was done."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.state.automations import AutomationsState as S


def _outcome_badge(outcome: rx.Var, label: rx.Var) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.match(outcome, ("ok", "grass"), ("failed", "red"), "gray"),
        variant="soft",
    )


def run_log() -> rx.Component:
    return rx.cond(
        S.log_rule_id != 0,
        rx.card(
            rx.hstack(
                rx.heading(T("Runs of"), " ", S.log_rule_name, size="4", dir="auto"),
                rx.spacer(),
                rx.button(
                    rx.icon("refresh-cw", size=14),
                    T("Refresh"),
                    variant="soft",
                    size="1",
                    on_click=S.refresh_runs,
                ),
                rx.icon_button(
                    rx.icon("x", size=14),
                    variant="ghost",
                    on_click=S.close_runs,
                    aria_label=T("Close"),
                ),
                align="center",
                width="100%",
            ),
            rx.cond(
                S.run_log.length() == 0,
                rx.text(T("No runs yet."), size="2", color="var(--gray-11)"),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(T("When")),
                            rx.table.column_header_cell(T("Record")),
                            rx.table.column_header_cell(T("Outcome")),
                            rx.table.column_header_cell(T("Details")),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            S.run_log,
                            lambda r: rx.table.row(
                                rx.table.cell(r["at"], white_space="nowrap"),
                                rx.table.cell(
                                    rx.cond(
                                        r["link"] != "",
                                        rx.link(r["record"], href=r["link"]),
                                        r["record"],
                                    )
                                ),
                                rx.table.cell(_outcome_badge(r["outcome"], r["outcome_label"])),
                                rx.table.cell(
                                    rx.text(
                                        r["detail"], size="1", white_space="pre-wrap", dir="auto"
                                    )
                                ),
                                data_testid="run-row",
                            ),
                        )
                    ),
                    size="1",
                    width="100%",
                ),
            ),
            width="100%",
            data_testid="run-log",
        ),
    )
