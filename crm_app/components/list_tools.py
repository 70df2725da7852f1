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


def link_button(icon: str, label: rx.Component, href: str, *, flip: bool = False) -> rx.Component:
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
