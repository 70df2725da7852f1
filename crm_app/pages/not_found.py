"""404: a page that does not exist."""

from __future__ import annotations

import reflex as rx

from crm_app.components.i18n import T, localized


def not_found_page() -> rx.Component:
    return localized(
        rx.center(
            rx.vstack(
                rx.text(
                    "404",
                    size="9",
                    weight="bold",
                    color="var(--accent-9)",
                    letter_spacing="-0.04em",
                ),
                rx.heading(T("This page does not exist"), size="6"),
                rx.text(
                    T("The link may be old, or the record was removed."),
                    size="2",
                    color="var(--gray-11)",
                ),
                rx.link(
                    rx.button(
                        rx.icon("arrow-left", size=16, class_name="flip-rtl"),
                        T("Back to the dashboard"),
                        size="3",
                    ),
                    href="/",
                ),
                align="center",
                spacing="3",
            ),
            min_height="100vh",
            padding="24px",
        )
    )
