"""E-mail to a contact from their page: the compose dialog and the list of sent e-mails."""

from __future__ import annotations

import reflex as rx

from crm_app.components.form_fields import error, text_field
from crm_app.components.i18n import T
from crm_app.state.mail_compose import MailComposeState as M
from crm_app.state.record360 import Record360State as S


def mail_button() -> rx.Component:
    """Opens the dialog addressed to the contact's first e-mail."""
    first = rx.cond(S.emails.length() > 0, S.emails[0][0], "")
    return rx.cond(
        S.can_edit,
        rx.button(
            rx.icon("mail", size=14),
            T("E-mail"),
            variant="soft",
            on_click=M.start(S.profile["id"], first),
            data_testid="write-email",
        ),
    )


def compose_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(T("Write an e-mail")),
            rx.dialog.description(
                T(
                    "Merge fields such as {{first_name}}, {{last_name}}, {{company}} and "
                    "{{owner}} are filled in for this contact. The e-mail is sent in the "
                    "background and logged on the timeline."
                ),
                size="2",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    text_field(T("To"), "to", M, data_testid="mail-to"),
                    text_field(T("Cc"), "cc", M),
                    text_field(T("Subject"), "subject", M, data_testid="mail-subject"),
                    rx.box(
                        rx.text(
                            T("Message"),
                            as_="label",
                            html_for="field-body",
                            size="2",
                            weight="medium",
                        ),
                        rx.text_area(
                            id="field-body",
                            name="body",
                            default_value=M.values.get("body", ""),
                            rows="10",
                            dir="auto",
                            data_testid="mail-body",
                        ),
                        error("body", M),
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                T("Cancel"), variant="soft", color_scheme="gray", type="button"
                            )
                        ),
                        rx.button(
                            rx.icon("send", size=14),
                            T("Send"),
                            type="submit",
                            data_testid="mail-send",
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=M.send,
                reset_on_submit=False,
            ),
            max_width="640px",
        ),
        open=M.open,
        on_open_change=M.set_open,
    )


def mails_card() -> rx.Component:
    """The contact's e-mails with their status: queued, sent, or failed with the reason."""
    return rx.el.section(
        rx.el.div(
            rx.el.h2(T("E-mails"), class_name="rp-360-card-title"),
            rx.icon_button(
                rx.icon("refresh-cw", size=12),
                size="1",
                variant="ghost",
                on_click=M.load_mails(S.profile["id"]),
                aria_label=T("Refresh"),
            ),
            class_name="rp-360-card-head",
        ),
        rx.cond(
            M.mails.length() > 0,
            rx.el.table(
                rx.el.tbody(
                    rx.foreach(
                        M.mails,
                        lambda m: rx.el.tr(
                            rx.el.td(
                                rx.el.div(m["subject"], dir="auto"),
                                rx.el.div(m["to"], class_name="rp-360-muted"),
                            ),
                            rx.el.td(
                                rx.el.span(
                                    m["status_label"],
                                    class_name="rp-360-state",
                                    data_mail=m["status"],
                                    title=m["error"],
                                ),
                                rx.cond(
                                    m["error"] != "",
                                    rx.el.div(m["error"], class_name="rp-360-muted"),
                                ),
                            ),
                            rx.el.td(m["when"], class_name="rp-360-muted"),
                            data_testid="mail-row",
                        ),
                    )
                ),
                class_name="rp-360-table",
            ),
            rx.el.p(T("No e-mails yet."), class_name="rp-360-none"),
        ),
        class_name="rp-360-card",
        on_mount=M.load_mails(S.profile["id"]),
    )
