"""Customer-360 pages: /contacts/<id> and /companies/<id>."""

from __future__ import annotations

import reflex as rx

from crm_app.components.company_form import company_form_dialog
from crm_app.components.contact_form import contact_form_dialog
from crm_app.components.i18n import T
from crm_app.components.mail_compose import compose_dialog, mails_card
from crm_app.components.record_header import about_card, figures, header, health_card
from crm_app.components.shell import app_shell
from crm_app.components.timeline import timeline
from crm_app.state.company_form import CompanyFormState
from crm_app.state.contact_form import ContactFormState
from crm_app.state.record360 import Record360State as S

Row = rx.Var[dict[str, str]]


def _list(
    key: str,
    title: rx.Var,
    headers: list[rx.Var],
    row: callable,
    *,
    empty: rx.Var,
    more_href: str | rx.Var = "",
    extra: rx.Component | None = None,
) -> rx.Component:
    """A compact related list: title with count, up to 10 rows, and where the rest are."""
    rows = S.related.get(key, [])
    total = S.counts.get(key, 0)
    return rx.el.section(
        rx.el.div(
            rx.el.h2(title, class_name="rp-360-card-title"),
            rx.el.span(total, class_name="rp-360-count", data_testid=f"count-{key}"),
            class_name="rp-360-card-head",
        ),
        rx.cond(
            rows.length() > 0,
            rx.el.table(
                rx.el.thead(rx.el.tr(*[rx.el.th(h) for h in headers])),
                rx.el.tbody(rx.foreach(rows, row)),
                class_name="rp-360-table",
                data_testid=f"related-{key}",
            ),
            rx.el.p(empty, class_name="rp-360-none"),
        ),
        rx.cond(
            total > rows.length(),
            rx.el.div(
                rx.el.span(T("Showing the first 10.")),
                rx.link(T("Show all"), href=more_href)
                if isinstance(more_href, rx.Var) or more_href
                else rx.fragment(),
                class_name="rp-360-list-more",
            ),
        ),
        extra if extra is not None else rx.fragment(),
        class_name="rp-360-card",
    )


def deals_list() -> rx.Component:
    return _list(
        "deals",
        T("Deals"),
        [T("Deal"), T("Stage"), T("Value"), T("Expected close")],
        lambda r: rx.el.tr(
            rx.el.td(rx.link(r["title"], href="/deals/" + r["id"], dir="auto")),
            rx.el.td(rx.el.span(r["stage"], class_name="rp-360-state", data_state=r["state"])),
            rx.el.td(r["value"], class_name="rp-360-num"),
            rx.el.td(r["close"]),
        ),
        empty=T("No deals yet."),
        more_href="/pipeline",
    )


def tickets_list() -> rx.Component:
    return _list(
        "tickets",
        T("Tickets"),
        [T("Subject"), T("Status"), T("Priority")],
        lambda r: rx.el.tr(
            rx.el.td(rx.link(r["subject"], href="/tickets/" + r["id"], dir="auto")),
            rx.el.td(rx.el.span(r["status"], class_name="rp-360-state", data_open=r["open"])),
            rx.el.td(
                rx.el.span(r["priority"], class_name="rp-360-prio", data_prio=r["priority_key"])
            ),
        ),
        empty=T("No tickets — nothing to solve."),
        # the queue filtered to this customer (all of its tickets, open or not)
        more_href="/tickets?view=all&" + S.kind + "=" + S.record_key.to(str),
    )


def _order_row(r: Row) -> rx.Component:
    is_open = S.open_orders.contains(r["id"])
    return rx.fragment(
        rx.el.tr(
            rx.el.td(
                rx.el.button(
                    rx.icon("chevron-right", size=14, class_name="rp-360-caret"),
                    r["number"],
                    type="button",
                    class_name="rp-360-expand",
                    aria_expanded=rx.cond(is_open, "true", "false"),
                    on_click=S.toggle_order(r["id"]),
                    data_testid="order-toggle",
                )
            ),
            rx.el.td(r["date"]),
            rx.el.td(r["total"], class_name="rp-360-num"),
        ),
        rx.cond(
            is_open,
            rx.el.tr(
                rx.el.td(
                    rx.el.ul(
                        rx.foreach(
                            S.order_lines.get(r["id"], []),
                            lambda line: rx.el.li(
                                rx.el.span(line[1] + " ×", class_name="rp-360-muted"),
                                rx.el.span(line[0], dir="auto"),
                                rx.el.span(line[2], class_name="rp-360-num"),
                            ),
                        ),
                        class_name="rp-360-lines",
                    ),
                    col_span=3,
                ),
                class_name="rp-360-lines-row",
            ),
        ),
    )


