"""The public lead form (/f/<slug>): no login, no app chrome, so it also fits an iframe."""

from __future__ import annotations

import reflex as rx

from crm_app.components.forms import field_label
from crm_app.components.i18n import T, localized
from crm_app.state.lead_form_public import LeadFormPublicState as S


def _error(key: rx.Var) -> rx.Component:
    return rx.cond(
        S.errors.contains(key),
        rx.text(
            S.errors.get(key, ""),
            size="1",
            color="var(--red-11)",
            role="alert",
            data_testid="error-" + key,
        ),
    )


def _label(spec: rx.Var) -> rx.Component:
    return field_label(
        rx.fragment(spec["label"], rx.cond(spec["required"] == "1", " *", "")),
        "lead-" + spec["field"],
    )


def _input(spec: rx.Var) -> rx.Component:
    name = spec["field"].to(str)
    fid = "lead-" + name
    common = {"id": fid, "name": name, "required": spec["required"] == "1"}
    return rx.match(
        spec["kind"],
        (
            "textarea",
            rx.box(
                _label(spec),
                rx.text_area(
                    default_value=S.values.get(name, ""), rows="5", width="100%", **common
                ),
                _error(name),
                width="100%",
            ),
        ),
        (
            "checkbox",
            rx.box(
                rx.el.label(
                    rx.hstack(
                        rx.el.input(type="checkbox", id=fid, name=name, value="on"),
                        rx.text(spec["label"], size="2"),
                        spacing="2",
                        align="center",
                    ),
                    html_for=fid,
                ),
                _error(name),
                width="100%",
            ),
        ),
        rx.box(
            _label(spec),
            rx.input(
                default_value=S.values.get(name, ""),
                type=rx.match(spec["kind"], ("email", "email"), ("tel", "tel"), "text"),
                size="3",
                **common,
            ),
            _error(name),
            width="100%",
        ),
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.foreach(S.form_fields, _input),
            # The honeypot: hidden from people (and from screen readers), filled by bots.
            rx.el.div(
                rx.el.label(T("Website"), html_for="lead-website"),
                rx.el.input(id="lead-website", name="website", tab_index=-1, auto_complete="off"),
                aria_hidden="true",
                class_name="rp-honeypot",
            ),
            rx.cond(
                S.errors.contains("form"),
                rx.callout(S.errors["form"], icon="circle-alert", color_scheme="red", width="100%"),
            ),
            rx.button(T("Send"), type="submit", size="3", width="100%"),
            spacing="4",
            width="100%",
        ),
        on_submit=S.submit,
        reset_on_submit=False,
        key=S.form_key,
        width="100%",
    )


def _done() -> rx.Component:
    return rx.vstack(
        rx.center(
            rx.icon("circle-check", size=28),
            width="56px",
            height="56px",
            border_radius="50%",
            background="var(--grass-a3)",
            color="var(--grass-11)",
        ),
        rx.text(
            S.thank_you, size="3", text_align="center", dir="auto", data_testid="lead-thank-you"
        ),
        rx.button(T("Send another"), variant="soft", on_click=S.new_submission),
        align="center",
        spacing="3",
        width="100%",
    )


def lead_form_page() -> rx.Component:
    body = rx.match(
        S.form_state,
        (
            "ready",
            rx.fragment(
                rx.heading(S.form_title, size="5", dir="auto", margin_bottom="4px"),
                rx.cond(
                    S.form_intro != "",
                    rx.text(
                        S.form_intro,
                        size="2",
                        color="var(--gray-11)",
                        dir="auto",
                        margin_bottom="20px",
                        white_space="pre-wrap",
                    ),
                ),
                _form(),
            ),
        ),
        ("done", _done()),
        (
            "closed",
            rx.vstack(
                rx.heading(T("This form is not available"), size="5"),
                rx.text(
                    T("It may have been closed. Please contact us another way."),
                    size="2",
                    color="var(--gray-11)",
                ),
                align="center",
                data_testid="lead-closed",
            ),
        ),
        rx.center(rx.spinner(size="3"), padding="24px"),
    )
    return localized(
        rx.center(
            rx.card(body, size="4", width="100%", max_width="560px"),
            min_height="100vh",
            padding="24px 12px",
            background="var(--gray-2)",
        )
    )
