"""The "Maven CRM dataset" panel of the deals import page: upload the files → import → report."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state
from crm_app.components.i18n import T
from crm_app.state.maven_import import MavenImportState as S

UPLOAD_ID = "maven-files"


def _upload_box() -> rx.Component:
    return rx.upload(
        rx.vstack(
            rx.icon("folder-up", size=32, color="var(--accent-9)"),
            rx.text(
                T("Drop the dataset's CSV files or a .zip of them here, or click to choose"),
                weight="medium",
            ),
            rx.text(
                T(
                    "Needed: accounts.csv, products.csv, sales_teams.csv and "
                    "sales_pipeline.csv (data_dictionary.csv may come along)."
                ),
                size="2",
                color="var(--gray-11)",
            ),
            align="center",
            spacing="2",
            padding="32px",
        ),
        id=UPLOAD_ID,
        accept={"text/csv": [".csv"], "application/zip": [".zip"]},
        max_files=8,
        multiple=True,
        on_drop=S.handle_upload,
        border="2px dashed var(--gray-a7)",
        border_radius="var(--radius-4)",
        width="100%",
        cursor="pointer",
        data_testid="maven-upload",
    )


def _errors() -> rx.Component:
    return rx.cond(
        S.errors.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("circle-alert")),
            rx.vstack(
                rx.text(T("Nothing was imported."), weight="bold", size="2"),
                rx.foreach(S.errors, lambda e: rx.text(e, size="2", dir="auto")),
                spacing="1",
            ),
            color_scheme="red",
            width="100%",
            data_testid="maven-errors",
        ),
    )


def _ready() -> rx.Component:
    return rx.vstack(
        rx.text(T("Files found"), weight="bold", size="2"),
        rx.hstack(
            rx.foreach(S.files, lambda f: rx.badge(rx.icon("file-check", size=12), f)),
            wrap="wrap",
            spacing="2",
            data_testid="maven-files",
        ),
        rx.cond(
            S.ignored.length() > 0,
            rx.text(
                T("Not part of the dataset, left out:"),
                " ",
                S.ignored.join(", "),
                size="1",
                color="var(--gray-11)",
                dir="auto",
            ),
        ),
        rx.cond(
            S.busy,
            rx.vstack(
                rx.progress(value=S.progress, width="100%"),
                rx.text(S.step_label, "…", size="1", color="var(--gray-11)"),
                width="100%",
                data_testid="maven-progress",
            ),
        ),
        rx.hstack(
            rx.button(
                T("Start over"),
                variant="soft",
                color_scheme="gray",
                on_click=S.start_over,
                disabled=S.busy,
            ),
            rx.spacer(),
            rx.button(
                rx.icon("upload", size=14),
                T("Import the dataset"),
                on_click=S.run,
                loading=S.busy,
                disabled=S.busy,
                data_testid="maven-run",
            ),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _counts_table() -> rx.Component:
    return rx.el.table(
        rx.el.thead(
            rx.el.tr(
                rx.el.th(T("Records")),
                rx.el.th(T("New")),
                rx.el.th(T("Updated")),
                rx.el.th(T("Unchanged")),
            )
        ),
        rx.el.tbody(
            rx.foreach(
                S.counts,
                lambda c: rx.el.tr(
                    rx.el.td(c["kind"]),
                    rx.el.td(c["created"]),
                    rx.el.td(c["updated"]),
                    rx.el.td(c["unchanged"]),
                    data_testid="maven-count",
                ),
            )
        ),
        class_name="rp-table rp-form-table",
    )


def _reconciled() -> rx.Component:
    return rx.cond(
        S.reconciled.length() > 0,
        rx.vstack(
            rx.text(T("Names reconciled"), weight="bold"),
            rx.foreach(
                S.reconciled,
                lambda r: rx.text(
                    r["kind"],
                    ": ",
                    rx.code(r["from"]),
                    " → ",
                    rx.code(r["to"]),
                    " (",
                    r["rows"],
                    ")",
                    size="2",
                    data_testid="maven-reconciled",
                ),
            ),
            spacing="1",
            width="100%",
        ),
    )


def _notes() -> rx.Component:
    return rx.cond(
        S.notes.length() > 0,
        rx.vstack(
            rx.text(T("Imported, with these remarks"), weight="bold"),
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th(T("File")),
                        rx.el.th(T("Remark")),
                        rx.el.th(T("Rows")),
                        rx.el.th(T("Example")),
                    )
                ),
                rx.el.tbody(
                    rx.foreach(
                        S.notes,
                        lambda n: rx.el.tr(
                            rx.el.td(n["file"]),
                            rx.el.td(n["message"]),
                            rx.el.td(n["rows"]),
                            rx.el.td(rx.text(n["example"], dir="auto")),
                        ),
                    )
                ),
                class_name="rp-table rp-form-table",
            ),
            width="100%",
        ),
    )


def _result() -> rx.Component:
    return rx.vstack(
        rx.heading(T("Import finished"), size="4"),
        _counts_table(),
        rx.cond(
            S.deals_by_stage != "",
            rx.text(T("Deals by stage:"), " ", S.deals_by_stage, size="2"),
        ),
        _reconciled(),
        _notes(),
        rx.hstack(
            rx.button(
                T("Import another dataset"),
                variant="soft",
                color_scheme="gray",
                on_click=S.start_over,
            ),
            rx.spacer(),
            rx.link(
                rx.button(rx.icon("kanban", size=14), T("Open the Maven pipeline")),
                href="/pipeline?pipeline=" + S.pipeline_id,
            ),
            width="100%",
        ),
        spacing="3",
        width="100%",
        data_testid="maven-result",
    )


def maven_panel() -> rx.Component:
    """Upload, import and report; only administrators (it creates the sales agents' users)."""
    return rx.cond(
        S.can_import_maven,
        rx.vstack(
            rx.text(
                T(
                    "The Maven Analytics “CRM Sales Opportunities” export: accounts become "
                    "companies, sales agents become users, and every opportunity a deal in the "
                    "“Maven” pipeline. Importing it again updates and never duplicates."
                ),
                size="2",
                color="var(--gray-11)",
            ),
            _errors(),
            rx.cond(
                S.finished,
                _result(),
                rx.cond(S.files.length() > 0, _ready(), _upload_box()),
            ),
            spacing="4",
            width="100%",
        ),
        rx.card(
            empty_state(
                "lock",
                T("Only an administrator can import a Maven dataset."),
                T("It creates a user for each of the dataset's sales agents."),
            ),
            width="100%",
        ),
    )
