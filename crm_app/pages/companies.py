"""Companies: search, filter, sort and page through every company."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state
from crm_app.components.company_form import company_form_dialog
from crm_app.components.filters import option_select, reset_button
from crm_app.components.i18n import T
from crm_app.components.list_tools import (
    column_chooser,
    data_links,
    delete_selected,
    export_menu,
    filter_setter,
    filter_value,
    owner_filter,
    record_list,
    search_box,
)
from crm_app.components.shell import app_shell, page_header
from crm_app.state.companies import CompaniesState as S
from crm_app.state.company_form import CompanyFormState


def _f(name: str) -> rx.Var[str]:
    return filter_value(S, name)


def _set(name: str):
    return filter_setter(S, name)


def filter_bar() -> rx.Component:
    o = S.options
    return rx.flex(
        search_box(
            S, T("Search name, website or city"), T("Search companies"), "company-search", "260px"
        ),
        owner_filter(S),
        option_select(
            _f("industry"),
            o["industries"],
            _set("industry"),
            T("All industries"),
            label=T("Industry"),
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
        column_chooser(S),
        export_menu(S),
        reset_button(S.reset_filters, S.filters.length() > 0),
        spacing="2",
        wrap="wrap",
        align="center",
        width="100%",
    )


def companies_page() -> rx.Component:
    return app_shell(
        page_header(
            T("Companies"),
            T("The organisations your contacts work for."),
            *data_links("/companies"),
            rx.button(
                rx.icon("plus", size=16), T("New company"), on_click=CompanyFormState.open_new
            ),
        ),
        rx.vstack(
            filter_bar(),
            rx.cond(
                S.selected.length() > 0,
                rx.hstack(
                    rx.text(S.selected_label, size="2", weight="medium"),
                    delete_selected(
                        S,
                        T("Delete companies"),
                        T(
                            "Delete the selected companies? Their contacts stay, without a company. "
                            "This cannot be undone."
                        ),
                    ),
                    spacing="2",
                    align="center",
                    padding="8px 12px",
                    border_radius="var(--radius-3)",
                    background="var(--accent-3)",
                    width="100%",
                ),
            ),
            record_list(
                S,
                base="/companies",
                radius="medium",
                test_id="companies-table",
                empty=rx.card(
                    empty_state(
                        "search-x",
                        T("No companies match"),
                        T("Change or reset the filters, or add a company."),
                        rx.button(T("Reset filters"), variant="soft", on_click=S.reset_filters),
                    ),
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        company_form_dialog(),
    )
