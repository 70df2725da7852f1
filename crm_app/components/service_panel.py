"""Settings → Service panel: SLA targets per priority (hours) and the business calendar."""

from __future__ import annotations

import reflex as rx

from crm_app.components.cards import panel
from crm_app.components.forms import field_label
from crm_app.components.i18n import T
from crm_app.services.i18n import N_
from crm_app.state.preferences import PreferencesState
from crm_app.state.service_admin import ServiceAdminState

S = ServiceAdminState

PRIORITIES = [
    ("urgent", N_("Urgent")),
    ("high", N_("High")),
    ("normal", N_("Normal")),
    ("low", N_("Low")),
]
WEEKDAYS = [
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
]


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


def _hours_input(name: str, label: rx.Var) -> rx.Component:
    return rx.box(
        rx.input(
            id=f"service-{name}",
            name=name,
            default_value=S.values.get(name, ""),
            input_mode="decimal",
            max_length=8,
            aria_label=label,
            placeholder=T("No target"),
            dir="ltr",
            width="100%",
        ),
        _error(name),
        width="100%",
    )


def _policy_row(priority: str, label: str) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.text(T(label), weight="medium", size="2")),
        rx.table.cell(_hours_input(f"{priority}.first_response", T("First response (hours)"))),
        rx.table.cell(_hours_input(f"{priority}.resolution", T("Resolution (hours)"))),
        align="center",
        data_testid=f"sla-{priority}",
    )


def _policies() -> rx.Component:
    return rx.vstack(
        rx.heading(T("Service targets"), size="3"),
        rx.text(
            T(
                "Business hours per priority, counted in the calendar below. "
                "Leave a field empty for no target."
            ),
            size="1",
            color="var(--gray-10)",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(T("Priority")),
                    rx.table.column_header_cell(T("First response (hours)")),
                    rx.table.column_header_cell(T("Resolution (hours)")),
                )
            ),
            rx.table.body(*[_policy_row(p, label) for p, label in PRIORITIES]),
            size="1",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _time_input(name: str, label: rx.Var) -> rx.Component:
    return rx.input(
        id=f"service-{name}",
        name=name,
        type="time",
        default_value=S.values.get(name, ""),
        aria_label=label,
        dir="ltr",
        width="120px",
    )


def _day_row(day: int, label: str) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.el.label(
                rx.hstack(
                    rx.checkbox(
                        name=f"day.{day}",
                        default_checked=S.days_on.get(str(day), False),
                        data_testid=f"day-{day}",
                    ),
                    rx.text(T(label), size="2"),
                    align="center",
                    spacing="2",
                ),
                style={"minWidth": "140px"},
            ),
            _time_input(f"start.{day}", T("Opens")),
            rx.text("–", color="var(--gray-10)"),
            _time_input(f"end.{day}", T("Closes")),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        _error(f"hours.{day}"),
        width="100%",
    )


def _calendar() -> rx.Component:
    return rx.vstack(
        rx.heading(T("Business hours"), size="3"),
        rx.text(
            T("SLA clocks run only on working days, between these times, outside holidays."),
            size="1",
            color="var(--gray-10)",
        ),
        rx.box(
            field_label(T("Time zone"), "service-time-zone"),
            rx.select.root(
                rx.select.trigger(
                    id="service-time-zone",
                    width="320px",
                    max_width="100%",
                    aria_label=T("Time zone"),
                ),
                rx.select.content(
                    rx.foreach(PreferencesState.time_zones, lambda z: rx.select.item(z, value=z))
                ),
                name="time_zone",
                default_value=S.time_zone,
            ),
            _error("time_zone"),
        ),
        *[_day_row(day, label) for day, label in enumerate(WEEKDAYS)],
        _error("days"),
        rx.box(
            field_label(T("Holidays"), "service-holidays"),
            rx.text_area(
                id="service-holidays",
                name="holidays",
                default_value=S.values.get("holidays", ""),
                placeholder="2026-12-24\n2026-12-25",
                rows="4",
                dir="ltr",
                width="320px",
                max_width="100%",
            ),
            rx.text(
                T("One date per line, like 2026-12-24."),
                size="1",
                color="var(--gray-10)",
                margin_top="4px",
            ),
            _error("holidays"),
        ),
        spacing="3",
        width="100%",
    )


def _links() -> rx.Component:
    return rx.box(
        field_label(T("Address of this app"), "service-base-url"),
        rx.input(
            id="service-base-url",
            name="base_url",
            default_value=S.values.get("base_url", ""),
            placeholder="https://crm.example.com",
            dir="ltr",
            width="420px",
            max_width="100%",
        ),
        rx.text(
            T("Rating links in mails to customers start with this. Empty: the server's own."),
            size="1",
            color="var(--gray-10)",
            margin_top="4px",
        ),
        _error("base_url"),
        width="100%",
    )


def service_panel() -> rx.Component:
    return rx.box(
        panel(
            T("Service"),
            rx.form(
                rx.vstack(
                    _policies(),
                    rx.separator(size="4"),
                    _calendar(),
                    rx.hstack(
                        rx.button(T("Save"), type="submit", data_testid="save-service"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="5",
                    width="100%",
                ),
                key=S.form_key,
                on_submit=S.save_service_settings,
                reset_on_submit=False,
                no_validate=True,
                width="100%",
            ),
        ),
        on_mount=S.load_service_settings,
        width="100%",
    )
