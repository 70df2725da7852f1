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
    """A compact select; choosing ``all_label`` clears the filter.

    The browser's own select, styled like the Radix ones (.rp-select in rapport.css): a list
    page has five of them in its filter bar, and Radix selects made up a fifth of mounting the
    ticket queue (docs/performance.md). It also opens as the platform's picker on a phone."""
    return rx.el.select(
        rx.el.option(all_label, value=ALL),
        *[rx.el.option(text, value=v) for v, text in (extra or [])],
        rx.foreach(options, lambda o: rx.el.option(o[1], value=o[0])),
        value=rx.cond(value == "", ALL, value),
        on_change=on_change,
        aria_label=label,
        class_name="rp-select",
        style={"width": width},
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
