"""Import wizard page: upload, preview and mapping, dry run report, import with progress, undo."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state
from crm_app.components.i18n import T
from crm_app.components.import_mapping import (
    date_questions,
    mapping_table,
    pipeline_choice,
    steps,
    upload_box,
)
from crm_app.components.import_result import last_import_bar, result_panel
from crm_app.components.list_tools import back_to_list
from crm_app.components.maven_import import maven_panel
from crm_app.components.shell import app_shell, page_header
from crm_app.services.i18n import N_
from crm_app.state.importer import ImportState as S


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


TITLES = {
    "contact": N_("Import contacts"),
    "company": N_("Import companies"),
    "deal": N_("Import deals"),
    "ticket": N_("Import tickets"),
}
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
