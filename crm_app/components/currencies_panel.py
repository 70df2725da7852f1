"""Settings → Currencies panel: the base currency and the exchange-rate table."""

from __future__ import annotations

import reflex as rx

from crm_app.components import form_fields
from crm_app.components.cards import admin_table, empty_state, panel
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.state.currencies_admin import CurrenciesAdminState, RateFormState, RateView

S = CurrenciesAdminState


def _base_setting() -> rx.Component:
    return rx.vstack(
        rx.text(
            T("Reports, the dashboard and the forecast show amounts converted into it."),
            size="2",
            color="var(--gray-11)",
        ),
        rx.select.root(
            rx.select.trigger(
                width="320px",
                max_width="100%",
                aria_label=T("Base currency"),
                data_testid="base-currency",
            ),
            rx.select.content(rx.foreach(S.choices, lambda c: rx.select.item(c[1], value=c[0]))),
            value=S.base,
            on_change=S.choose_base,
        ),
        rx.cond(
            S.base_error != "",
            rx.text(S.base_error, size="1", color="var(--red-11)", role="alert"),
        ),
        spacing="2",
        width="100%",
    )


def _rate_row(r: rx.Var[RateView]) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.code(r.currency, variant="soft"),
                rx.text(r.name, size="2"),
                align="center",
                spacing="2",
            )
        ),
        rx.table.cell(
            rx.text(r.rate, size="2", weight="medium", white_space="nowrap", data_testid="rate")
        ),
        rx.table.cell(
            rx.tooltip(
                rx.text(r.updated, size="2", color="var(--gray-11)", white_space="nowrap"),
                content=r.updated_exact,
            )
        ),
        rx.table.cell(
            rx.text(r.open_deals, size="2", color="var(--gray-11)", white_space="nowrap")
        ),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    T("Edit"),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                    on_click=RateFormState.open_edit(r.currency),
                ),
                rx.button(
                    T("Delete"),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.ask_delete(r.currency),
                ),
                spacing="2",
                justify="end",
            )
        ),
        align="center",
        data_testid="rate-row",
    )


def _rate_table() -> rx.Component:
    return admin_table(
        [T("Currency"), T("Rate"), T("Updated"), T("In use"), None],
        S.rates,
        _rate_row,
        min_width="640px",
    )


def rate_dialog() -> rx.Component:
    f = RateFormState
    currency = rx.cond(
        f.editing != "",
        rx.box(
            rx.text(T("Currency"), size="2", weight="medium", margin_bottom="4px"),
            rx.hstack(
                rx.code(f.editing, size="3", variant="soft"),
                rx.text(f.editing_name, size="2"),
                align="center",
                spacing="2",
            ),
        ),
        form_fields.select_field(T("Currency"), "currency", f.options, state=f),
    )
    return form_fields.record_dialog(
        f,
        title=rx.cond(f.editing != "", T("Edit exchange rate"), T("New exchange rate")),
        body=[
            currency,
            rx.box(
                field_label(T("Rate"), "field-rate"),
                rx.text(
                    T("How much one unit of this currency is worth in the base currency."),
                    size="1",
                    color="var(--gray-10)",
                    margin_bottom="4px",
                ),
                rx.input(
                    rx.input.slot(S.base, side="right"),
                    id="field-rate",
                    name="rate",
                    default_value=f.values.get("rate", ""),
                    placeholder="0.92",
                    input_mode="decimal",
                    max_length=30,
                    width="200px",
                    dir="ltr",
                ),
                form_fields.error("rate", f),
                width="100%",
            ),
            rx.callout(
                T(
                    "Open deals use the new rate from now on. Closed deals keep the rate of the "
                    "day they closed."
                ),
                icon="info",
                size="1",
                color_scheme="gray",
            ),
        ],
        save_test_id="save-rate",
    )


def _base_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(T("Change the base currency?")),
            rx.alert_dialog.description(S.pending_text, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        T("Cancel"), variant="soft", color_scheme="gray", on_click=S.cancel_base
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(T("Change base currency"), on_click=S.confirm_base)
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="480px",
            on_escape_key_down=S.cancel_base,
        ),
        open=S.pending_base != "",
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(T("Delete this exchange rate?"), " ", rx.code(S.delete_code)),
            rx.alert_dialog.description(S.delete_text, size="2"),
            rx.cond(
                S.delete_error != "",
                rx.callout(
                    S.delete_error,
                    icon="circle-alert",
                    color_scheme="red",
                    size="1",
                    role="alert",
                    margin_top="12px",
                    data_testid="delete-rate-error",
                ),
            ),
            rx.hstack(
                rx.button(
                    T("Cancel"), variant="soft", color_scheme="gray", on_click=S.cancel_delete
                ),
                rx.button(
                    T("Delete rate"),
                    color_scheme="red",
                    on_click=S.confirm_delete,
                    disabled=S.delete_error != "",
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="480px",
            on_escape_key_down=S.cancel_delete,
        ),
        open=S.delete_code != "",
    )


def currencies_panel() -> rx.Component:
    return rx.vstack(
        panel(T("Base currency"), _base_setting()),
        panel(
            T("Exchange rates"),
            rx.text(
                T(
                    "Deals in other currencies count in reports at these rates. A deal keeps the "
                    "rate of the day it was won or lost, so closed months do not change when "
                    "rates do."
                ),
                size="2",
                color="var(--gray-11)",
                margin_bottom="12px",
            ),
            rx.cond(
                S.rates.length() > 0,
                _rate_table(),
                empty_state(
                    "coins",
                    T("No exchange rates yet"),
                    T("Every deal is in the base currency. Add a rate to sell in another one."),
                ),
            ),
            action=rx.button(
                rx.icon("plus", size=16),
                T("New exchange rate"),
                on_click=RateFormState.open_new,
                data_testid="new-rate",
            ),
        ),
        rate_dialog(),
        _base_dialog(),
        _delete_dialog(),
        spacing="4",
        width="100%",
    )
