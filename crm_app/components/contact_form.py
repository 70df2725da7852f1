"""The contact form dialog (add and edit share it)."""

from __future__ import annotations

import reflex as rx

from crm_app.components import form_fields
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.services.i18n import N_
from crm_app.state.contact_form import ContactFormState as F


def error(key):
    return form_fields.error(key, F)


def text_field(label, name, **props):
    return form_fields.text_field(label, name, F, **props)


def select_field(label, name, options, **props):
    return form_fields.select_field(label, name, options, state=F, **props)


EMAIL_LABELS = [("work", N_("Work")), ("home", N_("Personal")), ("other", N_("Other"))]
PHONE_LABELS = [
    ("mobile", N_("Mobile")),
    ("work", N_("Work")),
    ("home", N_("Home")),
    ("other", N_("Other")),
]


def _rows(
    kind: str,
    rows: rx.Var[list[list[str]]],
    labels: list[tuple[str, str]],
    placeholder: rx.Var,
    input_type: str,
) -> rx.Component:
    def row(r: rx.Var[list[str]], i: rx.Var[int]) -> rx.Component:
        return rx.box(
            rx.hstack(
                rx.input(
                    value=r[0],
                    on_change=lambda v: F.set_row(kind, i, 0, v),
                    placeholder=placeholder,
                    type=input_type,
                    dir="ltr",
                    flex="1",
                    aria_label=placeholder,
                    data_testid=f"{kind}-input",
                ),
                rx.select.root(
                    rx.select.trigger(width="120px", aria_label=T("Label")),
                    rx.select.content(*[rx.select.item(T(text), value=v) for v, text in labels]),
                    value=r[1],
                    on_change=lambda v: F.set_row(kind, i, 1, v),
                ),
                rx.icon_button(
                    rx.icon("x", size=14),
                    variant="ghost",
                    color_scheme="gray",
                    type="button",
                    on_click=F.remove_row(kind, i),
                    aria_label=T("Remove"),
                ),
                width="100%",
                align="center",
            ),
            error(f"{kind}s." + i.to_string()),
            width="100%",
        )

    return rx.vstack(
        rx.foreach(rows, row),
        rx.button(
            rx.icon("plus", size=14),
            T("Add another"),
            variant="ghost",
            size="1",
            type="button",
            on_click=F.add_row(kind),
        ),
        spacing="2",
        width="100%",
    )


def company_picker() -> rx.Component:
    return rx.box(
        field_label(T("Company"), "field-company"),
        rx.input(
            id="field-company",
            form=form_fields.NO_FORM,
            value=F.company_name,
            on_change=F.find_company,
            debounce_timeout=250,
            placeholder=T("Start typing a company name"),
            auto_complete="off",
        ),
        rx.cond(
            F.company_hits.length() > 0,
            rx.card(
                rx.vstack(
                    rx.foreach(
                        F.company_hits,
                        lambda c: rx.button(
                            c[1],
                            variant="ghost",
                            width="100%",
                            justify_content="start",
                            type="button",
                            on_click=F.pick_company(c[0], c[1]),
                        ),
                    ),
                    spacing="1",
                ),
                position="absolute",
                z_index="10",
                width="100%",
                padding="4px",
            ),
        ),
        error("company_id"),
        position="relative",
        width="100%",
    )


def custom_field(d: rx.Var[dict[str, str]], state=F) -> rx.Component:
    """An input for one custom field, by its type (shared by the contact and company forms)."""
    name = "custom." + d["key"]
    value = state.values.get(name, "")
    control = rx.match(
        d["type"],
        ("number", rx.input(name=name, type="number", step="any", default_value=value)),
        ("date", rx.input(name=name, type="date", default_value=value)),
        ("checkbox", rx.checkbox(name=name, default_checked=value == "True")),
        (
            "select",
            rx.select.root(
                rx.select.trigger(width="100%"),
                rx.select.content(
                    rx.foreach(d["options"].split("\n"), lambda o: rx.select.item(o, value=o))
                ),
                name=name,
                default_value=value,
            ),
        ),
        rx.input(name=name, default_value=value),
    )
    return rx.box(
        rx.text(d["label"], size="2", weight="medium"),
        control,
        form_fields.error(name, state),
        width="100%",
    )


def contact_form_dialog() -> rx.Component:
    grid = {"columns": rx.breakpoints(initial="1", sm="2"), "spacing": "3", "width": "100%"}
    return form_fields.record_dialog(
        F,
        title=rx.cond(F.contact_id > 0, T("Edit contact"), T("New contact")),
        body=[
            rx.grid(
                text_field(T("First name"), "first_name"),
                text_field(T("Last name"), "last_name"),
                text_field(T("Job title"), "title"),
                company_picker(),
                **grid,
            ),
            rx.text(T("E-mail addresses"), size="2", weight="medium"),
            _rows(
                "email",
                F.emails,
                [(v, t) for v, t in EMAIL_LABELS],
                T("name@example.com"),
                "email",
            ),
            rx.text(T("Phone numbers"), size="2", weight="medium"),
            _rows(
                "phone",
                F.phones,
                [(v, t) for v, t in PHONE_LABELS],
                T("+372 5555 1234"),
                "tel",
            ),
            rx.grid(
                select_field(
                    T("Owner"),
                    "owner_id",
                    F.owners,
                    allow_empty=True,
                    empty_label=T("No owner"),
                ),
                select_field(T("Lifecycle stage"), "lifecycle_stage", F.stages),
                text_field(
                    T("Source"),
                    "source",
                    placeholder=T("e.g. website, referral, trade show"),
                ),
                text_field(T("Tags"), "tags", placeholder=T("Tags, separated by commas")),
                **grid,
            ),
            rx.grid(
                text_field(T("Street"), "street"),
                text_field(T("City"), "city"),
                text_field(T("Postal code"), "postal_code"),
                select_field(
                    T("Country"),
                    "country",
                    F.countries,
                    allow_empty=True,
                    empty_label=T("Not set"),
                ),
                **grid,
            ),
            rx.grid(
                select_field(
                    T("Preferred channel"),
                    "channel",
                    F.channels,
                    allow_empty=True,
                    empty_label=T("No preference"),
                ),
                select_field(
                    T("Preferred language"),
                    "language",
                    F.languages,
                    allow_empty=True,
                    empty_label=T("No preference"),
                ),
                **grid,
            ),
            rx.hstack(
                rx.checkbox(
                    T("Agreed to receive e-mail"),
                    name="consent_email",
                    default_checked=F.values.get("consent_email", "") == "1",
                ),
                rx.checkbox(
                    T("Do not call"),
                    name="do_not_call",
                    default_checked=F.values.get("do_not_call", "") == "1",
                ),
                spacing="5",
                wrap="wrap",
            ),
            rx.cond(
                F.custom_defs.length() > 0,
                rx.grid(rx.foreach(F.custom_defs, lambda d: custom_field(d)), **grid),
            ),
        ],
        save_test_id="save-contact",
    )
