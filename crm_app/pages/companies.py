"""Companies: search, filter, sort and page through every company."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state
from crm_app.components.company_form import company_form_dialog
from crm_app.components.data_table import data_table, pager
from crm_app.components.filters import option_select, reset_button
from crm_app.components.i18n import T
from crm_app.components.list_tools import (
    column_chooser,
    data_links,
    delete_selected,
    export_menu,
    filter_setter,
    filter_value,
    name_cell,
)
from crm_app.components.shell import app_shell, page_header
from crm_app.state.companies import CompaniesState as S
from crm_app.state.company_form import CompanyFormState


def _f(name: str) -> rx.Var[str]:
    return filter_value(S, name)


def _set(name: str):
    return filter_setter(S, name)


def _name_cell(r: rx.Var[dict[str, str]]) -> rx.Component:
    return name_cell(r, "medium")


def filter_bar() -> rx.Component:
    o = S.options
    return rx.flex(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder=T("Search name, website or city"),
            value=_f("search"),
            on_change=_set("search"),
            debounce_timeout=300,
            width="260px",
            flex_shrink="0",
            aria_label=T("Search companies"),
            data_testid="company-search",
        ),
        option_select(
            _f("owner"),
            o["owners"],
            _set("owner"),
            T("All owners"),
            label=T("Owner"),
            extra=[("none", T("No owner"))],
        ),
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
        gap="2",
        wrap="wrap",
        align="center",
        width="100%",
    )


def companies_page() -> rx.Component:
    return app_shell(
        "Companies",
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
            rx.cond(
                S.loaded & (S.total == 0),
                rx.card(
                    empty_state(
                        "search-x",
                        T("No companies match"),
                        T("Change or reset the filters, or add a company."),
                        rx.button(T("Reset filters"), variant="soft", on_click=S.reset_filters),
                    ),
                    width="100%",
                ),
                data_table(
                    rows=S.rows,
                    columns=S.columns,
                    sort=S.sort,
                    descending=S.descending,
                    on_sort=S.sort_by,
                    on_row_click=lambda rid: rx.redirect("/companies/" + rid),
                    selected=S.selected,
                    on_toggle_row=S.toggle_row,
                    on_toggle_page=S.toggle_page,
                    page_selected=(S.selected.length() > 0)
                    & (S.selected.length() == S.rows.length()),
                    first_column=_name_cell,
                    test_id="companies-table",
                ),
            ),
            pager(
                label=S.count_label,
                has_prev=S.page > 1,
                has_next=S.page < S.pages,
                on_prev=S.go_page(-1),
                on_next=S.go_page(1),
            ),
            spacing="3",
            width="100%",
        ),
        company_form_dialog(),
    )
