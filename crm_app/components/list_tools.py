"""Pieces every record list shows: the column chooser and the confirmed bulk delete."""

from __future__ import annotations

import reflex as rx

from crm_app.components.data_table import column_label
from crm_app.components.i18n import T
from crm_app.services.i18n import N_


def filter_value(state, name: str) -> rx.Var[str]:
    return state.filters.get(name, "").to(str)


def filter_setter(state, name: str):
    return lambda value: state.set_filter(name, value)


def name_cell(r: rx.Var[dict[str, str]], radius: str = "full") -> rx.Component:
    """The first column of a list: initials and the record's name (plain HTML, see .rp-table)."""
    return rx.el.span(
        rx.el.span(r["initials"], class_name=f"rp-avatar rp-avatar-{radius}", aria_hidden="true"),
        rx.el.span(r["name"], class_name="rp-name", dir="auto"),
        class_name="rp-name-cell",
    )


def search_box(state, placeholder: rx.Component, label: rx.Component, test_id: str, width: str):
    """The list's full-text search box (debounced: one query per pause in typing)."""
    return rx.input(
        rx.input.slot(rx.icon("search", size=16)),
        placeholder=placeholder,
        value=filter_value(state, "search"),
        on_change=filter_setter(state, "search"),
        debounce_timeout=300,
        width=width,
        flex_shrink="0",
        aria_label=label,
        data_testid=test_id,
    )


def owner_filter(state) -> rx.Component:
    from crm_app.components.filters import option_select

    return option_select(
        filter_value(state, "owner"),
        state.options["owners"],
        filter_setter(state, "owner"),
        T("All owners"),
        label=T("Owner"),
        extra=[("none", T("No owner"))],
    )


def record_list(
    state,
    *,
    base: str,
    radius: str,
    test_id: str,
    empty: rx.Component,
    first_column=None,
    toned: bool = False,
):
    """The list itself: the table (or ``empty`` when nothing matches) and the pager.
    A row opens the record's page at ``base``/<id>."""
    from crm_app.components.data_table import data_table, pager

    return rx.fragment(
        rx.cond(
            state.loaded & (state.total == 0),
            empty,
            data_table(
                rows=state.rows,
                columns=state.columns,
                sort=state.sort,
                descending=state.descending,
                on_sort=state.sort_by,
                on_row_click=lambda rid: rx.redirect(f"{base}/" + rid),
                selected=state.selected,
                on_toggle_row=state.toggle_row,
                on_toggle_page=state.toggle_page,
                page_selected=(state.selected.length() > 0)
                & (state.selected.length() == state.rows.length()),
                first_column=first_column or (lambda r: name_cell(r, radius)),
                test_id=test_id,
                toned=toned,
            ),
        ),
        pager(
            label=state.count_label,
            has_prev=state.page > 1,
            has_next=state.page < state.pages,
            on_prev=state.go_page(-1),
            on_next=state.go_page(1),
        ),
    )


def link_button(
    icon: str, label: rx.Component, href: str | rx.Var[str], *, flip: bool = False
) -> rx.Component:
    """A quiet button that navigates (page headers: Import, Duplicates, Back to …)."""
    return rx.link(
        rx.button(
            rx.icon(icon, size=16, class_name="flip-rtl" if flip else ""),
            label,
            variant="soft",
            color_scheme="gray",
        ),
        href=href,
    )


def data_links(base: str) -> list[rx.Component]:
    """A list page's Import and Duplicates buttons (``base``: "/contacts" or "/companies")."""
    return [
        link_button("file-up", T("Import"), f"{base}/import"),
        link_button("copy", T("Duplicates"), f"{base}/duplicates"),
    ]


BACK_LINKS = {
    "contact": (N_("Back to contacts"), "/contacts"),
    "company": (N_("Back to companies"), "/companies"),
    "deal": (N_("Back to the pipeline"), "/pipeline"),
    "ticket": (N_("Back to tickets"), "/tickets"),
}


def back_to_list(entity: str) -> rx.Component:
    label, href = BACK_LINKS[entity]
    return link_button("arrow-left", T(label), href, flip=True)


def column_chooser(state) -> rx.Component:
    """Show or hide columns; the name column always shows."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("columns-3", size=14), T("Columns"), variant="soft", color_scheme="gray"
            )
        ),
        rx.popover.content(
            rx.vstack(
                rx.foreach(
                    state.all_columns,
                    lambda c: rx.checkbox(
                        column_label(c),
                        checked=state.visible.contains(c.id),
                        on_change=lambda _v: state.toggle_column(c.id),
                        disabled=c.id == "name",
                    ),
                ),
                spacing="2",
            ),
            width="220px",
        ),
    )


def export_menu(state) -> rx.Component:
    """Download the list (all its pages, or its segment) or the selection as CSV or Excel."""
    return rx.cond(
        state.user_can_export,
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("download", size=14),
                    T("Export"),
                    variant="soft",
                    color_scheme="gray",
                    data_testid="export-menu",
                )
            ),
            rx.menu.content(
                rx.text(state.count_label, size="1", color="var(--gray-11)", padding="4px 8px"),
                rx.menu.item(T("Whole list as CSV"), on_click=state.export("csv", "list")),
                rx.menu.item(
                    T("Whole list as Excel (.xlsx)"), on_click=state.export("xlsx", "list")
                ),
                rx.cond(
                    state.selected.length() > 0,
                    rx.fragment(
                        rx.menu.separator(),
                        rx.text(
                            state.selected_label,
                            size="1",
                            color="var(--gray-11)",
                            padding="4px 8px",
                        ),
                        rx.menu.item(
                            T("Selection as CSV"), on_click=state.export("csv", "selection")
                        ),
                        rx.menu.item(
                            T("Selection as Excel (.xlsx)"),
                            on_click=state.export("xlsx", "selection"),
                        ),
                    ),
                ),
            ),
        ),
    )


def delete_selected(state, title: rx.Var, warning: rx.Var) -> rx.Component:
    """Delete with a confirmation that names how many records go."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("trash-2", size=14),
                T("Delete"),
                size="1",
                color_scheme="red",
                variant="soft",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(warning),
            rx.text(
                T("Records to delete:"),
                " ",
                rx.text.strong(state.selected.length()),
                size="2",
                margin_top="8px",
                data_testid="delete-count",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(T("Cancel"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(T("Delete"), color_scheme="red", on_click=state.bulk_delete)
                ),
                justify="end",
                margin_top="12px",
            ),
        ),
    )
