"""Pages whose full features come in later releases: they say so plainly and show real counts."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import empty_state, stat_card
from crm_app.components.shell import app_shell, page_header
from crm_app.state.overview import count_of

# (nav label, title, description, icon, [(count key, label, icon)], what is coming)
UPCOMING: dict[str, tuple[str, str, str, list[tuple[str, str, str]], str]] = {
    "/contacts": (
        "Contacts",
        "Everyone you do business with.",
        "contact",
        [("contacts", "Contacts", "contact"), ("tags", "Tags", "tag")],
        "The contact list with full-text search, filters, saved segments, custom fields and bulk "
        "actions arrives in the next release. Your contacts are already stored and counted above.",
    ),
    "/companies": (
        "Companies",
        "The organisations your contacts work for.",
        "building-2",
        [("companies", "Companies", "building-2"), ("contacts", "Contacts", "contact")],
        "The company list and company pages arrive with the contacts release.",
    ),
    "/pipeline": (
        "Pipeline",
        "Deals by stage, from first call to signature.",
        "kanban",
        [
            ("deals", "Deals", "handshake"),
            ("pipelines", "Pipelines", "kanban"),
            ("stages", "Stages", "columns-3"),
        ],
        "The drag-and-drop board with stage totals, forecasts and deal pages arrives in the sales "
        "release. Open pipeline value and this month's wins are on the dashboard today.",
    ),
    "/tickets": (
        "Tickets",
        "Customer requests and their service levels.",
        "life-buoy",
        [("tickets", "Tickets", "life-buoy")],
        "The ticket queue with SLA timers, replies, internal notes and satisfaction surveys "
        "arrives in the service release.",
    ),
    "/analytics": (
        "Analytics",
        "Sales, customer and service performance.",
        "chart-column",
        [
            ("deals", "Deals", "handshake"),
            ("orders", "Orders", "receipt"),
            ("activities", "Activities", "activity"),
        ],
        "Dashboards for win rate, forecast, customer value, churn risk and service performance, with "
        "next-best-action recommendations, arrive in the analytics release.",
    ),
}


def upcoming_page(route: str) -> rx.Component:
    title, description, icon, counts, coming = UPCOMING[route]
    return app_shell(
        title,
        page_header(title, description),
        rx.grid(
            *[
                stat_card(label, count_of(key), "in your database", ic, test_id=f"count-{key}")
                for key, label, ic in counts
            ],
            columns=rx.breakpoints(initial="1", sm="2", lg="3"),
            spacing="4",
            width="100%",
        ),
        rx.card(
            empty_state(icon, f"{title}: coming in the next releases", coming),
            size="3",
            width="100%",
            margin_top="16px",
        ),
    )
