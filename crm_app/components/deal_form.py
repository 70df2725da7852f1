"""The deal form dialog (add and edit share it): fields, line items, stage history."""

from __future__ import annotations

import reflex as rx

from crm_app.components import form_fields
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.components.record_tasks import deal_tasks_card
from crm_app.state.deal_form import NONE
from crm_app.state.deal_form import DealFormState as F

FORM_ID = "deal-form"
GRID = {"columns": rx.breakpoints(initial="1", sm="2"), "spacing": "3", "width": "100%"}


def error(key) -> rx.Component:
    return form_fields.error(key, F)


def text_field(label, name: str, **props) -> rx.Component:
    return form_fields.text_field(label, name, F, **props)


def _choice(label, field_id: str, value, options, on_change, error_key: str, size: int, **props):
    """A controlled select (its choice changes other fields, so the state holds it); an option
    with more than ``size`` entries is archived: shown (it may be the current one), not choosable."""
    return rx.box(
        field_label(label, field_id),
        rx.select.root(
            rx.select.trigger(id=field_id, width="100%"),
            rx.select.content(
                rx.foreach(
                    options,
                    lambda o: rx.select.item(o[1], value=o[0], disabled=o.length() > size),
                )
            ),
            value=value,
            on_change=on_change,
            **props,
        ),
        error(error_key),
        width="100%",
    )


def _picker(label, field_id: str, name, hits, on_type, on_pick, placeholder, key: str):
    """Search as you type; a hit's second (and third) entry is shown."""
    return rx.box(
        field_label(label, field_id),
        rx.input(
            id=field_id,
            form=form_fields.NO_FORM,
            value=name,
            on_change=on_type,
            debounce_timeout=250,
            placeholder=placeholder,
            auto_complete="off",
        ),
        rx.cond(
            hits.length() > 0,
            rx.el.div(
                rx.foreach(
                    hits,
                    lambda h: rx.el.button(
                        rx.el.span(h[1]),
                        rx.cond(h.length() > 2, rx.el.small(h[2])),
                        type="button",
                        class_name="rp-deal-hit",
                        on_click=on_pick(h[0], h[1]),
                        data_testid=f"{key}-hit",
                    ),
                ),
                class_name="rp-deal-hits",
            ),
        ),
        error(key),
        position="relative",
        width="100%",
    )


def _value_field() -> rx.Component:
    return rx.box(
        field_label(T("Value"), "field-value"),
        rx.hstack(
            rx.cond(
                F.lines_total != "",
                rx.box(
                    rx.text(F.lines_total, weight="medium", data_testid="lines-total"),
                    rx.text(T("the sum of the line items"), size="1", color="var(--gray-10)"),
                    flex="1",
                ),
                rx.input(
                    id="field-value",
                    name="value",
                    default_value=F.values.get("value", ""),
                    inputmode="decimal",
                    flex="1",
                ),
            ),
            rx.select.root(
                rx.select.trigger(width="110px", aria_label=T("Currency")),
                rx.select.content(
                    rx.foreach(
                        F.currencies,
                        lambda c: rx.select.item(c[0], value=c[0], title=c[1]),
                    )
                ),
                value=F.currency,
                on_change=F.set_currency,
            ),
            width="100%",
            align="center",
        ),
        error("value"),
        error("currency"),
        width="100%",
    )


def _line(row: rx.Var[list[str]], i: rx.Var[int]) -> rx.Component:
    key = "lines." + i.to_string() + "."

    def cell(field: int, label, **props) -> rx.Component:
        return rx.el.td(
            rx.input(
                value=row[field],
                on_change=lambda v: F.set_line(i, field, v),
                debounce_timeout=200,
                aria_label=label,
                size="1",
                **props,
            ),
            form_fields.error(
                key + ["", "description", "quantity", "unit_price", "discount_pct"][field], F
            ),
        )

    return rx.el.tr(
        rx.el.td(
            rx.select.root(
                rx.select.trigger(placeholder=T("Product"), width="100%", aria_label=T("Product")),
                rx.select.content(
                    rx.select.item(T("No product"), value=NONE),
                    rx.foreach(F.products, lambda p: rx.select.item(p[1], value=p[0])),
                ),
                value=rx.cond(row[0] == "", NONE, row[0]),
                on_change=lambda v: F.set_line(i, 0, v),
                size="1",
            ),
            form_fields.error(key + "product_id", F),
        ),
        cell(1, T("Description")),
        cell(2, T("Quantity"), inputmode="decimal"),
        cell(3, T("Unit price"), inputmode="decimal"),
        cell(4, T("Discount %"), inputmode="decimal"),
        rx.el.td(
            rx.cond(
                F.can_edit,
                rx.icon_button(
                    rx.icon("x", size=14),
                    variant="ghost",
                    color_scheme="gray",
                    size="1",
                    type="button",
                    on_click=F.remove_line(i),
                    aria_label=T("Remove"),
                ),
            )
        ),
        data_testid="deal-line",
    )


