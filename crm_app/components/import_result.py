"""Import wizard, steps 3-4: the dry run or import report, and undo of the last import."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.state.importer import ImportState as S


def _number(value: rx.Var, label: rx.Component, color: str) -> rx.Component:
    return rx.card(
        rx.text(value.to(str), size="6", weight="bold", color=f"var(--{color}-11)"),
        rx.text(label, size="2", color="var(--gray-11)"),
        min_width="130px",
    )


def result_panel() -> rx.Component:
    r = S.result
    return rx.vstack(
        rx.heading(
            rx.cond(r["dry_run"].to(bool), T("What the import would do"), T("Import finished")),
            size="4",
        ),
        rx.flex(
            _number(r["created"], T("New"), "green"),
            _number(r["updated"], T("Updated"), "blue"),
            _number(r["unchanged"], T("Unchanged"), "gray"),
            _number(r["rejected"], T("Rejected"), "red"),
            spacing="3",
            wrap="wrap",
            data_testid="import-summary",
        ),
        rx.cond(
            r["merged"].to(int) > 0,
            rx.text(T("Rows in the file that describe the same record were merged."), size="2"),
        ),
        rx.cond(
            S.rejected.length() > 0,
            rx.vstack(
                rx.hstack(
                    rx.text(T("Rejected rows"), weight="bold"),
                    rx.spacer(),
                    rx.button(
                        rx.icon("download", size=14),
                        T("Download rejected rows"),
                        variant="soft",
                        size="1",
                        on_click=S.download_rejected,
                    ),
                    width="100%",
                    align="center",
                ),
                _problem_table(S.rejected, "rejected-row"),
                width="100%",
            ),
        ),
        rx.cond(
            S.warnings.length() > 0,
            rx.vstack(
                rx.text(T("Imported, with a value left out"), weight="bold"),
                rx.text(
                    T(
                        "These rows are imported; only the cell named here is left empty, "
                        "e.g. an owner who is not a user of Rapport."
                    ),
                    size="2",
                    color="var(--gray-11)",
                ),
                _problem_table(S.warnings, "warning-row"),
                width="100%",
            ),
        ),
        rx.cond(S.substitutions.length() > 0, substitutions_table()),
        spacing="3",
        width="100%",
    )


def substitutions_table() -> rx.Component:
    """Ticket values that matched nothing, and the default each was imported as."""
    return rx.vstack(
        rx.text(T("Imported as the default value"), weight="bold"),
        rx.text(
            T("These cells matched no status, priority or channel; the default was used."),
            size="2",
            color="var(--gray-11)",
        ),
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    rx.el.th(T("Row")),
                    rx.el.th(T("Column in your file")),
                    rx.el.th(T("Value in the file")),
                    rx.el.th(T("Imported as")),
                )
            ),
            rx.el.tbody(
                rx.foreach(
                    S.substitutions,
                    lambda x: rx.el.tr(
                        rx.el.td(x["row"]),
                        rx.el.td(x["field"]),
                        rx.el.td(rx.text(x["value"], dir="auto")),
                        rx.el.td(x["used"]),
                        data_testid="substitution-row",
                    ),
                )
            ),
            class_name="rp-table rp-form-table",
        ),
        width="100%",
    )


def _problem_table(items, test_id: str) -> rx.Component:
    return rx.el.table(
        rx.el.thead(rx.el.tr(rx.el.th(T("Row")), rx.el.th(T("Field")), rx.el.th(T("Reason")))),
        rx.el.tbody(
            rx.foreach(
                items,
                lambda x: rx.el.tr(
                    rx.el.td(x["row"]),
                    rx.el.td(x["field"]),
                    rx.el.td(x["reason"]),
                    data_testid=test_id,
                ),
            )
        ),
        class_name="rp-table rp-form-table",
    )


def last_import_bar() -> rx.Component:
    return rx.cond(
        S.last_batch.contains("id"),
        rx.callout.root(
            rx.callout.icon(rx.icon("history")),
            rx.hstack(
                rx.text(
                    T("Last import:"),
                    " ",
                    rx.text.strong(S.last_batch["file"]),
                    " · ",
                    S.last_batch["when"],
                    " · ",
                    S.last_batch["summary"],
                    size="2",
                    dir="auto",
                ),
                rx.spacer(),
                rx.alert_dialog.root(
                    rx.alert_dialog.trigger(
                        rx.button(
                            rx.icon("undo-2", size=14),
                            T("Undo this import"),
                            size="1",
                            variant="soft",
                            color_scheme="red",
                            data_testid="undo-import",
                        )
                    ),
                    rx.alert_dialog.content(
                        rx.alert_dialog.title(T("Undo the last import?")),
                        rx.alert_dialog.description(
                            T(
                                "Records it created are removed and records it updated get "
                                "back the values they had before."
                            )
                        ),
                        rx.hstack(
                            rx.alert_dialog.cancel(
                                rx.button(T("Cancel"), variant="soft", color_scheme="gray")
                            ),
                            rx.alert_dialog.action(
                                rx.button(
                                    T("Undo import"), color_scheme="red", on_click=S.undo_last
                                )
                            ),
                            justify="end",
                            margin_top="12px",
                        ),
                    ),
                ),
                width="100%",
                align="center",
            ),
            color_scheme="gray",
            width="100%",
        ),
    )
