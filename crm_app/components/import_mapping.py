"""Import wizard, steps 1-2: the step bar, the upload box and the column mapping."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
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
