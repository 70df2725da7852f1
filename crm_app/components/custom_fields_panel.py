"""Settings → Custom fields panel."""

from __future__ import annotations

import reflex as rx

from crm_app.components import form_fields
from crm_app.components.cards import admin_table, panel
from crm_app.components.i18n import T
from crm_app.state.custom_fields_admin import ENTITY_LABELS, TYPE_LABELS
from crm_app.state.custom_fields_admin import CustomFieldsState as C


def _row(f: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(f["label"], weight="medium", size="2")),
        rx.table.cell(f["entity"]),
        rx.table.cell(f["type"]),
        rx.table.cell(rx.text(f["options"], size="1", color="var(--gray-10)")),
        rx.table.cell(
            rx.button(
                T("Archive"),
                size="1",
                variant="soft",
                color_scheme="gray",
                on_click=C.archive_field(f["id"]),
            )
        ),
        align="center",
    )


def add_field_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                rx.text(T("Label"), size="2", weight="medium"),
                rx.input(
                    name="label",
                    placeholder=T("e.g. Budget"),
                    aria_label=T("Label"),
                    data_testid="field-label",
                ),
                form_fields.error("label", C),
            ),
            rx.box(
                rx.text(T("For"), size="2", weight="medium"),
                rx.select.root(
                    rx.select.trigger(aria_label=T("For")),
                    rx.select.content(
                        *[rx.select.item(T(label), value=v) for v, label in ENTITY_LABELS.items()]
                    ),
                    name="entity",
                    default_value="contact",
                ),
            ),
            rx.box(
                rx.text(T("Type"), size="2", weight="medium"),
                rx.select.root(
                    rx.select.trigger(aria_label=T("Type"), data_testid="field-type"),
                    rx.select.content(
                        *[rx.select.item(T(label), value=v) for v, label in TYPE_LABELS.items()]
                    ),
                    value=C.new_type,
                    on_change=C.set_new_type,
                ),
            ),
            rx.cond(
                C.new_type == "select",
                rx.box(
                    rx.text(T("Choices"), size="2", weight="medium"),
                    rx.input(
                        name="options",
                        placeholder=T("Separated by commas"),
                        aria_label=T("Choices"),
                    ),
                    form_fields.error("options", C),
                ),
            ),
            rx.button(
                rx.icon("plus", size=14), T("Add field"), type="submit", data_testid="add-field"
            ),
            spacing="3",
            align="end",
            wrap="wrap",
        ),
        on_submit=C.define_field,
        reset_on_submit=True,
    )


def custom_fields_panel() -> rx.Component:
    return panel(
        T("Custom fields"),
        rx.text(
            T(
                "Fields your business needs on contacts and companies. They appear on the form, in the "
                "list's columns, in filters and in segments."
            ),
            size="2",
            color="var(--gray-11)",
        ),
        rx.box(add_field_form(), margin_y="16px"),
        admin_table([T("Label"), T("For"), T("Type"), T("Choices"), None], C.fields, _row),
    )
