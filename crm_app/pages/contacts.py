"""Contacts: search, filter, sort and page through every contact; bulk actions; segments."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state
from crm_app.components.contact_form import contact_form_dialog
from crm_app.components.contact_toolbars import bulk_bar, segment_bar
from crm_app.components.filters import filter_label, option_select, reset_button
from crm_app.components.i18n import T
from crm_app.components.list_tools import (
    data_links,
    filter_setter,
    filter_value,
    owner_filter,
    record_list,
    search_box,
)
from crm_app.components.shell import app_shell, page_header
from crm_app.state.contact_form import ContactFormState
from crm_app.state.contacts import ContactsState as S


def _f(name: str) -> rx.Var[str]:
    return filter_value(S, name)


def _set(name: str):
    return filter_setter(S, name)


def filter_bar() -> rx.Component:
    o = S.options
    return rx.flex(
        search_box(
            S,
            T("Search name, e-mail, phone or company"),
            T("Search contacts"),
            "contact-search",
            "280px",
        ),
        owner_filter(S),
        option_select(
            _f("stage"), o["stages"], _set("stage"), T("All stages"), label=T("Lifecycle stage")
        ),
        option_select(_f("tag"), o["tags"], _set("tag"), T("All tags"), label=T("Tag")),
        option_select(
            _f("country"), o["countries"], _set("country"), T("All countries"), label=T("Country")
        ),
        rx.input(
            placeholder=T("City"),
            value=_f("city"),
            on_change=_set("city"),
            debounce_timeout=400,
            width="140px",
            aria_label=T("City"),
        ),
        rx.popover.root(
            rx.popover.trigger(
                rx.button(
                    rx.icon("sliders-horizontal", size=14),
                    T("More filters"),
                    variant="soft",
                    color_scheme="gray",
                )
            ),
            rx.popover.content(more_filters(), width="340px"),
        ),
        reset_button(S.reset_filters, S.filters.length() > 0),
        spacing="2",
        wrap="wrap",
        align="center",
        width="100%",
    )


def more_filters() -> rx.Component:
    o = S.options
    return rx.vstack(
        filter_label(T("Created between")),
        rx.hstack(
            rx.input(
                type="date",
                value=_f("created_from"),
                on_change=_set("created_from"),
                aria_label=T("Created from"),
            ),
            rx.input(
                type="date",
                value=_f("created_to"),
                on_change=_set("created_to"),
                aria_label=T("Created until"),
            ),
        ),
        filter_label(T("Last contacted")),
        option_select(
            _f("contacted"),
            o["contacted"],
            _set("contacted"),
            T("Any time"),
            label=T("Last contacted"),
            width="100%",
        ),
        rx.cond(
            (_f("contacted") == "before") | (_f("contacted") == "after"),
            rx.input(
                type="date",
                value=_f("contacted_value"),
                on_change=_set("contacted_value"),
                aria_label=T("Date"),
            ),
        ),
        rx.cond(
            _f("contacted") == "not_for_days",
            rx.input(
                type="number",
                min="1",
                value=_f("contacted_value"),
                on_change=_set("contacted_value"),
                debounce_timeout=400,
                aria_label=T("Days"),
                data_testid="contacted-days",
            ),
        ),
        rx.cond(
            o["custom"].length() > 0,
            rx.vstack(
                filter_label(T("Custom field")),
                rx.select.root(
                    rx.select.trigger(
                        placeholder=T("Choose a field"), width="100%", aria_label=T("Custom field")
                    ),
                    rx.select.content(
                        rx.foreach(o["custom"], lambda c: rx.select.item(c[1], value=c[0]))
                    ),
                    value=_f("custom_key"),
                    on_change=_set("custom_key"),
                ),
                rx.hstack(
                    rx.select.root(
                        rx.select.trigger(placeholder=T("Condition"), aria_label=T("Condition")),
                        rx.select.content(
                            rx.foreach(S.custom_ops, lambda o: rx.select.item(o[1], value=o[0]))
                        ),
                        value=_f("custom_op"),
                        on_change=_set("custom_op"),
                    ),
                    rx.input(
                        value=_f("custom_value"),
                        on_change=_set("custom_value"),
                        debounce_timeout=400,
                        aria_label=T("Value"),
                        data_testid="custom-value",
                    ),
                ),
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def contacts_page() -> rx.Component:
    return app_shell(
        page_header(
            T("Contacts"),
            T("Everyone you do business with."),
            *data_links("/contacts"),
            rx.button(
                rx.icon("plus", size=16), T("New contact"), on_click=ContactFormState.open_new
            ),
        ),
        rx.vstack(
            segment_bar(),
            filter_bar(),
            rx.cond(
                S.filter_error != "",
                rx.callout(
                    S.filter_error,
                    icon="circle-alert",
                    color_scheme="amber",
                    size="1",
                    width="100%",
                ),
            ),
            bulk_bar(),
            record_list(
                S,
                base="/contacts",
                radius="full",
                test_id="contacts-table",
                empty=rx.card(
                    empty_state(
                        "search-x",
                        T("No contacts match"),
                        T("Change or reset the filters, or add a contact."),
                        rx.button(T("Reset filters"), variant="soft", on_click=S.reset_filters),
                    ),
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        contact_form_dialog(),
    )
