"""Import wizard page: upload, preview and mapping, dry run report, import with progress, undo."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state
from crm_app.components.i18n import T
from crm_app.components.list_tools import back_to_list
from crm_app.components.maven_import import maven_panel
from crm_app.components.shell import app_shell, page_header
from crm_app.services.i18n import N_
from crm_app.state.importer import ImportState as S

UPLOAD_ID = "import-file"


def _step_badge(n: str, label: rx.Component, active: rx.Var[bool]) -> rx.Component:
    return rx.hstack(
        rx.badge(n, variant=rx.cond(active, "solid", "soft"), radius="full", size="2"),
        rx.text(label, size="2", weight=rx.cond(active, "bold", "regular")),
        align="center",
        spacing="2",
    )


def steps() -> rx.Component:
    return rx.hstack(
        _step_badge("1", T("Upload"), S.step == "upload"),
        rx.icon("chevron-right", size=14, class_name="flip-rtl", color="var(--gray-8)"),
        _step_badge("2", T("Map columns"), S.step == "map"),
        rx.icon("chevron-right", size=14, class_name="flip-rtl", color="var(--gray-8)"),
        _step_badge("3", T("Check"), S.step == "checked"),
        rx.icon("chevron-right", size=14, class_name="flip-rtl", color="var(--gray-8)"),
        _step_badge("4", T("Import"), S.step == "done"),
        spacing="3",
        wrap="wrap",
        align="center",
    )


def upload_box() -> rx.Component:
    return rx.upload(
        rx.vstack(
            rx.icon("file-up", size=32, color="var(--accent-9)"),
            rx.text(
                T("Drop a CSV or Excel (.xlsx) file here, or click to choose one"), weight="medium"
            ),
            rx.text(
                T(
                    "Exports from HubSpot, Pipedrive, Salesforce, Zoho, Google Contacts or "
                    "Outlook are recognised; you can correct every column."
                ),
                size="2",
                color="var(--gray-11)",
            ),
            align="center",
            spacing="2",
            padding="32px",
        ),
        id=UPLOAD_ID,
        accept={
            "text/csv": [".csv", ".txt"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
        },
        max_files=1,
        multiple=False,
        on_drop=S.handle_upload,
        border="2px dashed var(--gray-a7)",
        border_radius="var(--radius-4)",
        width="100%",
        cursor="pointer",
        data_testid="import-upload",
    )


def _field_select(column: rx.Var) -> rx.Component:
    header = column["header"]
    return rx.select.root(
        rx.select.trigger(width="100%", aria_label=header),
        rx.select.content(rx.foreach(S.field_options, lambda o: rx.select.item(o[1], value=o[0]))),
        value=S.mapping[header],
        on_change=lambda v: S.set_mapping(header, v),
    )


def mapping_table() -> rx.Component:
    return rx.el.table(
        rx.el.thead(
            rx.el.tr(
                rx.el.th(T("Column in your file")),
                rx.el.th(T("Examples")),
                rx.el.th(T("Goes to")),
            )
        ),
        rx.el.tbody(
            rx.foreach(
                S.columns,
                lambda c: rx.el.tr(
                    rx.el.td(rx.text(c["header"], weight="medium", dir="auto")),
                    rx.el.td(rx.text(c["samples"], size="1", color="var(--gray-11)", dir="auto")),
                    rx.el.td(_field_select(c), width="280px"),
                    data_testid="mapping-row",
                ),
            )
        ),
        class_name="rp-table rp-form-table",
    )


def date_questions() -> rx.Component:
    return rx.cond(
        S.ambiguous.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("calendar-clock")),
            rx.vstack(
                rx.text(
                    T(
                        "These dates could be day-first (31.12.) or month-first (12/31): "
                        "nothing in the file tells. How should they be read?"
                    ),
                    size="2",
                ),
                rx.foreach(
                    S.ambiguous,
                    lambda item: rx.hstack(
                        rx.text(item[0], weight="medium", dir="auto"),
                        rx.text(S.date_samples[item[0]], size="1", color="var(--gray-11)"),
                        rx.select.root(
                            rx.select.trigger(placeholder=T("Choose"), aria_label=item[0]),
                            rx.select.content(
                                rx.select.item(T("Day first (31/12/2024)"), value="day-first"),
                                rx.select.item(T("Month first (12/31/2024)"), value="month-first"),
                            ),
                            value=item[1],
                            on_change=lambda v: S.set_date_order(item[0], v),
                        ),
                        align="center",
                        wrap="wrap",
                    ),
                ),
                spacing="2",
            ),
            color_scheme="amber",
            width="100%",
        ),
    )


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
            gap="3",
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


def actions() -> rx.Component:
    return rx.hstack(
        rx.button(
            T("Start over"),
            variant="soft",
            color_scheme="gray",
            on_click=S.start_over,
            disabled=S.busy,
        ),
        rx.spacer(),
        rx.cond(
            S.step != "done",
            rx.hstack(
                rx.button(
                    rx.icon("list-checks", size=14),
                    T("Check (dry run)"),
                    variant=rx.cond(S.step == "checked", "soft", "solid"),
                    on_click=S.dry_run,
                    disabled=~S.ready | S.busy,
                    data_testid="import-dry-run",
                ),
                rx.button(
                    rx.icon("upload", size=14),
                    T("Import"),
                    on_click=S.run,
                    disabled=(S.step != "checked") | S.busy,
                    loading=S.busy,
                    data_testid="import-run",
                ),
                spacing="2",
            ),
        ),
        width="100%",
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


TITLES = {
    "contact": N_("Import contacts"),
    "company": N_("Import companies"),
    "deal": N_("Import deals"),
    "ticket": N_("Import tickets"),
}
SECTIONS = {"contact": "Contacts", "company": "Companies", "deal": "Pipeline", "ticket": "Tickets"}
DESCRIPTIONS = {
    "contact": N_(
        "Rows that match an existing record by e-mail update it; blank cells never "
        "overwrite what is stored. Check first: a dry run changes nothing."
    ),
    "company": N_(
        "Rows that match a company by web domain or name update it; blank cells never "
        "overwrite what is stored. Check first: a dry run changes nothing."
    ),
    "deal": N_(
        "Rows that match a deal by its ID in the other system update it; stages are matched "
        "by name in the chosen pipeline. Check first: a dry run changes nothing."
    ),
    "ticket": N_(
        "Rows that match a ticket by its ID in the other system update it; status, priority "
        "and channel are matched by their usual names, and a value that matches nothing is "
        "imported as the default and listed. Check first: a dry run changes nothing."
    ),
}


def pipeline_choice() -> rx.Component:
    return rx.hstack(
        rx.text(T("Pipeline"), size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(width="240px", aria_label=T("Pipeline")),
            rx.select.content(rx.foreach(S.pipelines, lambda p: rx.select.item(p[1], value=p[0]))),
            value=S.pipeline,
            on_change=S.set_pipeline,
        ),
        rx.text(
            T("A “Pipeline” column in the file overrides it per row."),
            size="1",
            color="var(--gray-11)",
        ),
        align="center",
        wrap="wrap",
    )


def import_page(entity: str) -> rx.Component:
    body = wizard(entity)
    if entity == "deal":  # deals also come from a whole Maven CRM dataset
        body = rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger(T("A CSV or Excel file"), value="file"),
                rx.tabs.trigger(T("A Maven CRM dataset"), value="maven", data_testid="maven-tab"),
            ),
            rx.tabs.content(rx.box(body, padding_top="16px"), value="file"),
            rx.tabs.content(rx.box(maven_panel(), padding_top="16px"), value="maven"),
            default_value="file",
            width="100%",
        )
    return app_shell(
        SECTIONS[entity],
        page_header(T(TITLES[entity]), T(DESCRIPTIONS[entity]), back_to_list(entity)),
        body,
    )


def wizard(entity: str) -> rx.Component:
    """Upload → map → check → import of one file, or why the caller's role may not."""
    return rx.fragment(
        rx.cond(
            S.can_import,
            rx.vstack(
                last_import_bar(),
                steps(),
                rx.cond(
                    S.problem != "",
                    rx.callout(S.problem, icon="circle-alert", color_scheme="red", width="100%"),
                ),
                rx.cond(
                    S.step == "upload",
                    upload_box(),
                    rx.vstack(
                        rx.text(
                            rx.text.strong(S.file_name),
                            " · ",
                            S.row_count.to(str),
                            " ",
                            T("rows"),
                            size="2",
                            dir="auto",
                        ),
                        rx.cond(
                            S.step != "done",
                            rx.vstack(
                                pipeline_choice() if entity == "deal" else rx.fragment(),
                                date_questions(),
                                mapping_table(),
                                width="100%",
                            ),
                        ),
                        rx.cond(
                            S.busy,
                            rx.vstack(
                                rx.progress(value=S.progress, width="100%"),
                                rx.text(S.progress.to(str), "%", size="1", color="var(--gray-11)"),
                                width="100%",
                                data_testid="import-progress",
                            ),
                        ),
                        rx.cond(S.result.contains("created"), result_panel()),
                        actions(),
                        spacing="4",
                        width="100%",
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            rx.card(
                empty_state(
                    "lock",
                    T("Your role does not allow this."),
                    T("Ask an administrator or a manager to import the file."),
                ),
                width="100%",
            ),
        ),
    )
