"""Login page, with one-click demo users while the demo business is loaded."""

from __future__ import annotations

import reflex as rx

from crm_app.components.forms import field_label
from crm_app.components.i18n import T, localized
from crm_app.state.login import DemoLogin, LoginState


def _demo_button(u: rx.Var[DemoLogin]) -> rx.Component:
    return rx.button(
        rx.avatar(fallback=u.name.to(str)[0], size="1", radius="full"),
        rx.box(
            rx.text(u.name, size="2", weight="medium"),
            rx.text(u.role, size="1", color="var(--gray-10)"),
            text_align="start",
        ),
        variant="surface",
        color_scheme="gray",
        height="auto",
        padding="8px 10px",
        justify_content="start",
        width="100%",
        on_click=LoginState.login_demo(u.email),
        type="button",
    )


def login_page() -> rx.Component:
    form = rx.form(
        rx.vstack(
            rx.box(
                field_label(T("E-mail"), "email"),
                rx.input(
                    id="email",
                    name="email",
                    type="email",
                    dir="ltr",  # addresses read left to right in every language
                    placeholder="you@company.com",
                    auto_complete="username",
                    size="3",
                    auto_focus=True,
                    required=True,
                ),
                width="100%",
            ),
            rx.box(
                field_label(T("Password"), "password"),
                rx.input(
                    id="password",
                    name="password",
                    type="password",
                    auto_complete="current-password",
                    size="3",
                    required=True,
                ),
                width="100%",
            ),
            rx.cond(
                LoginState.error != "",
                rx.callout(
                    LoginState.error,
                    icon="circle-alert",
                    color_scheme="red",
                    size="1",
                    role="alert",
                    width="100%",
                    data_testid="login-error",
                ),
            ),
            rx.button(T("Log in"), type="submit", size="3", width="100%"),
            spacing="4",
            width="100%",
        ),
        on_submit=LoginState.login,
        reset_on_submit=False,
        width="100%",
    )
    demo = rx.cond(
        LoginState.demo_logins.length() > 0,
        rx.box(
            rx.hstack(
                rx.separator(size="4"),
                rx.text(
                    T("or try the demo as"), size="1", color="var(--gray-10)", white_space="nowrap"
                ),
                rx.separator(size="4"),
                align="center",
                width="100%",
            ),
            rx.grid(
                rx.foreach(LoginState.demo_logins, _demo_button),
                columns="2",
                spacing="2",
                margin_top="12px",
            ),
            width="100%",
            margin_top="20px",
        ),
    )
    return localized(
        rx.center(
            rx.vstack(
                rx.hstack(
                    rx.center(
                        rx.icon("handshake", size=22, color="white"),
                        width="40px",
                        height="40px",
                        border_radius="11px",
                        background="linear-gradient(135deg, var(--accent-9), var(--accent-11))",
                    ),
                    rx.heading("Rapport", size="7", letter_spacing="-0.02em"),
                    align="center",
                    spacing="3",
                ),
                rx.card(
                    rx.heading(T("Log in to your CRM"), size="5", margin_bottom="4px"),
                    rx.text(
                        T("Welcome back. Enter your work e-mail and password."),
                        size="2",
                        color="var(--gray-11)",
                        margin_bottom="20px",
                    ),
                    form,
                    demo,
                    size="4",
                    width="100%",
                ),
                rx.hstack(
                    rx.color_mode.button(
                        variant="ghost", size="1", aria_label=T("Toggle light and dark mode")
                    ),
                    rx.text(
                        T("Self-hosted · your data stays on your server"),
                        size="1",
                        color="var(--gray-10)",
                    ),
                    align="center",
                ),
                align="center",
                spacing="5",
                width="100%",
                max_width="440px",
            ),
            min_height="100vh",
            padding="24px",
            background="radial-gradient(circle at 20% 0%, var(--accent-3), transparent 45%), var(--gray-1)",
        )
    )
