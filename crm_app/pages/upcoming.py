"""Pages whose full features come in later releases: they say so plainly and show real counts."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from crm_app.components.cards import empty_state, stat_card
from crm_app.components.i18n import T
from crm_app.components.shell import app_shell, page_header
from crm_app.state.overview import count_of


@dataclass(frozen=True)
class Upcoming:
    title: str
    description: str
    icon: str
    counts: list[tuple[str, str, str]]  # (stats key, label, icon)
    coming: str


# Every page announced here has shipped (analytics: pages/analytics.py); the next one goes here.
UPCOMING: dict[str, Upcoming] = {}


def upcoming_page(route: str) -> rx.Component:
    page = UPCOMING[route]
    return app_shell(
        page_header(T(page.title), T(page.description)),
        rx.grid(
            *[
                stat_card(
                    T(label), count_of(key), T("in your database"), icon, test_id=f"count-{key}"
                )
                for key, label, icon in page.counts
            ],
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="4",
            width="100%",
        ),
        rx.card(
            empty_state(page.icon, T("Coming in the next releases"), T(page.coming)),
            size="3",
            width="100%",
            margin_top="16px",
        ),
    )
