"""The ticket page's parts: header, conversation, composer, properties, SLA, customer, merge."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T
from crm_app.state.ticket_page import NONE
from crm_app.state.ticket_page import TicketPageState as S

Row = rx.Var[dict[str, str]]


def card(title: rx.Component, *children: rx.Component, test_id: str = "") -> rx.Component:
    return rx.el.section(
        rx.el.div(rx.el.h2(title, class_name="rp-360-card-title"), class_name="rp-360-card-head"),
        *children,
        class_name="rp-360-card",
        data_testid=test_id or None,
    )


def header() -> rx.Component:
    return rx.el.div(
        rx.el.div(
            rx.link(T("Tickets"), href="/tickets"),
            rx.icon("chevron-right", size=14, class_name="flip-rtl"),
            rx.el.span(S.reference),
            class_name="rp-360-crumbs",
        ),
        rx.el.div(
            rx.el.div(
                rx.el.h1(S.subject, class_name="rp-360-name", dir="auto"),
                rx.el.div(
                    rx.el.span(S.reference, class_name="rp-ticket-ref"),
                    rx.el.span(S.labels["status"], class_name=S.labels["status_tone"]),
                    rx.el.span(S.labels["priority"], class_name=S.labels["priority_tone"]),
                    rx.el.span(S.labels["channel"], class_name="rp-pill rp-tone-gray"),
                    rx.el.span(S.opened_label, class_name="rp-360-muted"),
                    class_name="rp-360-facts",
                    data_testid="ticket-facts",
                ),
                class_name="rp-360-title",
            ),
            rx.el.div(
                rx.cond(
                    S.can_edit,
                    rx.button(
                        rx.icon("merge", size=14),
                        T("Merge into…"),
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.open_merge,
                        data_testid="merge-open",
                    ),
                ),
                class_name="rp-360-actions",
            ),
            class_name="rp-360-head",
        ),
        rx.cond(
            S.merged_into != "",
            rx.callout(
                rx.link(S.merged_note, href="/tickets/" + S.merged_into_id.to(str)),
                icon="merge",
                color_scheme="gray",
                size="1",
            ),
        ),
        class_name="rp-360-header",
    )


def _comment(c: Row) -> rx.Component:
    public = c["public"] == "1"
    return rx.el.article(
        rx.el.header(
            rx.el.strong(c["author"], dir="auto"),
            rx.cond(
                public,
                rx.el.span(T("Public reply"), class_name="rp-pill rp-tone-accent"),
                rx.el.span(
                    rx.icon("lock", size=11), T("Internal note"), class_name="rp-pill rp-tone-amber"
                ),
            ),
            rx.el.span(c["when"], class_name="rp-360-muted"),
            rx.cond(
                c["mail"] != "",
                rx.el.span(c["mail"], class_name="rp-pill rp-tone-" + c["mail_tone"]),
            ),
            class_name="rp-ticket-comment-head",
        ),
        rx.el.div(c["body"], class_name="rp-ticket-comment-body", dir="auto"),
        class_name=rx.cond(public, "rp-ticket-comment", "rp-ticket-comment rp-ticket-note"),
        data_testid=rx.cond(public, "ticket-reply", "ticket-note"),
    )


def conversation() -> rx.Component:
    return card(
        T("Conversation"),
        rx.cond(
            S.description != "",
            rx.el.article(
                rx.el.header(
                    rx.el.strong(
                        rx.cond(S.customer["name"] != "", S.customer["name"], T("Customer"))
                    ),
                    rx.el.span(T("Original request"), class_name="rp-pill rp-tone-gray"),
                    rx.el.span(S.created, class_name="rp-360-muted"),
                    class_name="rp-ticket-comment-head",
                ),
                rx.el.div(S.description, class_name="rp-ticket-comment-body", dir="auto"),
                class_name="rp-ticket-comment rp-ticket-request",
            ),
        ),
        rx.foreach(S.comments, _comment),
        rx.cond(S.can_edit, composer()),
        test_id="ticket-conversation",
    )


def composer() -> rx.Component:
    return rx.el.div(
        rx.segmented_control.root(
            rx.segmented_control.item(T("Public reply"), value="public"),
            rx.segmented_control.item(T("Internal note"), value="note"),
            value=rx.cond(S.reply_public, "public", "note"),
            on_change=lambda v: S.set_reply_public(v == "public"),
            size="1",
            data_testid="composer-mode",
        ),
        rx.text_area(
            value=S.reply_body,
            on_change=S.set_reply_body,
            placeholder=rx.cond(
                S.reply_public,
                T("Write to the customer. The reply is e-mailed to them."),
                T("Write a note for your colleagues. The customer never sees it."),
            ),
            rows="5",
            width="100%",
            class_name=rx.cond(S.reply_public, "", "rp-ticket-note-input"),
            aria_label=T("Reply or note"),
            data_testid="composer-body",
        ),
        rx.cond(
            S.reply_error != "",
            rx.text(S.reply_error, size="1", color="var(--red-11)", data_testid="composer-error"),
        ),
        rx.hstack(
            rx.button(
                rx.cond(S.reply_public, T("Send reply"), T("Add note")),
                on_click=S.send_reply(""),
                data_testid="composer-send",
            ),
            rx.cond(
                S.reply_public,
                rx.button(
                    T("Send and mark solved"),
                    variant="soft",
                    on_click=S.send_reply("solved"),
                    data_testid="composer-send-solve",
                ),
            ),
            spacing="2",
        ),
        class_name=rx.cond(S.reply_public, "rp-ticket-composer", "rp-ticket-composer rp-note-mode"),
    )


def _select(name: str, label: rx.Component, options: rx.Var, *, none: rx.Component | None = None):
    return rx.el.label(
        rx.el.span(label, class_name="rp-ticket-prop-label"),
        rx.select.root(
            rx.select.trigger(width="100%"),
            rx.select.content(
                *([rx.select.item(none, value=NONE)] if none is not None else []),
                rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0])),
            ),
            value=S.props[name],
            on_change=lambda v: S.set_prop(name, v),
            disabled=~S.can_edit,
            size="2",
            data_testid=f"ticket-{name}",
        ),
        class_name="rp-ticket-prop",
    )


def properties() -> rx.Component:
    o = S.options
    return card(
        T("Properties"),
        _select("status", T("Status"), o["statuses"]),
        _select("priority", T("Priority"), o["priorities"]),
        _select("assignee_id", T("Assignee"), S.assignees, none=T("Unassigned")),
        _select("channel", T("Channel"), o["channels"]),
        rx.el.label(
            rx.el.span(T("Category"), class_name="rp-ticket-prop-label"),
            rx.input(
                default_value=S.props["category"],
                key=S.props["category"],
                on_blur=lambda v: S.set_prop("category", v),
                disabled=~S.can_edit,
                data_testid="ticket-category",
            ),
            class_name="rp-ticket-prop",
        ),
        rx.cond(S.prop_error != "", rx.text(S.prop_error, size="1", color="var(--red-11)")),
        test_id="ticket-properties",
    )


def sla_card() -> rx.Component:
    return card(
        T("Service level"),
        rx.cond(
            S.sla.length() > 0,
            rx.el.div(
                rx.foreach(
                    S.sla,
                    lambda r: rx.el.div(
                        rx.el.div(
                            rx.el.strong(r["label"]),
                            rx.el.span(r["due"], class_name="rp-360-muted"),
                        ),
                        rx.el.span(r["text"], class_name="rp-pill rp-tone-" + r["tone"]),
                        class_name="rp-ticket-sla-row",
                        data_testid="sla-" + r["target"],
                    ),
                ),
                class_name="rp-ticket-sla",
            ),
            rx.el.p(T("No service targets for this priority."), class_name="rp-360-none"),
        ),
        rx.cond(
            S.csat.contains("score"),
            rx.el.div(
                rx.el.strong(T("Satisfaction")),
                rx.el.span(S.csat["score"], " / 5", class_name="rp-pill rp-tone-green"),
                rx.el.span(S.csat["comment"], class_name="rp-360-muted", dir="auto"),
                class_name="rp-ticket-csat",
                data_testid="ticket-csat",
            ),
        ),
    )


def customer_card() -> rx.Component:
    cu = S.customer
    return card(
        T("Customer"),
        rx.cond(
            cu["contact_id"] != "",
            rx.el.div(
                rx.link(
                    cu["name"], href="/contacts/" + cu["contact_id"], weight="medium", dir="auto"
                ),
                rx.el.span(cu["email"], class_name="rp-360-muted"),
                rx.el.span(cu["phone"], class_name="rp-360-muted"),
                rx.cond(
                    cu["company_id"] != "",
                    rx.link(cu["company"], href="/companies/" + cu["company_id"], dir="auto"),
                ),
                class_name="rp-ticket-customer",
                data_testid="ticket-customer",
            ),
            rx.el.p(T("No customer is linked to this ticket."), class_name="rp-360-none"),
        ),
        rx.cond(
            S.open_deals.length() > 0,
            rx.el.div(
                rx.el.h3(T("Open deals"), class_name="rp-ticket-sub"),
                rx.foreach(
                    S.open_deals,
                    lambda d: rx.el.div(
                        rx.link(d["title"], href="/deals/" + d["id"], dir="auto"),
                        rx.el.span(d["stage"], " · ", d["value"], class_name="rp-360-muted"),
                        class_name="rp-ticket-related",
                    ),
                ),
            ),
        ),
        rx.cond(
            S.recent_tickets.length() > 0,
            rx.el.div(
                rx.el.h3(T("Other tickets"), class_name="rp-ticket-sub"),
                rx.foreach(
                    S.recent_tickets,
                    lambda t: rx.el.div(
                        rx.link(
                            rx.el.span(t["reference"], class_name="rp-ticket-ref"),
                            " ",
                            t["subject"],
                            href="/tickets/" + t["id"],
                            dir="auto",
                        ),
                        rx.el.span(t["status"], class_name=t["tone"]),
                        class_name="rp-ticket-related",
                    ),
                ),
            ),
        ),
    )


def merge_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("Merge into another ticket")),
            rx.dialog.description(
                T(
                    "This ticket's conversation moves to the ticket you name, and this one is "
                    "closed with a note. Use it for duplicates of the same request."
                ),
                size="2",
            ),
            rx.input(
                value=S.merge_target,
                on_change=S.set_merge_target,
                placeholder=T("Number of the ticket to keep, e.g. #42"),
                margin_top="12px",
                data_testid="merge-target",
            ),
            rx.cond(
                S.merge_error != "",
                rx.text(S.merge_error, size="1", color="var(--red-11)", data_testid="merge-error"),
            ),
            rx.hstack(
                rx.button(T("Cancel"), variant="soft", color_scheme="gray", on_click=S.close_merge),
                rx.button(T("Merge"), on_click=S.merge, data_testid="merge-confirm"),
                justify="end",
                spacing="2",
                margin_top="16px",
            ),
        ),
        open=S.merge_open,
        on_open_change=lambda _o: S.close_merge(),
    )
