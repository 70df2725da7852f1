"""Settings → Outgoing mail panel: the SMTP server form and "send test mail"."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import panel
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.state.mail_admin import TLS_CHOICES, MailAdminState

S = MailAdminState


def _error(name: str) -> rx.Component:
    return rx.cond(
        S.errors.contains(name),
        rx.text(
            S.errors.get(name, ""),
            size="1",
            color="var(--red-11)",
            role="alert",
            data_testid=f"error-{name}",
        ),
    )


def _env_note(name: str) -> rx.Component:
    return rx.cond(
        S.from_env.contains(name),
        rx.hstack(
            rx.icon("lock", size=12),
            rx.text(
                T("Set by the environment variable"),
                " ",
                rx.code(S.env_names.get(name, ""), size="1", dir="ltr"),
                size="1",
            ),
            align="center",
            spacing="1",
            color="var(--gray-10)",
            data_testid=f"env-{name}",
        ),
    )


def _field(label: rx.Var, name: str, control: rx.Component, hint: rx.Var | None = None):
    return rx.box(
        field_label(label, f"mail-{name}"),
        control,
        rx.text(hint, size="1", color="var(--gray-10)", margin_top="4px")
        if hint is not None
        else rx.fragment(),
        _env_note(name),
        _error(name),
        width="100%",
    )


def _input(name: str, **props) -> rx.Component:
    return rx.input(
        id=f"mail-{name}",
        name=name,
        default_value=S.values.get(name, ""),
        read_only=S.from_env.contains(name),
        dir="ltr",
        width="100%",
        **props,
    )


def _tls_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id="mail-tls", width="100%", aria_label=T("Security")),
        rx.select.content(*[rx.select.item(T(label), value=value) for value, label in TLS_CHOICES]),
        name="tls",
        default_value=S.values.get("tls", "starttls"),
        disabled=S.from_env.contains("tls"),
    )


def _password() -> rx.Component:
    return rx.box(
        field_label(T("Password"), "mail-password"),
        rx.input(
            id="mail-password",
            name="password",
            type="password",
            # Never filled with the stored value: the browser only learns whether one is set.
            default_value="",
            auto_complete="new-password",
            placeholder=rx.cond(S.password_set, "••••••••", ""),
            read_only=S.from_env.contains("password"),
            dir="ltr",
            width="100%",
        ),
        rx.cond(
            S.password_set & ~S.from_env.contains("password"),
            rx.vstack(
                rx.text(
                    T("A password is saved — leave empty to keep it."),
                    size="1",
                    color="var(--gray-10)",
                    data_testid="password-saved",
                ),
                rx.el.label(
                    rx.hstack(
                        rx.checkbox(name="clear_password", data_testid="clear-password"),
                        rx.text(T("Remove password"), size="2"),
                        align="center",
                        spacing="2",
                    ),
                ),
                spacing="2",
                margin_top="4px",
            ),
        ),
        _env_note("password"),
        _error("password"),
        width="100%",
    )


def _settings_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.cond(
                S.from_env.length() > 0,
                rx.callout(
                    T(
                        "Some fields are set by RAPPORT_SMTP_* environment variables on the "
                        "server. They are shown read-only and win over what is saved here."
                    ),
                    icon="info",
                    size="1",
                    color_scheme="gray",
                    width="100%",
                ),
            ),
            rx.grid(
                _field(
                    T("SMTP server"),
                    "host",
                    _input("host", placeholder=T("smtp.example.com"), auto_complete="off"),
                ),
                _field(
                    T("Port"),
                    "port",
                    _input("port", input_mode="numeric", max_length=5, placeholder="587"),
                ),
                _field(T("Security"), "tls", _tls_select()),
                _field(
                    T("User name"),
                    "user",
                    _input("user", auto_complete="off"),
                    T("Leave empty if the server needs no login."),
                ),
                _password(),
                _field(
                    T("Sender"),
                    "sender",
                    _input("sender", placeholder=T("Sales <sales@example.com>")),
                    T("The From address of every message Rapport sends."),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            _error("form"),
            rx.hstack(
                rx.button(T("Save"), type="submit", data_testid="save-mail"),
                justify="end",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        key=S.form_key,
        on_submit=S.save_mail_settings,
        reset_on_submit=False,
        no_validate=True,
        width="100%",
    )


def _test_result() -> rx.Component:
    return rx.fragment(
        rx.cond(
            S.test_status == "sent",
            rx.callout(
                S.test_message,
                icon="circle-check",
                color_scheme="green",
                size="1",
                role="status",
                data_testid="test-result",
                width="100%",
            ),
        ),
        rx.cond(
            S.test_status == "failed",
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert")),
                rx.vstack(
                    rx.callout.text(S.test_message, weight="medium"),
                    rx.cond(
                        S.test_detail != "",
                        rx.callout.text(
                            T("The server said:"),
                            " ",
                            rx.code(S.test_detail, size="1", dir="ltr", variant="ghost"),
                            size="1",
                        ),
                    ),
                    spacing="1",
                ),
                color_scheme="red",
                size="1",
                role="alert",
                data_testid="test-result",
                width="100%",
            ),
        ),
    )


def _test_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(
                T("Sends a short message now with the saved settings and shows the answer."),
                size="2",
                color="var(--gray-11)",
            ),
            rx.box(
                field_label(T("Send to"), "mail-test-to"),
                rx.hstack(
                    rx.input(
                        id="mail-test-to",
                        name="to",
                        type="email",
                        value=S.test_to,
                        on_change=S.set_test_to.debounce(300),
                        dir="ltr",
                        width="320px",
                        max_width="100%",
                    ),
                    rx.button(
                        rx.icon("send", size=16),
                        T("Send test mail"),
                        type="submit",
                        loading=S.test_sending,
                        data_testid="send-test-mail",
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                _error("to"),
                _error("test"),
                width="100%",
            ),
            _test_result(),
            spacing="3",
            width="100%",
        ),
        on_submit=S.send_test,
        reset_on_submit=False,
        no_validate=True,
        width="100%",
    )


def mail_panel() -> rx.Component:
    return rx.vstack(
        panel(
            T("SMTP server"),
            rx.text(
                T("Rapport sends e-mail to contacts, reminders and notifications through it."),
                size="2",
                color="var(--gray-11)",
                margin_bottom="12px",
            ),
            _settings_form(),
            action=rx.cond(
                S.configured,
                rx.badge(rx.icon("check", size=12), T("Set up"), color_scheme="green"),
                rx.badge(T("Not set up"), color_scheme="gray"),
            ),
        ),
        panel(T("Send a test mail"), _test_form()),
        spacing="4",
        width="100%",
    )