def line_items() -> rx.Component:
    return rx.box(
        rx.text(T("Line items"), size="2", weight="medium"),
        rx.cond(
            F.lines.length() > 0,
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        rx.el.th(T("Product")),
                        rx.el.th(T("Description")),
                        rx.el.th(T("Qty")),
                        rx.el.th(T("Unit price")),
                        rx.el.th(T("Discount %")),
                        rx.el.th(rx.el.span(T("Remove"), class_name="sr-only")),
                    )
                ),
                rx.el.tbody(rx.foreach(F.lines, _line)),
                class_name="rp-deal-lines",
            ),
        ),
        rx.cond(
            F.can_edit,
            rx.button(
                rx.icon("plus", size=14),
                T("Add a line item"),
                variant="ghost",
                size="1",
                type="button",
                on_click=F.add_line,
                data_testid="add-line",
            ),
        ),
        width="100%",
    )


def history() -> rx.Component:
    return rx.cond(
        F.deal_id > 0,
        rx.box(
            rx.text(T("Stage history"), size="2", weight="medium"),
            rx.el.ol(
                rx.foreach(
                    F.history,
                    lambda v: rx.el.li(
                        rx.el.div(
                            rx.el.strong(v["stage"]),
                            rx.cond(
                                v["current"] != "",
                                rx.el.span(T("Current"), class_name="rp-deal-current"),
                            ),
                            rx.el.span(v["move"], class_name="rp-deal-move"),
                        ),
                        rx.el.div(
                            rx.el.span(v["when"], title=v["exact"]),
                            rx.cond(v["who"] != "", rx.el.span(" · ", v["who"])),
                            rx.el.span(" · ", v["time"]),
                            class_name="rp-deal-history-meta",
                        ),
                    ),
                ),
                class_name="rp-deal-history",
                data_testid="stage-history",
            ),
            rx.el.div(
                rx.foreach(
                    F.stage_times,
                    lambda t: rx.el.span(t[0], ": ", t[1], class_name="rp-deal-chip"),
                ),
                class_name="rp-deal-chips",
            ),
            width="100%",
        ),
    )


def deal_form_dialog() -> rx.Component:
    lost = rx.cond(
        F.stage_is_lost,
        rx.grid(
            rx.box(
                field_label(T("Why was it lost?"), "field-lost_reason"),
                rx.select.root(
                    rx.select.trigger(
                        id="field-lost_reason", placeholder=T("Choose a reason"), width="100%"
                    ),
                    rx.select.content(
                        rx.foreach(F.lost_reasons, lambda r: rx.select.item(r[1], value=r[0]))
                    ),
                    name="lost_reason",
                    default_value=F.values.get("lost_reason", ""),
                ),
                error("lost_reason"),
                width="100%",
            ),
            text_field(T("Note on the loss"), "lost_note"),
            **GRID,
        ),
    )
    body = rx.vstack(
        rx.cond(
            ~F.can_edit,
            rx.callout(
                T("You can look, but your role cannot edit this deal."),
                icon="lock",
                color_scheme="gray",
                size="1",
                width="100%",
            ),
        ),
        text_field(T("Title"), "title", placeholder=T("e.g. 40 espresso machines for Kohvik")),
        rx.grid(
            _value_field(),
            text_field(T("Expected close"), "expected_close", type="date"),
            _choice(
                T("Pipeline"),
                "field-pipeline",
                F.pipeline_id,
                F.pipelines,
                F.set_pipeline,
                "pipeline_id",
                2,
            ),
            _choice(
                T("Stage"),
                "field-stage",
                F.stage_id,
                F.stages[F.pipeline_id],
                F.set_stage,
                "stage_id",
                3,
            ),
            **GRID,
        ),
        lost,
        rx.grid(
            _picker(
                T("Contact"),
                "field-contact",
                F.contact_name,
                F.contact_hits,
                F.find_contact,
                F.pick_contact,
                T("Start typing a name"),
                "contact_id",
            ),
            _picker(
                T("Company"),
                "field-company",
                F.company_name,
                F.company_hits,
                F.find_company,
                F.pick_company,
                T("Start typing a company name"),
                "company_id",
            ),
            form_fields.select_field(
                T("Owner"),
                "owner_id",
                F.owners,
                state=F,
                allow_empty=True,
                empty_label=T("No owner"),
            ),
            text_field(T("Source"), "source", placeholder=T("e.g. website, referral, trade show")),
            **GRID,
        ),
        line_items(),
        history(),
        spacing="3",
        width="100%",
    )
    buttons = rx.hstack(
        rx.dialog.close(rx.button(T("Cancel"), variant="soft", color_scheme="gray", type="button")),
        rx.cond(
            F.can_edit,
            # outside the form (the tasks card between holds a form of its own), tied to it
            rx.button(
                T("Save"), type="submit", custom_attrs={"form": FORM_ID}, data_testid="save-deal"
            ),
        ),
        justify="end",
        width="100%",
        margin_top="16px",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(F.deal_id > 0, T("Edit deal"), T("New deal"))),
            rx.form(
                rx.el.fieldset(body, disabled=~F.can_edit, class_name="rp-deal-fieldset"),
                id=FORM_ID,
                on_submit=F.submit,
                reset_on_submit=False,
                no_validate=True,
                key=F.form_key,
            ),
            rx.cond(F.deal_id > 0, deal_tasks_card()),
            buttons,
            max_width="820px",
            max_height="92vh",
            overflow_y="auto",
        ),
        open=F.open,
        on_open_change=F.set_open,
    )
