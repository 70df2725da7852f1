"""The company form dialog (add and edit share it)."""

from __future__ import annotations

import reflex as rx

from crm_app.components import form_fields
from crm_app.components.contact_form import custom_field
from crm_app.components.i18n import T
from crm_app.state.company_form import CompanyFormState as F


def _text(label, name, **props):
    return form_fields.text_field(label, name, F, **props)


def company_form_dialog() -> rx.Component:
    grid = {"columns": rx.breakpoints(initial="1", sm="2"), "spacing": "3", "width": "100%"}
    return form_fields.record_dialog(
        F,
        title=rx.cond(F.company_id > 0, T("Edit company"), T("New company")),
        body=[
            rx.grid(
                _text(T("Name"), "name"),
                _text(T("Website"), "domain", placeholder="example.com", dir="ltr"),
                _text(T("Industry"), "industry"),
                _text(T("Employees"), "employees", type="number", min="0"),
                _text(T("Annual revenue"), "annual_revenue", type="number", min="0"),
                _text(T("Phone"), "phone", dir="ltr"),
                form_fields.select_field(
                    T("Owner"),
                    "owner_id",
                    F.owners,
                    state=F,
                    allow_empty=True,
                    empty_label=T("No owner"),
                ),
                _text(T("Tags"), "tags", placeholder=T("Tags, separated by commas")),
                _text(T("Street"), "street"),
                _text(T("City"), "city"),
                _text(T("Postal code"), "postal_code"),
                form_fields.select_field(
                    T("Country"),
                    "country",
                    F.countries,
                    state=F,
                    allow_empty=True,
                    empty_label=T("Not set"),
                ),
                **grid,
            ),
            rx.cond(
                F.custom_defs.length() > 0,
                rx.grid(rx.foreach(F.custom_defs, lambda d: custom_field(d, F)), **grid),
            ),
        ],
        save_test_id="save-company",
    )
