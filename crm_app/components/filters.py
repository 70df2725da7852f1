"""Filter bar pieces: a select over [value, label] options with an "all" choice, chips."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from crm_app.components.i18n import T
from crm_app.state.record_list import ALL


def option_select(
    value: rx.Var[str],
    options: rx.Var[list[list[str]]],
    on_change: Callable[[rx.Var[str]], rx.event.EventSpec],
    all_label: rx.Var[str],
    *,
    label: rx.Var[str],
    extra: list[tuple[str, rx.Var[str]]] | None = None,
    width: str = "170px",
) -> rx.Component:
    """A compact select; choosing ``all_label`` clears the filter."""
    return rx.select.root(
        rx.select.trigger(placeholder=all_label, width=width, aria_label=label),
        rx.select.content(
            rx.select.item(all_label, value=ALL),
            *[rx.select.item(text, value=v) for v, text in (extra or [])],
            rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0])),
        ),
        value=rx.cond(value == "", ALL, value),
        on_change=on_change,
        size="2",
    )


def filter_label(text: rx.Var[str]) -> rx.Component:
    return rx.text(text, size="1", color="var(--gray-10)", weight="medium")


def reset_button(on_click: rx.event.EventSpec, visible: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        visible,
        rx.button(
            rx.icon("x", size=14),
            T("Reset filters"),
            variant="ghost",
            color_scheme="gray",
            size="2",
            on_click=on_click,
        ),
    )
