"""Pipeline: the kanban board of a pipeline's deals, its filters, and the deal form."""

from __future__ import annotations

import reflex as rx

from crm_app.components import shell
from crm_app.components.cards import empty_state
from crm_app.components.deal_form import deal_form_dialog
from crm_app.components.filters import reset_button
from crm_app.components.i18n import T
from crm_app.components.kanban import kanban_board, lost_dialog, move_dialog
from crm_app.components.shell import app_shell, page_header
from crm_app.services.i18n import N_
from crm_app.state.deal_form import DealFormState
from crm_app.state.pipeline import DEFAULT_CLOSED_DAYS
from crm_app.state.pipeline import PipelineState as S

# The sidebar's Pipeline link starts loading the board on click, as Contacts does (the board
# mounts in parallel with the server's work instead of before it).
shell.PREFETCH.setdefault("/pipeline", S.prefetch)

CLOSED_CHOICES = [
    ("7", N_("Last 7 days")),
    ("30", N_("Last 30 days")),
    ("90", N_("Last 90 days")),
    ("365", N_("Last 12 months")),
    ("all", N_("Any time")),
]


def _f(name: str) -> rx.Var[str]:
    return S.filters.get(name, "").to(str)


def _select(options, value, on_change, label, *first: rx.Component, test_id: str = ""):
    """A native select styled like the app's: the filter bar mounts with the board on every
    visit, and four Radix selects and inputs cost it ~10 ms (25 ms at p95) of the 100."""
    return rx.el.select(
        *first,
        rx.foreach(options, lambda o: rx.el.option(o[1], value=o[0])),
        value=value,
        on_change=on_change,
        aria_label=label,
        class_name="rp-kanban-select",
        data_testid=test_id or None,
    )


def _date(name: str, label) -> rx.Component:
    return rx.el.input(
        type="date",
        value=_f(name),
        on_change=lambda v: S.set_filter(name, v),
        aria_label=label,
        class_name="rp-kanban-select rp-kanban-date",
    )


def filter_bar() -> rx.Component:
    return rx.el.div(
        _select(S.pipelines, S.pipeline_id, S.set_pipeline, T("Pipeline"), test_id="pipeline"),
        _select(
            S.owners,
            _f("owner"),
            lambda v: S.set_filter("owner", v),
            T("Owner"),
            rx.el.option(T("All owners"), value=""),
        ),
        rx.el.div(
            rx.el.span(T("Expected close"), class_name="rp-kanban-filter-label"),
            _date("close_from", T("Expected close from")),
            rx.el.span("–", class_name="rp-kanban-filter-label"),
            _date("close_to", T("Expected close until")),
            class_name="rp-kanban-filter-group",
        ),
        rx.el.div(
            rx.el.span(T("Won and lost"), class_name="rp-kanban-filter-label"),
            rx.el.select(
                *[rx.el.option(T(text), value=v) for v, text in CLOSED_CHOICES],
                value=_f("closed_days"),
                on_change=lambda v: S.set_filter("closed_days", v),
                aria_label=T("Won and lost deals closed in"),
                class_name="rp-kanban-select",
            ),
            class_name="rp-kanban-filter-group",
        ),
        reset_button(
            S.reset_filters,
            (_f("owner") != "")
            | (_f("close_from") != "")
            | (_f("close_to") != "")
            | (_f("closed_days") != DEFAULT_CLOSED_DAYS),
        ),
        class_name="rp-kanban-filters",
    )


def pipeline_page() -> rx.Component:
    return app_shell(
        page_header(
            T("Pipeline"),
            rx.el.span(S.summary, data_testid="board-summary"),
            rx.link(
                rx.button(
                    rx.icon("chart-line", size=16),
                    T("Forecast"),
                    variant="soft",
                    color_scheme="gray",
                ),
                href="/pipeline/forecast",
            ),
            rx.cond(
                S.can_write,
                rx.button(
                    rx.icon("plus", size=16),
                    T("New deal"),
                    on_click=DealFormState.open_new(S.pipeline_id, ""),
                    data_testid="new-deal",
                ),
            ),
        ),
        rx.vstack(
            filter_bar(),
            rx.cond(
                S.loaded & (S.columns.length() == 0),
                rx.card(
                    empty_state(
                        "kanban",
                        T("No stages to show"),
                        T("Add stages to this pipeline in Settings to start tracking deals."),
                    ),
                    width="100%",
                ),
                kanban_board(),
            ),
            spacing="4",
            width="100%",
        ),
        move_dialog(),
        lost_dialog(),
        deal_form_dialog(),
    )
