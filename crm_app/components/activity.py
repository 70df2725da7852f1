"""How an activity (note, call, e-mail, meeting) looks in a feed."""

from __future__ import annotations

import reflex as rx

KIND_STYLE: dict[str, tuple[str, str]] = {
    "note": ("sticky-note", "amber"),
    "call": ("phone", "green"),
    "email": ("mail", "blue"),
    "meeting": ("calendar", "purple"),
}


def kind_badge(kind: rx.Var[str]) -> rx.Component:
    """An icon in a tinted square; the colour is never the only cue (the label follows)."""
    return rx.match(
        kind,
        *[
            (
                k,
                rx.center(
                    rx.icon(icon, size=15),
                    width="30px",
                    height="30px",
                    border_radius="8px",
                    background=f"var(--{color}-3)",
                    color=f"var(--{color}-11)",
                    flex_shrink="0",
                ),
            )
            for k, (icon, color) in KIND_STYLE.items()
        ],
        rx.center(
            rx.icon("activity", size=15),
            width="30px",
            height="30px",
            border_radius="8px",
            background="var(--gray-3)",
            flex_shrink="0",
        ),
    )
