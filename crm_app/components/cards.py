"""Stat cards, panels and empty states shared by the pages."""

from __future__ import annotations

import reflex as rx


def icon_tile(icon: str, color: str = "gray", *, size: int = 30) -> rx.Component:
    """An icon in a tinted rounded square (colour is never the only cue: a label goes beside it)."""
    return rx.center(
        rx.icon(icon, size=size // 2),
        width=f"{size}px",
        height=f"{size}px",
        border_radius=f"{size // 4}px",
        background=f"var(--{color}-3)",
        color=f"var(--{color}-11)",
        flex_shrink="0",
    )


def stat_card(
    label: str | rx.Var,
    value: rx.Var | str,
    detail: rx.Component | str,
    icon: str,
    color: str = "indigo",
    href: str | None = None,
    test_id: str = "",
) -> rx.Component:
    body = rx.card(
        rx.hstack(
            rx.vstack(
                rx.text(label, size="2", color="var(--gray-11)", weight="medium"),
                rx.text(
                    value,
                    size="7",
                    weight="bold",
                    letter_spacing="-0.02em",
                    color="var(--gray-12)",
                    data_testid=test_id or None,
                ),
                detail
                if isinstance(detail, rx.Component)
                else rx.text(detail, size="1", color="var(--gray-10)"),
                spacing="1",
                align="start",
            ),
            rx.spacer(),
            icon_tile(icon, color, size=40),
            align="start",
            width="100%",
        ),
        size="3",
        width="100%",
        height="100%",
        _hover={"box_shadow": "var(--shadow-3)"} if href else {},
    )
    return rx.link(body, href=href, underline="none", width="100%", height="100%") if href else body


def panel(
    title: str | rx.Var, *children: rx.Component, action: rx.Component | None = None
) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading(title, size="4", weight="bold"),
            rx.spacer(),
            action or rx.fragment(),
            align="center",
            margin_bottom="12px",
        ),
        *children,
        size="3",
        width="100%",
    )


def empty_state(
    icon: str, title: str | rx.Var, text: str | rx.Var, *actions: rx.Component
) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=24),
                width="48px",
                height="48px",
                border_radius="12px",
                background="var(--accent-3)",
                color="var(--accent-11)",
            ),
            rx.heading(title, size="4"),
            rx.text(text, size="2", color="var(--gray-11)", text_align="center", max_width="440px"),
            rx.hstack(*actions, spacing="2"),
            align="center",
            spacing="3",
        ),
        padding="40px 16px",
        width="100%",
    )


def skeleton_lines(n: int = 4) -> rx.Component:
    return rx.vstack(
        *[rx.skeleton(height="20px", width="100%") for _ in range(n)], spacing="3", width="100%"
    )


def admin_table(
    headers: list, items: rx.Var, row, *, min_width: str | None = None, **props
) -> rx.Component:
    """A Settings table: header cells (``None`` = an "Actions" column named for screen readers
    only), one row per item, scrolling sideways on a phone rather than crushing its cells."""
    from crm_app.components.i18n import T

    cells = [
        rx.table.column_header_cell(rx.text(T("Actions"), class_name="sr-only") if h is None else h)
        for h in headers
    ]
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*cells)),
            rx.table.body(rx.foreach(items, row)),
            variant="ghost",
            size="2",
            width="100%",
            **({"min_width": min_width} if min_width else {}),
        ),
        overflow_x="auto",
        width="100%",
        **props,
    )
