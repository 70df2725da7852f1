"""Tickets: the support queue with its views, filters, bulk edits and paging."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state
from crm_app.components.filters import filter_label, option_select, reset_button
from crm_app.components.i18n import T
from crm_app.components.list_tools import (
    column_chooser,
    export_menu,
    filter_setter,
    filter_value,
    link_button,
    record_list,
    search_box,
)
from crm_app.components.shell import app_shell, page_header
from crm_app.state.tickets import VIEW_LABELS
from crm_app.state.tickets import TicketsState as S


def _f(name: str) -> rx.Var[str]:
    return filter_value(S, name)


def _set(name: str):
    return filter_setter(S, name)


def view_tabs() -> rx.Component:
    """The queue's views as plain HTML tabs (styled in rapport.css): lighter to mount than
    Radix tabs, which matters on the page's first paint (docs/performance.md)."""

    def tab(view: str) -> rx.Component:
        active = S.view == view
        return rx.el.button(
            T(VIEW_LABELS[view]),
            rx.el.span(S.view_counts.get(view, ""), class_name="rp-view-count"),
            type="button",
            role="tab",
            aria_selected=active,
            data_state=rx.cond(active, "active", "inactive"),
            on_click=S.show_view(view),
            class_name="rp-view-tab",
            data_testid=f"ticket-view-{view}",
        )

    return rx.el.div(
        *[tab(v) for v in ("mine", "unassigned", "sla", "all")],
        role="tablist",
        class_name="rp-view-tabs",
    )


def created_filter() -> rx.Component:
    """Tickets created between two days (inclusive, the user's time zone). The button names
    the range while one is set; the popover's content mounts only when it opens."""
    start, end = _f("created_from"), _f("created_to")
    dated = (start != "") | (end != "")

    return rx.popover.root(
        rx.popover.trigger(
            rx.button(  # one element: the trigger lends it its click
                rx.icon("calendar", size=14),
                T("Created"),
                rx.cond(dated, rx.el.span(start, " – ", end, dir="ltr")),
                variant="soft",
                color_scheme=rx.cond(dated, "indigo", "gray"),
                data_testid="ticket-created",
            )
        ),
        rx.popover.content(
            rx.vstack(
                filter_label(T("Created between")),
                rx.hstack(
                    rx.input(
                        type="date",
                        value=start,
                        on_change=_set("created_from"),
                        aria_label=T("Created from"),
                        data_testid="ticket-created-from",
                    ),
                    rx.input(
                        type="date",
                        value=end,
                        on_change=_set("created_to"),
                        aria_label=T("Created until"),
                        data_testid="ticket-created-to",
                    ),
                ),
            ),
            width="340px",
        ),
    )


def filter_bar() -> rx.Component:
    o = S.options
    return rx.flex(
        search_box(
            S,
            T("Number, subject or customer"),
            T("Search tickets"),
            "ticket-search",
            "280px",
        ),
        option_select(
            _f("status"), o["statuses"], _set("status"), T("All statuses"), label=T("Status")
        ),
        option_select(
            _f("priority"),
            o["priorities"],
            _set("priority"),
            T("All priorities"),
            label=T("Priority"),
            width="150px",
        ),
        option_select(
            _f("channel"),
            o["channels"],
            _set("channel"),
            T("All channels"),
            label=T("Channel"),
            width="150px",
        ),
        option_select(
            _f("category"),
            o["categories"],
            _set("category"),
            T("All categories"),
            label=T("Category"),
        ),
        option_select(
            _f("owner"),
            o["assignees"],
            _set("owner"),
            T("All assignees"),
            label=T("Assignee"),
            extra=[("none", T("Unassigned"))],
        ),
        created_filter(),
        column_chooser(S),
        export_menu(S),
        reset_button(S.reset_filters, S.filters.length() > 0),
        spacing="2",
        wrap="wrap",
        align="center",
        width="100%",
    )


def bulk_bar() -> rx.Component:
    o = S.options
    return rx.cond(
        S.selected.length() > 0,
        rx.hstack(
            rx.text(S.selected_label, size="2", weight="medium"),
            rx.select.root(
                rx.select.trigger(placeholder=T("Assign to…"), width="180px"),
                rx.select.content(
                    rx.select.item(T("Nobody (unassign)"), value="none"),
                    rx.foreach(o["assignees"], lambda a: rx.select.item(a[1], value=a[0])),
                ),
                value="",
                on_change=S.bulk_assign,
                size="1",
                data_testid="bulk-assign",
            ),
            rx.select.root(
                rx.select.trigger(placeholder=T("Set status…"), width="160px"),
                rx.select.content(
                    rx.foreach(o["bulk_statuses"], lambda s: rx.select.item(s[1], value=s[0])),
                ),
                value="",
                on_change=S.bulk_status,
                size="1",
                data_testid="bulk-status",
            ),
            spacing="2",
            align="center",
            padding="8px 12px",
            border_radius="var(--radius-3)",
            background="var(--accent-3)",
            width="100%",
        ),
    )


def ticket_cell(r: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.el.span(
        rx.el.span(r["initials"], class_name="rp-ticket-ref"),
        rx.el.span(r["name"], class_name="rp-name", dir="auto"),
        class_name="rp-ticket-cell",
    )


def tickets_page() -> rx.Component:
    return app_shell(
        page_header(
            T("Tickets"),
            T("Customer requests and their service levels."),
            link_button("file-up", T("Import"), "/tickets/import"),
            link_button("external-link", T("Public request form"), "/support"),
            rx.button(
                rx.icon("plus", size=16),
                T("New ticket"),
                on_click=rx.redirect("/tickets/new"),
                data_testid="new-ticket",
            ),
        ),
        rx.vstack(
            view_tabs(),
            filter_bar(),
            bulk_bar(),
            record_list(
                S,
                base="/tickets",
                radius="medium",
                test_id="tickets-table",
                first_column=ticket_cell,
                toned=True,
                empty=rx.card(
                    empty_state(
                        "inbox",
                        T("No tickets here"),
                        T("Nothing waits in this view. Change the view or the filters."),
                        rx.button(T("Reset filters"), variant="soft", on_click=S.reset_filters),
                    ),
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
    )