def orders_list() -> rx.Component:
    return _list(
        "orders",
        T("Orders"),
        [T("Order"), T("Date"), T("Total")],
        _order_row,
        empty=T("No orders yet."),
    )


def tasks_list() -> rx.Component:
    return _list(
        "tasks",
        T("Tasks"),
        [T("Task"), T("Due"), T("Assignee")],
        lambda r: rx.el.tr(
            rx.el.td(r["title"], dir="auto", data_done=r["done"], class_name="rp-360-task"),
            rx.el.td(r["due"], data_late=r["late"], class_name="rp-360-due"),
            rx.el.td(r["assignee"], dir="auto"),
        ),
        empty=T("No tasks."),
        extra=rx.cond(S.can_log, _task_form()),
    )


def _task_form() -> rx.Component:
    """Add a task about this record (assigned to me)."""
    return rx.form(
        rx.el.div(
            rx.input(
                name="title",
                placeholder=T("Add a task…"),
                aria_label=T("Add a task…"),
                required=True,
                max_length=200,
                size="1",
                flex="1",
                data_testid="record-task-title",
            ),
            rx.input(type="date", name="due_date", aria_label=T("Due date"), size="1"),
            rx.input(type="time", name="due_time", aria_label=T("Due time"), size="1"),
            rx.button(T("Add"), size="1", type="submit"),
            class_name="rp-360-task-form",
        ),
        rx.cond(
            S.task_error != "", rx.text(S.task_error, size="1", color="var(--red-11)", role="alert")
        ),
        key=S.task_key,
        on_submit=S.add_task,
        reset_on_submit=True,
    )


def contacts_list(title: rx.Var) -> rx.Component:
    return _list(
        "contacts",
        title,
        [T("Name"), T("Job title"), T("Last activity")],
        lambda r: rx.el.tr(
            rx.el.td(rx.link(r["name"], href="/contacts/" + r["id"], dir="auto")),
            rx.el.td(r["title"], dir="auto"),
            rx.el.td(r["last"]),
        ),
        empty=T("No other people here yet."),
    )


def _refresh_after_edit(form_state) -> rx.Component:
    """When the edit dialog closes, reload the header (the form knows nothing of this page)."""
    return rx.cond(
        (form_state.form_key > 0) & ~form_state.open,
        rx.el.span(on_mount=S.after_edit, hidden=True),
    )


def _missing(kind: str) -> rx.Component:
    href = "/contacts" if kind == "contact" else "/companies"
    return rx.el.div(
        rx.el.strong(T("This record does not exist")),
        rx.el.span(T("It may have been deleted or merged into another record.")),
        rx.link(T("Back to the list"), href=href),
        class_name="rp-360-empty",
        data_testid="record-missing",
    )


def _page(kind: str) -> rx.Component:
    contact = kind == "contact"
    side = [
        health_card(),
        about_card(kind),
        deals_list(),
        tickets_list(),
        orders_list(),
        tasks_list(),
    ]
    if contact:
        side.insert(2, mails_card())
    people = contacts_list(T("Other people at the company") if contact else T("People"))
    side.insert(2 if not contact else len(side), people)
    body = rx.el.div(
        header(kind),
        figures(),
        rx.el.div(
            rx.el.div(timeline(), class_name="rp-360-main"),
            rx.el.aside(*side, class_name="rp-360-side"),
            class_name="rp-360-columns",
        ),
        class_name="rp-360-page",
    )
    form = contact_form_dialog() if contact else company_form_dialog()
    form_state = ContactFormState if contact else CompanyFormState
    return app_shell(
        rx.el.link(rel="stylesheet", href="/record360.css"),
        rx.cond(S.missing, _missing(kind), body),
        form,
        _refresh_after_edit(form_state),
        compose_dialog() if contact else rx.fragment(),
    )


def contact_page() -> rx.Component:
    return _page("contact")


def company_page() -> rx.Component:
    return _page("company")
