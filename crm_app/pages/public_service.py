"""Public pages without login: the support request form (/support) and the satisfaction
survey a customer reaches from the link in their mail (/csat/<token>)."""

from __future__ import annotations

import reflex as rx

from crm_app.components.forms import field_label
from crm_app.components.i18n import T, localized
from crm_app.state.public_service import PublicServiceState as S


def _frame(*children: rx.Component) -> rx.Component:
    return localized(
        rx.center(
            rx.vstack(
                rx.hstack(
                    rx.center(
                        rx.icon("life-buoy", size=20, color="white"),
                        width="36px",
                        height="36px",
                        border_radius="10px",
                        background="linear-gradient(135deg, var(--accent-9), var(--accent-11))",
                    ),
                    rx.heading(T("Customer support"), size="6", letter_spacing="-0.02em"),
                    align="center",
                    spacing="3",
                ),
                rx.card(*children, size="4", width="100%"),
                rx.hstack(
                    rx.color_mode.button(
                        variant="ghost", size="1", aria_label=T("Toggle light and dark mode")
                    ),
                    align="center",
                ),
                spacing="5",
                align="center",
                width="100%",
                max_width="560px",
            ),
            min_height="100vh",
            padding="32px 16px",
            background="var(--gray-2)",
        )
    )


def _error(key: str) -> rx.Component:
    return rx.cond(
        S.errors.contains(key),
        rx.text(
            S.errors.get(key, ""),
            size="1",
            color="var(--red-11)",
            role="alert",
            data_testid=f"error-{key}",
        ),
    )


def _field(label: rx.Component, name: str, **props) -> rx.Component:
    return rx.box(
        field_label(label, f"support-{name}"),
        rx.input(
            id=f"support-{name}",
            name=name,
            default_value=S.values.get(name, ""),
            size="3",
            **props,
        ),
        _error(name),
        width="100%",
    )


def request_form() -> rx.Component:
    form = rx.form(
        rx.vstack(
            _field(T("Your name"), "name", auto_complete="name"),
            _field(T("E-mail"), "email", type="email", dir="ltr", auto_complete="email"),
            _field(T("Subject"), "subject"),
            rx.box(
                field_label(T("How can we help?"), "support-message"),
                rx.text_area(
                    id="support-message",
                    name="message",
                    default_value=S.values.get("message", ""),
                    rows="7",
                    width="100%",
                ),
                _error("message"),
                width="100%",
            ),
            # The honeypot: hidden from people (and from screen readers), filled by bots.
            rx.el.div(
                rx.el.label(T("Website"), html_for="support-website"),
                rx.el.input(
                    id="support-website", name="website", tab_index=-1, auto_complete="off"
                ),
                aria_hidden="true",
                class_name="rp-honeypot",
            ),
            rx.cond(
                S.errors.contains("form"),
                rx.callout(S.errors["form"], icon="circle-alert", color_scheme="red", width="100%"),
            ),
            rx.button(T("Send request"), type="submit", size="3", width="100%"),
            spacing="4",
            width="100%",
        ),
        on_submit=S.submit_request,
        reset_on_submit=False,
        key=S.form_key,
        width="100%",
    )
    done = rx.vstack(
        rx.center(
            rx.icon("circle-check", size=28),
            width="56px",
            height="56px",
            border_radius="50%",
            background="var(--grass-a3)",
            color="var(--grass-11)",
        ),
        rx.heading(T("Thank you, we have your request"), size="5", text_align="center"),
        rx.vstack(
            rx.text(T("Your reference number"), size="2", color="var(--gray-11)"),
            rx.text(
                S.reference,
                size="6",
                weight="bold",
                dir="ltr",
                data_testid="support-reference",
            ),
            align="center",
            spacing="1",
        ),
        rx.text(
            T("We will reply by e-mail; quote the reference if you write to us again."),
            size="2",
            color="var(--gray-11)",
            text_align="center",
        ),
        rx.button(T("Send another request"), variant="soft", on_click=S.new_request),
        align="center",
        spacing="3",
        width="100%",
    )
    return _frame(
        rx.cond(
            S.reference != "",
            done,
            rx.fragment(
                rx.heading(T("Send us a request"), size="5", margin_bottom="4px"),
                rx.text(
                    T("Tell us what you need and we will get back to you by e-mail."),
                    size="2",
                    color="var(--gray-11)",
                    margin_bottom="20px",
                ),
                form,
            ),
        )
    )


def _score_button(n: int) -> rx.Component:
    value = str(n)
    return rx.button(
        value,
        type="button",
        size="4",
        variant=rx.cond(S.score == value, "solid", "outline"),
        on_click=S.choose_score(value),
        aria_pressed=S.score == value,
        data_testid=f"csat-score-{n}",
        flex="1",
    )


def survey_page() -> rx.Component:
    ready = rx.form(
        rx.vstack(
            rx.text(
                T("How satisfied are you with how we handled your request?"),
                size="3",
                weight="medium",
            ),
            rx.hstack(*[_score_button(n) for n in range(1, 6)], spacing="2", width="100%"),
            rx.hstack(
                rx.text(T("Not at all"), size="1", color="var(--gray-10)"),
                rx.spacer(),
                rx.text(T("Very satisfied"), size="1", color="var(--gray-10)"),
                width="100%",
            ),
            _error("score"),
            rx.box(
                field_label(T("Anything you want to tell us? (optional)"), "csat-comment"),
                rx.text_area(id="csat-comment", name="comment", rows="4", width="100%"),
                _error("comment"),
                width="100%",
            ),
            rx.button(T("Send rating"), type="submit", size="3", width="100%"),
            spacing="4",
            width="100%",
        ),
        on_submit=S.submit_rating,
        reset_on_submit=False,
        width="100%",
    )
    about = rx.cond(
        S.survey_reference != "",
        rx.text(
            S.survey_reference,
            " · ",
            S.survey_subject,
            size="2",
            color="var(--gray-11)",
            margin_bottom="16px",
            dir="auto",
        ),
    )
    return _frame(
        rx.match(
            S.survey_state,
            ("ready", rx.fragment(rx.heading(T("Rate our support"), size="5"), about, ready)),
            (
                "done",
                rx.vstack(
                    rx.heading(T("Thank you for your rating"), size="5"),
                    rx.text(T("It helps us serve you better."), size="2", color="var(--gray-11)"),
                    align="center",
                    data_testid="csat-thanks",
                ),
            ),
            (
                "error",
                rx.vstack(
                    rx.heading(T("This link cannot be used"), size="5"),
                    about,
                    rx.text(
                        S.survey_error, size="2", color="var(--gray-11)", data_testid="csat-error"
                    ),
                    align="center",
                ),
            ),
            rx.center(rx.spinner(size="3"), padding="24px"),
        )
    )
