"""One ticket (/tickets/<id>) and the new-ticket form (/tickets/new)."""

from __future__ import annotations

import reflex as rx

from crm_app.components.form_fields import error, select_field, text_field
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.components.record_tasks import ticket_tasks_card
from crm_app.components.shell import app_shell, page_header
from crm_app.components.ticket_view import (
    conversation,
    customer_card,
    header,
    merge_dialog,
    properties,
    sla_card,
)
from crm_app.state.ticket_new import TicketNewState as N
from crm_app.state.ticket_page import TicketPageState as S


def _missing() -> rx.Component:
    return rx.el.div(
        rx.el.strong(T("This ticket does not exist")),
        rx.el.span(T("It may have been deleted.")),
        rx.link(T("Back to the list"), href="/tickets"),
        class_name="rp-360-empty",
        data_testid="record-missing",
    )


def ticket_page() -> rx.Component:
    body = rx.el.div(
        header(),
        rx.el.div(
            rx.el.div(conversation(), class_name="rp-360-main"),
            rx.el.aside(
                properties(),
                sla_card(),
                ticket_tasks_card(),
                customer_card(),
                class_name="rp-360-side",
            ),
            class_name="rp-360-columns",
        ),
        class_name="rp-360-page",
    )
    return app_shell(rx.cond(S.found, body, _missing()), merge_dialog())


def new_ticket_page() -> rx.Component:
    return app_shell(
        page_header(
            T("New ticket"),
            T("Log a request that came by phone, chat or e-mail."),
        ),
        rx.card(
            rx.form(
                rx.vstack(
                    text_field(T("Subject"), "subject", N, data_testid="new-subject"),
                    rx.box(
                        field_label(T("Description"), "field-description"),
                        rx.text_area(
                            id="field-description",
                            name="description",
                            default_value=N.values.get("description", ""),
                            rows="6",
                            width="100%",
                        ),
                        error("description", N),
                        width="100%",
                    ),
                    rx.grid(
                        text_field(
                            T("Customer's e-mail"),
                            "email",
                            N,
                            type="email",
                            data_testid="new-email",
                        ),
                        text_field(T("Customer's name"), "name", N),
                        select_field(T("Priority"), "priority", N.priorities, state=N),
                        select_field(T("Channel"), "channel", N.channels, state=N),
                        select_field(
                            T("Assignee"),
                            "assignee",
                            N.assignees,
                            state=N,
                            allow_empty=True,
                            empty_label=T("Unassigned"),
                        ),
                        text_field(T("Category"), "category", N),
                        columns=rx.breakpoints(initial="1", sm="2"),
                        spacing="3",
                        width="100%",
                    ),
                    rx.text(
                        T(
                            "The customer is found by e-mail address; a new contact is created "
                            "when nobody has it."
                        ),
                        size="1",
                        color="var(--gray-10)",
                    ),
                    rx.hstack(
                        rx.button(
                            T("Cancel"),
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=rx.redirect("/tickets"),
                        ),
                        rx.button(T("Create ticket"), type="submit", data_testid="new-save"),
                        justify="end",
                        spacing="2",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=N.save,
                key=N.form_key,
            ),
            max_width="760px",
            width="100%",
        ),
    )
