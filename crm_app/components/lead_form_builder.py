"""The lead forms list, the form builder (field mapping) and the embed dialog."""

from __future__ import annotations

import reflex as rx

from crm_app.components.automation_builder import SELECT_STYLE, select
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.services.i18n import N_
from crm_app.state.automations import AutomationsState
from crm_app.state.lead_forms import LeadFormsState as S


def _error(key: str) -> rx.Component:
    return rx.cond(
        S.lf_errors.contains(key),
        rx.text(S.lf_errors[key], size="1", color="var(--red-11)", role="alert"),
    )


def _text(key: str, label: str, **props) -> rx.Component:
    return rx.box(
        field_label(T(label), f"lf-{key}"),
        rx.input(
            id=f"lf-{key}",
            value=S.lf.get(key, ""),
            on_change=lambda v: S.set_lf(key, v),
            width="100%",
            **props,
        ),
        _error(key),
        width="100%",
    )


def _field_row(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.hstack(
        select(
            S.field_choices,
            row["field"],
            lambda v: S.set_form_field(index, "field", v),
            aria_label=T("Contact field"),
        ),
        rx.input(
            value=row["label"],
            on_change=lambda v: S.set_form_field(index, "label", v),
            placeholder=T("Label (blank: the field's name)"),
            aria_label=T("Label"),
            width="220px",
        ),
        rx.el.label(
            rx.hstack(
                rx.checkbox(
                    checked=row["required"] == "1",
                    on_change=lambda v: S.set_form_field(index, "required", v.to(str)),
                    disabled=row["field"] == "email",
                ),
                rx.text(T("Required"), size="2"),
                spacing="1",
                align="center",
            )
        ),
        rx.icon_button(
            rx.icon("x", size=14),
            variant="ghost",
            color_scheme="gray",
            on_click=S.remove_form_field(index),
            disabled=row["field"] == "email",
            aria_label=T("Remove field"),
        ),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def form_builder() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.lf_id == 0, T("New lead form"), T("Edit lead form"))),
            rx.vstack(
                rx.grid(
                    _text("name", "Name"),
                    _text("slug", N_("Address (blank: from the name)"), dir="ltr"),
                    _text("title", N_("Heading on the form")),
                    _text("source", N_("Source of new contacts")),
                    _text("tags", N_("Tags for new contacts (comma-separated)")),
                    rx.box(
                        field_label(T("Owner of new contacts"), "lf-owner"),
                        rx.el.select(
                            rx.el.option("—", value=""),
                            rx.foreach(
                                AutomationsState.user_options,
                                lambda o: rx.el.option(o["label"], value=o["value"]),
                            ),
                            id="lf-owner",
                            value=S.lf.get("owner_id", ""),
                            on_change=lambda v: S.set_lf("owner_id", v),
                            style=SELECT_STYLE | {"width": "100%"},
                        ),
                        _error("owner_id"),
                    ),
                    columns="2",
                    spacing="3",
                    width="100%",
                ),
                rx.box(
                    field_label(T("Introduction"), "lf-intro"),
                    rx.text_area(
                        id="lf-intro",
                        value=S.lf.get("intro", ""),
                        on_change=lambda v: S.set_lf("intro", v),
                        rows="2",
                        width="100%",
                    ),
                    width="100%",
                ),
                rx.box(
                    rx.text(T("Fields"), size="2", weight="bold"),
                    rx.vstack(rx.foreach(S.lf_fields, _field_row), spacing="2"),
                    rx.button(
                        rx.icon("plus", size=14),
                        T("Add field"),
                        variant="ghost",
                        size="1",
                        on_click=S.add_form_field,
                    ),
                    _error("fields"),
                    width="100%",
                ),
                _text("thank_you", N_("Thank-you message")),
                rx.hstack(
                    rx.button(
                        T("Cancel"), variant="soft", color_scheme="gray", on_click=S.close_form
                    ),
                    rx.button(T("Save form"), on_click=S.save_form, id="lf-save"),
                    justify="end",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
            max_width="760px",
        ),
        open=S.lf_open,
        on_open_change=lambda _open: S.close_form(),
    )


def embed_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("Put this form on your site")),
            rx.vstack(
                rx.text(T("Its own address:"), size="2"),
                rx.link(S.embed_url, href=S.embed_url, is_external=True, dir="ltr"),
                rx.text(T("Or paste this into a page of your site:"), size="2"),
                rx.text_area(
                    value=S.embed_code,
                    read_only=True,
                    rows="4",
                    width="100%",
                    dir="ltr",
                    font_family="var(--code-font-family)",
                    data_testid="embed-code",
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("copy", size=14),
                        T("Copy"),
                        variant="soft",
                        on_click=rx.set_clipboard(S.embed_code),
                    ),
                    rx.button(T("Close"), on_click=S.close_embed),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="600px",
        ),
        open=S.embed_slug != "",
        on_open_change=lambda _open: S.close_embed(),
    )


def forms_table() -> rx.Component:
    return rx.cond(
        S.forms.length() == 0,
        rx.text(T("No lead forms yet."), size="2", color="var(--gray-11)"),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(T("Form")),
                    rx.table.column_header_cell(T("Fields")),
                    rx.table.column_header_cell(T("Submissions")),
                    rx.table.column_header_cell(T("Active")),
                    rx.table.column_header_cell(""),
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.forms,
                    lambda f: rx.table.row(
                        rx.table.cell(
                            rx.vstack(
                                rx.text(f["name"], weight="medium", dir="auto"),
                                rx.link(
                                    f["path"], href=f["path"], is_external=True, size="1", dir="ltr"
                                ),
                                spacing="0",
                            )
                        ),
                        rx.table.cell(rx.text(f["fields"], size="1")),
                        rx.table.cell(f["submissions"]),
                        rx.table.cell(
                            rx.switch(
                                checked=f["active"] == "1",
                                on_change=lambda v: S.toggle_form(f["id"].to(int), v),
                                disabled=~AutomationsState.can_manage,
                                aria_label=T("Active"),
                            )
                        ),
                        rx.table.cell(
                            rx.hstack(
                                rx.button(
                                    T("Embed"),
                                    variant="soft",
                                    size="1",
                                    on_click=S.show_embed(f["id"].to(int)),
                                ),
                                rx.cond(
                                    AutomationsState.can_manage,
                                    rx.button(
                                        T("Edit"),
                                        variant="soft",
                                        size="1",
                                        on_click=S.edit_form(f["id"].to(int)),
                                    ),
                                ),
                                spacing="2",
                            )
                        ),
                        data_testid="form-row",
                    ),
                )
            ),
            width="100%",
        ),
    )
